"""Every change to a Handoff row, one function per step of its life:

    open_on_consent ─────────────────> queued ─claim─> claimed ─go_live─> live ─return_to_bot─> returned_to_bot
                                      │                │                 │ ^──────go_live─────────┘
                                      └───────────────close (with an outcome)──────────────────────> closed
    escalate: a crisis raises the level of the handoff the resident's conversation holds
    withdraw: 「取り消す」 deletes it while no caseworker has opened it (open_by_staff pins that)
    erase: the resident deletes everything (削除, LINE unfollow)

Each step is a conditional UPDATE (``… WHERE state IN (…)``), so two caseworkers on two worker
processes cannot both claim the same handoff; then its audit record, in the same transaction; then,
once committed, its live event. No other module writes the handoff table (a test greps for it)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import delete, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from flows.triage import LEVEL_ORDER, level_rank
from handoff import audit, checkins, consent, events, notes, queue, transfers
from handoff.events import Publisher
from handoff.models import (
    ACTIVE_STATES,
    SCOPE_SUMMARY,
    Handoff,
    HandoffState,
    Transfer,
    TransferState,
    utcnow,
)
from handoff.ports import Sessions
from handoff.summary import Summary


class TransitionError(ValueError):
    """The handoff is not in a state that allows this action (someone else may have acted)."""


class NotFound(LookupError):
    """No such handoff, or not one of the caller's agencies."""


async def _publish(live: Publisher | None, topic: str, event: dict[str, Any]) -> None:
    if live is not None:
        await live.publish(topic, event)


# ---------------------------------------------------------------------------- the resident's side


async def active_for(s: AsyncSession, conversation_id: str) -> Handoff | None:
    """The handoff a conversation's agency still holds (the newest), if any."""
    return (
        await s.exec(
            select(Handoff)
            .where(Handoff.conversation_id == conversation_id)
            .where(col(Handoff.state).in_(ACTIVE_STATES))
            .order_by(col(Handoff.created_at).desc())
        )
    ).first()


async def open_on_consent(
    db: Sessions,
    live: Publisher | None,
    *,
    conversation_id: str,
    channel: str,
    agency_id: str,
    after_hours: bool,
    now: dt.datetime,
    contact_enc: str | None,
    consent_turn: bool,
    consent_version: str,
    consent_scope: str = SCOPE_SUMMARY,
    make_summary: Callable[[str, dt.datetime], Summary],
) -> tuple[Handoff | None, bool]:
    """On the turn the person consents, create the handoff (or, approved again after a
    correction, replace its summary) with a consent record pinning the approved hash. Other
    turns only add what came after approval: contact wishes and the urgency.

    ``make_summary(handoff_id, created_at)`` builds the summary from the conversation.
    Returns the handoff (None if there is none to update) and whether it was created now."""
    async with db.session() as s:
        existing = await active_for(s, conversation_id)
        if existing is None and not consent_turn:
            return None, False
        handoff = existing or Handoff(
            conversation_id=conversation_id,
            agency_id=agency_id,
            channel=channel,
            summary_json="{}",
            summary_hash="",
            created_at=now,
            after_hours=after_hours,
        )
        if contact_enc is not None:
            handoff.contact_enc = contact_enc
        summary = make_summary(handoff.id, handoff.created_at)
        approved_again = consent_turn and summary.digest() != handoff.summary_hash
        if not approved_again:
            summary = Summary.model_validate_json(handoff.summary_json).model_copy(
                update={"preferences": summary.preferences, "urgency": summary.urgency}
            )
        summary.consent.contact_shared = handoff.contact_enc is not None
        handoff.summary_json = summary.model_dump_json()
        handoff.level = summary.urgency.level
        handoff.urgency_rank = queue.rank_of(handoff.level)
        handoff.updated_at = utcnow()
        s.add(handoff)
        if not approved_again:
            return handoff, False
        handoff.summary_hash = summary.digest()
        await consent.record(s, handoff, text_version=consent_version, scope=consent_scope, now=now)
    if existing is not None:
        return handoff, False
    await _publish(
        live,
        events.QUEUE,
        events.handoff_new(handoff.id, handoff.level, handoff.after_hours, handoff.agency_id),
    )
    return handoff, True


