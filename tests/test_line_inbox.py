"""The durable inbox behind the LINE webhook: what LINE got a 200 for is stored first, survives a
stop, is retried when a turn fails, is answered once and in each resident's order however many
workers share the database, and never holds what a resident typed as they typed it."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlmodel import select

from bot import inbox as inbox_module
from bot.app import create_app
from bot.channels import line_intake
from bot.inbox import InboxEvent
from bot.models import Conversation, Turn
from tests.conftest import fresh_pg_database
from tests.fakeline import PUSH, FakeLine, follow_event, postback_event, text_event
from tests.test_line import SECRET, TOKEN, _settings, codes


@pytest.fixture
def fake() -> Any:
    with FakeLine(access_token=TOKEN, channel_secret=SECRET) as platform:
        yield platform


@pytest.fixture
def pg_db_url(pg_server: str) -> Any:
    with fresh_pg_database(pg_server) as url:
        yield url


@contextlib.asynccontextmanager
async def worker(database_url: str, fake: FakeLine) -> AsyncIterator[tuple[FastAPI, Any]]:
    """One tobira process (its own runner, its own worker name) on a shared database."""
    app = create_app(_settings(database_url, fake))
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://t") as client,
    ):
        yield app, client


async def post(client: httpx.AsyncClient, fake: FakeLine, *events: dict[str, Any]) -> int:
    body, sig = fake.webhook(events)
    response = await client.post("/line/webhook", content=body, headers={"X-Line-Signature": sig})
    return response.status_code


async def drained(app: FastAPI, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while await app.state.line.backlog():
        assert time.monotonic() < deadline, "inbox not drained"
        await asyncio.sleep(0.02)


def answers_in_order(fake: FakeLine, owner: dict[str, str], sent: dict[str, list[str]]) -> None:
    """Every event answered exactly once, each resident's in the order they wrote."""
    tokens = [c.reply_token for c in fake.delivered]
    assert len(tokens) == len(set(tokens)), "an event was answered twice"
    for user, expected in sent.items():
        got = [c.reply_token for c in fake.delivered_to(user, owner)]
        assert got == expected, f"{user}: answers lost or out of order"


