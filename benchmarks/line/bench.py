"""LINE front door load figures: webhook acknowledgement, full turn, redelivery and ordering.

Runs three processes on loopback: the fake LINE platform (tests/fakeline.py), tobira under
uvicorn (one worker, SQLite in a temporary directory), and this load generator, which posts
webhook bodies signed exactly as LINE signs them.

    .venv/bin/python -m benchmarks.line.bench            # all scenarios
    .venv/bin/python -m benchmarks.line.bench ack turn   # some of them

Figures are printed and written to benchmarks/line/last-results.json. Not a test: nothing here
asserts a time."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import aiohttp

from tests.fakeline import follow_event, sign, text_event, webhook_body

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
SECRET = "bench-channel-secret-0123456789ab"
TOKEN = "bench-channel-access-token"
TEXTS = [
    "こんにちは",
    "息子のことで相談したいです",
    "はい",
    "よくわからないです",
    "もう少し考えます",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


def summary_ms(values: list[float]) -> dict[str, float]:
    ms = [v * 1000 for v in values]
    return {
        "n": len(ms),
        "p50_ms": round(pct(ms, 50), 1),
        "p95_ms": round(pct(ms, 95), 1),
        "p99_ms": round(pct(ms, 99), 1),
        "max_ms": round(max(ms), 1) if ms else float("nan"),
        "mean_ms": round(statistics.fmean(ms), 1) if ms else float("nan"),
    }


def _wait_http(url: str, timeout: float = 60) -> None:
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=1) as resp:
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not come up")


@contextmanager
def processes(app: str, workers: int) -> Iterator[tuple[str, str]]:
    fake_port, app_port = free_port(), free_port()
    tmp = tempfile.mkdtemp(prefix="tobira-line-bench-")
    env = dict(os.environ)
    env.update(
        {
            "TOBIRA_DATABASE_URL": f"sqlite:///{tmp}/bench.db",
            "TOBIRA_SECRET_KEY": "bench-secret-key-0123456789abcdef",
            "TOBIRA_LINE_API_BASE": f"http://127.0.0.1:{fake_port}",
            "LINE_CHANNEL_SECRET": SECRET,
            "LINE_CHANNEL_ACCESS_TOKEN": TOKEN,
            "TOBIRA_LINE_WORKERS": str(workers),
            "TOBIRA_LOG_LEVEL": "WARNING",
            "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")])),
        }
    )
    py = sys.executable
    fake = subprocess.Popen(
        [
            py,
            "-m",
            "tests.fakeline",
            "--port",
            str(fake_port),
            "--token",
            TOKEN,
            "--secret",
            SECRET,
        ],
        cwd=REPO,
        env=env,
    )
    server = subprocess.Popen(
        [
            py,
            "-m",
            "uvicorn",
            "--factory",
            app,
            "--host",
            "127.0.0.1",
            "--port",
            str(app_port),
            "--workers",
            "1",
            "--no-access-log",
            "--log-level",
            "warning",
        ],
        cwd=REPO,
        env=env,
    )
    try:
        fake_url, app_url = f"http://127.0.0.1:{fake_port}", f"http://127.0.0.1:{app_port}"
        _wait_http(f"{fake_url}/__fake/calls")
        _wait_http(f"{app_url}/readyz")
        yield fake_url, app_url
    finally:
        for proc in (server, fake):
            proc.terminate()
        for proc in (server, fake):
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()


class Bench:
    def __init__(self, session: aiohttp.ClientSession, fake: str, app: str) -> None:
        self.s = session
        self.fake = fake
        self.app = app

    async def post(self, events: list[dict[str, Any]]) -> tuple[int, float]:
        body = webhook_body(events)
        headers = {"Content-Type": "application/json", "X-Line-Signature": sign(SECRET, body)}
        for attempt in (1, 2):
            t0 = time.perf_counter()
            try:
                async with self.s.post(
                    f"{self.app}/line/webhook", data=body, headers=headers
                ) as resp:
                    await resp.read()
                    return resp.status, time.perf_counter() - t0
            except aiohttp.ClientOSError:
                # a pooled keep-alive connection the server closed while idle (uvicorn's 5 s):
                # the request never got through; send it again once, on a fresh connection
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    async def calls(self) -> list[dict[str, Any]]:
        async with self.s.get(f"{self.fake}/__fake/calls") as resp:
            return list((await resp.json())["calls"])

    async def delivered(self) -> list[dict[str, Any]]:
        return [
            c
            for c in await self.calls()
            if c["status"] == 200 and c["path"] in ("/v2/bot/message/reply", "/v2/bot/message/push")
        ]

    async def reset(self) -> None:
        async with self.s.post(f"{self.fake}/__fake/reset") as resp:
            await resp.read()

    async def wait_for_token(self, token: str, timeout: float = 30) -> float | None:
        params = {"reply_token": token, "timeout": str(timeout)}
        async with self.s.get(f"{self.fake}/__fake/wait", params=params) as resp:
            data = await resp.json()
        return float(data["at"]) if data.get("found") else None

    async def drain(self, expected: int, timeout: float = 300) -> float:
        t0 = time.monotonic()
        while time.monotonic() - t0 < timeout:
            if len(await self.delivered()) >= expected:
                break
            await asyncio.sleep(0.25)
        return time.monotonic() - t0

    async def follow(self, users: list[str]) -> None:
        """Start each conversation (not measured) and wait for the welcomes."""
        before = len(await self.delivered())
        for i in range(0, len(users), 16):
            await asyncio.gather(*(self.post([follow_event(u)]) for u in users[i : i + 16]))
        await self.drain(before + len(users), 120)
        # One text turn each, so one-time loading (the PII dictionaries) is not measured.
        for i in range(0, len(users), 16):
            await asyncio.gather(
                *(self.post([text_event(u, "はじめまして")]) for u in users[i : i + 16])
            )
        await self.drain(before + 2 * len(users), 120)

    async def service_seconds(self) -> tuple[float, float]:
        """(sum, count) of the conversation service's LINE turn times so far (from /metrics)."""
        async with self.s.get(f"{self.app}/metrics") as resp:
            text = await resp.text()
        values = {}
        for line in text.splitlines():
            if line.startswith("tobira_turn_seconds_") and 'channel="line"' in line:
                name, value = line.rsplit(" ", 1)
                values[name.split("{")[0]] = float(value)
        return values.get("tobira_turn_seconds_sum", 0.0), values.get(
            "tobira_turn_seconds_count", 0.0
        )


