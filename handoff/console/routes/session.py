"""Signing in and out (pages and bearer tokens), the caller's identity, and the static files."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.responses import JSONResponse, RedirectResponse

from handoff import audit, auth
from handoff.console import pages, security
from handoff.console.deps import ApiUser, ApiWriter, PageWriter, Services, Svc, json_body
from handoff.models import utcnow

router = APIRouter(route_class=security.ConsoleRoute)

STATIC = Path(__file__).resolve().parents[2] / "static"
STATIC_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}
LOGIN_ERROR = "ユーザー名またはパスワードが違うか、アカウントが一時的にロックされています。"


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


@router.get("/console", include_in_schema=False)
@router.get("/console/", include_in_schema=False)
async def console_root() -> Response:
    return RedirectResponse("/console/queue", status_code=303)


@router.get("/console/login", include_in_schema=False)
async def login_form(request: Request, svc: Svc) -> Response:
    return pages.login_page(request, svc)


def _address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


async def _sign_in(
    svc: Services, username: str, password: str, kind: str, address: str
) -> str | None:
    """A session token, or None; audits the attempt. An address that keeps failing waits."""
    if svc.throttle.wait(address) > 0:
        async with svc.db.session() as s:
            await audit.record(s, "(不明なユーザー)", "login_failed", detail="throttled")
        return None
    async with svc.db.session() as s:
        result = await auth.authenticate(s, username, password)
        if result.reason == "ok":
            svc.throttle.succeeded(address)
        else:
            svc.throttle.failed(address)
        actor = result.staff.username if result.staff is not None else "(不明なユーザー)"
        token = None
        if result.reason == "ok" and result.staff is not None:
            token = await auth.start_session(s, result.staff, kind)
            await audit.record(s, actor, "login" if kind == "cookie" else "token_issued")
        elif result.reason == "locked":
            await audit.record(s, actor, "login_locked")
        else:
            await audit.record(s, actor, "login_failed", detail=result.reason)
    return token


@router.post("/console/login", include_in_schema=False)
async def login_submit(request: Request, svc: Svc) -> Response:
    form = await request.form()
    pre = request.cookies.get(auth.PRE_COOKIE_NAME)
    supplied = form.get(auth.CSRF_FIELD)
    next_path = str(form.get("next") or "")
    if not security.csrf_valid(
        svc.secret, "pre:" + pre if pre else None, supplied if isinstance(supplied, str) else None
    ):
        return pages.login_page(
            request, svc, "画面の有効期限が切れました。もう一度お試しください。", 403, next_path
        )
    username = str(form.get("username") or "")[:64]
    password = str(form.get("password") or "")[:256]
    token = await _sign_in(svc, username, password, "cookie", _address(request))
    if token is None:
        return pages.login_page(request, svc, LOGIN_ERROR, 401, next_path)
    response = RedirectResponse(security.safe_next(next_path), status_code=303)
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
async def logout(svc: Svc, me: PageWriter) -> Response:
    async with svc.db.session() as s:
        await auth.end_session(s, me.token_hash)
        await audit.record(s, me.username, "logout")
    response = RedirectResponse("/console/login", status_code=303)
    response.delete_cookie(auth.COOKIE_NAME, path="/")
    return response


@router.post("/api/console/login")
async def api_login(request: Request, svc: Svc) -> Response:
    data = await json_body(request)
    username, password = data.get("username"), data.get("password")
    if not isinstance(username, str) or not isinstance(password, str):
        raise HTTPException(status_code=422, detail="username and password are required")
    token = await _sign_in(svc, username[:64], password[:256], "bearer", _address(request))
    if token is None:
        raise HTTPException(status_code=401, detail=LOGIN_ERROR)
    expires = utcnow() + auth.SESSION_FOR
    return JSONResponse({"token": token, "token_type": "bearer", "expires_at": expires.isoformat()})


@router.post("/api/console/logout")
async def api_logout(svc: Svc, me: ApiWriter) -> Response:
    async with svc.db.session() as s:
        await auth.end_session(s, me.token_hash)
        await audit.record(s, me.username, "logout")
    return JSONResponse({"ok": True})


@router.get("/api/console/me")
async def api_me(me: ApiUser) -> Response:
    return JSONResponse({"username": me.username, "role": me.role, "agency_id": me.agency_id})
