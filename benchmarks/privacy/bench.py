"""What deleting for real costs: the 削除 turn (SQLite: secure_delete on and the WAL checkpointed
and truncated after it) and one retention pass (PostgreSQL: VACUUM of the tables deletions touch),
with N other conversations in the database.

    .venv/bin/python -m benchmarks.privacy.bench --conversations 50 [--postgres URL]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from typing import Any

from tests.conftest import fresh_pg_database, running_app
from tests.resident import Resident


async def _handed_off(app: Any, address: str) -> Resident:
    resident = Resident(app.state.service, address=address)
    await resident.say("息子の生活リズムが昼夜逆転しています")
    await resident.skip_until("summary")
    await resident.tap("a:summary:ok")
    await resident.tap("a:consent:agree")
    return resident


async def measure(url: str, conversations: int, deletions: int) -> dict[str, float]:
    async with running_app(url) as app:
        others = [await _handed_off(app, f"other-{i}") for i in range(conversations)]
        leaving = [await _handed_off(app, f"leaving-{i}") for i in range(deletions)]
        assert others
        took = []
        for resident in leaving:
            await resident.say("削除")
            started = time.perf_counter()
            await resident.tap("a:confirm_delete:yes")
            took.append(time.perf_counter() - started)
        started = time.perf_counter()
        await app.state.service.purge_expired(resident.now)
        purge = time.perf_counter() - started
    return {"delete_median_ms": statistics.median(took) * 1000, "purge_pass_ms": purge * 1000}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--conversations", type=int, default=50)
    parser.add_argument("--deletions", type=int, default=10)
    parser.add_argument("--postgres", default="")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        sqlite = asyncio.run(
            measure(f"sqlite:///{tmp}/bench.db", args.conversations, args.deletions)
        )
    print("sqlite", {k: round(v, 1) for k, v in sqlite.items()})
    if args.postgres:
        with fresh_pg_database(args.postgres) as url:
            pg = asyncio.run(measure(url, args.conversations, args.deletions))
        print("postgres", {k: round(v, 1) for k, v in pg.items()})


if __name__ == "__main__":
    main()
