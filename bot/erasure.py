"""Deleting what is kept about a person: at once when they ask (削除) or unfollow on LINE, and by
retention (hourly, and ``tobira purge``): conversations that no agency holds after the city's
``retention_days``, and the agency's closed records, consent records and audit details after
their own retention days (docs/PRIVACY.md).

Deleted means unreadable: SQLite runs with ``secure_delete`` (freed pages are zeroed) and its
write-ahead log is checkpointed and truncated after a deletion; on PostgreSQL the hourly purge
vacuums the tables deletions touch, so their dead tuples are reclaimed."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import AsyncIterator
from typing import Any

from sqlalchemy import bindparam, delete, text
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.alerts import Alert
from bot.db import Database, is_sqlite_saver, sqlite_path
from bot.models import Conversation, ResumeCode, Turn
from flows.locale import t
from flows.municipality import Municipality
from handoff import audit, checkins, consent, followup, lifecycle
from handoff.live import LiveHub
from handoff.models import ACTIVE_STATES, Checkin, Handoff, HandoffState, utcnow

log = logging.getLogger("tobira.service")

# the tables a deletion touches (the checkpointer's own are vacuumed by scrub on SQLite)
PURGED_TABLES = (
    "turn", "conversation", "handoff", "handoffnote", "consent", "auditlog", "alert",
    "resume_code", "checkpoints", "checkpoint_blobs", "checkpoint_writes",
)  # fmt: skip


async def find(db: Database, key_hash: str) -> Conversation | None:
    async with db.session() as s:
        return (await s.exec(select(Conversation).where(Conversation.key_hash == key_hash))).first()


async def delete_conversation(
    db: Database,
    saver: Any,
    live: LiveHub,
    conversation_id: str,
    reason: str,
    *,
    now: dt.datetime | None = None,
    secure: bool = True,
) -> None:
    """The turns, the handoffs (deleted, or kept as the agency's record: handoff.lifecycle.erase),
    the resume codes, the consents, the delivered alerts, the conversation and its checkpoints; then, unless the
    caller scrubs once for many, the freed bytes."""
    async with db.session() as s:
        await s.exec(delete(Turn).where(col(Turn.conversation_id) == conversation_id))  # type: ignore[call-overload]
        await s.exec(delete(ResumeCode).where(col(ResumeCode.conversation_id) == conversation_id))  # type: ignore[call-overload]
        await checkins.forget(s, conversation_id)
        if reason == "retention":
            await lifecycle.detach_expired(s, [conversation_id])
            handoff_ids: list[str] = []
        else:
            handoff_ids = await lifecycle.erase(s, conversation_id, reason, now or utcnow())
        await s.exec(  # type: ignore[call-overload]
            delete(Alert)
            .where(col(Alert.conversation_id) == conversation_id)
            .where(col(Alert.status).in_(("sent", "failed")))
        )
        await s.exec(delete(Conversation).where(col(Conversation.id) == conversation_id))  # type: ignore[call-overload]
    await saver.adelete_thread(conversation_id)
    await lifecycle.announce_erased(live, handoff_ids)
    log.info("conversation deleted conv=%s reason=%s", conversation_id[:8], reason)
    if secure:
        await scrub(db, saver)


async def agency_keeps(db: Database, conversation_id: str) -> bool:
    """Whether deleting this conversation leaves an agency's record (a caseworker opened one of
    its handoffs): what the bot must say before the person confirms."""
    async with db.session() as s:
        opened = await s.exec(
            select(Handoff.id)
            .where(Handoff.conversation_id == conversation_id)
            .where(col(Handoff.opened_at).is_not(None))
        )
        return opened.first() is not None


async def words(
    db: Database, city: Municipality, conversation_id: str, locale: str, otherwise: str
) -> str:
    """What 削除 will do, said truthfully before the person confirms (``otherwise`` is the
    question as asked) and after (``otherwise`` is ``delete.done``): once a caseworker has opened
    the handoff, the agency keeps the summary and notes for ``closed_retention_days``."""
    if not await agency_keeps(db, conversation_id):
        return t(locale, otherwise) if otherwise == "delete.done" else otherwise
    key = "delete.done_kept" if otherwise == "delete.done" else "delete.kept_record"
    return t(locale, key, days=city.closed_retention_days)


async def truthful(
    db: Database,
    city: Municipality,
    conversation_id: str,
    locale: str,
    payload: dict[str, Any] | None,
    messages: list[str],
) -> list[str]:
    """The 削除 question, with what stays said truthfully (``words``) when it is the one asked."""
    if not (payload and payload.get("q") == "confirm_delete" and messages):
        return messages
    return [*messages[:-1], await words(db, city, conversation_id, locale, messages[-1])]


# One purge at a time across workers (PostgreSQL advisory lock key; migrations use ...014).
PURGE_LOCK = 7_046_210_015
BATCH = 500  # conversations per transaction: each table's rows for them go in one DELETE
CHECKPOINT_TABLES = {
    "sqlite": ("writes", "checkpoints"),
    "postgresql": ("checkpoint_writes", "checkpoint_blobs", "checkpoints"),
}


async def purge(
    db: Database, saver: Any, live: LiveHub, city: Municipality, now: dt.datetime
) -> int:
    """Retention: conversations inactive for the city's ``retention_days`` whose agency holds no
    handoff, then the agency's closed records, consent records and audit details past their own
    retention; the freed bytes scrubbed once at the end. Returns the conversations deleted.

    The deleting runs off the serving event loop (a thread with its own loop and connections),
    ``BATCH`` conversations per transaction, and on PostgreSQL under an advisory lock: a second
    worker's pass at the same time deletes nothing and returns 0."""
    deleted = await asyncio.to_thread(_purge_off_loop, db.url, city, now)
    # every pass: on PostgreSQL this vacuums what 削除 and unfollow deleted since the last one
    await scrub(db, saver, vacuum=True)
    return deleted


