"""URL: personal blogs and SNS profiles; official pages stay."""

from __future__ import annotations

import pytest

from pii import redact


def found(text: str) -> list[tuple[str, str]]:
    return [(e.type, text[e.start : e.end]) for e in redact(text).entities]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        (
            "https://ameblo.example.jp/kuroneko-heya/ を見て",
            "https://ameblo.example.jp/kuroneko-heya/",
        ),
        (
            "https://www.tiktok.example.com/@neet_life_19",
            "https://www.tiktok.example.com/@neet_life_19",
        ),
    ],
)
def test_url_is_found(text: str, value: str) -> None:
    assert ("URL", value) in found(text)


@pytest.mark.parametrize("text", ["市のホームページ https://www.city.example.jp/fukushi/8050/"])
def test_url_lookalikes_stay(text: str) -> None:
    assert [v for t, v in found(text) if t == "URL"] == []
