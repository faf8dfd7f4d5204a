"""Scale figures (issue 14 item 6): the paged queue at 1k/10k/50k conversations, 500 open event
streams while residents chat, and the batched retention purge.

    .venv/bin/python -m benchmarks.scale.bench                 # queue, streams, purge
    .venv/bin/python -m benchmarks.scale.bench queue --sizes 1000 10000
    .venv/bin/python -m benchmarks.scale.bench streams --streams 500

Uses a private PostgreSQL database (``tobira_bench_scale``, dropped and made again) and Redis db
10 (flushed), tobira under uvicorn in its own process (one worker), and this process as the load.
Conversations, turns, handoffs and checkpoints are seeded straight into PostgreSQL with
``generate_series``. Results are printed and written to benchmarks/scale/last-results.json.
Not a test: nothing here asserts a time."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
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
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import aiohttp
import psycopg
import redis

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
ADMIN = os.environ.get("TOBIRA_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
DB_NAME = "tobira_bench_scale"
DB_URL = ADMIN.rsplit("/", 1)[0] + "/" + DB_NAME
REDIS_URL = os.environ.get("TOBIRA_BENCH_REDIS", "redis://127.0.0.1:6379/10")
SECRET = "bench-secret-key-0123456789abcdef"
STAFF, PASSWORD = "bench", "bench-password-0123"
AGENCY = "jiritsu"  # the demo city's default agency
LOG = Path(tempfile.gettempdir()) / "tobira-bench-scale-server.log"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


def ms(values: list[float]) -> dict[str, float]:
    v = [x * 1000 for x in values]
    return {
        "n": len(v),
        "p50_ms": round(pct(v, 50), 1),
        "p95_ms": round(pct(v, 95), 1),
        "max_ms": round(max(v), 1) if v else float("nan"),
        "mean_ms": round(statistics.fmean(v), 1) if v else float("nan"),
    }


# ---------------------------------------------------------------------------- the database


def fresh_database() -> None:
    with psycopg.connect(ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DB_NAME}"')


def drop_database() -> None:
    with psycopg.connect(ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')


def env() -> dict[str, str]:
    values = {k: v for k, v in os.environ.items() if not k.startswith(("TOBIRA_", "LINE_"))}
    values.update(
        {
            "TOBIRA_DATABASE_URL": DB_URL,
            "TOBIRA_REDIS_URL": REDIS_URL,
            "TOBIRA_SECRET_KEY": SECRET,
            "TOBIRA_LIVE_STREAMS": "1000",
            # one loopback address plays hundreds of residents: the per-address limits would
            # refuse them (the per-session limit stays)
            "TOBIRA_CHAT_RATE_PER_ADDRESS": "1000000",
            "TOBIRA_CHAT_STARTS_PER_ADDRESS": "1000000",
            "TOBIRA_LOG_LEVEL": "WARNING",
        }
    )
    return values


async def prepare() -> str:
    """Schema, checkpointer tables and a staff account, through the app itself; one real
    handoff made by a resident, whose summary the seeded ones copy. Returns its summary JSON."""
    os.environ.update(env())
    from bot.app import create_app
    from bot.settings import Settings
    from handoff.auth import create_staff
    from tests.test_console import hand_off

    app = create_app(Settings())
    async with app.router.lifespan_context(app):
        async with app.state.db.session() as s:
            await create_staff(s, STAFF, PASSWORD, "staff")
        _, hid = await hand_off(app, "bench-real-resident", food_today=True)
        async with app.state.db.engine.connect() as conn:
            from sqlalchemy import text

            row = await conn.execute(
                text("SELECT summary_json FROM handoff WHERE id = :i"), {"i": hid}
            )
            summary = str(row.scalar_one())
    return summary


SEED = """
INSERT INTO conversation (id, key_hash, channel, locale, created_at, last_active_at, crisis_flags,
                          turn_count)
SELECT md5('c' || g), md5('k' || g) || md5('h' || g), 'web', 'ja',
       %(now)s - make_interval(secs => g), %(now)s - make_interval(secs => g) - %(age)s, '', 6
