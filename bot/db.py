"""Storage engines: the SQL database (SQLite file or PostgreSQL) and the LangGraph checkpointer."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.pool import NullPool
from sqlmodel.ext.asyncio.session import AsyncSession

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def sync_url(url: str) -> str:
    """The URL for synchronous tools (Alembic): plain sqlite / psycopg drivers."""
    parsed = make_url(url)
    if parsed.drivername.startswith("sqlite"):
        return parsed.set(drivername="sqlite").render_as_string(hide_password=False)
    if parsed.drivername.startswith("postgres"):
        return parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    raise SystemExit(f"TOBIRA_DATABASE_URL: unsupported database {parsed.drivername!r}")


def async_url(url: str) -> str:
    parsed = make_url(url)
    if parsed.drivername.startswith("sqlite"):
        return parsed.set(drivername="sqlite+aiosqlite").render_as_string(hide_password=False)
    return parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)


def sqlite_path(url: str) -> str | None:
    parsed = make_url(url)
    if parsed.drivername.startswith("sqlite"):
        return parsed.database or ":memory:"
    return None


# Every tobira process upgrading the same PostgreSQL database takes this advisory lock first, so
# migrations (Alembic's and the checkpointer's own) run once, never racing between workers.
MIGRATION_LOCK = 7_046_210_014
LOCK_POLL = 0.1


async def _try_lock(conn: Any) -> bool:
    cursor = await conn.execute("SELECT pg_try_advisory_lock(%s) AS got", (MIGRATION_LOCK,))
    row = await cursor.fetchone()
    return bool(row and row["got"])


def _alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", sync_url(url).replace("%", "%%"))
    cfg.attributes["configure_logger"] = False
    return cfg


def migrate(url: str) -> str:
    """Bring the schema to the newest revision (idempotent, safe from many processes at once);
    returns the revision it is at."""
    cfg = _alembic_config(url)
    if sqlite_path(url) is not None:
        command.upgrade(cfg, "head")
        return schema_revisions(url)[0] or ""
    engine = create_engine(sync_url(url), poolclass=NullPool)
    try:
        with engine.connect() as conn:
            while not conn.execute(
                text("SELECT pg_try_advisory_lock(:k)"), {"k": MIGRATION_LOCK}
            ).scalar_one():
                conn.commit()  # no snapshot held while waiting (see checkpointer below)
                time.sleep(LOCK_POLL)
            conn.commit()
            try:
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")
                conn.commit()
            finally:
                conn.rollback()
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": MIGRATION_LOCK})
                conn.commit()
    finally:
        engine.dispose()
    return schema_revisions(url)[0] or ""


def schema_revisions(url: str) -> tuple[str | None, str | None]:
    """(the database's revision, the newest this code knows)."""
    cfg = _alembic_config(url)
    head = ScriptDirectory.from_config(cfg).get_current_head()
    engine = create_engine(sync_url(url), poolclass=NullPool)
    try:
        with engine.connect() as conn:
            current = MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()
    return current, head


def wait_for_schema(url: str, timeout: float, every: float = 1.0) -> None:
    """For workers that do not migrate themselves: wait until someone (``tobira migrate``) has
    brought the schema to this code's revision; refuse to start after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            current, head = schema_revisions(url)
        except Exception as exc:  # the database is not up yet
            current, head = f"unreachable ({type(exc).__name__})", "?"
        if current == head:
            return
        if time.monotonic() >= deadline:
            raise SystemExit(
                f"database schema is at {current or 'nothing'}, this tobira needs {head}: "
                "run `tobira migrate` (or set TOBIRA_MIGRATE_ON_START=true)"
            )
        time.sleep(every)


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=5000")
    cur.execute("PRAGMA synchronous=NORMAL")
    # deleted rows are overwritten with zeros, not left in free pages (bot.erasure)
    cur.execute("PRAGMA secure_delete=ON")
    cur.close()


def make_engine(url: str) -> AsyncEngine:
    if sqlite_path(url) is not None:
        engine = create_async_engine(async_url(url), connect_args={"timeout": 10})
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    return create_async_engine(async_url(url), pool_size=10, max_overflow=10, pool_pre_ping=True)


class Database:
    """The app's handle on SQL: ``async with db.session() as s: ...`` (commits on success)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self._sessions = async_sessionmaker(
            self.engine, class_=AsyncSession, expire_on_commit=False
        )

    @contextlib.asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        async with self._sessions() as s:
            try:
                yield s
                await s.commit()
            except BaseException:
                await s.rollback()
                raise

    async def dispose(self) -> None:
        await self.engine.dispose()


