"""BIRTH_DATE: full dates of birth in any notation; other dates stay."""

from __future__ import annotations

import pytest

from pii import redact


def found(text: str) -> list[tuple[str, str]]:
    return [(e.type, text[e.start : e.end]) for e in redact(text).entities]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("昭和16年8月30日生まれ", "昭和16年8月30日"),
        ("S48/3/2生", "S48/3/2"),
        ("父 S14/11/22 母 S17/2/4", "S14/11/22"),
        ("母はH2年3月3日生まれ", "H2年3月3日"),
        ("1948（昭和23）年10月1日生", "1948（昭和23）年10月1日"),
        ("2010/4/15生", "2010/4/15"),
        ("19960704生", "19960704"),
        ("昭和４４年１月２０日", "昭和４４年１月２０日"),
        ("昭和九年五月五日生", "昭和九年五月五日"),
        ("平成元年12月1日生まれ", "平成元年12月1日"),
        ("大正15年4月3日", "大正15年4月3日"),
        ("born 15 Aug 2012", "15 Aug 2012"),
        ("birthday May 3, 1945", "May 3, 1945"),
    ],
)
def test_birth_date_is_found(text: str, value: str) -> None:
    assert ("BIRTH_DATE", value) in found(text)


@pytest.mark.parametrize(
    "text",
    [
        "1986年生まれの息子",
        "令和4年から",
        "訪問は3月15日",
        "10月3日（木）午後2時",
        "令和6年度",
        "53歳",
        "40代",
    ],
)
def test_birth_date_lookalikes_stay(text: str) -> None:
    assert [v for t, v in found(text) if t == "BIRTH_DATE"] == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("おばあちゃん Showa 7, 5/18 うまれ", "Showa 7, 5/18"),
        ("I was born Heisei 3.4.12", "Heisei 3.4.12"),
    ],
)
def test_era_in_romaji(text: str, value: str) -> None:
    assert ("BIRTH_DATE", value) in found(text)


def test_an_era_word_without_a_date_stays() -> None:
    assert [v for t, v in found("Showa era songs 5/18 concert") if t == "BIRTH_DATE"] == []
