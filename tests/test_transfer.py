"""Transfer with consent (多機関協働): a caseworker proposes passing a handoff to another agency of
the city; the bot asks the resident whether the summary may be shared with it; only on はい do
the receiving agency's staff see the case (and the sending agency's no longer do); the sending
agency sees the outcome either way; everything is audited."""

from __future__ import annotations

from typing import Any

import httpx
from sqlmodel import select

from bot.messages import Option, Reply
from handoff.auth import create_staff
from handoff.models import AuditLog
from tests.conftest import running_app
from tests.fakeline import FakeLine
from tests.resident import Resident
from tests.test_console import PASSWORD, client_for, form_csrf, hand_off, login, token_for
from tests.test_line import SECRET, TOKEN
from tests.test_line import fake as fake  # the fake LINE platform fixture


async def _staff(app: Any) -> None:
    async with app.state.db.session() as s:
        await create_staff(s, "kurashi1", PASSWORD, "staff", agency_id="jiritsu")
        await create_staff(s, "center1", PASSWORD, "staff", agency_id="hikikomori")


async def _queue_ids(client: httpx.AsyncClient, headers: dict[str, str]) -> list[str]:
    data = (await client.get("/api/console/handoffs", headers=headers)).json()
    return [h["id"] for h in data["handoffs"]]


async def _propose(
    client: httpx.AsyncClient, headers: dict[str, str], hid: str, to: str = "hikikomori"
) -> httpx.Response:
    return await client.post(
        f"/api/console/handoffs/{hid}/transfer", headers=headers, json={"to_agency": to}
    )


async def _asked(resident: Resident, app: Any) -> None:
    """The resident opens the widget again: the bot's question is waiting with its buttons."""
    async with client_for(app) as client:
        history = await client.get(
            "/api/chat/history", headers={"X-Tobira-Session": resident.address}
        )
    data = history.json()
    # named as the city names it to residents: the chat never says ひきこもり
    assert "とびら市こころとくらしの相談室" in data["turns"][-1]["text"]
    assert "ひきこもり" not in data["turns"][-1]["text"]
    assert "伝えてもいいですか" in data["turns"][-1]["text"]
    assert {o["code"] for o in data["options"]} >= {"a:transfer:yes", "a:transfer:no"}
    options = [Option(o["code"], o["label"]) for o in data["options"]]
    resident.reply = Reply(messages=[data["turns"][-1]["text"]], options=options)


async def test_with_the_residents_yes_the_receiving_agency_sees_the_case_and_the_sender_does_not(
    app: Any,
) -> None:
    await _staff(app)
    resident, hid = await hand_off(app, "transfer-session-000000001", family=True)
    async with client_for(app) as client:
        kurashi, center = await token_for(client, "kurashi1"), await token_for(client, "center1")
        assert await _queue_ids(client, kurashi) == [hid]
        assert await _queue_ids(client, center) == []
        await client.post(f"/api/console/handoffs/{hid}/claim", headers=kurashi)
        proposed = await _propose(client, kurashi, hid)
        assert proposed.status_code == 202, proposed.text
        # nothing moves while the resident has not answered
        assert await _queue_ids(client, center) == []
        assert (await _propose(client, kurashi, hid)).status_code == 409  # one question at a time

        await _asked(resident, app)
        await resident.tap("a:transfer:yes")
        assert "まとめを伝えます" in resident.text
        assert await _queue_ids(client, center) == [hid]
        assert await _queue_ids(client, kurashi) == []
        opened = await client.get(f"/api/console/handoffs/{hid}", headers=center)
        assert opened.status_code == 200 and opened.json()["state"] == "queued"
        assert (
            await client.get(f"/api/console/handoffs/{hid}", headers=kurashi)
        ).status_code == 404

        outcome = (await client.get("/api/console/transfers", headers=kurashi)).json()
        assert [(t["handoff_id"], t["state"]) for t in outcome["transfers"]] == [(hid, "accepted")]
        # the resident answering again (or any later turn) does not move it twice
        await resident.say("ありがとうございました")
        assert await _queue_ids(client, center) == [hid]
    async with app.state.db.session() as s:
        actions = [
            (a.actor, a.action)
            for a in (await s.exec(select(AuditLog).where(AuditLog.handoff_id == hid))).all()
        ]
    assert ("kurashi1", "transfer_proposed") in actions
    assert ("resident", "transfer_accepted") in actions


