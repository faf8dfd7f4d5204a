"""The transcript in SQL: appending a turn's rows (two write paths: the SQL engine, or on SQLite
the checkpoint saver's own connection) and reading them back for the console."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from sqlalchemy import insert, update
from sqlmodel import col, select

from bot.db import SQLITE_PRUNE, Database, is_sqlite_saver
from bot.models import Conversation, Turn
from handoff.ports import TranscriptTurn

_TURNS = Turn.__table__  # type: ignore[attr-defined]
_CONVERSATIONS = Conversation.__table__  # type: ignore[attr-defined]

# role, redacted text, option code, entity types found by the redactor
Row = tuple[str, str | None, str | None, str]


class TurnStore:
    def __init__(self, db: Database, saver: Any) -> None:
        self.db = db
        self.saver = saver
        # On SQLite the checkpoint tables share the file: a turn prunes its thread in the
        # transaction that stores it, not in a second one on the saver's (single, locked) connection.
        self.prune_in_store = is_sqlite_saver(saver)
        dialect = db.engine.dialect
        self._sqlite_datetime: Callable[[dt.datetime], Any] = _TURNS.c.at.type.dialect_impl(
            dialect
        ).bind_processor(dialect) or (lambda v: v)

    async def append(
        self,
        conversation_id: str,
        now: dt.datetime,
        turns: list[Row],
        locale: str | None = None,
        prune: bool = False,
    ) -> None:
        """Append turns and count them on the conversation: one UPDATE … RETURNING and one
        INSERT in one transaction (the turn_count bump locks the row, so seq stays dense).
        ``prune``: also drop the thread's older checkpoints (SQLite, where they share the file)."""
        kept = [x for x in turns if not (x[1] is None and x[2] is None)]
        if self.prune_in_store:
            await self._append_sqlite(conversation_id, now, kept, locale, prune)
            return
        values: dict[str, Any] = {"last_active_at": now}
        if kept:
            values["turn_count"] = _CONVERSATIONS.c.turn_count + len(kept)
        if locale:
            values["locale"] = locale
        async with self.db.engine.begin() as c:
            count = (
                await c.execute(
                    update(_CONVERSATIONS)
                    .where(_CONVERSATIONS.c.id == conversation_id)
                    .values(**values)
                    .returning(_CONVERSATIONS.c.turn_count)
                )
            ).scalar_one_or_none()
            if count is None or not kept:
                return
            first = count - len(kept) + 1
            await c.execute(
                insert(_TURNS),
                [
                    {
                        "conversation_id": conversation_id,
                        "seq": first + i,
                        "role": role,
                        "text": text,
                        "code": code,
                        "entity_types": types,
                        "at": now,
                    }
                    for i, (role, text, code, types) in enumerate(kept)
                ],
            )

    async def _append_sqlite(
        self,
        conversation_id: str,
        now: dt.datetime,
        kept: list[Row],
        locale: str | None,
        prune: bool,
    ) -> None:
        """`append` on SQLite, where the checkpoints share the file: on the saver's
        connection, under its lock, in one transaction with the pruning of older checkpoints.
        One writer at a time: the turn's writes and the checkpointer's never meet at SQLite's
        file lock (where the busy handler sleeps), and it takes 5 calls into the SQLite thread
        instead of about 20 through the SQL engine and the saver. Values are bound with the
        engine's own column types, so rows are stored exactly as the engine would store them."""
        conn = self.saver.conn
        at = self._sqlite_datetime(now)
        sets = "last_active_at = ?, turn_count = turn_count + ?" + (
            ", locale = ?" if locale else ""
        )
        params: list[Any] = [at, len(kept), *([locale] if locale else []), conversation_id]
        async with self.saver.lock:
            try:
                rows = list(
                    await conn.execute_fetchall(
                        f"UPDATE {_CONVERSATIONS.name} SET {sets} WHERE id = ? "
                        "RETURNING turn_count",
                        params,
                    )
                )
                if prune:
                    for sql in SQLITE_PRUNE:
                        await conn.execute(sql, {"thread": conversation_id})
                if rows and kept:
                    first = int(rows[0][0]) - len(kept) + 1
                    await conn.executemany(
                        f"INSERT INTO {_TURNS.name} "
                        "(conversation_id, seq, role, text, code, entity_types, at) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?)",
                        [
                            (conversation_id, first + i, role, text, code, types, at)
                            for i, (role, text, code, types) in enumerate(kept)
                        ],
                    )
                await conn.commit()
            except BaseException:
                await conn.rollback()
                raise

    async def rewind(self, key_hash: str, event_id: str) -> int:
        """Undo what an interrupted attempt at ``event_id`` did to the graph: the checkpoints it
        wrote (each carries its event id) are removed, so the retry resumes the graph where the
        previous turn left it instead of applying the same message to the next question. Only
        for a turn whose rows were never stored: the checkpoint and the turn's rows are written
        in two transactions, and storage can fail between them."""
        if not event_id:
            return 0
        async with self.db.session() as s:
            conversation_id = (
                await s.exec(select(Conversation.id).where(Conversation.key_hash == key_hash))
            ).first()
        if conversation_id is None:
            return 0
        config = {"configurable": {"thread_id": conversation_id}}
        ids = [
            str(c.config["configurable"]["checkpoint_id"])
            async for c in self.saver.alist(config, filter={"event": event_id})
        ]
        for checkpoint_id in ids:
            await self._drop_checkpoint(conversation_id, checkpoint_id)
        return len(ids)

    async def _drop_checkpoint(self, thread_id: str, checkpoint_id: str) -> None:
        if self.prune_in_store:  # the SQLite saver: tables checkpoints and writes
            async with self.saver.lock:
                for table in ("writes", "checkpoints"):
                    await self.saver.conn.execute(
                        f"DELETE FROM {table} WHERE thread_id = ? AND checkpoint_id = ?",
                        (thread_id, checkpoint_id),
                    )
                await self.saver.conn.commit()
            return
        async with self.saver.conn.connection() as pg:
            for table in ("checkpoint_writes", "checkpoints"):
                await pg.execute(
                    f"DELETE FROM {table} WHERE thread_id = %s AND checkpoint_id = %s",
                    (thread_id, checkpoint_id),
                )

    async def transcript(self, conversation_id: str) -> list[TranscriptTurn]:
        async with self.db.session() as s:
            turns = (
                await s.exec(
                    select(Turn)
                    .where(Turn.conversation_id == conversation_id)
                    .order_by(col(Turn.seq))
                )
            ).all()
        return [TranscriptTurn(role=x.role, text=x.text, code=x.code, at=x.at) for x in turns]
