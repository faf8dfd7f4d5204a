"""Crisis triage: what a caseworker would notice if it went wrong.

Sentences here are written for these tests (the dev corpus is only used through
`python -m flows.triage_eval`, at the end).
"""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from pathlib import Path

import pytest

from flows.triage import LEVEL_ORDER, Assessment, assess, max_level

REPO = Path(__file__).resolve().parents[1]
DEV_CORPUS = REPO.parent / "shared/corpus/crisis_dev.jsonl"


def raised(text: str) -> bool:
    return assess(text).level in ("P0", "P1")


# --- P0: the DOMAIN §4 examples, each with the category that picks the script ---------------


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("今夜死ぬつもりです、もう遺書も書いた", "suicide_imminent"),
        ("首を吊るロープを用意した", "suicide_imminent"),
        ("母が倒れて意識がない", "medical_emergency"),
        ("息子が包丁を持って暴れている", "violence_now"),
        ("子を殺して私も死にます", "harm_others"),
        ("薬を全部飲んだ", "medical_emergency"),
    ],
)
def test_domain_p0_examples_are_emergencies(text: str, category: str) -> None:
    a = assess(text)
    assert (a.level, a.category) == ("P0", category)


@pytest.mark.parametrize(
    ("text", "category"),
    [
        # suicide_imminent: means, timing, a note, a farewell
        ("屋上に来た。これから飛び降ります", "suicide_imminent"),
        ("睡眠薬をためてある。今夜まとめて飲むつもり", "suicide_imminent"),
        ("車に練炭を積んだ", "suicide_imminent"),
        ("もう決めました。今までありがとう。さようなら", "suicide_imminent"),
        ("駅のホームにいる。次の快速に飛び込む", "suicide_imminent"),
        ("楽に死ねる方法を教えてください", "suicide_imminent"),
        ("I bought pills and I'm going to kill myself tonight", "suicide_imminent"),
        # harm_others: urge to kill, joint suicide
        ("このままだと父を殺してしまいそうで自分が怖い", "harm_others"),
        ("介護に疲れた。今夜、母と一緒に死のうと思う", "harm_others"),
        ("子どもを道連れにするしかない", "harm_others"),
        # medical_emergency
        ("祖父が風呂場で倒れて動きません", "medical_emergency"),
        ("母の呼吸がおかしい、呼んでも反応がない", "medical_emergency"),
        ("ねえ　ちちが　いきしてない", "medical_emergency"),
        ("兄がけいれんを起こして止まらない", "medical_emergency"),
        ("手首を切ったら血が止まらない", "medical_emergency"),
        ("父が胸が痛いと言って冷や汗をかいてる", "medical_emergency"),
        ("娘が睡眠薬をたくさん飲んで起きない", "medical_emergency"),
        ("my grandma collapsed and she's not breathing", "medical_emergency"),
        # violence_now
        ("いま夫に殴られてる　たすけて", "violence_now"),
        ("兄が父に刃物を向けてる", "violence_now"),
        ("弟が暴れてて、部屋に鍵をかけて隠れています", "violence_now"),
        ("my dad is hitting my mom right now, i'm hiding upstairs", "violence_now"),
    ],
)
def test_unseen_emergencies(text: str, category: str) -> None:
    a = assess(text)
    assert (a.level, a.category) == ("P0", category)


def test_signal_buried_in_a_long_8050_message_is_found() -> None:
    text = (
        "いつもお世話になっております。母（８３）と兄（５５）と三人で暮らしています。"
        "兄は二十年ほど部屋にこもっていて、母の通院には私が付き添っています。"
        "来週のケアマネさんとの面談の件でご連絡しました。\n"
        "それとは別に、昨夜兄の机の上に遺書のような手紙があって、今日が最後だと書いてありました。"
        "兄はいま部屋にいます。\n面談は午後二時でお願いできますでしょうか。"
    )
    a = assess(text)
    assert (a.level, a.category) == ("P0", "suicide_imminent")
    assert a.third_party


