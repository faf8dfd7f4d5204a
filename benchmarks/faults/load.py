"""Sustained load on the LINE webhook, and a login flood beside it.

    .venv/bin/python -m benchmarks.faults.load sustained --workers 2   # 60 s, 64 senders
    .venv/bin/python -m benchmarks.faults.load sustained --workers 1
    .venv/bin/python -m benchmarks.faults.load login                   # ack p50 with and without a flood

``sustained``: tobira workers (separate uvicorn processes) on a private PostgreSQL and Redis, the
fake LINE platform, 64 senders, each a resident writing one message after another (a pause of
0–2×``--think`` seconds between them, never waiting for the answer) for ``--seconds``. Counts
the webhook's statuses and ack times, then waits until every event is answered and reports turns
per CPU-second of the tobira processes (PostgreSQL's and Redis's CPU beside it).

``login``: one worker; 16 senders on LINE at a steady pace; the ack times measured for
``--seconds`` without, then ``--seconds`` with, a flood of wrong-password logins to
``POST /api/console/login`` (``--flooders`` concurrent, unknown usernames, each from another
address so the per-address throttle does not stop it: every one costs an argon2 verification).

Results go to benchmarks/faults/last-results.json under "load"; nothing here asserts."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import aiohttp

from benchmarks.faults.infra import FakeLinePlatform, Postgres, Redis, Worker, worker_env
from benchmarks.faults.traffic import Traffic
from benchmarks.line.bench import summary_ms

HERE = Path(__file__).resolve().parent


class Setup:
    def __init__(self, workers: int, logs: Path) -> None:
        self.pg, self.redis = Postgres(), Redis()
        self.db_url = self.pg.fresh_database()
        self.fake = FakeLinePlatform()
        env = worker_env(self.db_url, self.redis.url, self.fake.url)
        self.workers = [Worker(f"w{i}", env, logs) for i in range(workers)]
        for w in self.workers:
            w.start()

    def cpu(self) -> dict[str, float]:
        return {
            "tobira": sum(w.cpu() for w in self.workers),
            "postgres": self.pg.cpu(),
            "redis": self.redis.cpu(),
        }

    def close(self) -> None:
        for w in self.workers:
            w.stop()
        self.fake.stop()
        self.redis.stop()
        self.pg.destroy()


async def warm(traffic: Traffic, users: list[str]) -> None:
    """Follow and one text each (not measured): conversations exist, dictionaries are loaded."""
    for index in (0, 1):
        batch = [traffic.make(u, index) for u in users]
        await asyncio.gather(*(traffic.deliver(s) for s in batch))
        await asyncio.gather(*(traffic.wait_token(s.token, 60) for s in batch))
    traffic.sent.clear()
    traffic.acks.clear()
    traffic.statuses.clear()


async def sender(traffic: Traffic, user: str, until: float, think: float) -> None:
    index = 2
    while time.monotonic() < until:
        sent = traffic.make(user, index)
        index += 1
        worker = random.choice(traffic.workers)
        if await traffic.post(worker, sent.event) == 200:
            sent.accepted = True
        await asyncio.sleep(random.uniform(0, 2 * think))


async def drain(traffic: Traffic, timeout: float) -> tuple[int, int, float]:
    """Wait until every accepted event is answered: (by reply, by push, seconds waited)."""
    t0 = time.monotonic()
    accepted = {s.token for s in traffic.sent if s.accepted}
    while True:
        answers = await traffic.answers()
        replied = {c["replyToken"] for c in answers if c["replyToken"] in accepted}
        pushed = sum(1 for c in answers if c["path"].endswith("/push"))
        if len(replied) + pushed >= len(accepted) or time.monotonic() - t0 > timeout:
            return len(replied), pushed, time.monotonic() - t0
        await asyncio.sleep(0.5)


async def sustained(setup: Setup, args: argparse.Namespace) -> dict[str, Any]:
    users = [f"Uload{i:04d}".ljust(33, "0") for i in range(args.senders)]
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
        traffic = Traffic(session, setup.workers, setup.fake.url)
        await warm(traffic, users)
        cpu0, t0 = setup.cpu(), time.monotonic()
        await asyncio.gather(*(sender(traffic, u, t0 + args.seconds, args.think) for u in users))
        posting = time.monotonic() - t0
        replied, pushed, waited = await drain(traffic, args.drain)
        cpu1 = setup.cpu()
    accepted = sum(1 for s in traffic.sent if s.accepted)
    answered = replied + pushed
    used = {k: round(cpu1[k] - cpu0[k], 1) for k in cpu0}
    return {
        "workers": len(setup.workers),
        "senders": args.senders,
        "seconds": round(posting, 1),
        "events": len(traffic.sent),
        "statuses": dict(traffic.statuses),
        "ack": summary_ms(traffic.acks),
        "offered_per_s": round(len(traffic.sent) / posting, 1),
        "answered": f"{answered}/{accepted}",
        "answered_by_push": pushed,
        "drained_after_s": round(waited, 1),
        "turns_per_s": round(answered / (posting + waited), 1),
        "cpu_s": used,
        "turns_per_tobira_cpu_s": round(answered / max(used["tobira"], 0.01), 1),
        "turns_per_total_cpu_s": round(answered / max(sum(used.values()), 0.01), 1),
    }


async def flood(
    session: aiohttp.ClientSession, url: str, until: float, tally: Counter[int]
) -> None:
    while time.monotonic() < until:
        address = f"10.{random.randint(0, 255)}.{random.randint(0, 255)}.{random.randint(1, 254)}"
        body = {"username": f"nobody{random.randint(0, 10**9)}", "password": "wrong-password-1"}
        try:
            async with session.post(
                f"{url}/api/console/login", json=body, headers={"X-Forwarded-For": address}
            ) as resp:
                await resp.read()
                tally[resp.status] += 1
        except aiohttp.ClientError:
            tally[0] += 1


async def login(setup: Setup, args: argparse.Namespace) -> dict[str, Any]:
    users = [f"Ulogin{i:04d}".ljust(33, "0") for i in range(16)]
    worker = setup.workers[0]
    out: dict[str, Any] = {"line_senders": len(users), "flooders": args.flooders}
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
        traffic = Traffic(session, setup.workers, setup.fake.url)
        await warm(traffic, users)
        for phase in ("quiet", "flood", "quiet_again"):
            traffic.acks.clear()
            tally: Counter[int] = Counter()
            cpu0, t0 = setup.cpu(), time.monotonic()
            until = t0 + args.seconds
            floods = (
                [flood(session, worker.url, until, tally) for _ in range(args.flooders)]
                if phase == "flood"
                else []
            )
            await asyncio.gather(*(sender(traffic, u, until, 0.5) for u in users), *floods)
            elapsed = time.monotonic() - t0
            cpu1 = setup.cpu()
            out[phase] = {
                "ack": summary_ms(traffic.acks),
                "logins": dict(tally),
                "logins_per_s": round(sum(tally.values()) / elapsed, 1),
                "tobira_cpu_s": round(cpu1["tobira"] - cpu0["tobira"], 1),
            }
            await drain(traffic, args.drain)
    out["p50_moved_ms"] = round(out["flood"]["ack"]["p50_ms"] - out["quiet"]["ack"]["p50_ms"], 1)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", choices=["sustained", "login"])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--senders", type=int, default=64)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--think", type=float, default=1.6, help="mean pause between messages")
    parser.add_argument("--flooders", type=int, default=8)
    parser.add_argument("--drain", type=float, default=300.0)
    parser.add_argument("--out", default=str(HERE / "last-results.json"))
    args = parser.parse_args()
    logs = Path(tempfile.mkdtemp(prefix="tobira-load-"))
    setup = Setup(1 if args.scenario == "login" else args.workers, logs)
    try:
        run = sustained if args.scenario == "sustained" else login
        result = asyncio.run(run(setup, args))
    finally:
        setup.close()
    result["when"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    result["machine"] = (
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    out = Path(args.out)
    results: dict[str, Any] = json.loads(out.read_text()) if out.exists() else {}
    key = f"sustained_{args.workers}w" if args.scenario == "sustained" else "login_flood"
    results.setdefault("load", {})[key] = result
    out.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n")
    print(key, json.dumps(result, ensure_ascii=False), flush=True)
    print(f"written to {out}; worker logs in {logs}")


if __name__ == "__main__":
    main()
