"""What survives a fault: two tobira workers (separate uvicorn processes) on one PostgreSQL and one
Redis, the fake LINE platform, 32 residents each writing a numbered sequence (with some
redeliveries), and one fault in the middle. Each run counts events accepted (200), processed,
lost, duplicated (stored twice or answered twice) and out of order per resident, then checks
that every conversation can continue (a final message after the fault gets its answer).

    .venv/bin/python -m benchmarks.faults.bench                  # every scenario, one after another
    .venv/bin/python -m benchmarks.faults.bench sigkill redis    # some of them

PostgreSQL and Redis are private to the run (a throwaway cluster on port 5439 and a
redis-server on 6391), so restarting them touches nobody else. Results go to
benchmarks/faults/last-results.json. Not a test: nothing here asserts; the test suite's smaller
version is tests/test_line_faults.py."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import signal
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import aiohttp

from benchmarks.faults.infra import FakeLinePlatform, Postgres, Redis, Worker, worker_env
from benchmarks.faults.traffic import Traffic, count

HERE = Path(__file__).resolve().parent
SCENARIOS = ("sigkill", "sigterm", "redis", "postgres", "line")


class Run:
    """The processes of one scenario, started fresh."""

    def __init__(self, pg: Postgres, redis: Redis, logs: Path) -> None:
        self.pg, self.redis, self.logs = pg, redis, logs
        self.db_url = pg.fresh_database()
        self.fake = FakeLinePlatform()
        env = worker_env(self.db_url, redis.url, self.fake.url)
        self.workers = [Worker("a", env, logs), Worker("b", env, logs)]
        self.workers[0].start()  # the first migrates; the second then starts quickly
        self.workers[1].start()

    def close(self) -> None:
        for w in self.workers:
            w.stop()
        self.fake.stop()


async def in_thread(action: Callable[[], Any]) -> Any:
    return await asyncio.to_thread(action)


async def fault_sigkill(run: Run, traffic: Traffic) -> str:
    a = run.workers[0]
    a.signal(signal.SIGKILL)  # holding residents, turns under way
    await in_thread(lambda: a.wait(10))
    await asyncio.sleep(2.0)  # the supervisor starts it again
    await in_thread(a.start)
    return "worker a SIGKILLed mid-stream, started again 2 s later"


async def fault_sigterm(run: Run, traffic: Traffic) -> str:
    a = run.workers[0]
    backlog = await _backlog(run)
    a.signal(signal.SIGTERM)  # graceful: finish the turns under way, hand residents back
    await in_thread(lambda: a.wait(60))
    await in_thread(a.start)
    return f"worker a stopped with SIGTERM with {backlog} events in the inbox, started again"


async def fault_redis(run: Run, traffic: Traffic) -> str:
    run.redis.stop()
    await asyncio.sleep(3.0)
    run.redis.start()  # empty: no persistence
    return "Redis stopped for 3 s and started again empty"


async def fault_postgres(run: Run, traffic: Traffic) -> str:
    await in_thread(lambda: run.pg.stop("fast"))
    await asyncio.sleep(3.0)
    await in_thread(run.pg.start)
    return "PostgreSQL stopped (fast) for 3 s and started again"


async def fault_line(run: Run, traffic: Traffic) -> str:
    await traffic.fail(4.0, 429)
    await asyncio.sleep(6.0)
    await traffic.fail(4.0, 500)
    return "fake LINE answered every call 429 for 4 s, then 500 for 4 s two seconds later"


FAULTS: dict[str, Callable[[Run, Traffic], Awaitable[str]]] = {
    "sigkill": fault_sigkill,
    "sigterm": fault_sigterm,
    "redis": fault_redis,
    "postgres": fault_postgres,
    "line": fault_line,
}


async def _backlog(run: Run) -> int:
    import psycopg

    def read() -> int:
        with psycopg.connect(run.db_url) as conn:
            row = conn.execute("SELECT count(*) FROM inbox WHERE state = 'queued'").fetchone()
            return int(row[0]) if row else 0

    return await in_thread(read)


async def scenario(name: str, run: Run, args: argparse.Namespace) -> dict[str, Any]:
    users = [f"U{name[:6]}{i:03d}".ljust(33, "0") for i in range(args.residents)]
    # the SIGTERM run writes faster, so that the worker stops with a backlog to hand over
    think = (0.0, 0.05) if name == "sigterm" else (args.think / 2, args.think * 1.5)
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as session:
        traffic = Traffic(session, run.workers, run.fake.url)
        started = time.monotonic()
        writing = asyncio.gather(
            *(traffic.resident(u, args.messages, think, args.redeliver) for u in users)
        )
        at = args.fault_at if name != "sigterm" else args.fault_at / 2
        await asyncio.sleep(at)
        what = await FAULTS[name](run, traffic)
        fault_done = time.monotonic() - started
        await writing
        await traffic.settle()
        accepted = sum(1 for s in traffic.sent if s.accepted)
        drained = await _drain(traffic, accepted, args.drain)
        # every conversation can continue: one more message each, answered by its reply token
        finals = [traffic.make(u, args.messages + 1) for u in users]
        await asyncio.gather(*(traffic.deliver(s) for s in finals))
        answered = await asyncio.gather(*(traffic.wait_token(s.token, 60) for s in finals))
        await asyncio.sleep(2.0)  # a second (wrong) answer would arrive now
        result = count(traffic, await traffic.answers(), run.db_url)
    result.update(
        {
            "fault": what,
            "fault_at_s": round(at, 1),
            "fault_done_at_s": round(fault_done, 1),
            "drained_s": round(drained, 1),
            "continued": f"{sum(answered)}/{len(finals)}",
            "residents": args.residents,
            "messages_each": args.messages,
        }
    )
    return result


async def _drain(traffic: Traffic, expected: int, timeout: float) -> float:
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        if len(await traffic.answers()) >= expected:
            break
        await asyncio.sleep(0.5)
    return time.monotonic() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenarios", nargs="*", default=list(SCENARIOS))
    parser.add_argument("--residents", type=int, default=32)
    parser.add_argument("--messages", type=int, default=10)
    parser.add_argument("--think", type=float, default=0.5, help="mean seconds between messages")
    parser.add_argument("--redeliver", type=float, default=0.1, help="share sent again")
    parser.add_argument("--fault-at", type=float, default=2.5, help="seconds into the stream")
    parser.add_argument("--drain", type=float, default=120.0)
    parser.add_argument("--out", default=str(HERE / "last-results.json"))
    args = parser.parse_args()
    out = Path(args.out)
    results: dict[str, Any] = json.loads(out.read_text()) if out.exists() else {}
    results["machine"] = (
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    logs = Path(tempfile.mkdtemp(prefix="tobira-faults-"))
    pg, redis = Postgres(), Redis()
    try:
        for name in args.scenarios:
            (logs / name).mkdir(exist_ok=True)
            run = Run(pg, redis, logs / name)
            try:
                result = asyncio.run(scenario(name, run, args))
            finally:
                run.close()
            result["when"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
            results.setdefault("faults", {})[name] = result
            print(name, json.dumps(result, ensure_ascii=False), flush=True)
            out.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n")
    finally:
        redis.stop()
        pg.destroy()
    print(f"written to {out}; worker logs in {logs}")


if __name__ == "__main__":
    main()
