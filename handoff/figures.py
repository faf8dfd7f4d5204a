"""Figures for supervisors (見える化): how many consultations reached the agency, when, through
which door, from whom, about what, how urgent, and how fast a caseworker first answered.

Each handoff is reduced to a ``Case`` of labels (month, channel, who consulted, main A票
category, the person's age band, urgency, in or after office hours, outcome, destination) and a
time to first reply; nothing that could name a person leaves this module. Counts are published
as months × one dimension tables with totals, protected by ``handoff.suppression``; the month
totals are shared by every table, so a month total hidden in one is hidden in all."""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from flows.municipality import JST
from flows.triage import LEVEL_ORDER
from handoff import suppression
from handoff.models import AuditLog, Handoff, HandoffState
from handoff.queue import DESTINATIONS, LEVEL_LABELS, OUTCOMES
from handoff.summary import A_CATEGORIES, AGE_BAND_LABELS, Summary

TOTAL = "計"
UNKNOWN = "不明"
CHANNELS = {"line": "LINE", "web": "Webチャット", "cli": "CLI", "walk_in": "来所", "phone": "電話"}
WHO = ("本人", "家族", "知人・支援者", UNKNOWN)
FAMILY = {"母", "父", "親", "きょうだい", "配偶者", "子"}
HOURS = ("時間内", "時間外")
OPEN = "対応中"
NO_DESTINATION = "なし"
NOT_CHOSEN = "未選択"

# dimension code -> (heading, the columns in a fixed order: a column never disappears because
# it is empty, so a reader cannot tell a hidden zero from a missing value)
DIMENSIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "channel": ("相談の媒体", tuple(dict.fromkeys(CHANNELS.values()))),
    "who": ("相談した人", WHO),
    "category": (
        "主な相談内容（A票◎）",
        (*(A_CATEGORIES[c] for c in A_CATEGORIES), NOT_CHOSEN),
    ),
    "age": ("ご本人の年代", (*AGE_BAND_LABELS.values(), UNKNOWN)),
    "urgency": ("緊急度", tuple(LEVEL_LABELS[lvl] for lvl in LEVEL_ORDER)),
    "hours": ("受付の時間帯", HOURS),
    "outcome": ("対応結果", (*OUTCOMES.values(), OPEN)),
    "destination": ("つないだ先", (*DESTINATIONS.values(), NO_DESTINATION)),
}
REPLY_QUANTILE_MIN = 5  # fewer replies than this: no median or p90 is shown


@dataclass(frozen=True)
class Case:
    """One handoff as the figures see it: labels only."""

    month: str
    channel: str
    who: str
    category: str
    age: str
    urgency: str
    hours: str
    outcome: str
    destination: str
    level: str
    first_reply_minutes: float | None
    returning: bool

    def label(self, dimension: str) -> str:
        return str(getattr(self, dimension))


@dataclass
class Table:
    """Months × the values of one dimension, with totals, as shown after protection."""

    dimension: str
    heading: str
    months: list[str]
    columns: list[str]
    grid: suppression.Grid

    def shown(self, i: int, j: int) -> str:
        return self.grid.shown((i, j))

    def rows(self) -> list[tuple[str, list[str]]]:
        """(month or 計, the shown cells with the row total last)."""
        names = [*self.months, TOTAL]
        width = len(self.columns) + 1
        return [(names[i], [self.shown(i, j) for j in range(width)]) for i in range(len(names))]


@dataclass
class ReplyTimes:
    """Minutes from the handoff to a caseworker's first message, by urgency."""

    level: str
    label: str
    count: str  # protected like any count
    median: float | None
    p90: float | None


@dataclass
class Figures:
    generated_at: dt.datetime
    cases: int
    tables: list[Table]
    reply_times: list[ReplyTimes]
    returning: Table
    notes: list[str] = field(default_factory=list)


def month_of(at: dt.datetime) -> str:
    if at.tzinfo is None:
        at = at.replace(tzinfo=dt.UTC)
    return at.astimezone(JST).strftime("%Y-%m")


