"""LINE_ID: LINE ids and SNS handles, a typed @ included."""

from __future__ import annotations

import pytest

from pii import redact


def found(text: str) -> list[tuple[str, str]]:
    return [(e.type, text[e.start : e.end]) for e in redact(text).entities]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("ID: aya_n.0818 です", "aya_n.0818"),
        ("メールか、LINEritsu_usami26でお願いします", "ritsu_usami26"),
        ("インスタ @daichi_aob", "@daichi_aob"),
        ("相手のアカウント @kasu_money_777", "@kasu_money_777"),
        ("ＩＤ：ｋｏｕｔａ２２", "ｋｏｕｔａ２２"),
        ("my insta @linh.daily_jp pls", "@linh.daily_jp"),
        ("lineのid kenta1999 です", "kenta1999"),  # cue words in lower case
        ("my line id is saki_0909", "saki_0909"),
    ],
)
def test_line_id_is_found(text: str, value: str) -> None:
    assert ("LINE_ID", value) in found(text)


@pytest.mark.parametrize(
    "text",
    [
        "品番 TK-4589-02",
        "書類の番号は「FK-2023-08」でした",
        "8050問題",
        "LINEで連絡",
        "IDカードを持参",
    ],
)
def test_line_id_lookalikes_stay(text: str) -> None:
    assert [v for t, v in found(text) if t == "LINE_ID"] == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("ディスコードは neko_san#1234 です", "neko_san#1234"),
        ("Discord: kumaneko#0042 で話せます", "kumaneko#0042"),
        ("スレッズは hikiko.mori_22", "hikiko.mori_22"),
        ("ユーザー名 sora_to_umi", "sora_to_umi"),
        ("LINE ＩＤ：ｋｕｍａ０３１２", "ｋｕｍａ０３１２"),
        ("インスタ @hikikomori_papa でDMください", "@hikikomori_papa"),
        ("ID:tanaka2020", "tanaka2020"),
    ],
)
def test_handles_after_any_cue(text: str, value: str) -> None:
    assert ("LINE_ID", value) in found(text)