async def escalate(db: Sessions, live: Publisher | None, handoff_id: str, level: str) -> None:
    """A crisis in the conversation: raise the handoff's level (never lower it)."""
    async with db.session() as s:
        await s.exec(
            update(Handoff)
            .where(col(Handoff.id) == handoff_id)
            .where(col(Handoff.level).not_in(LEVEL_ORDER[: level_rank(level) + 1]))
            .values(level=level, urgency_rank=queue.rank_of(level), updated_at=utcnow())
        )
    if level in ("P0", "P1"):
        await _publish(live, events.QUEUE, events.handoff_level(handoff_id, level))


async def withdraw(db: Sessions, live: Publisher | None, handoff_id: str, now: dt.datetime) -> bool:
    """「取り消す」: delete the handoff, but only while no caseworker has opened it.
    Conditional, as ``open_by_staff`` sets ``opened_at`` conditionally: no race between them."""
    async with db.session() as s:
        gone = await s.exec(  # type: ignore[call-overload]
            delete(Handoff)
            .where(col(Handoff.id) == handoff_id)
            .where(col(Handoff.opened_at).is_(None))
        )
        if gone.rowcount:
            await notes.erase(s, [handoff_id])
            await transfers.erase_for(s, [handoff_id])
            await checkins.erase_for(s, [handoff_id])
            await consent.withdraw(s, handoff_id, now)
    if not gone.rowcount:
        return False
    await _publish(live, events.QUEUE, events.handoff_withdrawn(handoff_id))
    return True


async def erase(s: AsyncSession, conversation_id: str, reason: str, now: dt.datetime) -> list[str]:
    """The resident deletes their conversation (削除, unfollow), in the caller's transaction.

    A handoff no caseworker has opened goes entirely, with its notes and consent. One a
    caseworker has opened is the agency's 相談記録: its A票 summary and notes stay (until the
    city's ``closed_retention_days``), closed and marked withdrawn by the resident; its contact
    details and its link to the conversation go, and its consent is withdrawn. Returns the ids
    of the handoffs that left the queue, for ``announce_erased`` after the commit."""
    handoff_ids = list(
        (await s.exec(select(Handoff.id).where(Handoff.conversation_id == conversation_id))).all()
    )
    for hid in handoff_ids:
        if not await _delete_unopened(s, hid):
            await _keep_withdrawn(s, hid, reason, now)
            await audit.record(s, "resident", "withdrawn_kept", hid, reason)
        else:
            await audit.record(s, "resident", "deleted", hid, reason)
    await consent.erase(s, conversation_id)
    return handoff_ids


async def _delete_unopened(s: AsyncSession, handoff_id: str) -> bool:
    """Delete a handoff with its notes and consents, only if no caseworker has opened it."""
    gone = await s.exec(  # type: ignore[call-overload]
        delete(Handoff).where(col(Handoff.id) == handoff_id).where(col(Handoff.opened_at).is_(None))
    )
    if gone.rowcount:
        await notes.erase(s, [handoff_id])
        await transfers.erase_for(s, [handoff_id])
        await checkins.erase_for(s, [handoff_id])
        await consent.erase_for(s, [handoff_id])
    return bool(gone.rowcount)


async def _keep_withdrawn(s: AsyncSession, handoff_id: str, via: str, now: dt.datetime) -> None:
    """Keep the summary and notes as the agency's record; drop what ties it to the person."""
    await s.exec(
        update(Handoff)
        .where(col(Handoff.id) == handoff_id)
        .values(
            conversation_id=None,
            contact_enc=None,
            live_since=None,
            withdrawn_at=now,
            withdrawn_via=via[:80],
            updated_at=utcnow(),
        )
    )
    await s.exec(
        update(Handoff)
        .where(col(Handoff.id) == handoff_id, col(Handoff.state) != HandoffState.CLOSED)
        .values(state=HandoffState.CLOSED, closed_at=now, outcome="ended_by_request")
    )
    await consent.withdraw(s, handoff_id, now, detach=True)


