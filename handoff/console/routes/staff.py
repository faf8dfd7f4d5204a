"""Staff accounts, for admins: add, change role or agency, (de)activate, unlock, reset password."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.responses import JSONResponse
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from handoff import audit, auth
from handoff.auth import Principal
from handoff.console import pages, security
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
from handoff.console.views import staff_json
from handoff.models import Staff

router = APIRouter(route_class=security.ConsoleRoute)

ADMINS_ONLY = "職員の管理は管理者だけができます"
# what each button on the staff page changes
FORM_OPS = {
    "role": lambda form: {"role": form.get("role")},
    "agency": lambda form: {"agency_id": form.get("agency_id") or ""},
    "deactivate": lambda form: {"active": False},
    "activate": lambda form: {"active": True},
    "unlock": lambda form: {"unlock": True},
    "password": lambda form: {"password": form.get("password") or ""},
}


async def _staff_list(svc: Services) -> list[Staff]:
    async with svc.db.session() as s:
        return list((await s.exec(select(Staff).order_by(col(Staff.username)))).all())


def _check_agency(svc: Services, agency: str) -> None:
    if agency and agency not in svc.agencies:
        raise HTTPException(status_code=422, detail="その機関は設定にありません")


async def _add(svc: Services, principal: Principal, data: dict[str, Any]) -> Staff:
    require_role(principal, "admin")
    agency = str(data.get("agency_id") or "")
    _check_agency(svc, agency)
    try:
        async with svc.db.session() as s:
            staff = await auth.create_staff(
                s,
                str(data.get("username") or ""),
                str(data.get("password") or ""),
                str(data.get("role") or "staff"),
                agency,
            )
            detail = f"user={staff.username} role={staff.role}"
            await audit.record(s, principal.username, "staff_add", detail=detail)
    except auth.AuthError as exc:
        raise HTTPException(status_code=422, detail=str(exc)) from exc
    return staff


async def _apply(s: AsyncSession, svc: Services, staff: Staff, data: dict[str, Any]) -> list[str]:
    """Apply the changes asked for; returns them for the audit log."""
    changes: list[str] = []
    role = data.get("role")
    if role is not None:
        if role not in auth.ROLES:
            raise HTTPException(status_code=422, detail="invalid role")
        staff.role = str(role)
        changes.append(f"role={role}")
    if "agency_id" in data and data["agency_id"] is not None:
        agency = str(data["agency_id"])
        _check_agency(svc, agency)
        staff.agency_id = agency
        changes.append(f"agency={agency or '-'}")
    if data.get("active") is not None:
        staff.active = bool(data["active"])
        changes.append(f"active={staff.active}")
        if not staff.active:
            await auth.end_sessions(s, staff.id)
    if data.get("unlock"):
        staff.locked_until = None
        staff.failed_logins = 0
        changes.append("unlock")
    return changes


async def _update(
    svc: Services, principal: Principal, staff_id: int, data: dict[str, Any]
) -> Staff:
    require_role(principal, "admin")
    try:
        async with svc.db.session() as s:
            staff = await s.get(Staff, staff_id)
            if staff is None:
                raise HTTPException(status_code=404, detail="no such staff")
            if staff.id == principal.staff_id and (
                data.get("active") is False or data.get("role") not in (None, "admin")
            ):
                raise HTTPException(status_code=422, detail="自分自身の権限は変更できません")
            changes = await _apply(s, svc, staff, data)
            s.add(staff)
            who = f"user={staff.username}"
            if data.get("password"):
                await auth.set_password(s, staff, str(data["password"]))
                await audit.record(s, principal.username, "staff_password", detail=who)
            if changes:
                detail = f"{who} " + " ".join(changes)
                await audit.record(s, principal.username, "staff_update", detail=detail)
    except auth.AuthError as exc:
        raise HTTPException(status_code=422, detail=str(exc)) from exc
    return staff


async def _staff_page(
    request: Request,
    svc: Services,
    principal: Principal,
    status: int = 200,
    message: str | None = None,
) -> Response:
    return pages.page(
        request,
        svc,
        principal,
        "staff.html",
        status=status,
        staff=await _staff_list(svc),
        roles=auth.ROLE_LABELS,
        agencies=svc.agencies,
        locked=auth.is_locked,
        message=message,
        min_password=auth.MIN_PASSWORD_LENGTH,
    )


@router.get("/console/staff", include_in_schema=False)
async def staff_page(request: Request, svc: Svc, me: PageUser) -> Response:
    if not me.at_least("admin"):
        return pages.error_page(request, svc, me, 403, ADMINS_ONLY)
    async with svc.db.session() as s:
        await audit.record(s, me.username, "staff_view")
    return await _staff_page(request, svc, me)


@router.post("/console/staff", include_in_schema=False)
async def staff_add_form(request: Request, svc: Svc, me: PageWriter) -> Response:
    form = await request.form()
    try:
        staff = await _add(
            svc, me, {k: form.get(k) for k in ("username", "password", "role", "agency_id")}
        )
    except HTTPException as exc:
        if exc.status_code == 403:
            return pages.error_page(request, svc, me, 403, ADMINS_ONLY)
        return await _staff_page(request, svc, me, exc.status_code, str(exc.detail))
    return await _staff_page(request, svc, me, message=f"{staff.username} を追加しました")


@router.post("/console/staff/{staff_id}", include_in_schema=False)
async def staff_update_form(request: Request, staff_id: int, svc: Svc, me: PageWriter) -> Response:
    form = await request.form()
    op = form.get("op")
    data: dict[str, Any] = FORM_OPS[op](form) if isinstance(op, str) and op in FORM_OPS else {}
    try:
        staff = await _update(svc, me, staff_id, data)
    except HTTPException as exc:
        if exc.status_code == 403:
            return pages.error_page(request, svc, me, 403, ADMINS_ONLY)
        return await _staff_page(request, svc, me, exc.status_code, str(exc.detail))
    return await _staff_page(request, svc, me, message=f"{staff.username} を変更しました")


@router.get("/api/console/staff")
async def api_staff(svc: Svc, me: ApiUser) -> Response:
    require_role(me, "admin")
    async with svc.db.session() as s:
        await audit.record(s, me.username, "staff_view", detail="api")
    return JSONResponse({"staff": [staff_json(x) for x in await _staff_list(svc)]})


@router.post("/api/console/staff")
async def api_staff_add(request: Request, svc: Svc, me: ApiWriter) -> Response:
    staff = await _add(svc, me, await json_body(request))
    return JSONResponse(staff_json(staff), status_code=201)


@router.patch("/api/console/staff/{staff_id}")
async def api_staff_update(request: Request, staff_id: int, svc: Svc, me: ApiWriter) -> Response:
    staff = await _update(svc, me, staff_id, await json_body(request))
    return JSONResponse(staff_json(staff))
