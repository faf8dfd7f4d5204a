"""The intake conversation, through the real service and graph, on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
from typing import Any

from sqlmodel import select

from handoff.models import Consent, Handoff
from tests.resident import Resident

MOTHER_8050 = [
    "話してみる",  # 「息子のことで」 already answered who it is about
    "母",
    "家から出られない・不登校",
    "収入・生活費",
    "介護のこと",
    "これで全部",
    "家から出られない・不登校",  # いちばん困っていること
    "特にない",
    "自室からほとんど出ない",
    "10年以上",
    "知らない",
    "はっきりしない",
    "母",
    "これで全部",
    "50代",
    "80代以上",
    "通院している",
    "年金",
    "これで全部",
    "特にない",
    "自分も通院中",
    "窓口の人と話したい",
    "これで全部",
]


async def walk_mother(resident: Resident) -> None:
    await resident.say("はじめまして。佐藤といいます。息子のことで相談したくて")
    for label in MOTHER_8050:
        await resident.choose(label)


async def test_mother_in_her_80s_reaches_a_summary_in_her_own_words_and_no_name(
    app: Any,
) -> None:
    resident = Resident(app.state.service)
    await walk_mother(resident)
    assert resident.question == "summary"
    preview = resident.text
    assert "◎家から出られない・不登校" in preview  # her own words; A票 names are the console's
    assert "ひきこもり" not in preview
    assert "○収入・生活費" in preview and "○介護のこと" in preview
    assert "自室からほとんど出ない" in preview and "10年以上" in preview
    assert "50代" in preview and "80代以上" in preview
    assert "佐藤" not in preview and "〔氏名〕" in preview  # the name she typed was never kept

    await resident.choose("これでよい")
    assert "引き継いでもよいですか" in resident.text
    assert "お子さんに伝わることはありません" in resident.text  # family consent wording
    await resident.choose("まとめだけ引き継ぐ")
    async with app.state.db.session() as s:
        handoff = (await s.exec(select(Handoff))).one()
        consent = (await s.exec(select(Consent))).one()
    summary = json.loads(handoff.summary_json)
    assert summary["concerns"]["primary"] == "hikikomori_futoko"
    assert set(summary["concerns"]["selected"]) == {"hikikomori_futoko", "income_living", "care"}
    assert summary["route"]["相談経路"] == "家族・知人から連絡"
    assert summary["consultant"] == {
        "relationship": "母",
        "age_band": "80代以上",
        "wellbeing": "outpatient",
    }
    assert summary["subject"]["age_band"] == "50代"
    assert summary["hikikomori"]["outing_level"] == 8
    assert summary["income"]["pension_only"] is True
    assert consent.summary_hash == handoff.summary_hash and len(consent.summary_hash) == 64
    assert consent.text_version
    assert "佐藤" not in handoff.summary_json


async def test_every_question_can_be_skipped_and_the_summary_is_still_reached(app: Any) -> None:
    resident = Resident(app.state.service)
    await resident.follow()
    await resident.choose("話してみる")
    asked = []
    for _ in range(30):
        if resident.question == "summary":
            break
        asked.append(resident.question)
        assert "u:skip" in resident.codes, f"{resident.question} cannot be skipped"
        await resident.tap("u:skip")
    assert resident.question == "summary"
    assert "答えなかったこと" in resident.text
    assert len(asked) >= 8
    await resident.choose("これでよい")
    await resident.choose(
        "まとめだけ引き継ぐ"
    )  # an anonymous, all-skipped handoff is still a handoff
    async with app.state.db.session() as s:
        assert (await s.exec(select(Handoff))).one().level == "P2"


async def test_later_then_a_message_three_days_after_resumes_at_the_same_question(app: Any) -> None:
    resident = Resident(app.state.service)
    await resident.follow()
    await resident.choose("話してみる")
    await resident.choose("子どものこと")
    await resident.choose("母")
    await resident.choose("家から出られない・不登校")
    await resident.choose("これで全部")
    await resident.choose("特にない")
    assert resident.question == "outing"
    await resident.tap("u:later")
    assert "何日あとでも" in resident.text
    assert resident.question is None  # nothing is asked while paused

    resident.wait(days=3)
    await resident.say("こんばんは")
    assert "前回の続きから" in resident.text
    assert resident.question == "outing"
    await resident.choose("自室からほとんど出ない")
    assert resident.question == "duration"


async def test_a_long_gap_without_later_greets_and_continues(app: Any) -> None:
    resident = Resident(app.state.service)
    await resident.follow()
    await resident.choose("話してみる")
    resident.wait(days=2)
    await resident.choose("自分のこと")
    assert "前回の続きから" in resident.text
    assert resident.question == "concerns"


async def test_back_restart_and_free_text_anywhere(app: Any) -> None:
    resident = Resident(app.state.service)
    await resident.follow()
    await resident.choose("話してみる")
    await resident.choose("自分のこと")
    assert resident.question == "concerns"
    await resident.say("戻る")
    assert resident.question == "relationship"
    await resident.choose("きょうだいのこと")
    assert "ご家族のことで困っていること" in resident.text  # family wording
    await resident.say("兄は10年くらい、ほとんど部屋で過ごしています")
    # taken as an answer to the open question, in her words, and the question stays open
    assert "「家から出られない・不登校」を入れました" in resident.text
    assert "「兄は10年くらい" in resident.text and resident.question == "concerns"
    await resident.say("はじめから")
    assert resident.question == "intro"


async def test_self_and_family_wording_differ(app: Any) -> None:
    me, parent = Resident(app.state.service, "a"), Resident(app.state.service, "b")
    for resident, who in ((me, "自分のこと"), (parent, "子どものこと")):
        await resident.follow()
        await resident.choose("話してみる")
        await resident.choose(who)
    await parent.choose("父")
    for resident in (me, parent):
        await resident.choose("家から出られない・不登校")
        await resident.choose("これで全部")
        await resident.choose("特にない")
    assert me.text.startswith("ふだん、どのくらい外に出ていますか")
    assert parent.text.startswith("ご本人は、ふだんどのくらい外に出ていますか")


async def test_talk_to_staff_jumps_to_the_summary(app: Any) -> None:
    resident = Resident(app.state.service)
    await resident.follow()
    await resident.choose("話してみる")
    await resident.say("相談員と話したい")
    assert resident.question == "summary"
    assert "まとめを作りました" in resident.text


async def test_summary_items_can_be_corrected_and_removed_before_consent(app: Any) -> None:
    resident = Resident(app.state.service)
    await walk_mother(resident)
    await resident.choose("直す")
    await resident.choose("世帯")
    assert resident.question == "household"
    await resident.choose("これで全部")
    await resident.choose("60代")  # the son's age band, corrected
    await resident.skip_until("summary")
    assert "60代" in resident.text
    await resident.choose("消す")
    await resident.choose("くらしのお金")
    assert (
        "くらしのお金" in resident.text and "年金" not in resident.text.split("答えなかったこと")[0]
    )
    await resident.choose("これでよい")
    await resident.choose("まとめだけ引き継ぐ")
    async with app.state.db.session() as s:
        summary = json.loads((await s.exec(select(Handoff))).one().summary_json)
    assert summary["subject"]["age_band"] == "60代"
    assert summary["income"]["sources"] == [] and "income" in summary["meta"]["declined"]


async def test_delete_asks_first_then_removes_the_conversation_and_its_checkpoints(
    app: Any,
) -> None:
    resident = Resident(app.state.service)
    await resident.follow()
    await resident.choose("話してみる")
    await resident.choose("自分のこと")
    conversation_id = resident.reply.conversation_id  # type: ignore[union-attr]
    await resident.say("削除")
    assert "元には戻せません" in resident.text
    await resident.choose("削除しない")
    assert resident.question == "concerns"
    await resident.say("削除")
    await resident.choose("削除する")
    assert "すべて削除しました" in resident.text
    assert await app.state.service.transcript(conversation_id) == []
    assert await app.state.service.conversation_count() == 0
    snapshot = await app.state.service.graph.aget_state(
        {"configurable": {"thread_id": conversation_id}}
    )
    assert not snapshot.values
    await resident.say("こんにちは")  # a new start, not an error
    assert resident.question == "intro"


async def test_language_switch_to_english_and_easy_japanese(app: Any) -> None:
    resident = Resident(app.state.service)
    await resident.follow()
    await resident.say("English")
    assert resident.question == "intro"
    english = resident.text
    assert english.isascii() or "Thank" in english
    await resident.say("やさしい日本語")
    assert resident.question == "intro"
    assert resident.text != english


async def test_withdrawing_consent_before_a_caseworker_opens_it_deletes_the_handoff(
    app: Any,
) -> None:
    resident = Resident(app.state.service)
    await walk_mother(resident)
    await resident.choose("これでよい")
    await resident.choose("まとめだけ引き継ぐ")
    await resident.tap("u:skip")  # how to be contacted
    await resident.tap("u:skip")  # when
    await resident.tap("u:skip")  # may a caseworker check in later
    assert "相談員が確認して返信します" in resident.text and "c:withdraw" in resident.codes
    await resident.say("取り消す")
    assert "取り消しました" in resident.text
    assert resident.question == "summary"
    async with app.state.db.session() as s:
        assert (await s.exec(select(Handoff))).all() == []
        consent = (await s.exec(select(Consent))).one()
    assert consent.withdrawn_at is not None


async def _handed_over(app: Any) -> tuple[Resident, Handoff]:
    resident = Resident(app.state.service)
    await resident.follow()
    await resident.say("相談員と話したい")
    await resident.choose("これでよい")
    await resident.choose("まとめだけ引き継ぐ")
    async with app.state.db.session() as s:
        return resident, (await s.exec(select(Handoff))).one()


async def _set_state(app: Any, handoff_id: str, **values: Any) -> None:
    async with app.state.db.session() as s:
        row = await s.get(Handoff, handoff_id)
        for key, value in values.items():
            setattr(row, key, value)
        s.add(row)


async def test_after_return_to_bot_answers_go_to_the_same_handoff(app: Any) -> None:
    import datetime as dt

    resident, handoff = await _handed_over(app)
    await _set_state(app, handoff.id, state="returned_to_bot", opened_at=dt.datetime.now(dt.UTC))
    await resident.choose("このチャットで")
    await resident.choose("午後")
    async with app.state.db.session() as s:
        rows = (await s.exec(select(Handoff))).all()
    assert [h.id for h in rows] == [handoff.id]  # no second handoff in the queue
    assert json.loads(rows[0].summary_json)["preferences"]["contact_method"] == "this_chat"
    await resident.say("取り消す")
    assert "すでに確認しています" in resident.text or "確認しています" in resident.text


async def test_after_a_caseworker_closes_the_handoff_the_next_message_starts_afresh(
    app: Any,
) -> None:
    resident, handoff = await _handed_over(app)
    await _set_state(app, handoff.id, state="closed")
    await resident.say("こんにちは")
    assert "いったん終わりました" in resident.text
    await resident.say("また相談したいです")
    assert resident.question == "intro"
    async with app.state.db.session() as s:
        assert (
            len((await s.exec(select(Handoff))).all()) == 1
        )  # nothing new until they consent again


async def test_going_back_after_consent_to_correct_needs_a_new_approval(app: Any) -> None:
    resident = Resident(app.state.service)
    await walk_mother(resident)
    await resident.choose("これでよい")
    await resident.choose("まとめだけ引き継ぐ")
    async with app.state.db.session() as s:
        handoff = (await s.exec(select(Handoff))).one()
    await resident.say("戻る")
    assert resident.question == "consent"
    await resident.choose("まとめを直す")
    await resident.choose("ご相談者")
    await resident.choose("自分のこと")
    await resident.skip_until("summary")
    async with app.state.db.session() as s:  # not approved yet: the handoff keeps what was approved
        assert (await s.exec(select(Handoff))).one().summary_hash == handoff.summary_hash
    await resident.choose("これでよい")
    await resident.choose("まとめだけ引き継ぐ")
    async with app.state.db.session() as s:
        after = (await s.exec(select(Handoff))).one()
        consents = (await s.exec(select(Consent).order_by(Consent.at))).all()  # type: ignore[arg-type]
    assert after.id == handoff.id and after.summary_hash != handoff.summary_hash
    assert [c.summary_hash for c in consents][-1] == after.summary_hash and len(consents) == 2
    assert json.loads(after.summary_json)["route"]["相談経路"] == "本人自ら連絡"


async def test_writing_freely_who_it_is_about_is_understood(app: Any) -> None:
    resident = Resident(app.state.service)
    await resident.follow()
    await resident.choose("話してみる")
    await resident.say("息子が10年、部屋から出てこないんです")
    assert "ご本人が来られなくても大丈夫です" in resident.text
    assert resident.question == "consultant_role"  # 息子 → a parent writing about their child