def _purge_off_loop(url: str, city: Municipality, now: dt.datetime) -> int:
    return asyncio.run(_purge_batches(url, city, now))


async def _purge_batches(url: str, city: Municipality, now: dt.datetime) -> int:
    db = Database(url)
    try:
        async with _only_purger(db) as alone:
            if not alone:
                log.info("retention: another worker is purging; skipped")
                return 0
            total = 0
            while True:
                selected, deleted = await _purge_batch(
                    db, now, city.retention_days, city.followup_days
                )
                total += deleted
                if selected < BATCH:
                    break
            if total:
                log.info("retention: deleted %d conversations", total)
            await purge_records(db, city, now)
            return total
    finally:
        await db.dispose()


@contextlib.asynccontextmanager
async def _only_purger(db: Database) -> AsyncIterator[bool]:
    """Whether this process may purge now: on PostgreSQL it holds the advisory lock meanwhile
    (SQLite is one process's file, its writes one at a time anyway)."""
    if sqlite_path(db.url) is not None:
        yield True
        return
    async with db.engine.connect() as conn:
        auto = await conn.execution_options(isolation_level="AUTOCOMMIT")
        lock = {"k": PURGE_LOCK}
        got = bool((await auto.execute(text("SELECT pg_try_advisory_lock(:k)"), lock)).scalar())
        try:
            yield got
        finally:
            if got:
                await auto.execute(text("SELECT pg_advisory_unlock(:k)"), lock)


async def _purge_batch(
    db: Database, now: dt.datetime, retention_days: int, followup_days: int = 0
) -> tuple[int, int]:
    """One transaction: up to ``BATCH`` expired conversations and, table by table, everything
    of theirs. A conversation whose resident came back meanwhile is left (the DELETE re-checks
    its inactivity), and so is one kept for an opted-in follow-up. Returns (selected, deleted)."""
    cutoff = now - dt.timedelta(days=retention_days)
    async with db.session() as s:
        query = _expired(cutoff)
        kept = await _followed(s, now, followup_days)
        if kept:
            query = query.where(col(Conversation.id).not_in(kept))
        ids = list((await s.exec(query.limit(BATCH))).all())
        if not ids:
            return 0, 0
        result = await s.exec(  # type: ignore[call-overload]
            delete(Conversation)
            .where(col(Conversation.id).in_(ids), col(Conversation.last_active_at) < cutoff)
            .returning(col(Conversation.id))
        )
        gone = list(result.scalars().all())
        if gone:
            await s.exec(delete(Turn).where(col(Turn.conversation_id).in_(gone)))  # type: ignore[call-overload]
            await s.exec(delete(ResumeCode).where(col(ResumeCode.conversation_id).in_(gone)))  # type: ignore[call-overload]
            await s.exec(delete(Checkin).where(col(Checkin.conversation_id).in_(gone)))  # type: ignore[call-overload]
            await lifecycle.detach_expired(s, gone)
            await s.exec(  # type: ignore[call-overload]
                delete(Alert)
                .where(col(Alert.conversation_id).in_(gone))
                .where(col(Alert.status).in_(("sent", "failed")))
            )
            dialect = "sqlite" if sqlite_path(db.url) is not None else "postgresql"
            for table in CHECKPOINT_TABLES[dialect]:
                await s.exec(  # type: ignore[call-overload]
                    text(f"DELETE FROM {table} WHERE thread_id IN :ids").bindparams(
                        bindparam("ids", expanding=True)
                    ),
                    params={"ids": gone},
                )
    return len(ids), len(gone)


