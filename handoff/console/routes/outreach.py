"""After the first handoff: writing to a resident after closing (follow-up, opt-in only) and
transfers to another agency with the resident's consent — as forms and as JSON."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from handoff.console import casework, pages, security, views
from handoff.console.deps import ApiUser, ApiWriter, PageWriter, Svc, form_text, json_body

router = APIRouter(route_class=security.ConsoleRoute)


@router.post("/console/handoffs/{handoff_id}/followup", include_in_schema=False)
async def followup_form(request: Request, handoff_id: str, svc: Svc, me: PageWriter) -> Response:
    text = await form_text(request, "text")
    return await pages.page_action(
        request, svc, me, handoff_id, lambda: casework.follow_up(svc, me, handoff_id, text)
    )


@router.post("/api/console/handoffs/{handoff_id}/followup")
async def api_followup(request: Request, handoff_id: str, svc: Svc, me: ApiWriter) -> Response:
    data = await json_body(request)
    await casework.follow_up(svc, me, handoff_id, str(data.get("text") or ""))
    return JSONResponse({"ok": True})


@router.post("/console/handoffs/{handoff_id}/transfer", include_in_schema=False)
async def transfer_form(request: Request, handoff_id: str, svc: Svc, me: PageWriter) -> Response:
    to = await form_text(request, "to_agency")
    return await pages.page_action(
        request, svc, me, handoff_id, lambda: casework.propose_transfer(svc, me, handoff_id, to)
    )


@router.post("/api/console/handoffs/{handoff_id}/transfer")
async def api_transfer(request: Request, handoff_id: str, svc: Svc, me: ApiWriter) -> Response:
    data = await json_body(request)
    handoff = await casework.propose_transfer(svc, me, handoff_id, str(data.get("to_agency") or ""))
    return JSONResponse(
        {**views.handoff_json(handoff, with_summary=False), "transfer": "asked"}, status_code=202
    )


@router.get("/api/console/transfers")
async def api_transfers(svc: Svc, me: ApiUser) -> Response:
    return JSONResponse({"transfers": await casework.transfer_list(svc, me)})