async def scenario_ack(b: Bench, senders: int, total: int, users: int) -> dict[str, Any]:
    """Webhook acknowledgement under load: ``senders`` concurrent posters, each event a new turn."""
    names = [f"Uack{i:05d}{'0' * 22}"[:33] for i in range(users)]
    await b.follow(names)
    await b.reset()
    queue = [[text_event(names[i % users], random.choice(TEXTS))] for i in range(total)]
    queue.reverse()
    latencies: list[float] = []
    statuses: Counter[int] = Counter()

    async def sender() -> None:
        while queue:
            status, took = await b.post(queue.pop())
            statuses[status] += 1
            latencies.append(took)

    t0 = time.monotonic()
    await asyncio.gather(*(sender() for _ in range(senders)))
    posting = time.monotonic() - t0
    drained = await b.drain(statuses[200], 300)
    delivered = await b.delivered()
    by_path = Counter(c["path"].rsplit("/", 1)[-1] for c in delivered)
    loading = sum(1 for c in await b.calls() if c["path"].endswith("/loading/start"))
    return {
        "senders": senders,
        "events": total,
        "users": users,
        "statuses": dict(statuses),
        "ack": summary_ms(latencies),
        "acks_per_s": round(total / posting, 1),
        "backlog_drained_s": round(posting + drained, 1),
        "turns_per_s": round(len(delivered) / (posting + drained), 1),
        "answered_by": dict(by_path),
        "loading_animations": loading,
    }


async def scenario_turn(
    b: Bench, conversations: int, turns: int, think: tuple[float, float], tag: str
) -> dict[str, Any]:
    """Webhook in -> reply at the fake LINE API, ``conversations`` residents typing at once,
    each waiting for the answer and then ``think`` seconds before writing again."""
    names = [f"U{tag}{i:04d}{'0' * 28}"[:33] for i in range(conversations)]
    await b.follow(names)
    latencies: list[float] = []
    missing = 0

    async def resident(user: str) -> None:
        nonlocal missing
        await asyncio.sleep(random.uniform(*think))  # residents do not all start the same instant
        for _ in range(turns):
            event = text_event(user, random.choice(TEXTS))
            sent = time.time()
            status, _ = await b.post([event])
            at = await b.wait_for_token(event["replyToken"]) if status == 200 else None
            if at is None:
                missing += 1
            else:
                latencies.append(at - sent)
            await asyncio.sleep(random.uniform(*think))  # a resident reads before typing again

    t0 = time.monotonic()
    sum0, count0 = await b.service_seconds()
    await asyncio.gather(*(resident(u) for u in names))
    sum1, count1 = await b.service_seconds()
    return {
        "think_s": list(think),
        "turns_per_s": round(len(latencies) / (time.monotonic() - t0), 1),
        "service_ms_mean": round((sum1 - sum0) / max(1.0, count1 - count0) * 1000, 1),
        "conversations": conversations,
        "turns": conversations * turns,
        "turn": summary_ms(latencies),
        "missing": missing,
    }


