"""The resident's side of consent, through the real service and graph: the scope they choose,
their own free text corrected or removed before consent, each parent's health asked apart, and
what 削除 will leave said truthfully before they confirm."""

from __future__ import annotations

import json
from typing import Any

from sqlmodel import select

from handoff.models import Consent, Handoff
from tests.resident import Resident
from tests.test_intake import MOTHER_8050

# the 8050 walk, but both parents live with the son: 父 and 母 in the household
BOTH_PARENTS = [*MOTHER_8050[:12], "父", "母", "これで全部", "50代", "80代以上"]
FREE_TEXT = "夫は腰が悪くて毎週通院しています"


async def _summary_row(app: Any) -> dict[str, Any]:
    async with app.state.db.session() as s:
        return json.loads((await s.exec(select(Handoff))).one().summary_json)


async def test_each_parent_is_asked_about_their_own_health(app: Any) -> None:
    resident = Resident(app.state.service)
    await resident.say("息子のことで相談したくて")
    for label in BOTH_PARENTS:
        await resident.choose(label)
    assert resident.question == "father_health" and "お父さま" in resident.text
    await resident.choose("介護が必要")
    assert resident.question == "mother_health" and "お母さま" in resident.text
    await resident.choose("元気")
    await resident.skip_until("summary")
    assert "お父さまの体調: 介護が必要" in resident.text
    assert "お母さまの体調: 元気" in resident.text
    await resident.choose("これでよい")
    await resident.choose("まとめだけ引き継ぐ")
    members = {m["role"]: m["health"] for m in (await _summary_row(app))["household"]["members"]}
    assert members["父"] == "要介護" and members["母"] == "元気"


async def test_one_parent_at_home_is_asked_once(sqlite_app: Any) -> None:
    resident = Resident(sqlite_app.state.service)
    await resident.say("息子のことで相談したくて")
    for label in MOTHER_8050[:17]:
        await resident.choose(label)
    assert resident.question == "income"  # 通院している answered the one parent question
    await resident.skip_until("summary")
    await resident.choose("これでよい")
    await resident.choose("まとめだけ引き継ぐ")
    members = {
        m["role"]: m["health"] for m in (await _summary_row(sqlite_app))["household"]["members"]
    }
    assert members["母"] == "通院"


async def test_the_residents_own_words_can_be_removed_or_rewritten_before_consent(
    app: Any,
) -> None:
    resident = Resident(app.state.service)
    await resident.say(FREE_TEXT)
    await resident.skip_until("summary")
    assert FREE_TEXT in resident.text
    await resident.choose("消す")
    await resident.choose("書いてくださったこと")
    assert FREE_TEXT not in resident.text and resident.question == "summary"
    await resident.say("息子のことがとても心配です")  # written again, at the summary
    await resident.choose("直す")
    await resident.choose("書いてくださったこと")
    assert "書き直したいこと" in resident.text and "とても心配" not in resident.text
    await resident.say("息子のことを聞いてほしいです")
    await resident.choose("これでよい")
    await resident.choose("まとめと会話の記録を引き継ぐ")
    summary = await _summary_row(app)
    assert summary["concerns"]["summary_text"] == "息子のことを聞いてほしいです"
    assert summary["consent"]["scope"] == "summary_and_transcript"
    async with app.state.db.session() as s:
        consent = (await s.exec(select(Consent))).one()
    assert consent.scope == "summary_and_transcript"


async def test_before_a_caseworker_opens_it_delete_says_everything_goes(sqlite_app: Any) -> None:
    resident = Resident(sqlite_app.state.service)
    await resident.say("相談です")
    await resident.skip_until("summary")
    await resident.choose("これでよい")
    await resident.choose("まとめだけ引き継ぐ")
    await resident.say("削除")
    assert "すべて削除しますか" in resident.text and "保管" not in resident.text
    await resident.tap("a:confirm_delete:yes")
    assert "すべて削除しました" in resident.text
    async with sqlite_app.state.db.session() as s:
        assert (await s.exec(select(Handoff))).first() is None
