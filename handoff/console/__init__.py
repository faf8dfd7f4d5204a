"""The caseworker's handoff console: server-rendered pages under ``/console/`` and the same
actions as JSON under ``/api/console/``, routes grouped by noun in ``routes/``.

The app hands the console its services once, typed (``deps.Services``: the database, the live
hub, the ``ResidentLink`` to the conversation, the key for contact details), so this package
never imports ``bot``. Every page view and action is written to the audit log. Resident text
reaches the browser only through autoescaped templates or ``textContent``."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI

from handoff.console import security
from handoff.console.deps import Services, install, services_of
from handoff.console.routes import (
    alerts,
    audit,
    cases,
    events,
    figures,
    handoffs,
    hotlines,
    meetings,
    notes,
    outreach,
    queue,
    records,
    session,
    staff,
)

# One flat router of the nouns' routes (their prefixes are in the paths): the app includes it,
# and ``router.routes`` lists every console route.
router = APIRouter(route_class=security.ConsoleRoute)
for _part in (
    session,
    queue,
    alerts,
    handoffs,
    outreach,
    meetings,
    cases,
    notes,
    records,
    events,
    audit,
    figures,
    staff,
    hotlines,
):
    router.routes.extend(_part.router.routes)


async def startup(app: FastAPI, services: Services) -> None:
    install(app, services)


async def shutdown(app: FastAPI) -> None:
    """Ends the open event streams, so the server can stop."""
    services = services_of(app)
    if services is not None:
        services.shutdown.set()


__all__ = ["Services", "router", "shutdown", "startup"]
