"""A worker killed with SIGKILL while it holds residents: two `tobira serve` processes on one
PostgreSQL database and Redis, residents writing to both; one is killed mid-stream and LINE's
traffic goes on to the other. Nothing LINE got a 200 for is lost, nothing is answered twice,
and each resident's answers and stored turns keep the order they wrote in.
(The fuller runs, with restarts of Redis and PostgreSQL and LINE outages, are benchmarks/faults.)"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest

from tests.conftest import REPO, fresh_pg_database
from tests.fakeline import FakeLine, follow_event, text_event
from tests.test_line import SECRET, TOKEN

RESIDENTS = 8
PER_RESIDENT = 6
WORDS = ["こんにちは", "息子のことで", "はい", "わからない", "もう少し"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(db_url: str, redis_url: str, fake: FakeLine, tmp_path: Path, name: str) -> Any:
    port = _free_port()
    env = os.environ | {
        "TOBIRA_DATABASE_URL": db_url,
        "TOBIRA_REDIS_URL": redis_url,
        "TOBIRA_SECRET_KEY": "x" * 32,
        "TOBIRA_LINE_API_BASE": fake.url,
        "LINE_CHANNEL_SECRET": SECRET,
        "LINE_CHANNEL_ACCESS_TOKEN": TOKEN,
        "TOBIRA_LOG_LEVEL": "WARNING",
    }
    log = (tmp_path / f"{name}.log").open("wb")
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
                return proc, f"http://127.0.0.1:{port}"
        except httpx.TransportError:
            pass
        assert proc.poll() is None, (tmp_path / f"{name}.log").read_text()
        assert time.monotonic() < deadline, "a worker never came up"
        time.sleep(0.3)


@pytest.fixture
def fake() -> Any:
    with FakeLine(access_token=TOKEN, channel_secret=SECRET) as platform:
        yield platform


def test_a_worker_killed_mid_stream_loses_duplicates_and_reorders_nothing(
    pg_server: str, redis_url: str, fake: FakeLine, tmp_path: Path
) -> None:
    with fresh_pg_database(pg_server) as db_url:
        a, url_a = _serve(db_url, redis_url, fake, tmp_path, "a")
        b, url_b = _serve(db_url, redis_url, fake, tmp_path, "b")
        try:
            owner: dict[str, str] = {}
            sent: dict[str, list[str]] = {f"Ukill{i:02d}": [] for i in range(RESIDENTS)}
            for step in range(PER_RESIDENT):
                if step == PER_RESIDENT // 2:
                    a.send_signal(signal.SIGKILL)  # mid-stream, holding residents
                    a.wait(timeout=10)
                for i, user in enumerate(sent):
                    event = follow_event(user) if step == 0 else text_event(user, WORDS[step - 1])
                    owner[event["replyToken"]] = user
                    target = url_a if (i + step) % 2 and a.poll() is None else url_b
                    body, sig = fake.webhook([event])
                    response = httpx.post(
                        f"{target}/line/webhook",
                        content=body,
                        headers={"X-Line-Signature": sig},
                        timeout=10,
                    )
                    assert response.status_code == 200
                    sent[user].append(event["replyToken"])
                time.sleep(0.05)
            total = RESIDENTS * PER_RESIDENT
            deadline = time.monotonic() + 90  # the killed worker's leases run out after 15 s
            while len(fake.delivered) < total and time.monotonic() < deadline:
                time.sleep(0.2)
            time.sleep(1.0)  # anything answered twice would arrive now
            tokens = [c.reply_token or "" for c in fake.delivered]
            duplicated = len(tokens) - len(set(tokens))
            lost = sum(1 for user in sent for token in sent[user] if token not in tokens)
            out_of_order = sum(
                1
                for user in sent
                if [c.reply_token for c in fake.delivered_to(user, owner)]
                != [t for t in sent[user] if t in tokens]
            )
            assert (lost, duplicated, out_of_order) == (0, 0, 0)
            with psycopg.connect(db_url.replace("postgresql+psycopg", "postgresql")) as conn:
                stored = conn.execute(
                    "SELECT c.id, count(*) FROM turn t JOIN conversation c "
                    "ON c.id = t.conversation_id WHERE t.role = 'resident' GROUP BY c.id"
                ).fetchall()
            assert len(stored) == RESIDENTS
            # each text stored once (the first follow stores only the bot's welcome)
            assert sorted(n for _, n in stored) == [PER_RESIDENT - 1] * RESIDENTS
        finally:
            for proc in (a, b):
                if proc.poll() is None:
                    proc.terminate()
                    proc.wait(timeout=30)
