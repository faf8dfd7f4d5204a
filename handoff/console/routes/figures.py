"""Figures (見える化) for supervisors: the page with its charts, and the same numbers as CSV and
JSON. Every view and export is audited; nothing in them can name a person."""

from __future__ import annotations

import csv
import io

import anyio
from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from handoff import audit, charts, figures
from handoff.auth import Principal
from handoff.console import pages, security
from handoff.console.deps import ApiUser, PageUser, Services, Svc, require_role
from handoff.models import utcnow

router = APIRouter(route_class=security.ConsoleRoute)


async def _figures(svc: Services, principal: Principal, action: str) -> figures.Figures:
    require_role(principal, "supervisor")
    async with svc.db.session() as s:
        cases = await figures.load_cases(s, svc.visible(principal))
        await audit.record(s, principal.username, action)
    # the exact audit takes a second or two for tens of thousands of handoffs: off the loop
    return await anyio.to_thread.run_sync(figures.build, cases, utcnow())


def _charts(fig: figures.Figures) -> list[charts.Markup]:
    out = []
    if fig.tables:
        first = fig.tables[0]
        months = [(m, cells[-1]) for m, cells in first.rows()[:-1]]
        out.append(charts.vertical("月別の相談件数", months))
    for table in fig.tables:
        totals = table.rows()[-1][1][:-1]
        out.append(charts.horizontal(table.heading, list(zip(table.columns, totals, strict=True))))
    return out


@router.get("/console/figures", include_in_schema=False)
async def figures_page(request: Request, svc: Svc, me: PageUser) -> Response:
    if not me.at_least("supervisor"):
        return pages.error_page(request, svc, me, 403, "集計はスーパーバイザー以上が見られます")
    fig = await _figures(svc, me, "figures_view")
    return pages.page(
        request,
        svc,
        me,
        "figures.html",
        fig=fig,
        charts=_charts(fig),
        total=figures.TOTAL,
        legend=figures.as_json(fig)["legend"],
    )


@router.get("/api/console/figures.json")
async def figures_json(svc: Svc, me: ApiUser) -> Response:
    fig = await _figures(svc, me, "figures_export")
    return JSONResponse(figures.as_json(fig))


@router.get("/api/console/figures.csv")
async def figures_csv(svc: Svc, me: ApiUser) -> Response:
    fig = await _figures(svc, me, "figures_export")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["区分", "行", "列", "値"])
    writer.writerows(figures.flat(fig))
    return Response(
        # a BOM, so that Excel (what a city office opens a CSV with) reads it as UTF-8
        "\ufeff" + out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="figures.csv"'},
    )
