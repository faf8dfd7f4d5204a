"""Live updates (queue changes, chat messages) fanned out to consoles and widgets.

In-process queues for one worker; with Redis, each process holds ONE pub/sub connection, subscribed
to the topics its open streams follow, and fans what arrives out to in-memory queues, so a
caseworker on one worker sees what arrived on another. Streams never take connections from the
pool that locks and publishing use: hundreds of open consoles and widgets cannot starve a
resident's turn. The number of open streams per process is capped (``StreamsFull``); the routes
answer it with 503 and ``Retry-After``. Events carry ids, codes and redacted text only."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator
from typing import Any

from redis.asyncio import Redis
from redis.asyncio.client import PubSub

log = logging.getLogger("tobira.live")
PREFIX = "tobira:live:"
QUEUE_SIZE = 1000  # a stream this far behind loses events, never the publisher's time
RETRY_AFTER = 5  # seconds a refused stream is asked to wait


class StreamsFull(RuntimeError):
    """This process already holds its cap of open streams: try again shortly."""


class LiveHub:
    def __init__(self, redis: Redis | None = None, *, max_streams: int = 1000) -> None:
        self._redis = redis
        self.max_streams = max_streams
        self._local: dict[str, set[asyncio.Queue[dict[str, Any]]]] = {}
        self._open = 0
        self._pubsub: PubSub | None = None
        self._subscribed: set[str] = set()
        self._sync = asyncio.Lock()
        self._reader: asyncio.Task[None] | None = None

    @property
    def open_streams(self) -> int:
        return self._open

    @property
    def full(self) -> bool:
        """At the cap: a route answers 503 before starting a stream (``subscribe`` enforces it)."""
        return self._open >= self.max_streams

    async def publish(self, topic: str, event: dict[str, Any]) -> None:
        if self._redis is not None:
            await self._redis.publish(PREFIX + topic, json.dumps(event, ensure_ascii=False))
            return
        self._deliver(topic, event)

    def _deliver(self, topic: str, event: dict[str, Any]) -> None:
        for queue in list(self._local.get(topic, ())):
            with contextlib.suppress(asyncio.QueueFull):
                queue.put_nowait(event)

    @contextlib.asynccontextmanager
    async def subscribe(self, topic: str) -> AsyncIterator[asyncio.Queue[dict[str, Any]]]:
        """A queue of the topic's events while the block runs; ``StreamsFull`` at the cap."""
        if self.full:
            raise StreamsFull(topic)
        self._open += 1
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue(maxsize=QUEUE_SIZE)
        self._local.setdefault(topic, set()).add(queue)
        try:
            if self._redis is not None:
                await self._sync_topics()
            yield queue
        finally:
            self._open -= 1
            subscribers = self._local.get(topic)
            if subscribers is not None:
                subscribers.discard(queue)
                if not subscribers:
                    del self._local[topic]
            if self._redis is not None:
                with contextlib.suppress(Exception):
                    await asyncio.shield(self._sync_topics())

    async def _sync_topics(self) -> None:
        """Bring the one pub/sub connection's subscriptions to the topics streams follow now
        (one at a time: joins and leaves of many streams never interleave their commands)."""
        assert self._redis is not None
        async with self._sync:
            if self._pubsub is None:
                self._pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
            wanted, held = set(self._local), self._subscribed
            join, leave = wanted - held, held - wanted
            if join:
                await self._pubsub.subscribe(*(PREFIX + t for t in join))
                held |= join
            if leave:
                await self._pubsub.unsubscribe(*(PREFIX + t for t in leave))
                held -= leave
            if self._reader is None or self._reader.done():
                self._reader = asyncio.create_task(self._read(self._pubsub))

    async def _read(self, pubsub: PubSub) -> None:
        """The one reader: every message on the connection goes to the local queues. It ends
        when no stream follows anything (``_sync_topics`` starts another with the next one)."""
        while pubsub.subscribed:
            try:
                message = await pubsub.get_message(timeout=1.0)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # Redis restarted: redis-py reconnects and resubscribes
                log.warning("live: pub/sub read failed (%s); retrying", type(exc).__name__)
                await asyncio.sleep(1.0)
                continue
            if not message or message.get("type") != "message":
                continue
            channel, data = message["channel"], message["data"]
            channel = channel.decode() if isinstance(channel, bytes) else str(channel)
            try:
                event = json.loads(data if isinstance(data, str) else data.decode())
            except ValueError:
                continue
            self._deliver(channel.removeprefix(PREFIX), event)

    async def close(self) -> None:
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(BaseException):
                await self._reader
        if self._pubsub is not None:
            with contextlib.suppress(Exception):
                await self._pubsub.aclose()