FROM generate_series(%(lo)s::int, %(hi)s::int) g;

INSERT INTO turn (conversation_id, seq, role, text, code, entity_types, at)
SELECT md5('c' || g), s, CASE WHEN s %% 2 = 0 THEN 'bot' ELSE 'resident' END,
       'redacted text of a turn, some forty characters long', NULL, '', %(now)s
FROM generate_series(%(lo)s::int, %(hi)s::int) g, generate_series(1, %(turns)s::int) s;
"""

SEED_HANDOFFS = """
INSERT INTO handoff (id, conversation_id, agency_id, channel, state, level, urgency_rank,
                     after_hours, summary_json, summary_hash, created_at, updated_at, claimed_by,
                     closed_at, outcome)
SELECT md5('h' || g), md5('c' || g),
       CASE WHEN g %% 10 = 0 THEN 'other' ELSE %(agency)s END, 'web',
       CASE WHEN g %% 5 = 0 THEN 'closed' WHEN g %% 7 = 0 THEN 'claimed' ELSE 'queued' END,
       'P' || (g %% 4), g %% 4, g %% 3 = 0, %(summary)s, md5('s' || g),
       %(now)s - make_interval(mins => g), %(now)s,
       CASE WHEN g %% 5 <> 0 AND g %% 7 = 0 THEN 'someone' END,
       CASE WHEN g %% 5 = 0 THEN %(now)s END, CASE WHEN g %% 5 = 0 THEN 'continuing' END
FROM generate_series(%(lo)s::int, %(hi)s::int) g WHERE g %% 5 <> 4;  -- 4 in 5 conversations handed off
"""

SEED_CHECKPOINTS = """
INSERT INTO checkpoints (thread_id, checkpoint_ns, checkpoint_id, type, checkpoint, metadata)
SELECT md5('c' || g), '', '1', 'msgpack', '{}'::jsonb, '{}'::jsonb
FROM generate_series(%(lo)s::int, %(hi)s::int) g;
INSERT INTO checkpoint_blobs (thread_id, checkpoint_ns, channel, version, type, blob)
SELECT md5('c' || g), '', 'ch' || c, '1', 'msgpack', '\\x00'::bytea
FROM generate_series(%(lo)s::int, %(hi)s::int) g, generate_series(1, 2) c;
INSERT INTO checkpoint_writes (thread_id, checkpoint_ns, checkpoint_id, task_id, idx, channel, type,
                               blob)
SELECT md5('c' || g), '', '1', 't', w, 'ch', 'msgpack', '\\x00'::bytea
FROM generate_series(%(lo)s::int, %(hi)s::int) g, generate_series(1, 3) w;
"""


def seed(lo: int, hi: int, summary: str, *, age_days: int = 0, handoffs: bool = True) -> float:
    """Conversations lo..hi with 6 turns and a checkpoint each; most handed off. Seconds taken."""
    now = dt.datetime.now(dt.UTC)
    params = {
        "lo": lo,
        "hi": hi,
        "now": now,
        "age": dt.timedelta(days=age_days),
        "turns": 6,
        "agency": AGENCY,
        "summary": summary,
    }
    started = time.perf_counter()
    with psycopg.connect(DB_URL) as conn:
        for sql in (SEED, SEED_CHECKPOINTS, SEED_HANDOFFS if handoffs else ""):
            for statement in sql.split(";\n"):
                if statement.strip() and not statement.strip().startswith("--"):
                    conn.execute(statement, params)
    with psycopg.connect(DB_URL, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    return time.perf_counter() - started


def count(sql: str) -> int:
    with psycopg.connect(DB_URL) as conn:
        row = conn.execute(sql).fetchone()
        return int(row[0]) if row else 0


# ---------------------------------------------------------------------------- the server


def cpu_seconds(pid: int) -> float:
    """User + system CPU the process has used (Linux /proc): a figure the machine's other load
    does not inflate the way it inflates wall-clock latency."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def load_average() -> float:
    return round(os.getloadavg()[0], 1)


