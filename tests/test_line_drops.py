"""No silent drops at the LINE front door: each shape of event that used to vanish without a
trace is either answered or dropped with a log line naming its type and reason (never its text),
and one unusable event never takes the rest of its batch with it."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

import pytest

from bot.models import Conversation, Turn
from tests import test_line
from tests.fakeline import (
    REPLY,
    follow_event,
    postback_event,
    sign,
    text_event,
    webhook_body,
)
from tests.test_line import SECRET, Line, codes

# the app on SQLite (and PostgreSQL), driven as LINE drives it: the fixtures of test_line.py
fake, line, line_db = test_line.fake, test_line.line, test_line.line_db

CRISIS = "もう遺書も書いた。今夜死にます"


def emergency(texts: list[str]) -> bool:
    joined = "\n".join(texts)
    return "119" in joined or "110" in joined


async def test_a_text_without_quote_token_or_message_id_is_answered(line: Line) -> None:
    await line.say("Unoquote", follow_event("Unoquote"))
    event = text_event("Unoquote", CRISIS)
    del event["message"]["quoteToken"], event["message"]["id"]
    call = await line.say("Unoquote", event)
    assert call.reply_token == event["replyToken"]
    assert emergency(call.texts)


async def test_one_bad_event_is_skipped_and_the_rest_of_the_batch_is_answered(
    line: Line, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="tobira.line")
    good = follow_event("Ubatchok")
    broken_text = text_event("Ubatchok", "秘密の相談です")
    broken_text["message"]["text"] = {"not": "a string"}
    events: list[Any] = ["not an event", broken_text, good]
    body = webhook_body(events)
    response = await line.client.post(
        "/line/webhook", content=body, headers={"X-Line-Signature": sign(SECRET, body)}
    )
    assert response.status_code == 200
    await line.fake.wait_delivered(1)
    await line.idle()
    assert [c.reply_token for c in line.fake.delivered] == [good["replyToken"]]
    assert "event 0 (unknown) dropped: not_an_object" in caplog.text
    assert "event 1 (message:text) dropped: not_handled" in caplog.text


async def test_a_nul_in_a_text_is_answered_and_stored_without_it(line_db: Line) -> None:
    welcome = await line_db.say("Unul", follow_event("Unul"))
    await line_db.say("Unul", postback_event("Unul", codes(welcome)[0]))
    call = await line_db.say("Unul", text_event("Unul", "息子の\x00ことです"))
    assert call.texts
    conversation = await line_db.conversation("Unul")
    assert conversation is not None
    texts = [
        t.text or "" for t in await line_db.rows(Turn, Turn.conversation_id == conversation.id)
    ]
    assert "息子のことです" in texts and not any("\x00" in t for t in texts)


async def test_a_postback_over_64_characters_is_dropped_with_a_reason_not_the_batch(
    line_db: Line, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="tobira.line")
    long = postback_event("Ulongpb", "a:" + "x" * 80)
    good = follow_event("Ulongpb")
    assert (await line_db.post(long, good)).status_code == 200
    await line_db.fake.wait_delivered(1)
    await line_db.idle()
    assert [c.reply_token for c in line_db.fake.delivered] == [good["replyToken"]]
    assert "(postback) dropped: postback_too_long" in caplog.text
    assert "x" * 80 not in caplog.text


async def test_a_5000_character_event_id_is_taken_in_once(line_db: Line) -> None:
    event = follow_event("Ulongid", webhook_event_id="01" + "Z" * 4998)
    await line_db.say("Ulongid", event)
    again = dict(event, deliveryContext={"isRedelivery": True})
    assert (await line_db.post(again)).status_code == 200
    await asyncio.sleep(0.3)
    await line_db.idle()
    assert len(line_db.fake.delivered) == 1
    assert len(await line_db.rows(Conversation)) == 1


async def test_deeply_nested_json_is_refused_without_a_server_error(line: Line) -> None:
    depth = 100_000
    body = (
        '{"destination":"x","events":[{"type":"message","x":' + "[" * depth + "]" * depth + "}]}"
    ).encode()
    response = await line.client.post(
        "/line/webhook", content=body, headers={"X-Line-Signature": sign(SECRET, body)}
    )
    assert response.status_code == 400
    await line.say("Uafter", follow_event("Uafter"))  # and the door still works


async def test_an_edited_message_is_triaged_like_a_new_one(line: Line) -> None:
    await line.say("Uedit", follow_event("Uedit"))
    edited = text_event("Uedit", CRISIS)
    edited["type"] = "messageEdited"
    call = await line.say("Uedit", edited)
    assert emergency(call.texts)


@pytest.mark.parametrize(
    ("kind", "source", "leave_path"),
    [
        (
            "join",
            {"type": "group", "groupId": "Cgroup01", "userId": "Uinviter"},
            "/v2/bot/group/Cgroup01/leave",
        ),
        (
            "join",
            {"type": "room", "roomId": "Rroom01", "userId": "Uinviter"},
            "/v2/bot/room/Rroom01/leave",
        ),
        (  # someone joined a group the bot is in (it never stays, but the event can still come)
            "memberJoined",
            {"type": "group", "groupId": "Cgroup02", "userId": "Uinviter"},
            "/v2/bot/group/Cgroup02/leave",
        ),
    ],
)
async def test_added_to_a_group_or_room_it_says_so_once_and_leaves(
    line: Line, kind: str, source: dict[str, str], leave_path: str
) -> None:
    join = follow_event("Uinviter", source=source)
    join["type"] = kind
    del join["follow"]
    if kind == "memberJoined":
        join["joined"] = {"members": [{"type": "user", "userId": "Unewmember"}]}
    chatter = text_event("Uinviter", "こんにちは", source=source)
    assert (await line.post(join, chatter)).status_code == 200
    await line.fake.wait_for(lambda f: bool(f.calls_to(leave_path)))
    replies = line.fake.calls_to(REPLY)
    assert len(replies) == 1 and replies[0].reply_token == join["replyToken"]
    assert "1対1" in replies[0].texts[0] and "ひきこもり" not in replies[0].texts[0]
    await line.idle()
    assert await line.rows(Conversation) == []  # the group's chatter is neither answered nor kept


async def test_a_webhook_for_another_bot_is_dropped(
    line: Line, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="tobira.line")
    body = webhook_body([follow_event("Uwrongbot")], destination="Usomeotherbot")
    response = await line.client.post(
        "/line/webhook", content=body, headers={"X-Line-Signature": sign(SECRET, body)}
    )
    assert response.status_code == 200
    await asyncio.sleep(0.3)
    await line.idle()
    assert line.fake.delivered == []
    assert "destination mismatch" in caplog.text
    assert "event 0 (follow) dropped: wrong_destination" in caplog.text


async def test_every_dropped_event_is_logged_with_type_and_reason_never_text(
    line: Line, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="tobira.line")
    secret = "秘密の内容です090-1111-2222"
    group = {"type": "group", "groupId": "Cg", "userId": "Ug"}
    no_user = text_event("Unouser", secret)
    del no_user["source"]["userId"]
    image_in_edit = text_event("Uimg", secret)
    image_in_edit["message"]["type"] = "image"
    image_in_edit["type"] = "messageEdited"
    events = [
        text_event("Ustandby", secret, mode="standby"),
        text_event("Ug", secret, source=group),
        no_user,
        {"type": "beacon", "source": {"type": "user", "userId": "Ubeacon"}},
        image_in_edit,
    ]
    assert (await line.post(*events)).status_code == 200
    await asyncio.sleep(0.3)
    await line.idle()
    assert line.fake.delivered == []
    for expected in (
        "event 0 (message) dropped: standby",
        "event 1 (message) dropped: not_one_to_one",
        "event 2 (message) dropped: no_user",
        "event 3 (beacon) dropped: not_handled",
        "event 4 (messageEdited:image) dropped: not_handled",
    ):
        assert expected in caplog.text
    assert secret not in caplog.text and "090-1111-2222" not in caplog.text
    body = json.dumps({"events": events}, ensure_ascii=False)
    assert secret in body  # the test did send the text