def _who(summary: Summary) -> str:
    relationship = summary.consultant.relationship
    if relationship is None:
        return UNKNOWN
    if relationship == "本人":
        return "本人"
    return "家族" if relationship in FAMILY else "知人・支援者"


def case_of(handoff: Handoff, first_reply: dt.datetime | None, returning: bool) -> Case:
    summary = Summary.model_validate_json(handoff.summary_json)
    created = handoff.created_at.replace(tzinfo=handoff.created_at.tzinfo or dt.UTC)
    minutes = None
    if first_reply is not None:
        first_reply = first_reply.replace(tzinfo=first_reply.tzinfo or dt.UTC)
        minutes = max(0.0, (first_reply - created).total_seconds() / 60)
    closed = handoff.state == HandoffState.CLOSED
    primary = summary.concerns.primary
    return Case(
        month=month_of(created),
        channel=CHANNELS.get(handoff.channel, handoff.channel),
        who=_who(summary),
        category=A_CATEGORIES.get(primary, NOT_CHOSEN) if primary else NOT_CHOSEN,
        age=summary.subject.age_band or UNKNOWN,
        urgency=LEVEL_LABELS.get(handoff.level, handoff.level),
        hours=HOURS[1] if handoff.after_hours else HOURS[0],
        outcome=OUTCOMES.get(handoff.outcome or "", OPEN) if closed else OPEN,
        destination=DESTINATIONS.get(handoff.destination or "", NO_DESTINATION),
        level=handoff.level,
        first_reply_minutes=minutes,
        returning=returning,
    )


async def load_cases(session: AsyncSession, agencies: set[str] | None) -> list[Case]:
    """Every handoff the caller's agencies hold (open and closed), as cases."""
    query = select(Handoff).order_by(col(Handoff.created_at), col(Handoff.id))
    if agencies is not None:
        query = query.where(col(Handoff.agency_id).in_(agencies))
    handoffs = list((await session.exec(query)).all())
    firsts = await first_replies(session, [h.id for h in handoffs])
    earlier: set[str] = set()
    cases = []
    for handoff in handoffs:
        # a record whose conversation the resident deleted links to no earlier one
        returning = handoff.conversation_id is not None and handoff.conversation_id in earlier
        if handoff.conversation_id is not None:
            earlier.add(handoff.conversation_id)
        cases.append(case_of(handoff, firsts.get(handoff.id), returning))
    return cases


async def first_replies(session: AsyncSession, ids: Sequence[str]) -> dict[str, dt.datetime]:
    """The first message a caseworker sent on each handoff (from the audit log)."""
    out: dict[str, dt.datetime] = {}
    for start in range(0, len(ids), 500):
        chunk = list(ids[start : start + 500])
        query = (
            select(AuditLog.handoff_id, func.min(AuditLog.at))
            .where(AuditLog.action == "message")
            .where(col(AuditLog.handoff_id).in_(chunk))
            .where(col(AuditLog.detail).not_like("%not_delivered%"))
            .group_by(col(AuditLog.handoff_id))
        )
        for handoff_id, at in (await session.exec(query)).all():
            if handoff_id is not None and at is not None:
                out[handoff_id] = at
    return out


def _counts(cases: list[Case], months: list[str], dimension: str) -> tuple[list[str], list[Any]]:
    columns = list(DIMENSIONS[dimension][1])
    for case in cases:  # a label outside the fixed list (a channel added later) still counts
        if case.label(dimension) not in columns:
            columns.append(case.label(dimension))
    counts = [[0] * len(columns) for _ in months]
    for case in cases:
        counts[months.index(case.month)][columns.index(case.label(dimension))] += 1
    return columns, counts


def tables_of(cases: list[Case]) -> list[Table]:
    """One protected table per dimension, the shared month totals hidden alike in all of them."""
    months = sorted({c.month for c in cases})
    raw = {d: _counts(cases, months, d) for d in DIMENSIONS}
    hide: set[int] = set()
    while True:
        grids = {
            d: suppression.protect(counts, hide, len(columns))
            for d, (columns, counts) in raw.items()
        }
        shared = {i for g in grids.values() for (i, j) in g.suppressed() if j == g.cols}
        if shared <= hide:
            break
        hide |= shared
    return [Table(d, DIMENSIONS[d][0], months, raw[d][0], grids[d]) for d in DIMENSIONS]