async def detach_expired(s: AsyncSession, conversation_ids: Sequence[str]) -> None:
    """Retention deleted conversations whose handoffs are all closed (a batch of them): the
    records stay, without the link to the conversation or the contact details."""
    await s.exec(
        update(Handoff)
        .where(col(Handoff.conversation_id).in_(list(conversation_ids)))
        .values(conversation_id=None, contact_enc=None, updated_at=utcnow())
    )
    await consent.detach(s, conversation_ids)


async def purge_closed(s: AsyncSession, before: dt.datetime, limit: int = 500) -> list[str]:
    """Retention: up to ``limit`` handoffs closed (or withdrawn) before ``before`` go with their
    notes and consents (the caller repeats, one transaction per batch). Returns their ids."""
    ids = list(
        (
            await s.exec(
                select(Handoff.id)
                .where(Handoff.state == HandoffState.CLOSED)
                .where(col(Handoff.closed_at) < before)
                .limit(limit)
            )
        ).all()
    )
    if ids:
        await notes.erase(s, ids)
        await transfers.erase_for(s, ids)
        await checkins.erase_for(s, ids)
        await consent.erase_for(s, ids)
        await s.exec(delete(Handoff).where(col(Handoff.id).in_(ids)))  # type: ignore[call-overload]
        await audit.record_each(s, "system", "purged", ids, "retention")
    return ids


async def announce_erased(live: Publisher | None, handoff_ids: Sequence[str]) -> None:
    for hid in handoff_ids:
        await _publish(live, events.QUEUE, events.handoff_deleted(hid))


# ---------------------------------------------------------------------------- the caseworker's side


async def open_by_staff(
    db: Sessions,
    live: Publisher | None,
    handoff_id: str,
    actor: str,
    agencies: set[str] | None,
    via: str,
) -> Handoff:
    """A caseworker views a handoff: audited, and the first view pins ``opened_at`` (after that
    the resident can no longer withdraw consent from the chat)."""
    async with db.session() as s:
        if await queue.get(s, handoff_id, agencies) is None:
            await audit.record(s, actor, "handoff_view", handoff_id, "not found")
            raise NotFound(handoff_id)
        result = await s.exec(
            update(Handoff)
            .where(col(Handoff.id) == handoff_id, col(Handoff.opened_at).is_(None))
            .values(opened_at=utcnow())
        )
        first = getattr(result, "rowcount", 0) == 1
        await audit.record(s, actor, "handoff_view", handoff_id, via)
        if first:
            await audit.record(s, actor, "handoff_first_open", handoff_id)
        handoff = await s.get(Handoff, handoff_id, populate_existing=True)
        assert handoff is not None
    if first:
        await _publish(live, events.QUEUE, events.handoff_opened(handoff_id))
    return handoff


async def _move(
    db: Sessions,
    live: Publisher | None,
    handoff_id: str,
    agencies: set[str] | None,
    audited: tuple[str, str, str],
    allowed_from: Sequence[str],
    values: dict[str, Any],
    extra_where: Sequence[Any] = (),
    validate: Callable[[], None] | None = None,
) -> Handoff:
    """The conditional UPDATE, its audit record (actor, action, detail) and the state event."""
    actor, action, detail = audited
    async with db.session() as s:
        if await queue.get(s, handoff_id, agencies) is None:
            raise NotFound(handoff_id)
        if validate is not None:
            validate()
        statement = (
            update(Handoff)
            .where(
                col(Handoff.id) == handoff_id, col(Handoff.state).in_(allowed_from), *extra_where
            )
            .values(updated_at=utcnow(), **values)
        )
        result = await s.exec(statement)
        if getattr(result, "rowcount", 0) != 1:
            raise TransitionError(handoff_id)
        handoff = await s.get(Handoff, handoff_id, populate_existing=True)
        assert handoff is not None
        await audit.record(s, actor, action, handoff_id, detail)
    await _publish(
        live, events.QUEUE, events.handoff_state(handoff.id, handoff.state, handoff.agency_id)
    )
    await _publish(live, events.handoff_topic(handoff.id), events.state(handoff.state))
    return handoff


