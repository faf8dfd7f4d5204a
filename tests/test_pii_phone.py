"""PHONE: every written form of a Japanese number is redacted; reference numbers are not."""

from __future__ import annotations

import pytest

from pii import redact


def found(text: str) -> list[tuple[str, str]]:
    return [(e.type, text[e.start : e.end]) for e in redact(text).entities]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("電話は 090-1234-5678 です", "090-1234-5678"),
        ("会社 03-5321-7788 内線4021", "03-5321-7788"),
        ("03(3428)5617 まで", "03(3428)5617"),
        ("携帯は080-55\n21-4439です", "080-55\n21-4439"),
        ("電話 06-\n6942-3318", "06-\n6942-3318"),
        ("番号は090の5521の0877", "090の5521の0877"),
        ("(0283)62-5518 です", "(0283)62-5518"),
        ("+81 90 3456 7812 に", "+81 90 3456 7812"),
        ("09051873306 です", "09051873306"),
        ("でんわ ０９０ー７７２１ー３３０８", "０９０ー７７２１ー３３０８"),
        ("090-1３４2-8７71 です", "090-1３４2-8７71"),
        ("〇九〇の八二三一の四四五七 です", "〇九〇の八二三一の四四五七"),
        ("ＦＡＸ 0545-61-2237", "0545-61-2237"),
        ("電話は090.1234.5678です", "090.1234.5678"),
        ("携帯 0 9 0 1 2 3 4 5 6 7 8 まで", "0 9 0 1 2 3 4 5 6 7 8"),
        ("０９０\u200b１２３４\u200b５６７８に", "０９０\u200b１２３４\u200b５６７８"),
        ("090\u00ad1234\u00ad5678に", "090\u00ad1234\u00ad5678"),
        ("090・1234・5678 です", "090・1234・5678"),
        ("+81.90.1234.5678 です", "+81.90.1234.5678"),
        ("0120-444-999 の業者", "0120-444-999"),
    ],
)
def test_phone_is_found(text: str, value: str) -> None:
    assert ("PHONE", value) in found(text)


@pytest.mark.parametrize(
    "text",
    [
        "受付番号 0312-4471 です",
        "0312-4471\n2024年",
        "receipt number 0471-88",
        "受付番号 20240918-0032",
        "受付番号 0312.4471",
        "年金は2か月で14万円",
        "午前9時〜午後5時",
    ],
)
def test_phone_lookalikes_stay(text: str) -> None:
    assert [v for t, v in found(text) if t == "PHONE"] == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("電話 +81 90 1234 5678", "+81 90 1234 5678"),
        ("Tel: +81-(0)80-2743-1156", "+81-(0)80-2743-1156"),
        ("電話は 〇九〇 一二三四 五六七八", "〇九〇 一二三四 五六七八"),
        ("０３（１２３４）５６７８", "０３（１２３４）５６７８"),
        ("0422 (52) 1137 に電話", "0422 (52) 1137"),
        ("電話 ０９０・１２３４・５６７８", "０９０・１２３４・５６７８"),
        ("でんわ 〇八〇の五五二一の四四三九", "〇八〇の五五二一の四四三九"),
    ],
)
def test_phone_in_any_script_and_separator(text: str, value: str) -> None:
    assert ("PHONE", value) in found(text)


def test_a_number_stops_before_a_kanji_numeral_on_the_next_line() -> None:
    text = "電話番号：0422 (52) 1137\n三鷹に住んでいます"
    assert ("PHONE", "0422 (52) 1137") in found(text)
