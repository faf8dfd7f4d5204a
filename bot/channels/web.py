"""The chat widget on the city's site: ``/widget.js``, a JSON API under ``/api/chat/``, and
server-sent events for what a caseworker writes while they have the chat.

The widget keeps a random session id (128 bits) in the browser; the service stores only its keyed
hash, exactly as for a LINE user id."""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, Field, ValidationError
from sqlmodel import select
from sse_starlette.sse import EventSourceResponse

from bot.messages import Inbound, Reply
from bot.models import Conversation

router = APIRouter()
STATIC = Path(__file__).resolve().parents[1] / "static"
CHANNEL = "web"
MAX_BODY = 64 * 1024
SESSION = re.compile(r"^[A-Za-z0-9_-]{22,64}$")
CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'self'"


class ChatIn(BaseModel):
    session: str = Field(pattern=SESSION.pattern)
    text: str | None = Field(default=None, max_length=20_000)
    code: str | None = Field(default=None, max_length=64)
    event: str = Field(default="message", pattern="^(message|follow)$")


def _reply_json(reply: Reply) -> dict[str, Any]:
    return {
        "messages": reply.messages,
        "options": [{"code": o.code, "label": o.label} for o in reply.options],
        "silent": reply.silent,
    }


def _kind_error(message: str, status: int) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


@router.post("/api/chat/send")
async def send(request: Request) -> Response:
    body = await request.body()
    if len(body) > MAX_BODY:
        return _kind_error("メッセージが長すぎます。短く分けて送ってください。", 413)
    try:
        chat = ChatIn.model_validate_json(body)
    except ValidationError:
        return _kind_error("うまく受け取れませんでした。もう一度送ってください。", 400)
    if chat.event == "message" and not (chat.text and chat.text.strip()) and not chat.code:
        return _kind_error("メッセージが空でした。", 400)
    reply = await request.app.state.service.handle(
        Inbound(
            CHANNEL,
            chat.session,
            request.app.state.clock(),
            text=chat.text,
            code=chat.code,
            event=chat.event,
        )
    )
    return JSONResponse(_reply_json(reply))


@router.get("/api/chat/events")
async def events(request: Request, session: str) -> EventSourceResponse:
    if not SESSION.match(session):
        raise HTTPException(400, "bad session")
    key_hash = request.app.state.keys.lookup_hash(CHANNEL, session)
    async with request.app.state.db.session() as s:
        conv = (await s.exec(select(Conversation).where(Conversation.key_hash == key_hash))).first()
    if conv is None:
        raise HTTPException(404, "no conversation yet")
    topic = f"resident:{conv.id}"
    live = request.app.state.live

    async def stream() -> AsyncIterator[dict[str, str]]:
        async with live.subscribe(topic) as queue:
            yield {"event": "ready", "data": "{}"}
            while not await request.is_disconnected():
                with contextlib.suppress(TimeoutError):
                    event = await asyncio.wait_for(queue.get(), timeout=15)
                    yield {"event": "message", "data": json.dumps(event, ensure_ascii=False)}

    return EventSourceResponse(stream(), ping=15)


@router.get("/widget.js")
async def widget_js() -> FileResponse:
    return FileResponse(
        STATIC / "widget.js", media_type="text/javascript", headers={"Cache-Control": "max-age=300"}
    )


@router.get("/widget.css")
async def widget_css() -> FileResponse:
    return FileResponse(
        STATIC / "widget.css", media_type="text/css", headers={"Cache-Control": "max-age=300"}
    )


@router.get("/demo")
async def demo_page(request: Request) -> HTMLResponse:
    html = (
        (STATIC / "demo.html")
        .read_text(encoding="utf-8")
        .replace("{{city}}", request.app.state.city.name)
    )
    return HTMLResponse(html, headers={"Content-Security-Policy": CSP})
