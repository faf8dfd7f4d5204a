"""Live updates (queue changes, chat messages) fanned out to consoles and widgets.

In-process queues for one worker; Redis pub/sub when Redis is configured, so a caseworker on one
worker sees what arrived on another. Events carry ids, codes and redacted text only."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from typing import Any

from redis.asyncio import Redis


class LiveHub:
    def __init__(self, redis: Redis | None = None) -> None:
        self._redis = redis
        self._local: dict[str, set[asyncio.Queue[dict[str, Any]]]] = {}

    async def publish(self, topic: str, event: dict[str, Any]) -> None:
        if self._redis is not None:
            await self._redis.publish(f"tobira:live:{topic}", json.dumps(event, ensure_ascii=False))
            return
        for queue in list(self._local.get(topic, ())):
            queue.put_nowait(event)

    @contextlib.asynccontextmanager
    async def subscribe(self, topic: str) -> AsyncIterator[asyncio.Queue[dict[str, Any]]]:
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue(maxsize=1000)
        if self._redis is None:
            self._local.setdefault(topic, set()).add(queue)
            try:
                yield queue
            finally:
                self._local[topic].discard(queue)
            return
        pubsub = self._redis.pubsub()
        await pubsub.subscribe(f"tobira:live:{topic}")

        async def pump() -> None:
            async for message in pubsub.listen():
                if message.get("type") == "message":
                    data = message["data"]
                    queue.put_nowait(json.loads(data if isinstance(data, str) else data.decode()))

        task = asyncio.create_task(pump())
        try:
            yield queue
        finally:
            task.cancel()
            with contextlib.suppress(BaseException):
                await task
            with contextlib.suppress(Exception):
                await pubsub.unsubscribe()
                await pubsub.aclose()
