"""ORG: named facilities with their type and legal form; generic nouns, agencies and banks stay."""

from __future__ import annotations

import pytest

from pii import redact


def found(text: str) -> list[tuple[str, str]]:
    return [(e.type, text[e.start : e.end]) for e in redact(text).entities]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("特養さくらの里に入所", "特養さくらの里"),
        ("特別養護老人ホーム 清風苑 です", "特別養護老人ホーム 清風苑"),
        ("医療法人清和会 東山病院 に通院", "医療法人清和会 東山病院"),
        ("株式会社ミツハシ精機で働く", "株式会社ミツハシ精機"),
        ("横浜市立矢上川小学校に通う", "横浜市立矢上川小学校"),
        ("Kinoshita Foods Co., Ltd. で", "Kinoshita Foods Co., Ltd."),
        ("就労継続支援B型のわかば作業所に", "わかば作業所"),
        ("訪問介護事業所 ほほえみ の人が", "訪問介護事業所 ほほえみ"),
        ("地域活動支援センター ひだまりに通う", "地域活動支援センター ひだまり"),
        ("作業所ぽけっとで働く", "作業所ぽけっと"),
        ("理容タチバナに行った", "理容タチバナ"),
        ("父がもみじ耳鼻科で補聴器を", "もみじ耳鼻科"),  # kana name + a clinic's department
        ("下の子をどんぐり学童に迎えに", "どんぐり学童"),
        ("姉はあおい縫製で働いている", "あおい縫製"),
        ("カラオケ ミラクル で歌った", "カラオケ ミラクル"),  # a trade + its own name
        ("回転寿司 すしろう でバイト", "回転寿司 すしろう"),
        # found in two overlapping pieces (…株式会社 + 株式会社 秋田工場), redacted as one
        ("北斗電工株式会社 秋田工場に勤める", "北斗電工株式会社 秋田工場"),
    ],
)
def test_org_is_found(text: str, value: str) -> None:
    assert ("ORG", value) in found(text)


@pytest.mark.parametrize(
    "text",
    [
        "高校をやめた",
        "市役所に行った",
        "ゆうちょ銀行の口座",
        "法テラスに相談",
        "家族会に参加",
        "専門学校に通う",
        "ホテル暮らしが続く",
        "デイサービス 利用中",
        "ホームページで見た",
        "かかりつけ内科に相談した",
        "近所の小児科は混んでいる",
        "お好み焼きを食べた",
        "カラオケに行った",
    ],
)
def test_org_lookalikes_stay(text: str) -> None:
    assert [v for t, v in found(text) if t == "ORG"] == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("支援団体つながりラボに相談した", "支援団体つながりラボ"),
        ("リサイクルショップ いらない屋 で働いてる", "リサイクルショップ いらない屋"),
        ("スナック ﾐﾓｻﾞ でバイト", "スナック ﾐﾓｻﾞ"),
        ("学童保育 どんぐり に通ってます", "学童保育 どんぐり"),
        ("パン工房むぎわらで働いてる", "パン工房むぎわら"),
        ("のぞみ交通に勤めてます", "のぞみ交通"),
        ("I work at Ramen no Takahashi near the station", "Ramen no Takahashi"),
        ("She stays at Hidamari-en now", "Hidamari-en"),
        ("My son goes to Aoba Junior High", "Aoba Junior High"),
    ],
)
def test_type_and_name_in_any_script(text: str, value: str) -> None:
    assert ("ORG", value) in found(text)


@pytest.mark.parametrize(
    "text",
    [
        "デイサービス 利用中です",
        "スーパーで買い物",
        "居酒屋でバイトしてます",
        "バーで飲んでた",
        "市議会だよりを読んだ",
        "I have no Money left",
    ],
)
def test_shop_kinds_alone_stay(text: str) -> None:
    assert [v for t, v in found(text) if t == "ORG"] == []


def test_a_branch_after_a_company_is_part_of_it() -> None:
    assert ("ORG", "あおば運送 中央営業所") in found("父はあおば運送 中央営業所で働いてる")


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("居酒屋 ほしぞらの店長に怒られた", "居酒屋 ほしぞら"),
        ("お好み焼き ぽんぽこでバイトしてます", "お好み焼き ぽんぽこ"),
        ("就労移行支援事業所 ジャンプに通い始めた", "就労移行支援事業所 ジャンプ"),
        ("居宅介護支援事業所 ほがらかのケアマネさん", "居宅介護支援事業所 ほがらか"),
    ],
)
def test_kana_name_after_a_type_and_a_space(text: str, value: str) -> None:
    assert ("ORG", value) in found(text)


@pytest.mark.parametrize(
    ("text", "part"),
    [
        ("母は小規模多機能ホームあさがおに通ってる", "小規模多機能ホームあさがお"),
        ("父は介護付き有料老人ホームやまびこに入った", "介護付き有料老人ホームやまびこ"),
        ("就労継続支援B型事業所 ひまわり工房で働いてる", "就労継続支援B型事業所 ひまわり工房"),
    ],
)
def test_the_type_written_before_a_name_is_part_of_it(text: str, part: str) -> None:
    assert part in [v for t, v in found(text) if t == "ORG"]
