"""Follow-up after closing (アウトリーチ), opt-in: at the handoff the resident is asked
「また様子をうかがってもいいですか」; with はい a caseworker can still write after closing — by
LINE push, or in the widget when it is reopened — until the city's window ends (an injected
clock); with いいえ or no answer the console offers nothing and refuses."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from sqlmodel import select

from handoff.auth import CSRF_HEADER
from handoff.models import AuditLog, Handoff
from tests.conftest import running_app as running
from tests.fakeline import FakeLine
from tests.resident import Resident
from tests.test_console import add_staff, client_for, login, session_csrf, token_for
from tests.test_line import SECRET, TOKEN

LINE_USER = "U" + "f" * 32
WIDGET_SESSION = "followup-widget-session-0001"


class Clock:
    """The console's clock, moved by the test."""

    def __init__(self) -> None:
        self.now = dt.datetime.now(dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def fake() -> Iterator[FakeLine]:
    with FakeLine(access_token=TOKEN, channel_secret=SECRET) as platform:
        yield platform


@contextlib.asynccontextmanager
async def _app(db_url: str, fake: FakeLine) -> AsyncIterator[Any]:
    line = {"line_channel_secret": SECRET, "line_channel_access_token": TOKEN}
    async with running(db_url, line_api_base=fake.url, **line) as app:
        yield app


async def _hand_off(
    app: Any, address: str, channel: str, followup: str | None
) -> tuple[Resident, str]:
    resident = Resident(app.state.service, address=address, channel=channel)
    await resident.say("相談したいことがあります")
    await resident.skip_until("summary")
    await resident.tap("a:summary:ok")
    await resident.tap("a:consent:agree")
    await resident.tap("u:skip")  # how to be contacted
    await resident.tap("u:skip")  # when
    assert "こちらから一度声をかけてもいいですか" in resident.text
    await resident.tap(f"a:followup:{followup}" if followup else "u:skip")
    assert "相談員が確認して返信します" in resident.text
    async with app.state.db.session() as s:
        conversation_id = resident.reply.conversation_id  # type: ignore[union-attr]
        handoff = (
            await s.exec(select(Handoff).where(Handoff.conversation_id == conversation_id))
        ).one()
    return resident, handoff.id


async def _claim_and_close(client: httpx.AsyncClient, headers: dict[str, str], hid: str) -> None:
    assert (await client.post(f"/api/console/handoffs/{hid}/claim", headers=headers)).is_success
    closed = await client.post(
        f"/api/console/handoffs/{hid}/close", headers=headers, json={"outcome": "continuing"}
    )
    assert closed.status_code == 200, closed.text


async def test_an_opted_in_resident_hears_from_the_caseworker_after_closing_until_the_window_ends(
    db_url: str, fake: FakeLine
) -> None:
    async with _app(db_url, fake) as app:
        clock = Clock()
        app.state.console.clock = clock
        await add_staff(app, "sato")
        _, yes_id = await _hand_off(app, LINE_USER, "line", "2w")
        _, no_id = await _hand_off(app, "U" + "n" * 32, "line", "no")
        _, skipped_id = await _hand_off(app, "U" + "s" * 32, "line", None)
        async with client_for(app) as client:
            sato = await token_for(client, "sato")
            for hid in (yes_id, no_id, skipped_id):
                await _claim_and_close(client, sato, hid)
            pushes_before = len(fake.pushes)

            clock.now += dt.timedelta(days=30)
            sent = await client.post(
                f"/api/console/handoffs/{yes_id}/followup",
                headers=sato,
                json={"text": "その後いかがですか。"},
            )
            assert sent.status_code == 200, sent.text
            assert len(fake.pushes) == pushes_before + 1
            assert fake.pushes[-1].to == LINE_USER
            assert fake.pushes[-1].texts == ["その後いかがですか。"]

            for hid in (no_id, skipped_id):
                refused = await client.post(
                    f"/api/console/handoffs/{hid}/followup",
                    headers=sato,
                    json={"text": "お元気ですか"},
                )
                assert refused.status_code == 409
                assert "同意していません" in refused.json()["detail"]

            clock.now += dt.timedelta(days=61)  # 91 days after closing: the demo city allows 90
            late = await client.post(
                f"/api/console/handoffs/{yes_id}/followup",
                headers=sato,
                json={"text": "お元気ですか"},
            )
            assert late.status_code == 409 and "期間" in late.json()["detail"]
            assert len(fake.pushes) == pushes_before + 1
        async with app.state.db.session() as s:
            actions = [
                (a.handoff_id, a.action)
                for a in (await s.exec(select(AuditLog))).all()
                if a.action.startswith("followup")
            ]
        assert actions.count((yes_id, "followup_message")) == 1
        assert {(no_id, "followup_refused"), (skipped_id, "followup_refused")} <= set(actions)
        assert actions.count((yes_id, "followup_refused")) == 1


async def test_the_console_offers_follow_up_only_for_a_resident_who_said_yes(
    sqlite_app: Any,
) -> None:
    app = sqlite_app
    await add_staff(app, "sato")
    _, yes_id = await _hand_off(app, WIDGET_SESSION, "web", "1m")
    _, no_id = await _hand_off(app, "followup-widget-session-0002", "web", "no")
    async with client_for(app) as client:
        await login(client, "sato")
        csrf = await session_csrf(client)
        headers = {CSRF_HEADER: csrf}
        for hid in (yes_id, no_id):
            await _claim_and_close(client, headers, hid)
        offered = (await client.get(f"/console/handoffs/{yes_id}")).text
        assert 'id="send-followup"' in offered
        not_offered = (await client.get(f"/console/handoffs/{no_id}")).text
        assert 'id="send-followup"' not in not_offered and 'id="no-followup"' in not_offered

        page = await client.get(f"/console/handoffs/{yes_id}")
        form = {"text": "その後、いかがお過ごしですか。", "csrf_token": csrf}
        sent = await client.post(f"/console/handoffs/{yes_id}/followup", data=form)
        assert sent.status_code == 303 and page.status_code == 200
        # the resident reopens the widget: the caseworker's words are there
        history = await client.get(
            "/api/chat/history", headers={"X-Tobira-Session": WIDGET_SESSION}
        )
        staff_lines = [t["text"] for t in history.json()["turns"] if t["role"] == "staff"]
        assert staff_lines == ["その後、いかがお過ごしですか。"]


async def test_the_retention_purge_keeps_an_opted_in_conversation_for_the_window(app: Any) -> None:
    clock = Clock()
    app.state.console.clock = clock
    await add_staff(app, "sato")
    _, yes_id = await _hand_off(app, "followup-retention-000001", "web", "2w")
    _, no_id = await _hand_off(app, "followup-retention-000002", "web", "no")
    async with client_for(app) as client:
        sato = await token_for(client, "sato")
        for hid in (yes_id, no_id):
            await _claim_and_close(client, sato, hid)
        # 40 days on: past the demo city's retention_days (30), inside followup_days (90)
        clock.now += dt.timedelta(days=40)
        assert await app.state.service.purge_expired(clock.now) == 1
        async with app.state.db.session() as s:
            kept = {h.id: h.conversation_id for h in (await s.exec(select(Handoff))).all()}
        assert kept[yes_id] is not None and kept[no_id] is None
        sent = await client.post(
            f"/api/console/handoffs/{yes_id}/followup",
            headers=sato,
            json={"text": "お元気ですか。"},
        )
        assert sent.status_code == 200, sent.text
        # past the window the next purge lets it go like any other
        assert await app.state.service.purge_expired(clock.now + dt.timedelta(days=51)) == 1
