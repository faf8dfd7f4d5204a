"""What a caseworker reads beyond the summary, each view audited: the transcript (only with a
reason), the contact details (only the assigned caseworker), and the exports (text, JSON, HTML)."""

from __future__ import annotations

import json

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.responses import JSONResponse, PlainTextResponse

from handoff import audit, sheet
from handoff.auth import Principal
from handoff.console import actions, pages, security, views
from handoff.console.deps import (
    ApiUser,
    ApiWriter,
    PageUser,
    PageWriter,
    Services,
    Svc,
    form_text,
    json_body,
)

router = APIRouter(route_class=security.ConsoleRoute)


@router.get("/console/handoffs/{handoff_id}/transcript", include_in_schema=False)
async def transcript_without_reason(
    request: Request, handoff_id: str, svc: Svc, me: PageUser
) -> Response:
    try:
        await actions.transcript(svc, me, handoff_id, "")
    except HTTPException as exc:
        return pages.error_page(request, svc, me, exc.status_code, str(exc.detail))
    raise AssertionError("unreachable")  # pragma: no cover


@router.post("/console/handoffs/{handoff_id}/transcript", include_in_schema=False)
async def transcript_page(request: Request, handoff_id: str, svc: Svc, me: PageWriter) -> Response:
    reason = await form_text(request, "reason")
    try:
        handoff, turns = await actions.transcript(svc, me, handoff_id, reason)
    except HTTPException as exc:
        if exc.status_code == 404:
            return pages.error_page(request, svc, me, 404, "この引き継ぎは見つかりません")
        handoff = await actions.load(svc, me, handoff_id)
        return await pages.handoff_page(
            request, svc, me, handoff, status=exc.status_code, message=str(exc.detail)
        )
    return await pages.handoff_page(
        request, svc, me, handoff, transcript=turns, transcript_reason=" ".join(reason.split())
    )


@router.post("/console/handoffs/{handoff_id}/contact", include_in_schema=False)
async def contact_page(request: Request, handoff_id: str, svc: Svc, me: PageWriter) -> Response:
    try:
        contact = await actions.contact(svc, me, handoff_id)
    except HTTPException as exc:
        handoff = await actions.load(svc, me, handoff_id)
        return await pages.handoff_page(
            request, svc, me, handoff, status=exc.status_code, message=str(exc.detail)
        )
    handoff = await actions.load(svc, me, handoff_id)
    return await pages.handoff_page(request, svc, me, handoff, contact=contact)


@router.get("/api/console/handoffs/{handoff_id}/transcript")
async def api_transcript_without_reason(handoff_id: str, svc: Svc, me: ApiUser) -> Response:
    await actions.transcript(svc, me, handoff_id, "")
    raise AssertionError("unreachable")  # pragma: no cover


@router.post("/api/console/handoffs/{handoff_id}/transcript")
async def api_transcript(request: Request, handoff_id: str, svc: Svc, me: ApiWriter) -> Response:
    data = await json_body(request)
    _handoff, turns = await actions.transcript(svc, me, handoff_id, str(data.get("reason") or ""))
    return JSONResponse({"turns": [views.turn_json(t) for t in turns]})


@router.post("/api/console/handoffs/{handoff_id}/contact")
async def api_contact(handoff_id: str, svc: Svc, me: ApiWriter) -> Response:
    return JSONResponse({"contact": await actions.contact(svc, me, handoff_id)})


async def _export(svc: Services, principal: Principal, handoff_id: str, fmt: str) -> Response:
    if fmt not in ("text", "json", "html"):
        raise HTTPException(status_code=422, detail="format must be text, json or html")
    handoff = await actions.open_(svc, principal, handoff_id, f"export:{fmt}")
    summary = views.summary_of(handoff)
    if summary is None:
        raise HTTPException(status_code=500, detail="まとめを読めませんでした")
    async with svc.db.session() as s:
        await audit.record(s, principal.username, "export", handoff_id, f"format={fmt}")
    name = f"tobira-{handoff_id[:8]}"
    if fmt == "json":
        return Response(
            json.dumps(sheet.to_json(summary), ensure_ascii=False, indent=2),
            media_type="application/json",
            headers={"Content-Disposition": f'attachment; filename="{name}.json"'},
        )
    filled = sheet.sheet(summary, received_by=handoff.claimed_by, after_hours=handoff.after_hours)
    if fmt == "text":
        return PlainTextResponse(
            sheet.to_text(filled),
            headers={"Content-Disposition": f'attachment; filename="{name}.txt"'},
        )
    return Response(
        sheet.to_html_document(filled),
        media_type="text/html; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{name}.html"',
            "Content-Security-Policy": sheet.EXPORT_CSP,
        },
    )


@router.get("/console/handoffs/{handoff_id}/export", include_in_schema=False)
async def export_page(handoff_id: str, svc: Svc, me: PageUser, format: str = "text") -> Response:
    return await _export(svc, me, handoff_id, format)


@router.get("/api/console/handoffs/{handoff_id}/export")
async def api_export(handoff_id: str, svc: Svc, me: ApiUser, format: str = "json") -> Response:
    return await _export(svc, me, handoff_id, format)
