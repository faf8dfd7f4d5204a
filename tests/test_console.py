"""The caseworker's console over HTTP against the real app: sign-in, CSRF, lockout, the queue,
claim → live chat → return to bot → close, transcripts behind a reason, audit, staff management,
and the A票 renderings. Handoffs are made the honest way, by a resident talking to the service."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlmodel import col, select

from handoff import console
from handoff import sheet as render
from handoff.auth import MAX_FAILED_LOGINS, create_staff
from handoff.models import AuditLog, Consent, Handoff, Staff
from handoff.summary import Summary
from tests.resident import Resident

PASSWORD = "correct horse battery"
XSS = '<script>window.__xss=1</script><img src=x onerror="window.__xss=2"> <a href="javascript:window.__xss=3">link</a>'


# ---------------------------------------------------------------------------- helpers


async def add_staff(app: Any, username: str, role: str = "staff", password: str = PASSWORD) -> None:
    async with app.state.db.session() as s:
        await create_staff(s, username, password, role)


async def hand_off(
    app: Any,
    address: str,
    *,
    opening: str = "相談したいことがあります",
    food_today: bool = False,
    family: bool = False,
    channel: str = "web",
    consent: str = "a:consent:agree",
) -> tuple[Resident, str]:
    """A resident talks to the bot, skips what they like, approves the summary and consents
    (to the summary only, unless ``consent`` is ``a:consent:agree_transcript``)."""
    resident = Resident(app.state.service, address=address, channel=channel)
    await resident.say(opening)
    await resident.settle_safety()  # markup-only openings may get the safety question
    if family:
        await resident.skip_until("relationship")
        await resident.tap("a:relationship:child")
    if food_today:
        await resident.skip_until("immediate")
        await resident.tap("a:immediate:food")
        await resident.tap("m:done")
    await resident.skip_until("summary")
    await resident.tap("a:summary:ok")
    await resident.tap(consent)
    async with app.state.db.session() as s:
        handoff = (
            await s.exec(
                select(Handoff).where(Handoff.conversation_id == resident.reply.conversation_id)  # type: ignore[union-attr]
            )
        ).one()
    return resident, handoff.id


@contextlib.asynccontextmanager
async def client_for(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


def form_csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF field on the page"
    return match.group(1)


async def login(
    client: httpx.AsyncClient, username: str, password: str = PASSWORD
) -> httpx.Response:
    page = await client.get("/console/login")
    return await client.post(
        "/console/login",
        data={"username": username, "password": password, "csrf_token": form_csrf(page.text)},
    )


async def session_csrf(client: httpx.AsyncClient) -> str:
    page = await client.get("/console/queue")
    assert page.status_code == 200
    match = re.search(r'<meta name="csrf-token" content="([^"]+)"', page.text)
    assert match
    return match.group(1)


async def token_for(
    client: httpx.AsyncClient, username: str, password: str = PASSWORD
) -> dict[str, str]:
    r = await client.post("/api/console/login", json={"username": username, "password": password})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['token']}"}


async def audit_actions(app: Any, handoff_id: str | None = None) -> list[tuple[str, str]]:
    async with app.state.db.session() as s:
        query = select(AuditLog).order_by(col(AuditLog.id))
        if handoff_id:
            query = query.where(AuditLog.handoff_id == handoff_id)
        return [(r.actor, r.action) for r in (await s.exec(query)).all()]


# ---------------------------------------------------------------------------- access control


async def test_every_console_page_and_api_refuses_an_unauthenticated_caller(
    sqlite_app: Any,
) -> None:
    public = {
        "/console/login",
        "/api/console/login",
        "/console/static/{name}",
        "/console",
        "/console/",
    }
    checked = 0
    async with client_for(sqlite_app) as client:
        for route in console.router.routes:
            path = getattr(route, "path", "")
            if not path.startswith(("/console", "/api/console")) or path in public:
                continue
            url = path.replace("{handoff_id}", "0" * 32).replace("{staff_id}", "1")
            for method in sorted(getattr(route, "methods", set()) - {"HEAD"}):
                r = await client.request(method, url)
                checked += 1
                if path.startswith("/api/"):
                    assert r.status_code == 401, (method, path, r.status_code)
                else:
                    assert r.status_code == 303, (method, path, r.status_code)
                    assert r.headers["location"].startswith("/console/login")
        # a forged or expired token is no better than none
        r = await client.get("/api/console/handoffs", headers={"Authorization": "Bearer forged"})
        assert r.status_code == 401
        client.cookies.set("tobira_console", "forged")
        assert (await client.get("/console/queue")).status_code == 303
    assert checked >= 30


async def test_sign_in_sets_a_strict_httponly_cookie_and_forms_need_the_csrf_token(
    sqlite_app: Any,
) -> None:
    await add_staff(sqlite_app, "sato")
    async with client_for(sqlite_app) as client:
        # the login form itself is protected
        await client.get("/console/login")
        r = await client.post("/console/login", data={"username": "sato", "password": PASSWORD})
        assert r.status_code == 403
        r = await login(client, "sato")
        assert r.status_code == 303 and r.headers["location"] == "/console/queue"
        cookie = next(
            h for h in r.headers.get_list("set-cookie") if h.startswith("tobira_console=")
        )
        assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")
        page = await client.get("/console/queue")
        assert page.status_code == 200 and "受付一覧" in page.text
        csp = page.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp

        # a state-changing POST without the token (or with another one) is refused
        r = await client.post(f"/console/handoffs/{'0' * 32}/claim")
        assert r.status_code == 403
        r = await client.post(f"/console/handoffs/{'0' * 32}/claim", data={"csrf_token": "x" * 64})
        assert r.status_code == 403
        r = await client.post("/api/console/handoffs/" + "0" * 32 + "/claim")
        assert r.status_code == 403
        r = await client.post("/console/logout")
        assert r.status_code == 403
        csrf = await session_csrf(client)
        r = await client.post("/console/logout", data={"csrf_token": csrf})
        assert r.status_code == 303
        assert (await client.get("/console/queue")).status_code == 303  # the session is gone


async def test_from_the_sixth_wrong_password_in_a_row_the_account_waits_a_while(
    sqlite_app: Any,
) -> None:
    await add_staff(sqlite_app, "tanaka")
    async with client_for(sqlite_app) as client:

        async def attempt(password: str) -> int:
            r = await client.post(
                "/api/console/login", json={"username": "tanaka", "password": password}
            )
            return r.status_code

        for _ in range(MAX_FAILED_LOGINS - 1):
            assert await attempt("wrong password") == 401
        assert await attempt(PASSWORD) == 200  # five in a row do not lock; success resets the count
        for _ in range(MAX_FAILED_LOGINS):
            assert await attempt("wrong password") == 401
        assert await attempt(PASSWORD) == 401  # waiting: even the right password is refused
        r = await login(client, "tanaka")
        assert r.status_code == 401 and "ロック" in r.text

        async with sqlite_app.state.db.session() as s:
            staff = (await s.exec(select(Staff).where(Staff.username == "tanaka"))).one()
            assert staff.locked_until is not None
            staff.locked_until = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)  # time passes
            s.add(staff)
        assert await attempt(PASSWORD) == 200
    actions = [a for _, a in await audit_actions(sqlite_app)]
    assert actions.count("login_failed") == 2 * MAX_FAILED_LOGINS - 2
    assert "login_locked" in actions


# ---------------------------------------------------------------------------- the queue and the API


async def test_api_lists_the_queue_urgent_first_and_audits_each_handoff_it_returns(
    app: Any,
) -> None:
    await add_staff(app, "sato")
    _, calm = await hand_off(app, "resident-calm")
    _, urgent = await hand_off(app, "resident-food", food_today=True)
    async with client_for(app) as client:
        headers = await token_for(client, "sato")
        r = await client.get("/api/console/handoffs", headers=headers)
        assert r.status_code == 200
        items = r.json()["handoffs"]
        assert [h["id"] for h in items] == [urgent, calm]  # P1 before P2, though it came later
        assert items[0]["level"] == "P1" and items[1]["level"] == "P2"
        for item in items:
            # what a queue row needs; the summary is opened one handoff at a time, on the record
            assert "summary" not in item and item["state"] == "queued"
            assert item["primary"] and item["waiting_minutes"] >= 0
        # listing is not opening: the resident could still withdraw
        assert all(h["opened_at"] is None for h in items)
        for hid in (calm, urgent):  # one audit record per handoff returned
            assert (await audit_actions(app, hid)).count(("sato", "list_view")) == 1
        one = await client.get(f"/api/console/handoffs/{calm}", headers=headers)
        summary = Summary.model_validate(one.json()["summary"])
        assert summary.handoff_id == calm and summary.route.media.startswith("SNS/チャット")
        assert ("sato", "handoff_view") in await audit_actions(app, calm)

        page = await client.get("/console/queue")
        assert page.status_code == 303  # bearer tokens do not open the pages
    assert ("sato", "queue_view") in await audit_actions(app)


async def test_claim_reply_return_and_close_through_the_api(sqlite_app: Any) -> None:
    app = sqlite_app
    await add_staff(app, "sato")
    await add_staff(app, "suzuki")
    resident, hid = await hand_off(app, "resident-1")
    conversation = resident.reply.conversation_id  # type: ignore[union-attr]
    async with client_for(app) as client:
        sato = await token_for(client, "sato")
        suzuki = await token_for(client, "suzuki")
        r = await client.get(f"/api/console/handoffs/{hid}", headers=sato)
        assert r.status_code == 200 and r.json()["opened_at"] is not None
        assert "相談受付・申込票" in r.json()["sheet_text"]

        assert (await client.post(f"/api/console/handoffs/{hid}/claim", headers=sato)).json()[
            "state"
        ] == "claimed"
        r = await client.post(f"/api/console/handoffs/{hid}/claim", headers=suzuki)
        assert r.status_code == 409  # already taken
        r = await client.post(
            f"/api/console/handoffs/{hid}/messages", headers=suzuki, json={"text": "x"}
        )
        assert r.status_code == 409  # only the assigned caseworker replies

        async with (
            app.state.live.subscribe(f"resident:{conversation}") as to_resident,
            app.state.live.subscribe(f"handoff:{hid}") as to_console,
        ):
            r = await client.post(
                f"/api/console/handoffs/{hid}/messages",
                headers=sato,
                json={"text": "相談員の佐藤です。メッセージを拝見しました。"},
            )
            assert r.status_code == 200 and r.json()["state"] == "live"
            event = await asyncio.wait_for(to_resident.get(), 5)
            assert event["messages"] == ["相談員の佐藤です。メッセージを拝見しました。"]
            staff_echo = await asyncio.wait_for(to_console.get(), 5)
            while staff_echo.get("type") != "message":
                staff_echo = await asyncio.wait_for(to_console.get(), 5)
            assert staff_echo["role"] == "staff"

            # while live the bot is silent and the resident's words reach the console
            reply = await resident.say("ありがとうございます。よろしくお願いします")
            assert reply.messages == []
            relayed = await asyncio.wait_for(to_console.get(), 5)
            assert relayed["role"] == "resident" and "よろしくお願いします" in relayed["text"]

            r = await client.post(f"/api/console/handoffs/{hid}/return", headers=sato)
            assert r.status_code == 200 and r.json()["state"] == "returned_to_bot"
            resumed = await asyncio.wait_for(to_resident.get(), 5)
            assert resumed["type"] == "bot" and resumed["messages"]
            # the open question comes back with its buttons, as labels with their codes
            assert resumed["options"] and all(o["code"] and o["label"] for o in resumed["options"])

        r = await client.post(
            f"/api/console/handoffs/{hid}/close", headers=sato, json={"outcome": "referred"}
        )
        assert r.status_code == 422  # passed on, but to where?
        r = await client.post(
            f"/api/console/handoffs/{hid}/close",
            headers=sato,
            json={"outcome": "referred", "destination": "hikikomori_center"},
        )
        assert r.status_code == 200 and r.json()["state"] == "closed"
        assert r.json()["destination"] == "hikikomori_center"
        closed = (await client.get("/api/console/handoffs?state=closed", headers=sato)).json()[
            "handoffs"
        ]
        assert [h["id"] for h in closed] == [hid]
    actions = [a for actor, a in await audit_actions(app, hid) if actor == "sato"]
    for expected in (
        "handoff_view",
        "handoff_first_open",
        "claim",
        "live",
        "message",
        "return_to_bot",
        "close",
    ):
        assert expected in actions


async def test_the_pages_drive_the_same_flow_with_forms(sqlite_app: Any) -> None:
    app = sqlite_app
    await add_staff(app, "sato")
    _, hid = await hand_off(app, "resident-pages", family=True)
    async with client_for(app) as client:
        await login(client, "sato")
        queue_page = await client.get("/console/queue")
        assert hid in queue_page.text and "待機中" in queue_page.text
        page = await client.get(f"/console/handoffs/{hid}")
        assert page.status_code == 200
        html = page.text
        assert html.index("相談受付・申込票") < html.index("会話記録")  # the summary comes first
        assert "【本人同意なし】" in html and "家族・知人から連絡" in html
        csrf = form_csrf(html)
        r = await client.post(f"/console/handoffs/{hid}/claim", data={"csrf_token": csrf})
        assert r.status_code == 303
        r = await client.post(
            f"/console/handoffs/{hid}/messages", data={"csrf_token": csrf, "text": "こんにちは"}
        )
        assert r.status_code == 303
        page = await client.get(f"/console/handoffs/{hid}")
        assert "チャット中" in page.text and "こんにちは" in page.text
        r = await client.post(
            f"/console/handoffs/{hid}/notes", data={"csrf_token": csrf, "text": "次回は母の通院後"}
        )
        assert r.status_code == 303
        r = await client.post(f"/console/handoffs/{hid}/return", data={"csrf_token": csrf})
        assert r.status_code == 303
        r = await client.post(
            f"/console/handoffs/{hid}/close",
            data={"csrf_token": csrf, "outcome": "continuing", "destination": ""},
        )
        assert r.status_code == 303
        page = await client.get(f"/console/handoffs/{hid}")
        assert "当機関で継続支援" in page.text and "次回は母の通院後" in page.text

        text = await client.get(f"/console/handoffs/{hid}/export?format=text")
        assert text.status_code == 200 and "attachment" in text.headers["content-disposition"]
        assert "■ご相談の内容" in text.text
        exported = await client.get(f"/console/handoffs/{hid}/export?format=html")
        assert "script-src" not in exported.headers["content-security-policy"]  # default-src 'none'
        assert (await client.get(f"/console/handoffs/{hid}/export?format=json")).json()[
            "handoff_id"
        ] == hid
    assert [a for _, a in await audit_actions(app, hid)].count("export") == 3


# ---------------------------------------------------------------------------- privacy rules


async def test_transcript_needs_a_reason_and_every_view_is_audited(sqlite_app: Any) -> None:
    app = sqlite_app
    await add_staff(app, "sato")
    await add_staff(app, "boss", role="supervisor")
    _, hid = await hand_off(
        app,
        "resident-t",
        opening="夜になると不安で眠れません",
        consent="a:consent:agree_transcript",
    )
    async with client_for(app) as client:
        headers = await token_for(client, "sato")
        r = await client.get(f"/api/console/handoffs/{hid}/transcript", headers=headers)
        assert r.status_code == 400
        r = await client.post(
            f"/api/console/handoffs/{hid}/transcript", headers=headers, json={"reason": ""}
        )
        assert r.status_code == 400
        r = await client.post(
            f"/api/console/handoffs/{hid}/transcript",
            headers=headers,
            json={"reason": "初回面談の準備のため"},
        )
        assert r.status_code == 200
        assert any("眠れません" in (t["text"] or "") for t in r.json()["turns"])

        await login(client, "sato")
        page = await client.get(f"/console/handoffs/{hid}")
        bot_line = "自分のペースで話せます"  # said by the bot: in the transcript, not the summary
        assert any(bot_line in (t["text"] or "") for t in r.json()["turns"])
        assert bot_line not in page.text  # the page shows the summary, not the transcript
        refused = await client.get(f"/console/handoffs/{hid}/transcript")
        assert refused.status_code == 400 and bot_line not in refused.text

        supervisor = await token_for(client, "boss")
        log = (await client.get(f"/api/console/audit?handoff={hid}", headers=supervisor)).json()[
            "entries"
        ]
        seen = {(e["actor"], e["action"]) for e in log}
        assert {
            ("sato", "handoff_view"),
            ("sato", "transcript_view"),
            ("sato", "transcript_refused"),
        } <= seen
        reason = next(e["detail"] for e in log if e["action"] == "transcript_view")
        assert "初回面談の準備のため" in reason
        assert (await client.get("/api/console/audit", headers=headers)).status_code == 403  # staff
        await login(client, "boss")
        audit_page = await client.get("/console/audit")
        assert audit_page.status_code == 200 and "会話記録の閲覧" in audit_page.text


async def test_withdrawal_deletes_the_summary_until_a_caseworker_opens_it(sqlite_app: Any) -> None:
    app = sqlite_app
    await add_staff(app, "sato")
    early, early_id = await hand_off(app, "resident-early")
    late, late_id = await hand_off(app, "resident-late")
    async with app.state.db.session() as s:
        for hid in (early_id, late_id):
            handoff = await s.get(Handoff, hid)
            consent = (await s.exec(select(Consent).where(Consent.handoff_id == hid))).one()
            assert handoff is not None and consent.summary_hash == handoff.summary_hash
            assert (
                Summary.model_validate_json(handoff.summary_json).digest() == consent.summary_hash
            )
    async with client_for(app) as client:
        headers = await token_for(client, "sato")
        await early.say("取り消す")
        assert (
            await client.get(f"/api/console/handoffs/{early_id}", headers=headers)
        ).status_code == 404
        assert early_id not in [
            h["id"]
            for h in (await client.get("/api/console/handoffs", headers=headers)).json()["handoffs"]
        ]

        assert (
            await client.get(f"/api/console/handoffs/{late_id}", headers=headers)
        ).status_code == 200
        await late.say("取り消す")  # too late: a caseworker has opened it
        assert (
            await client.get(f"/api/console/handoffs/{late_id}", headers=headers)
        ).status_code == 200
    async with app.state.db.session() as s:
        assert await s.get(Handoff, early_id) is None
        withdrawn = (await s.exec(select(Consent).where(Consent.handoff_id == early_id))).one()
        assert withdrawn.withdrawn_at is not None


async def test_resident_markup_is_inert_in_every_view(sqlite_app: Any) -> None:
    app = sqlite_app
    await add_staff(app, "sato")
    resident, hid = await hand_off(
        app, "resident-x", opening=XSS, consent="a:consent:agree_transcript"
    )
    async with client_for(app) as client:
        await login(client, "sato")
        csrf = await session_csrf(client)
        await client.post(f"/console/handoffs/{hid}/claim", data={"csrf_token": csrf})
        await client.post(
            f"/console/handoffs/{hid}/messages", data={"csrf_token": csrf, "text": "はい"}
        )
        await resident.say(XSS)  # while live: shown in the chat panel
        pages = [
            await client.get(f"/console/handoffs/{hid}"),
            await client.post(
                f"/console/handoffs/{hid}/transcript",
                data={"csrf_token": csrf, "reason": "確認のため"},
            ),
            await client.get(f"/console/handoffs/{hid}/export?format=html"),
            await client.get("/console/queue"),
        ]
        for page in pages:
            assert page.status_code == 200
            html = page.text
            assert "<script>window" not in html
            assert "<img src=x" not in html and 'onerror="' not in html
            assert 'href="javascript:' not in html
        assert "&lt;script&gt;" in pages[0].text or "〔" in pages[0].text
        assert "&lt;script&gt;" in pages[1].text


async def test_contact_details_are_shown_only_to_the_assigned_caseworker_and_audited(
    sqlite_app: Any,
) -> None:
    app = sqlite_app
    await add_staff(app, "sato")
    await add_staff(app, "suzuki")
    resident = Resident(app.state.service, address="resident-c")
    await resident.say("相談です")
    await resident.skip_until("summary")
    await resident.tap("a:summary:ok")
    await resident.tap("a:consent:agree")
    await resident.tap("a:contact:phone")
    await resident.say("090-1234-5678")
    async with app.state.db.session() as s:
        handoff = (await s.exec(select(Handoff))).one()
    assert handoff.contact_enc and "090" not in handoff.contact_enc
    hid = handoff.id
    async with client_for(app) as client:
        sato, suzuki = await token_for(client, "sato"), await token_for(client, "suzuki")
        assert (
            await client.post(f"/api/console/handoffs/{hid}/contact", headers=sato)
        ).status_code == 403
        await client.post(f"/api/console/handoffs/{hid}/claim", headers=sato)
        assert (
            await client.post(f"/api/console/handoffs/{hid}/contact", headers=suzuki)
        ).status_code == 403
        r = await client.post(f"/api/console/handoffs/{hid}/contact", headers=sato)
        assert r.status_code == 200 and "090-1234-5678" in r.json()["contact"]
    assert ("sato", "contact_view") in await audit_actions(app, hid)


# ---------------------------------------------------------------------------- staff management


async def test_admins_manage_staff_and_others_cannot(sqlite_app: Any) -> None:
    app = sqlite_app
    await add_staff(app, "admin1", role="admin")
    await add_staff(app, "sato")
    async with client_for(app) as client:
        staff = await token_for(client, "sato")
        assert (await client.get("/api/console/staff", headers=staff)).status_code == 403
        r = await client.post(
            "/api/console/staff",
            headers=staff,
            json={"username": "x", "password": PASSWORD, "role": "admin"},
        )
        assert r.status_code == 403
        admin = await token_for(client, "admin1")
        r = await client.post(
            "/api/console/staff",
            headers=admin,
            json={"username": "kato", "password": "short", "role": "staff"},
        )
        assert r.status_code == 422
        r = await client.post(
            "/api/console/staff",
            headers=admin,
            json={"username": "kato", "password": PASSWORD, "role": "supervisor"},
        )
        assert r.status_code == 201 and r.json()["role"] == "supervisor"
        kato = await token_for(client, "kato")
        assert (await client.get("/api/console/me", headers=kato)).json()["role"] == "supervisor"
        r = await client.patch(
            f"/api/console/staff/{r.json()['id']}", headers=admin, json={"active": False}
        )
        assert r.status_code == 200 and r.json()["active"] is False
        assert (
            await client.get("/api/console/me", headers=kato)
        ).status_code == 401  # signed out everywhere

        await login(client, "admin1")
        page = await client.get("/console/staff")
        assert page.status_code == 200 and "kato" in page.text and "停止中" in page.text
        await login(client, "sato")
        assert (await client.get("/console/staff")).status_code == 403
    actions = [a for _, a in await audit_actions(app)]
    assert "staff_add" in actions and "staff_update" in actions


# ---------------------------------------------------------------------------- the A票 renderings


async def test_the_paste_text_lays_the_summary_out_like_the_intake_form(sqlite_app: Any) -> None:
    app = sqlite_app
    resident = Resident(app.state.service, address="mother")
    await resident.say("はじめまして。佐藤といいます。息子のことで相談したくて")
    await resident.skip_until("consultant_role")  # 「息子のことで」 answered who it is about
    await resident.tap("a:consultant_role:mother")
    await resident.tap("a:concerns:hikikomori_futoko")
    await resident.tap("a:concerns:income_living")
    await resident.tap("m:done")
    await resident.tap("a:primary:hikikomori_futoko")
    await resident.skip_until("summary")
    await resident.tap("a:summary:ok")
    await resident.tap("a:consent:agree")
    async with app.state.db.session() as s:
        handoff = (await s.exec(select(Handoff))).one()
    summary = render.load(handoff.summary_json)
    sheet = render.sheet(summary, received_by="sato")
    text = render.to_text(sheet)
    assert "相談受付・申込票（A票）【本人同意なし】" in text
    assert "◎ ひきこもり・不登校" in text and "○ 収入・生活費のこと" in text
    assert "　 住まいについて" in text  # unmarked boxes are listed too: all 16, in order
    assert sum(1 for box in sheet.boxes) == 16
    assert "相談経路: 家族・知人から連絡（SNS/チャット(匿名窓口)）" in text
    assert "本人との関係: 母" in text and "受付者: sato" in text
    assert "答えたくない／まとめから削除:" in text
    assert "佐藤" not in text  # the name she typed never reached the summary
    assert render.to_json(summary)["concerns"]["primary"] == "hikikomori_futoko"


def test_sheet_labels_cover_every_form_box() -> None:
    assert len(render.A_CATEGORIES) == 16
    assert list(render.A_CATEGORIES)[12] == "hikikomori_futoko"


@pytest.mark.parametrize("level", ["P0", "P1", "P2", "P3"])
def test_every_level_has_a_label(level: str) -> None:
    assert render.LEVELS[level].startswith(level)
