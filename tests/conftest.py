"""Shared fixtures: real SQLite files, a real PostgreSQL database, a real Redis, the real app."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy.engine import make_url

from bot.app import create_app
from bot.settings import Settings

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
PG_ADMIN = os.environ.get("TOBIRA_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("TOBIRA_TEST_REDIS", "redis://127.0.0.1:6379/15")
SECRET = "test-secret-key-0123456789abcdef"
# a weekday during office hours, and a night on a national holiday (勤労感謝の日), in JST
DAYTIME = dt.datetime(2026, 11, 24, 1, 0, tzinfo=dt.UTC)  # Tue 10:00 JST
NIGHT = dt.datetime(2026, 11, 23, 14, 0, tzinfo=dt.UTC)  # Mon (holiday) 23:00 JST


def _pg_conninfo(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def pg_server() -> str:
    """The PostgreSQL on 127.0.0.1: the suite fails (never skips) when it does not answer."""
    try:
        with psycopg.connect(_pg_conninfo(PG_ADMIN), connect_timeout=5):
            pass
    except psycopg.OperationalError as exc:
        pytest.fail(f"PostgreSQL at {PG_ADMIN} does not answer ({exc}); scripts/test starts it")
    return PG_ADMIN


@contextlib.contextmanager
def fresh_pg_database(admin_url: str) -> Iterator[str]:
    name = f"tobira_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(_pg_conninfo(admin_url), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(_pg_conninfo(admin_url), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Each test using this runs twice: on a SQLite file and on a fresh PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'tobira.db'}"
        return
    admin = request.getfixturevalue("pg_server")
    with fresh_pg_database(admin) as url:
        yield url


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'tobira.db'}"


def make_settings(database_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {"database_url": database_url, "secret_key": SECRET}
    values.update(overrides)
    return Settings(**values)


@contextlib.asynccontextmanager
async def running_app(database_url: str, **overrides: Any) -> AsyncIterator[Any]:
    app = create_app(make_settings(database_url, **overrides))
    async with app.router.lifespan_context(app):
        yield app


@pytest.fixture
async def app(db_url: str) -> AsyncIterator[Any]:
    async with running_app(db_url) as application:
        yield application


@pytest.fixture
async def sqlite_app(sqlite_url: str) -> AsyncIterator[Any]:
    async with running_app(sqlite_url) as application:
        yield application


@pytest.fixture
def redis_url() -> Iterator[str]:
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.ConnectionError as exc:
        pytest.fail(f"Redis at {REDIS_URL} does not answer ({exc}); scripts/test starts it")
    client.flushdb()
    yield REDIS_URL
    client.flushdb()
    client.close()
