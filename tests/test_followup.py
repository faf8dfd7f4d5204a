"""Follow-up after closing (アウトリーチ), opt-in: at the handoff the resident is asked
「また様子をうかがってもいいですか」; with はい a caseworker can still write after closing — by
LINE push, or in the widget when it is reopened — until the city's window ends (an injected
clock); with いいえ or no answer the console offers nothing and refuses."""

from __future__ import annotations

import asyncio
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


# ---------------------------------------------------------------- the bot's one check-in

CHECKIN = "以前ご相談いただいた窓口です。その後いかがですか。"


async def _close_all(client: httpx.AsyncClient, sato: dict[str, str], *ids: str) -> None:
    for hid in ids:
        await _claim_and_close(client, sato, hid)


async def test_an_opted_in_resident_gets_exactly_one_neutral_check_in_on_the_day(
    db_url: str, fake: FakeLine
) -> None:
    from bot import outreach

    async with _app(db_url, fake) as app:
        clock = Clock()
        app.state.console.clock = clock
        service = app.state.service
        await add_staff(app, "sato")
        _, yes_id = await _hand_off(app, LINE_USER, "line", "2w")
        _, no_id = await _hand_off(app, "U" + "n" * 32, "line", "no")
        quitter, quit_id = await _hand_off(app, "U" + "q" * 32, "line", "2w")
        await quitter.say("連絡はもう大丈夫です")  # before the close: withdrawn at once
        assert "連絡は、もうしません" in quitter.text
        async with client_for(app) as client:
            sato = await token_for(client, "sato")
            await _close_all(client, sato, yes_id, no_id, quit_id)
            closed_at = clock.now
            pushes = len(fake.pushes)

            # the day before: nothing
            assert await outreach.send_due(service, closed_at + dt.timedelta(days=13)) == 0
            assert len(fake.pushes) == pushes
            # on the day, two workers at once: one check-in, to the one who chose 2週間後
            day = closed_at + dt.timedelta(days=14, minutes=1)
            both = await asyncio.gather(
                outreach.send_due(service, day), outreach.send_due(service, day)
            )
            assert sorted(both) == [0, 1]
            assert len(fake.pushes) == pushes + 1
            push = fake.pushes[-1]
            assert push.to == LINE_USER
            assert push.texts[0].startswith(CHECKIN)
            assert not any("ひきこもり" in text for text in push.texts)  # the lock-screen preview
            assert "連絡はもう大丈夫です" in [a["label"] for a in push.quick_replies]
            # later passes (or a restarted worker): never twice
            assert await outreach.send_due(service, day + dt.timedelta(days=1)) == 0
            assert await outreach.send_due(service, day + dt.timedelta(days=60)) == 0
            assert len(fake.pushes) == pushes + 1

            # the withdrawn resident: no caseworker message either
            clock.now = day
            refused = await client.post(
                f"/api/console/handoffs/{quit_id}/followup",
                headers=sato,
                json={"text": "お元気ですか"},
            )
            assert refused.status_code == 409 and "断りました" in refused.json()["detail"]
            assert len(fake.pushes) == pushes + 1
        async with app.state.db.session() as s:
            checkins = [
                a.handoff_id
                for a in (await s.exec(select(AuditLog))).all()
                if a.action == "followup_checkin"
            ]
        assert checkins == [yes_id]


async def test_the_widget_shows_the_check_in_when_reopened_and_the_bot_talks_on(
    app: Any,
) -> None:
    from bot import outreach

    clock = Clock()
    app.state.console.clock = clock
    await add_staff(app, "sato")
    resident, hid = await _hand_off(app, WIDGET_SESSION, "web", "1m")
    async with client_for(app) as client:
        sato = await token_for(client, "sato")
        await _claim_and_close(client, sato, hid)
        assert await outreach.send_due(app.state.service, clock.now + dt.timedelta(days=29)) == 0
        due = clock.now + dt.timedelta(days=30, minutes=1)
        assert await outreach.send_due(app.state.service, due) == 1
        history = await client.get(
            "/api/chat/history", headers={"X-Tobira-Session": WIDGET_SESSION}
        )
    body = history.json()
    bot_lines = [t["text"] for t in body["turns"] if t["role"] == "bot"]
    assert bot_lines[-1].startswith(CHECKIN)
    assert [t for t in body["turns"] if t["role"] == "bot" and CHECKIN in t["text"]].__len__() == 1
    assert body["options"]  # the bot waits at its first question again
    # the resident answers: the bot goes on as with any new conversation
    await resident.say("また話を聞いてほしいです")
    assert resident.reply is not None and resident.reply.messages
    assert CHECKIN not in resident.text


