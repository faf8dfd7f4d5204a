"""Caseload for supervisors (担当件数): per agency and caseworker, how many handoffs, how many
open and closed, how many from each door, and the median time from a handoff to the
caseworker's first reply. Counts and minutes only; the caller's agencies only."""

from __future__ import annotations

import csv
import datetime as dt
import io
import statistics
from collections import defaultdict
from dataclasses import dataclass, field

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from handoff.figures import first_replies
from handoff.models import Handoff, HandoffState

UNCLAIMED = "（未担当）"
HEADER = [
    "機関",
    "担当者",
    "件数",
    "対応中",
    "終了",
    "チャット",
    "来所・電話",
    "初回返信まで（分・中央値）",
]


@dataclass
class Load:
    agency: str
    caseworker: str
    total: int = 0
    open: int = 0
    closed: int = 0
    chat: int = 0
    entered: int = 0
    reply_minutes: list[float] = field(default_factory=list)

    @property
    def median_reply(self) -> str:
        if not self.reply_minutes:
            return ""
        return f"{statistics.median(self.reply_minutes):.0f}"


def _utc(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


async def loads(session: AsyncSession, agencies: set[str] | None) -> list[Load]:
    query = select(Handoff)
    if agencies is not None:
        query = query.where(col(Handoff.agency_id).in_(agencies))
    handoffs = list((await session.exec(query)).all())
    firsts = await first_replies(session, [h.id for h in handoffs])
    found: dict[tuple[str, str], Load] = defaultdict(lambda: Load("", ""))
    for h in handoffs:
        key = (h.agency_id, h.claimed_by or UNCLAIMED)
        load = found[key]
        load.agency, load.caseworker = key
        load.total += 1
        load.closed += h.state == HandoffState.CLOSED
        load.open += h.state != HandoffState.CLOSED
        load.entered += h.channel in ("walk_in", "phone")
        load.chat += h.channel not in ("walk_in", "phone")
        if h.id in firsts:
            minutes = (_utc(firsts[h.id]) - _utc(h.created_at)).total_seconds() / 60
            load.reply_minutes.append(max(0.0, minutes))
    return sorted(found.values(), key=lambda x: (x.agency, x.caseworker))


def to_csv(rows: list[Load], agency_names: dict[str, str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    for r in rows:
        name = agency_names.get(r.agency, r.agency)
        writer.writerow(
            [name, r.caseworker, r.total, r.open, r.closed, r.chat, r.entered, r.median_reply]
        )
    return out.getvalue()
