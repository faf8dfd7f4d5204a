"""One page for a 重層的支援会議 / 支援会議 (社会福祉法 第106条の6, 生活困窮者自立支援法 第9条):
a case de-identified — A票 categories, age bands, how long, what the family needs, which
agencies are involved and what became of it. No free text (neither the resident's words nor
caseworkers' notes), no contact details, no exact dates (the month only), no transcript: nothing
that could point at a family beyond what the meeting needs to discuss support."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass

from handoff import queue, sheet
from handoff.models import Handoff, Transfer

# the sheet's section builders carry codes and labels only (never summary_text): reused here
from handoff.sheet import _hikikomori, _household, _money, _safety
from handoff.summary import A_CATEGORIES, Summary
from handoff.transfers import STATE_LABELS as TRANSFER_LABELS

NONE = sheet.NONE


@dataclass(frozen=True)
class MeetingSheet:
    title: str
    sections: list[sheet.Section]


def _month(value: dt.datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(sheet.JST).strftime("%Y年%m月")


def _case(s: Summary, handoff: Handoff) -> sheet.Section:
    return sheet.Section(
        "事例",
        [
            sheet.Row("事例番号", handoff.id[:8]),
            sheet.Row("受付月", _month(handoff.created_at)),
            sheet.Row("相談経路", s.route.相談経路),
            sheet.Row("媒体", sheet.CHANNELS.get(s.channel, s.channel)),
            sheet.Row("相談者", s.consultant.relationship or NONE),
            sheet.Row("本人の年代", s.subject.age_band or NONE),
            sheet.Row("緊急度", sheet.LEVELS.get(s.urgency.level, s.urgency.level)),
        ],
    )


def _concerns(s: Summary) -> sheet.Section:
    rows = [
        sheet.Row("◎" if code == s.concerns.primary else "○", label)
        for code, label in A_CATEGORIES.items()
        if code in s.concerns.selected or code == s.concerns.primary
    ]
    return sheet.Section("相談内容（A票）", rows or [sheet.Row("—", NONE)])


def _agencies(handoff: Handoff, names: dict[str, str], transfers: list[Transfer]) -> sheet.Section:
    rows = [sheet.Row("担当機関", names.get(handoff.agency_id, handoff.agency_id))]
    for t in transfers:
        route = f"{names.get(t.from_agency, t.from_agency)} → {names.get(t.to_agency, t.to_agency)}"
        rows.append(sheet.Row("移管の提案", f"{route}（{TRANSFER_LABELS.get(t.state, t.state)}）"))
    rows.append(sheet.Row("状態", queue.STATE_LABELS.get(handoff.state, handoff.state)))
    if handoff.outcome:
        rows.append(sheet.Row("結果", queue.OUTCOMES.get(handoff.outcome, handoff.outcome)))
    if handoff.destination:
        label = queue.DESTINATIONS.get(handoff.destination, handoff.destination)
        rows.append(sheet.Row("つないだ先", label))
    return sheet.Section("関わる機関と経過", rows)


def build(
    s: Summary, handoff: Handoff, names: dict[str, str], transfers: list[Transfer]
) -> MeetingSheet:
    wishes = sheet.Row(
        "希望する手助け", "、".join(sheet.WANTS.get(w, w) for w in s.preferences.wants) or NONE
    )
    return MeetingSheet(
        title=f"支援会議用 事例概要（{handoff.id[:8]}）",
        sections=[
            _case(s, handoff),
            _concerns(s),
            sheet.Section("ひきこもりの状態", _hikikomori(s)),
            sheet.Section("世帯", _household(s)),
            sheet.Section("くらし", _money(s)),
            sheet.Section("急ぎ・安全", _safety(s)),
            sheet.Section("希望", [wishes]),
            _agencies(handoff, names, transfers),
        ],
    )


def to_csv(meeting: MeetingSheet) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["区分", "項目", "内容"])
    for section in meeting.sections:
        for row in section.rows:
            writer.writerow([section.title, row.label, row.value])
    return out.getvalue()


def to_html(meeting: MeetingSheet) -> str:
    """Printable on one page; serve it with ``sheet.EXPORT_CSP`` (its only style is hashed)."""
    template = sheet.environment().get_template("meeting_export.html")
    return template.render(meeting=meeting, style=sheet.EXPORT_STYLE)
