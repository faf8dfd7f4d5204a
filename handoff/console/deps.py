"""What a console route needs, as typed ``Annotated`` dependencies (FastAPI template style).

``bot`` builds one ``Services`` at start-up (``console.startup``); routes ask for ``Svc``, the
caller (``PageUser``, ``ApiUser``), or a caller whose CSRF token was checked (``PageWriter``,
``ApiWriter``) instead of reaching into ``request.app.state``."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated, Any
from urllib.parse import quote

import anyio
from fastapi import Depends, FastAPI, HTTPException, Request

from handoff import queue
from handoff.auth import Principal
from handoff.console import security
from handoff.live import LiveHub
from handoff.models import utcnow
from handoff.ports import CrisisDesk, Decrypter, ResidentLink, Sessions
from handoff.throttle import AddressThrottle


@dataclass
class Services:
    """The console's handles on the app, typed (so mypy and the import graph see handoff → bot)."""

    db: Sessions
    live: LiveHub
    link: ResidentLink
    keys: Decrypter
    secret: bytes  # keys CSRF tokens
    agencies: dict[str, str]  # id -> name
    default_agency: str
    # hotlines past the city's review period: name, number, verified_at (ISO date)
    stale_hotlines: Callable[[], list[dict[str, str]]] = lambda: []
    crisis: CrisisDesk | None = None  # alert cards for people in danger without consent
    municipality_code: str = "999999"  # the city's code, for summaries staff enter
    followup_days: int = 90  # the city's window for writing after closing (opt-in only)
    clock: Callable[[], dt.datetime] = utcnow  # tests inject one
    shutdown: anyio.Event = field(default_factory=anyio.Event)
    throttle: AddressThrottle = field(default_factory=AddressThrottle)  # sign-in, per address

    def visible(self, principal: Principal) -> set[str] | None:
        """Agencies whose handoffs this caller sees; None = all (admins)."""
        return queue.visible_agencies(principal.agency_id, principal.role, self.default_agency)


def install(app: FastAPI, services: Services) -> None:
    app.state.console = services


def services_of(app: FastAPI) -> Services | None:
    found = getattr(app.state, "console", None)
    return found if isinstance(found, Services) else None


def get_services(request: Request) -> Services:
    found = services_of(request.app)
    if found is None:
        raise HTTPException(status_code=503, detail="starting")
    return found


Svc = Annotated[Services, Depends(get_services)]


async def page_user(request: Request, svc: Svc) -> Principal:
    principal = await security.principal_from_request(request, svc.db, allow_bearer=False)
    if principal is None:
        target = "/console/login?next=" + quote(request.url.path, safe="/")
        raise HTTPException(status_code=303, detail="sign in", headers={"Location": target})
    return principal


async def api_user(request: Request, svc: Svc) -> Principal:
    principal = await security.principal_from_request(request, svc.db, allow_bearer=True)
    if principal is None:
        raise HTTPException(
            status_code=401, detail="not signed in", headers={"WWW-Authenticate": "Bearer"}
        )
    return principal


PageUser = Annotated[Principal, Depends(page_user)]
ApiUser = Annotated[Principal, Depends(api_user)]


async def page_writer(request: Request, svc: Svc, principal: PageUser) -> Principal:
    await security.require_csrf(request, principal, svc.secret)
    return principal


async def api_writer(request: Request, svc: Svc, principal: ApiUser) -> Principal:
    await security.require_csrf(request, principal, svc.secret)
    return principal


PageWriter = Annotated[Principal, Depends(page_writer)]
ApiWriter = Annotated[Principal, Depends(api_writer)]


def require_role(principal: Principal, role: str) -> None:
    if not principal.at_least(role):
        raise HTTPException(status_code=403, detail="forbidden")


async def json_body(request: Request) -> dict[str, Any]:
    try:
        data = await request.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise HTTPException(status_code=400, detail="JSON body expected") from None
    if not isinstance(data, dict):
        raise HTTPException(status_code=400, detail="JSON object expected")
    return data


async def form_text(request: Request, name: str) -> str:
    form = await request.form()
    value = form.get(name)
    return value if isinstance(value, str) else ""
