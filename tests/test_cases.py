"""Cases a caseworker records from a walk-in or a phone call: the same A票 fields, shown on the
handoff page like a chat's, counted in the figures under their own door, kept to the
caseworker's agency; and the caseload CSV a supervisor downloads."""

from __future__ import annotations

import csv
import io
from typing import Any

import httpx

from handoff.auth import create_staff
from tests.test_console import (
    PASSWORD,
    client_for,
    form_csrf,
    hand_off,
    login,
    token_for,
)

PHONE_CASE = {
    "relationship": "child",
    "consultant_role": "mother",
    "concerns": ["care", "hikikomori_futoko"],
    "primary": "care",
    "subject_age": "50s",
    "household": ["mother"],
    "parent_health": "needs_care",
    "referral_from": "minsei",
    "housing_type": "owned",
    "care_cert": "care",
}


async def _staff(app: Any) -> None:
    async with app.state.db.session() as s:
        await create_staff(s, "houkatsu1", PASSWORD, "staff", agency_id="houkatsu")
        await create_staff(s, "houkatsu_sv", PASSWORD, "supervisor", agency_id="houkatsu")
        await create_staff(s, "kurashi1", PASSWORD, "staff", agency_id="jiritsu")


async def _enter(
    client: httpx.AsyncClient, headers: dict[str, str], channel: str, answers: dict[str, Any]
) -> httpx.Response:
    return await client.post(
        "/api/console/cases", headers=headers, json={"channel": channel, "answers": answers}
    )


def _channel_totals(figures: dict[str, Any]) -> dict[str, str]:
    table = next(t for t in figures["tables"] if t["dimension"] == "channel")
    total_row = table["rows"][-1]["cells"]
    return dict(zip(table["columns"], total_row, strict=True))


async def test_a_phone_case_is_a_case_like_a_chats_in_the_console_and_the_figures(app: Any) -> None:
    await _staff(app)
    await hand_off(app, "cases-chat-session-0000001")  # one from the chat, at the door
    async with client_for(app) as client:
        staff, sv = await token_for(client, "houkatsu1"), await token_for(client, "houkatsu_sv")
        kurashi = await token_for(client, "kurashi1")
        created = await _enter(client, staff, "phone", PHONE_CASE)
        assert created.status_code == 201, created.text
        hid = created.json()["id"]
        for _ in range(4):
            assert (await _enter(client, staff, "phone", {"concerns": ["care"]})).is_success
        for _ in range(5):
            assert (await _enter(client, staff, "walk_in", {"concerns": ["debt"]})).is_success
        assert (await _enter(client, staff, "phone", {"concerns": ["nope"]})).status_code == 422
        assert (await _enter(client, staff, "fax", {})).status_code == 422

        record = (await client.get(f"/api/console/handoffs/{hid}", headers=staff)).json()
        assert record["state"] == "claimed" and record["claimed_by"] == "houkatsu1"
        summary = record["summary"]
        assert summary["channel"] == "phone" and summary["route"]["media"] == "電話"
        assert summary["concerns"]["primary"] == "care"
        assert summary["route"]["referral_from"] == "民生委員"
        assert summary["housing"]["type"] == "owned"
        mother = next(m for m in summary["household"]["members"] if m["role"] == "母")
        assert mother["health"] == "要介護" and mother["care_cert"] == "要介護"
        assert "紹介元" in record["sheet_text"] and "持家" in record["sheet_text"]
        # the jiritsu caseworker does not see another agency's case
        assert (
            await client.get(f"/api/console/handoffs/{hid}", headers=kurashi)
        ).status_code == 404

        figures = (await client.get("/api/console/figures.json", headers=sv)).json()
        totals = _channel_totals(figures)
        assert totals["電話"] == "5" and totals["来所"] == "5"

        load = await client.get("/api/console/caseload.csv", headers=sv)
        assert (await client.get("/api/console/caseload.csv", headers=staff)).status_code == 403
    rows = list(csv.reader(io.StringIO(load.text.lstrip("\ufeff"))))
    assert rows[0][:5] == ["機関", "担当者", "件数", "対応中", "終了"]
    assert rows[1:] == [
        ["とびら市中央地域包括支援センター", "houkatsu1", "10", "10", "0", "0", "10", ""]
    ]  # the chat handoff is the door's (jiritsu): not in the 包括 supervisor's caseload


async def test_a_walk_in_is_recorded_from_the_console_form(sqlite_app: Any) -> None:
    app = sqlite_app
    await _staff(app)
    async with client_for(app) as client:
        await login(client, "houkatsu1")
        page = await client.get("/console/cases/new")
        assert page.status_code == 200 and "要介護認定" in page.text
        form = {
            "csrf_token": form_csrf(page.text),
            "channel": "walk_in",
            "concerns": ["care", "income_living"],
            "primary": "care",
            "housing_type": "rented",
        }
        sent = await client.post("/console/cases", data=form)
        assert sent.status_code == 303
        shown = await client.get(sent.headers["location"])
        assert "来所（窓口）" in shown.text and "借家" in shown.text
        assert "◎" in shown.text
