"""The follow-up opt-in as a durable schedule (table ``checkin``): chosen at consent or at the
close (「2週間後」「1か月後」), due ``after_days`` after the close, claimed by exactly one worker
(a conditional UPDATE: two workers, or a restart, cannot both send it), withdrawn by
「連絡はもう大丈夫です」. Codes, ids and dates only: nothing the resident wrote."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import update
from sqlmodel import col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from handoff.models import Checkin, Handoff, HandoffState
from handoff.ports import Sessions
from handoff.summary import FOLLOWUP_AFTER


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


async def choose(s: AsyncSession, handoff: Handoff, value: str | None, now: dt.datetime) -> None:
    """The resident answered the follow-up question (an option value, or None when skipped):
    a date choice (re)schedules the check-in, 声をかけないで / skipping leaves none. Asked at
    the close, the answer also goes into the closed handoff's summary (its preferences)."""
    after = FOLLOWUP_AFTER.get(value or "")
    row = await s.get(Checkin, handoff.id)
    if after is None:
        if row is not None and row.sent_at is None:
            await s.delete(row)
    else:
        row = row or Checkin(handoff_id=handoff.id, conversation_id=handoff.conversation_id or "")
        row.after_days, row.chosen_at, row.withdrawn_at, row.sent_at = after, now, None, None
        # chosen at the close: due from now; chosen at consent: set when it closes
        closed = handoff.state == HandoffState.CLOSED
        row.due_at = _aware(now) + dt.timedelta(days=after) if closed else None
        s.add(row)
    if handoff.state == HandoffState.CLOSED:
        from handoff import lifecycle  # lifecycle imports this module

        lifecycle.note_followup(s, handoff, after is not None if value else None, after)


async def schedule_on_close(s: AsyncSession, handoff: Handoff) -> Checkin | None:
    """The caseworker closed the handoff: an opt-in chosen earlier falls due its days after."""
    row = await s.get(Checkin, handoff.id)
    if row is None or row.withdrawn_at is not None or row.sent_at is not None:
        return row
    if handoff.closed_at is not None:
        row.due_at = _aware(handoff.closed_at) + dt.timedelta(days=row.after_days)
        s.add(row)
    return row


async def of_handoff(s: AsyncSession, handoff_id: str) -> Checkin | None:
    return await s.get(Checkin, handoff_id)


async def withdraw(s: AsyncSession, conversation_id: str, now: dt.datetime) -> int:
    """「連絡はもう大丈夫です」: every opt-in of the conversation ends (no check-in, and no
    caseworker message after closing); one with nothing chosen yet is recorded withdrawn too,
    so the close does not ask again. Returns how many were in force."""
    rows = (await s.exec(select(Checkin).where(Checkin.conversation_id == conversation_id))).all()
    live = [r for r in rows if r.withdrawn_at is None]
    for row in live:
        row.withdrawn_at = now
        s.add(row)
    known = {r.handoff_id for r in rows}
    handoffs = await s.exec(select(Handoff).where(Handoff.conversation_id == conversation_id))
    for h in handoffs.all():
        if h.id not in known:
            s.add(Checkin(handoff_id=h.id, conversation_id=conversation_id, withdrawn_at=now))
    return len(live)


async def withdrawn(s: AsyncSession, conversation_ids: Sequence[str] | None = None) -> set[str]:
    """Conversations (of those given, or all) whose follow-up opt-in was withdrawn."""
    query = select(Checkin.conversation_id).where(col(Checkin.withdrawn_at).is_not(None))
    if conversation_ids is not None:
        query = query.where(col(Checkin.conversation_id).in_(list(conversation_ids)))
    return set((await s.exec(query)).all())


async def claim_due(db: Sessions, now: dt.datetime) -> list[Checkin]:
    """The check-ins due by ``now``, each claimed in its own transaction by a conditional UPDATE
    (``sent_at IS NULL``): whichever worker's UPDATE changes the row sends it, the other skips it.
    Claimed before sending: a crash in between loses that check-in rather than sending it twice."""
    async with db.session() as s:
        due = (
            await s.exec(
                select(Checkin)
                .where(col(Checkin.due_at) <= now)
                .where(col(Checkin.sent_at).is_(None))
                .where(col(Checkin.withdrawn_at).is_(None))
            )
        ).all()
    claimed: list[Checkin] = []
    for row in due:
        async with db.session() as s:
            result = await s.exec(  # type: ignore[call-overload]
                update(Checkin)
                .where(col(Checkin.handoff_id) == row.handoff_id)
                .where(col(Checkin.sent_at).is_(None))
                .where(col(Checkin.withdrawn_at).is_(None))
                .values(sent_at=now)
            )
            if result.rowcount == 1:
                claimed.append(row)
    return claimed


async def forget(s: AsyncSession, conversation_id: str) -> None:
    """削除 / unfollow / retention: the conversation's opt-ins go with it."""
    await s.exec(delete(Checkin).where(col(Checkin.conversation_id) == conversation_id))  # type: ignore[call-overload]


async def erase_for(s: AsyncSession, handoff_ids: Sequence[str]) -> None:
    """The handoffs are deleted (handoff.lifecycle): their opt-ins go in the same transaction."""
    await s.exec(delete(Checkin).where(col(Checkin.handoff_id).in_(list(handoff_ids))))  # type: ignore[call-overload]
