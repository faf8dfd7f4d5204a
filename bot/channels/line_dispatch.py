"""Keyed dispatch into a bounded pool of workers: one key's jobs run one at a time in arrival
order; different keys run in parallel; the total backlog is bounded.

A key is "ready" (in the ready queue) exactly when it has pending jobs and no worker holds it,
so a key is never processed by two workers at once. After each job the worker hands the key back
to the end of the ready queue, so one busy resident cannot starve the others."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, TypeVar

log = logging.getLogger(__name__)

J = TypeVar("J")


class KeyedDispatcher(Generic[J]):
    def __init__(
        self,
        handle: Callable[[J], Awaitable[None]],
        workers: int,
        max_pending: int = 10_000,
        name: str = "dispatch",
    ) -> None:
        self._handle = handle
        self._workers = workers
        self._max_pending = max_pending
        self._name = name
        self._pending: dict[Hashable, deque[J]] = {}
        self._ready: asyncio.Queue[Hashable] = asyncio.Queue()
        self._tasks: list[asyncio.Task[None]] = []
        self._count = 0
        self._idle = asyncio.Event()
        self._idle.set()

    @property
    def pending(self) -> int:
        """Jobs accepted and not yet finished (including the ones running)."""
        return self._count

    def has(self, key: Hashable) -> bool:
        """Whether ``key`` has jobs queued or running."""
        return key in self._pending

    def submit(self, key: Hashable, job: J) -> bool:
        """Queue ``job`` behind ``key``'s earlier jobs; False when the backlog is full."""
        if self._count >= self._max_pending:
            return False
        self._count += 1
        self._idle.clear()
        queue = self._pending.get(key)
        if queue is None:
            self._pending[key] = deque([job])
            self._ready.put_nowait(key)
        else:
            queue.append(job)
        return True

    def start(self) -> None:
        for i in range(self._workers):
            self._tasks.append(asyncio.create_task(self._work(), name=f"{self._name}-{i}"))

    async def drain(self, timeout: float) -> bool:
        """Wait until every accepted job has run (True) or ``timeout`` passes (False)."""
        try:
            await asyncio.wait_for(self._idle.wait(), timeout)
            return True
        except TimeoutError:
            return False

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks.clear()

    async def _work(self) -> None:
        while True:
            key = await self._ready.get()
            queue = self._pending[key]
            job = queue[0]  # stays queued while it runs, so new jobs for this key line up behind
            try:
                await self._handle(job)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # a job's failure must not stop the worker
                log.error("%s: job failed: %s", self._name, type(exc).__name__)
            finally:
                queue.popleft()
                self._count -= 1
                if queue:
                    self._ready.put_nowait(key)
                else:
                    del self._pending[key]
                if self._count == 0:
                    self._idle.set()
