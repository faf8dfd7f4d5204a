"""POSTAL_CODE: the digits (with the hyphen) after 〒 or before an address."""

from __future__ import annotations

import pytest

from pii import redact


def found(text: str) -> list[tuple[str, str]]:
    return [(e.type, text[e.start : e.end]) for e in redact(text).entities]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("〒350-1124 川越市", "350-1124"),
        ("〒１８３－００２２", "１８３－００２２"),
        ("〒 3501124 です", "3501124"),
        ("郵便番号は350 1124です", "350 1124"),  # bare or spaced after the word itself
        ("Zip: 3501124", "3501124"),
    ],
)
def test_postal_code_is_found(text: str, value: str) -> None:
    assert ("POSTAL_CODE", value) in found(text)


@pytest.mark.parametrize("text", ["受付番号 0312-4471", "血圧 152/94"])
def test_postal_code_lookalikes_stay(text: str) -> None:
    assert [v for t, v in found(text) if t == "POSTAL_CODE"] == []
