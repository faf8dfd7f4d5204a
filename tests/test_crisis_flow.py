"""Danger pre-empts the flow in the same turn, from any question, with the lines open now."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import DAYTIME, NIGHT
from tests.resident import Resident

P0_EXAMPLES = [  # DOMAIN.md §4: A+, H, F and violence now
    "もう遺書も書いた。今夜死にます",
    "首を吊るロープを用意しました",
    "息子が包丁を持ち出して暴れている",
    "子を殺して私も死のうと思っています",
    "母が倒れて意識がない",
    "薬を全部飲んだ",
]
NOT_DANGER = ["死ぬほど疲れた", "昨日は死ぬかと思った", "ゲームで死んだ"]


async def _at_question(service: Any, question: str, address: str) -> Resident:
    resident = Resident(service, address)
    await resident.follow()
    await resident.choose("話してみる")
    if question != "relationship":
        await resident.choose("子どものこと")
        await resident.skip_until(question)
    return resident


@pytest.mark.parametrize("message", P0_EXAMPLES)
@pytest.mark.parametrize("question", ["relationship", "concerns", "household", "summary"])
async def test_p0_gets_the_emergency_reply_in_the_same_turn_from_any_question(
    sqlite_app: Any, message: str, question: str
) -> None:
    resident = await _at_question(
        sqlite_app.state.service, question, f"{question}-{P0_EXAMPLES.index(message)}"
    )
    reply = await resident.say(message)
    assert reply.level == "P0"
    assert "119" in resident.text or "110" in resident.text
    assert "c:resume" not in resident.codes  # no form until the person says they are safe
    await resident.tap("crisis:safe")
    await resident.tap("c:resume")  # and the person returns to where they were
    assert resident.question == question


@pytest.mark.parametrize("message", NOT_DANGER)
async def test_figurative_death_words_do_not_raise_an_alarm(sqlite_app: Any, message: str) -> None:
    resident = await _at_question(sqlite_app.state.service, "concerns", "fig")
    reply = await resident.say(message)
    assert reply.level not in ("P0", "P1")
    assert "119" not in resident.text
    assert resident.question == "concerns"


async def test_at_night_on_a_holiday_only_lines_open_now_are_shown_and_no_person_is_promised(
    sqlite_app: Any,
) -> None:
    resident = Resident(sqlite_app.state.service, "night", at=NIGHT)
    await resident.follow()
    await resident.say("死にたい")
    text = resident.text
    assert "0120-279-338" in text  # よりそいホットライン, 24h
    assert "0570-783-556" not in text  # いのちの電話 (navi) closes at 22:00
    assert "受付時間外" in text and "8:30" in text  # truthful about when a person reads


async def test_during_the_day_the_evening_line_is_not_offered_before_it_opens(
    sqlite_app: Any,
) -> None:
    resident = Resident(sqlite_app.state.service, "day", at=DAYTIME)
    await resident.follow()
    await resident.say("消えたい")
    assert "0570-783-556" in resident.text  # open 10:00–22:00
    assert "0120-783-556" not in resident.text  # free line opens at 16:00


async def test_a_family_member_reporting_a_sons_wish_to_die_gets_the_family_line(
    sqlite_app: Any,
) -> None:
    resident = Resident(sqlite_app.state.service, "fam")
    await resident.follow()
    reply = await resident.say("息子が「死にたい」と毎日言っています")
    assert reply.level == "P1"
    assert "ご家族だけで抱えなくて大丈夫です" in resident.text


async def test_the_danger_button_works_from_any_question(sqlite_app: Any) -> None:
    resident = await _at_question(sqlite_app.state.service, "income", "btn")
    reply = await resident.say("いま危ない")
    assert reply.level == "P0" and "119" in resident.text


async def test_the_level_is_kept_for_the_summary_and_the_queue(sqlite_app: Any) -> None:
    import json

    from sqlmodel import select

    from handoff.models import Handoff

    resident = Resident(sqlite_app.state.service, "kept")
    await resident.follow()
    await resident.say("母の年金を兄が全部取り上げています")
    await resident.tap("c:staff")
    await resident.choose("これでよい")
    await resident.choose("まとめだけ引き継ぐ")
    async with sqlite_app.state.db.session() as s:
        handoff = (await s.exec(select(Handoff))).one()
    assert handoff.level == "P1"
    summary = json.loads(handoff.summary_json)
    assert summary["urgency"]["level"] == "P1" and "D" in summary["urgency"]["flags"]
    assert summary["safety"]["elder_abuse_suspected"] is True


async def test_despair_is_acknowledged_and_the_conversation_goes_on(sqlite_app: Any) -> None:
    resident = await _at_question(sqlite_app.state.service, "concerns", "p2")
    reply = await resident.say("もう限界です。誰にも頼れない")
    assert reply.level == "P2"
    assert "つらい気持ちを書いてくださって" in resident.text and "119" not in resident.text
    assert resident.question == "concerns"


async def test_typing_a_buttons_label_is_pressing_it_not_free_text(sqlite_app: Any) -> None:
    resident = await _at_question(sqlite_app.state.service, "immediate", "label")
    reply = await resident.say("電気・ガス・水道が止まる")  # the label of a button on this question
    assert "119" not in resident.text
    assert "「電気・ガス・水道が止まる」を入れました" in resident.text
    assert reply.level == "P1"  # the button itself is a lifeline emergency (see test_crisis_talk)


UNSURE = "誰にも迷惑をかけない方法を調べてしまった"  # triage is unsure: neither calm nor alarm


async def test_when_unsure_the_bot_asks_and_yes_gets_the_emergency_lines(sqlite_app: Any) -> None:
    resident = await _at_question(sqlite_app.state.service, "concerns", "unsure-yes")
    await resident.say(UNSURE)
    assert resident.reply is not None
    assert "命にかかわる危険" in resident.reply.messages[0]
    assert resident.codes == ["safety:yes", "safety:no", "safety:unsure"]
    reply = await resident.tap("safety:yes")
    assert reply.level == "P0"
    assert "119" in resident.text or "110" in resident.text


async def test_when_unsure_i_dont_know_is_handled_as_danger(sqlite_app: Any) -> None:
    resident = await _at_question(sqlite_app.state.service, "concerns", "unsure-unsure")
    await resident.say(UNSURE)
    reply = await resident.tap("safety:unsure")
    assert reply.level == "P0"


async def test_when_unsure_no_thanks_and_shows_the_open_question_again(sqlite_app: Any) -> None:
    resident = await _at_question(sqlite_app.state.service, "concerns", "unsure-no")
    await resident.say(UNSURE)
    reply = await resident.tap("safety:no")
    assert reply.level is None
    assert "ありがとうございます" in reply.messages[0]
    assert "119" not in resident.text
    assert resident.question is not None  # the open question, with its buttons, again
