"""Consent records: what the resident approved, when, on which text version; and its withdrawal.

A consent pins the exact consent text version shown and the hash of the summary approved
(ARCHITECTURE.md, privacy rule 4). Called by ``handoff.lifecycle`` inside its transactions."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from handoff import audit
from handoff.models import Consent, Handoff


async def record(
    s: AsyncSession, handoff: Handoff, *, text_version: str, now: dt.datetime
) -> Consent:
    consent = Consent(
        handoff_id=handoff.id,
        conversation_id=handoff.conversation_id,
        text_version=text_version,
        summary_hash=handoff.summary_hash,
        channel=handoff.channel,
        at=now,
    )
    s.add(consent)
    await audit.record(s, "resident", "consent_given", handoff.id)
    return consent


async def withdraw(s: AsyncSession, handoff_id: str, now: dt.datetime) -> None:
    consent = (await s.exec(select(Consent).where(Consent.handoff_id == handoff_id))).first()
    if consent is not None:
        consent.withdrawn_at = now
        s.add(consent)
    await audit.record(s, "resident", "consent_withdrawn", handoff_id)


async def erase(s: AsyncSession, conversation_id: str) -> None:
    """The resident deleted everything: their consent records go with the conversation."""
    await s.exec(delete(Consent).where(col(Consent.conversation_id) == conversation_id))  # type: ignore[call-overload]
