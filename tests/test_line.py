"""The LINE front door, driven exactly as LINE drives it: signed webhook bodies in, replies and
pushes recorded at a fake LINE platform on loopback (tests/fakeline.py)."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlmodel import col, select

from bot.app import create_app
from bot.channels import line_check
from bot.models import Conversation, ProcessedEvent, Turn
from bot.settings import Settings
from handoff.models import Consent, Handoff
from tests.fakeline import (
    LOADING,
    PUSH,
    REPLY,
    Call,
    FakeLine,
    follow_event,
    location_event,
    media_event,
    postback_event,
    sign,
    sticker_event,
    text_event,
    unfollow_event,
    webhook_body,
)

SECRET = "0123456789abcdef0123456789abcdef"
TOKEN = "test-channel-access-token"


@dataclass
class Line:
    """The app under test, a client that posts as LINE does, and the fake LINE platform."""

    app: FastAPI
    client: httpx.AsyncClient
    fake: FakeLine
    db_path: Path | None

    async def post(self, *events: dict[str, Any]) -> httpx.Response:
        body, sig = self.fake.webhook(events)
        return await self.client.post(
            "/line/webhook",
            content=body,
            headers={"Content-Type": "application/json; charset=utf-8", "X-Line-Signature": sig},
        )

    async def say(self, user: str, *events: dict[str, Any], timeout: float = 15) -> Call:
        """Post events and wait for the answer to the last one to reach LINE."""
        before = len(self.fake.delivered)
        response = await self.post(*events)
        assert response.status_code == 200
        await self.fake.wait_for(lambda f: len(f.delivered) > before, timeout)
        await self.idle()
        return self.fake.delivered[-1]

    async def idle(self, timeout: float = 15) -> None:
        channel = self.app.state.line
        deadline = time.monotonic() + timeout
        while await channel.backlog():
            assert time.monotonic() < deadline, "LINE events still queued"
            await asyncio.sleep(0.01)

    async def recorded(self, n: int, timeout: float = 5) -> None:
        """Wait until ``n`` event ids are remembered in SQL (written in batches)."""
        deadline = time.monotonic() + timeout
        while len(await self.rows(ProcessedEvent)) < n:
            assert time.monotonic() < deadline, "event ids not recorded"
            await asyncio.sleep(0.05)
        assert len(await self.rows(ProcessedEvent)) == n

    async def rows(self, model: Any, *where: Any) -> list[Any]:
        async with self.app.state.db.session() as s:
            return list((await s.exec(select(model).where(*where))).all())

    async def conversation(self, user: str) -> Conversation | None:
        key = self.app.state.keys.lookup_hash("line", user)
        found = await self.rows(Conversation, Conversation.key_hash == key)
        return found[0] if found else None

    def stored_bytes(self) -> bytes:
        """Everything SQLite holds on disk for this app (database, WAL)."""
        assert self.db_path is not None
        return b"".join(
            p.read_bytes()
            for p in self.db_path.parent.iterdir()
            if p.name.startswith(self.db_path.name)
        )


def _sqlite(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path}/t.db"


def _settings(database_url: str, fake: FakeLine, **extra: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": database_url,
        "secret_key": "x" * 32,
        "line_api_base": fake.url,
        "line_channel_secret": SECRET,
        "line_channel_access_token": TOKEN,
    }
    return Settings(**(values | extra))


@pytest.fixture
def fake() -> Any:
    with FakeLine(access_token=TOKEN, channel_secret=SECRET) as platform:
        yield platform


@contextlib.asynccontextmanager
async def _running(database_url: str, fake: FakeLine, db_path: Path | None) -> AsyncIterator[Line]:
    app = create_app(_settings(database_url, fake))
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app), base_url="http://tobira.test"
        ) as client,
    ):
        fake.reset()  # start-up asked LINE for the bot's user id; the tests look at what follows
        yield Line(app, client, fake, db_path)


@pytest.fixture
async def line(tmp_path: Path, fake: FakeLine) -> AsyncIterator[Line]:
    """The app on a SQLite file (whose bytes the privacy tests read)."""
    async with _running(_sqlite(tmp_path), fake, tmp_path / "t.db") as running:
        yield running


@pytest.fixture
async def line_db(db_url: str, fake: FakeLine) -> AsyncIterator[Line]:
    """The app on SQLite and, in a second run, on a fresh PostgreSQL database."""
    async with _running(db_url, fake, None) as running:
        yield running


def codes(call: Call) -> list[str]:
    return [action["data"] for action in call.quick_replies]


# ---- the webhook door ---------------------------------------------------------------------------
async def test_a_forged_or_unsigned_webhook_is_refused_and_nothing_happens(line: Line) -> None:
    body = webhook_body([text_event("Uforged", "こんにちは")])
    tampered = body.replace("こんにちは".encode(), "さようなら".encode())
    attempts = [
        {},  # no signature at all
        {"X-Line-Signature": ""},
        {"X-Line-Signature": sign("wrong-secret-wrong-secret-000000", body)},
        {"X-Line-Signature": "not base64 at all"},
    ]
    for headers in attempts:
        response = await line.client.post("/line/webhook", content=body, headers=headers)
        assert response.status_code == 400
    response = await line.client.post(
        "/line/webhook", content=tampered, headers={"X-Line-Signature": sign(SECRET, body)}
    )
    assert response.status_code == 400
    await asyncio.sleep(0.2)
    await line.idle()
    assert line.fake.calls == []
    assert await line.rows(Conversation) == []
    assert await line.rows(ProcessedEvent) == []


async def test_a_body_over_one_megabyte_is_refused(line: Line) -> None:
    huge = webhook_body([text_event("Ubig", "あ" * 400_000)])
    assert len(huge) > 1024 * 1024
    response = await line.client.post(
        "/line/webhook", content=huge, headers={"X-Line-Signature": sign(SECRET, huge)}
    )
    assert response.status_code == 413

    async def stream() -> AsyncIterator[bytes]:  # no Content-Length: the cap holds while reading
        for i in range(0, len(huge), 65536):
            yield huge[i : i + 65536]

    response = await line.client.post(
        "/line/webhook", content=stream(), headers={"X-Line-Signature": sign(SECRET, huge)}
    )
    assert response.status_code == 413
    await line.idle()
    assert line.fake.calls == []


async def test_lines_verify_button_gets_a_200(line: Line) -> None:
    body, sig = line.fake.webhook([])
    response = await line.client.post(
        "/line/webhook", content=body, headers={"X-Line-Signature": sig}
    )
    assert response.status_code == 200


async def test_a_redelivered_event_never_gets_a_second_reply(line_db: Line) -> None:
    first = follow_event("Uredeliver")
    await line_db.say("Uredeliver", first)
    again = dict(first, deliveryContext={"isRedelivery": True})
    # Redeliveries arrive alone, in a batch, and several at once.
    assert (await line_db.post(again)).status_code == 200
    assert (await line_db.post(again, again)).status_code == 200
    results = await asyncio.gather(*(line_db.post(again) for _ in range(5)))
    assert all(r.status_code == 200 for r in results)
    await asyncio.sleep(0.3)
    await line_db.idle()
    assert len(line_db.fake.delivered) == 1
    await line_db.recorded(1)


async def test_redelivery_after_a_restart_is_recognised(db_url: str, fake: FakeLine) -> None:
    event = follow_event("Urestart")
    for _ in range(2):  # the second app has an empty memory: only the database remembers
        app = create_app(_settings(db_url, fake))
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://t") as client,
        ):
            body, sig = fake.webhook([event])
            response = await client.post(
                "/line/webhook", content=body, headers={"X-Line-Signature": sig}
            )
            assert response.status_code == 200
            await fake.wait_for(lambda f: len(f.delivered) >= 1)
            while await app.state.line.backlog():
                await asyncio.sleep(0.01)
        event = dict(event, deliveryContext={"isRedelivery": True})
    assert len(fake.delivered) == 1


async def test_redelivery_is_recognised_with_redis_configured_too(
    tmp_path: Path, fake: FakeLine, redis_url: str
) -> None:
    event = follow_event("Uredis")
    for _ in range(2):
        app = create_app(_settings(_sqlite(tmp_path), fake, redis_url=redis_url))
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://t") as client,
        ):
            body, sig = fake.webhook([event, dict(event)])
            response = await client.post(
                "/line/webhook", content=body, headers={"X-Line-Signature": sig}
            )
            assert response.status_code == 200
            await fake.wait_for(lambda f: len(f.delivered) >= 1)
            while await app.state.line.backlog():
                await asyncio.sleep(0.01)
            await app.state.redis.flushdb()  # a Redis restart forgets everything it held
        event = dict(event, deliveryContext={"isRedelivery": True})
    assert len(fake.delivered) == 1


async def test_standby_and_group_events_are_not_answered(line: Line) -> None:
    assert (
        await line.post(text_event("Ustandby", "こんにちは", mode="standby"))
    ).status_code == 200
    group = {"type": "group", "groupId": "Cgroup", "userId": "Ugroupmember"}
    assert (
        await line.post(text_event("Ugroupmember", "こんにちは", source=group))
    ).status_code == 200
    await asyncio.sleep(0.3)
    await line.idle()
    assert line.fake.delivered == []
    assert await line.rows(Conversation) == []


# ---- order and speed ----------------------------------------------------------------------------
async def test_each_residents_replies_come_in_the_order_they_wrote(line_db: Line) -> None:
    users = [f"Uorder{i:02d}" for i in range(12)]
    per_user = 6
    owner: dict[str, str] = {}
    sent: dict[str, list[str]] = {u: [] for u in users}

    async def resident(user: str) -> None:
        # Each resident writes quickly, one webhook after another, without waiting for answers.
        for i in range(per_user):
            event = (
                follow_event(user)
                if i == 0
                else text_event(
                    user, ["こんにちは", "息子のことで", "はい", "わからない", "もう少し"][i - 1]
                )
            )
            owner[event["replyToken"]] = user
            sent[user].append(event["replyToken"])
            assert (await line_db.post(event)).status_code == 200

    await asyncio.gather(*(resident(u) for u in users))
    await line_db.fake.wait_for(lambda f: len(f.delivered) >= len(users) * per_user, timeout=60)
    await line_db.idle()
    for user in users:
        got = [c.reply_token for c in line_db.fake.delivered_to(user, owner)]
        assert got == sent[user], f"{user}: replies out of order"
    assert len(line_db.fake.delivered) == len(users) * per_user


async def test_several_events_in_one_webhook_are_answered_in_their_order(line: Line) -> None:
    events = [
        follow_event("Ubatch"),
        text_event("Ubatch", "こんにちは"),
        sticker_event("Ubatch"),
        text_event("Ubatch", "息子のことです"),
    ]
    assert (await line.post(*events)).status_code == 200
    await line.fake.wait_delivered(4)
    assert [c.reply_token for c in line.fake.delivered] == [e["replyToken"] for e in events]


async def test_the_loading_animation_shows_when_a_turn_takes_over_a_second(line: Line) -> None:
    service = line.app.state.service
    real = service.handle

    async def slow(inbound: Any) -> Any:  # a slow turn (a busy database, say)
        await asyncio.sleep(1.3)
        return await real(inbound)

    service.handle = slow
    try:
        await line.say("Uslow", text_event("Uslow", "こんにちは"))
    finally:
        service.handle = real
    loading = line.fake.calls_to(LOADING, status=202)
    assert [c.body for c in loading] == [{"chatId": "Uslow", "loadingSeconds": 20}]
    await line.say("Ufast", text_event("Ufast", "こんにちは"))
    assert len(line.fake.calls_to(LOADING, status=202)) == 1  # a quick turn shows none


async def test_line_gets_its_200_while_turns_are_still_running(line: Line) -> None:
    service = line.app.state.service
    real = service.handle
    gate = asyncio.Event()

    async def stuck(inbound: Any) -> Any:  # every turn waits until the test lets go
        await gate.wait()
        return await real(inbound)

    service.handle = stuck
    try:
        users = [f"Ubusy{i}" for i in range(20)]
        results = await asyncio.gather(*(line.post(follow_event(u)) for u in users))
        assert [r.status_code for r in results] == [200] * 20
        assert await line.app.state.line.backlog() == 20  # stored, acknowledged, not answered
        assert line.fake.delivered == []
    finally:
        gate.set()
        service.handle = real
    await line.fake.wait_delivered(20)


async def test_storage_down_refuses_with_503_and_the_redelivery_is_answered(line: Line) -> None:
    channel = line.app.state.line
    real = channel.inbox.enqueue
    overflow = follow_event("Ustorage")

    async def unavailable(entries: Any) -> Any:
        raise ConnectionError("database unavailable")

    channel.inbox.enqueue = unavailable
    try:
        assert (await line.post(overflow)).status_code == 503
    finally:
        channel.inbox.enqueue = real
    await line.idle()
    assert line.fake.delivered == []
    assert await line.rows(ProcessedEvent) == []  # not taken in, so not remembered
    # LINE redelivers what got a 503; it was never taken in, so it is answered now.
    again = dict(overflow, deliveryContext={"isRedelivery": True})
    call = await line.say("Ustorage", again)
    assert call.reply_token == overflow["replyToken"]
    assert len(line.fake.delivered) == 1


# ---- delivery when LINE is slow, busy or down ----------------------------------------------------
async def test_an_answer_after_the_reply_token_went_stale_is_pushed_once(line_db: Line) -> None:
    stale = follow_event("Ustale", at=time.time() - 55)
    call = await line_db.say("Ustale", stale)
    assert call.path == PUSH
    assert call.to == "Ustale"
    assert call.headers.get("x-line-retry-key")
    assert line_db.fake.replies == []


async def test_a_spent_reply_token_falls_back_to_push(line: Line) -> None:
    event = follow_event("Uspent")
    line.fake.expire_token(event["replyToken"])
    call = await line.say("Uspent", event)
    assert call.path == PUSH and call.to == "Uspent"
    assert len(line.fake.calls_to(REPLY, status=400)) == 1


async def test_rate_limit_then_success_delivers_exactly_once(line: Line) -> None:
    line.fake.fail_next(1, status=429, path=REPLY)
    call = await line.say("U429", follow_event("U429"))
    assert call.path == REPLY
    assert len(line.fake.calls_to(REPLY, status=429)) == 1
    assert len(line.fake.delivered) == 1


async def test_a_brief_line_outage_loses_nothing(line: Line) -> None:
    # The reply keeps failing until its token goes stale; then the push is retried with one key.
    line.fake.fail_next(50, status=500, path=REPLY)
    line.fake.fail_next(2, status=503, path=PUSH)
    call = await line.say("Uoutage", follow_event("Uoutage", at=time.time() - 47))
    assert {r.status for r in line.fake.calls_to(REPLY, status=None)} == {500}
    pushes = line.fake.calls_to(PUSH, status=None)
    assert call.path == PUSH
    assert [p.status for p in pushes] == [503, 503, 200]
    assert len({p.headers["x-line-retry-key"] for p in pushes}) == 1
    assert len(line.fake.delivered) == 1


async def test_a_caseworkers_message_reaches_the_resident_by_push(line: Line) -> None:
    await line.say("Ustaff", follow_event("Ustaff"))
    conversation = await line.conversation("Ustaff")
    assert conversation is not None and conversation.push_target_enc
    assert "Ustaff" not in conversation.key_hash
    assert await line.app.state.service.deliver(conversation.id, ["相談員の田中です。"])
    push = line.fake.pushes[-1]
    assert push.to == "Ustaff"
    assert push.texts == ["相談員の田中です。"]
    assert push.headers.get("x-line-retry-key")


# ---- what residents send ------------------------------------------------------------------------
async def test_follow_welcomes_and_unblock_welcomes_back(line: Line) -> None:
    welcome = await line.say("Ufollow", follow_event("Ufollow"))
    assert welcome.path == REPLY and welcome.texts and codes(welcome)
    await line.say("Ufollow", postback_event("Ufollow", codes(welcome)[0]))
    back = await line.say("Ufollow", follow_event("Ufollow", unblocked=True))
    assert "おかえりなさい" in back.texts[0]


async def test_unfollow_deletes_everything_about_the_person_at_once(line_db: Line) -> None:
    welcome = await line_db.say("Uleave", follow_event("Uleave"))
    await line_db.say("Uleave", postback_event("Uleave", codes(welcome)[0]))
    await line_db.say("Uleave", text_event("Uleave", "母のことで相談したいです"))
    await line_db.say("Ukeep", follow_event("Ukeep"))
    conversation = await line_db.conversation("Uleave")
    assert conversation is not None
    assert await line_db.rows(Turn, Turn.conversation_id == conversation.id)
    before = len(line_db.fake.calls)

    assert (await line_db.post(unfollow_event("Uleave"))).status_code == 200
    await asyncio.sleep(0.1)
    await line_db.idle()
    assert await line_db.conversation("Uleave") is None
    assert await line_db.rows(Turn, Turn.conversation_id == conversation.id) == []
    checkpoints = await line_db.app.state.service.saver.aget_tuple(
        {"configurable": {"thread_id": conversation.id}}
    )
    assert checkpoints is None
    assert await line_db.conversation("Ukeep") is not None
    assert len(line_db.fake.calls) == before  # no reply token, and nothing is pushed


@pytest.mark.parametrize(
    ("event", "marker"),
    [
        (sticker_event, "sticker"),
        (lambda u: media_event(u, "image"), "image"),
        (lambda u: media_event(u, "video"), "video"),
        (lambda u: media_event(u, "audio"), "audio"),
        (lambda u: media_event(u, "file"), "file"),
        (location_event, "location"),
    ],
)
async def test_stickers_media_and_locations_get_a_kind_answer_and_leave_no_trace(
    line: Line, event: Any, marker: str
) -> None:
    user = f"U{marker}"
    await line.say(user, follow_event(user))
    turns_before = len(await line.rows(Turn))
    call = await line.say(user, event(user))
    assert call.path == REPLY and call.texts and call.texts[0]
    assert len(await line.rows(Turn)) == turns_before  # nothing stored for the content
    # Nothing was fetched from LINE (no content API) and no profile was looked up.
    assert all(c.path in (REPLY, PUSH, LOADING) for c in line.fake.calls)
    stored = line.stored_bytes()
    for secret in (
        "東京都千代田区".encode(),
        b"139.7528",
        b"35.685175",
        "相談メモ".encode(),
        user.encode(),
    ):
        assert secret not in stored


async def test_kind_answers_differ_by_what_was_sent(line: Line) -> None:
    await line.say("Ukinds", follow_event("Ukinds"))
    sticker = await line.say("Ukinds", sticker_event("Ukinds"))
    image = await line.say("Ukinds", media_event("Ukinds", "image"))
    place = await line.say("Ukinds", location_event("Ukinds"))
    assert len({sticker.texts[0], image.texts[0], place.texts[0]}) == 3


async def test_a_5000_character_message_is_taken_in(line: Line) -> None:
    welcome = await line.say("Ulong", follow_event("Ulong"))
    await line.say("Ulong", postback_event("Ulong", codes(welcome)[0]))
    text = ("息子が部屋から出てこなくなって十年になります。" * 250)[
        :4998
    ] + "😢"  # 5,000 UTF-16 units
    assert len(text.encode("utf-16-le")) // 2 == 5000
    call = await line.say("Ulong", text_event("Ulong", text))
    assert call.texts
    for message in call.body["messages"]:
        assert len(message["text"].encode("utf-16-le")) // 2 <= 5000
    conversation = await line.conversation("Ulong")
    assert conversation is not None
    stored = [t.text or "" for t in await line.rows(Turn, Turn.conversation_id == conversation.id)]
    assert text not in stored


async def test_anonymity_no_profile_lookup_and_no_raw_user_id_stored(line: Line) -> None:
    user = "U" + "9f" * 16
    welcome = await line.say(user, follow_event(user))
    await line.say(user, postback_event(user, codes(welcome)[0]))
    await line.say(user, text_event(user, "父のことです"))
    assert not [c for c in line.fake.calls if "/profile" in c.path]
    assert user.encode() not in line.stored_bytes()


# ---- a whole consultation -----------------------------------------------------------------------
async def walk_to_consent(line: Line, user: str) -> tuple[list[str], int]:
    """Walk the whole intake the way a resident taps through it: the first answer offered each
    time (finishing multi-select with 完了), until consent is given. Returns the codes tapped and
    the number of events sent."""
    call = await line.say(user, follow_event(user))
    sent = 1
    chosen: list[str] = []
    for _ in range(80):
        sent += 1
        offered = codes(call)
        if "a:consent:agree" in offered:
            pick = "a:consent:agree"
        elif "m:done" in offered and chosen and chosen[-1] in offered:
            pick = "m:done"
        else:
            fresh = [c for c in offered if c.startswith("a:") and c not in chosen]
            pick = fresh[0] if fresh else ("u:skip" if "u:skip" in offered else "")
        if not pick:
            call = await line.say(user, text_event(user, "特にありません"))
            continue
        chosen.append(pick)
        call = await line.say(user, postback_event(user, pick))
        # LINE shows the tapped label as the resident's own message.
        assert all(a["type"] == "postback" and a["displayText"] for a in call.quick_replies)
        if pick == "a:consent:agree":
            break
    assert "a:consent:agree" in chosen, f"no consent offered after {chosen}"
    return chosen, sent


async def test_a_full_intake_over_line_ends_in_a_consented_handoff(line_db: Line) -> None:
    user = "Uintake"
    _, sent = await walk_to_consent(line_db, user)
    conversation = await line_db.conversation(user)
    assert conversation is not None
    handoffs = await line_db.rows(Handoff, Handoff.conversation_id == conversation.id)
    assert len(handoffs) == 1
    assert handoffs[0].channel == "line"
    consents = await line_db.rows(Consent, Consent.handoff_id == handoffs[0].id)
    assert len(consents) == 1 and consents[0].summary_hash == handoffs[0].summary_hash
    assert user not in handoffs[0].summary_json
    # Every reply on the way kept to LINE's limits (the fake refuses anything else).
    assert line_db.fake.calls_to(REPLY, status=400) == []
    await line_db.recorded(sent)  # every event taken in exactly once
    assert await line_db.rows(Turn, col(Turn.conversation_id) == conversation.id)


async def test_unfollow_after_a_handoff_deletes_the_handoff_and_consent_too(line_db: Line) -> None:
    await walk_to_consent(line_db, "Ublock")
    conversation = await line_db.conversation("Ublock")
    assert conversation is not None
    assert await line_db.rows(Handoff, Handoff.conversation_id == conversation.id)
    assert (await line_db.post(unfollow_event("Ublock"))).status_code == 200
    await asyncio.sleep(0.1)
    await line_db.idle()
    assert await line_db.conversation("Ublock") is None
    assert await line_db.rows(Handoff, Handoff.conversation_id == conversation.id) == []
    assert await line_db.rows(Consent, Consent.conversation_id == conversation.id) == []
    assert await line_db.rows(Turn, Turn.conversation_id == conversation.id) == []


# ---- tobira line check ---------------------------------------------------------------------------
async def test_line_check_verifies_token_and_webhook_settings(
    tmp_path: Path, fake: FakeLine
) -> None:
    out: list[str] = []
    assert (
        await line_check.check(
            _settings(_sqlite(tmp_path), fake), verify_webhook=False, out=out.append
        )
        == 0
    )
    text = "\n".join(out)
    assert "とびら相談窓口" in text and "https://tobira.example.jp/line/webhook" in text
    assert "Auto-response" in text
    assert TOKEN not in text and SECRET not in text

    fake.webhook_active = False
    out.clear()
    assert (
        await line_check.check(
            _settings(_sqlite(tmp_path), fake), verify_webhook=False, out=out.append
        )
        == 1
    )
    assert any("Use webhook is off" in line for line in out)

    out.clear()
    wrong = _settings(_sqlite(tmp_path), fake, line_channel_access_token="not-the-token")
    assert await line_check.check(wrong, verify_webhook=False, out=out.append) == 1
    assert any("access token refused" in line for line in out)


async def test_line_check_presses_verify_against_the_running_server(
    tmp_path: Path, fake: FakeLine
) -> None:
    import socket

    import uvicorn

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    app = create_app(_settings(_sqlite(tmp_path), fake))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    task = asyncio.create_task(server.serve())
    try:
        while not server.started:
            await asyncio.sleep(0.02)
        fake.webhook_endpoint = f"http://127.0.0.1:{port}/line/webhook"
        out: list[str] = []
        assert await line_check.check(_settings(_sqlite(tmp_path), fake), out=out.append) == 0, out
        assert any("signature check passed" in line for line in out)
        out.clear()
        fake.channel_secret = "another-channels-secret-00000000"  # the server has the wrong secret
        assert await line_check.check(_settings(_sqlite(tmp_path), fake), out=out.append) == 1
        assert any("400" in line for line in out)
    finally:
        server.should_exit = True
        await task