async def test_without_the_residents_yes_nothing_moves_and_the_sender_sees_the_no(app: Any) -> None:
    await _staff(app)
    resident, hid = await hand_off(app, "transfer-session-000000002")
    async with client_for(app) as client:
        kurashi, center = await token_for(client, "kurashi1"), await token_for(client, "center1")
        # not claimed by this caseworker: refused; an unknown agency: refused
        assert (await _propose(client, kurashi, hid)).status_code == 403
        await client.post(f"/api/console/handoffs/{hid}/claim", headers=kurashi)
        assert (await _propose(client, kurashi, hid, to="nowhere")).status_code == 422
        assert (await _propose(client, center, hid)).status_code == 404  # not theirs to move
        assert (await _propose(client, kurashi, hid)).status_code == 202

        await _asked(resident, app)
        await resident.tap("a:transfer:no")
        assert "まとめは伝えません" in resident.text
        assert await _queue_ids(client, center) == []
        assert await _queue_ids(client, kurashi) == [hid]
        assert (await client.get(f"/api/console/handoffs/{hid}", headers=center)).status_code == 404
        outcome = (await client.get("/api/console/transfers", headers=kurashi)).json()
        assert [t["state"] for t in outcome["transfers"]] == ["declined"]
        assert outcome["transfers"][0]["state_label"] == "同意なし・移管しない"
        # the receiving agency also sees the refused proposal, but not the case
        seen = (await client.get("/api/console/transfers", headers=center)).json()
        assert [t["state"] for t in seen["transfers"]] == ["declined"]
    async with app.state.db.session() as s:
        actions = [
            a.action
            for a in (await s.exec(select(AuditLog).where(AuditLog.handoff_id == hid))).all()
        ]
    assert "transfer_declined" in actions and "transfer_accepted" not in actions


async def test_on_line_the_question_arrives_by_push_with_its_buttons(
    sqlite_url: str, fake: FakeLine
) -> None:
    line = {"line_channel_secret": SECRET, "line_channel_access_token": TOKEN}
    async with running_app(sqlite_url, line_api_base=fake.url, **line) as app:
        await _staff(app)
        _, hid = await hand_off(app, "U" + "t" * 32, channel="line")
        async with client_for(app) as client:
            kurashi = await token_for(client, "kurashi1")
            await client.post(f"/api/console/handoffs/{hid}/claim", headers=kurashi)
            await client.post(f"/api/console/handoffs/{hid}/live", headers=kurashi)
            # while the caseworker has the chat, the bot cannot ask: refused, nothing sent
            pushes = len(fake.pushes)
            assert (await _propose(client, kurashi, hid)).status_code == 409
            assert len(fake.pushes) == pushes
            await client.post(f"/api/console/handoffs/{hid}/return", headers=kurashi)
            assert (await _propose(client, kurashi, hid)).status_code == 202
        push = fake.pushes[-1]
        assert push.to == "U" + "t" * 32
        assert any("とびら市こころとくらしの相談室" in text for text in push.texts)
        assert not any("ひきこもり" in text for text in push.texts)  # a neutral preview
        assert {a["data"] for a in push.quick_replies} >= {"a:transfer:yes", "a:transfer:no"}


async def test_the_handoff_page_offers_the_transfer_and_lists_its_state(sqlite_app: Any) -> None:
    app = sqlite_app
    await _staff(app)
    _, hid = await hand_off(app, "transfer-session-000000003")
    async with client_for(app) as client:
        await login(client, "kurashi1")
        page = await client.get(f"/console/handoffs/{hid}")
        assert 'id="propose-transfer"' not in page.text  # not theirs until they take it
        await client.post(
            f"/console/handoffs/{hid}/claim", data={"csrf_token": form_csrf(page.text)}
        )
        page = await client.get(f"/console/handoffs/{hid}")
        assert 'id="propose-transfer"' in page.text
        assert "とびら市ひきこもり地域支援センター" in page.text
        form = {"csrf_token": form_csrf(page.text), "to_agency": "hikikomori"}
        sent = await client.post(f"/console/handoffs/{hid}/transfer", data=form)
        assert sent.status_code == 303
        page = await client.get(f"/console/handoffs/{hid}")
        assert "相談者の回答待ち" in page.text
        assert 'id="propose-transfer"' not in page.text  # one question at a time
