"""Cases a caseworker records from a walk-in or a phone call (``handoff.cases``), as a form and
as JSON; and the caseload CSV for supervisors (``handoff.caseload``). Agency scoping applies:
a case belongs to the caseworker's agency; the caseload covers the caller's agencies."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.responses import JSONResponse, RedirectResponse

from handoff import audit, caseload, cases, lifecycle
from handoff.auth import Principal
from handoff.console import pages, security, views
from handoff.console.deps import (
    ApiUser,
    ApiWriter,
    PageUser,
    PageWriter,
    Services,
    Svc,
    json_body,
    require_role,
)
from handoff.models import Handoff
from handoff.summary import build_summary

router = APIRouter(route_class=security.ConsoleRoute)


async def enter(svc: Services, me: Principal, channel: str, raw: dict[str, Any]) -> Handoff:
    if channel not in cases.CHANNELS:
        raise HTTPException(status_code=422, detail="来所か電話かを選んでください")
    try:
        answers = cases.answers_from(raw)
    except ValueError as exc:
        raise HTTPException(status_code=422, detail=f"invalid {exc}") from exc
    state = {"answers": answers, "locale": "ja"}

    def make(handoff_id: str, created_at: dt.datetime) -> Any:
        return build_summary(
            state,
            handoff_id=handoff_id,
            created_at=created_at,
            municipality_code=svc.municipality_code,
            channel=channel,
        )

    return await lifecycle.open_entered(
        svc.db,
        svc.live,
        agency_id=me.agency_id or svc.default_agency,
        channel=channel,
        actor=me.username,
        now=svc.clock(),
        make_summary=make,
    )


@router.get("/console/cases/new", include_in_schema=False)
async def case_form(request: Request, svc: Svc, me: PageUser) -> Response:
    return pages.page(
        request, svc, me, "case_new.html", fields=cases.form_fields(), channels=cases.CHANNELS
    )


@router.post("/console/cases", include_in_schema=False)
async def case_submit(request: Request, svc: Svc, me: PageWriter) -> Response:
    form = await request.form()
    names = {f.name: f.multi for f in cases.form_fields()}
    raw = {n: form.getlist(n) if multi else form.get(n, "") for n, multi in names.items()}
    try:
        handoff = await enter(svc, me, str(form.get("channel") or ""), raw)
    except HTTPException as exc:
        return pages.error_page(request, svc, me, exc.status_code, str(exc.detail))
    return RedirectResponse(f"/console/handoffs/{handoff.id}", status_code=303)


@router.post("/api/console/cases")
async def api_case(request: Request, svc: Svc, me: ApiWriter) -> Response:
    data = await json_body(request)
    answers = data.get("answers") or {}
    if not isinstance(answers, dict):
        raise HTTPException(status_code=422, detail="answers must be an object")
    handoff = await enter(svc, me, str(data.get("channel") or ""), answers)
    return JSONResponse(views.handoff_json(handoff), status_code=201)


@router.get("/api/console/caseload.csv")
async def caseload_csv(svc: Svc, me: ApiUser) -> Response:
    require_role(me, "supervisor")
    async with svc.db.session() as s:
        rows = await caseload.loads(s, svc.visible(me))
        await audit.record(s, me.username, "caseload_export", None, f"rows={len(rows)}")
    return Response(
        "\ufeff" + caseload.to_csv(rows, svc.agencies),  # a BOM, for spreadsheet software
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="caseload.csv"'},
    )
