"""Rate limits on the widget's public API: one session, one address, or one address opening
conversation after conversation gets a kind 429; everyone else carries on. With Redis the counts
are shared by every worker."""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import AsyncIterator
from typing import Any

import httpx

from tests.conftest import running_app

LIMITS = {"chat_rate_per_session": 4, "chat_rate_per_address": 12, "chat_starts_per_address": 3}


def new_session() -> str:
    return secrets.token_urlsafe(16)


@contextlib.asynccontextmanager
async def widget(app: Any, address: str) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, client=(address, 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        yield client


async def say(client: httpx.AsyncClient, session: str, text: str = "こんにちは") -> httpx.Response:
    return await client.post("/api/chat/send", json={"session": session, "text": text})


def kind_429(response: httpx.Response) -> None:
    assert response.status_code == 429
    assert "少し時間をおいて" in response.json()["error"]
    assert int(response.headers["retry-after"]) >= 1


async def test_one_session_sending_too_fast_is_asked_to_pause(sqlite_url: str) -> None:
    async with running_app(sqlite_url, **LIMITS) as app, widget(app, "192.0.2.1") as client:
        mine = new_session()
        for _ in range(4):
            assert (await say(client, mine)).status_code == 200
        kind_429(await say(client, mine))
        assert (await say(client, new_session())).status_code == 200  # another person is fine


async def test_one_address_opening_conversation_after_conversation_is_stopped(
    sqlite_url: str,
) -> None:
    async with running_app(sqlite_url, **LIMITS) as app:
        async with widget(app, "198.51.100.2") as bot:
            for _ in range(3):
                assert (await say(bot, new_session())).status_code == 200
            kind_429(await say(bot, new_session()))
        async with widget(app, "203.0.113.3") as resident:
            assert (await say(resident, new_session())).status_code == 200


async def test_one_address_flooding_event_streams_is_stopped(sqlite_url: str) -> None:
    async with running_app(sqlite_url, **LIMITS) as app, widget(app, "198.51.100.4") as client:
        mine = new_session()
        statuses = [
            (
                await client.get("/api/chat/events", headers={"X-Tobira-Session": f"{mine}{i:02d}"})
            ).status_code
            for i in range(14)
        ]
        assert statuses[:3] == [404, 404, 404]  # no conversation yet: an honest answer
        assert 429 in statuses


async def test_with_redis_the_counts_are_shared_by_every_worker(
    sqlite_url: str, tmp_path: Any, redis_url: str
) -> None:
    other = f"sqlite:///{tmp_path / 'other.db'}"
    async with (
        running_app(sqlite_url, redis_url=redis_url, **LIMITS) as first,
        running_app(other, redis_url=redis_url, **LIMITS) as second,
        widget(first, "192.0.2.9") as a,
        widget(second, "192.0.2.9") as b,
    ):
        mine = new_session()
        for client in (a, b, a, b):
            assert (await say(client, mine)).status_code == 200
        kind_429(await say(b, mine))