SERVER_PID = 0


@contextmanager
def server() -> Iterator[str]:
    global SERVER_PID
    port = free_port()
    log = LOG.open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", "bot.app:app_from_env", "--port", str(port),
         "--log-level", "warning", "--timeout-graceful-shutdown", "2"],
        env=env(), cwd=REPO, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    SERVER_PID = proc.pid
    try:
        import urllib.request

        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(base + "/readyz", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"tobira did not start: see {LOG}")
            time.sleep(0.3)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


async def bearer(http: aiohttp.ClientSession, base: str) -> dict[str, str]:
    async with http.post(
        base + "/api/console/login", json={"username": STAFF, "password": PASSWORD}
    ) as r:
        return {"Authorization": "Bearer " + (await r.json())["token"]}


async def cookie_login(http: aiohttp.ClientSession, base: str) -> None:
    import re

    async with http.get(base + "/console/login") as r:
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', await r.text())
    assert csrf
    form = {"username": STAFF, "password": PASSWORD, "csrf_token": csrf.group(1)}
    async with http.post(base + "/console/login", data=form, allow_redirects=False) as r:
        assert r.status in (302, 303), r.status


# ---------------------------------------------------------------------------- the queue


async def timed_get(http: aiohttp.ClientSession, url: str, **kw: Any) -> tuple[float, Any, str]:
    started = time.perf_counter()
    async with http.get(url, **kw) as r:
        body = await r.text()
        assert r.status == 200, (r.status, body[:200])
    return time.perf_counter() - started, r, body


async def queue_figures(base: str, expected_total: int, requests: int) -> dict[str, Any]:
    """First pages, pages walked by cursor, and the console page (after warm-up)."""
    import re

    first: list[float] = []
    walked: list[float] = []
    page: list[float] = []
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        headers = await bearer(http, base)
        url = base + "/api/console/handoffs"
        for _ in range(5):
            await timed_get(http, url, headers=headers)
        cpu = cpu_seconds(SERVER_PID)
        for _ in range(requests):
            took, _, body = await timed_get(http, url, headers=headers)
            data = json.loads(body)
            assert len(data["handoffs"]) == min(50, expected_total), len(data["handoffs"])
            assert data["total"] == expected_total, (data["total"], expected_total)
            first.append(took)
        api_cpu = (cpu_seconds(SERVER_PID) - cpu) / requests
        cursor, pages, seen = None, 0, 0
        while pages < requests:
            params = {"cursor": cursor} if cursor else {}
            took, _, body = await timed_get(http, url, headers=headers, params=params)
            data = json.loads(body)
            walked.append(took)
            seen += len(data["handoffs"])
            pages += 1
            cursor = data["next_cursor"]
            if cursor is None:
                cursor, seen = None, 0
        await cookie_login(http, base)
        for _ in range(3):
            await timed_get(http, base + "/console/queue")
        cpu = cpu_seconds(SERVER_PID)
        for _ in range(requests):
            took, _, body = await timed_get(http, base + "/console/queue")
            shown = len(re.findall(r'<tr class="lvl-P\d" data-handoff=', body))
            assert shown == min(50, expected_total), shown
            assert f"{expected_total}件中 1–" in body
            page.append(took)
        page_cpu = (cpu_seconds(SERVER_PID) - cpu) / requests
        async with http.get(base + "/console/queue") as r:
            size = len(await r.read())
    return {
        "api_first_page": ms(first),
        "api_by_cursor": ms(walked),
        "page": ms(page),
        "api_server_cpu_ms_per_request": round(api_cpu * 1000, 1),
        "page_server_cpu_ms_per_request": round(page_cpu * 1000, 1),
        "load_average": load_average(),
        "page_bytes": size,
        "rows_per_page": min(50, expected_total),
        "total": expected_total,
    }


def active_total() -> int:
    return count(
        "SELECT COUNT(*) FROM handoff WHERE agency_id = 'jiritsu' "
        "AND state IN ('queued', 'claimed', 'live', 'returned_to_bot')"
    )


# ---------------------------------------------------------------------------- streams


