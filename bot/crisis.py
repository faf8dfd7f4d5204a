"""The crisis conversation (DOMAIN.md §4, §9; SNS相談 practice, TALK): what the bot says when
triage finds danger, and what it says next, depending on the answer.

- P0 (or 「いま危ない」, or はい / わからない to the safety question): the person's safety first,
  119/110 and the lines open *now* for who is at risk, then the bot stays (stage ``WITH``): short
  check-ins, "can you call?", no form, until the person says they are safe.
- P1 wanting to die: thanks, the lines, and the direct question 「死にたいほどつらい気持ちが
  ありますか」 with its own buttons (stage ``ASKED``); はい → stay, いいえ → the open question
  again, わからない → the lines and a free choice.
- A family member telling of someone else's danger gets the family script, never questions
  about themselves. No food today, the power cut, no money for medicine: who acts, and when.
- 「相談員と話したい」 in a crisis says truthfully whether anyone is there, never opens the summary.

``step`` is pure (the service persists its stage and renders its codes); ``record`` keeps the
level on the conversation and raises the handoff's."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import update
from sqlmodel import col

from bot.db import Database
from bot.models import Conversation
from flows import triage
from flows.locale import t
from flows.municipality import Hotline, Municipality
from flows.render import Context, label, when
from flows.triage_meta import P0_CATEGORIES, P1_CATEGORIES
from handoff import lifecycle
from handoff.live import LiveHub
from handoff.models import Handoff

SAFETY_OPTIONS = ("safety:yes", "safety:no", "safety:unsure")
"""The buttons of the safety question asked when triage is unsure (`Assessment.ask`)."""
DANGER_ANSWERS = frozenset({"safety:yes", "safety:unsure"})  # はい / わからない: P0 handling
SAFE = "safety:no"
DANGER = "c:danger"
STAFF = "c:staff"
RESUME = "c:resume"

ASKED = "asked"  # the question about wanting to die waits for its answer
WITH = "with"  # the bot stays with a person in danger; no form until they say they are safe
IDEATION_OPTIONS = ("ideation:yes", "ideation:no", "ideation:unsure")
CALL, CANNOT_CALL, SAFE_NOW = "crisis:call", "crisis:cannot_call", "crisis:safe"
WITH_OPTIONS = (CALL, CANNOT_CALL, SAFE_NOW, STAFF, DANGER)
GO_ON_OPTIONS = (RESUME, STAFF, DANGER)
OPTION_CODES = (*SAFETY_OPTIONS, *IDEATION_OPTIONS, CALL, CANNOT_CALL, SAFE_NOW)
"""Codes this module offers (their labels are ``opt.<kind>.<value>`` in locales/)."""

# what the person may still do in a crisis: delete everything, withdraw consent, change language
PASS_THROUGH = ("c:delete", "c:withdraw", "c:lang:")
# categories where the bot asks directly about wanting to die (TALK: Ask)
ASK_ABOUT = (None, "suicidal_ideation", "suicide_imminent", "self_harm", "self_report")
LIFELINE_CODES = frozenset({"a:immediate:food", "a:immediate:utilities"})
"""「今日・明日」 answers that are a lifeline emergency (DOMAIN.md §4 G)."""

CARD_ORDER = (*P0_CATEGORIES, "self_report", *P1_CATEGORIES)
"""Categories from most to least severe, for the console's alert card."""

DANGER_BUTTON = triage.Assessment(
    level="P0", category="self_report", rule_id="button", third_party=False, flags=()
)
LIFELINE = triage.Assessment(
    level="P1", category="lifeline", rule_id="button:immediate", third_party=False, flags=("G",)
)


@dataclass(frozen=True)
class Moment:
    """What the crisis conversation needs to know about one turn (codes only, no text)."""

    locale: str
    stage: str | None
    code: str | None
    assessment: triage.Assessment | None
    audience: str  # flows.at_risk: who is at risk
    now: dt.datetime
    ctx: Context
    holds_handoff: bool
    oncall_told: bool  # an on-call alert went out for this episode

    @property
    def level(self) -> str | None:
        return self.assessment.level if self.assessment else None


@dataclass(frozen=True)
class Step:
    """The bot's answer in the crisis conversation; ``resume``: show the open question after it."""

    messages: list[str]
    options: tuple[str, ...]
    stage: str | None
    level: str | None = None
    resume: bool = False


def step(city: Municipality, m: Moment) -> Step | None:
    """The crisis conversation's answer to this turn, or None: the ordinary conversation goes on."""
    if m.code in LIFELINE_CODES or (m.code and m.code.startswith(PASS_THROUGH)):
        return None  # a lifeline button: the form goes on, with the lifeline reply in front
    if m.level == "P0":
        return _emergency(city, m)
    if m.stage == WITH or m.code in (CALL, CANNOT_CALL, SAFE_NOW):
        return _staying(city, m)
    if m.code in IDEATION_OPTIONS:  # also a button pressed later, from an earlier message
        return _answered(city, m)
    if m.stage == ASKED and m.code == STAFF:
        return _staff(city, m, (*IDEATION_OPTIONS, DANGER), ASKED)
    if m.level == "P1" and m.assessment is not None:
        return _high(city, m, m.assessment)
    return None


