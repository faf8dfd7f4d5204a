"""Routing by the family's main need (多機関協働), through the real service and console: a
summary heavy with a parent's care lands with the demo city's 地域包括支援センター, whose staff
see it and the 自立相談支援機関's do not; a withdrawal with care on the side stays at the door."""

from __future__ import annotations

from typing import Any

from handoff.auth import create_staff
from tests.resident import Resident
from tests.test_console import PASSWORD, client_for, token_for


async def _hand_off(app: Any, address: str, concerns: list[str], primary: str) -> None:
    resident = Resident(app.state.service, address=address)
    await resident.say("相談したいことがあります")
    await resident.skip_until("relationship")
    await resident.tap("a:relationship:child")
    await resident.skip_until("concerns")
    for code in concerns:
        await resident.tap(f"a:concerns:{code}")
    await resident.tap("m:done")
    if resident.question == "primary":
        await resident.tap(f"a:primary:{primary}")
    await resident.skip_until("parent_health")
    await resident.tap("a:parent_health:needs_care")
    await resident.skip_until("summary")
    await resident.tap("a:summary:ok")
    await resident.tap("a:consent:agree")


async def _queue(client: Any, username: str) -> list[str]:
    headers = await token_for(client, username)
    data = (await client.get("/api/console/handoffs", headers=headers)).json()
    # the list gives queue rows; each summary is opened on the record
    opened = [
        (await client.get(f"/api/console/handoffs/{h['id']}", headers=headers)).json()
        for h in data["handoffs"]
    ]
    return [h["summary"]["concerns"]["primary"] for h in opened]


async def test_a_parent_care_heavy_summary_lands_with_the_houkatsu_centre(sqlite_app: Any) -> None:
    app = sqlite_app
    await _hand_off(app, "route-1", ["care", "hikikomori_futoko"], "care")
    await _hand_off(app, "route-2", ["hikikomori_futoko", "care"], "hikikomori_futoko")
    async with app.state.db.session() as s:
        await create_staff(s, "houkatsu1", PASSWORD, "staff", agency_id="houkatsu")
        await create_staff(s, "kurashi1", PASSWORD, "staff", agency_id="jiritsu")
    async with client_for(app) as client:
        assert await _queue(client, "houkatsu1") == ["care"]
        assert await _queue(client, "kurashi1") == ["hikikomori_futoko"]
