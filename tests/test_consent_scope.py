"""Consent that means what it says, and every read on record, over HTTP against the real app:
the transcript only when the resident chose 「まとめと会話の記録」, the refusal audited; a
withdrawal heard in the live chat recorded from the console; per-handoff audit of summaries,
notes and transcripts; the audit log filtered and exported; agency boundaries on every route;
stale hotlines reported."""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import re
from pathlib import Path
from typing import Any

from sqlmodel import select

from flows.intake import CONSENT_VERSION
from handoff import console
from handoff.auth import create_staff
from handoff.models import Consent, Handoff
from tests.conftest import running_app
from tests.test_console import (
    PASSWORD,
    add_staff,
    audit_actions,
    client_for,
    hand_off,
    login,
    session_csrf,
    token_for,
)

OPENING = "息子の生活リズムが昼夜逆転しています"


async def test_a_summary_only_consent_keeps_the_transcript_closed_and_audits_the_refusal(
    app: Any,
) -> None:
    await add_staff(app, "sato")
    _, hid = await hand_off(app, "resident-s", opening=OPENING)
    async with app.state.db.session() as s:
        consent = (await s.exec(select(Consent).where(Consent.handoff_id == hid))).one()
        handoff = await s.get(Handoff, hid)
    assert consent.scope == "summary_only" and consent.text_version == CONSENT_VERSION
    assert handoff is not None and consent.summary_hash == handoff.summary_hash
    async with client_for(app) as client:
        headers = await token_for(client, "sato")
        r = await client.post(
            f"/api/console/handoffs/{hid}/transcript",
            headers=headers,
            json={"reason": "初回面談の準備のため"},
        )
        assert r.status_code == 403 and "まとめだけ" in r.json()["detail"]
        assert OPENING not in r.text
        await login(client, "sato")
        page = await client.get(f"/console/handoffs/{hid}")
        assert "会話記録を表示" not in page.text  # not offered at all
        assert "同意の範囲外" in page.text  # and the page says why
        assert "まとめのみ（会話の記録は含まない）" in page.text  # the A票's 範囲
        csrf = await session_csrf(client)
        refused = await client.post(
            f"/console/handoffs/{hid}/transcript",
            data={"csrf_token": csrf, "reason": "初回面談の準備のため"},
        )
        assert refused.status_code == 403 and "同意の範囲外" in refused.text
    assert (await audit_actions(app, hid)).count(("sato", "transcript_out_of_scope")) == 2


async def test_the_transcript_is_offered_when_the_resident_chose_summary_and_record(
    sqlite_app: Any,
) -> None:
    app = sqlite_app
    await add_staff(app, "sato")
    _, hid = await hand_off(
        app, "resident-r", opening=OPENING, consent="a:consent:agree_transcript"
    )
    async with app.state.db.session() as s:
        consent = (await s.exec(select(Consent).where(Consent.handoff_id == hid))).one()
    assert consent.scope == "summary_and_transcript"
    async with client_for(app) as client:
        await login(client, "sato")
        page = await client.get(f"/console/handoffs/{hid}")
        assert "会話記録を表示" in page.text and "「まとめと会話の記録」" in page.text
        assert "まとめと会話の記録（個人情報除去済み）" in page.text  # the A票's 範囲
        csrf = await session_csrf(client)
        shown = await client.post(
            f"/console/handoffs/{hid}/transcript",
            data={"csrf_token": csrf, "reason": "面談の準備"},
        )
        assert shown.status_code == 200 and "昼夜逆転しています" in shown.text
    assert ("sato", "transcript_view") in await audit_actions(app, hid)


async def test_a_withdrawal_heard_in_the_live_chat_is_recorded_from_the_console(
    sqlite_app: Any,
) -> None:
    app = sqlite_app
    await add_staff(app, "sato")
    resident, hid = await hand_off(
        app, "resident-l", opening=OPENING, consent="a:consent:agree_transcript"
    )
    async with client_for(app) as client:
        headers = await token_for(client, "sato")
        await client.post(f"/api/console/handoffs/{hid}/claim", headers=headers)
        await client.post(
            f"/api/console/handoffs/{hid}/messages", headers=headers, json={"text": "こんにちは"}
        )
        await resident.say("やっぱり取り消してください")  # heard by the caseworker, not the bot
        r = await client.post(f"/api/console/handoffs/{hid}/withdraw", headers=headers)
        assert r.status_code == 200
        data = r.json()
        assert data["state"] == "closed" and data["withdrawn_at"] and not data["has_contact"]
        assert (
            await client.post(f"/api/console/handoffs/{hid}/withdraw", headers=headers)
        ).status_code == 409
        refused = await client.post(
            f"/api/console/handoffs/{hid}/transcript", headers=headers, json={"reason": "確認"}
        )
        assert refused.status_code == 403 and "取り消した" in refused.json()["detail"]
        summary = (await client.get(f"/api/console/handoffs/{hid}", headers=headers)).json()
        assert summary["summary"] is not None  # the agency's record stays
    async with app.state.db.session() as s:
        consent = (await s.exec(select(Consent).where(Consent.handoff_id == hid))).one()
        handoff = await s.get(Handoff, hid)
    assert consent.withdrawn_at is not None
    assert handoff is not None and handoff.withdrawn_via == "staff:sato"
    assert ("sato", "withdrawal_recorded") in await audit_actions(app, hid)
    # the resident's next message finds the bot again, not a silent live chat
    await resident.say("ありがとうございました")
    assert resident.text


