"""The handoff queue: which handoffs a caseworker sees, in what order, with the labels the console
shows. Reads only: every change of state is in ``handoff.lifecycle``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import case
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from flows.triage import LEVEL_ORDER
from handoff.models import ACTIVE_STATES, Handoff, HandoffState, utcnow

LEVEL_LABELS = {"P0": "緊急", "P1": "高", "P2": "中", "P3": "情報"}
STATE_LABELS = {
    HandoffState.QUEUED: "待機中",
    HandoffState.CLAIMED: "担当決定",
    HandoffState.LIVE: "チャット中",
    HandoffState.RETURNED: "ボット対応中",
    HandoffState.CLOSED: "終了",
}

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


def queue_order() -> list[Any]:
    """Urgency first (P0 at the top), then the longest waiting."""
    rank = case(
        {lvl: i for i, lvl in enumerate(LEVEL_ORDER)},
        value=col(Handoff.level),
        else_=len(LEVEL_ORDER),
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