async def test_closing_asks_a_resident_who_had_not_chosen_and_their_answer_schedules_it(
    db_url: str, fake: FakeLine
) -> None:
    from bot import outreach

    async with _app(db_url, fake) as app:
        clock = Clock()
        app.state.console.clock = clock
        service = app.state.service
        await add_staff(app, "sato")
        resident, hid = await _hand_off(app, LINE_USER, "line", None)
        _, chosen_id = await _hand_off(app, "U" + "c" * 32, "line", "1m")
        async with client_for(app) as client:
            sato = await token_for(client, "sato")
            pushes = len(fake.pushes)
            await _claim_and_close(client, sato, chosen_id)
            assert len(fake.pushes) == pushes  # they had chosen: the close asks nothing
            await _claim_and_close(client, sato, hid)
            assert len(fake.pushes) == pushes + 1
            asked = fake.pushes[-1]
            assert asked.to == LINE_USER
            assert "いったん終わりました" in "".join(asked.texts)
            labels = [a["label"] for a in asked.quick_replies]
            assert {"2週間後", "1か月後", "声をかけないで"} <= set(labels)

            # the resident taps 2週間後 two days later
            later = clock.now + dt.timedelta(days=2)
            resident.now = later
            await resident._send(code="a:followup:2w")
            assert "そのころ、こちらから一度ご連絡します" in resident.text
            assert await outreach.send_due(service, later + dt.timedelta(days=13)) == 0
            assert await outreach.send_due(service, later + dt.timedelta(days=14, minutes=1)) == 1
            assert fake.pushes[-1].to == LINE_USER
            assert fake.pushes[-1].texts[0].startswith(CHECKIN)
            # and a caseworker may write now (the answer is the opt-in)
            clock.now = later + dt.timedelta(days=15)
            sent = await client.post(
                f"/api/console/handoffs/{hid}/followup", headers=sato, json={"text": "お元気ですか"}
            )
            assert sent.status_code == 200, sent.text
            # until the resident says 「連絡はもう大丈夫です」 (the check-in's button)
            await resident._send(code="c:quiet")
            assert "連絡は、もうしません" in resident.text
            refused = await client.post(
                f"/api/console/handoffs/{hid}/followup", headers=sato, json={"text": "お元気ですか"}
            )
            assert refused.status_code == 409


async def test_stored_follow_up_rows_hold_codes_ids_and_dates_only(app: Any) -> None:
    from handoff.models import Checkin

    await add_staff(app, "sato")
    _, hid = await _hand_off(app, "followup-rows-0000000001", "web", "2w")
    async with client_for(app) as client:
        await _claim_and_close(client, await token_for(client, "sato"), hid)
    async with app.state.db.session() as s:
        row = await s.get(Checkin, hid)
    assert row is not None and row.after_days == 14 and row.due_at is not None
    values = [v for v in row.model_dump().values() if isinstance(v, str)]
    assert all(v.isascii() for v in values)  # ids only: no words of the resident


async def test_the_apps_periodic_job_sends_it_on_the_day_of_the_apps_clock(
    db_url: str, fake: FakeLine
) -> None:
    """The job runs inside each worker (bot.app): two workers whose clock says the day has come
    start; the resident gets one check-in; a worker whose clock says the day before sends none."""
    from bot.app import create_app
    from tests.conftest import make_settings

    line = {"line_channel_secret": SECRET, "line_channel_access_token": TOKEN}
    settings = make_settings(db_url, line_api_base=fake.url, **line)
    async with _app(db_url, fake) as app:
        clock = Clock()
        app.state.console.clock = clock
        await add_staff(app, "sato")
        _, hid = await _hand_off(app, LINE_USER, "line", "2w")
        async with client_for(app) as client:
            await _claim_and_close(client, await token_for(client, "sato"), hid)
    pushes = len(fake.pushes)

    def at(moment: dt.datetime) -> Any:
        return create_app(settings, clock=lambda: moment)

    early = at(clock.now + dt.timedelta(days=13))
    async with early.router.lifespan_context(early):
        await asyncio.sleep(0.5)  # its first pass runs at start-up
    assert len(fake.pushes) == pushes

    due = clock.now + dt.timedelta(days=14, minutes=1)
    one, two = at(due), at(due)
    async with one.router.lifespan_context(one), two.router.lifespan_context(two):
        await fake.wait_for(lambda f: len(f.pushes) > pushes)
        await asyncio.sleep(0.5)
        async with one.state.db.session() as s:
            audited = [
                a for a in (await s.exec(select(AuditLog))).all() if a.action == "followup_checkin"
            ]
    assert len(fake.pushes) == pushes + 1 and len(audited) == 1
    assert fake.pushes[-1].to == LINE_USER and fake.pushes[-1].texts[0].startswith(CHECKIN)
