"""Consent records: what the resident approved, when, on which text version, in which scope; and
its withdrawal.

A consent pins the exact consent text version shown, the hash of the summary approved and the
scope the resident chose (ARCHITECTURE.md, privacy rule 4): ``summary_only`` (the default) or
``summary_and_transcript``. Called by ``handoff.lifecycle`` inside its transactions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import delete, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from handoff import audit
from handoff.models import SCOPE_SUMMARY, SCOPES, Consent, Handoff


async def record(
    s: AsyncSession, handoff: Handoff, *, text_version: str, scope: str, now: dt.datetime
) -> Consent:
    consent = Consent(
        handoff_id=handoff.id,
        conversation_id=handoff.conversation_id,
        text_version=text_version,
        scope=scope if scope in SCOPES else SCOPE_SUMMARY,
        summary_hash=handoff.summary_hash,
        channel=handoff.channel,
        at=now,
    )
    s.add(consent)
    await audit.record(s, "resident", "consent_given", handoff.id, f"scope={consent.scope}")
    return consent


async def current(s: AsyncSession, handoff_id: str) -> Consent | None:
    """The newest consent of a handoff (approving again after a correction adds one)."""
    return (
        await s.exec(
            select(Consent)
            .where(Consent.handoff_id == handoff_id)
            .order_by(col(Consent.at).desc(), col(Consent.id))
        )
    ).first()


async def withdraw(
    s: AsyncSession, handoff_id: str, now: dt.datetime, *, detach: bool = False
) -> None:
    values: dict[str, object] = {"withdrawn_at": now}
    if detach:
        values["conversation_id"] = None
    await s.exec(
        update(Consent)
        .where(col(Consent.handoff_id) == handoff_id, col(Consent.withdrawn_at).is_(None))
        .values(**values)
    )
    if detach:
        await s.exec(
            update(Consent)
            .where(col(Consent.handoff_id) == handoff_id)
            .values(conversation_id=None)
        )
    await audit.record(s, "resident", "consent_withdrawn", handoff_id)


async def detach(s: AsyncSession, conversation_ids: Sequence[str]) -> None:
    await s.exec(
        update(Consent)
        .where(col(Consent.conversation_id).in_(list(conversation_ids)))
        .values(conversation_id=None)
    )


async def erase(s: AsyncSession, conversation_id: str) -> None:
    """The resident deleted everything: the consent records still tied to the conversation go."""
    await s.exec(delete(Consent).where(col(Consent.conversation_id) == conversation_id))  # type: ignore[call-overload]


async def erase_for(s: AsyncSession, handoff_ids: Sequence[str]) -> None:
    await s.exec(delete(Consent).where(col(Consent.handoff_id).in_(list(handoff_ids))))  # type: ignore[call-overload]


async def purge(s: AsyncSession, before: dt.datetime) -> int:
    """Retention: consent records whose handoff is gone (a withdrawal's proof), older than
    ``before``."""
    handoffs = select(Handoff.id)
    gone = await s.exec(  # type: ignore[call-overload]
        delete(Consent)
        .where(col(Consent.handoff_id).not_in(handoffs))
        .where(col(Consent.at) < before)
    )
    return int(gone.rowcount or 0)