def _expired(cutoff: dt.datetime) -> Any:
    """Conversations inactive since ``cutoff`` whose agency holds no handoff (none was made, or
    every one is closed: the agency's record stays, without the conversation)."""
    held = select(Handoff.conversation_id).where(
        col(Handoff.state).in_(ACTIVE_STATES), col(Handoff.conversation_id).is_not(None)
    )
    return (
        select(Conversation.id)
        .where(col(Conversation.last_active_at) < cutoff)
        .where(col(Conversation.id).not_in(held))
    )


async def expired(
    db: Database, now: dt.datetime, retention_days: int, followup_days: int = 0
) -> list[str]:
    """The conversations the next purge would delete: inactive for the retention days, no
    handoff held by the agency (none was made, or every one is closed: the agency's record
    stays, without the conversation). A resident who said はい to 「また様子をうかがっても
    いいですか」 keeps the conversation (the only way to reach them) until the follow-up window
    after the close has passed."""
    cutoff = now - dt.timedelta(days=retention_days)
    async with db.session() as s:
        kept = await _followed(s, now, followup_days)
        return [cid for cid in (await s.exec(_expired(cutoff))).all() if cid not in kept]


async def _followed(s: AsyncSession, now: dt.datetime, days: int) -> set[str]:
    """Conversations of closed handoffs still inside their follow-up window, opted in."""
    if days <= 0:
        return set()
    recent = await s.exec(
        select(Handoff)
        .where(Handoff.state == HandoffState.CLOSED)
        .where(col(Handoff.closed_at) >= now - dt.timedelta(days=days))
        .where(col(Handoff.conversation_id).is_not(None))
    )
    opted = {h.conversation_id for h in recent.all() if h.conversation_id and followup.opted_in(h)}
    return opted - await checkins.withdrawn(s, list(opted))  # 「連絡はもう大丈夫です」


async def purge_records(db: Database, city: Municipality, now: dt.datetime) -> int:
    """The agency's closed records, consent records and audit entries past their retention."""
    day = dt.timedelta(days=1)
    handoffs: list[str] = []
    while True:  # a batch of closed records per transaction
        async with db.session() as s:
            batch = await lifecycle.purge_closed(
                s, now - city.closed_retention_days * day, limit=BATCH
            )
        handoffs += batch
        if len(batch) < BATCH:
            break
    async with db.session() as s:
        consents = await consent.purge(s, now - city.consent_retention_days * day)
        await s.exec(  # type: ignore[call-overload]
            delete(Alert)
            .where(col(Alert.created_at) < now - city.audit_retention_days * day)
            .where(col(Alert.status).in_(("sent", "failed")))
        )
    async with db.session() as s:  # after the purge's own audit records
        blanked, entries = await audit.purge(
            s,
            blank_before=now - city.audit_detail_days * day,
            delete_before=now - city.audit_retention_days * day,
        )
    total = len(handoffs) + consents + blanked + entries
    if total:
        log.info(
            "retention: handoffs=%d consents=%d audit_blanked=%d audit_deleted=%d",
            len(handoffs),
            consents,
            blanked,
            entries,
        )
    return total


async def scrub(db: Database, saver: Any, *, vacuum: bool = False) -> None:
    """Make what was just deleted unreadable on disk (see the module's docstring). SQLite's WAL
    is checkpointed at once; PostgreSQL's VACUUM runs in the purge job (``vacuum=True``), not in
    the resident's turn."""
    if db.url.startswith("sqlite"):
        async with db.engine.connect() as conn:
            await conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        if is_sqlite_saver(saver):
            async with saver.lock:
                await saver.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return
    if not vacuum:
        return
    async with db.engine.connect() as conn:
        autocommit = await conn.execution_options(isolation_level="AUTOCOMMIT")
        for table in PURGED_TABLES:
            await autocommit.execute(text(f"VACUUM {table}"))