async def test_every_read_of_a_handoff_is_one_audit_record(sqlite_app: Any) -> None:
    app = sqlite_app
    await add_staff(app, "sato")
    _, hid = await hand_off(app, "resident-a")
    async with client_for(app) as client:
        headers = await token_for(client, "sato")
        await client.get(f"/api/console/handoffs/{hid}", headers=headers)
        await client.post(
            f"/api/console/handoffs/{hid}/notes", headers=headers, json={"text": "電話で確認"}
        )
        await client.get(f"/api/console/handoffs/{hid}/notes", headers=headers)
        await login(client, "sato")
        await client.get("/console/queue")
    actions = await audit_actions(app, hid)
    assert actions.count(("sato", "handoff_view")) == 1
    assert actions.count(("sato", "notes_view")) == 1
    assert actions.count(("sato", "list_view")) == 1  # the queue page's row


async def test_the_audit_log_filters_exports_csv_and_stays_within_the_agency(
    sqlite_app: Any,
) -> None:
    app = sqlite_app
    async with app.state.db.session() as s:
        await create_staff(s, "sato", PASSWORD, "staff")
        await create_staff(s, "boss", PASSWORD, "supervisor")
        await create_staff(s, "other-boss", PASSWORD, "supervisor", agency_id="elsewhere")
    _, hid = await hand_off(app, "resident-c", consent="a:consent:agree_transcript")
    async with client_for(app) as client:
        sato = await token_for(client, "sato")
        await client.get(f"/api/console/handoffs/{hid}", headers=sato)
        await client.post(
            f"/api/console/handoffs/{hid}/transcript",
            headers=sato,
            json={"reason": '=HYPERLINK("x") 面談準備'},
        )
        boss = await token_for(client, "boss")
        r = await client.get(
            f"/api/console/audit?handoff={hid}&actor=sato&action=transcript_view", headers=boss
        )
        entries = r.json()["entries"]
        assert [(e["actor"], e["action"]) for e in entries] == [("sato", "transcript_view")]
        exported = await client.get(f"/api/console/audit.csv?handoff={hid}", headers=boss)
        assert exported.status_code == 200 and exported.headers["content-type"].startswith(
            "text/csv"
        )
        rows = list(csv.reader(io.StringIO(exported.text.lstrip("\ufeff"))))
        assert rows[0] == ["at", "actor", "action", "action_label", "handoff_id", "detail"]
        reasons = [row[5] for row in rows[1:] if row[2] == "transcript_view"]
        assert reasons == ['reason: =HYPERLINK("x") 面談準備']
        assert {row[4] for row in rows[1:]} == {hid}

        other = await token_for(client, "other-boss")
        leak = await client.get(f"/api/console/audit?handoff={hid}", headers=other)
        assert leak.status_code == 200 and leak.json()["entries"] == []
        leak_csv = await client.get(f"/api/console/audit.csv?handoff={hid}", headers=other)
        assert hid not in leak_csv.text and "面談準備" not in leak_csv.text
        await login(client, "boss")
        page = await client.get("/console/audit?action=transcript_view")
        assert page.status_code == 200 and "CSVで書き出す" in page.text


