"""ACCOUNT: bank, ゆうちょ, insurance-card, pension and card numbers, only the number."""

from __future__ import annotations

import pytest

from pii import redact


def found(text: str) -> list[tuple[str, str]]:
    return [(e.type, text[e.start : e.end]) for e in redact(text).entities]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("みずなみ銀行 普通\u3000７７３４５６１", "７７３４５６１"),
        ("記号・番号 10320-48215571", "10320-48215571"),
        ("国民健康保険 記号 34-0812 番号 1157\n減免の申請", "1157"),
        ("義父の年金番号を控えてきました。6231-058814\n年金の受け取り", "6231-058814"),
        ("基礎年金番号 5203-118476", "5203-118476"),
        ("カード 4539 8812 0076 3341", "4539 8812 0076 3341"),
        ("被保険者番号は0001482736です", "0001482736"),
    ],
)
def test_account_is_found(text: str, value: str) -> None:
    assert ("ACCOUNT", value) in found(text)


@pytest.mark.parametrize("text", ["年金月7万円", "品番 TK-4589-02", "整理番号 A-0123 / No.0047"])
def test_account_lookalikes_stay(text: str) -> None:
    assert [v for t, v in found(text) if t == "ACCOUNT"] == []
