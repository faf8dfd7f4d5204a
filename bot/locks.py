"""Per-conversation locks: turns of one conversation run strictly one at a time.

In-process asyncio locks for one worker; a Redis lock when TOBIRA_REDIS_URL is set, so that
several workers on several hosts still take one conversation's turns in order."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Protocol

from redis.asyncio import Redis


class Locks(Protocol):
    def hold(self, key: str) -> contextlib.AbstractAsyncContextManager[None]: ...


class LocalLocks:
    def __init__(self) -> None:
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}

    @contextlib.asynccontextmanager
    async def hold(self, key: str) -> AsyncIterator[None]:
        lock, users = self._locks.get(key, (asyncio.Lock(), 0))
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[key]
            if users <= 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)


class RedisLocks:
    def __init__(self, redis: Redis, timeout: float = 30.0) -> None:
        self._redis = redis
        self._timeout = timeout

    @contextlib.asynccontextmanager
    async def hold(self, key: str) -> AsyncIterator[None]:
        lock = self._redis.lock(
            f"tobira:lock:{key}", timeout=self._timeout, blocking_timeout=self._timeout
        )
        acquired = await lock.acquire()
        if not acquired:
            raise TimeoutError("conversation lock not acquired")
        try:
            yield
        finally:
            with contextlib.suppress(Exception):
                await lock.release()
