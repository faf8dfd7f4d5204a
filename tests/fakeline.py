"""A fake LINE platform on loopback: the only fake in tobira's tests (the network boundary).

It is a real HTTP server (aiohttp, in a background thread with its own event loop) that answers
the Messaging API endpoints tobira calls, records every request with its headers, validates
messages against LINE's limits the way LINE does (400 with details), and can be told to answer
429/500 for the next N calls. It also builds webhook bodies exactly as LINE sends them and signs
them with the channel secret.

    with FakeLine(access_token="t", channel_secret="s") as fake:
        app = create_app(Settings(line_api_base=fake.url, ...))
        body, sig = fake.webhook([text_event("U1", "hello")])

Run it as a separate process for benchmarks: ``python -m tests.fakeline --port 8790``; the
benchmark then reads ``GET /__fake/calls`` and waits with ``GET /__fake/wait?reply_token=...``.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import hashlib
import hmac
import itertools
import json
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web

REPLY = "/v2/bot/message/reply"
PUSH = "/v2/bot/message/push"
LOADING = "/v2/bot/chat/loading/start"
BOT_INFO = "/v2/bot/info"
WEBHOOK_ENDPOINT = "/v2/bot/channel/webhook/endpoint"
WEBHOOK_TEST = "/v2/bot/channel/webhook/test"
LEAVE_GROUP = "/v2/bot/group/{chat_id}/leave"
LEAVE_ROOM = "/v2/bot/room/{chat_id}/leave"
BOT_USER_ID = "Ubot0000000000000000000000000000"


@dataclass
class Call:
    """One request the fake platform received."""

    method: str
    path: str
    headers: dict[str, str]  # lower-case names
    body: Any
    at: float  # time.time() when it arrived
    status: int = 200

    @property
    def texts(self) -> list[str]:
        return [m.get("text", "") for m in (self.body or {}).get("messages", [])]

    @property
    def quick_replies(self) -> list[dict[str, Any]]:
        """The quick-reply actions on the last message (what the resident can tap next)."""
        messages = (self.body or {}).get("messages", [])
        if not messages:
            return []
        items = (messages[-1].get("quickReply") or {}).get("items", [])
        return [item["action"] for item in items]

    @property
    def to(self) -> str | None:
        return (self.body or {}).get("to")

    @property
    def reply_token(self) -> str | None:
        return (self.body or {}).get("replyToken")


@dataclass
class _Failure:
    status: int
    path: str | None
    remaining: int
    retry_after: int | None = None
    until: float | None = None  # a spell: every call fails until this time.time()

    def live(self) -> bool:
        if self.until is not None:
            return time.time() < self.until
        return self.remaining > 0


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@dataclass
class FakeLine:
    access_token: str = "fake-token"
    channel_secret: str = "fake-secret"
    host: str = "127.0.0.1"
    port: int = 0
    webhook_endpoint: str = "https://tobira.example.jp/line/webhook"
    webhook_active: bool = True
    chat_mode: str = "bot"
    latency: float = 0.0  # seconds added to every Messaging API answer
    calls: list[Call] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._failures: list[_Failure] = []
        self._used_tokens: set[str] = set()
        self._expired_tokens: set[str] = set()
        self._retry_keys: dict[str, str] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self._arrived: asyncio.Condition | None = None
        self._ids = itertools.count(1)
        self.url = ""

    # ---- life cycle -------------------------------------------------------------------------
    def start(self) -> FakeLine:
        ready = threading.Event()

        def run() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            asyncio.set_event_loop(loop)
            loop.run_until_complete(self._serve())
            ready.set()
            loop.run_forever()
            loop.run_until_complete(self._cleanup())
            loop.close()

        self._thread = threading.Thread(target=run, name="fakeline", daemon=True)
        self._thread.start()
        if not ready.wait(10):
            raise RuntimeError("fake LINE platform did not start")
        return self

    def stop(self) -> None:
        if self._loop is not None and self._thread is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)
            self._loop = None

    def __enter__(self) -> FakeLine:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    async def _serve(self) -> None:
        app = self.make_app()
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        server = site._server
        assert server is not None
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]
        self.url = f"http://{self.host}:{self.port}"

    async def _cleanup(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    # ---- control ----------------------------------------------------------------------------
    def fail_next(
        self, n: int = 1, status: int = 429, path: str | None = None, retry_after: int | None = None
    ) -> None:
        """Answer the next ``n`` calls (to ``path``, or to any Messaging API path) with ``status``."""
        with self._lock:
            self._failures.append(_Failure(status, path, n, retry_after))

    def fail_for(
        self,
        seconds: float,
        status: int = 429,
        path: str | None = None,
        retry_after: int | None = None,
    ) -> None:
        """A spell: answer every call (to ``path``, or any Messaging API path) with ``status``
        for the next ``seconds``."""
        with self._lock:
            self._failures.append(_Failure(status, path, 0, retry_after, time.time() + seconds))

    def expire_token(self, token: str) -> None:
        with self._lock:
            self._expired_tokens.add(token)

    def reset(self) -> None:
        with self._lock:
            self.calls.clear()
            self._failures.clear()

    def calls_to(self, path: str, status: int | None = 200) -> list[Call]:
        with self._lock:
            return [
                c for c in self.calls if c.path == path and (status is None or c.status == status)
            ]

    @property
    def replies(self) -> list[Call]:
        return self.calls_to(REPLY)

    @property
    def pushes(self) -> list[Call]:
        return self.calls_to(PUSH)

    @property
    def delivered(self) -> list[Call]:
        """Accepted replies and pushes, in the order they arrived."""
        with self._lock:
            return [c for c in self.calls if c.path in (REPLY, PUSH) and c.status == 200]

    def delivered_to(self, user_id: str, tokens: dict[str, str] | None = None) -> list[Call]:
        """Accepted replies and pushes for one user (replies are matched by their token's owner)."""
        owner = tokens or {}
        return [
            c
            for c in self.delivered
            if c.to == user_id or owner.get(c.reply_token or "") == user_id
        ]

    async def wait_for(
        self, predicate: Callable[[FakeLine], bool], timeout: float = 10.0, interval: float = 0.01
    ) -> None:
        deadline = time.monotonic() + timeout
        while not predicate(self):
            if time.monotonic() > deadline:
                raise TimeoutError("fake LINE platform: condition not met in time")
            await asyncio.sleep(interval)

    async def wait_delivered(self, n: int, timeout: float = 10.0) -> list[Call]:
        await self.wait_for(lambda f: len(f.delivered) >= n, timeout)
        return self.delivered

    # ---- webhooks as LINE sends them --------------------------------------------------------
    def sign(self, body: bytes) -> str:
        return sign(self.channel_secret, body)

    def webhook(
        self, events: Iterable[dict[str, Any]], destination: str = BOT_USER_ID
    ) -> tuple[bytes, str]:
        body = webhook_body(events, destination)
        return body, self.sign(body)

    # ---- the HTTP side ----------------------------------------------------------------------
    def make_app(self) -> web.Application:
        app = web.Application(client_max_size=2 * 1024 * 1024)
        app.router.add_post(REPLY, self._reply)
        app.router.add_post(PUSH, self._push)
        app.router.add_post(LOADING, self._loading)
        app.router.add_get(BOT_INFO, self._bot_info)
        app.router.add_get(WEBHOOK_ENDPOINT, self._webhook_endpoint)
        app.router.add_post(WEBHOOK_TEST, self._webhook_test)
        app.router.add_post(LEAVE_GROUP, self._leave)
        app.router.add_post(LEAVE_ROOM, self._leave)
        app.router.add_get("/__fake/calls", self._dump_calls)
        app.router.add_get("/__fake/wait", self._wait)
        app.router.add_post("/__fake/reset", self._reset)
        app.router.add_post("/__fake/fail", self._fail)
        return app

    async def _record(self, request: web.Request) -> tuple[Call, web.Response | None]:
        raw = await request.read()
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
        call = Call(
            method=request.method,
            path=request.path,
            headers={k.lower(): v for k, v in request.headers.items()},
            body=body,
            at=time.time(),
        )
        if self.latency:
            await asyncio.sleep(self.latency)
        early: web.Response | None = None
        if request.headers.get("Authorization") != f"Bearer {self.access_token}":
            early = _error(
                401,
                "Authentication failed. Confirm that the access token in the authorization header is valid.",
            )
        else:
            with self._lock:
                for failure in self._failures:
                    if failure.live() and failure.path in (None, request.path):
                        failure.remaining -= 1
                        headers = (
                            {"Retry-After": str(failure.retry_after)}
                            if failure.retry_after
                            else None
                        )
                        message = (
                            "The API rate limit has been exceeded. Try again later."
                            if failure.status == 429
                            else "An error occurred on the server."
                        )
                        early = _error(failure.status, message, headers=headers)
                        break
                self._failures = [f for f in self._failures if f.live()]
        if early is not None:
            call.status = early.status
            with self._lock:
                self.calls.append(call)
        return call, early

    def _finish(self, call: Call, response: web.Response) -> web.Response:
        call.status = response.status
        with self._lock:
            self.calls.append(call)
        if self._arrived is not None:
            asyncio.get_running_loop().create_task(self._notify())
        return response

    async def _notify(self) -> None:
        assert self._arrived is not None
        async with self._arrived:
            self._arrived.notify_all()

    async def _reply(self, request: web.Request) -> web.Response:
        call, early = await self._record(request)
        if early is not None:
            return early
        body = call.body or {}
        problem = _check_messages(body.get("messages"))
        token = body.get("replyToken")
        if not token:
            problem = problem or "The property, 'replyToken', in the request body is invalid"
        if problem:
            return self._finish(call, _error(400, "The request body has 1 error(s)", [problem]))
        with self._lock:
            invalid = token in self._used_tokens or token in self._expired_tokens
            self._used_tokens.add(str(token))
        if invalid:
            return self._finish(call, _error(400, "Invalid reply token"))
        return self._finish(call, web.json_response(self._sent(body)))

    async def _push(self, request: web.Request) -> web.Response:
        call, early = await self._record(request)
        if early is not None:
            return early
        body = call.body or {}
        problem = _check_messages(body.get("messages"))
        if not body.get("to"):
            problem = problem or "The property, 'to', in the request body is invalid"
        if problem:
            return self._finish(call, _error(400, "The request body has 1 error(s)", [problem]))
        key = request.headers.get("X-Line-Retry-Key")
        request_id = uuid.uuid4().hex
        if key:
            with self._lock:
                accepted = self._retry_keys.get(key)
                if accepted is None:
                    self._retry_keys[key] = request_id
            if accepted is not None:
                return self._finish(
                    call,
                    _error(
                        409,
                        "The retry key is already accepted",
                        headers={"x-line-accepted-request-id": accepted},
                    ),
                )
        return self._finish(call, web.json_response(self._sent(body)))

    def _sent(self, body: dict[str, Any]) -> dict[str, Any]:
        return {
            "sentMessages": [
                {"id": str(next(self._ids)), "quoteToken": "q"} for _ in body.get("messages", [])
            ]
        }

    async def _loading(self, request: web.Request) -> web.Response:
        call, early = await self._record(request)
        if early is not None:
            return early
        seconds = (call.body or {}).get("loadingSeconds", 20)
        if not isinstance(seconds, int) or seconds < 5 or seconds > 60 or seconds % 5:
            return self._finish(
                call, _error(400, "The request body has 1 error(s)", ["loadingSeconds"])
            )
        return self._finish(call, web.json_response({}, status=202))

    async def _leave(self, request: web.Request) -> web.Response:
        call, early = await self._record(request)
        if early is not None:
            return early
        return self._finish(call, web.json_response({}))

    async def _bot_info(self, request: web.Request) -> web.Response:
        call, early = await self._record(request)
        if early is not None:
            return early
        return self._finish(
            call,
            web.json_response(
                {
                    "userId": BOT_USER_ID,
                    "basicId": "@123abcde",
                    "displayName": "とびら相談窓口",
                    "chatMode": self.chat_mode,
                    "markAsReadMode": "auto",
                }
            ),
        )

    async def _webhook_endpoint(self, request: web.Request) -> web.Response:
        call, early = await self._record(request)
        if early is not None:
            return early
        return self._finish(
            call,
            web.json_response({"endpoint": self.webhook_endpoint, "active": self.webhook_active}),
        )

    async def _webhook_test(self, request: web.Request) -> web.Response:
        """Send a signed, empty webhook to the endpoint, the way LINE's Verify button does."""
        call, early = await self._record(request)
        if early is not None:
            return early
        endpoint = (call.body or {}).get("endpoint") or self.webhook_endpoint
        body, sig = self.webhook([])
        started = time.time()
        try:
            async with (
                aiohttp.ClientSession() as session,
                session.post(
                    endpoint,
                    data=body,
                    headers={"Content-Type": "application/json", "X-Line-Signature": sig},
                    timeout=aiohttp.ClientTimeout(total=5),
                ) as resp,
            ):
                status, reason = resp.status, resp.reason or ""
        except (aiohttp.ClientError, TimeoutError) as exc:
            status, reason = 0, type(exc).__name__
        result = {
            "success": status == 200,
            "timestamp": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started)),
            "statusCode": status,
            "reason": "OK" if status == 200 else (reason or "ERROR"),
            "detail": str(status),
        }
        return self._finish(call, web.json_response(result))

    # ---- control over HTTP (benchmarks run the fake in its own process) ----------------------
    async def _dump_calls(self, request: web.Request) -> web.Response:
        since = int(request.query.get("since", "0"))
        with self._lock:
            calls = self.calls[since:]
            rows = [
                {
                    "method": c.method,
                    "path": c.path,
                    "status": c.status,
                    "at": c.at,
                    "to": c.to,
                    "replyToken": c.reply_token,
                    "retryKey": c.headers.get("x-line-retry-key"),
                    "messages": len((c.body or {}).get("messages", [])),
                }
                for c in calls
            ]
        return web.json_response({"calls": rows, "next": since + len(rows)})

    async def _wait(self, request: web.Request) -> web.Response:
        """Long-poll until a reply with ``reply_token`` (or a push ``to``) has been accepted."""
        token = request.query.get("reply_token")
        to = request.query.get("to")
        timeout = float(request.query.get("timeout", "10"))
        if self._arrived is None:
            self._arrived = asyncio.Condition()

        def found() -> Call | None:
            with self._lock:
                for c in reversed(self.calls):
                    if (
                        c.status == 200
                        and c.path in (REPLY, PUSH)
                        and ((token and c.reply_token == token) or (to and c.to == to))
                    ):
                        return c
            return None

        deadline = time.monotonic() + timeout
        async with self._arrived:
            while (call := found()) is None:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return web.json_response({"found": False}, status=408)
                try:
                    await asyncio.wait_for(self._arrived.wait(), remaining)
                except TimeoutError:
                    continue
        return web.json_response({"found": True, "at": call.at, "path": call.path})

    async def _reset(self, request: web.Request) -> web.Response:
        self.reset()
        with self._lock:
            self._used_tokens.clear()
            self._retry_keys.clear()
        return web.json_response({})

    async def _fail(self, request: web.Request) -> web.Response:
        body = await request.json()
        status, path = int(body.get("status", 429)), body.get("path")
        if body.get("seconds"):
            self.fail_for(float(body["seconds"]), status, path, body.get("retry_after"))
        else:
            self.fail_next(int(body.get("n", 1)), status, path, body.get("retry_after"))
        return web.json_response({})


