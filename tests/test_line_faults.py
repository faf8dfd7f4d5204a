"""Faults at the LINE front door, with `tobira` server processes on PostgreSQL and Redis and the
fake LINE platform: a worker killed with SIGKILL, a worker stopped with SIGTERM while events
wait, PostgreSQL and Redis stopped and started again, LINE answering 429 and 500 for a while.
Residents each write a numbered sequence; whatever LINE did not get a 200 for it delivers again,
as LINE does. After each fault: nothing LINE got a 200 for is lost, nothing is stored or
answered twice, each resident's answers and stored turns keep the order they wrote in, and each
conversation goes on (a message after the fault is answered).
(The fuller runs, 32 residents with redeliveries, are benchmarks/faults.)"""

from __future__ import annotations

import datetime as dt
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest

from benchmarks.faults.infra import Postgres, Redis
from bot.crypto import Keys
from tests.conftest import REPO, fresh_pg_database
from tests.fakeline import FakeLine, follow_event, text_event
from tests.test_line import SECRET, TOKEN

RESIDENTS = 8
MESSAGES = 5
WORDS = ["こんにちは", "息子のことで", "はい", "わからない", "もう少し"]
SECRET_KEY = "x" * 32


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Worker:
    proc: subprocess.Popen[bytes]
    url: str


def _serve(db_url: str, redis_url: str, fake: FakeLine, tmp_path: Path, name: str) -> Worker:
    port = _free_port()
    env = os.environ | {
        "TOBIRA_DATABASE_URL": db_url,
        "TOBIRA_REDIS_URL": redis_url,
        "TOBIRA_SECRET_KEY": SECRET_KEY,
        "TOBIRA_LINE_API_BASE": fake.url,
        "LINE_CHANNEL_SECRET": SECRET,
        "LINE_CHANNEL_ACCESS_TOKEN": TOKEN,
        "TOBIRA_LOG_LEVEL": "WARNING",
    }
    log = (tmp_path / f"{name}.log").open("ab")
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "serve", "--port", str(port)],
        env=env,
        cwd=REPO,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 120
    while True:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2).status_code == 200:
                return Worker(proc, f"http://127.0.0.1:{port}")
        except httpx.TransportError:
            pass
        assert proc.poll() is None, (tmp_path / f"{name}.log").read_text()
        assert time.monotonic() < deadline, "a worker never came up"
        time.sleep(0.3)


def _stop(*workers: Worker) -> None:
    for w in workers:
        if w.proc.poll() is None:
            w.proc.terminate()
            w.proc.wait(timeout=30)


@pytest.fixture
def fake() -> Any:
    with FakeLine(access_token=TOKEN, channel_secret=SECRET) as platform:
        yield platform


@dataclass
class Stream:
    """What LINE sent: each resident's events in order (by reply token), each taken in once."""

    fake: FakeLine
    workers: list[Worker]
    sent: dict[str, list[dict[str, Any]]]

    def deliver(self, event: dict[str, Any], first: int) -> None:
        """Post until a worker answers 200, flagged as a redelivery after the first try."""
        for attempt in range(120):
            worker = self.workers[(first + attempt) % len(self.workers)]
            if attempt:
                event = dict(event, deliveryContext={"isRedelivery": True})
            body, sig = self.fake.webhook([event])
            try:
                status = httpx.post(
                    f"{worker.url}/line/webhook",
                    content=body,
                    headers={"X-Line-Signature": sig},
                    timeout=10,
                ).status_code
            except httpx.TransportError:
                status = 0
            if status == 200:
                return
            time.sleep(0.5)
        raise AssertionError("no worker took the event in for a minute")

    def step(self, index: int) -> None:
        """Each resident's next event: a follow first, then texts."""
        for i, user in enumerate(self.sent):
            if index == 0:
                event = follow_event(user)
            else:
                event = text_event(user, WORDS[(index - 1) % len(WORDS)])
            self.sent[user].append(event)
            self.deliver(event, i + index)

    def answered(self, timeout: float = 90) -> None:
        total = sum(len(events) for events in self.sent.values())
        deadline = time.monotonic() + timeout
        while len(self.fake.delivered) < total and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(1.0)  # anything answered twice would arrive now

    def faults(self, db_url: str) -> tuple[int, int, int]:
        """(lost, duplicated, out of order): by the answers LINE received and the turns stored."""
        owner = {e["replyToken"]: u for u, events in self.sent.items() for e in events}
        delivered = self.fake.delivered
        tokens = Counter(c.reply_token for c in delivered)
        pushes = Counter(c.to for c in delivered if c.to)
        stored = _stored(db_url)
        keys = Keys(SECRET_KEY.encode())
        lost = duplicated = out_of_order = 0
        for user, events in self.sent.items():
            mine = [e["replyToken"] for e in events]
            got = sum(1 for t in mine if tokens[t]) + pushes[user]
            lost += max(0, len(mine) - got)
            duplicated += max(0, got - len(mine))
            answered = [c.reply_token for c in delivered if owner.get(c.reply_token or "") == user]
            out_of_order += int(answered != [t for t in mine if t in answered])
            times = stored.get(keys.lookup_hash("line", user), [])
            texts = [e["timestamp"] for e in events if e["type"] == "message"]
            lost += len(set(texts) - set(times))
            duplicated += len(times) - len(set(times))
            out_of_order += int(times != sorted(times))
        return lost, duplicated, out_of_order

    def carries_on(self) -> None:
        """A message after the fault gets its answer, in every conversation."""
        self.step(MESSAGES + 1)
        self.answered()