async def test_what_line_got_a_200_for_survives_a_stop_and_is_answered_after_it(
    db_url: str, fake: FakeLine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(line_intake, "DRAIN_ON_SHUTDOWN", 0.3)
    users = [f"Ustop{i}" for i in range(3)]
    owner: dict[str, str] = {}
    sent: dict[str, list[str]] = {u: [] for u in users}
    async with worker(db_url, fake) as (app, client):
        gate = asyncio.Event()
        real = app.state.service.handle

        async def stuck(inbound: Any) -> Any:  # a deploy arrives while turns are running
            await gate.wait()
            return await real(inbound)

        app.state.service.handle = stuck
        for user in users:
            for event in (follow_event(user), text_event(user, "こんにちは")):
                owner[event["replyToken"]] = user
                sent[user].append(event["replyToken"])
                assert await post(client, fake, event) == 200
        await asyncio.sleep(0.3)
        assert await app.state.line.backlog() == 6
    assert fake.delivered == []  # stopped with everything still to do
    async with worker(db_url, fake) as (app, client):
        await fake.wait_for(lambda f: len(f.delivered) >= 6, timeout=30)
        await drained(app)
    answers_in_order(fake, owner, sent)


async def test_two_workers_on_one_database_keep_each_residents_order(
    pg_db_url: str, fake: FakeLine
) -> None:
    users = [f"Utwo{i:02d}" for i in range(8)]
    words = ["こんにちは", "息子のことで", "はい", "わからない"]
    owner: dict[str, str] = {}
    sent: dict[str, list[str]] = {u: [] for u in users}
    async with worker(pg_db_url, fake) as (a, client_a), worker(pg_db_url, fake) as (b, client_b):
        assert a.state.line.inbox.worker != b.state.line.inbox.worker

        async def resident(user: str, index: int) -> None:
            # messages a few ms apart, landing alternately on either worker
            for i, event in enumerate([follow_event(user)] + [text_event(user, w) for w in words]):
                owner[event["replyToken"]] = user
                sent[user].append(event["replyToken"])
                client = client_a if (i + index) % 2 else client_b
                assert await post(client, fake, event) == 200
                await asyncio.sleep(0.005)

        await asyncio.gather(*(resident(u, i) for i, u in enumerate(users)))
        await fake.wait_for(lambda f: len(f.delivered) >= len(users) * 5, timeout=60)
        await drained(a)
        await asyncio.sleep(0.3)
    answers_in_order(fake, owner, sent)
    assert len(fake.delivered) == len(users) * 5


async def test_a_turn_that_fails_is_retried_and_answered_once(
    sqlite_url: str, fake: FakeLine
) -> None:
    async with worker(sqlite_url, fake) as (app, client):
        real = app.state.service.handle
        failures = {"left": 2}

        async def flaky(inbound: Any) -> Any:  # the database or Redis blinks twice
            if failures["left"]:
                failures["left"] -= 1
                raise ConnectionError("storage blinked")
            return await real(inbound)

        app.state.service.handle = flaky
        event = follow_event("Uflaky")
        assert await post(client, fake, event) == 200
        await fake.wait_for(lambda f: len(f.delivered) >= 1, timeout=30)
        await drained(app)
        assert failures["left"] == 0
        assert len(fake.delivered) == 1 and codes(fake.delivered[0])
        assert fake.delivered[0].reply_token == event["replyToken"]


async def test_an_event_that_keeps_failing_is_dead_lettered_visibly(
    sqlite_url: str, fake: FakeLine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(inbox_module, "MAX_ATTEMPTS", 3)
    monkeypatch.setattr(inbox_module, "BACKOFF", (0.05,))
    async with worker(sqlite_url, fake) as (app, client):

        async def broken(inbound: Any) -> Any:
            raise RuntimeError("a bug in one turn")

        app.state.service.handle = broken
        assert await post(client, fake, text_event("Udead", "こんにちは")) == 200
        await fake.wait_for(lambda f: bool(f.pushes), timeout=30)
        # the resident hears they should write again, by push (the turn never answered)
        assert fake.pushes[0].to == "Udead" and "もう一度" in fake.pushes[0].texts[0]
        async with app.state.db.session() as s:
            rows = list((await s.exec(select(InboxEvent))).all())
        assert [(r.state, r.attempts) for r in rows] == [("dead", 3)]
        assert rows[0].contact_enc is None
        metrics = (await client.get("/metrics")).text
        dead = [ln for ln in metrics.splitlines() if ln.startswith("tobira_inbox_dead_letters")]
        assert dead and float(dead[0].split()[-1]) >= 1
        assert await app.state.line.backlog() == 0  # a dead letter no longer blocks anything
        app.state.service.handle = type(app.state.service).handle.__get__(app.state.service)
        later = text_event("Udead", "こんにちは")
        assert await post(client, fake, later) == 200
        await fake.wait_for(lambda f: any(c.reply_token == later["replyToken"] for c in f.replies))


async def test_raw_text_never_reaches_storage_even_while_it_waits(
    tmp_path: Path, fake: FakeLine
) -> None:
    db = tmp_path / "t.db"
    async with worker(f"sqlite:///{db}", fake) as (app, client):
        gate = asyncio.Event()
        real = app.state.service.handle

        async def stuck(inbound: Any) -> Any:
            await gate.wait()
            return await real(inbound)

        app.state.service.handle = stuck
        raw = "山田太郎です。電話は090-1234-5678、息子のことで相談です"
        assert await post(client, fake, text_event("Uprivate", raw)) == 200
        async with app.state.db.session() as s:
            queued = list((await s.exec(select(InboxEvent))).all())
        assert len(queued) == 1 and queued[0].text and "090-1234-5678" not in queued[0].text
        stored = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("t.db"))
        for secret in ("090-1234-5678", "1234-5678", "山田太郎", "Uprivate"):
            assert secret.encode() not in stored
        gate.set()
        await fake.wait_for(lambda f: len(f.delivered) >= 1, timeout=30)
        await drained(app)
        async with app.state.db.session() as s:
            turns = [t.text or "" for t in (await s.exec(select(Turn))).all()]
            assert (await s.exec(select(InboxEvent))).all() == []  # done: the row is gone
            assert (await s.exec(select(Conversation))).all()
        assert not any("090-1234-5678" in t for t in turns)


async def test_a_crisis_message_while_storage_blinks_still_gets_the_emergency_reply(
    sqlite_url: str, fake: FakeLine
) -> None:
    async with worker(sqlite_url, fake) as (app, client):
        real = app.state.service.handle
        failures = {"left": 1}

        async def blink(inbound: Any) -> Any:
            if failures["left"]:
                failures["left"] -= 1
                raise ConnectionError("redis restarting")
            return await real(inbound)

        app.state.service.handle = blink
        await post(client, fake, follow_event("Ucrisis"))
        await fake.wait_for(lambda f: len(f.delivered) >= 1, timeout=30)
        assert (
            await post(client, fake, text_event("Ucrisis", "もう遺書も書いた。今夜死にます")) == 200
        )
        await fake.wait_for(lambda f: len(f.delivered) >= 2, timeout=30)
        text = "\n".join(fake.delivered[-1].texts)
        assert "119" in text or "110" in text
        assert not [c for c in fake.delivered if "少し時間をおいて" in "".join(c.texts)]
        assert all(c.path != PUSH for c in fake.delivered)


async def test_a_turn_that_fails_after_the_graph_moved_is_retried_from_where_it_was(
    db_url: str, fake: FakeLine
) -> None:
    """The checkpoint and the turn's rows are two writes: when storage fails between them, the
    retry must not apply the same answer to the next question as well."""
    async with worker(db_url, fake) as (app, client):
        turns = app.state.service.turns
        real = turns.append
        failures = {"left": 0}

        async def flaky(*args: Any, **kwargs: Any) -> Any:
            if failures["left"]:
                failures["left"] -= 1
                raise ConnectionError("storage went away after the graph's checkpoint")
            return await real(*args, **kwargs)

        turns.append = flaky
        answers: dict[str, list[str]] = {}
        for user, fail in (("Usteady", 0), ("Ublink", 1)):
            welcome = follow_event(user)
            assert await post(client, fake, welcome) == 200
            await fake.wait_for(lambda f, t=welcome["replyToken"]: t in _tokens(f), timeout=30)
            first = codes(fake.delivered[-1])[0]
            failures["left"] = fail
            answer = postback_event(user, first)
            assert await post(client, fake, answer) == 200
            await fake.wait_for(lambda f, t=answer["replyToken"]: t in _tokens(f), timeout=30)
            await drained(app)
            answers[user] = fake.delivered[-1].texts
        assert failures["left"] == 0
        assert answers["Ublink"] == answers["Usteady"]  # the same next question, asked once
        async with app.state.db.session() as s:
            stored = (await s.exec(select(Turn).where(Turn.role == "resident"))).all()
        assert len(stored) == 2  # one answer each


def _tokens(fake: FakeLine) -> set[str | None]:
    return {c.reply_token for c in fake.delivered}