def _error(
    status: int,
    message: str,
    details: list[str] | None = None,
    headers: dict[str, str] | None = None,
) -> web.Response:
    payload: dict[str, Any] = {"message": message}
    if details:
        payload["details"] = [{"message": d, "property": "messages"} for d in details]
    return web.json_response(payload, status=status, headers=headers)


def _check_messages(messages: Any) -> str | None:
    """LINE's own validation of a message array (the subset tobira can violate)."""
    if not isinstance(messages, list) or not 1 <= len(messages) <= 5:
        return "Size must be between 1 and 5"
    for i, message in enumerate(messages):
        if message.get("type") == "text":
            text = message.get("text") or ""
            if not text or utf16_len(text) > 5000:
                return f"messages[{i}].text: Length must be between 1 and 5000"
        items = (message.get("quickReply") or {}).get("items", [])
        if len(items) > 13:
            return f"messages[{i}].quickReply.items: Size must be between 0 and 13"
        for j, item in enumerate(items):
            action = item.get("action") or {}
            label = action.get("label") or ""
            if not label or utf16_len(label) > 20:
                return f"messages[{i}].quickReply.items[{j}].action.label: Length must be between 1 and 20"
            if action.get("type") == "postback" and len(action.get("data", "")) > 300:
                return (
                    f"messages[{i}].quickReply.items[{j}].action.data: Length must be at most 300"
                )
            if utf16_len(action.get("displayText") or "") > 300:
                return f"messages[{i}].quickReply.items[{j}].action.displayText: Length must be at most 300"
    return None


