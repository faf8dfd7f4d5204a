"""What the bot does when triage finds danger: remember it on the conversation (and raise the
handoff's level), and the reply — empathy first, then the 24-hour lines open right now."""

from __future__ import annotations

import datetime as dt

from bot.db import Database
from bot.messages import Option, Reply
from bot.models import Conversation
from flows import triage
from flows.locale import t
from flows.municipality import Municipality
from flows.render import Context, label, staffing
from handoff import lifecycle
from handoff.live import LiveHub
from handoff.models import Handoff

# the danger button (いま危ない) says nothing of what is happening: treat it as the worst case
SAFETY_OPTIONS = ("safety:yes", "safety:no", "safety:unsure")
"""The buttons of the safety question asked when triage is unsure (`Assessment.ask`)."""
DANGER_ANSWERS = frozenset({"safety:yes", "safety:unsure"})  # はい / わからない: P0 handling
SAFE = "safety:no"

DANGER_BUTTON = triage.Assessment(
    level="P0", category="self_report", rule_id="button", third_party=False, flags=()
)


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


def reply(
    city: Municipality,
    conv: Conversation,
    assessment: triage.Assessment,
    now: dt.datetime,
    ctx: Context,
    *,
    holds_handoff: bool,
) -> Reply:
    locale = conv.locale
    level = assessment.level or "P1"
    category = assessment.category or ""
    try:
        first = t(locale, f"crisis.{level}.{category}")
    except KeyError:
        first = t(locale, f"crisis.{level}")
    lines = [first]
    if assessment.third_party:
        lines.append(t(locale, "crisis.family"))
    hotlines = city.open_hotlines(
        now, "suicide_imminent" if category == "self_report" else (category or None)
    )
    if level == "P1":
        hotlines = [h for h in hotlines if h.number not in ("110", "119")] or hotlines
    listing = [t(locale, "crisis.lines")] + [
        t(locale, "crisis.line", name=h.name, number=h.number) for h in hotlines[:6]
    ]
    after = [t(locale, "crisis.after")]
    if holds_handoff:
        after.append(t(locale, "crisis.staff_now"))
    elif not ctx.staffed_now and ctx.next_staffed is not None:
        after.append(staffing(locale, ctx))
    options = [
        Option("c:resume", label(locale, "c:resume")),
        Option("c:staff", t(locale, "opt.c.staff")),
    ]
    return Reply(
        messages=["\n".join(lines), "\n".join(listing), "\n".join(after)],
        options=options,
        conversation_id=conv.id,
        level=level,
    )
