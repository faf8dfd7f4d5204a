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


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("口座は 三一二四五六七 です", "三一二四五六七"),
        ("口座番号：７７８８９９０", "７７８８９９０"),
        ("基礎年金番号は 1234-567890 です", "1234-567890"),
        ("年金番号が４５６７－８９０１２３", "４５６７－８９０１２３"),
        ("カードの番号は4980-1234-5678-9012です", "4980-1234-5678-9012"),
        ("1234567 が口座番号です", "1234567"),
        ("7654321（口座番号）", "7654321"),
        ("振込は 0293746（普通）", "0293746"),
        ("保険証の記号 熊谷 2231 番号 17 です", "熊谷 2231"),
        ("保険証の記号 熊谷 2231 番号 17 です", "17"),
        ("ゆうちょ 記号 10180 番号 12345671", "10180"),
    ],
)
def test_account_in_any_script_or_order(text: str, value: str) -> None:
    assert ("ACCOUNT", value) in found(text)


@pytest.mark.parametrize(
    "text",
    [
        "支店番号 412、口座番号 0012345",  # the branch is outside the span (GUIDE.md)
        "記号番号は 23-0418827 です",  # the cue word itself
        "家賃は 58000 円です",
    ],
)
def test_account_keeps_branch_and_cue_words(text: str) -> None:
    values = [v for t, v in found(text) if t == "ACCOUNT"]
    assert not any(w in v for v in values for w in ("412", "番号", "58000"))