def _stored(db_url: str) -> dict[str, list[int]]:
    """The resident turns stored, per conversation key, as event times (ms) in their order."""
    conninfo = db_url.replace("postgresql+psycopg", "postgresql")
    with psycopg.connect(conninfo) as conn:
        rows = conn.execute(
            "SELECT c.key_hash, t.at FROM turn t JOIN conversation c ON c.id = t.conversation_id "
            "WHERE t.role = 'resident' ORDER BY c.key_hash, t.seq"
        ).fetchall()
    found: dict[str, list[int]] = {}
    for key, at in rows:
        at = at if at.tzinfo else at.replace(tzinfo=dt.UTC)
        found.setdefault(key, []).append(round(at.timestamp() * 1000))
    return found


def _run(
    fake: FakeLine, workers: list[Worker], db_url: str, tag: str, fault: Callable[[], None]
) -> Stream:
    """Follow and MESSAGES texts per resident, the fault halfway (what it starts in the
    background goes on while residents write), then the counts."""
    stream = Stream(fake, workers, {f"U{tag}{i:02d}": [] for i in range(RESIDENTS)})
    for index in range(MESSAGES + 1):
        if index == MESSAGES // 2:
            fault()
        stream.step(index)
        time.sleep(0.3)
    for timer in threading.enumerate():
        if isinstance(timer, threading.Timer):
            timer.join(30)
    stream.answered()
    assert stream.faults(db_url) == (0, 0, 0)
    stream.carries_on()
    assert stream.faults(db_url) == (0, 0, 0)
    return stream


@pytest.fixture
def pg_db(pg_server: str) -> Iterator[str]:
    with fresh_pg_database(pg_server) as url:
        yield url


def test_a_worker_killed_mid_stream_loses_duplicates_and_reorders_nothing(
    pg_db: str, redis_url: str, fake: FakeLine, tmp_path: Path
) -> None:
    a = _serve(pg_db, redis_url, fake, tmp_path, "a")
    b = _serve(pg_db, redis_url, fake, tmp_path, "b")
    try:

        def kill() -> None:
            a.proc.send_signal(signal.SIGKILL)  # mid-stream, holding residents
            a.proc.wait(timeout=10)

        _run(fake, [a, b], pg_db, "kill", kill)  # LINE's posts to a fail and go to b
    finally:
        _stop(a, b)


def test_a_worker_stopped_with_a_backlog_hands_it_over(
    pg_db: str, redis_url: str, fake: FakeLine, tmp_path: Path
) -> None:
    fake.latency = 0.3  # answers take a while: each resident's next events wait in the inbox
    a = _serve(pg_db, redis_url, fake, tmp_path, "a")
    b = _serve(pg_db, redis_url, fake, tmp_path, "b")
    try:
        backlog: list[int] = []

        def stop() -> None:
            with psycopg.connect(pg_db.replace("postgresql+psycopg", "postgresql")) as conn:
                row = conn.execute("SELECT count(*) FROM inbox").fetchone()
                backlog.append(int(row[0]) if row else 0)
            a.proc.send_signal(signal.SIGTERM)  # graceful: finishes its turns, hands back
            a.proc.wait(timeout=60)

        _run(fake, [a, b], pg_db, "term", stop)
        assert backlog[0] > 0  # it did stop with events waiting
    finally:
        _stop(a, b)


def test_postgresql_stopped_and_started_again_loses_nothing(
    redis_url: str, fake: FakeLine, tmp_path: Path
) -> None:
    fake.latency = 0.3  # turns are under way when PostgreSQL goes
    pg = Postgres(port=_free_port())
    try:
        db_url = pg.fresh_database()
        a = _serve(db_url, redis_url, fake, tmp_path, "a")
        try:

            def blink() -> None:
                # longer than a worker's own retries of its inbox writes (≈ 3 s): a resident
                # whose release failed meanwhile must still be taken up again
                pg.stop("fast")  # webhooks get 503 meanwhile, and LINE sends them again
                threading.Timer(4.0, pg.start).start()

            _run(fake, [a], db_url, "pg", blink)
        finally:
            _stop(a)
    finally:
        pg.destroy()


def test_redis_stopped_and_started_again_loses_nothing(
    pg_db: str, fake: FakeLine, tmp_path: Path
) -> None:
    redis = Redis(port=_free_port())
    try:
        a = _serve(pg_db, redis.url, fake, tmp_path, "a")
        try:

            def blink() -> None:
                redis.stop()  # turns cannot take their lock: retried from the inbox
                threading.Timer(2.0, redis.start).start()

            _run(fake, [a], pg_db, "redis", blink)
        finally:
            _stop(a)
    finally:
        redis.stop()


def test_line_answering_429_then_500_for_a_while_loses_nothing(
    pg_db: str, redis_url: str, fake: FakeLine, tmp_path: Path
) -> None:
    a = _serve(pg_db, redis_url, fake, tmp_path, "a")
    try:

        def spells() -> None:
            fake.fail_for(1.5, 429)
            threading.Timer(1.5, fake.fail_for, (1.5, 500)).start()

        _run(fake, [a], pg_db, "spell", spells)
        assert fake.calls_to("/v2/bot/message/reply", status=429)
        assert fake.calls_to("/v2/bot/message/reply", status=500)
    finally:
        _stop(a)
