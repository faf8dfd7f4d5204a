"""PERSON: names in any script without their honorifics; kin words and ordinary words stay."""

from __future__ import annotations

import pytest

from pii import redact


def found(text: str) -> list[tuple[str, str]]:
    return [(e.type, text[e.start : e.end]) for e in redact(text).entities]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("高橋 誠です。", "高橋 誠"),
        ("長男の学が、学校を卒業してから", "学"),
        ("担任の小池先生", "小池"),
        ("ケンちゃんが来た", "ケン"),
        ("相談員の緒方さん", "緒方"),
        ("千葉です。よろしく", "千葉"),
        ("グエン・ティ・ハーです", "グエン・ティ・ハー"),
        ("名前は空ってことで", "空"),
        ("Ms. Ueda told me", "Ueda"),
    ],
)
def test_person_is_found(text: str, value: str) -> None:
    assert ("PERSON", value) in found(text)


@pytest.mark.parametrize(
    "text",
    [
        "母は日向ぼっこが好きで、桜の季節を待っています。",
        "お金がない",
        "息子が部屋から出ない",
        "ばあちゃんが心配",
    ],
)
def test_person_lookalikes_stay(text: str) -> None:
    assert [v for t, v in found(text) if t == "PERSON"] == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("息子ゆうまは小5です", "ゆうま"),
        ("母和子が「どこ」と言う", "和子"),
        ("夫ケンは単身赴任", "ケン"),
        ("長女こはるは小学5年生", "こはる"),
    ],
)
def test_family_word_then_name_without_particle(text: str, value: str) -> None:
    assert ("PERSON", value) in found(text)


@pytest.mark.parametrize(
    "text",
    ["息子はまだ寝ている", "母ひとりで育てた", "母パートで働く", "父親が倒れた", "娘しかいない"],
)
def test_family_word_then_ordinary_word_is_not_a_name(text: str) -> None:
    assert not [v for k, v in found(text) if k == "PERSON"]


@pytest.mark.parametrize(
    ("text", "value"),
    [("姉が「みのり、もう無理」って", "みのり"), ("父が「ノブを呼べ」と", "ノブ")],
)
def test_name_called_at_the_start_of_a_quote(text: str, value: str) -> None:
    assert ("PERSON", value) in found(text)


@pytest.mark.parametrize(
    "text", ["「あのね、先生」", "「まって、」", "「ママ、どこ」", "「ごめん、無理」"]
)
def test_interjection_at_the_start_of_a_quote_is_not_a_name(text: str) -> None:
    assert not [v for k, v in found(text) if k == "PERSON"]


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("名前は夢叶と書いてゆめかと読みます。", ("夢叶", "ゆめか")),  # a name and its reading
        ("苗字は四十物と書いてあいものです", ("四十物", "あいもの")),
        ("もちこって名前でやってます", ("もちこ",)),  # at the start of a line
        ("ここではハルと名乗ります。", ("ハル",)),
        ("ソラ（ハンドルネーム）です。", ("ソラ",)),
        ("みさき、中2です。親が", ("みさき",)),  # a name, then an age, opening the message
        ("担任の山﨑先生が", ("山﨑",)),  # a variant kanji NFKC leaves alone
        ("髙橋さんに相談した", ("髙橋",)),
    ],
)
def test_names_given_with_their_reading_kind_or_age(text: str, values: tuple[str, ...]) -> None:
    for value in values:
        assert ("PERSON", value) in found(text)


@pytest.mark.parametrize(
    "text",
    ["それ、3回目です", "はい、2歳の子がいます", "ハンドルネームは使いません", "大丈夫、10時です"],
)
def test_answers_and_counts_are_not_names(text: str) -> None:
    assert [v for t, v in found(text) if t == "PERSON"] == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("名前は おおはし ゆきえ です", "おおはし ゆきえ"),
        ("担当は ミヤモト カズヤ さん", "ミヤモト カズヤ"),
        ("息子の 高梨 湊 が", "高梨 湊"),
        ("相談員の 北条 すみれ さん", "北条 すみれ"),
        ("My name is KIM Min-jun", "KIM Min-jun"),
    ],
)
def test_both_halves_of_a_name(text: str, value: str) -> None:
    i = text.index(value)
    spans = [(e.start, e.end) for e in redact(text).entities if e.type == "PERSON"]
    assert all(
        any(s <= k < e for s, e in spans) for k in range(i, i + len(value)) if text[k] != " "
    )


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("今日 ゆうとが来た", "今日"),
        ("わたしは まりあ です", "わたしは"),
        ("つまの よしおが", "つまの"),
    ],
)
def test_the_word_beside_a_name_is_not_always_a_name(text: str, kept: str) -> None:
    assert kept in redact(text).text


@pytest.mark.parametrize("text", ["夫はグエン・ヴァン・ナムです", "母はシルバ・さちこさんです"])
def test_a_name_written_with_a_middle_dot_is_one_span(text: str) -> None:
    names = [v for t, v in found(text) if t == "PERSON"]
    assert len(names) == 1 and "・" in names[0]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("hello, my name is Yūko Ōshima. I live in Chiba", "Yūko Ōshima"),
        ("名義ヤマザキ ハナコ", "ヤマザキ ハナコ"),
        ("Contact: Watanabe, Kenji", "Watanabe, Kenji"),
    ],
)
def test_name_halves_in_latin_and_katakana(text: str, value: str) -> None:
    assert value in [v for t, v in found(text) if t == "PERSON"]


def test_a_three_part_latin_name_is_whole() -> None:
    assert "Duc" not in redact("My husband is NGUYEN Van Duc, he works nights").text


def test_a_comma_after_a_two_word_name_starts_something_else() -> None:
    assert "Kawasaki" in redact("I work at a shop near Hana Bento, Kawasaki").text