async def claim(
    db: Sessions, live: Publisher | None, handoff_id: str, actor: str, agencies: set[str] | None
) -> Handoff:
    return await _move(
        db,
        live,
        handoff_id,
        agencies,
        (actor, "claim", ""),
        [HandoffState.QUEUED],
        {"state": HandoffState.CLAIMED, "claimed_by": actor, "claimed_at": utcnow()},
    )


async def go_live(
    db: Sessions, live: Publisher | None, handoff_id: str, actor: str, agencies: set[str] | None
) -> Handoff:
    """The assigned caseworker takes the chat over; the bot stays silent from now on."""
    return await _move(
        db,
        live,
        handoff_id,
        agencies,
        (actor, "live", ""),
        [HandoffState.CLAIMED, HandoffState.RETURNED],
        {"state": HandoffState.LIVE, "live_since": utcnow()},
        [col(Handoff.claimed_by) == actor],
    )


async def return_to_bot(
    db: Sessions,
    live: Publisher | None,
    handoff_id: str,
    actor: str,
    agencies: set[str] | None,
    *,
    supervisor: bool,
) -> Handoff:
    """Back to the bot (the caller then resumes it: only once the chat is no longer live)."""
    return await _move(
        db,
        live,
        handoff_id,
        agencies,
        (actor, "return_to_bot", ""),
        [HandoffState.LIVE],
        {"state": HandoffState.RETURNED, "live_since": None},
        [] if supervisor else [col(Handoff.claimed_by) == actor],
    )


async def close(
    db: Sessions,
    live: Publisher | None,
    handoff_id: str,
    actor: str,
    agencies: set[str] | None,
    *,
    supervisor: bool,
    outcome: str,
    destination: str | None,
    now: dt.datetime | None = None,
) -> Handoff:
    """Close with an outcome (and where the case went). Only a supervisor may close an
    unclaimed handoff or one assigned to someone else. ``now``: the console's clock."""

    def validate() -> None:
        if outcome not in queue.OUTCOMES:
            raise ValueError("outcome")
        if outcome == "referred":
            if destination not in queue.DESTINATIONS:
                raise ValueError("destination")
        elif destination not in (None, "") and destination not in queue.DESTINATIONS:
            raise ValueError("destination")

    detail = f"outcome={outcome}" + (f" destination={destination}" if destination else "")
    return await _move(
        db,
        live,
        handoff_id,
        agencies,
        (actor, "close", detail),
        ACTIVE_STATES,
        {
            "state": HandoffState.CLOSED,
            "outcome": outcome,
            "destination": destination or None,
            "closed_at": now or utcnow(),
            "live_since": None,
        },
        [] if supervisor else [col(Handoff.claimed_by) == actor],
        validate,
    )


async def withdraw_for_resident(
    db: Sessions, live: Publisher | None, handoff_id: str, actor: str, agencies: set[str] | None
) -> Handoff:
    """The resident asked the caseworker in the live chat to withdraw their consent: the same
    record life as their own 削除 after opening (closed, marked withdrawn, contact details gone,
    consent withdrawn), recorded by the caseworker who heard it."""
    now = utcnow()
    async with db.session() as s:
        handoff = await queue.get(s, handoff_id, agencies)
        if handoff is None:
            raise NotFound(handoff_id)
        if handoff.withdrawn_at is not None:
            raise TransitionError(handoff_id)
        await _keep_withdrawn(s, handoff_id, f"staff:{actor}", now)
        await audit.record(s, actor, "withdrawal_recorded", handoff_id, "asked in live chat")
        handoff = await s.get(Handoff, handoff_id, populate_existing=True)
        assert handoff is not None
    await _publish(
        live, events.QUEUE, events.handoff_state(handoff.id, handoff.state, handoff.agency_id)
    )
    await _publish(live, events.handoff_topic(handoff.id), events.state(handoff.state))
    return handoff


# ---------------------------------------------------------------------------- transfers (多機関協働)


