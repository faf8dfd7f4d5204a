"""The one-page summary for a 重層的支援会議: what the meeting needs (A票 categories, age bands,
how long, needs, agencies and the course of the case) and nothing that could point at the family
(the resident's words, caseworkers' notes, contact details, exact dates); printable HTML and CSV
say the same; every export is audited; another agency cannot export it."""

from __future__ import annotations

import csv
import io
from typing import Any

from sqlmodel import select

from handoff import notes
from handoff.auth import create_staff
from handoff.models import AuditLog, Handoff
from tests.resident import Resident
from tests.test_console import PASSWORD, client_for, token_for

WORDS = "ゲームの音が夜中まで聞こえてきます"  # the resident's own words: never in the export
NOTE = "民生委員の北村さんから以前にも相談あり"  # a caseworker's note: never in the export
PHONE = "090-4321-8765"


async def _case(app: Any) -> str:
    resident = Resident(app.state.service, address="meeting-session-00000000001")
    await resident.say("50代の息子のことで相談です")
    await resident.skip_until("concerns")
    await resident.tap("a:concerns:hikikomori_futoko")
    await resident.tap("a:concerns:income_living")
    await resident.tap("m:done")
    await resident.tap("a:primary:hikikomori_futoko")
    await resident.skip_until("duration")
    await resident.tap("a:duration:10y_plus")
    await resident.skip_until("subject_age")
    await resident.tap("a:subject_age:50s")
    await resident.skip_until("wants")
    await resident.say(WORDS)
    await resident.skip_until("summary")
    await resident.tap("a:summary:ok")
    await resident.tap("a:consent:agree")
    await resident.tap("a:contact:phone")
    await resident.say(PHONE)
    async with app.state.db.session() as s:
        handoff = (await s.exec(select(Handoff))).one()
    assert WORDS[:6] in handoff.summary_json  # the summary does hold the words
    return handoff.id


async def test_the_meeting_page_holds_what_the_meeting_needs_and_nothing_identifying(
    app: Any,
) -> None:
    hid = await _case(app)
    async with app.state.db.session() as s:
        await create_staff(s, "kurashi1", PASSWORD, "staff", agency_id="jiritsu")
        await create_staff(s, "houkatsu1", PASSWORD, "staff", agency_id="houkatsu")
        await notes.add(s, hid, "kurashi1", NOTE)
    async with client_for(app) as client:
        me = await token_for(client, "kurashi1")
        await client.post(f"/api/console/handoffs/{hid}/claim", headers=me)
        html = await client.get(f"/api/console/handoffs/{hid}/meeting?format=html", headers=me)
        table = await client.get(f"/api/console/handoffs/{hid}/meeting?format=csv", headers=me)
        other = await token_for(client, "houkatsu1")
        refused = await client.get(f"/api/console/handoffs/{hid}/meeting", headers=other)
    assert html.status_code == 200 and table.status_code == 200
    assert "default-src 'none'" in html.headers["content-security-policy"]
    rows = list(csv.reader(io.StringIO(table.text.lstrip("\ufeff"))))
    cells = {(section, label): value for section, label, value in rows[1:]}
    assert cells[("相談内容（A票）", "◎")] == "ひきこもり・不登校"
    assert cells[("相談内容（A票）", "○")] == "収入・生活費のこと"
    assert cells[("事例", "本人の年代")] == "50代"
    assert cells[("事例", "相談者")] == "親"
    assert cells[("ひきこもりの状態", "期間")] == "10年以上"
    assert "とびら市くらしサポートセンター" in cells[("関わる機関と経過", "担当機関")]
    assert cells[("事例", "受付月")] == "2026年11月"
    for text in (html.text, table.text):
        assert "ひきこもり・不登校" in text and "10年以上" in text
        for secret in (WORDS[:6], NOTE[:6], "北村", PHONE, "4321", "2026-11-24", "10:0"):
            assert secret not in text
    assert refused.status_code == 404
    async with app.state.db.session() as s:
        exports = [
            a.detail
            for a in (await s.exec(select(AuditLog).where(AuditLog.action == "meeting_export")))
        ]
    assert exports == ["format=html", "format=csv"]
