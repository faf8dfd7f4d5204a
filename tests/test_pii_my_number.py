"""MY_NUMBER: 12 digits in a マイナンバー context whatever the check digit, or a valid one."""

from __future__ import annotations

import pytest

from pii import redact


def found(text: str) -> list[tuple[str, str]]:
    return [(e.type, text[e.start : e.end]) for e in redact(text).entities]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("マイナンバーは 5260 1815 9084 です", "5260 1815 9084"),
        ("個人番号 7104-9746-5072", "7104-9746-5072"),
        ("マイナンバー ９１３９０９９６０３００", "９１３９０９９６０３００"),
        ("通知カード ２３１９\u3000４８７５\u3000７４９６", "２３１９\u3000４８７５\u3000７４９６"),
    ],
)
def test_my_number_is_found(text: str, value: str) -> None:
    assert ("MY_NUMBER", value) in found(text)


@pytest.mark.parametrize("text", ["整理番号は202405120031です"])
def test_my_number_lookalikes_stay(text: str) -> None:
    assert [v for t, v in found(text) if t == "MY_NUMBER"] == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("マイナンバー 一二三四 五六七八 九〇一二", "一二三四 五六七八 九〇一二"),
        ("マイナンバーは123-456-789-012", "123-456-789-012"),
        ("マイナンバーは12345678 9012", "12345678 9012"),
        ("番号は 1234.5678.9012 マイナンバーです", "1234.5678.9012"),
        ("マイナンバー 1234・5678・9012", "1234・5678・9012"),
        ("個人番号 123 456 789 012 です", "123 456 789 012"),
    ],
)
def test_my_number_in_any_grouping(text: str, value: str) -> None:
    assert ("MY_NUMBER", value) in found(text)


@pytest.mark.parametrize("text", ["予約番号 123456789012 です", "ポイントが 1,234,567 たまった"])
def test_twelve_digit_lookalikes_stay(text: str) -> None:
    assert [v for t, v in found(text) if t == "MY_NUMBER"] == []