def reply_times(cases: list[Case]) -> list[ReplyTimes]:
    """Median and p90 minutes to a first reply by urgency; the counts are protected like the
    tables (levels × one column with its total), and a level with fewer than five replies gets
    no median or p90."""
    by_level: list[list[float]] = [[] for _ in LEVEL_ORDER]
    for case in cases:
        if case.first_reply_minutes is not None and case.level in LEVEL_ORDER:
            by_level[LEVEL_ORDER.index(case.level)].append(case.first_reply_minutes)
    grid = suppression.protect([[len(values)] for values in by_level])
    out = []
    for k, level in enumerate((*LEVEL_ORDER, TOTAL)):
        minutes = sorted(by_level[k] if k < len(by_level) else [m for v in by_level for m in v])
        enough = len(minutes) >= REPLY_QUANTILE_MIN
        out.append(
            ReplyTimes(
                level=level,
                label=LEVEL_LABELS.get(level, TOTAL),
                count=grid.shown((k, 0)),
                median=round(statistics.median(minutes), 1) if enough else None,
                p90=round(_quantile(minutes, 0.9), 1) if enough else None,
            )
        )
    return out


def _quantile(sorted_values: list[float], q: float) -> float:
    """The nearest-rank quantile (an observed value, as staff would read it off a list)."""
    rank = max(1, -(-len(sorted_values) * q // 1))
    return sorted_values[int(rank) - 1]


def returning_table(cases: list[Case]) -> Table:
    """Consultations that came back after a pause: a later handoff from a conversation that had
    handed off before (the resident returned to the same chat after the first one closed)."""
    months = sorted({c.month for c in cases})
    counts = [[sum(1 for c in cases if c.month == m and c.returning)] for m in months]
    grid = suppression.protect(counts, columns=1)
    return Table("returning", "間をおいて戻ってきた相談", months, ["件数"], grid)


def build(cases: list[Case], now: dt.datetime) -> Figures:
    return Figures(
        generated_at=now,
        cases=len(cases),
        tables=tables_of(cases),
        reply_times=reply_times(cases),
        returning=returning_table(cases),
    )


def flat(figures: Figures) -> list[tuple[str, str, str, str]]:
    """Every shown number as (section, row, column, value): the CSV, and what the page shows."""
    out: list[tuple[str, str, str, str]] = []
    for table in [*figures.tables, figures.returning]:
        columns = [*table.columns, TOTAL]
        for month, cells in table.rows():
            out.extend((table.heading, month, c, v) for c, v in zip(columns, cells, strict=True))
    for times in figures.reply_times:
        section = "初回返信までの時間（分）"
        out.append((section, times.label, "件数", times.count))
        out.append((section, times.label, "中央値", _minutes(times.median)))
        out.append((section, times.label, "90パーセンタイル", _minutes(times.p90)))
    return out


def _minutes(value: float | None) -> str:
    return "-" if value is None else f"{value:g}"


def as_json(figures: Figures) -> dict[str, Any]:
    return {
        "generated_at": figures.generated_at.isoformat(),
        "legend": {
            suppression.SMALL: "0〜4件（1〜4件と、保護のために隠した0件）",
            suppression.HIDDEN: "ほかの秘匿を守るために隠した数（5件以上）",
        },
        "tables": [
            {
                "dimension": t.dimension,
                "heading": t.heading,
                "columns": [*t.columns, TOTAL],
                "rows": [{"month": m, "cells": cells} for m, cells in t.rows()],
            }
            for t in [*figures.tables, figures.returning]
        ],
        "first_reply_minutes": [
            {"level": r.level, "count": r.count, "median": r.median, "p90": r.p90}
            for r in figures.reply_times
        ],
    }
