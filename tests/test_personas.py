"""Three people as they really write, through the real service (issue 13): a 78-year-old mother in
short kana sentences, a wary 34-year-old man about himself, a sibling in English.

Every free-text answer must come back acknowledged in the person's own words (and, when it
answered the question, with what was understood); no message may be longer than a phone shows;
choices survive 「わからない」; noise never reaches the summary; the summary holds what they
meant. The same people replayed in the other languages still reach the summary.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest
from sqlmodel import select

from flows.intake import fold
from flows.listening import snippet
from flows.locale import t
from flows.render import MESSAGE_LIMIT, label
from handoff.models import Handoff
from pii import redact
from tests.resident import Resident


@dataclass(frozen=True)
class Say:
    text: str
    means: tuple[str, ...] = ()  # option codes the words must be read as
    noise: str | None = None  # 'what' | 'short' | 'shrug': kept out, the question stays


@dataclass(frozen=True)
class Tap:
    code: str


Step = Say | Tap

MOTHER: list[Step] = [
    Say("むすこのことで そうだんしたい", ("a:relationship:child",)),
    Tap("a:intro:start"),
    Say("ははです", ("a:consultant_role:mother",)),
    Say("へやから でてこない", ("a:concerns:hikikomori_futoko",)),
    Tap("a:concerns:income_living"),
    Tap("u:unknown"),  # the two picks must survive
    Tap("a:primary:hikikomori_futoko"),
    Say("なにこれ", noise="what"),
    Say("とくにない", ("a:immediate:none",)),
    Tap("a:outing:8"),
    Say("10ねん", ("a:duration:10y_plus",)),
    Say("しらないです", ("a:aware:not_know",)),
    Tap("u:unknown"),
    Tap("a:household:mother"),
    Tap("a:household:alone"),  # after 母: checked gently, not accepted silently
    Tap("m:done"),
    Say("50さい", ("a:subject_age:50s",)),
    Tap("a:consultant_age:80s_plus"),
    Say("こしがいたくて びょういんに かよってます", ("a:parent_health:outpatient",)),
    Say("ねんきん", ("a:income:pension",)),
    Say("9", noise="short"),
    Tap("m:done"),
    Tap("a:arrears:rent"),
    Tap("a:arrears:tax"),
    Tap("u:unknown"),  # rent and tax must survive
    Say("つかれました", ("a:wellbeing:tired",)),
    Say("はなしを きいてほしい", ("a:wants:listen",)),
    Tap("m:done"),
]
MOTHER_MEANT = [
    "a:concerns:hikikomori_futoko",
    "a:concerns:income_living",
    "a:outing:8",
    "a:duration:10y_plus",
    "a:aware:not_know",
    "a:household:mother",
    "a:subject_age:50s",
    "a:consultant_age:80s_plus",
    "a:parent_health:outpatient",
    "a:income:pension",
    "a:arrears:rent",
    "a:arrears:tax",
    "a:wellbeing:tired",
    "a:wants:listen",
]

MAN: list[Step] = [
    Tap("a:intro:start"),
    Tap("a:relationship:self"),
    Say("親がうるさい", ("a:concerns:family_relations",)),
    Say("別に", noise="shrug"),
    Tap("m:done"),
    Tap("a:immediate:none"),
    Tap("a:household:father"),
    Tap("a:household:mother"),
    Tap("m:done"),
    Say("34", ("a:subject_age:30s",)),
    Tap("u:skip"),  # お父さまの体調: both parents at home, each asked apart
    Tap("u:skip"),  # お母さまの体調
    Say("バイト", ("a:income:work",)),
    Tap("m:done"),
    Tap("u:skip"),
    Say("ねむれない", ("a:wellbeing:cannot_sleep",)),
    Tap("a:wants:info"),
    Tap("m:done"),
]
MAN_MEANT = [
    "a:concerns:family_relations",
    "a:household:father",
    "a:household:mother",
    "a:subject_age:30s",
    "a:income:work",
    "a:wellbeing:cannot_sleep",
    "a:wants:info",
]

SIBLING: list[Step] = [
    Say("I'm worried about my brother", ("a:relationship:sibling",)),
    Say("he hasn't left his room in years", ("a:concerns:hikikomori_futoko",)),
    Tap("a:concerns:health_disability"),
    Tap("u:unknown"),
    Tap("a:primary:hikikomori_futoko"),
    Tap("a:immediate:none"),
    Say("he stays in his room", ("a:outing:8",)),
    Say("about 6 years", ("a:duration:5_10y",)),
    Say("he doesn't know", ("a:aware:not_know",)),
    Tap("a:wants_support:unsure"),
    Say("he lives with our mother", ("a:household:mother",)),
    Tap("m:done"),
    Say("he is 41", ("a:subject_age:40s",)),
    Tap("a:consultant_age:30s"),
    Say("she is in hospital", ("a:parent_health:inpatient",)),
    Tap("u:unknown"),  # 要介護認定
    Say("pension", ("a:income:pension",)),
    Tap("m:done"),
    Tap("u:unknown"),
    Say("I'm exhausted", ("a:wellbeing:tired",)),
    Say("how to talk to him", ("a:wants:how_to_relate",)),
    Tap("m:done"),
]
SIBLING_MEANT = [
    "a:concerns:hikikomori_futoko",
    "a:concerns:health_disability",
    "a:outing:8",
    "a:duration:5_10y",
    "a:aware:not_know",
    "a:household:mother",
    "a:subject_age:40s",
    "a:parent_health:inpatient",
    "a:income:pension",
    "a:wellbeing:tired",
    "a:wants:how_to_relate",
]
PERSONAS = {
    "mother": (MOTHER, MOTHER_MEANT, ("なにこれ", "「9」")),
    "man": (MAN, MAN_MEANT, ("別に",)),
    "sibling": (SIBLING, SIBLING_MEANT, ()),
}


def _fits(resident: Resident, locale: str) -> None:
    assert resident.reply is not None
    for message in resident.reply.messages:
        assert len(message) <= MESSAGE_LIMIT[locale], f"too long for a phone: {message!r}"


async def _step(resident: Resident, step: Step, locale: str) -> None:
    asked = resident.question if resident.reply is not None else None
    if isinstance(step, Tap):
        await resident.tap(step.code)
        _fits(resident, locale)
        return
    pressed = step.means and fold(step.text) == fold(label(locale, step.means[0]))
    await resident.say(step.text)
    _fits(resident, locale)
    said = resident.text
    if pressed:  # typing a button's words is pressing it (「とくに ない」 in やさしい日本語)
        assert resident.question != asked or label(locale, step.means[0]) in said
        return
    if step.noise == "what":
        assert t(locale, "noise.what") in said and resident.question == asked
        return
    # their words quoted back; only words the redactor took for a name are named by meaning
    quoted = snippet(step.text) in said or (step.means and "〔" in redact(step.text).text)
    assert quoted, f"{step.text!r} not reflected back: {said!r}"
    if step.noise:
        assert resident.question == asked, "noise must not answer the question"
    for code in step.means:
        assert label(locale, code) in said, f"{step.text!r} not read as {code}: {said!r}"


async def walk(resident: Resident, persona: str, locale: str) -> str:
    """Talk as ``persona`` in ``locale`` up to the summary; the summary as shown."""
    steps = PERSONAS[persona][0]
    first = steps[0]
    if isinstance(first, Say):
        await _step(resident, first, "ja")
        steps = steps[1:]
    else:
        await resident.follow()
    if locale != "ja":
        await resident.tap(f"c:lang:{locale}")
    if resident.question == "intro" and steps[0] != Tap("a:intro:start"):
        await resident.tap("a:intro:start")  # their first words were read; now they start
    for step in steps:
        await _step(resident, step, locale)
    assert resident.question == "summary"
    return resident.text


def _check_summary(summary: str, persona: str, locale: str) -> None:
    _, meant, noise = PERSONAS[persona]
    for code in meant:
        assert label(locale, code) in summary, f"{code} missing from the summary"
    for word in noise:
        assert word not in summary, f"{word!r} reached the summary"


async def test_the_mother_is_heard_and_her_summary_holds_what_she_meant(app: Any) -> None:
    resident = Resident(app.state.service, "mother")
    summary = await walk(resident, "mother", "ja")
    _check_summary(summary, "mother", "ja")
    assert "◎家から出られない・不登校" in summary and "ひきこもり" not in summary
    assert "○収入・生活費" in summary
    assert "「こしがいたくて びょういんに かよってます」" in summary  # her own words kept
    assert "ひとり暮らし" not in summary  # the contradiction was not taken

    await resident.say("わからない")  # unsure at the summary: one plain line, not the summary
    assert resident.reply is not None and resident.reply.messages == [
        "迷ったら「これでよい」で大丈夫です。あとで直せます。"
    ]
    await resident.tap("a:summary:ok")
    _fits(resident, "ja")
    assert resident.reply is not None and len(resident.reply.messages) <= 3
    assert "【まとめ】" not in resident.text  # the summary is not shown twice
    assert resident.reply.messages[0].startswith("ここまでのまとめを")  # essentials first
    assert "お子さんに伝わることはありません" in resident.text
    await resident.tap("a:consent:agree")
    async with app.state.db.session() as s:
        handoff = (await s.exec(select(Handoff))).one()
    saved = json.loads(handoff.summary_json)
    assert set(saved["concerns"]["selected"]) == {"hikikomori_futoko", "income_living"}
    assert "なにこれ" not in handoff.summary_json and "ははです" not in handoff.summary_json


async def test_the_gentle_checks_along_the_way(sqlite_app: Any) -> None:
    """What the mother met on the way: her picks kept, 「ひとり暮らし」 after 「母」 asked about."""
    resident = Resident(sqlite_app.state.service, "mother")
    for step in MOTHER[:6]:
        await _step(resident, step, "ja")
    assert (
        "選んだ「家から出られない・不登校」、「収入・生活費」は、そのまま残しました"
        in resident.text
    )
    for step in MOTHER[6:15]:
        await _step(resident, step, "ja")
    assert "先に「母」を選んでいます" in resident.text and resident.question == "household"


async def test_the_man_about_himself_sees_only_what_fits_him(app: Any) -> None:
    resident = Resident(app.state.service, "man")
    await resident.follow()
    for step in MAN[:-2]:
        await _step(resident, step, "ja")
    assert resident.question == "wants"
    seen_wants = [o.label for o in resident.reply.options]  # type: ignore[union-attr]
    assert "接し方を知りたい" not in seen_wants and "親亡き後が心配" not in seen_wants
    for step in MAN[-2:]:
        await _step(resident, step, "ja")
    summary = resident.text
    _check_summary(summary, "man", "ja")
    assert "ご本人" not in summary and "あなたの年代: 30代" in summary
    assert "ご本人" not in "\n".join(resident.seen)  # never asked about a ご本人 he is not


# A known regression of the triage model retrained on 2026-12-07 (benchmarks/triage/README.md):
# it asks the safety question on the sibling's bare English answer "he doesn't know" (a short
# message with no danger in it). strict: these start failing the day the model stops asking.
ENGLISH_BARE_ANSWER_ASKED = pytest.mark.xfail(
    reason='triage model asks the safety question on the bare answer "he doesn\'t know"',
    strict=True,
)


@ENGLISH_BARE_ANSWER_ASKED
async def test_the_sibling_in_english_reads_english_times_and_a_note_on_language(
    app: Any,
) -> None:
    resident = Resident(app.state.service, "sibling")
    await resident.follow()
    assert {"c:lang:en", "c:lang:ja-easy"} <= set(resident.codes)  # offered, not typed
    assert "8:30〜17:15" in resident.text and "08:30" not in resident.text
    await resident.tap("c:lang:en")
    assert "a.m." in resident.text and "Japanese" in resident.text
    for step in SIBLING:
        await _step(resident, step, "en")
    _check_summary(resident.text, "sibling", "en")
    await resident.say("what?")
    assert resident.reply is not None and len(resident.reply.messages) == 1
    assert "[Summary]" not in resident.text


@pytest.mark.parametrize(
    ("persona", "locale"),
    [
        ("mother", "en"),
        ("mother", "ja-easy"),
        ("man", "en"),
        ("man", "ja-easy"),
        pytest.param("sibling", "ja", marks=ENGLISH_BARE_ANSWER_ASKED),
        pytest.param("sibling", "ja-easy", marks=ENGLISH_BARE_ANSWER_ASKED),
    ],
)
async def test_the_same_people_in_another_language_reach_the_summary(
    sqlite_app: Any, persona: str, locale: str
) -> None:
    resident = Resident(sqlite_app.state.service, persona)
    summary = await walk(resident, persona, locale)
    _check_summary(summary, persona, locale)
