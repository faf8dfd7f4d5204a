"""Rate limits on the widget's public API (``/api/chat/``): per session, per address, and per
conversation start (new sessions per address), counted in fixed windows in Redis when it is
configured (shared by every worker) and in this process otherwise. A limited caller gets 429 with
a kind message and ``Retry-After``; Redis trouble never refuses a resident (local counts apply).

An ASGI middleware, so the chat routes themselves stay as they are; it reads the session id from
the query (event streams) or from the JSON body of ``/api/chat/send`` (already capped in size by
``bot.edge.BodyLimit``) and hands the body on untouched."""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from prometheus_client import Counter
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.channels.web_cors import SESSION_HEADER as WIDGET_SESSION_HEADER
from flows.locale import t

log = logging.getLogger("tobira.ratelimit")
LIMITED = Counter("tobira_chat_rate_limited_total", "Widget requests refused 429", ["limit"])
PREFIX = "/api/chat/"
SESSION_HEADER = WIDGET_SESSION_HEADER.lower().encode()


@dataclass(frozen=True)
class Limits:
    per_session: int = 30  # requests per minute from one widget session
    per_address: int = 120  # requests per minute from one address
    starts_per_address: int = 20  # new sessions per 10 minutes from one address


class Windows:
    """Fixed-window counters: Redis when given, else (and whenever Redis fails) in memory."""

    def __init__(self, redis: Any = None) -> None:
        self.redis = redis
        self._local: dict[str, int] = {}
        self._window_of_sweep = 0

    async def hit(self, key: str, window: int) -> tuple[int, float]:
        """The count in the current window after this hit, and seconds until it ends."""
        now = time.time()
        index = int(now // window)
        full = f"tobira:rate:{key}:{window}:{index}"
        left = (index + 1) * window - now
        if self.redis is not None:
            try:
                async with self.redis.pipeline(transaction=True) as pipe:
                    pipe.incr(full)
                    pipe.expire(full, window + 1)
                    count, _ = await pipe.execute()
                return int(count), left
            except Exception as exc:
                log.warning(
                    "rate limits: redis unavailable (%s); counting locally", type(exc).__name__
                )
        self._sweep(int(now // 60))
        self._local[full] = self._local.get(full, 0) + 1
        return self._local[full], left

    async def seen(self, key: str, window: int) -> bool:
        """Whether ``key`` was marked in this window (marks it)."""
        count, _ = await self.hit(f"seen:{key}", window)
        return count > 1

    def _sweep(self, minute: int) -> None:
        if minute != self._window_of_sweep:  # drop windows that have ended, once a minute
            self._window_of_sweep = minute
            now = time.time()
            self._local = {
                k: v
                for k, v in self._local.items()
                if (int(k.rsplit(":", 1)[1]) + 1) * int(k.rsplit(":", 2)[1]) > now
            }


class ChatRateLimit:
    def __init__(self, app: ASGIApp, windows: Windows, limits: Limits | None = None) -> None:
        self.app = app
        self.windows = windows
        self.limits = limits or Limits()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(PREFIX):
            await self.app(scope, receive, send)
            return
        address = (scope.get("client") or ("unknown", 0))[0]
        body, receive = await _buffered(scope, receive)
        session = _session_of(scope, body)
        refused = await self._check(address, session)
        if refused is not None:
            LIMITED.labels(refused[0]).inc()
            await _too_many(send, refused[1])
            return
        await self.app(scope, receive, send)

    async def _check(self, address: str, session: str | None) -> tuple[str, float] | None:
        count, left = await self.windows.hit(f"addr:{address}", 60)
        if count > self.limits.per_address:
            return "address", left
        if session is None:
            return None
        count, left = await self.windows.hit(f"session:{session}", 60)
        if count > self.limits.per_session:
            return "session", left
        if not await self.windows.seen(f"start:{session}", 600):
            starts, left = await self.windows.hit(f"starts:{address}", 600)
            if starts > self.limits.starts_per_address:
                return "conversation_start", left
        return None


async def _buffered(scope: Scope, receive: Receive) -> tuple[bytes, Receive]:
    """The request body (for a POST), and a ``receive`` that hands it on unchanged."""
    if scope["method"] != "POST":
        return b"", receive
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            break
    body = b"".join(chunks)
    replayed = False

    async def replay() -> Message:
        nonlocal replayed
        if not replayed:
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return body, replay


def _session_of(scope: Scope, body: bytes) -> str | None:
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    if query.get("session"):
        return query["session"][0][:64]
    if body:
        try:
            data = json.loads(body)
        except (ValueError, RecursionError):
            return None
        session = data.get("session") if isinstance(data, dict) else None
        return session[:64] if isinstance(session, str) else None
    return None


async def _too_many(send: Send, retry_after: float) -> None:
    payload = json.dumps({"error": t("ja", "chat.rate_limited")}, ensure_ascii=False).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 429,
            "headers": [
                (b"content-type", b"application/json; charset=utf-8"),
                (b"retry-after", str(max(1, int(retry_after + 0.999))).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})
