"""Hotline freshness, for admins: the numbers the bot gives in a crisis whose last check is
older than the city's ``hotline_review_days`` (DOMAIN.md §3: re-verify every quarter)."""

from __future__ import annotations

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse

from handoff import audit
from handoff.console import security
from handoff.console.deps import ApiUser, Svc, require_role

router = APIRouter(route_class=security.ConsoleRoute)


@router.get("/api/console/hotlines/stale")
async def api_stale_hotlines(svc: Svc, me: ApiUser) -> Response:
    require_role(me, "admin")
    stale = svc.stale_hotlines()
    async with svc.db.session() as s:
        await audit.record(s, me.username, "hotlines_view", detail=f"stale={len(stale)}")
    return JSONResponse({"stale": stale})