@contextlib.asynccontextmanager
async def checkpointer(url: str) -> AsyncIterator[Any]:
    """The LangGraph saver for this database: SQLite saver on a file, PostgreSQL saver otherwise."""
    path = sqlite_path(url)
    if path is not None:
        import aiosqlite
        from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver

        conn = await aiosqlite.connect(path, timeout=10)
        await conn.execute("PRAGMA journal_mode=WAL")
        await conn.execute("PRAGMA busy_timeout=5000")
        await conn.execute("PRAGMA synchronous=NORMAL")
        await conn.execute("PRAGMA secure_delete=ON")
        saver = AsyncSqliteSaver(conn)
        await saver.setup()
        try:
            yield saver
        finally:
            await conn.close()
        return
    from langgraph.checkpoint.postgres.aio import AsyncPostgresSaver
    from psycopg.rows import dict_row
    from psycopg_pool import AsyncConnectionPool

    conninfo = (
        make_url(sync_url(url)).set(drivername="postgresql").render_as_string(hide_password=False)
    )
    async with AsyncConnectionPool(
        conninfo,
        max_size=10,
        kwargs={"autocommit": True, "row_factory": dict_row, "prepare_threshold": None},
        # a connection is checked before it is lent: after a PostgreSQL restart the pool's
        # connections are all dead, and each would otherwise fail one turn (SQLAlchemy's engine
        # has pool_pre_ping for the same reason)
        check=AsyncConnectionPool.check_connection,
        open=False,
    ) as pool:
        pg_saver = AsyncPostgresSaver(pool)  # type: ignore[arg-type]
        async with (
            pool.connection() as lock_conn
        ):  # the saver's own migrations, once across workers
            # polled, not waited for: the saver's CREATE INDEX CONCURRENTLY waits for every open
            # transaction, including a session blocked on pg_advisory_lock (a silent deadlock)
            while not await _try_lock(lock_conn):
                await asyncio.sleep(LOCK_POLL)
            try:
                await pg_saver.setup()
            finally:
                await lock_conn.execute("SELECT pg_advisory_unlock(%s)", (MIGRATION_LOCK,))
        yield pg_saver


# Keep only the newest checkpoint of a SQLite thread (the saver's tables live in the same file).
SQLITE_PRUNE = tuple(
    f"DELETE FROM {table} WHERE thread_id = :thread AND checkpoint_id NOT IN "
    "(SELECT checkpoint_id FROM checkpoints WHERE thread_id = :thread "
    "ORDER BY checkpoint_id DESC LIMIT 1)"
    for table in ("writes", "checkpoints")
)


def is_sqlite_saver(saver: Any) -> bool:
    conn = getattr(saver, "conn", None)
    return conn is not None and conn.__class__.__module__.startswith("aiosqlite")


async def prune_thread(saver: Any, thread_id: str) -> None:
    """Keep only the newest checkpoint of a thread so storage stays bounded as turns grow.

    (A resident's turn on SQLite prunes inside the transaction that stores the turn instead, on
    the saver's own connection: see ``ConversationService._store_turns_sqlite``.)"""
    if is_sqlite_saver(saver):
        conn = saver.conn
        async with saver.lock:
            for sql in SQLITE_PRUNE:
                await conn.execute(sql.replace(":thread", "?"), (thread_id, thread_id))
            await conn.commit()
        return
    await saver.aprune([thread_id], strategy="keep_latest")


async def checkpoint_bytes(saver: Any, thread_id: str) -> int:
    """Bytes the checkpointer keeps for one conversation (what pruning keeps bounded)."""
    if is_sqlite_saver(saver):
        conn = saver.conn
        total = 0
        async with saver.lock:
            for sql in (
                "SELECT COALESCE(SUM(LENGTH(checkpoint) + LENGTH(metadata)), 0) FROM checkpoints WHERE thread_id = ?",
                "SELECT COALESCE(SUM(LENGTH(value)), 0) FROM writes WHERE thread_id = ?",
            ):
                async with conn.execute(sql, (thread_id,)) as cur:
                    row = await cur.fetchone()
                    total += int(row[0]) if row else 0
        return total
    total = 0
    async with saver.conn.connection() as pg, pg.cursor() as cur:
        for sql in (
            "SELECT COALESCE(SUM(pg_column_size(checkpoint) + pg_column_size(metadata)), 0) AS n "
            "FROM checkpoints WHERE thread_id = %s",
            "SELECT COALESCE(SUM(pg_column_size(blob)), 0) AS n FROM checkpoint_blobs WHERE thread_id = %s",
            "SELECT COALESCE(SUM(pg_column_size(blob)), 0) AS n FROM checkpoint_writes WHERE thread_id = %s",
        ):
            await cur.execute(sql, (thread_id,))
            row = await cur.fetchone()
            total += int(row["n"]) if row else 0
    return total