def lifeline_lines(m: Moment) -> list[str]:
    """No food today, the power cut, no money for medicine: who will act, and when."""
    lines = [t(m.locale, "crisis.P1.lifeline")]
    if m.ctx.staffed_now or m.holds_handoff:
        lines.append(t(m.locale, "crisis.lifeline.now"))
    elif m.ctx.next_staffed is not None:
        lines.append(t(m.locale, "crisis.lifeline.next", when=when(m.locale, m.ctx.next_staffed)))
    if m.oncall_told and not m.ctx.staffed_now:
        lines.append(t(m.locale, "crisis.oncall_told"))
    return lines


# ---------------------------------------------------------------------------- the steps


def _emergency(city: Municipality, m: Moment) -> Step:
    a = m.assessment
    assert a is not None
    category = a.category or ""
    first = _first_line(m.locale, "P0", category, family=a.third_party)
    if a.third_party:
        first += "\n" + t(m.locale, "crisis.family.stay") + "\n" + t(m.locale, "crisis.family")
    check = [t(m.locale, "crisis.with.call"), *_who_reads(m)]
    return Step(
        messages=[first, _lines(city, m, category), "\n".join(check)],
        options=WITH_OPTIONS,
        stage=WITH,
        level="P0",
    )


def _staying(city: Municipality, m: Moment) -> Step:
    """Stage WITH: short check-ins, no form, until the person says they are safe."""
    locale = m.locale
    if m.code == SAFE_NOW:
        return Step([t(locale, "crisis.safe")], GO_ON_OPTIONS, stage=None)
    if m.code == STAFF:
        return _staff(city, m, WITH_OPTIONS, WITH)
    if m.code == CALL:
        return Step([t(locale, "crisis.call")], WITH_OPTIONS, stage=WITH)
    if m.code == CANNOT_CALL:
        text = [t(locale, "crisis.cannot_call"), _lines(city, m, "suicide_imminent")]
        return Step(text, WITH_OPTIONS, stage=WITH)
    heard = [t(locale, "crisis.heard")] if m.code is None else []
    messages = ["\n".join([*heard, t(locale, "crisis.checkin")])]
    a = m.assessment
    if a is not None and (a.ask or a.level == "P1"):
        # still with someone in danger, and this message may be danger too: the lines again
        messages.append(_lines(city, m, "suicide_imminent", emergency=True))
    return Step(messages, WITH_OPTIONS, stage=WITH)


def _answered(city: Municipality, m: Moment) -> Step:
    """The answer to 「死にたいほどつらい気持ちがありますか」."""
    locale = m.locale
    if m.code == "ideation:yes":
        stay = [t(locale, "crisis.with.call"), *_who_reads(m)]
        messages = [
            t(locale, "crisis.ideation.yes"),
            _lines(city, m, "suicidal_ideation"),
            "\n".join(stay),
        ]
        return Step(messages, WITH_OPTIONS, stage=WITH, level="P1")
    if m.code == "ideation:no":
        return Step([t(locale, "crisis.ideation.no")], (), stage=None, resume=True)
    messages = [
        t(locale, "crisis.ideation.unsure"),
        _lines(city, m, "suicidal_ideation"),
        t(locale, "crisis.ideation.unsure_next"),
    ]
    return Step(messages, GO_ON_OPTIONS, stage=None)


def _staff(city: Municipality, m: Moment, options: tuple[str, ...], stage: str) -> Step:
    """「相談員と話したい」 in a crisis: the truth about who is there, the lines again."""
    locale = m.locale
    if m.holds_handoff or m.ctx.staffed_now:
        return Step([t(locale, "crisis.staff.open")], options, stage=stage)
    if m.ctx.next_staffed is not None:
        first = t(locale, "crisis.staff.closed", when=when(locale, m.ctx.next_staffed))
    else:
        first = t(locale, "afterhours.none")
    if m.oncall_told:
        first += "\n" + t(locale, "crisis.oncall_told")
    category = (m.assessment.category if m.assessment else None) or "suicide_imminent"
    return Step([first, _lines(city, m, category)], options, stage=stage)


