"""The handoff queue: which handoffs a caseworker sees, in what order, with the labels the console
shows. Reads only: every change of state is in ``handoff.lifecycle``."""

from __future__ import annotations

import base64
import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import JSON, cast, func, literal, tuple_, type_coerce, union_all
from sqlalchemy import select as sa_select
from sqlalchemy.orm import defer
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from flows.triage import level_rank
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


def rank_of(level: str | None) -> int:
    """The stored urgency rank (``Handoff.urgency_rank``): 0 for P0 … 3 for P3, then the rest."""
    return level_rank(level)


PAGE_SIZE = 50
MAX_PAGE = 200


class BadCursor(ValueError):
    """A cursor this code did not hand out (or from a different list)."""


@dataclass(frozen=True)
class Item:
    """A queue row's handoff (its summary not loaded) and the two facts of the summary a row
    shows: the main concern's code and who wrote (or the route)."""

    handoff: Handoff
    primary: str | None
    relationship: str | None


@dataclass(frozen=True)
class Page:
    items: list[Item]
    total: int  # handoffs in the list (every page)
    counts: dict[str, int]  # of them, per state
    first: int  # position of the first item, from 1
    next_cursor: str | None  # None on the last page


def visible_agencies(agency_id: str, role: str, default_agency: str) -> set[str] | None:
    """Agencies whose handoffs a staff member sees; None = all (admins).

    An account without an agency belongs to the city's default agency."""
    if role == "admin":
        return None
    return {agency_id or default_agency}


def _cursor(key: tuple[Any, ...], position: int) -> str:
    *head, at, hid = key
    raw = json.dumps([*head, _aware(at).isoformat(), hid, position])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _uncursor(cursor: str, size: int) -> tuple[list[Any], int]:
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        *head, at, hid, position = raw
        if len(head) != size or not all(isinstance(h, int) for h in (*head, position)):
            raise BadCursor(cursor)
        if not isinstance(hid, str) or not isinstance(at, str):
            raise BadCursor(cursor)
        return [*head, dt.datetime.fromisoformat(at), hid], position
    except (ValueError, TypeError, UnicodeDecodeError) as exc:
        raise BadCursor(cursor) from exc


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def _facts(session: AsyncSession) -> list[Any]:
    """The row's facts read from the summary inside the database: the summary itself is loaded
    only when a caseworker opens the handoff."""
    summary = col(Handoff.summary_json)
    if session.get_bind().dialect.name == "sqlite":
        doc: Any = type_coerce(summary, JSON)
    else:
        doc = cast(summary, JSON)
    paths = [("concerns", "primary"), ("concerns", "selected", 0)]
    paths += [("consultant", "relationship"), ("route", "相談経路")]
    return [doc[path].as_string() for path in paths]


async def _rows(session: AsyncSession, query: Any) -> list[Item]:
    found = await session.exec(query.options(defer(Handoff.summary_json)))  # type: ignore[arg-type]
    return [
        Item(handoff, primary or first, relationship or route)
        for handoff, primary, first, relationship, route in found.all()
    ]


async def _counts(
    session: AsyncSession, agencies: set[str] | None, states: Sequence[str]
) -> dict[str, int]:
    """How many per state: one count per state, each an index-only scan (cheaper than grouping
    tens of thousands of rows by state), in one statement."""
    per_state = []
    for state in states:
        query = sa_select(func.count()).select_from(Handoff).where(col(Handoff.state) == state)
        if agencies is not None:
            query = query.where(col(Handoff.agency_id).in_(agencies))
        per_state.append(query.scalar_subquery())
    row = (await session.exec(sa_select(*per_state))).one()  # type: ignore[call-overload]
    return {state: int(n) for state, n in zip(states, row, strict=True) if n}


async def active(
    session: AsyncSession,
    agencies: set[str] | None,
    *,
    states: Sequence[str] = ACTIVE_STATES,
    cursor: str | None = None,
    limit: int = PAGE_SIZE,
) -> Page:
    """One page of the queue: urgency first (P0 at the top), then the longest waiting.

    Keyset paging on the stored rank: each (agency, state) is one walk of the index
    ``ix_handoff_queue`` from the cursor, ``limit + 1`` rows long; merged here."""
    limit = max(1, min(limit, MAX_PAGE))
    order = (col(Handoff.urgency_rank), col(Handoff.created_at), col(Handoff.id))
    after, position = _uncursor(cursor, 1) if cursor else (None, 1)
    walks = []  # (rank, created_at, id) from each index walk, in one round trip
    for state in states:
        for agency in sorted(agencies) if agencies is not None else [None]:
            query = select(*order).where(Handoff.state == state)
            if agency is not None:
                query = query.where(Handoff.agency_id == agency)
            if after is not None:
                query = query.where(tuple_(*order) > tuple_(*_binds(order, after)))
            walks.append(sa_select(query.order_by(*order).limit(limit + 1).subquery()))
    keys = list((await session.exec(union_all(*walks))).all())  # type: ignore[call-overload]
    keys.sort(key=lambda k: (k[0], _aware(k[1]), k[2]))
    chosen, more = keys[:limit], len(keys) > limit
    rows = {
        i.handoff.id: i for i in await _rows(session, _page_of(session, [k[2] for k in chosen]))
    }
    page = [rows[k[2]] for k in chosen if k[2] in rows]
    counts = await _counts(session, agencies, states)
    next_cursor = _cursor(tuple(chosen[-1]), position + limit) if more and chosen else None
    return Page(page, sum(counts.values()), counts, position, next_cursor)


def _page_of(session: AsyncSession, ids: list[str]) -> Any:
    return select(Handoff, *_facts(session)).where(col(Handoff.id).in_(ids))


async def closed(
    session: AsyncSession,
    agencies: set[str] | None,
    *,
    cursor: str | None = None,
    limit: int = 30,
    count: bool = True,
) -> Page:
    """Closed handoffs, the most recently closed first, a page at a time (``count=False``: no
    total, for the queue page's short "recently closed" list)."""
    limit = max(1, min(limit, MAX_PAGE))
    order = (col(Handoff.closed_at), col(Handoff.id))
    after, position = _uncursor(cursor, 0) if cursor else (None, 1)
    query = select(Handoff, *_facts(session)).where(Handoff.state == HandoffState.CLOSED)
    if agencies is not None:
        query = query.where(col(Handoff.agency_id).in_(agencies))
    if after is not None:
        query = query.where(tuple_(*order) < tuple_(*_binds(order, after)))
    query = query.order_by(*(c.desc() for c in order)).limit(limit + 1)
    found = await _rows(session, query)
    page, more = found[:limit], len(found) > limit
    counts = await _counts(session, agencies, [HandoffState.CLOSED]) if count else {}
    last = page[-1].handoff if page else None
    next_cursor = (
        _cursor((last.closed_at or utcnow(), last.id), position + limit)
        if more and last is not None
        else None
    )
    return Page(page, sum(counts.values()), counts, position, next_cursor)


def _binds(columns: Sequence[Any], values: Sequence[Any]) -> list[Any]:
    """The cursor's values, typed as their columns (dates compare as the database stores them)."""
    return [literal(v, type_=c.type) for c, v in zip(columns, values, strict=True)]


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
