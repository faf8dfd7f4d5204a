"""One handoff: its page (the A票 first), and claim, live chat, return to the bot, close —
as forms and as JSON."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.responses import JSONResponse

from handoff import sheet
from handoff.console import actions, pages, security, views
from handoff.console.deps import ApiUser, ApiWriter, PageUser, PageWriter, Svc, form_text, json_body

router = APIRouter(route_class=security.ConsoleRoute)


@router.get("/console/handoffs/{handoff_id}", include_in_schema=False)
async def handoff_page(request: Request, handoff_id: str, svc: Svc, me: PageUser) -> Response:
    try:
        handoff = await actions.open_(svc, me, handoff_id, "page")
    except HTTPException as exc:
        return pages.error_page(
            request,
            svc,
            me,
            exc.status_code,
            "この引き継ぎは見つかりません（取り消された可能性があります）",
        )
    return await pages.handoff_page(request, svc, me, handoff)


@router.post("/console/handoffs/{handoff_id}/claim", include_in_schema=False)
async def claim_form(request: Request, handoff_id: str, svc: Svc, me: PageWriter) -> Response:
    return await pages.page_action(
        request, svc, me, handoff_id, lambda: actions.claim(svc, me, handoff_id)
    )


@router.post("/console/handoffs/{handoff_id}/live", include_in_schema=False)
async def live_form(request: Request, handoff_id: str, svc: Svc, me: PageWriter) -> Response:
    return await pages.page_action(
        request, svc, me, handoff_id, lambda: actions.go_live(svc, me, handoff_id)
    )


@router.post("/console/handoffs/{handoff_id}/return", include_in_schema=False)
async def return_form(request: Request, handoff_id: str, svc: Svc, me: PageWriter) -> Response:
    return await pages.page_action(
        request, svc, me, handoff_id, lambda: actions.return_to_bot(svc, me, handoff_id)
    )


@router.post("/console/handoffs/{handoff_id}/messages", include_in_schema=False)
async def message_form(request: Request, handoff_id: str, svc: Svc, me: PageWriter) -> Response:
    text = await form_text(request, "text")
    return await pages.page_action(
        request, svc, me, handoff_id, lambda: actions.send(svc, me, handoff_id, text)
    )


@router.post("/console/handoffs/{handoff_id}/close", include_in_schema=False)
async def close_form(request: Request, handoff_id: str, svc: Svc, me: PageWriter) -> Response:
    outcome = await form_text(request, "outcome")
    destination = await form_text(request, "destination")
    return await pages.page_action(
        request,
        svc,
        me,
        handoff_id,
        lambda: actions.close(svc, me, handoff_id, outcome, destination),
    )


@router.post("/console/handoffs/{handoff_id}/withdraw", include_in_schema=False)
async def withdraw_form(request: Request, handoff_id: str, svc: Svc, me: PageWriter) -> Response:
    return await pages.page_action(
        request, svc, me, handoff_id, lambda: actions.withdraw(svc, me, handoff_id)
    )


@router.post("/api/console/handoffs/{handoff_id}/withdraw")
async def api_withdraw(handoff_id: str, svc: Svc, me: ApiWriter) -> Response:
    handoff = await actions.withdraw(svc, me, handoff_id)
    return JSONResponse(views.handoff_json(handoff, with_summary=False))


@router.get("/api/console/handoffs/{handoff_id}")
async def api_handoff(handoff_id: str, svc: Svc, me: ApiUser) -> Response:
    handoff = await actions.open_(svc, me, handoff_id, "api")
    data = views.handoff_json(handoff)
    filled = views.sheet_of(handoff)
    if filled is not None:
        data["sheet_text"] = sheet.to_text(filled)
    if views.can_see_chat(me, handoff):
        data["chat"] = [views.turn_json(t) for t in await actions.chat_turns(svc, handoff)]
    return JSONResponse(data)


@router.post("/api/console/handoffs/{handoff_id}/claim")
async def api_claim(handoff_id: str, svc: Svc, me: ApiWriter) -> Response:
    handoff = await actions.claim(svc, me, handoff_id)
    return JSONResponse(views.handoff_json(handoff, with_summary=False))


@router.post("/api/console/handoffs/{handoff_id}/live")
async def api_live(handoff_id: str, svc: Svc, me: ApiWriter) -> Response:
    handoff = await actions.go_live(svc, me, handoff_id)
    return JSONResponse(views.handoff_json(handoff, with_summary=False))


@router.post("/api/console/handoffs/{handoff_id}/return")
async def api_return(handoff_id: str, svc: Svc, me: ApiWriter) -> Response:
    handoff = await actions.return_to_bot(svc, me, handoff_id)
    return JSONResponse(views.handoff_json(handoff, with_summary=False))


@router.post("/api/console/handoffs/{handoff_id}/messages")
async def api_message(request: Request, handoff_id: str, svc: Svc, me: ApiWriter) -> Response:
    data = await json_body(request)
    handoff = await actions.send(svc, me, handoff_id, str(data.get("text") or ""))
    return JSONResponse({"ok": True, "state": handoff.state})


@router.post("/api/console/handoffs/{handoff_id}/close")
async def api_close(request: Request, handoff_id: str, svc: Svc, me: ApiWriter) -> Response:
    data = await json_body(request)
    handoff = await actions.close(
        svc,
        me,
        handoff_id,
        str(data.get("outcome") or ""),
        str(data.get("destination") or "") or None,
    )
    return JSONResponse(views.handoff_json(handoff, with_summary=False))