# --- P1 ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("生きてるのがつらい", "suicidal_ideation"),
        ("消えてしまいたいって毎晩思う", "suicidal_ideation"),
        ("いなくなりたい。誰も困らないし", "suicidal_ideation"),
        ("私なんかいないほうがいい", "suicidal_ideation"),
        ("ずっと死にたかった", "suicidal_ideation"),
        ("死に\nたい", "suicidal_ideation"),
        ("昨日またアムカしちゃった", "self_harm"),
        ("カッターで腕を切るのがやめられない", "self_harm"),
        ("先週ODして病院に運ばれた", "self_harm"),
        ("夫に殴られるのが怖くて家に帰れない", "violence_home"),
        ("父は酔うと母に手を上げます", "violence_home"),
        ("弟が母の通帳を取り上げて勝手にお金を使っています", "elder_abuse"),
        ("姉が寝たきりの祖母を放置して遊びに行っている", "elder_abuse"),
        ("母に食事を与えていないようです。兄が介護しています", "elder_abuse"),
        ("実家の父と１０日くらい連絡がとれない", "neglect"),
        ("近所のおばあさんの姿をもう何日も見ていません", "neglect"),
        ("母がここ一週間ほとんど食べていない", "neglect"),
        ("電気もガスも止まってて、子どもに食べさせるものがない", "lifeline"),
        ("所持金が１２０円です", "lifeline"),
        ("アパートを追い出されて今夜寝るところがない", "lifeline"),
        ("お金がなくて三日間何も食べてない", "lifeline"),
        ("I got evicted and have nowhere to sleep tonight", "lifeline"),
        ("My grandmother hasn't answered her phone in five days", "neglect"),
        ("i cut myself again last night", "self_harm"),
    ],
)
def test_unseen_high_risk(text: str, category: str) -> None:
    a = assess(text)
    assert (a.level, a.category) == ("P1", category)


@pytest.mark.parametrize(
    "text",
    [
        "息子が「死にたい」と言う",
        "夫が最近「もう死にたい」ばかり言っています",
        "高校生の娘が消えたいとLINEで送ってきました",
        "My son keeps saying he wants to die",
    ],
)
def test_third_party_ideation_is_p1_for_the_other_person(text: str) -> None:
    a = assess(text)
    assert (a.level, a.category, a.third_party) == ("P1", "suicidal_ideation", True)


def test_own_ideation_is_not_third_party_even_when_family_is_mentioned() -> None:
    a = assess("夫の親の介護をしていて、正直もう死にたいです")
    assert (a.level, a.third_party) == ("P1", False)


def test_third_party_medical_emergency_is_flagged() -> None:
    assert assess("薬を大量に飲んだみたいで母がぐったりしています").third_party


@pytest.mark.parametrize(
    "text", ["ｼﾆﾀｲ", "し に た い", "タヒにたい", "氏にたい", "死😢に😢た😢い"]
)
def test_normalisation_tricks_still_read_as_ideation(text: str) -> None:
    a = assess(text)
    assert (a.level, a.category) == ("P1", "suicidal_ideation")


@pytest.mark.parametrize("text", ["I want to die", "sometimes i wish i wasnt alive"])
def test_english_ideation(text: str) -> None:
    assert assess(text).level == "P1"


# --- negation, past and resolved: the choices made in flows/triage.py -------------------------


def test_denied_wish_to_die_is_still_asked_about_gently() -> None:
    # Chosen: stays P1 (DOMAIN §4 "still ask gently once" is the P1 script).
    a = assess("死にたいわけじゃないけど、なんか疲れた")
    assert (a.level, a.category) == ("P1", "suicidal_ideation")
    assert a.rule_id is not None and a.rule_id.endswith(":negated")


def test_denied_plan_lowers_an_emergency_to_high() -> None:
    assert assess("今夜死ぬつもりはないです。ただしんどい").level == "P1"
    assert assess("消えたい。でも方法を考えてるわけじゃない").level == "P1"


