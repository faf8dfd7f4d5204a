"""Retention in batches: many expired conversations go, table by table, several batches a pass,
with everything of theirs (turns, resume codes, checkpoints) and nothing of the ones still held or
still active; one worker purges at a time (PostgreSQL advisory lock)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import psycopg
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bot import erasure
from bot.messages import Inbound
from tests.conftest import DAYTIME
from tests.test_console import hand_off

EXPIRED = 17  # more than two batches of the size set below


async def conversation_ids(app: Any) -> set[str]:
    async with app.state.db.engine.connect() as conn:
        return set((await conn.execute(text("SELECT id FROM conversation"))).scalars())


async def rows_by_thread(app: Any) -> dict[str, set[str]]:
    """The conversations each table still has rows for."""
    sqlite = app.state.db.url.startswith("sqlite")
    tables = {"turn": "conversation_id", "resume_code": "conversation_id"}
    for table in erasure.CHECKPOINT_TABLES["sqlite" if sqlite else "postgresql"]:
        tables[table] = "thread_id"
    found = {}
    async with app.state.db.engine.connect() as conn:
        for table, column in tables.items():
            query = text(f"SELECT DISTINCT {column} FROM {table}")
            found[table] = set((await conn.execute(query)).scalars())
    return found


async def expired_and_kept(app: Any) -> tuple[set[str], set[str]]:
    service = app.state.service
    for i in range(EXPIRED):
        await service.handle(Inbound("web", f"gone-{i}", DAYTIME, event="follow"))
        await service.handle(Inbound("web", f"gone-{i}", DAYTIME, code="a:intro:start"))
    gone = await conversation_ids(app)
    await hand_off(app, "held")  # old too, but an agency holds it
    later = DAYTIME + dt.timedelta(days=app.state.city.retention_days)
    await service.handle(Inbound("web", "recent", later, event="follow"))
    return gone, await conversation_ids(app) - gone


async def test_a_batched_purge_deletes_every_expired_conversation_and_only_those(
    app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(erasure, "BATCH", 7)
    gone, kept = await expired_and_kept(app)
    assert len(gone) == EXPIRED and len(kept) == 2
    before = await rows_by_thread(app)
    assert gone <= before["turn"] and gone <= before["checkpoints"]
    now = DAYTIME + dt.timedelta(days=app.state.city.retention_days, hours=1)
    assert await app.state.service.purge_expired(now) == EXPIRED
    assert await conversation_ids(app) == kept
    after = await rows_by_thread(app)
    for table, threads in after.items():
        assert not threads & gone, table
        assert threads == before[table] - gone, table
    async with app.state.db.session() as s:
        handoffs = (await s.exec(text("SELECT conversation_id FROM handoff"))).scalars().all()  # type: ignore[call-overload]
    assert set(handoffs) <= kept  # the held case keeps its conversation
    assert await app.state.service.purge_expired(now) == 0  # nothing left to do


async def test_while_another_worker_purges_a_second_pass_deletes_nothing(
    pg_server: str,
) -> None:
    from tests.conftest import fresh_pg_database, running_app

    with fresh_pg_database(pg_server) as url:
        async with running_app(url) as app:
            gone, _ = await expired_and_kept(app)
            now = DAYTIME + dt.timedelta(days=app.state.city.retention_days, hours=1)
            conninfo = make_url(url).set(drivername="postgresql").render_as_string(False)
            with psycopg.connect(conninfo, autocommit=True) as other:  # the other worker
                other.execute("SELECT pg_advisory_lock(%s)", (erasure.PURGE_LOCK,))
                assert await app.state.service.purge_expired(now) == 0
                assert gone <= await conversation_ids(app)
                other.execute("SELECT pg_advisory_unlock(%s)", (erasure.PURGE_LOCK,))
            assert await app.state.service.purge_expired(now) == EXPIRED
            assert not gone & await conversation_ids(app)
            async with app.state.db.session() as s:
                held = (await s.exec(text("SELECT COUNT(*) FROM handoff"))).scalar_one()  # type: ignore[call-overload]
            assert held == 1