class Listener:
    def __init__(self) -> None:
        self.ready = asyncio.Event()
        self.new_cases: list[float] = []  # perf_counter at each handoff_new
        self.status = 0

    async def follow(self, http: aiohttp.ClientSession, url: str, headers: dict[str, str]) -> None:
        async with http.get(url, headers=headers, timeout=aiohttp.ClientTimeout(total=None)) as r:
            self.status = r.status
            if r.status != 200:
                self.ready.set()
                return
            async for raw in r.content:
                line = raw.decode().strip()
                if line == "event: ready":
                    self.ready.set()
                elif line == "event: handoff_new":
                    self.new_cases.append(time.perf_counter())


class WidgetResident:
    """A resident in the widget over HTTP, skipping what they like up to consent."""

    def __init__(self, http: aiohttp.ClientSession, base: str, session: str) -> None:
        self.http, self.base, self.session = http, base, session
        self.codes: list[str] = []
        self.turns: list[float] = []
        self.failed = 0

    async def send(self, **payload: Any) -> None:
        started = time.perf_counter()
        async with self.http.post(
            self.base + "/api/chat/send", json=payload, headers={"X-Tobira-Session": self.session}
        ) as r:
            body = await r.json(content_type=None)
            if r.status != 200 or not body.get("messages"):
                self.failed += 1
                return
        self.turns.append(time.perf_counter() - started)
        self.codes = [o["code"] for o in body.get("options", [])]
        await asyncio.sleep(random.uniform(0.2, 0.6))  # reading and typing, a little

    def question(self) -> str | None:
        return next((c.split(":")[1] for c in self.codes if c.startswith("a:")), None)

    async def hand_off(self) -> float:
        """Up to consent; returns when the consent was sent (perf_counter)."""
        await self.send(event="follow")
        await self.send(text="息子のことで相談したいです")
        for _ in range(40):
            if self.question() == "summary":
                break
            if "u:skip" in self.codes:
                await self.send(code="u:skip")
            elif "m:done" in self.codes:
                await self.send(code="m:done")
            elif self.codes:
                await self.send(code=next(c for c in self.codes if c.startswith("a:")))
            else:
                await self.send(text="はい")
        await self.send(code="a:summary:ok")
        sent = time.perf_counter()
        await self.send(code="a:consent:agree")
        return sent


def widget_sessions(n: int) -> list[str]:
    """Residents who opened the widget before: their conversations exist (seeded)."""
    from bot.crypto import Keys

    keys = Keys(SECRET.encode())
    sessions = [f"bench-widget-{i:05d}-abcdefghij" for i in range(n)]
    with psycopg.connect(DB_URL) as conn, conn.cursor() as cur:
        cur.executemany(
            "INSERT INTO conversation (id, key_hash, channel, locale, created_at, "
            "last_active_at, crisis_flags, turn_count) VALUES (md5(%s), %s, 'web', 'ja', "
            "now(), now(), '', 0) ON CONFLICT DO NOTHING",
            [(s, keys.lookup_hash("web", s)) for s in sessions],
        )
    return sessions