def test_wanting_to_live_is_not_a_signal() -> None:
    assert not raised("まだ死にたくない、母の面倒を見なきゃ")


def test_distant_past_ideation_is_a_p2_check_and_resolved_past_is_nothing() -> None:
    assert assess("子どもの頃は死にたいと思った時期もありました").level == "P2"
    assert assess("昔は死にたいと思ってたけど、今は元気に働いてます").level is None


def test_resolved_collapse_and_violence_are_not_raised() -> None:
    assert not raised("去年父が倒れて救急車で運ばれましたが、今はリハビリ中です")
    assert not raised("父は昔よく私を殴っていましたが、もう亡くなりました")


def test_yesterdays_overdose_is_self_harm_not_an_emergency() -> None:
    a = assess("昨日ODして一日寝てた。今は起きてる")
    assert (a.level, a.category) == ("P1", "self_harm")


# --- figurative, media and ordinary use: never P0/P1 ---------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "死ぬほど疲れた",
        "死ぬかと思った",
        "ゲームで死んだ",
        "心中お察しします",
        "死にそうに忙しい",
        "殺す気か(笑)",
        "今年の夏は暑くて死ぬ",
        "笑い死にするかと思ったｗ",
        "推しが尊すぎて息してない",
        "うちのWi-Fi息してない",
        "ドラマの心中シーンで泣いた",
        "映画で主人公が「消えたい」とつぶやく場面が印象的でした",
        "ニュースで首吊り自殺の事件を見て怖かった",
        "キャンプ用にロープを買いました",
        "肩をたたいてあげたら喜んでくれた",
        "包丁で指を切っちゃった、絆創膏貼った",
        "電気代が高すぎて困る",
        "ガス止まった!?って焦ったけど元栓しめてただけでした",
        "兄が母の年金を管理してくれているので助かっています",
        "担当さんにLINEしたけど返事がない、忙しいのかな",
        "息子は家から出ないけど、ご飯はちゃんと食べています",
        "市に対して要望があります",
        "わたしにたいしてやさしくしてくれてありがとう",
        "私が死んだら、この子はどうなるんだろう",
        "ゲームで一緒に死のうぜって友達に言われた笑",
        "this boss fight is killing me lol",
        "my son left his room today, im so happy i could die",
    ],
)
def test_figurative_and_ordinary_uses_are_not_raised(text: str) -> None:
    assert not raised(text)


# --- P2 / P3 ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "もう限界です",
        "誰にも頼れない",
        "なにもかもどうでもいい",
        "少し休みたい",
        "介護で心が折れそう",
        "I'm exhausted and nobody helps",
    ],
)
def test_despair_without_a_danger_signal_is_p2(text: str) -> None:
    a = assess(text)
    assert (a.level, a.category, a.flags) == ("P2", "despair", ("I",))


def test_service_question_is_p3_only_when_asked_for() -> None:
    # bot/service.py records every non-None level as a crisis, so P3 is opt-in.
    assert assess("窓口って土曜日もやってますか？").level is None
    assert assess("窓口って土曜日もやってますか？", info=True).level == "P3"
    assert (
        assess("Is the office open on Saturday? Can I get support in English?", info=True).level
        == "P3"
    )


def test_ordinary_chat_is_nothing() -> None:
    assert assess("こんにちは") == Assessment()
    assert assess("") == Assessment()


# --- the result object -------------------------------------------------------------------------------


def test_result_is_frozen_and_holds_no_text() -> None:
    text = "息子が包丁を持って暴れている"
    a = assess(text)
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.level = None  # type: ignore[misc]
    assert "包丁" not in repr(a)
    assert a.flags == ("C",) and a.rule_id == "C.weapon_now"


def test_flags_list_every_domain_letter_found() -> None:
    a = assess("もう限界。生きていたくない。電気も止められた")
    assert a.level == "P1"
    assert set(a.flags) == {"A", "G", "I"}


