"""Places to go (参加支援) through the real conversation service: the demo city's 家族会 and
centre are offered to a family who wants to know how to talk with their son or daughter, the
agency's address and phone to someone who will visit, and what was shown is in the summary."""

from __future__ import annotations

from typing import Any

from sqlmodel import select

from handoff.models import Handoff
from handoff.summary import Summary
from tests.resident import Resident

FAMILY_GROUP = "とびら市 ひきこもり家族会「あかり」"
CENTRE = "とびら県ひきこもり地域支援センター"
IBASHO = "とびら市 居場所「えんがわ」"


async def _to_wants(app: Any, address: str, relationship: str = "child") -> Resident:
    resident = Resident(app.state.service, address=address)
    await resident.say("相談したいことがあります")
    await resident.skip_until("relationship")
    await resident.tap(f"a:relationship:{relationship}")
    await resident.skip_until("wants")
    return resident


async def _summary(app: Any, resident: Resident) -> Summary:
    assert resident.reply is not None
    async with app.state.db.session() as s:
        handoff = (
            await s.exec(
                select(Handoff).where(Handoff.conversation_id == resident.reply.conversation_id)
            )
        ).one()
    return Summary.model_validate_json(handoff.summary_json)


async def test_a_family_who_wants_to_know_how_to_relate_sees_the_family_association(
    sqlite_app: Any,
) -> None:
    resident = await _to_wants(sqlite_app, "places-1")
    await resident.choose("接し方を知りたい")
    await resident.tap("m:done")
    shown = resident.text
    assert FAMILY_GROUP in shown and "毎月第2土曜日 14:00〜16:00" in shown
    assert (
        "接し方の悩みも話せます" in shown and "https://www.city.tobira.example.jp/akari/" in shown
    )
    assert CENTRE in shown
    assert IBASHO not in shown  # a drop-in place is not what was asked for
    assert resident.question == "summary"  # and the conversation goes on
    await resident.tap("a:summary:ok")
    await resident.tap("a:consent:agree")
    summary = await _summary(sqlite_app, resident)
    assert summary.urgency.resources_shown == [FAMILY_GROUP, CENTRE]


async def test_someone_who_will_visit_gets_the_agency_address_phone_and_hours(
    sqlite_app: Any,
) -> None:
    resident = await _to_wants(sqlite_app, "places-2", relationship="self")
    await resident.choose("話を聞いてほしい")
    await resident.tap("m:done")
    assert "こんな場所もあります" not in resident.text  # nothing offered for listening only
    await resident.tap("a:summary:ok")
    await resident.tap("a:consent:agree")
    assert "市役所別館" not in resident.text
    await resident.tap("a:contact:visit_office")
    await resident.tap("u:skip")  # no preferred time
    await resident.tap("u:skip")  # no follow-up wish: 引き継ぎ済み
    text = resident.text
    assert "とびら市中央1-1 市役所別館2階" in text and "0000-00-0000" in text
    assert "平日 8:30〜17:15" in text
    assert IBASHO in text and FAMILY_GROUP not in text  # after a handoff, for the person
    summary = await _summary(sqlite_app, resident)
    assert summary.urgency.resources_shown == [IBASHO, CENTRE]


async def test_typing_kazokukai_anywhere_lists_the_family_association_and_keeps_the_question(
    sqlite_app: Any,
) -> None:
    resident = Resident(sqlite_app.state.service, address="places-3")
    await resident.say("相談したいです")
    await resident.skip_until("relationship")
    await resident.tap("a:relationship:child")
    before = resident.question
    await resident.say("家族会")
    assert FAMILY_GROUP in resident.text and IBASHO not in resident.text
    assert resident.question == before  # the same question again, nothing answered
    await resident.say("居場所")
    assert IBASHO in resident.text and "火・木 13:00〜17:00" in resident.text
    await resident.skip_until("summary")
    await resident.tap("a:summary:ok")
    await resident.tap("a:consent:agree")
    summary = await _summary(sqlite_app, resident)
    assert summary.urgency.resources_shown == [IBASHO, FAMILY_GROUP]
    assert "家族会" not in summary.concerns.summary_text  # a request, not a note about the family
