"""The caseworker's handoff console: server-rendered pages under ``/console/`` and the same
actions as JSON under ``/api/console/``.

Reaches the app's services through ``request.app.state`` (db, live, service, keys, settings, city)
so this package never imports ``bot``. Every page view and action is written to the audit log.
Resident text reaches the browser only through autoescaped templates or ``textContent``."""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import hashlib
import json
import logging
import re
import secrets
from collections.abc import AsyncIterator, Callable, Coroutine
from pathlib import Path
from typing import Any
from urllib.parse import quote

import anyio
from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.responses import JSONResponse, PlainTextResponse, RedirectResponse
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates
from pydantic import ValidationError
from sqlmodel import col, select
from sse_starlette import EventSourceResponse

from handoff import audit, auth, queue, render
from handoff.auth import Principal
from handoff.models import Handoff, HandoffNote, HandoffState, Staff, utcnow

log = logging.getLogger("tobira.console")

STATIC = Path(__file__).resolve().parent / "static"
STATIC_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}
MESSAGE_LIMIT = 1000
NOTE_LIMIT = 2000
REASON_MIN = 4
SSE_RECHECK_SECONDS = 30.0

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "Cross-Origin-Opener-Policy": "same-origin",
}

# The code labels residents chose (a:<question>:<value>) shown in transcripts.
try:
    from flows.locale import catalog as _locale_catalog

    def _option_label(code: str) -> str | None:
        parts = code.split(":")
        if len(parts) == 3 and parts[0] == "a":
            return _locale_catalog("ja").get(f"opt.{parts[1]}.{parts[2]}")
        return None
except ImportError:  # pragma: no cover - flows is part of the same distribution

    def _option_label(code: str) -> str | None:
        return None