def test_level_order_and_max_level() -> None:
    assert LEVEL_ORDER == ("P0", "P1", "P2", "P3")
    assert max_level("P2", "P0") == "P0"
    assert max_level(None, "P3") == "P3"
    assert max_level("P1", None) == "P1"
    assert max_level(None, None) is None


# --- the dev corpus targets ------------------------------------------------------------------------------


def test_dev_corpus_targets() -> None:
    assert DEV_CORPUS.exists(), f"the dev corpus belongs beside the repo: {DEV_CORPUS}"
    run = subprocess.run(
        [sys.executable, "-m", "flows.triage_eval"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    totals = json.loads(run.stdout.strip().splitlines()[-1])
    assert totals["p0_recall"] == 1.0
    assert totals["p0_or_p1_recall"] >= 0.95
    assert totals["hard_negatives_raised"] <= 1


# --- the everyday words of this service are not alarms ---------------------------------------------

EVERYDAY_HIKIKOMORI = [
    "息子が部屋から出てこないんです",
    "40代の息子が10年以上ひきこもっています",
    "娘は昼夜逆転していて、家族とも話しません",
    "息子は働いていなくて、私の年金で暮らしています",
    "息子が部屋から出てこないので食事は部屋の前に置いています",
    "息子とはもう何年も口をきいていません",
    "息子は夜中に物音を立てて歩き回っています",
    "年金だけで二人で暮らしていますが、私が倒れたらどうなるのか心配です",
    "私が倒れたりしたら息子はどうなるのか",
]


@pytest.mark.parametrize("text", EVERYDAY_HIKIKOMORI)
def test_describing_withdrawal_itself_raises_no_alarm(text: str) -> None:
    assert assess(text).level not in ("P0", "P1")


def test_days_without_a_sound_from_the_room_is_a_welfare_concern() -> None:
    a = assess("弟が部屋から出てきません。何日も物音もしない")
    assert (a.level, a.category) == ("P1", "neglect")


# --- conditionals, worries about the future, past told afterwards, quoted words ------------------


@pytest.mark.parametrize(
    "text",
    [
        "持病があるので、息が苦しくなったら救急車を呼ぶように言われています",
        "ガスが止まったらどうしようと毎月ひやひやしています",
        "もし息子が暴れたら、警察に相談してもいいのでしょうか",
        "私が亡くなったら、娘はアパートを追い出されるのでしょうか",
        "水道を止められないように、分割で払う相談をしたいです",
        "弟が家で暴れたのは高校の頃で、今は落ち着いています",
        "娘を叩いてしまったことがあります。十年前のことですが、今も後悔しています",
        "「消えたい」という言葉を生徒が口にしたとき、先生はどう声をかければいいですか",
        "母を施設に預けて、放っておいたみたいで罪悪感があります",
    ],
)
def test_conditionals_and_past_told_afterwards_are_not_raised(text: str) -> None:
    assert not raised(text)


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("父が倒れていて、揺すっても反応がないかも", "P0"),
        ("祖父の唇が紫色になってる", "P0"),
        ("妻がナイフを持ってこっちに来ます", "P0"),
        ("橋の近くに来ました。もう疲れた。さよなら", "P0"),
        ("兄が「全部終わりにする」と言ってベルトを持って出て行った", "P0"),
        ("兄が父の年金を毎月ほとんどギャンブルに使っています", "P1"),
        ("一人暮らしの母と二日前から連絡が取れません", "P1"),
        ("息子が壁に穴を開けたり、ふすまを破ったりします", "P1"),
        ("何のために生きてるのかわかりません", "P1"),
    ],
)
def test_varied_wording_of_real_signals(text: str, level: str) -> None:
    assert assess(text).level == level


@pytest.mark.parametrize(
    "text", ["特にない", "わからない", "答えたくない", "まだわからない", "疲れている"]
)
def test_short_typed_answers_are_never_read_as_ideation(text: str) -> None:
    assert assess(text).level not in ("P0", "P1")
