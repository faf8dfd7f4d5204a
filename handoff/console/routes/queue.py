"""The queue: P0 first, then the longest waiting; the tables console.js swaps in live."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.responses import JSONResponse

from flows.triage import CATEGORY_LABELS
from handoff import audit, queue
from handoff.auth import Principal
from handoff.console import pages, security
from handoff.console.deps import ApiUser, PageUser, Services, Svc
from handoff.console.routes import alerts
from handoff.console.views import queue_row, queue_row_json
from handoff.models import ACTIVE_STATES, HandoffState

router = APIRouter(route_class=security.ConsoleRoute)


async def _lists(svc: Services, principal: Principal) -> dict[str, Any]:
    agencies = svc.visible(principal)
    async with svc.db.session() as s:
        active = await queue.active(s, agencies)
        closed = await queue.recently_closed(s, agencies)
    return {
        "waiting": [queue_row(h) for h in active if h.state == HandoffState.QUEUED],
        "working": [queue_row(h) for h in active if h.state != HandoffState.QUEUED],
        "closed": [queue_row(h) for h in closed],
        "alerts": await alerts.cards(svc),
        "category_labels": CATEGORY_LABELS,
        "outcomes": queue.OUTCOMES,
        "destinations": queue.DESTINATIONS,
    }


@router.get("/console/queue", include_in_schema=False)
async def queue_page(request: Request, svc: Svc, me: PageUser) -> Response:
    lists = await _lists(svc, me)
    await _audit_rows(svc, me, lists, "page")
    stale = svc.stale_hotlines() if me.at_least("admin") else []
    return pages.page(request, svc, me, "queue.html", stale_hotlines=stale, **lists)


@router.get("/console/queue/rows", include_in_schema=False)
async def queue_rows(request: Request, svc: Svc, me: PageUser) -> Response:
    """The queue tables alone: console.js swaps them in when a live update arrives."""
    lists = await _lists(svc, me)
    await _audit_rows(svc, me, lists, "rows")
    return pages.page(request, svc, me, "_queue_tables.html", **lists)


async def _audit_rows(svc: Services, principal: Principal, lists: dict[str, Any], via: str) -> None:
    """A queue row shows a little of each handoff (level, main concern, who wrote): one audit
    record per handoff shown, besides the listing itself."""
    shown = [row["h"].id for key in ("waiting", "working", "closed") for row in lists[key]]
    async with svc.db.session() as s:
        await audit.record(s, principal.username, "queue_view", detail=f"{via} count={len(shown)}")
        for hid in shown:
            await audit.record(s, principal.username, "list_view", hid, via)


@router.get("/api/console/handoffs")
async def api_handoffs(svc: Svc, me: ApiUser, state: str = "active") -> Response:
    """The queue in order (P0 first, then longest waiting): what a queue row needs, no summary
    (``GET /api/console/handoffs/{id}`` opens one). One audit record per handoff returned."""
    agencies = svc.visible(me)
    async with svc.db.session() as s:
        if state == "closed":
            rows = await queue.recently_closed(s, agencies, limit=200)
        elif state == "active":
            rows = await queue.active(s, agencies)
        elif state in ACTIVE_STATES:
            rows = [h for h in await queue.active(s, agencies) if h.state == state]
        else:
            raise HTTPException(status_code=422, detail="unknown state")
        await audit.record(s, me.username, "queue_view", detail=f"api count={len(rows)}")
        for h in rows:
            await audit.record(s, me.username, "list_view", h.id, "api")
    return JSONResponse({"handoffs": [queue_row_json(h) for h in rows]})
