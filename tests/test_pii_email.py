"""EMAIL: whole addresses, full-width and obfuscated (at)/[dot]/アットマーク forms too."""

from __future__ import annotations

import pytest

from pii import redact


def found(text: str) -> list[tuple[str, str]]:
    return [(e.type, text[e.start : e.end]) for e in redact(text).entities]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("mayu@example.jp まで", "mayu@example.jp"),
        ("メールは tomo . aki @ example . org です", "tomo . aki @ example . org"),
        ("nagi_0707＠マークexample.com まで", "nagi_0707＠マークexample.com"),
        ("hana.m(a)example.com へ", "hana.m(a)example.com"),
        ("KOUJI.SHIBA atmark EXAMPLE.JP", "KOUJI.SHIBA atmark EXAMPLE.JP"),
        (
            "ｔａｋａｙｕｋｉ．ｕｅｎｏ＠ｅｘａｍｐｌｅ．ｊｐ",
            "ｔａｋａｙｕｋｉ．ｕｅｎｏ＠ｅｘａｍｐｌｅ．ｊｐ",
        ),
        ("taro(at)example.jp に", "taro(at)example.jp"),
        ("taro [at] example [dot] jp", "taro [at] example [dot] jp"),
        ("hanako アットマーク example.co.jp", "hanako アットマーク example.co.jp"),
        ("mail: ken at example dot jp", "ken at example dot jp"),
        ("ken＠example．jp", "ken＠example．jp"),
    ],
)
def test_email_is_found(text: str, value: str) -> None:
    assert ("EMAIL", value) in found(text)


@pytest.mark.parametrize(
    "text", ["I live at Tokyo.", "メールで相談したい", "午後2時 at the office", "3 . 5 と 4(a)です"]
)
def test_email_lookalikes_stay(text: str) -> None:
    assert [v for t, v in found(text) if t == "EMAIL"] == []
