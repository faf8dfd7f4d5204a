"""The audit log, for supervisors: every view and action within their agency (admins: all),
filterable by staff, handoff and action, newest first; and its CSV export for the city's privacy
officer."""

from __future__ import annotations

import csv
import io
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from handoff import audit, sheet
from handoff.auth import Principal
from handoff.console import pages, security
from handoff.console.deps import ApiUser, PageUser, Services, Svc, require_role
from handoff.console.views import iso

router = APIRouter(route_class=security.ConsoleRoute)

PER_PAGE = 100


EXPORT_LIMIT = 50_000


async def _audit_data(
    request: Request, svc: Services, principal: Principal, *, export: bool = False
) -> dict[str, Any]:
    require_role(principal, "supervisor")
    params = request.query_params
    try:
        page = max(1, int(params.get("page", "1")))
    except ValueError:
        page = 1
    per_page = EXPORT_LIMIT if export else PER_PAGE
    filters = {
        "actor": (params.get("actor") or "").strip()[:64] or None,
        "handoff_id": (params.get("handoff") or "").strip()[:32] or None,
        "action": (params.get("action") or "").strip()[:64] or None,
    }
    async with svc.db.session() as s:
        rows, total = await audit.entries(
            s,
            actor=filters["actor"],
            handoff_id=filters["handoff_id"],
            action=filters["action"],
            agencies=svc.visible(principal),
            default_agency=svc.default_agency,
            limit=per_page,
            offset=0 if export else (page - 1) * PER_PAGE,
        )
        await audit.record(
            s,
            principal.username,
            "audit_export" if export else "audit_view",
            detail=" ".join(f"{k}={v}" for k, v in filters.items() if v) or "all",
        )
    return {
        "rows": rows,
        "total": total,
        "page": page,
        "pages": max(1, -(-total // PER_PAGE)),
        "filters": filters,
        "actions": audit.ACTIONS,
    }


@router.get("/console/audit", include_in_schema=False)
async def audit_page(request: Request, svc: Svc, me: PageUser) -> Response:
    if not me.at_least("supervisor"):
        return pages.error_page(request, svc, me, 403, "監査ログはスーパーバイザー以上が見られます")
    data = await _audit_data(request, svc, me)
    return pages.page(request, svc, me, "audit.html", when=sheet.when, **data)


@router.get("/api/console/audit")
async def api_audit(request: Request, svc: Svc, me: ApiUser) -> Response:
    data = await _audit_data(request, svc, me)
    entries = [
        {
            "at": iso(r.at),
            "actor": r.actor,
            "action": r.action,
            "handoff_id": r.handoff_id,
            "detail": r.detail,
        }
        for r in data["rows"]
    ]
    return JSONResponse({"total": data["total"], "page": data["page"], "entries": entries})


@router.get("/console/audit.csv", include_in_schema=False)
async def audit_csv_page(request: Request, svc: Svc, me: PageUser) -> Response:
    return await _csv(request, svc, me)


@router.get("/api/console/audit.csv")
async def api_audit_csv(request: Request, svc: Svc, me: ApiUser) -> Response:
    return await _csv(request, svc, me)


async def _csv(request: Request, svc: Services, principal: Principal) -> Response:
    """The filtered entries as CSV (UTF-8 with a BOM, so spreadsheet programs read Japanese)."""
    data = await _audit_data(request, svc, principal, export=True)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["at", "actor", "action", "action_label", "handoff_id", "detail"])
    for r in data["rows"]:
        writer.writerow(
            [
                iso(r.at),
                _cell(r.actor),
                r.action,
                audit.ACTIONS.get(r.action, ""),
                r.handoff_id or "",
                _cell(r.detail),
            ]
        )
    return Response(
        "\ufeff" + out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="tobira-audit.csv"'},
    )


def _cell(value: str) -> str:
    """A typed value a spreadsheet would run as a formula is kept as text."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
