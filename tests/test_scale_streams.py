"""Open event streams (consoles and widgets) never cost a resident their turn: each process holds
one pub/sub connection for all its streams, the locks have their own pool, and past the cap on
open streams a new one is told to come back later (503, Retry-After, a kind message)."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import uvicorn

from bot.app import create_app
from bot.messages import Inbound
from flows.locale import t
from tests.conftest import DAYTIME, make_settings
from tests.test_console import add_staff, hand_off, token_for

SESSIONS = [f"widget-session-{i:04d}-abcdefgh" for i in range(40)]


@contextlib.asynccontextmanager
async def served(database_url: str, **overrides: Any) -> AsyncIterator[tuple[Any, str]]:
    """The real app behind a real HTTP server on loopback (streams need a real connection)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    app = create_app(make_settings(database_url, **overrides))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    task = asyncio.create_task(server.serve())
    try:
        while not server.started:
            await asyncio.sleep(0.02)
        yield app, f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        server.force_exit = True  # open streams would hold the shutdown
        await task


class Stream:
    """One open event stream: the names of the events it has received, in order."""

    def __init__(self) -> None:
        self.events: list[str] = []
        self.ready = asyncio.Event()
        self.status: int | None = None

    async def follow(self, client: httpx.AsyncClient, url: str, headers: dict[str, str]) -> None:
        async with client.stream("GET", url, headers=headers) as r:
            self.status = r.status_code
            if r.status_code != 200:
                self.ready.set()
                return
            async for line in r.aiter_lines():
                if line.startswith("event:"):
                    self.events.append(line.split(":", 1)[1].strip())
                    self.ready.set()


async def open_streams(
    client: httpx.AsyncClient, wanted: list[tuple[str, dict[str, str]]]
) -> tuple[list[Stream], list[asyncio.Task[None]]]:
    streams = [Stream() for _ in wanted]
    tasks = [
        asyncio.create_task(s.follow(client, url, headers))
        for s, (url, headers) in zip(streams, wanted, strict=True)
    ]
    await asyncio.wait_for(asyncio.gather(*(s.ready.wait() for s in streams)), 30)
    return streams, tasks


async def close_streams(tasks: list[asyncio.Task[None]]) -> None:
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


async def until_closed(app: Any, left: int) -> None:
    for _ in range(200):
        if app.state.live.open_streams <= left:
            return
        await asyncio.sleep(0.05)
    assert app.state.live.open_streams <= left


async def start_widget(app: Any, session: str) -> None:
    """A resident opens the widget: its conversation exists, so its event stream may open."""
    reply = await app.state.service.handle(Inbound("web", session, DAYTIME, event="follow"))
    assert reply.messages


async def test_more_streams_than_redis_connections_and_every_resident_still_gets_answers(
    sqlite_url: str, redis_url: str
) -> None:
    async with served(
        sqlite_url, redis_url=redis_url, redis_connections=3, redis_lock_connections=2
    ) as (app, base):
        await add_staff(app, "sato")
        for session in SESSIONS[:10]:
            await start_widget(app, session)
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:
            headers = await token_for(client, "sato")
            wanted = [("/api/console/events", headers)] * 12 + [
                ("/api/chat/events", {"X-Tobira-Session": s}) for s in SESSIONS[:10]
            ]
            streams, tasks = await open_streams(client, wanted)
            try:
                assert all(s.status == 200 and s.events == ["ready"] for s in streams)
                # 22 streams open on a pool of 3: three residents hand off, all at once
                cases = await asyncio.gather(
                    *(hand_off(app, f"resident-{i}") for i in range(3)),
                    *(
                        app.state.service.handle(Inbound("web", s, DAYTIME, text="こんにちは"))
                        for s in SESSIONS[:10]
                    ),
                )
                assert all(case is not None for case in cases)
                consoles = streams[:12]
                for _ in range(100):  # each open console hears of every new case
                    if all(s.events.count("handoff_new") == 3 for s in consoles):
                        break
                    await asyncio.sleep(0.05)
                assert [s.events.count("handoff_new") for s in consoles] == [3] * 12
            finally:
                await close_streams(tasks)
        await until_closed(app, 0)


@pytest.mark.parametrize("with_redis", [False, True])
async def test_past_the_stream_cap_a_new_stream_is_asked_to_come_back_later(
    sqlite_url: str, redis_url: str, with_redis: bool
) -> None:
    overrides: dict[str, Any] = {"live_streams": 3}
    if with_redis:
        overrides["redis_url"] = redis_url
    async with served(sqlite_url, **overrides) as (app, base):
        await add_staff(app, "sato")
        await start_widget(app, SESSIONS[0])
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:
            headers = await token_for(client, "sato")
            held, tasks = await open_streams(client, [("/api/console/events", headers)] * 3)
            assert [s.status for s in held] == [200] * 3
            try:
                refused = await client.get("/api/console/events", headers=headers)
                assert refused.status_code == 503 and int(refused.headers["Retry-After"]) > 0
                assert "しばらくして" in refused.json()["detail"]
                widget = await client.get(
                    "/api/chat/events", headers={"X-Tobira-Session": SESSIONS[0]}
                )
                assert widget.status_code == 503 and int(widget.headers["Retry-After"]) > 0
                assert widget.json() == {"error": t("ja", "chat.streams_busy")}
                # the resident's own turn is answered as ever
                sent = await client.post(
                    "/api/chat/send",
                    json={"text": "こんにちは"},
                    headers={"X-Tobira-Session": SESSIONS[0]},
                )
                assert sent.status_code == 200 and sent.json()["messages"]
            finally:
                await close_streams(tasks[:1])
            await until_closed(app, 2)  # a closed stream frees its place
            again, more = await open_streams(
                client, [("/api/chat/events", {"X-Tobira-Session": SESSIONS[0]})]
            )
            assert again[0].status == 200 and again[0].events == ["ready"]
            await close_streams(tasks[1:] + more)