async def scenario_redelivery(
    b: Bench, conversations: int, messages: int, share: float
) -> dict[str, Any]:
    """10% of events arrive again (isRedelivery) while the first copy may still be queued."""
    names = [f"Uredo{i:04d}{'0' * 24}"[:33] for i in range(conversations)]
    await b.follow(names)
    await b.reset()
    sent: dict[str, list[str]] = defaultdict(list)
    owner: dict[str, str] = {}
    redeliveries = 0
    later: list[asyncio.Task[Any]] = []

    async def redeliver(event: dict[str, Any]) -> None:
        await asyncio.sleep(random.uniform(0, 1.5))
        again = dict(event, deliveryContext={"isRedelivery": True})
        await b.post([again])

    async def resident(user: str) -> None:
        nonlocal redeliveries
        for _ in range(messages):
            event = text_event(user, random.choice(TEXTS))
            sent[user].append(event["replyToken"])
            owner[event["replyToken"]] = user
            await b.post([event])
            if random.random() < share:
                redeliveries += 1
                later.append(asyncio.create_task(redeliver(event)))
            await asyncio.sleep(random.uniform(0, 0.02))

    await asyncio.gather(*(resident(u) for u in names))
    await asyncio.gather(*later)
    expected = conversations * messages
    await b.drain(expected, 300)
    await asyncio.sleep(2)  # let any (wrong) second answer arrive
    delivered = await b.delivered()
    per_token = Counter(c["replyToken"] for c in delivered if c["replyToken"])
    pushes = [c for c in delivered if c["path"].endswith("/push")]
    same_token_twice = sum(n - 1 for n in per_token.values() if n > 1)
    duplicates = max(same_token_twice, len(delivered) - expected)
    out_of_order = 0
    for user, tokens in sent.items():
        got = [c["replyToken"] for c in delivered if owner.get(c["replyToken"] or "") == user]
        out_of_order += sum(1 for a, b_ in zip(got, tokens, strict=False) if a != b_)
    return {
        "conversations": conversations,
        "events": expected,
        "redeliveries": redeliveries,
        "answers": len(delivered),
        "pushes": len(pushes),
        "duplicate_answers": duplicates,
        "out_of_order_answers": out_of_order,
        "unanswered": max(0, expected - len(per_token) - len(pushes)),
    }


async def run(args: argparse.Namespace) -> dict[str, Any]:
    results: dict[str, Any] = {
        "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "setup": "one uvicorn worker, SQLite, fake LINE API on loopback, "
        f"TOBIRA_LINE_WORKERS={args.workers}",
    }
    with processes(args.app, args.workers) as (fake, app):
        connector = aiohttp.TCPConnector(limit=0)
        async with aiohttp.ClientSession(connector=connector) as session:
            b = Bench(session, fake, app)
            if "turn" in args.scenarios:
                results["turn_16_paced"] = await scenario_turn(
                    b, args.conversations, args.turns, (1.0, 3.0), "tp"
                )
                print("turn paced:", json.dumps(results["turn_16_paced"]), flush=True)
                results["turn_16_closed"] = await scenario_turn(
                    b, args.conversations, args.turns, (0.0, 0.05), "tc"
                )
                print("turn closed:", json.dumps(results["turn_16_closed"]), flush=True)
            if "redelivery" in args.scenarios:
                results["redelivery"] = await scenario_redelivery(b, args.conversations, 20, 0.10)
                print("redelivery:", json.dumps(results["redelivery"]), flush=True)
            if "ack" in args.scenarios:
                results["ack_64"] = await scenario_ack(b, args.senders, args.events, args.users)
                print("ack:", json.dumps(results["ack_64"]), flush=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenarios", nargs="*", default=["turn", "redelivery", "ack"])
    parser.add_argument("--app", default="bot.app:create_app", help="uvicorn app factory")
    parser.add_argument(
        "--workers", type=int, default=8, help="TOBIRA_LINE_WORKERS (default: the shipped default)"
    )
    parser.add_argument("--senders", type=int, default=64)
    parser.add_argument("--events", type=int, default=3000)
    parser.add_argument("--users", type=int, default=300)
    parser.add_argument("--conversations", type=int, default=16)
    parser.add_argument("--turns", type=int, default=25)
    parser.add_argument("--out", default=str(HERE / "last-results.json"))
    args = parser.parse_args()
    results = asyncio.run(run(args))
    Path(args.out).write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n")
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
