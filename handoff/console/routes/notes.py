"""A caseworker's private notes on a handoff (never shown to the resident)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from handoff.console import actions, pages, security, views
from handoff.console.deps import ApiUser, ApiWriter, PageWriter, Svc, form_text, json_body

router = APIRouter(route_class=security.ConsoleRoute)


@router.post("/console/handoffs/{handoff_id}/notes", include_in_schema=False)
async def note_form(request: Request, handoff_id: str, svc: Svc, me: PageWriter) -> Response:
    text = await form_text(request, "text")
    return await pages.page_action(
        request, svc, me, handoff_id, lambda: actions.add_note(svc, me, handoff_id, text)
    )


@router.get("/api/console/handoffs/{handoff_id}/notes")
async def api_notes(handoff_id: str, svc: Svc, me: ApiUser) -> Response:
    await actions.load(svc, me, handoff_id)
    notes = await actions.notes_of(svc, me, handoff_id)
    return JSONResponse({"notes": [views.note_json(n) for n in notes]})


@router.post("/api/console/handoffs/{handoff_id}/notes")
async def api_add_note(request: Request, handoff_id: str, svc: Svc, me: ApiWriter) -> Response:
    data = await json_body(request)
    note = await actions.add_note(svc, me, handoff_id, str(data.get("text") or ""))
    return JSONResponse(views.note_json(note), status_code=201)
