"""Transfers of a handoff to another agency (多機関協働): the proposals and the resident's
answers. The rows are written here; the handoff itself moves only in ``handoff.lifecycle``
(``propose_transfer``, ``answer_transfer``), on the resident's はい."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from handoff.models import Transfer, TransferState

STATE_LABELS = {
    TransferState.ASKED: "相談者の回答待ち",
    TransferState.ACCEPTED: "同意あり・移管済み",
    TransferState.DECLINED: "同意なし・移管しない",
}


async def pending(s: AsyncSession, handoff_id: str) -> Transfer | None:
    """The proposal still waiting for the resident's answer, if any."""
    return (
        await s.exec(
            select(Transfer)
            .where(Transfer.handoff_id == handoff_id)
            .where(Transfer.state == TransferState.ASKED)
        )
    ).first()


async def of_handoff(s: AsyncSession, handoff_id: str) -> list[Transfer]:
    rows = await s.exec(
        select(Transfer).where(Transfer.handoff_id == handoff_id).order_by(col(Transfer.id))
    )
    return list(rows.all())


async def of_agencies(s: AsyncSession, agencies: set[str] | None) -> list[Transfer]:
    """Transfers from or to these agencies (None: all), newest first: the sending agency sees
    the outcome of what it proposed even after the case has left it."""
    query = select(Transfer).order_by(col(Transfer.id).desc()).limit(500)
    if agencies is not None:
        query = query.where(
            or_(col(Transfer.from_agency).in_(agencies), col(Transfer.to_agency).in_(agencies))
        )
    return list((await s.exec(query)).all())


async def erase_for(s: AsyncSession, handoff_ids: Sequence[str]) -> None:
    await s.exec(delete(Transfer).where(col(Transfer.handoff_id).in_(list(handoff_ids))))  # type: ignore[call-overload]