async def test_a_supervisor_of_another_agency_reads_nothing_of_this_agencys_handoffs(
    sqlite_app: Any,
) -> None:
    app = sqlite_app
    async with app.state.db.session() as s:
        await create_staff(s, "sato", PASSWORD, "staff")
        await create_staff(s, "other-boss", PASSWORD, "supervisor", agency_id="elsewhere")
    _, hid = await hand_off(app, "resident-b", opening=OPENING)
    async with client_for(app) as client:
        sato = await token_for(client, "sato")
        await client.get(f"/api/console/handoffs/{hid}", headers=sato)  # some audit entries
        await client.post(
            f"/api/console/handoffs/{hid}/notes", headers=sato, json={"text": "家族会を紹介予定"}
        )
        bearer = await token_for(client, "other-boss")
        await login(client, "other-boss")
        csrf = await session_csrf(client)
        checked = 0
        for route in console.router.routes:
            path = getattr(route, "path", "")
            if not path.startswith(("/console", "/api/console")) or path.endswith(
                ("events", "events/queue", "login", "logout")
            ):
                continue  # event streams hold the connection open; signing out ends the walk
            url = path.replace("{handoff_id}", hid).replace("{staff_id}", "1")
            if "{" in url:
                continue
            for method in sorted(getattr(route, "methods", set()) - {"HEAD"}):
                kwargs: dict[str, Any] = {}
                if path.startswith("/api/"):
                    kwargs["headers"] = bearer
                    if method == "POST":
                        kwargs["json"] = {"reason": "確認のため", "text": "x", "outcome": "other"}
                elif method == "POST":
                    kwargs["data"] = {"csrf_token": csrf, "reason": "確認のため", "text": "x"}
                r = await client.request(method, url + "?handoff=" + hid, **kwargs)
                checked += 1
                body = r.text
                if path == "/console/audit":  # the filter field and the CSV link echo it
                    assert re.search(r"<tbody>\s*</tbody>", body) and body.count(hid) == 2
                else:
                    assert hid not in body, (method, path, r.status_code)
                assert "昼夜逆転しています" not in body and "家族会を紹介予定" not in body, (
                    method,
                    path,
                )
                if "{handoff_id}" in path:
                    assert r.status_code in (403, 404), (method, path, r.status_code)
        assert checked >= 40
    async with app.state.db.session() as s:
        handoff = await s.get(Handoff, hid)
    assert handoff is not None and handoff.state == "queued"  # nothing the walk did touched it
    assert handoff.withdrawn_at is None


async def test_a_stale_hotline_is_reported_at_start_up_on_readyz_and_to_admins(
    tmp_path: Path, caplog: Any
) -> None:
    demo = Path(__file__).resolve().parents[1] / "bot" / "cities" / "demo.yaml"
    today = dt.date.today()
    old = (today - dt.timedelta(days=200)).isoformat()
    # every hotline checked today, but the first (救急・消防) checked 200 days ago
    text = re.sub(r"verified_at: \S+", f"verified_at: {today.isoformat()}", demo.read_text("utf-8"))
    fresh_city = tmp_path / "fresh.yaml"
    fresh_city.write_text(text, encoding="utf-8")
    stale_city = tmp_path / "city.yaml"
    stale_city.write_text(text.replace(f"verified_at: {today}", f"verified_at: {old}", 1), "utf-8")
    caplog.set_level(logging.WARNING, logger="tobira.app")
    async with running_app(f"sqlite:///{tmp_path / 't.db'}", municipality=stale_city) as app:
        warned = [r.getMessage() for r in caplog.records if "hotline" in r.getMessage()]
        assert warned == [
            f"hotline 1 of the city YAML not verified for over 90 days (verified_at {old})"
        ]
        async with client_for(app) as client:
            ready = await client.get("/readyz")
            assert ready.status_code == 200  # degraded, not down
            assert ready.json()["degraded"] is True and ready.json()["hotlines"] == "stale=1"
            async with app.state.db.session() as s:
                await create_staff(s, "root", PASSWORD, "admin")
                await create_staff(s, "boss", PASSWORD, "supervisor")
            await login(client, "root")
            page = await client.get("/console/queue")
            assert "確認期限を過ぎた窓口番号" in page.text and old in page.text
            api = await client.get(
                "/api/console/hotlines/stale", headers=await token_for(client, "root")
            )
            assert [h["name"] for h in api.json()["stale"]] == ["救急・消防"]
            boss = await token_for(client, "boss")
            assert (
                await client.get("/api/console/hotlines/stale", headers=boss)
            ).status_code == 403
            await login(client, "boss")
            assert "確認期限を過ぎた窓口番号" not in (await client.get("/console/queue")).text
    fresh_db = f"sqlite:///{tmp_path / 'fresh.db'}"
    async with running_app(fresh_db, municipality=fresh_city) as fresh, client_for(fresh) as client:
        body = (await client.get("/readyz")).json()
        assert body["hotlines"] == "ok" and "degraded" not in body


async def test_live_queue_events_reach_only_the_agency_that_holds_the_handoff(
    sqlite_app: Any,
) -> None:
    from handoff import events
    from handoff.auth import Principal
    from handoff.console.routes.events import _within

    svc = sqlite_app.state.console
    _, hid = await hand_off(sqlite_app, "resident-e")
    other = Principal(1, "other-boss", "supervisor", "elsewhere", "x", "bearer")
    mine = Principal(2, "boss", "supervisor", "", "y", "bearer")
    new = events.handoff_new(hid, "P2", False)
    assert not await _within(svc, other, new)
    assert await _within(svc, mine, new)
    assert await _within(svc, other, events.crisis_alert("c" * 32, "P0"))  # no handoff yet