# ---- webhook bodies exactly as LINE sends them ----------------------------------------------
def sign(secret: str, body: bytes) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def webhook_body(events: Iterable[dict[str, Any]], destination: str = BOT_USER_ID) -> bytes:
    return json.dumps(
        {"destination": destination, "events": list(events)},
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode()


_ulids = itertools.count(1)


def event_id() -> str:
    """A fresh webhookEventId (ULID-shaped: 26 characters)."""
    return f"01{uuid.uuid4().hex[:16].upper()}{next(_ulids):08d}"


def _base(
    kind: str,
    user_id: str,
    *,
    reply_token: str | None = "auto",
    at: float | None = None,
    redelivery: bool = False,
    mode: str = "active",
    webhook_event_id: str | None = None,
    source: dict[str, Any] | None = None,
) -> dict[str, Any]:
    event: dict[str, Any] = {
        "type": kind,
        "timestamp": int((time.time() if at is None else at) * 1000),
        "source": source or {"type": "user", "userId": user_id},
        "webhookEventId": webhook_event_id or event_id(),
        "deliveryContext": {"isRedelivery": redelivery},
        "mode": mode,
    }
    if reply_token is not None:
        event["replyToken"] = uuid.uuid4().hex if reply_token == "auto" else reply_token
    return event


def text_event(user_id: str, text: str, **kw: Any) -> dict[str, Any]:
    event = _base("message", user_id, **kw)
    event["message"] = {
        "type": "text",
        "id": str(uuid.uuid4().int)[:18],
        "quoteToken": "q" + uuid.uuid4().hex,
        "text": text,
    }
    return event


def postback_event(user_id: str, data: str, **kw: Any) -> dict[str, Any]:
    event = _base("postback", user_id, **kw)
    event["postback"] = {"data": data}
    return event


def follow_event(user_id: str, unblocked: bool = False, **kw: Any) -> dict[str, Any]:
    event = _base("follow", user_id, **kw)
    event["follow"] = {"isUnblocked": unblocked}
    return event


def unfollow_event(user_id: str, **kw: Any) -> dict[str, Any]:
    kw["reply_token"] = None  # LINE sends no reply token with unfollow
    return _base("unfollow", user_id, **kw)


def sticker_event(user_id: str, **kw: Any) -> dict[str, Any]:
    event = _base("message", user_id, **kw)
    event["message"] = {
        "type": "sticker",
        "id": str(uuid.uuid4().int)[:18],
        "quoteToken": "q" + uuid.uuid4().hex,
        "packageId": "446",
        "stickerId": "1988",
        "stickerResourceType": "STATIC",
        "keywords": ["smile"],
    }
    return event


def media_event(user_id: str, kind: str = "image", **kw: Any) -> dict[str, Any]:
    """image / video / audio / file message (content lives at LINE; tobira never downloads it)."""
    event = _base("message", user_id, **kw)
    message: dict[str, Any] = {"type": kind, "id": str(uuid.uuid4().int)[:18]}
    if kind in ("image", "video"):
        message["quoteToken"] = "q" + uuid.uuid4().hex
        message["contentProvider"] = {"type": "line"}
    if kind in ("video", "audio"):
        message["duration"] = 3000
        message.setdefault("contentProvider", {"type": "line"})
    if kind == "file":
        message["fileName"] = "相談メモ.pdf"
        message["fileSize"] = 2048
    event["message"] = message
    return event


def location_event(user_id: str, **kw: Any) -> dict[str, Any]:
    event = _base("message", user_id, **kw)
    event["message"] = {
        "type": "location",
        "id": str(uuid.uuid4().int)[:18],
        "title": "自宅",
        "address": "東京都千代田区千代田1-1",
        "latitude": 35.685175,
        "longitude": 139.7528,
    }
    return event


def main() -> None:
    parser = argparse.ArgumentParser(description="fake LINE Messaging API on loopback")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8790)
    parser.add_argument("--token", default="fake-token")
    parser.add_argument("--secret", default="fake-secret")
    args = parser.parse_args()
    fake = FakeLine(
        access_token=args.token, channel_secret=args.secret, host=args.host, port=args.port
    )
    fake._arrived = None
    web.run_app(fake.make_app(), host=args.host, port=args.port, access_log=None, print=None)


if __name__ == "__main__":
    main()
