"""No side doors: what a channel passes as an option code (LINE postback data, the widget's
``code``) is not redacted like text, so only codes the bot issued may reach storage. A forged
postback or a hand-made widget request carrying a name and a phone number leaves no trace in a
database dump, on SQLite and PostgreSQL, and the resident is simply asked again."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
import pytest
from sqlmodel import select

from bot.app import create_app
from bot.models import Turn
from bot.settings import Settings
from tests.fakeline import Call, FakeLine, follow_event, postback_event
from tests.test_storage import _postgres_dump, _sqlite_bytes
from tests.traces import holds

SECRET = "0123456789abcdef0123456789abcdef"
TOKEN = "side-door-channel-access-token"
NAME, PHONE = "山本和子", "090-3141-5926"
SESSION = "s" * 24
# what an outsider might put where a button's code belongs
FORGED = (
    f"{NAME} {PHONE}",
    f"a:relationship:{NAME}{PHONE}",  # shaped like an answer to the open question
    f"c:lang:{PHONE}",  # shaped like a command
    f"u:skip {NAME}",
    f"sys:closed:{PHONE}",
)
TRACES = (NAME, "和子", PHONE, "3141", "5926", "31415926")


@pytest.fixture
def fake() -> Any:
    with FakeLine(access_token=TOKEN, channel_secret=SECRET) as platform:
        yield platform


async def _line_turn(app: Any, client: httpx.AsyncClient, fake: FakeLine, event: Any) -> Call:
    before = len(fake.delivered)
    body, sig = fake.webhook([event])
    response = await client.post(
        "/line/webhook",
        content=body,
        headers={"Content-Type": "application/json; charset=utf-8", "X-Line-Signature": sig},
    )
    assert response.status_code == 200
    await fake.wait_for(lambda f: len(f.delivered) > before, 15)
    deadline = time.monotonic() + 15
    while await app.state.line.backlog():  # the durable inbox has handed everything on
        assert time.monotonic() < deadline, "LINE events still queued"
        await asyncio.sleep(0.01)
    return fake.delivered[-1]


def _codes(call: Call) -> list[str]:
    return [action["data"] for action in call.quick_replies]


async def _widget(client: httpx.AsyncClient, **payload: Any) -> dict[str, Any]:
    response = await client.post("/api/chat/send", json={"session": SESSION, **payload})
    assert response.status_code == 200
    result: dict[str, Any] = response.json()
    return result


async def test_a_postback_or_widget_code_carrying_a_name_and_phone_leaves_no_trace(
    db_url: str, fake: FakeLine
) -> None:
    settings = Settings(
        database_url=db_url,
        secret_key="x" * 32,
        line_api_base=fake.url,
        line_channel_secret=SECRET,
        line_channel_access_token=TOKEN,
    )
    app = create_app(settings)
    user = "Usidedoor"
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app), base_url="http://tobira.test"
        ) as client,
    ):
        # LINE: get to the first question, then send forged postbacks
        welcome = await _line_turn(app, client, fake, follow_event(user))
        question = await _line_turn(app, client, fake, postback_event(user, "a:intro:start"))
        offered = _codes(question)
        assert "a:relationship:child" in offered
        for data in FORGED:
            answer = await _line_turn(app, client, fake, postback_event(user, data))
            # nothing was taken as an answer: the same question, with the same buttons
            assert _codes(answer) == offered, data
            assert all(secret not in " ".join(answer.texts) for secret in TRACES)
        # the buttons the bot offered and the fixed commands still work as postbacks
        english = await _line_turn(app, client, fake, postback_event(user, "c:lang:en"))
        assert any("language" in t.lower() or "english" in t.lower() for t in english.texts), (
            english.texts
        )
        nxt = await _line_turn(app, client, fake, postback_event(user, "a:relationship:child"))
        assert _codes(nxt) != offered
        assert welcome.texts

        # the widget: the same, through its JSON API
        first = await _widget(client, event="follow")
        started = await _widget(client, code="a:intro:start")
        widget_offered = [o["code"] for o in started["options"]]
        assert "a:relationship:child" in widget_offered and first["messages"]
        for code in FORGED:
            again = await _widget(client, code=code[:64])
            assert [o["code"] for o in again["options"]] == widget_offered, code
        moved = await _widget(client, code="a:relationship:parent")
        assert [o["code"] for o in moved["options"]] != widget_offered

        async with app.state.db.session() as s:
            stored_codes = {t.code for t in (await s.exec(select(Turn))).all()}
        assert stored_codes - {None} <= {
            "a:intro:start",
            "c:lang:en",
            "a:relationship:child",
            "a:relationship:parent",
        }
    at_rest = _sqlite_bytes(db_url) if db_url.startswith("sqlite") else _postgres_dump(db_url)
    for secret in TRACES:
        assert not holds(at_rest, secret), f"{secret} stored"
