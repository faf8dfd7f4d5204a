"""The handoff queue: which handoffs a caseworker sees, in what order, and the state machine
``queued → claimed → live → returned_to_bot | closed``.

Transitions are conditional UPDATEs (``... WHERE state IN (...)``), so two caseworkers on two
worker processes cannot both claim the same handoff."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import case, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from handoff.models import Handoff, HandoffState, utcnow

LEVELS = ("P0", "P1", "P2", "P3")
LEVEL_LABELS = {"P0": "緊急", "P1": "高", "P2": "中", "P3": "情報"}
STATE_LABELS = {
    HandoffState.QUEUED: "待機中",
    HandoffState.CLAIMED: "担当決定",
    HandoffState.LIVE: "チャット中",
    HandoffState.RETURNED: "ボット対応中",
    HandoffState.CLOSED: "終了",
}
# Handoffs still needing a caseworker's attention, shown in the queue.
ACTIVE_STATES = (
    HandoffState.QUEUED,
    HandoffState.CLAIMED,
    HandoffState.LIVE,
    HandoffState.RETURNED,
)

OUTCOMES = {
    "continuing": "当機関で継続支援",
    "referred": "他機関へつないだ",
    "info_only": "情報提供のみ",
    "no_response": "連絡がとれない",
    "ended_by_request": "相談者の希望で終了",
    "other": "その他",
}
# Where a case was passed on (相談の引き継ぎ先).
DESTINATIONS = {
    "welfare_office": "福祉事務所",
    "shakyo": "社会福祉協議会",
    "houkatsu": "地域包括支援センター",
    "hikikomori_center": "ひきこもり地域支援センター",
    "hokenjo": "保健所・保健センター",
    "mental_health_center": "精神保健福祉センター",
    "medical": "医療機関",
    "saposute": "地域若者サポートステーション",
    "hellowork": "ハローワーク",
    "family_group": "家族会・当事者会",
    "private_org": "民間支援団体",
    "other": "その他",
}


class TransitionError(ValueError):
    """The handoff is not in a state that allows this action (someone else may have acted)."""


def level_rank(level: str) -> int:
    return LEVELS.index(level) if level in LEVELS else len(LEVELS)


def queue_order() -> list[Any]:
    """Urgency first (P0 at the top), then the longest waiting."""
    rank = case(
        {lvl: i for i, lvl in enumerate(LEVELS)}, value=col(Handoff.level), else_=len(LEVELS)
    )
    return [rank, col(Handoff.created_at), col(Handoff.id)]


def visible_agencies(agency_id: str, role: str, default_agency: str) -> set[str] | None:
    """Agencies whose handoffs a staff member sees; None = all (admins).

    An account without an agency belongs to the city's default agency."""
    if role == "admin":
        return None
    return {agency_id or default_agency}


async def active(
    session: AsyncSession, agencies: set[str] | None, limit: int = 500
) -> Sequence[Handoff]:
    query = select(Handoff).where(col(Handoff.state).in_(ACTIVE_STATES))
    if agencies is not None:
        query = query.where(col(Handoff.agency_id).in_(agencies))
    return (await session.exec(query.order_by(*queue_order()).limit(limit))).all()


async def recently_closed(
    session: AsyncSession, agencies: set[str] | None, limit: int = 30
) -> Sequence[Handoff]:
    query = select(Handoff).where(Handoff.state == HandoffState.CLOSED)
    if agencies is not None:
        query = query.where(col(Handoff.agency_id).in_(agencies))
    query = query.order_by(col(Handoff.closed_at).desc(), col(Handoff.updated_at).desc())
    return (await session.exec(query.limit(limit))).all()


async def get(session: AsyncSession, handoff_id: str, agencies: set[str] | None) -> Handoff | None:
    handoff = await session.get(Handoff, handoff_id)
    if handoff is None or (agencies is not None and handoff.agency_id not in agencies):
        return None
    return handoff


async def _move(
    session: AsyncSession,
    handoff_id: str,
    allowed_from: Sequence[str],
    values: dict[str, Any],
    extra_where: Sequence[Any] = (),
) -> Handoff:
    now = utcnow()
    statement = (
        update(Handoff)
        .where(col(Handoff.id) == handoff_id, col(Handoff.state).in_(allowed_from), *extra_where)
        .values(updated_at=now, **values)
    )
    result = await session.exec(statement)
    if getattr(result, "rowcount", 0) != 1:
        raise TransitionError(handoff_id)
    handoff = await session.get(Handoff, handoff_id, populate_existing=True)
    assert handoff is not None
    return handoff


async def mark_opened(session: AsyncSession, handoff_id: str) -> bool:
    """Pin the first time a caseworker opened the handoff (after that the resident can no
    longer withdraw consent from the chat). True only for the very first open."""
    result = await session.exec(
        update(Handoff)
        .where(col(Handoff.id) == handoff_id, col(Handoff.opened_at).is_(None))
        .values(opened_at=utcnow())
    )
    return getattr(result, "rowcount", 0) == 1


async def claim(session: AsyncSession, handoff_id: str, username: str) -> Handoff:
    return await _move(
        session,
        handoff_id,
        [HandoffState.QUEUED],
        {"state": HandoffState.CLAIMED, "claimed_by": username, "claimed_at": utcnow()},
    )


async def go_live(session: AsyncSession, handoff_id: str, username: str) -> Handoff:
    """The assigned caseworker takes the chat over; the bot stays silent from now on."""
    return await _move(
        session,
        handoff_id,
        [HandoffState.CLAIMED, HandoffState.RETURNED],
        {"state": HandoffState.LIVE, "live_since": utcnow()},
        [col(Handoff.claimed_by) == username],
    )


async def return_to_bot(
    session: AsyncSession, handoff_id: str, username: str, supervisor: bool
) -> Handoff:
    where = [] if supervisor else [col(Handoff.claimed_by) == username]
    return await _move(
        session,
        handoff_id,
        [HandoffState.LIVE],
        {"state": HandoffState.RETURNED, "live_since": None},
        where,
    )


async def close(
    session: AsyncSession,
    handoff_id: str,
    username: str,
    supervisor: bool,
    outcome: str,
    destination: str | None,
) -> Handoff:
    if outcome not in OUTCOMES:
        raise ValueError("outcome")
    if outcome == "referred":
        if destination not in DESTINATIONS:
            raise ValueError("destination")
    elif destination not in (None, "") and destination not in DESTINATIONS:
        raise ValueError("destination")
    # Only a supervisor may close an unclaimed handoff or one assigned to someone else.
    where = [] if supervisor else [col(Handoff.claimed_by) == username]
    return await _move(
        session,
        handoff_id,
        [HandoffState.QUEUED, HandoffState.CLAIMED, HandoffState.LIVE, HandoffState.RETURNED],
        {
            "state": HandoffState.CLOSED,
            "outcome": outcome,
            "destination": destination or None,
            "closed_at": utcnow(),
            "live_since": None,
        },
        where,
    )


@dataclass(frozen=True)
class Waiting:
    minutes: int

    @property
    def label(self) -> str:
        if self.minutes < 60:
            return f"{self.minutes}分"
        hours = self.minutes // 60
        if hours < 48:
            return f"{hours}時間{self.minutes % 60}分"
        return f"{hours // 24}日"


def waiting(handoff: Handoff, now: dt.datetime | None = None) -> Waiting:
    created = handoff.created_at
    if created.tzinfo is None:
        created = created.replace(tzinfo=dt.UTC)
    delta = (now or utcnow()) - created
    return Waiting(max(0, int(delta.total_seconds() // 60)))