async def streams_figures(base: str, streams: int, residents: int) -> dict[str, Any]:
    consoles, widgets = streams // 2, streams - streams // 2
    sessions = widget_sessions(widgets)
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as http:
        headers = await bearer(http, base)
        listeners = [Listener() for _ in range(streams)]
        wanted = [(base + "/api/console/events", headers)] * consoles + [
            (base + "/api/chat/events", {"X-Tobira-Session": s}) for s in sessions
        ]
        opened = time.perf_counter()
        tasks = [
            asyncio.create_task(li.follow(http, url, h))
            for li, (url, h) in zip(listeners, wanted, strict=True)
        ]
        await asyncio.wait_for(asyncio.gather(*(li.ready.wait() for li in listeners)), 120)
        open_s = time.perf_counter() - opened
        statuses = [li.status for li in listeners]
        people = [
            WidgetResident(http, base, f"bench-resident-{i:04d}-abcdefghij")
            for i in range(residents)
        ]
        consent_at = await asyncio.gather(*(p.hand_off() for p in people))
        await asyncio.sleep(2.0)  # late arrivals still count, as late
        delays: list[float] = []
        missing = 0
        for li in listeners[:consoles]:
            for sent in consent_at:
                after = [t - sent for t in li.new_cases if t >= sent]
                if after:
                    delays.append(min(after))
                else:
                    missing += 1
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    turns = [t for p in people for t in p.turns]
    within = sum(1 for d in delays if d <= 1.0)
    return {
        "streams_open": sum(1 for s in statuses if s == 200),
        "streams_refused": sum(1 for s in statuses if s != 200),
        "console_streams": consoles,
        "widget_streams": widgets,
        "seconds_to_open_all": round(open_s, 1),
        "residents": residents,
        "turns_answered": len(turns),
        "turns_failed": sum(p.failed for p in people),
        "turn": ms(turns),
        "new_cases": residents,
        "deliveries_expected": consoles * residents,
        "deliveries_within_1s": within,
        "deliveries_missing": missing,
        "consent_to_console": ms(delays),
        "load_average": load_average(),
    }


# ---------------------------------------------------------------------------- purge


async def purge_figures(first: int, n: int, summary: str) -> dict[str, Any]:
    from bot import erasure
    from bot.city import load_municipality
    from bot.db import Database
    from bot.settings import DEMO_CITY

    seed(first, first + n - 1, summary, age_days=400, handoffs=False)
    conversations = count("SELECT COUNT(*) FROM conversation")
    turns = count("SELECT COUNT(*) FROM turn")
    city = load_municipality(DEMO_CITY)
    now = dt.datetime.now(dt.UTC)
    started = time.perf_counter()
    deleted = await asyncio.to_thread(erasure._purge_off_loop, DB_URL, city, now)
    delete_s = time.perf_counter() - started
    db = Database(DB_URL)
    started = time.perf_counter()
    await erasure.scrub(db, None, vacuum=True)
    vacuum_s = time.perf_counter() - started
    await db.dispose()
    return {
        "expired_seeded": n,
        "deleted": deleted,
        "conversations_before": conversations,
        "conversations_after": count("SELECT COUNT(*) FROM conversation"),
        "turns_deleted": turns - count("SELECT COUNT(*) FROM turn"),
        "seconds_delete": round(delete_s, 2),
        "seconds_vacuum": round(vacuum_s, 2),
        "batch": erasure.BATCH,
        "load_average": load_average(),
    }


# ---------------------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenarios", nargs="*", default=["queue", "streams", "purge"])
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 10000, 50000])
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--streams", type=int, default=500)
    parser.add_argument("--residents", type=int, default=8)
    parser.add_argument("--purge", type=int, default=5000)
    args = parser.parse_args()
    redis.Redis.from_url(REDIS_URL).flushdb()
    fresh_database()
    results: dict[str, Any] = {
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()} {os.cpu_count()} cpu, shared",
    }
    try:
        summary = asyncio.run(prepare())
        seeded = 1
        with server() as base:
            queue: dict[str, Any] = {}
            for size in args.sizes:
                took = seed(seeded + 1, size, summary)
                seeded = size
                if "queue" in args.scenarios:
                    figures = asyncio.run(queue_figures(base, active_total(), args.requests))
                    figures["seed_seconds"] = round(took, 1)
                    queue[str(size)] = figures
                    print(f"queue at {size} conversations:", json.dumps(figures), flush=True)
            results["queue"] = queue
            if "streams" in args.scenarios:
                results["streams"] = asyncio.run(
                    streams_figures(base, args.streams, args.residents)
                )
                print("streams:", json.dumps(results["streams"]), flush=True)
        if "purge" in args.scenarios:
            results["purge"] = asyncio.run(purge_figures(seeded + 1, args.purge, summary))
            print("purge:", json.dumps(results["purge"]), flush=True)
    finally:
        drop_database()
        redis.Redis.from_url(REDIS_URL).flushdb()
    (HERE / "last-results.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