async def propose_transfer(
    db: Sessions, handoff_id: str, actor: str, agencies: set[str] | None, to_agency: str
) -> Handoff:
    """A caseworker proposes passing the handoff to another agency; nothing moves until the
    resident says はい (``answer_transfer``). Only while the bot holds the chat (not live) and
    no other proposal waits."""
    async with db.session() as s:
        handoff = await queue.get(s, handoff_id, agencies)
        if handoff is None:
            raise NotFound(handoff_id)
        if to_agency == handoff.agency_id:
            raise ValueError("agency")
        waiting = await transfers.pending(s, handoff_id)
        movable = (HandoffState.QUEUED, HandoffState.CLAIMED, HandoffState.RETURNED)
        if handoff.state not in movable or waiting is not None or handoff.conversation_id is None:
            raise TransitionError(handoff_id)
        s.add(
            Transfer(
                handoff_id=handoff_id,
                from_agency=handoff.agency_id,
                to_agency=to_agency,
                asked_by=actor,
            )
        )
        await audit.record(s, actor, "transfer_proposed", handoff_id, f"to={to_agency}")
    return handoff


async def answer_transfer(
    db: Sessions, live: Publisher | None, handoff_id: str, accepted: bool, now: dt.datetime
) -> bool:
    """The resident's answer to the bot's question. はい: the handoff goes to the receiving
    agency's queue (unclaimed; the sending agency no longer sees it); いいえ: it stays. Returns
    whether the handoff moved; a second call finds no proposal waiting and does nothing."""
    async with db.session() as s:
        proposal = await transfers.pending(s, handoff_id)
        if proposal is None:
            return False
        proposal.state = TransferState.ACCEPTED if accepted else TransferState.DECLINED
        proposal.answered_at = now
        s.add(proposal)
        detail = f"from={proposal.from_agency} to={proposal.to_agency}"
        if not accepted:
            await audit.record(s, "resident", "transfer_declined", handoff_id, detail)
            return False
        await s.exec(
            update(Handoff)
            .where(col(Handoff.id) == handoff_id, col(Handoff.state).in_(ACTIVE_STATES))
            .values(
                agency_id=proposal.to_agency,
                state=HandoffState.QUEUED,
                claimed_by=None,
                live_since=None,
                updated_at=utcnow(),
            )
        )
        await audit.record(s, "resident", "transfer_accepted", handoff_id, detail)
    await _publish(live, events.QUEUE, events.handoff_state(handoff_id, HandoffState.QUEUED))
    return True


# ---------------------------------------------------------------------------- staff-entered cases


async def open_entered(
    db: Sessions,
    live: Publisher | None,
    *,
    agency_id: str,
    channel: str,
    actor: str,
    now: dt.datetime,
    make_summary: Callable[[str, dt.datetime], Summary],
) -> Handoff:
    """A caseworker records a walk-in or phone consultation: a handoff of their agency, already
    claimed and opened by them, with no conversation behind it (consent was given in person, on
    the 相談受付・申込票)."""
    handoff = Handoff(
        agency_id=agency_id,
        channel=channel,
        state=HandoffState.CLAIMED,
        summary_json="{}",
        summary_hash="",
        claimed_by=actor,
        claimed_at=now,
        opened_at=now,
        created_at=now,
    )
    summary = make_summary(handoff.id, now)
    handoff.summary_json = summary.model_dump_json()
    handoff.summary_hash = summary.digest()
    handoff.level = summary.urgency.level
    async with db.session() as s:
        s.add(handoff)
        await audit.record(s, actor, "case_entered", handoff.id, f"channel={channel}")
    await _publish(
        live, events.QUEUE, events.handoff_new(handoff.id, handoff.level, handoff.after_hours)
    )
    return handoff


def note_followup(
    s: AsyncSession, handoff: Handoff, followup: bool | None, after_days: int | None
) -> None:
    """The resident chose (again) whether and when the bot may check in, after the close: the
    closed record's summary says so (handoff.checkins keeps the schedule)."""
    summary = Summary.model_validate_json(handoff.summary_json)
    summary.preferences.followup = followup
    summary.preferences.followup_after_days = after_days
    handoff.summary_json = summary.model_dump_json()
    s.add(handoff)