class ConsoleRoute(APIRoute):
    """Adds the console's security headers to every response, errors included."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        original = super().get_route_handler()

        async def handler(request: Request) -> Response:
            try:
                response = await original(request)
            except HTTPException as exc:
                response = JSONResponse(
                    {"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers
                )
            for name, value in SECURITY_HEADERS.items():
                response.headers.setdefault(name, value)
            return response

        return handler


router = APIRouter(route_class=ConsoleRoute)
templates = Jinja2Templates(env=render.environment())


# ---------------------------------------------------------------------------- lifecycle


async def startup(app: Any) -> None:
    app.state.console_shutdown = anyio.Event()


async def shutdown(app: Any) -> None:
    event = getattr(app.state, "console_shutdown", None)
    if event is not None:
        event.set()


# ---------------------------------------------------------------------------- helpers


def _db(request: Request) -> Any:
    return request.app.state.db


def _default_agency(request: Request) -> str:
    city = getattr(request.app.state, "city", None)
    try:
        return str(city.default_agency.id)  # type: ignore[union-attr]
    except AttributeError:
        return ""


def _agencies(request: Request, principal: Principal) -> set[str] | None:
    return queue.visible_agencies(principal.agency_id, principal.role, _default_agency(request))


def _agency_names(request: Request) -> dict[str, str]:
    city = getattr(request.app.state, "city", None)
    return {a.id: a.name for a in getattr(city, "agencies", [])}


def _safe_next(value: str | None) -> str:
    if value and re.fullmatch(r"/console/[A-Za-z0-9/_\-]*", value):
        return value
    return "/console/queue"


async def page_user(request: Request) -> Principal:
    principal = await auth.principal_from_request(request, allow_bearer=False)
    if principal is None:
        target = "/console/login?next=" + quote(request.url.path, safe="/")
        raise HTTPException(status_code=303, detail="sign in", headers={"Location": target})
    return principal


async def api_user(request: Request) -> Principal:
    principal = await auth.principal_from_request(request, allow_bearer=True)
    if principal is None:
        raise HTTPException(
            status_code=401, detail="not signed in", headers={"WWW-Authenticate": "Bearer"}
        )
    return principal


def _require_role(principal: Principal, role: str) -> None:
    if not principal.at_least(role):
        raise HTTPException(status_code=403, detail="forbidden")


def _context(request: Request, principal: Principal | None, **values: Any) -> dict[str, Any]:
    return {
        "request": request,
        "me": principal,
        "csrf": auth.csrf_token(request.app, principal.token_hash) if principal else "",
        "state_labels": queue.STATE_LABELS,
        "level_labels": queue.LEVEL_LABELS,
        **values,
    }


def _page(
    request: Request, principal: Principal | None, name: str, status: int = 200, **values: Any
) -> Response:
    return templates.TemplateResponse(
        request, name, _context(request, principal, **values), status_code=status
    )


def _error_page(request: Request, principal: Principal, status: int, message: str) -> Response:
    return _page(request, principal, "error.html", status=status, message=message)


def _summary_of(handoff: Handoff) -> render.Summary | None:
    try:
        return render.load(handoff.summary_json)
    except ValidationError:
        log.warning("handoff=%s summary does not match the schema", handoff.id[:8])
        return None


def _iso(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.isoformat()


def handoff_json(handoff: Handoff, *, with_summary: bool = True) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": handoff.id,
        "state": handoff.state,
        "level": handoff.level,
        "after_hours": handoff.after_hours,
        "agency_id": handoff.agency_id,
        "channel": handoff.channel,
        "claimed_by": handoff.claimed_by,
        "created_at": _iso(handoff.created_at),
        "claimed_at": _iso(handoff.claimed_at),
        "opened_at": _iso(handoff.opened_at),
        "closed_at": _iso(handoff.closed_at),
        "waiting_minutes": queue.waiting(handoff).minutes,
        "outcome": handoff.outcome,
        "destination": handoff.destination,
        "summary_hash": handoff.summary_hash,
        "has_contact": handoff.contact_enc is not None,
    }
    if with_summary:
        summary = _summary_of(handoff)
        data["summary"] = render.to_json(summary) if summary is not None else None
    return data


def _queue_row(handoff: Handoff) -> dict[str, Any]:
    summary = _summary_of(handoff)
    primary = None
    relationship = None
    if summary is not None:
        selected = summary.concerns.selected
        code = summary.concerns.primary or (selected[0] if selected else None)
        primary = render.A_CATEGORIES.get(code) if code else None
        relationship = summary.consultant.relationship or summary.route.相談経路
    return {
        "h": handoff,
        "waiting": queue.waiting(handoff).label,
        "primary": primary or "—",
        "relationship": relationship or "—",
        "received": render._when(handoff.created_at),
    }


async def _publish(request: Request, topic: str, event: dict[str, Any]) -> None:
    live = getattr(request.app.state, "live", None)
    if live is not None:
        await live.publish(topic, event)


async def _announce_state(request: Request, handoff: Handoff) -> None:
    event = {"type": "handoff_state", "handoff_id": handoff.id, "state": handoff.state}
    await _publish(request, "queue", event)
    await _publish(request, f"handoff:{handoff.id}", {"type": "state", "state": handoff.state})


def _turn_view(turn: dict[str, Any]) -> dict[str, Any]:
    at = turn.get("at")
    if isinstance(at, str):
        try:
            at = dt.datetime.fromisoformat(at)
        except ValueError:
            at = None
    code = turn.get("code")
    return {
        "role": turn.get("role", ""),
        "role_label": {"resident": "相談者", "bot": "ボット", "staff": "相談員"}.get(
            str(turn.get("role")), str(turn.get("role"))
        ),
        "text": turn.get("text") or "",
        "code": code,
        "code_label": (_option_label(code) if code else None) or code,
        "at": render._when(at) if isinstance(at, dt.datetime) else "",
        "at_dt": at if isinstance(at, dt.datetime) else None,
    }


async def _chat_turns(request: Request, handoff: Handoff) -> list[dict[str, Any]]:
    """The turns of the current live chat (since the caseworker took it over): these need no
    reason; everything before them is the transcript."""
    if handoff.live_since is None:
        return []
    since = handoff.live_since
    if since.tzinfo is None:
        since = since.replace(tzinfo=dt.UTC)
    turns = [
        _turn_view(t) for t in await request.app.state.service.transcript(handoff.conversation_id)
    ]
    out = []
    for turn in turns:
        at = turn["at_dt"]
        if at is None:
            continue
        if at.tzinfo is None:
            at = at.replace(tzinfo=dt.UTC)
        if at >= since - dt.timedelta(seconds=1) and turn["role"] in ("resident", "staff"):
            out.append(turn)
    return out


def _can_chat(principal: Principal, handoff: Handoff) -> bool:
    return handoff.claimed_by == principal.username and handoff.state in (
        HandoffState.CLAIMED,
        HandoffState.LIVE,
        HandoffState.RETURNED,
    )


def _can_see_chat(principal: Principal, handoff: Handoff) -> bool:
    return handoff.claimed_by == principal.username or principal.at_least("supervisor")


# ---------------------------------------------------------------------------- shared actions
# Each returns the updated handoff or raises HTTPException; pages and the API wrap them.


async def _load(request: Request, principal: Principal, handoff_id: str) -> Handoff:
    async with _db(request).session() as s:
        handoff = await queue.get(s, handoff_id, _agencies(request, principal))
    if handoff is None:
        raise HTTPException(status_code=404, detail="no such handoff")
    return handoff


async def _open(request: Request, principal: Principal, handoff_id: str, via: str) -> Handoff:
    """A caseworker views a handoff: audited, and the first view pins ``opened_at``."""
    async with _db(request).session() as s:
        handoff = await queue.get(s, handoff_id, _agencies(request, principal))
        if handoff is None:
            await audit.record(s, principal.username, "handoff_view", handoff_id, "not found")
            raise HTTPException(status_code=404, detail="no such handoff")
        first = await queue.mark_opened(s, handoff_id)
        await audit.record(s, principal.username, "handoff_view", handoff_id, via)
        if first:
            await audit.record(s, principal.username, "handoff_first_open", handoff_id)
        handoff = await s.get(Handoff, handoff_id, populate_existing=True)
        assert handoff is not None
    if first:
        await _publish(request, "queue", {"type": "handoff_opened", "handoff_id": handoff_id})
    return handoff


async def _transition(
    request: Request,
    principal: Principal,
    handoff_id: str,
    action: str,
    move: Callable[[Any], Coroutine[Any, Any, Handoff]],
    detail: str = "",
) -> Handoff:
    async with _db(request).session() as s:
        current = await queue.get(s, handoff_id, _agencies(request, principal))
        if current is None:
            raise HTTPException(status_code=404, detail="no such handoff")
        try:
            handoff = await move(s)
        except queue.TransitionError as exc:
            raise HTTPException(
                status_code=409, detail="この操作は現在の状態ではできません"
            ) from exc
        except ValueError as exc:
            raise HTTPException(status_code=422, detail=f"invalid {exc}") from exc
        await audit.record(s, principal.username, action, handoff_id, detail)
    await _announce_state(request, handoff)
    return handoff


async def _claim(request: Request, principal: Principal, handoff_id: str) -> Handoff:
    return await _transition(
        request,
        principal,
        handoff_id,
        "claim",
        lambda s: queue.claim(s, handoff_id, principal.username),
    )


async def _go_live(request: Request, principal: Principal, handoff_id: str) -> Handoff:
    return await _transition(
        request,
        principal,
        handoff_id,
        "live",
        lambda s: queue.go_live(s, handoff_id, principal.username),
    )


async def _return(request: Request, principal: Principal, handoff_id: str) -> Handoff:
    handoff = await _transition(
        request,
        principal,
        handoff_id,
        "return_to_bot",
        lambda s: queue.return_to_bot(
            s, handoff_id, principal.username, principal.at_least("supervisor")
        ),
    )
    # The state is committed first: the service resumes the bot only once the chat is no longer live.
    await request.app.state.service.return_to_bot(handoff.conversation_id)
    return handoff


async def _close(
    request: Request, principal: Principal, handoff_id: str, outcome: str, destination: str | None
) -> Handoff:
    return await _transition(
        request,
        principal,
        handoff_id,
        "close",
        lambda s: queue.close(
            s,
            handoff_id,
            principal.username,
            principal.at_least("supervisor"),
            outcome,
            destination or None,
        ),
        detail=f"outcome={outcome}" + (f" destination={destination}" if destination else ""),
    )


async def _send(request: Request, principal: Principal, handoff_id: str, text: str) -> Handoff:
    text = text.strip()
    if not text:
        raise HTTPException(status_code=422, detail="メッセージが空です")
    if len(text) > MESSAGE_LIMIT:
        raise HTTPException(
            status_code=422, detail=f"メッセージは{MESSAGE_LIMIT}文字以内にしてください"
        )
    handoff = await _load(request, principal, handoff_id)
    if not _can_chat(principal, handoff):
        raise HTTPException(status_code=409, detail="担当している引き継ぎにだけ返信できます")
    if handoff.state != HandoffState.LIVE:
        # Replying takes the chat over: the bot goes silent before the message leaves.
        handoff = await _go_live(request, principal, handoff_id)
    delivered = await request.app.state.service.deliver(
        handoff.conversation_id, [text], staff=principal.username
    )
    async with _db(request).session() as s:
        await audit.record(
            s,
            principal.username,
            "message",
            handoff_id,
            f"chars={len(text)}" + ("" if delivered else " not_delivered"),
        )
    if not delivered:
        raise HTTPException(status_code=502, detail="相談者に届けられませんでした")
    await _publish(
        request,
        f"handoff:{handoff_id}",
        {
            "type": "message",
            "role": "staff",
            "text": text,
            "by": principal.username,
            "at": utcnow().isoformat(),
        },
    )
    return handoff


async def _transcript(
    request: Request, principal: Principal, handoff_id: str, reason: str
) -> tuple[Handoff, list[dict[str, Any]]]:
    reason = " ".join(reason.split())
    handoff = await _load(request, principal, handoff_id)
    if len(reason) < REASON_MIN:
        async with _db(request).session() as s:
            await audit.record(s, principal.username, "transcript_refused", handoff_id)
        raise HTTPException(status_code=400, detail="会話記録を見る理由を入力してください")
    turns = [
        _turn_view(t) for t in await request.app.state.service.transcript(handoff.conversation_id)
    ]
    async with _db(request).session() as s:
        await audit.record(
            s, principal.username, "transcript_view", handoff_id, f"reason: {reason[:400]}"
        )
    return handoff, turns


async def _contact(request: Request, principal: Principal, handoff_id: str) -> str:
    handoff = await _load(request, principal, handoff_id)
    if handoff.claimed_by != principal.username:
        raise HTTPException(status_code=403, detail="連絡先は担当者だけが見られます")
    if handoff.contact_enc is None:
        raise HTTPException(status_code=404, detail="連絡先の提供はありません")
    value = request.app.state.keys.decrypt(handoff.contact_enc)
    async with _db(request).session() as s:
        await audit.record(s, principal.username, "contact_view", handoff_id)
    if value is None:
        raise HTTPException(status_code=500, detail="連絡先を復号できませんでした")
    return str(value)


async def _add_note(
    request: Request, principal: Principal, handoff_id: str, text: str
) -> HandoffNote:
    text = text.strip()
    if not text or len(text) > NOTE_LIMIT:
        raise HTTPException(status_code=422, detail=f"メモは1〜{NOTE_LIMIT}文字で入力してください")
    await _load(request, principal, handoff_id)
    note = HandoffNote(handoff_id=handoff_id, author=principal.username, text=text)
    async with _db(request).session() as s:
        s.add(note)
        await audit.record(s, principal.username, "note", handoff_id, f"chars={len(text)}")
    return note


async def _notes(request: Request, handoff_id: str) -> list[HandoffNote]:
    async with _db(request).session() as s:
        rows = await s.exec(
            select(HandoffNote)
            .where(HandoffNote.handoff_id == handoff_id)
            .order_by(col(HandoffNote.at))
        )
        return list(rows.all())


EXPORT_STYLE = """
body{font-family:sans-serif;margin:2em;color:#111}
table{border-collapse:collapse;margin:.5em 0 1.2em}
th,td{border:1px solid #888;padding:.25em .6em;text-align:left;vertical-align:top}
th{background:#eee;font-weight:normal;white-space:nowrap}
.mark{width:2em;text-align:center}
"""
EXPORT_CSP = (
    "default-src 'none'; style-src 'sha256-"
    + base64.b64encode(hashlib.sha256(EXPORT_STYLE.encode()).digest()).decode()
    + "'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)


async def _export(request: Request, principal: Principal, handoff_id: str, fmt: str) -> Response:
    if fmt not in ("text", "json", "html"):
        raise HTTPException(status_code=422, detail="format must be text, json or html")
    handoff = await _open(request, principal, handoff_id, f"export:{fmt}")
    summary = _summary_of(handoff)
    if summary is None:
        raise HTTPException(status_code=500, detail="まとめを読めませんでした")
    async with _db(request).session() as s:
        await audit.record(s, principal.username, "export", handoff_id, f"format={fmt}")
    name = f"tobira-{handoff_id[:8]}"
    if fmt == "json":
        body = json.dumps(render.to_json(summary), ensure_ascii=False, indent=2)
        return Response(
            body,
            media_type="application/json",
            headers={"Content-Disposition": f'attachment; filename="{name}.json"'},
        )
    sheet = render.sheet(summary, received_by=handoff.claimed_by, after_hours=handoff.after_hours)
    if fmt == "text":
        return PlainTextResponse(
            render.to_text(sheet),
            headers={"Content-Disposition": f'attachment; filename="{name}.txt"'},
        )
    html = (
        render.environment()
        .get_template("sheet_export.html")
        .render(sheet=sheet, style=EXPORT_STYLE)
    )
    return Response(
        html,
        media_type="text/html; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{name}.html"',
            "Content-Security-Policy": EXPORT_CSP,
        },
    )


# ---------------------------------------------------------------------------- SSE


def _stream(request: Request, principal: Principal, topic: str) -> EventSourceResponse:
    live = request.app.state.live

    async def events() -> AsyncIterator[dict[str, str]]:
        async with live.subscribe(topic) as inbox:
            yield {"event": "ready", "data": "{}"}
            while True:
                try:
                    event = await asyncio.wait_for(inbox.get(), timeout=SSE_RECHECK_SECONDS)
                except TimeoutError:
                    # A signed-out or deactivated caseworker stops receiving at the next check.
                    async with _db(request).session() as s:
                        still = await auth.principal_for_hash(
                            s, principal.token_hash, principal.via
                        )
                    if still is None:
                        return
                    continue
                yield {
                    "event": str(event.get("type", "message")),
                    "data": json.dumps(event, ensure_ascii=False),
                }

    return EventSourceResponse(
        events(),
        ping=15,
        headers={"X-Accel-Buffering": "no"},
        shutdown_event=getattr(request.app.state, "console_shutdown", None),
    )


# ---------------------------------------------------------------------------- static files


@router.get("/console/static/{name}", include_in_schema=False)
async def static(name: str) -> Response:
    path = STATIC / name
    if (
        not re.fullmatch(r"[a-z0-9_\-]+\.(js|css)", name)
        or not path.is_file()
        or path.suffix not in STATIC_TYPES
    ):
        raise HTTPException(status_code=404, detail="not found")
    return Response(
        path.read_bytes(),
        media_type=STATIC_TYPES[path.suffix],
        headers={"Cache-Control": "no-cache"},
    )


# ---------------------------------------------------------------------------- pages: sign-in


@router.get("/console", include_in_schema=False)
@router.get("/console/", include_in_schema=False)
async def console_root() -> Response:
    return RedirectResponse("/console/queue", status_code=303)


def _login_page(
    request: Request, error: str | None = None, status: int = 200, next_path: str = ""
) -> Response:
    pre = request.cookies.get(auth.PRE_COOKIE_NAME)
    if not pre or not re.fullmatch(r"[A-Za-z0-9_\-]{20,64}", pre):
        pre = secrets.token_urlsafe(24)
    response = templates.TemplateResponse(
        request,
        "login.html",
        {
            "request": request,
            "me": None,
            "csrf": auth.csrf_token(request.app, "pre:" + pre),
            "error": error,
            "next": _safe_next(next_path or request.query_params.get("next")),
        },
        status_code=status,
    )
    response.set_cookie(
        auth.PRE_COOKIE_NAME,
        pre,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/console/login",
        max_age=3600,
    )
    return response


@router.get("/console/login", include_in_schema=False)
async def login_form(request: Request) -> Response:
    return _login_page(request)


async def _sign_in(
    request: Request, username: str, password: str, kind: str
) -> tuple[str | None, str]:
    """Returns (token, reason); audits the attempt."""
    async with _db(request).session() as s:
        result = await auth.authenticate(s, username, password)
        actor = result.staff.username if result.staff is not None else "(不明なユーザー)"
        token = None
        if result.reason == "ok" and result.staff is not None:
            token = await auth.start_session(s, result.staff, kind)
            await audit.record(s, actor, "login" if kind == "cookie" else "token_issued")
        elif result.reason == "locked":
            await audit.record(s, actor, "login_locked")
        else:
            await audit.record(s, actor, "login_failed", detail=result.reason)
    return token, result.reason


LOGIN_ERROR = "ユーザー名またはパスワードが違うか、アカウントが一時的にロックされています。"


@router.post("/console/login", include_in_schema=False)
async def login_submit(request: Request) -> Response:
    form = await request.form()
    pre = request.cookies.get(auth.PRE_COOKIE_NAME)
    supplied = form.get(auth.CSRF_FIELD)
    next_path = str(form.get("next") or "")
    if not auth.csrf_valid(
        request.app, "pre:" + pre if pre else None, supplied if isinstance(supplied, str) else None
    ):
        return _login_page(
            request, "画面の有効期限が切れました。もう一度お試しください。", 403, next_path
        )
    username = str(form.get("username") or "")[:64]
    password = str(form.get("password") or "")[:256]
    token, _reason = await _sign_in(request, username, password, "cookie")
    if token is None:
        return _login_page(request, LOGIN_ERROR, 401, next_path)
    response = RedirectResponse(_safe_next(next_path), status_code=303)
    response.set_cookie(
        auth.COOKIE_NAME,
        token,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/",
        max_age=int(auth.SESSION_FOR.total_seconds()),
    )
    response.delete_cookie(auth.PRE_COOKIE_NAME, path="/console/login")
    return response


@router.post("/console/logout", include_in_schema=False)
async def logout(request: Request) -> Response:
    principal = await page_user(request)
    await auth.require_csrf(request, principal)
    async with _db(request).session() as s:
        await auth.end_session(s, principal.token_hash)
        await audit.record(s, principal.username, "logout")
    response = RedirectResponse("/console/login", status_code=303)
    response.delete_cookie(auth.COOKIE_NAME, path="/")
    return response


# ---------------------------------------------------------------------------- pages: queue


async def _queue_lists(request: Request, principal: Principal) -> dict[str, Any]:
    agencies = _agencies(request, principal)
    async with _db(request).session() as s:
        active = await queue.active(s, agencies)
        closed = await queue.recently_closed(s, agencies)
    waiting = [_queue_row(h) for h in active if h.state == HandoffState.QUEUED]
    working = [_queue_row(h) for h in active if h.state != HandoffState.QUEUED]
    return {
        "waiting": waiting,
        "working": working,
        "closed": [_queue_row(h) for h in closed],
        "outcomes": queue.OUTCOMES,
        "destinations": queue.DESTINATIONS,
    }


@router.get("/console/queue", include_in_schema=False)
async def queue_page(request: Request) -> Response:
    principal = await page_user(request)
    lists = await _queue_lists(request, principal)
    async with _db(request).session() as s:
        await audit.record(
            s, principal.username, "queue_view", detail=f"count={len(lists['waiting'])}"
        )
    return _page(request, principal, "queue.html", **lists)


@router.get("/console/queue/rows", include_in_schema=False)
async def queue_rows(request: Request) -> Response:
    """The queue tables alone: console.js swaps them in when a live update arrives."""
    principal = await page_user(request)
    return _page(request, principal, "_queue_tables.html", **await _queue_lists(request, principal))


@router.get("/console/events/queue", include_in_schema=False)
async def queue_events(request: Request) -> Response:
    principal = await page_user(request)
    return _stream(request, principal, "queue")


# ---------------------------------------------------------------------------- pages: one handoff


async def _handoff_page(
    request: Request,
    principal: Principal,
    handoff: Handoff,
    *,
    status: int = 200,
    transcript: list[dict[str, Any]] | None = None,
    transcript_reason: str = "",
    contact: str | None = None,
    message: str | None = None,
) -> Response:
    summary = _summary_of(handoff)
    sheet = (
        render.sheet(summary, received_by=handoff.claimed_by, after_hours=handoff.after_hours)
        if summary is not None
        else None
    )
    see_chat = _can_see_chat(principal, handoff)
    return _page(
        request,
        principal,
        "handoff.html",
        status=status,
        h=handoff,
        sheet=sheet,
        waiting=queue.waiting(handoff).label,
        agency=_agency_names(request).get(handoff.agency_id, handoff.agency_id),
        chat=await _chat_turns(request, handoff) if see_chat else [],
        see_chat=see_chat,
        can_chat=_can_chat(principal, handoff),
        can_close=handoff.state != HandoffState.CLOSED
        and (handoff.claimed_by == principal.username or principal.at_least("supervisor")),
        notes=await _notes(request, handoff.id),
        transcript=transcript,
        transcript_reason=transcript_reason,
        contact=contact,
        message=message,
        outcomes=queue.OUTCOMES,
        destinations=queue.DESTINATIONS,
        outcome_label=queue.OUTCOMES.get(handoff.outcome or "", handoff.outcome),
        destination_label=queue.DESTINATIONS.get(handoff.destination or "", handoff.destination),
    )


async def _page_action(
    request: Request, action: Callable[[Principal], Coroutine[Any, Any, Any]], handoff_id: str
) -> Response:
    """Run a form action; on success back to the handoff page (POST-redirect-GET)."""
    principal = await page_user(request)
    await auth.require_csrf(request, principal)
    try:
        await action(principal)
    except HTTPException as exc:
        if exc.status_code in (303, 401):
            raise
        try:
            handoff = await _load(request, principal, handoff_id)
        except HTTPException:
            return _error_page(request, principal, exc.status_code, str(exc.detail))
        return await _handoff_page(
            request, principal, handoff, status=exc.status_code, message=str(exc.detail)
        )
    return RedirectResponse(f"/console/handoffs/{handoff_id}", status_code=303)


@router.get("/console/handoffs/{handoff_id}", include_in_schema=False)
async def handoff_page(request: Request, handoff_id: str) -> Response:
    principal = await page_user(request)
    try:
        handoff = await _open(request, principal, handoff_id, "page")
    except HTTPException as exc:
        return _error_page(
            request,
            principal,
            exc.status_code,
            "この引き継ぎは見つかりません（取り消された可能性があります）",
        )
    return await _handoff_page(request, principal, handoff)


@router.get("/console/handoffs/{handoff_id}/events", include_in_schema=False)
async def handoff_events(request: Request, handoff_id: str) -> Response:
    principal = await page_user(request)
    handoff = await _load(request, principal, handoff_id)
    if not _can_see_chat(principal, handoff):
        raise HTTPException(status_code=403, detail="forbidden")
    return _stream(request, principal, f"handoff:{handoff_id}")


async def _form_text(request: Request, name: str) -> str:
    form = await request.form()
    value = form.get(name)
    return value if isinstance(value, str) else ""


@router.post("/console/handoffs/{handoff_id}/claim", include_in_schema=False)
async def claim_form(request: Request, handoff_id: str) -> Response:
    return await _page_action(request, lambda p: _claim(request, p, handoff_id), handoff_id)


@router.post("/console/handoffs/{handoff_id}/live", include_in_schema=False)
async def live_form(request: Request, handoff_id: str) -> Response:
    return await _page_action(request, lambda p: _go_live(request, p, handoff_id), handoff_id)


@router.post("/console/handoffs/{handoff_id}/return", include_in_schema=False)
async def return_form(request: Request, handoff_id: str) -> Response:
    return await _page_action(request, lambda p: _return(request, p, handoff_id), handoff_id)


@router.post("/console/handoffs/{handoff_id}/messages", include_in_schema=False)
async def message_form(request: Request, handoff_id: str) -> Response:
    text = await _form_text(request, "text")
    return await _page_action(request, lambda p: _send(request, p, handoff_id, text), handoff_id)


@router.post("/console/handoffs/{handoff_id}/close", include_in_schema=False)
async def close_form(request: Request, handoff_id: str) -> Response:
    outcome = await _form_text(request, "outcome")
    destination = await _form_text(request, "destination")
    return await _page_action(
        request, lambda p: _close(request, p, handoff_id, outcome, destination), handoff_id
    )


@router.post("/console/handoffs/{handoff_id}/notes", include_in_schema=False)
async def note_form(request: Request, handoff_id: str) -> Response:
    text = await _form_text(request, "text")
    return await _page_action(
        request, lambda p: _add_note(request, p, handoff_id, text), handoff_id
    )


@router.get("/console/handoffs/{handoff_id}/transcript", include_in_schema=False)
async def transcript_without_reason(request: Request, handoff_id: str) -> Response:
    principal = await page_user(request)
    try:
        await _transcript(request, principal, handoff_id, "")
    except HTTPException as exc:
        return _error_page(request, principal, exc.status_code, str(exc.detail))
    raise AssertionError("unreachable")  # pragma: no cover


@router.post("/console/handoffs/{handoff_id}/transcript", include_in_schema=False)
async def transcript_page(request: Request, handoff_id: str) -> Response:
    principal = await page_user(request)
    await auth.require_csrf(request, principal)
    reason = await _form_text(request, "reason")
    try:
        handoff, turns = await _transcript(request, principal, handoff_id, reason)
    except HTTPException as exc:
        if exc.status_code == 404:
            return _error_page(request, principal, 404, "この引き継ぎは見つかりません")
        handoff = await _load(request, principal, handoff_id)
        return await _handoff_page(
            request, principal, handoff, status=exc.status_code, message=str(exc.detail)
        )
    return await _handoff_page(
        request, principal, handoff, transcript=turns, transcript_reason=" ".join(reason.split())
    )


@router.post("/console/handoffs/{handoff_id}/contact", include_in_schema=False)
async def contact_page(request: Request, handoff_id: str) -> Response:
    principal = await page_user(request)
    await auth.require_csrf(request, principal)
    try:
        contact = await _contact(request, principal, handoff_id)
    except HTTPException as exc:
        handoff = await _load(request, principal, handoff_id)
        return await _handoff_page(
            request, principal, handoff, status=exc.status_code, message=str(exc.detail)
        )
    handoff = await _load(request, principal, handoff_id)
    return await _handoff_page(request, principal, handoff, contact=contact)


@router.get("/console/handoffs/{handoff_id}/export", include_in_schema=False)
async def export_page(request: Request, handoff_id: str, format: str = "text") -> Response:
    principal = await page_user(request)
    return await _export(request, principal, handoff_id, format)


# ---------------------------------------------------------------------------- pages: audit, staff


async def _audit_data(request: Request, principal: Principal) -> dict[str, Any]:
    _require_role(principal, "supervisor")
    params = request.query_params
    try:
        page = max(1, int(params.get("page", "1")))
    except ValueError:
        page = 1
    per_page = 100
    filters = {
        "actor": (params.get("actor") or "").strip()[:64] or None,
        "handoff_id": (params.get("handoff") or "").strip()[:32] or None,
        "action": (params.get("action") or "").strip()[:64] or None,
    }
    async with _db(request).session() as s:
        rows, total = await audit.entries(
            s,
            actor=filters["actor"],
            handoff_id=filters["handoff_id"],
            action=filters["action"],
            limit=per_page,
            offset=(page - 1) * per_page,
        )
        await audit.record(
            s,
            principal.username,
            "audit_view",
            detail=" ".join(f"{k}={v}" for k, v in filters.items() if v) or "all",
        )
    return {
        "rows": rows,
        "total": total,
        "page": page,
        "pages": max(1, -(-total // per_page)),
        "filters": filters,
        "actions": audit.ACTIONS,
    }


@router.get("/console/audit", include_in_schema=False)
async def audit_page(request: Request) -> Response:
    principal = await page_user(request)
    if not principal.at_least("supervisor"):
        return _error_page(request, principal, 403, "監査ログはスーパーバイザー以上が見られます")
    data = await _audit_data(request, principal)
    return _page(
        request,
        principal,
        "audit.html",
        when=render._when,
        **data,
    )


async def _staff_list(request: Request) -> list[Staff]:
    async with _db(request).session() as s:
        return list((await s.exec(select(Staff).order_by(col(Staff.username)))).all())


def _staff_json(staff: Staff) -> dict[str, Any]:
    return {
        "id": staff.id,
        "username": staff.username,
        "role": staff.role,
        "agency_id": staff.agency_id,
        "active": staff.active,
        "locked": auth.is_locked(staff),
        "created_at": _iso(staff.created_at),
    }


async def _staff_add(request: Request, principal: Principal, data: dict[str, Any]) -> Staff:
    _require_role(principal, "admin")
    agency = str(data.get("agency_id") or "")
    if agency and agency not in _agency_names(request):
        raise HTTPException(status_code=422, detail="その機関は設定にありません")
    try:
        async with _db(request).session() as s:
            staff = await auth.create_staff(
                s,
                str(data.get("username") or ""),
                str(data.get("password") or ""),
                str(data.get("role") or "staff"),
                agency,
            )
            await audit.record(
                s,
                principal.username,
                "staff_add",
                detail=f"user={staff.username} role={staff.role}",
            )
    except auth.AuthError as exc:
        raise HTTPException(status_code=422, detail=str(exc)) from exc
    return staff


async def _staff_update(
    request: Request, principal: Principal, staff_id: int, data: dict[str, Any]
) -> Staff:
    _require_role(principal, "admin")
    changes: list[str] = []
    try:
        async with _db(request).session() as s:
            staff = await s.get(Staff, staff_id)
            if staff is None:
                raise HTTPException(status_code=404, detail="no such staff")
            if staff.id == principal.staff_id and (
                data.get("active") is False or data.get("role") not in (None, "admin")
            ):
                raise HTTPException(status_code=422, detail="自分自身の権限は変更できません")
            role = data.get("role")
            if role is not None:
                if role not in auth.ROLES:
                    raise HTTPException(status_code=422, detail="invalid role")
                staff.role = str(role)
                changes.append(f"role={role}")
            if "agency_id" in data and data["agency_id"] is not None:
                agency = str(data["agency_id"])
                if agency and agency not in _agency_names(request):
                    raise HTTPException(status_code=422, detail="その機関は設定にありません")
                staff.agency_id = agency
                changes.append(f"agency={agency or '-'}")
            if data.get("active") is not None:
                staff.active = bool(data["active"])
                changes.append(f"active={staff.active}")
                if not staff.active:
                    await auth.end_sessions(s, staff.id)
            if data.get("unlock"):
                staff.locked_until = None
                staff.failed_logins = 0
                changes.append("unlock")
            s.add(staff)
            if data.get("password"):
                await auth.set_password(s, staff, str(data["password"]))
                await audit.record(
                    s, principal.username, "staff_password", detail=f"user={staff.username}"
                )
            if changes:
                await audit.record(
                    s,
                    principal.username,
                    "staff_update",
                    detail=f"user={staff.username} " + " ".join(changes),
                )
    except auth.AuthError as exc:
        raise HTTPException(status_code=422, detail=str(exc)) from exc
    return staff


async def _staff_page(
    request: Request, principal: Principal, status: int = 200, message: str | None = None
) -> Response:
    return _page(
        request,
        principal,
        "staff.html",
        status=status,
        staff=await _staff_list(request),
        roles=auth.ROLE_LABELS,
        agencies=_agency_names(request),
        locked=auth.is_locked,
        message=message,
        min_password=auth.MIN_PASSWORD_LENGTH,
    )


@router.get("/console/staff", include_in_schema=False)
async def staff_page(request: Request) -> Response:
    principal = await page_user(request)
    if not principal.at_least("admin"):
        return _error_page(request, principal, 403, "職員の管理は管理者だけができます")
    async with _db(request).session() as s:
        await audit.record(s, principal.username, "staff_view")
    return await _staff_page(request, principal)


@router.post("/console/staff", include_in_schema=False)
async def staff_add_form(request: Request) -> Response:
    principal = await page_user(request)
    await auth.require_csrf(request, principal)
    form = await request.form()
    try:
        staff = await _staff_add(
            request,
            principal,
            {k: form.get(k) for k in ("username", "password", "role", "agency_id")},
        )
    except HTTPException as exc:
        if exc.status_code == 403:
            return _error_page(request, principal, 403, "職員の管理は管理者だけができます")
        return await _staff_page(request, principal, exc.status_code, str(exc.detail))
    return await _staff_page(request, principal, message=f"{staff.username} を追加しました")


@router.post("/console/staff/{staff_id}", include_in_schema=False)
async def staff_update_form(request: Request, staff_id: int) -> Response:
    principal = await page_user(request)
    await auth.require_csrf(request, principal)
    form = await request.form()
    op = form.get("op")
    data: dict[str, Any] = {}
    if op == "role":
        data["role"] = form.get("role")
    elif op == "agency":
        data["agency_id"] = form.get("agency_id") or ""
    elif op == "deactivate":
        data["active"] = False
    elif op == "activate":
        data["active"] = True
    elif op == "unlock":
        data["unlock"] = True
    elif op == "password":
        data["password"] = form.get("password") or ""
    try:
        staff = await _staff_update(request, principal, staff_id, data)
    except HTTPException as exc:
        if exc.status_code == 403:
            return _error_page(request, principal, 403, "職員の管理は管理者だけができます")
        return await _staff_page(request, principal, exc.status_code, str(exc.detail))
    return await _staff_page(request, principal, message=f"{staff.username} を変更しました")


# ---------------------------------------------------------------------------- JSON API


async def _json_body(request: Request) -> dict[str, Any]:
    try:
        data = await request.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise HTTPException(status_code=400, detail="JSON body expected") from None
    if not isinstance(data, dict):
        raise HTTPException(status_code=400, detail="JSON object expected")
    return data


async def _api_write(request: Request) -> Principal:
    principal = await api_user(request)
    await auth.require_csrf(request, principal)
    return principal


@router.post("/api/console/login")
async def api_login(request: Request) -> Response:
    data = await _json_body(request)
    username, password = data.get("username"), data.get("password")
    if not isinstance(username, str) or not isinstance(password, str):
        raise HTTPException(status_code=422, detail="username and password are required")
    token, _reason = await _sign_in(request, username[:64], password[:256], "bearer")
    if token is None:
        raise HTTPException(status_code=401, detail=LOGIN_ERROR)
    expires = utcnow() + auth.SESSION_FOR
    return JSONResponse({"token": token, "token_type": "bearer", "expires_at": expires.isoformat()})


@router.post("/api/console/logout")
async def api_logout(request: Request) -> Response:
    principal = await _api_write(request)
    async with _db(request).session() as s:
        await auth.end_session(s, principal.token_hash)
        await audit.record(s, principal.username, "logout")
    return JSONResponse({"ok": True})


@router.get("/api/console/me")
async def api_me(request: Request) -> Response:
    principal = await api_user(request)
    return JSONResponse(
        {"username": principal.username, "role": principal.role, "agency_id": principal.agency_id}
    )


@router.get("/api/console/handoffs")
async def api_handoffs(request: Request, state: str = "active") -> Response:
    """The queue in order (P0 first, then longest waiting), each with its §8 summary."""
    principal = await api_user(request)
    agencies = _agencies(request, principal)
    async with _db(request).session() as s:
        if state == "closed":
            rows = await queue.recently_closed(s, agencies, limit=200)
        elif state == "active":
            rows = await queue.active(s, agencies)
        elif state in queue.ACTIVE_STATES:
            rows = [h for h in await queue.active(s, agencies) if h.state == state]
        else:
            raise HTTPException(status_code=422, detail="unknown state")
        await audit.record(s, principal.username, "queue_view", detail=f"api count={len(rows)}")
    return JSONResponse({"handoffs": [handoff_json(h) for h in rows]})


@router.get("/api/console/handoffs/{handoff_id}")
async def api_handoff(request: Request, handoff_id: str) -> Response:
    principal = await api_user(request)
    handoff = await _open(request, principal, handoff_id, "api")
    data = handoff_json(handoff)
    summary = _summary_of(handoff)
    if summary is not None:
        data["sheet_text"] = render.to_text(
            render.sheet(summary, received_by=handoff.claimed_by, after_hours=handoff.after_hours)
        )
    if _can_see_chat(principal, handoff):
        data["chat"] = [
            {k: v for k, v in t.items() if k != "at_dt"}
            for t in await _chat_turns(request, handoff)
        ]
    return JSONResponse(data)


@router.post("/api/console/handoffs/{handoff_id}/claim")
async def api_claim(request: Request, handoff_id: str) -> Response:
    principal = await _api_write(request)
    return JSONResponse(
        handoff_json(await _claim(request, principal, handoff_id), with_summary=False)
    )


@router.post("/api/console/handoffs/{handoff_id}/live")
async def api_live(request: Request, handoff_id: str) -> Response:
    principal = await _api_write(request)
    return JSONResponse(
        handoff_json(await _go_live(request, principal, handoff_id), with_summary=False)
    )


@router.post("/api/console/handoffs/{handoff_id}/return")
async def api_return(request: Request, handoff_id: str) -> Response:
    principal = await _api_write(request)
    return JSONResponse(
        handoff_json(await _return(request, principal, handoff_id), with_summary=False)
    )


@router.post("/api/console/handoffs/{handoff_id}/messages")
async def api_message(request: Request, handoff_id: str) -> Response:
    principal = await _api_write(request)
    data = await _json_body(request)
    handoff = await _send(request, principal, handoff_id, str(data.get("text") or ""))
    return JSONResponse({"ok": True, "state": handoff.state})


@router.post("/api/console/handoffs/{handoff_id}/close")
async def api_close(request: Request, handoff_id: str) -> Response:
    principal = await _api_write(request)
    data = await _json_body(request)
    handoff = await _close(
        request,
        principal,
        handoff_id,
        str(data.get("outcome") or ""),
        str(data.get("destination") or "") or None,
    )
    return JSONResponse(handoff_json(handoff, with_summary=False))


@router.get("/api/console/handoffs/{handoff_id}/notes")
async def api_notes(request: Request, handoff_id: str) -> Response:
    principal = await api_user(request)
    await _load(request, principal, handoff_id)
    notes = await _notes(request, handoff_id)
    return JSONResponse(
        {"notes": [{"author": n.author, "text": n.text, "at": _iso(n.at)} for n in notes]}
    )


@router.post("/api/console/handoffs/{handoff_id}/notes")
async def api_add_note(request: Request, handoff_id: str) -> Response:
    principal = await _api_write(request)
    data = await _json_body(request)
    note = await _add_note(request, principal, handoff_id, str(data.get("text") or ""))
    return JSONResponse(
        {"author": note.author, "text": note.text, "at": _iso(note.at)}, status_code=201
    )


@router.get("/api/console/handoffs/{handoff_id}/transcript")
async def api_transcript_without_reason(request: Request, handoff_id: str) -> Response:
    principal = await api_user(request)
    await _transcript(request, principal, handoff_id, "")
    raise AssertionError("unreachable")  # pragma: no cover


@router.post("/api/console/handoffs/{handoff_id}/transcript")
async def api_transcript(request: Request, handoff_id: str) -> Response:
    principal = await _api_write(request)
    data = await _json_body(request)
    _handoff, turns = await _transcript(
        request, principal, handoff_id, str(data.get("reason") or "")
    )
    return JSONResponse({"turns": [{k: v for k, v in t.items() if k != "at_dt"} for t in turns]})


@router.post("/api/console/handoffs/{handoff_id}/contact")
async def api_contact(request: Request, handoff_id: str) -> Response:
    principal = await _api_write(request)
    return JSONResponse({"contact": await _contact(request, principal, handoff_id)})


@router.get("/api/console/handoffs/{handoff_id}/export")
async def api_export(request: Request, handoff_id: str, format: str = "json") -> Response:
    principal = await api_user(request)
    return await _export(request, principal, handoff_id, format)


@router.get("/api/console/events")
async def api_events(request: Request) -> Response:
    principal = await api_user(request)
    return _stream(request, principal, "queue")


@router.get("/api/console/handoffs/{handoff_id}/events")
async def api_handoff_events(request: Request, handoff_id: str) -> Response:
    principal = await api_user(request)
    handoff = await _load(request, principal, handoff_id)
    if not _can_see_chat(principal, handoff):
        raise HTTPException(status_code=403, detail="forbidden")
    return _stream(request, principal, f"handoff:{handoff_id}")


@router.get("/api/console/audit")
async def api_audit(request: Request) -> Response:
    principal = await api_user(request)
    data = await _audit_data(request, principal)
    return JSONResponse(
        {
            "total": data["total"],
            "page": data["page"],
            "entries": [
                {
                    "at": _iso(r.at),
                    "actor": r.actor,
                    "action": r.action,
                    "handoff_id": r.handoff_id,
                    "detail": r.detail,
                }
                for r in data["rows"]
            ],
        }
    )


@router.get("/api/console/staff")
async def api_staff(request: Request) -> Response:
    principal = await api_user(request)
    _require_role(principal, "admin")
    async with _db(request).session() as s:
        await audit.record(s, principal.username, "staff_view", detail="api")
    return JSONResponse({"staff": [_staff_json(x) for x in await _staff_list(request)]})


@router.post("/api/console/staff")
async def api_staff_add(request: Request) -> Response:
    principal = await _api_write(request)
    staff = await _staff_add(request, principal, await _json_body(request))
    return JSONResponse(_staff_json(staff), status_code=201)


@router.patch("/api/console/staff/{staff_id}")
async def api_staff_update(request: Request, staff_id: int) -> Response:
    principal = await _api_write(request)
    staff = await _staff_update(request, principal, staff_id, await _json_body(request))
    return JSONResponse(_staff_json(staff))
