"""The queue: P0 first, then the longest waiting; the tables console.js swaps in live."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request, Response
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


async def _lists(svc: Services, principal: Principal, cursor: str | None) -> dict[str, Any]:
    """One page of the active queue (its total and the next page's cursor) and the recently
    closed; a stale or foreign cursor shows the first page."""
    agencies = svc.visible(principal)
    async with svc.db.session() as s:
        try:
            page = await queue.active(s, agencies, cursor=cursor)
        except queue.BadCursor:
            page = await queue.active(s, agencies)
        closed = await queue.closed(s, agencies, count=False)
    rows = [queue_row(item) for item in page.items]
    return {
        "waiting": [r for r in rows if r["h"].state == HandoffState.QUEUED],
        "working": [r for r in rows if r["h"].state != HandoffState.QUEUED],
        "closed": [queue_row(item) for item in closed.items],
        "page": page,
        "waiting_total": page.counts.get(HandoffState.QUEUED, 0),
        "alerts": await alerts.cards(svc),
        "category_labels": CATEGORY_LABELS,
        "outcomes": queue.OUTCOMES,
        "destinations": queue.DESTINATIONS,
    }


@router.get("/console/queue", include_in_schema=False)
async def queue_page(
    request: Request, svc: Svc, me: PageUser, cursor: str | None = None
) -> Response:
    lists = await _lists(svc, me, cursor)
    await _audit_rows(svc, me, lists, "page")
    stale = svc.stale_hotlines() if me.at_least("admin") else []
    return pages.page(request, svc, me, "queue.html", stale_hotlines=stale, **lists)


@router.get("/console/queue/rows", include_in_schema=False)
async def queue_rows(
    request: Request, svc: Svc, me: PageUser, cursor: str | None = None
) -> Response:
    """The queue tables alone (the same page): console.js swaps them in on a live update."""
    lists = await _lists(svc, me, cursor)
    await _audit_rows(svc, me, lists, "rows")
    return pages.page(request, svc, me, "_queue_tables.html", **lists)


async def _audit_rows(svc: Services, principal: Principal, lists: dict[str, Any], via: str) -> None:
    """A queue row shows a little of each handoff (level, main concern, who wrote): one audit
    record per handoff shown, besides the listing itself."""
    shown = [row["h"].id for key in ("waiting", "working", "closed") for row in lists[key]]
    async with svc.db.session() as s:
        await audit.record(s, principal.username, "queue_view", detail=f"{via} count={len(shown)}")
        await audit.record_each(s, principal.username, "list_view", shown, via)


@router.get("/api/console/handoffs")
async def api_handoffs(
    svc: Svc,
    me: ApiUser,
    state: str = "active",
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=queue.MAX_PAGE)] = queue.PAGE_SIZE,
) -> Response:
    """One page of the queue in order (P0 first, then longest waiting): what a queue row needs,
    no summary (``GET /api/console/handoffs/{id}`` opens one), the list's ``total`` and the
    ``next_cursor`` (null on the last page). One audit record per handoff returned."""
    agencies = svc.visible(me)
    if state not in ("active", "closed", *ACTIVE_STATES):
        raise HTTPException(status_code=422, detail="unknown state")
    async with svc.db.session() as s:
        try:
            if state == "closed":
                page = await queue.closed(s, agencies, cursor=cursor, limit=limit)
            else:
                states = ACTIVE_STATES if state == "active" else (state,)
                page = await queue.active(s, agencies, states=states, cursor=cursor, limit=limit)
        except queue.BadCursor:
            raise HTTPException(status_code=422, detail="bad cursor") from None
        await audit.record(s, me.username, "queue_view", detail=f"api count={len(page.items)}")
        await audit.record_each(
            s, me.username, "list_view", [i.handoff.id for i in page.items], "api"
        )
    return JSONResponse(
        {
            "handoffs": [queue_row_json(item) for item in page.items],
            "total": page.total,
            "first": page.first,
            "limit": limit,
            "next_cursor": page.next_cursor,
        }
    )
