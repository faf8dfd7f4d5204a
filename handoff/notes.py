"""A caseworker's private notes on a handoff (never shown to the resident): they live and go with
their handoff (``handoff.lifecycle`` deletes them whenever it deletes a handoff)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from handoff.models import HandoffNote


async def add(s: AsyncSession, handoff_id: str, author: str, text: str) -> HandoffNote:
    note = HandoffNote(handoff_id=handoff_id, author=author, text=text)
    s.add(note)
    return note


async def of(s: AsyncSession, handoff_id: str) -> list[HandoffNote]:
    rows = await s.exec(
        select(HandoffNote)
        .where(HandoffNote.handoff_id == handoff_id)
        .order_by(col(HandoffNote.at))
    )
    return list(rows.all())


async def erase(s: AsyncSession, handoff_ids: Sequence[str]) -> None:
    await s.exec(delete(HandoffNote).where(col(HandoffNote.handoff_id).in_(list(handoff_ids))))  # type: ignore[call-overload]
