"""The console's request-side security: response headers (a strict Content-Security-Policy on
every response, errors included), who is calling (session cookie or bearer token), CSRF tokens,
and where a sign-in may redirect to."""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import HTTPException, Request, Response
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute

from handoff import auth
from handoff.auth import Principal
from handoff.ports import Sessions

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


def safe_next(value: str | None) -> str:
    """Only a console path may follow a sign-in (no open redirect)."""
    if value and re.fullmatch(r"/console/[A-Za-z0-9/_\-]*", value):
        return value
    return "/console/queue"


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return None


async def principal_from_request(
    request: Request, db: Sessions, *, allow_bearer: bool
) -> Principal | None:
    """The caller, from the session cookie or (for the JSON API) a bearer token."""
    cached: Principal | None = getattr(request.state, "principal", None)
    if cached is not None:
        return cached
    token = bearer_token(request) if allow_bearer else None
    via = "bearer"
    if token is None:
        token = request.cookies.get(auth.COOKIE_NAME)
        via = "cookie"
    if not token:
        return None
    async with db.session() as session:
        principal = await auth.principal_for_token(session, token, via)
    request.state.principal = principal
    return principal


def csrf_token(secret: bytes, binding: str) -> str:
    """An HMAC of the session (or pre-login) binding: forms and fetch() send it back."""
    return hmac.new(secret, f"tobira/csrf/v1:{binding}".encode(), hashlib.sha256).hexdigest()


def csrf_valid(secret: bytes, binding: str | None, supplied: str | None) -> bool:
    if not binding or not supplied:
        return False
    return hmac.compare_digest(csrf_token(secret, binding), supplied)


async def require_csrf(request: Request, principal: Principal, secret: bytes) -> None:
    """Refuse a state-changing request that does not carry this session's CSRF token.

    Bearer-token calls carry no ambient credentials, so they need none."""
    if principal.via == "bearer":
        return
    supplied = request.headers.get(auth.CSRF_HEADER)
    if supplied is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        value = form.get(auth.CSRF_FIELD)
        supplied = value if isinstance(value, str) else None
    if not csrf_valid(secret, principal.token_hash, supplied):
        raise HTTPException(status_code=403, detail="CSRF token missing or invalid")
