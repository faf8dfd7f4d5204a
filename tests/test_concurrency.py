"""Turns of one conversation are taken strictly one at a time, with in-process or Redis locks."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import pytest

from bot.messages import Inbound
from tests.conftest import DAYTIME, running_app


async def _burst(app: Any, address: str, n: int) -> list[Any]:
    service = app.state.service
    await service.handle(Inbound("web", address, DAYTIME, event="follow"))
    await service.handle(Inbound("web", address, DAYTIME, code="a:intro:start"))
    await service.handle(Inbound("web", address, DAYTIME, code="a:relationship:self"))
    texts = [f"{i}番目のメッセージです" for i in range(n)]
    return await asyncio.gather(
        *(
            service.handle(Inbound("web", address, DAYTIME + dt.timedelta(seconds=i), text=t))
            for i, t in enumerate(texts)
        )
    )


@pytest.mark.parametrize("with_redis", [False, True])
async def test_a_burst_of_messages_in_one_conversation_is_handled_one_by_one(
    sqlite_url: str, redis_url: str, with_redis: bool
) -> None:
    overrides = {"redis_url": redis_url} if with_redis else {}
    async with running_app(sqlite_url, **overrides) as app:
        replies = await _burst(app, "burst", 12)
        assert all(r.messages for r in replies)
        conversation_id = replies[0].conversation_id
        transcript = await app.state.service.transcript(conversation_id)
        resident = [t for t in transcript if t["role"] == "resident" and t["text"]]
        assert len(resident) == 12
        # every stored turn is whole: each resident turn is followed by the bot's answer to it
        for i, turn in enumerate(transcript):
            if turn["role"] == "resident":
                assert transcript[i + 1]["role"] == "bot", "a turn was interleaved with another"


async def test_different_conversations_do_not_wait_for_each_other(
    sqlite_url: str, redis_url: str
) -> None:
    async with running_app(sqlite_url, redis_url=redis_url) as app:
        service = app.state.service
        replies = await asyncio.gather(
            *(
                service.handle(Inbound("web", f"person-{i}", DAYTIME, event="follow"))
                for i in range(8)
            )
        )
        assert len({r.conversation_id for r in replies}) == 8
        assert await service.conversation_count() == 8
