"""Smaller gaps of issue 11: someone who will visit is given the address of the agency their
case went to; 要介護認定 is asked (skippable) when a parent needs care, and lands in the summary."""

from __future__ import annotations

import json
from typing import Any

from sqlmodel import select

from handoff.models import Handoff
from tests.resident import Resident


async def _mother_of_a_son(app: Any, address: str, own_health: str) -> Resident:
    resident = Resident(app.state.service, address=address)
    await resident.say("相談したいことがあります")
    await resident.skip_until("relationship")
    await resident.tap("a:relationship:child")
    await resident.skip_until("concerns")
    await resident.tap("a:concerns:care")
    await resident.tap("a:concerns:hikikomori_futoko")
    await resident.tap("m:done")
    await resident.tap("a:primary:care")
    await resident.skip_until("household")
    await resident.tap("a:household:mother")
    await resident.tap("m:done")
    await resident.skip_until("parent_health")
    await resident.tap(f"a:parent_health:{own_health}")
    return resident


async def _summary(app: Any) -> dict[str, Any]:
    async with app.state.db.session() as s:
        return json.loads((await s.exec(select(Handoff))).one().summary_json)


async def test_a_mother_who_needs_care_is_asked_about_the_care_assessment(app: Any) -> None:
    resident = await _mother_of_a_son(app, "care-cert-1", "needs_care")
    assert resident.question == "care_cert"
    assert "要介護認定" in resident.text and "u:skip" in resident.codes
    await resident.choose("申請中")
    await resident.skip_until("summary")
    assert "要介護認定: 申請中" in resident.text
    await resident.tap("a:summary:ok")
    await resident.tap("a:consent:agree")
    mother = next(m for m in (await _summary(app))["household"]["members"] if m["role"] == "母")
    assert mother["health"] == "要介護" and mother["care_cert"] == "申請中"


async def test_a_well_parent_is_not_asked_about_care(sqlite_app: Any) -> None:
    resident = await _mother_of_a_son(sqlite_app, "care-cert-2", "well")
    assert resident.question != "care_cert"
    await resident.skip_until("summary")
    assert "要介護認定" not in resident.text


async def test_a_visit_to_the_office_gives_the_address_of_the_agency_the_case_went_to(
    sqlite_app: Any,
) -> None:
    resident = await _mother_of_a_son(sqlite_app, "visit-houkatsu", "needs_care")
    await resident.skip_until("summary")
    await resident.tap("a:summary:ok")
    await resident.tap("a:consent:agree")
    await resident.tap("a:contact:visit_office")
    await resident.tap("u:skip")  # when
    await resident.tap("u:skip")  # follow-up
    assert "とびら市中央2-3 ふれあい会館1階" in resident.text and "0000-00-0010" in resident.text
    assert "市役所別館" not in resident.text
    async with sqlite_app.state.db.session() as s:
        assert (await s.exec(select(Handoff))).one().agency_id == "houkatsu"


async def _said(app: Any, address: str, opening: str) -> dict[str, Any]:
    resident = Resident(app.state.service, address=address)
    await resident.say(opening)
    await resident.skip_until("summary")
    await resident.tap("a:summary:ok")
    await resident.tap("a:consent:agree")
    async with app.state.db.session() as s:
        handoffs = (await s.exec(select(Handoff))).all()
    mine = [h for h in handoffs if h.conversation_id == resident.reply.conversation_id]  # type: ignore[union-attr]
    return json.loads(mine[0].summary_json)


async def test_who_sent_them_and_their_home_are_read_from_their_own_words(app: Any) -> None:
    sent = await _said(
        app,
        "referral-1",
        "民生委員さんにすすめられて連絡しました。アパートで母と暮らしている息子のことです",
    )
    assert sent["route"]["referral_from"] == "民生委員"
    assert sent["housing"]["type"] == "rented"
    # a school named without being sent by it, and no word about the home: nothing is guessed
    plain = await _said(app, "referral-2", "学校に行かなくなってから十年たつ息子のことで相談です")
    assert plain["route"]["referral_from"] is None
    assert plain["housing"]["type"] == "unknown"