def _high(city: Municipality, m: Moment, a: triage.Assessment) -> Step:
    """P1: the family script, the lifeline reply, the question about wanting to die, or the
    category's own words with the lines for who is at risk."""
    locale = m.locale
    category = a.category or ""
    if category == "lifeline":
        return Step(
            ["\n".join(lifeline_lines(m)), _lines(city, m, category)], GO_ON_OPTIONS, stage=None
        )
    if a.third_party:
        first = "\n".join(
            [
                _first_line(locale, "P1", category, family=True),
                t(locale, "crisis.family.stay"),
                t(locale, "crisis.family"),
            ]
        )
        return _asking_if_unsure(
            m,
            Step([first, _lines(city, m, category), "\n".join(_who_reads(m))], GO_ON_OPTIONS, None),
        )
    if a.category in ASK_ABOUT:
        messages = [
            _first_line(locale, "P1", category, family=False),
            "\n".join([_lines(city, m, category), *_who_reads(m)]),
            t(locale, "crisis.ask"),
        ]
        return Step(messages, (*IDEATION_OPTIONS, DANGER), stage=ASKED, level="P1")
    first = _first_line(locale, "P1", category, family=False)
    step = Step([first, _lines(city, m, category), "\n".join(_who_reads(m))], GO_ON_OPTIONS, None)
    return _asking_if_unsure(m, step)


def _asking_if_unsure(m: Moment, step: Step) -> Step:
    """A P1 that triage thinks may be a P0 (`Assessment.ask`) ends with the safety question:
    はい / わからない get the emergency reply."""
    if m.assessment is None or not m.assessment.ask:
        return step
    return Step([*step.messages, t(m.locale, "safety.ask")], SAFETY_OPTIONS, step.stage)


# ---------------------------------------------------------------------------- wording


def _first_line(locale: str, level: str, category: str, *, family: bool) -> str:
    keys = [f"crisis.{level}.{category}"]
    if family and category != "medical_emergency":  # someone collapsed: 119 comes first
        keys.insert(0, f"crisis.family.{level}")
    for key in [*keys, f"crisis.{level}"]:
        try:
            return t(locale, key)
        except KeyError:
            continue
    raise KeyError(f"crisis.{level}")


def _lines(city: Municipality, m: Moment, category: str, *, emergency: bool = False) -> str:
    """The lines open now for this danger and for who is at risk (the city's ``for:``);
    ``emergency``: 119/110 included whatever this message's level (staying after a P0)."""
    level = "P0" if emergency else m.level or "P1"
    if category == "self_report":
        category = "suicide_imminent"
    hotlines = city.open_hotlines(m.now, category or None, m.audience) or city.open_hotlines(
        m.now, category or None
    )
    if level != "P0" and category != "lifeline":
        hotlines = [h for h in hotlines if h.number not in ("110", "119")] or hotlines
    listing = [t(m.locale, "crisis.lines")]
    listing += [
        t(m.locale, "crisis.line", name=_hotline_name(h, m.locale), number=h.number)
        for h in hotlines[:6]
    ]
    return "\n".join(listing)


def _hotline_name(h: Hotline, locale: str) -> str:
    """English readers get the city's gloss beside the Japanese name they will hear."""
    if locale == "en" and h.name_en:
        return f"{h.name_en} ({h.name})"
    return h.name


def _who_reads(m: Moment) -> list[str]:
    """Truthfully: does a caseworker know now, and when will one read."""
    if m.holds_handoff:
        return [t(m.locale, "crisis.staff_now")]
    if m.ctx.staffed_now:
        return [t(m.locale, "crisis.staff_today")]
    out = []
    if m.ctx.next_staffed is not None:
        out.append(t(m.locale, "crisis.staff_next", when=when(m.locale, m.ctx.next_staffed)))
    if m.oncall_told:
        out.append(t(m.locale, "crisis.oncall_told"))
    return out


def labels(locale: str, codes: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(code, label(locale, code)) for code in codes]


# ---------------------------------------------------------------------------- storage


async def record(
    db: Database,
    live: LiveHub,
    conv: Conversation,
    assessment: triage.Assessment,
    now: dt.datetime,
    handoff: Handoff | None,
) -> Conversation:
    """Keep the worst level, the categories and the first time on the conversation; raise the
    level of the handoff the agency holds."""
    level = assessment.level or "P3"
    async with db.session() as s:
        row = await s.get(Conversation, conv.id)
        assert row is not None
        if triage.level_rank(level) < triage.level_rank(row.crisis_level):
            row.crisis_level = level
        flags = {f for f in row.crisis_flags.split(",") if f}
        if assessment.category:
            flags.add(assessment.category)
        if assessment.third_party:
            flags.add("third_party")
        row.crisis_flags = ",".join(sorted(flags))[:200]
        row.crisis_first_at = row.crisis_first_at or now
        s.add(row)
    if handoff is not None:
        await lifecycle.escalate(db, live, handoff.id, level)
    return row


async def set_stage(db: Database, conversation_id: str, stage: str | None) -> None:
    async with db.session() as s:
        await s.exec(
            update(Conversation)
            .where(col(Conversation.id) == conversation_id)
            .values(crisis_stage=stage)
        )
