"""Who may call the widget's API from another site: CORS for the city's own origins only.

The city lists its pages' origins in its YAML (``widget: allowed_origins:``). A preflight from one
of them is answered with exactly that origin, the two methods and the one session header; any
other origin gets no CORS headers at all, and a request it sends anyway is refused before the
conversation service sees it. No cookies: credentials are never allowed, the conversation token
travels in ``X-Tobira-Session``. ``/widget.js``, ``/widget.css`` and the API carry ``nosniff`` and
``Referrer-Policy: no-referrer``."""

from __future__ import annotations

import json
from collections.abc import Iterable

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

API = "/api/chat/"
ASSETS = ("/widget.js", "/widget.css")
SESSION_HEADER = "X-Tobira-Session"
SECURITY = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}
NOT_ALLOWED = "このページからは相談チャットを使えない設定です。"


def _own_origin(scope: Scope, headers: Headers) -> str:
    return f"{scope.get('scheme', 'http')}://{headers.get('host', '')}"


class WidgetCors:
    """A pure ASGI middleware (server-sent events pass through untouched)."""

    def __init__(self, app: ASGIApp, allowed_origins: Iterable[str], public_url: str = "") -> None:
        self.app = app
        self.allowed = frozenset(allowed_origins)
        self.public = public_url.rstrip("/")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or not (path.startswith(API) or path in ASSETS):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        origin = headers.get("origin")
        cross = origin is not None and origin not in (_own_origin(scope, headers), self.public)
        allowed = origin in self.allowed
        if path.startswith(API) and cross and not allowed:
            await _refuse(send, 403 if scope["method"] != "OPTIONS" else 204)
            return
        if path.startswith(API) and scope["method"] == "OPTIONS":
            await _preflight(send, str(origin))
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                out = MutableHeaders(scope=message)
                for name, value in SECURITY.items():
                    out[name] = value
                if path in ASSETS:
                    out["Cross-Origin-Resource-Policy"] = "cross-origin"
                if path.startswith(API):
                    out["Cache-Control"] = "no-store"
                    out.add_vary_header("Origin")
                    if cross and allowed:
                        out["Access-Control-Allow-Origin"] = str(origin)
            await send(message)

        await self.app(scope, receive, send_with_headers)


async def _refuse(send: Send, status: int) -> None:
    """No CORS headers: the browser keeps the answer from the page (the widget then says so)."""
    body = b"" if status == 204 else json.dumps({"error": NOT_ALLOWED}).encode()
    headers = [(k.lower().encode(), v.encode()) for k, v in SECURITY.items()]
    headers += [(b"vary", b"Origin"), (b"content-length", str(len(body)).encode())]
    if body:
        headers.append((b"content-type", b"application/json"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _preflight(send: Send, origin: str) -> None:
    headers = {
        **SECURITY,
        "Access-Control-Allow-Origin": origin,
        "Access-Control-Allow-Methods": "GET, POST",
        "Access-Control-Allow-Headers": f"Content-Type, {SESSION_HEADER}",
        "Access-Control-Max-Age": "600",
        "Vary": "Origin",
        "Content-Length": "0",
    }
    raw = [(k.lower().encode(), v.encode()) for k, v in headers.items()]
    await send({"type": "http.response.start", "status": 204, "headers": raw})
    await send({"type": "http.response.body", "body": b""})
