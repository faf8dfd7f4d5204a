"""The one-page case summary for a 支援会議 (``handoff.meeting``): printable HTML or CSV,
de-identified, each export audited."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Response

from handoff import audit, meeting, transfers
from handoff.auth import Principal
from handoff.console import actions, security, views
from handoff.console.deps import ApiUser, PageUser, Services, Svc

router = APIRouter(route_class=security.ConsoleRoute)


async def _meeting(svc: Services, principal: Principal, handoff_id: str, fmt: str) -> Response:
    if fmt not in ("html", "csv"):
        raise HTTPException(status_code=422, detail="format must be html or csv")
    handoff = await actions.load(svc, principal, handoff_id)
    summary = views.summary_of(handoff)
    if summary is None:
        raise HTTPException(status_code=500, detail="まとめを読めませんでした")
    async with svc.db.session() as s:
        proposals = await transfers.of_handoff(s, handoff_id)
        await audit.record(s, principal.username, "meeting_export", handoff_id, f"format={fmt}")
    page = meeting.build(summary, handoff, svc.agencies, proposals)
    name = f"tobira-meeting-{handoff_id[:8]}"
    if fmt == "csv":
        return Response(
            "\ufeff" + meeting.to_csv(page),  # a BOM, so spreadsheet software reads UTF-8
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
        )
    return Response(
        meeting.to_html(page),
        media_type="text/html; charset=utf-8",
        headers={"Content-Security-Policy": meeting.sheet.EXPORT_CSP},
    )


@router.get("/console/handoffs/{handoff_id}/meeting", include_in_schema=False)
async def meeting_page(handoff_id: str, svc: Svc, me: PageUser, format: str = "html") -> Response:
    return await _meeting(svc, me, handoff_id, format)


@router.get("/api/console/handoffs/{handoff_id}/meeting")
async def api_meeting(handoff_id: str, svc: Svc, me: ApiUser, format: str = "csv") -> Response:
    return await _meeting(svc, me, handoff_id, format)
