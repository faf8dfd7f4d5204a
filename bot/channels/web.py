"""The chat widget on the city's site: ``/widget.js``, a JSON API under ``/api/chat/``, and
server-sent events for what a caseworker writes while they have the chat.

The widget keeps a random token (128 bits) in the browser's sessionStorage and sends it in the
``X-Tobira-Session`` header, never in a URL or a cookie; the service stores only its keyed hash,
exactly as for a LINE user id. Which other sites may call this API: ``web_cors``. Resume codes:
``web_resume``."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, Field, ValidationError
from sqlmodel import col, select
from sse_starlette.sse import EventSourceResponse

from bot import erasure
from bot.channels.web_cors import SESSION_HEADER
from bot.messages import Inbound, Reply
from bot.models import Conversation
from flows.locale import t
from flows.render import label, render
from handoff.live import RETRY_AFTER, StreamsFull
from handoff.models import ACTIVE_STATES, Handoff, HandoffState

router = APIRouter()
STATIC = Path(__file__).resolve().parents[1] / "static"
CHANNEL = "web"
MAX_BODY = 64 * 1024
SESSION = re.compile(r"^[A-Za-z0-9_-]{22,64}$")
CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'self'"
ASSET_HEADERS = {"Cache-Control": "max-age=300"}


class ChatIn(BaseModel):
    session: str | None = Field(default=None, pattern=SESSION.pattern)  # older widgets: body
    text: str | None = Field(default=None, max_length=20_000)
    code: str | None = Field(default=None, max_length=64)
    event: str = Field(default="message", pattern="^(message|follow)$")


def _reply_json(reply: Reply, ended: bool) -> dict[str, Any]:
    return {
        "messages": reply.messages,
        "options": [{"code": o.code, "label": o.label} for o in reply.options],
        "silent": reply.silent,
        "ended": ended,  # the conversation was deleted this turn: the widget forgets it
    }


def _kind_error(message: str, status: int) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


def session_of(request: Request, fallback: str | None = None) -> str | None:
    """The widget's token, from the header (or an older widget's body); None if malformed."""
    value = request.headers.get(SESSION_HEADER) or fallback or ""
    return value if SESSION.match(value) else None


async def conversation_of(request: Request, session: str) -> Conversation | None:
    key_hash = request.app.state.keys.lookup_hash(CHANNEL, session)
    return await erasure.find(request.app.state.db, key_hash)


@router.post("/api/chat/send")
async def send(request: Request) -> Response:
    body = await request.body()
    if len(body) > MAX_BODY:
        return _kind_error("メッセージが長すぎます。短く分けて送ってください。", 413)
    try:
        chat = ChatIn.model_validate_json(body)
    except ValidationError:
        return _kind_error("うまく受け取れませんでした。もう一度送ってください。", 400)
    session = session_of(request, chat.session)
    if session is None:
        return _kind_error("うまく受け取れませんでした。もう一度送ってください。", 400)
    if chat.event == "message" and not (chat.text and chat.text.strip()) and not chat.code:
        return _kind_error("メッセージが空でした。", 400)
    service = request.app.state.service
    reply = await service.handle(
        Inbound(
            CHANNEL,
            session,
            request.app.state.clock(),
            text=chat.text,
            code=chat.code,
            event=chat.event,
        )
    )
    ended = reply.conversation_id is not None and await conversation_of(request, session) is None
    return JSONResponse(_reply_json(reply, ended))


@router.get("/api/chat/history")
async def history(request: Request) -> Response:
    """What the person sees on reopening: the stored (redacted) turns, staff messages included,
    the open question's buttons (none while a caseworker has the chat), the language."""
    session = session_of(request)
    if session is None:
        return _kind_error("うまく受け取れませんでした。", 400)
    conv = await conversation_of(request, session)
    if conv is None:
        return JSONResponse({"turns": [], "options": [], "live": False, "locale": "ja"})
    service = request.app.state.service
    async with request.app.state.db.session() as s:
        handoff = (
            await s.exec(
                select(Handoff)
                .where(Handoff.conversation_id == conv.id)
                .where(col(Handoff.state).in_(ACTIVE_STATES))
            )
        ).first()
    live = handoff is not None and handoff.state == HandoffState.LIVE
    turns = [
        {
            "role": turn["role"],
            "text": turn.get("text") or _label(conv.locale, turn.get("code")),
            "at": _iso(turn.get("at")),
        }
        for turn in await service.transcript(conv.id)
    ]
    options: list[dict[str, str]] = []
    if not live:
        snapshot = await service.graph.aget_state({"configurable": {"thread_id": conv.id}})
        pending = _pending(snapshot)
        if pending is not None:
            _, pairs = render(pending, conv.locale, service.context(request.app.state.clock()))
            options = [{"code": c, "label": lbl} for c, lbl in pairs]
    return JSONResponse({"turns": turns, "options": options, "live": live, "locale": conv.locale})


def _label(locale: str, code: str | None) -> str:
    if not code:
        return ""
    try:
        return label(locale, code)
    except KeyError:
        return ""


def _iso(at: Any) -> str:
    if isinstance(at, dt.datetime):
        return (at if at.tzinfo else at.replace(tzinfo=dt.UTC)).isoformat()
    return str(at or "")


def _pending(snapshot: Any) -> dict[str, Any] | None:
    for task in getattr(snapshot, "tasks", ()) or ():
        for intr in getattr(task, "interrupts", ()) or ():
            if isinstance(intr.value, dict):
                return intr.value
    return None


@router.get("/api/chat/events")
async def events(request: Request) -> Response:
    """Server-sent events, read by the widget with fetch() so the token stays in a header."""
    session = session_of(request)
    if session is None:
        raise HTTPException(400, "bad session")
    conv = await conversation_of(request, session)
    if conv is None:
        raise HTTPException(404, "no conversation yet")
    topic = f"resident:{conv.id}"
    live = request.app.state.live
    if live.full:  # the resident's own turns go on; the widget reconnects after Retry-After
        return JSONResponse(
            {"error": t(conv.locale, "chat.streams_busy")},
            status_code=503,
            headers={"Retry-After": str(RETRY_AFTER)},
        )

    async def stream() -> AsyncIterator[dict[str, str]]:
        with contextlib.suppress(StreamsFull):  # filled up meanwhile: ends, the widget retries
            async with live.subscribe(topic) as queue:
                yield {"event": "ready", "data": "{}"}
                while not await request.is_disconnected():
                    with contextlib.suppress(TimeoutError):
                        event = await asyncio.wait_for(queue.get(), timeout=15)
                        yield {"event": "message", "data": json.dumps(event, ensure_ascii=False)}

    return EventSourceResponse(stream(), ping=15)


@router.get("/widget.js")
async def widget_js() -> FileResponse:
    return FileResponse(STATIC / "widget.js", media_type="text/javascript", headers=ASSET_HEADERS)


@router.get("/widget.css")
async def widget_css() -> FileResponse:
    return FileResponse(STATIC / "widget.css", media_type="text/css", headers=ASSET_HEADERS)


@router.get("/demo.css")
async def demo_css() -> FileResponse:
    return FileResponse(STATIC / "demo.css", media_type="text/css", headers=ASSET_HEADERS)


@router.get("/demo")
async def demo_page(request: Request) -> HTMLResponse:
    html = (
        (STATIC / "demo.html")
        .read_text(encoding="utf-8")
        .replace("{{city}}", request.app.state.city.name)
    )
    return HTMLResponse(html, headers={"Content-Security-Policy": CSP})
