"""Rendering the console's server-side pages: the template environment, the context every page
gets (the caller, the CSRF token, labels), the handoff page, and the form-action pattern
(POST, then redirect back, or the page again with the error)."""

from __future__ import annotations

import re
import secrets
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import HTTPException, Request, Response
from fastapi.responses import RedirectResponse
from fastapi.templating import Jinja2Templates

from flows.municipality import JST
from handoff import auth, queue, sheet
from handoff.auth import Principal
from handoff.console import actions, casework, security, views
from handoff.console.deps import Services
from handoff.models import Handoff

templates = Jinja2Templates(env=sheet.environment())
templates.env.globals["jst"] = JST


def page(
    request: Request,
    svc: Services,
    principal: Principal | None,
    name: str,
    status: int = 200,
    **values: Any,
) -> Response:
    context = {
        "request": request,
        "me": principal,
        "csrf": security.csrf_token(svc.secret, principal.token_hash) if principal else "",
        "state_labels": queue.STATE_LABELS,
        "level_labels": queue.LEVEL_LABELS,
        **values,
    }
    return templates.TemplateResponse(request, name, context, status_code=status)


def error_page(
    request: Request, svc: Services, principal: Principal, status: int, message: str
) -> Response:
    return page(request, svc, principal, "error.html", status=status, message=message)


def login_page(
    request: Request,
    svc: Services,
    error: str | None = None,
    status: int = 200,
    next_path: str = "",
) -> Response:
    """The sign-in form; its CSRF token is bound to a pre-login cookie."""
    pre = request.cookies.get(auth.PRE_COOKIE_NAME)
    if not pre or not re.fullmatch(r"[A-Za-z0-9_\-]{20,64}", pre):
        pre = secrets.token_urlsafe(24)
    response = templates.TemplateResponse(
        request,
        "login.html",
        {
            "request": request,
            "me": None,
            "csrf": security.csrf_token(svc.secret, "pre:" + pre),
            "error": error,
            "next": security.safe_next(next_path or request.query_params.get("next")),
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


async def handoff_page(
    request: Request,
    svc: Services,
    principal: Principal,
    handoff: Handoff,
    *,
    status: int = 200,
    transcript: list[dict[str, Any]] | None = None,
    transcript_reason: str = "",
    contact: str | None = None,
    message: str | None = None,
) -> Response:
    see_chat = views.can_see_chat(principal, handoff)
    return page(
        request,
        svc,
        principal,
        "handoff.html",
        status=status,
        h=handoff,
        sheet=views.sheet_of(handoff),
        waiting=queue.waiting(handoff).label,
        agency=svc.agencies.get(handoff.agency_id, handoff.agency_id),
        chat=await actions.chat_turns(svc, handoff) if see_chat else [],
        see_chat=see_chat,
        can_chat=views.can_chat(principal, handoff),
        can_close=views.can_close(principal, handoff),
        notes=await actions.notes_of(svc, principal, handoff.id),
        transcript_refusal=await actions.transcript_scope(svc, handoff),
        transcript=transcript,
        transcript_reason=transcript_reason,
        contact=contact,
        message=message,
        outcomes=queue.OUTCOMES,
        destinations=queue.DESTINATIONS,
        outcome_label=queue.OUTCOMES.get(handoff.outcome or "", handoff.outcome),
        destination_label=queue.DESTINATIONS.get(handoff.destination or "", handoff.destination),
        followup_until=await casework.followup_until(svc, handoff),
        transfers=await casework.transfers_of(svc, handoff),
        other_agencies={k: v for k, v in svc.agencies.items() if k != handoff.agency_id},
    )


async def page_action(
    request: Request,
    svc: Services,
    principal: Principal,
    handoff_id: str,
    action: Callable[[], Awaitable[Any]],
) -> Response:
    """Run a form action; on success back to the handoff page (POST-redirect-GET), otherwise
    the handoff page again with the error."""
    try:
        await action()
    except HTTPException as exc:
        if exc.status_code in (303, 401):
            raise
        try:
            handoff = await actions.load(svc, principal, handoff_id)
        except HTTPException:
            return error_page(request, svc, principal, exc.status_code, str(exc.detail))
        return await handoff_page(
            request, svc, principal, handoff, status=exc.status_code, message=str(exc.detail)
        )
    return RedirectResponse(f"/console/handoffs/{handoff_id}", status_code=303)
