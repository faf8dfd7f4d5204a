"""Someone is told, through the real service: a P0 over the widget API at 03:00 on a Sunday
(injected clock) sends exactly one alert to a loopback webhook and one mail to a local SMTP sink,
neither with any resident text; a failing receiver is retried and shows on /readyz; the alert
card reaches the console without consent, and the caseworker's message reaches fake LINE as a
push, after the bot says that a 相談員 is reading."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from pathlib import Path
from typing import Any

import yaml
from sqlmodel import select

from bot.app import create_app
from handoff.models import AuditLog
from tests.conftest import make_settings
from tests.fakeline import FakeLine, text_event
from tests.test_alerts import DEMO, SUNDAY_3AM, Receiver, Sink
from tests.test_alerts import receiver as receiver
from tests.test_alerts import smtp as smtp
from tests.test_console import PASSWORD, add_staff, client_for, login, session_csrf

WORDS = "今夜、首を吊ります。ロープも用意した"
LINE_SECRET, LINE_TOKEN = "0123456789abcdef0123456789abcdef", "test-channel-access-token"


def _city(tmp_path: Path, webhook: str) -> str:
    raw = yaml.safe_load(DEMO.read_text(encoding="utf-8"))
    raw["oncall"] = {"webhook_url": webhook, "email": ["oncall@city.tobira.example.jp"]}
    path = tmp_path / "city.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return str(path)


async def _until(check: Any, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not await check():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.05)


async def _line_says(client: Any, fake: FakeLine, text: str) -> None:
    before = len(fake.delivered)
    body, sig = fake.webhook([text_event("U" + "a" * 32, text)])
    r = await client.post(
        "/line/webhook",
        content=body,
        headers={"Content-Type": "application/json", "X-Line-Signature": sig},
    )
    assert r.status_code == 200
    await fake.wait_for(lambda f: len(f.delivered) > before, 15)


async def _audit(app: Any) -> list[tuple[str]]:
    async with app.state.db.session() as s:
        return [(a.action,) for a in (await s.exec(select(AuditLog))).all()]


async def test_a_p0_at_3am_sunday_tells_on_call_once_without_any_words(
    tmp_path: Path,
    receiver: Receiver,
    smtp: tuple[Sink, int],
) -> None:
    sink, port = smtp
    settings = make_settings(
        f"sqlite:///{tmp_path / 't.db'}",
        municipality=_city(tmp_path, receiver.url),
        smtp_url=f"smtp://127.0.0.1:{port}",
    )
    app = create_app(settings, clock=lambda: SUNDAY_3AM)
    async with app.router.lifespan_context(app), client_for(app) as client:
        receiver.fail_next = 1  # the first delivery fails: retried, and visible meanwhile
        for text in (WORDS, "もう決めました", "いまから行きます"):
            r = await client.post("/api/chat/send", json={"session": "s" * 24, "text": text})
            assert r.status_code == 200
        assert "119" in str(r.json())

        async def degraded() -> bool:
            return (await client.get("/readyz")).json().get("degraded") is True

        await _until(degraded)
        await app.state.alerts.deliver_due()  # wake early; backoff makes it due in 2 s
        app.state.alerts.clock = lambda: SUNDAY_3AM + dt.timedelta(seconds=5)  # past the backoff
        await app.state.alerts.deliver_due()

        async def delivered() -> bool:
            return len(receiver.bodies) == 1 and len(sink.messages) == 1

        await _until(delivered)
        await asyncio.sleep(0.3)
        assert len(receiver.bodies) == 1 and len(sink.messages) == 1  # exactly one each
        everything = str(receiver.bodies) + sink.messages[0]
        for words in (WORDS, "首", "ロープ", "決めました"):
            assert words not in everything
        assert receiver.bodies[0]["level"] == "P0"
        assert "degraded" not in (await client.get("/readyz")).json()


async def test_the_alert_card_reaches_the_console_and_the_caseworker_writes_by_line_push(
    db_url: str,
) -> None:
    with FakeLine(access_token=LINE_TOKEN, channel_secret=LINE_SECRET) as fake:
        settings = make_settings(
            db_url,
            line_api_base=fake.url,
            line_channel_secret=LINE_SECRET,
            line_channel_access_token=LINE_TOKEN,
        )
        app = create_app(settings)
        async with app.router.lifespan_context(app), client_for(app) as client:
            await _line_says(client, fake, WORDS)
            await add_staff(app, "sato")
            await login(client, "sato", PASSWORD)
            queue = (await client.get("/console/queue")).text
            assert "緊急アラート" in queue and "自殺の危険" in queue
            assert WORDS not in queue and "首" not in queue  # no text, no summary
            cid = (await client.get("/api/console/alerts")).json()["alerts"][0]["conversation_id"]
            page = await client.get(f"/console/alerts/{cid}")
            assert page.status_code == 200 and "首" not in page.text
            csrf = await session_csrf(client)
            sent = await client.post(
                f"/console/alerts/{cid}/message",
                data={"text": "市の相談員の佐藤です。いま、どこにいますか。", "csrf_token": csrf},
            )
            assert sent.status_code == 303 and sent.headers["location"].endswith("sent=1")
            pushes = fake.pushes
            assert len(pushes) == 1
            texts = pushes[0].texts
            assert "相談員が読んでいます" in texts[0]  # the bot first says who is reading
            assert texts[1] == "市の相談員の佐藤です。いま、どこにいますか。"
            await _line_says(client, fake, "いまは家にいます")  # the person answers
            page = await client.get(f"/console/alerts/{cid}")
            assert "いまは家にいます" in page.text and "市の相談員の佐藤です" in page.text
            assert "首" not in page.text  # what came before the caseworker wrote stays unseen
            actions = [a for (a,) in await _audit(app)]
            assert "alert_view" in actions and "alert_message" in actions


async def test_a_widget_p0_is_announced_to_the_queue_at_once_and_staff_write_to_the_widget(
    sqlite_app: Any,
) -> None:
    app = sqlite_app
    await add_staff(app, "suzuki")
    async with client_for(app) as client:
        async with app.state.live.subscribe("queue") as queue:
            r = await client.post("/api/chat/send", json={"session": "w" * 24, "text": WORDS})
            assert r.status_code == 200
            event = await asyncio.wait_for(queue.get(), 5)
        assert event["type"] == "crisis_alert" and event["level"] == "P0"
        assert set(event) == {"type", "conversation_id", "level"}  # codes only
        cid = event["conversation_id"]
        login = await client.post(
            "/api/console/login", json={"username": "suzuki", "password": PASSWORD}
        )
        staff = {"Authorization": f"Bearer {login.json()['token']}"}
        cards = (await client.get("/api/console/alerts", headers=staff)).json()["alerts"]
        assert [c["conversation_id"] for c in cards] == [cid]
        assert cards[0]["channel"] == "web" and cards[0]["category"]
        async with app.state.live.subscribe(f"resident:{cid}") as widget:
            r = await client.post(
                f"/api/console/alerts/{cid}/messages",
                headers=staff,
                json={"text": "相談員の鈴木です。いま、安全な場所にいますか。"},
            )
            assert r.status_code == 201 and r.json() == {"delivered": True}
            pushed = await asyncio.wait_for(widget.get(), 5)
        assert "相談員が読んでいます" in pushed["messages"][0]
        assert pushed["messages"][1] == "相談員の鈴木です。いま、安全な場所にいますか。"
