"""Schema upgrades run once however many workers start together, and a worker told not to
migrate waits for (or refuses) a schema that is behind, instead of running on it."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from bot.db import migrate, schema_revisions
from tests.conftest import REPO, SECRET, fresh_pg_database, running_app


@pytest.fixture
def pg_url(pg_server: str) -> Any:
    with fresh_pg_database(pg_server) as url:
        yield url


def test_many_workers_migrating_a_fresh_database_at_once_all_succeed(pg_url: str) -> None:
    errors: list[BaseException] = []
    start = threading.Barrier(6)

    def upgrade() -> None:
        start.wait()
        try:
            migrate(pg_url)
        except BaseException as exc:  # a duplicate alembic_version or CREATE TABLE race
            errors.append(exc)

    threads = [threading.Thread(target=upgrade) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    current, head = schema_revisions(pg_url)
    assert current == head and head is not None


async def test_two_apps_starting_together_on_a_fresh_database_both_serve(pg_url: str) -> None:
    async def serve_once() -> int:
        async with running_app(pg_url) as app:
            return await app.state.service.conversation_count()

    assert await asyncio.gather(serve_once(), serve_once()) == [0, 0]


async def test_a_worker_that_does_not_migrate_refuses_a_schema_behind(db_url: str) -> None:
    with pytest.raises(SystemExit, match="tobira migrate"):
        async with running_app(db_url, migrate_on_start=False, schema_wait=0.5):
            pass


async def test_a_worker_that_does_not_migrate_waits_for_tobira_migrate(
    db_url: str, tmp_path: Path
) -> None:
    async def migrate_soon() -> None:
        await asyncio.sleep(1.0)
        env = os.environ | {"TOBIRA_DATABASE_URL": db_url, "TOBIRA_SECRET_KEY": SECRET}
        done = await asyncio.to_thread(
            subprocess.run,
            [sys.executable, "-m", "bot.cli", "migrate"],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stderr
        assert "database schema at revision" in done.stdout

    job = asyncio.create_task(migrate_soon())
    async with running_app(db_url, migrate_on_start=False, schema_wait=60) as app:
        assert app.state.ready
    await job
