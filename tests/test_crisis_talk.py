"""The crisis conversation listens (DOMAIN.md §4, §9): what the person sees next depends on
their answer; no form after a P0 until they are safe; the truth about who is there at night;
the family script; the lifeline reply; the lines for who is at risk. Real service, injected clock."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

from tests.conftest import DAYTIME, NIGHT
from tests.resident import Resident
from tests.test_setup import TOBIRA, _env

ASK = "死にたいほどつらい気持ちがありますか"


async def _asked(service: Any, address: str) -> Resident:
    resident = Resident(service, address, at=NIGHT)
    await resident.follow()
    await resident.choose("話してみる")
    await resident.choose("自分のこと")  # now at 「いちばん困っていること」
    await resident.say("もう死にたい")
    assert resident.reply is not None and ASK in resident.reply.messages[-1]
    assert resident.codes == ["ideation:yes", "ideation:no", "ideation:unsure", "c:danger"]
    return resident


def _no_form(resident: Resident) -> None:
    assert not any(c.startswith(("a:", "u:", "m:")) or c == "c:resume" for c in resident.codes)


async def test_yes_to_wanting_to_die_the_bot_stays_with_the_person(sqlite_app: Any) -> None:
    resident = await _asked(sqlite_app.state.service, "yes")
    desk = sqlite_app.state.console.crisis
    desk.clock = lambda: resident.now  # the desk's "recent" on the resident's injected clock
    assert await desk.cards() == []  # a question pending is not yet a card for the console
    await resident.tap("ideation:yes")
    assert [c["level"] for c in await desk.cards()] == ["P1"]  # staying: staff can see and write
    assert "話してくれて、よかったです" in resident.text
    assert "電話できそうですか" in resident.text
    assert "0120-279-338" in resident.text and "0570-783-556" not in resident.text  # open at 23:00
    _no_form(resident)
    await resident.say("わからない、もう疲れた")  # a short check-in, still no form
    assert "ちゃんと読んでいます" in resident.text and "安全な場所" in resident.text
    _no_form(resident)
    await resident.tap("c:resume") if "c:resume" in resident.codes else None
    await resident.say("続きから")  # asking for the form is answered with a check-in
    _no_form(resident)
    await resident.tap("crisis:safe")
    assert "いつでも「いま危ない」" in resident.text
    await resident.tap("c:resume")
    assert resident.question == "concerns"  # the form again, only now


async def test_no_to_wanting_to_die_thanks_and_the_open_question_again(sqlite_app: Any) -> None:
    resident = await _asked(sqlite_app.state.service, "no")
    await resident.tap("ideation:no")
    assert resident.reply is not None
    assert "教えてくれて、ありがとうございます" in resident.reply.messages[0]
    assert resident.question == "concerns" and "まとめに入れ" not in resident.text


async def test_dont_know_gets_the_lines_and_a_free_choice(sqlite_app: Any) -> None:
    resident = await _asked(sqlite_app.state.service, "unsure")
    await resident.tap("ideation:unsure")
    assert "気持ちが揺れる" in resident.text and "0120-279-338" in resident.text
    assert resident.codes == ["c:resume", "c:staff", "c:danger"]


async def test_p0_at_night_then_asking_for_a_person_tells_the_truth(sqlite_app: Any) -> None:
    resident = Resident(sqlite_app.state.service, "p0-night", at=NIGHT)
    await resident.follow()
    await resident.choose("話してみる")
    reply = await resident.say("いまから くびを つる")
    assert reply.level == "P0" and "119" in resident.text
    _no_form(resident)
    await resident.choose("相談員と話したい")
    text = resident.text
    assert "相談員はいません" in text and "11月24日（火）8:30以降" in text
    assert "0120-279-338" in text  # the lines again
    assert "まとめ" not in text and resident.question is None  # never the summary screen
    _no_form(resident)


async def test_a_mother_reporting_her_sons_wish_to_die_gets_the_family_script(
    sqlite_app: Any,
) -> None:
    resident = Resident(sqlite_app.state.service, "mother", at=NIGHT)
    await resident.follow()
    await resident.choose("話してみる")
    await resident.say("息子が「もう死にたい」と毎日言っています。どうしたらいいか")
    text = resident.text
    assert "ご家族だけで抱えなくて大丈夫です" in text
    assert "ひとりにしないで" in text and "0120-279-338" in text
    assert ASK not in text  # not asked whether *she* wants to die
    assert not any(c.startswith("ideation:") for c in resident.codes)


async def test_no_food_today_gets_the_lifeline_reply_with_who_and_when(sqlite_app: Any) -> None:
    resident = Resident(sqlite_app.state.service, "food", at=NIGHT)
    await resident.follow()
    await resident.choose("話してみる")
    await resident.choose("自分のこと")
    await resident.skip_until("immediate")
    await resident.choose("食べ物がない")
    text = resident.text
    assert "今日の食べ物" in text and "急ぎ" in text
    assert "相談員が11月24日（火）8:30に、いちばん先に読んで" in text  # who acts, and when
    assert resident.question == "immediate"  # the form goes on: more can be chosen


async def test_no_food_or_gas_cut_written_in_words_gets_the_lifeline_reply(
    sqlite_app: Any,
) -> None:
    for i, words in enumerate(["今日食べるものがありません", "ガスと電気が止められた"]):
        resident = Resident(sqlite_app.state.service, f"lifeline-{i}", at=DAYTIME)
        await resident.follow()
        await resident.say(words)
        assert "急ぎの相談です" in resident.text
        assert "相談員に急ぎとして知らせました" in resident.text  # who acts: in office hours, now


async def test_an_elderly_mother_hurt_by_her_adult_son_gets_police_and_the_care_centre(
    sqlite_app: Any,
) -> None:
    night = Resident(sqlite_app.state.service, "elder-night", at=NIGHT)
    await night.follow()
    await night.say("50代の息子に殴られて、肋骨が折れました。怖いです")
    assert "110" in night.text
    assert "189" not in night.text and "0120-279-889" not in night.text
    day = Resident(sqlite_app.state.service, "elder-day", at=DAYTIME)
    await day.follow()
    await day.say("50代の息子に殴られて、肋骨が折れました。怖いです")
    assert "地域包括支援センター" in day.text and "#9110" in day.text
    assert "189" not in day.text


async def test_a_partners_violence_gets_dv_plus_and_a_childs_gets_189(sqlite_app: Any) -> None:
    partner = Resident(sqlite_app.state.service, "partner", at=NIGHT)
    await partner.follow()
    await partner.say("夫に毎日殴られています")
    assert "0120-279-889" in partner.text and "189" not in partner.text
    child = Resident(sqlite_app.state.service, "child", at=NIGHT)
    await child.follow()
    await child.say("夫が小学生の娘を毎日殴っています")
    assert "189" in child.text and "地域包括" not in child.text


async def test_the_danger_button_is_on_every_question_and_the_greeting(sqlite_app: Any) -> None:
    resident = Resident(sqlite_app.state.service, "everywhere")
    await resident.follow()
    assert "「いま危ない」" in resident.text and "c:danger" in resident.codes
    await resident.choose("話してみる")
    await resident.choose("子どものこと")
    seen = 0
    while resident.question != "summary":
        assert "c:danger" in resident.codes, resident.question
        assert len(resident.codes) <= 13  # LINE's quick-reply limit
        seen += 1
        if "u:skip" in resident.codes:
            await resident.tap("u:skip")
        else:
            await resident.tap("m:done")
    assert seen >= 8 and "c:danger" in resident.codes
    await resident.tap("c:danger")
    assert "119" in resident.text


def test_tobira_chat_offers_the_danger_button_from_the_greeting(tmp_path: Path) -> None:
    def chat(typed: str) -> str:
        done = subprocess.run(
            [TOBIRA, "chat"], input=typed, capture_output=True, text=True, timeout=120,
            env=_env(tmp_path), cwd=tmp_path,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        return done.stdout

    greeting = chat("").partition("you> ")[0]
    assert "「いま危ない」を押してください" in greeting
    button = re.search(r"\[(\d+)\] いま危ない", greeting)  # a button, whatever its number
    assert button is not None
    after = chat(f"{button.group(1)}\n").partition("you> ")[2]
    assert "119" in after and "いまは大丈夫" in after  # the bot stays; no form offered


async def test_english_readers_see_the_lines_glossed_and_told_they_answer_in_japanese(
    sqlite_app: Any,
) -> None:
    resident = Resident(sqlite_app.state.service, "english-lines", at=NIGHT)
    await resident.follow()
    await resident.say("English")
    reply = await resident.say("I want to die tonight. I have the pills ready.")
    assert reply.level == "P0"
    assert "answer in Japanese" in resident.text
    assert "Ambulance and fire (救急・消防) 119" in resident.text
