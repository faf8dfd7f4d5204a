"""Triage probes from the second blind round: short typed answers and everyday sentences stay calm,
and the vocabulary families fixed from it stay caught (figures in tests/test_triage_sets.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from flows.triage import assess

DATA = Path(__file__).resolve().parent / "data/triage_fresh2.jsonl"
RAISED = ("P0", "P1")


def _records() -> list[dict[str, object]]:
    with DATA.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


@pytest.mark.parametrize(
    "text", ["特にない", "わからない", "大丈夫", "はい", "特にないです", "わかりません"]
)
def test_short_typed_answers_stay_calm(text: str) -> None:
    assert assess(text).level not in RAISED


@pytest.mark.parametrize(
    "text",
    [
        "息子は今日も部屋でゲームをしています",
        "父の年金で家計をやりくりしています",
        "母の年金と私のパートで生活しています。兄はずっと部屋にいます",
        "兄は昼まで寝ていて夜はネットばかり",
        "薬をもらってるけど効いてる気がしない",
        "明日の朝日を見に海に行く予定です",
        "ロープを買ってきた、今週中にキャンプに行く",
        "エレベーターに閉じ込められた",
        "いま隣の家から悲鳴が聞こえたけどテレビだった",
        "出てけって言われたけど冗談だった",
        "今日は仕事おしまいにします。今までありがとうございました、来週から異動です",
        "息子が好きな曲の歌詞、死にたいとかばっかり",
        "I burned my arm on the stove",
    ],
)
def test_everyday_sentences_stay_calm(text: str) -> None:
    assert assess(text).level not in RAISED


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("娘がぐったりして意識がない。机に咳止めの空き箱がたくさん", "P0"),
        ("父がロープを買ってきて、今週中にやると言っている", "P0"),
        ("もう明日の朝は迎えないと思う。手紙も書いた", "P0"),
        ("もう全部おしまいにする。今までありがとう", "P0"),
        ("いま隣の部屋で父が怒鳴っていて、母の悲鳴が聞こえる", "P0"),
        ("I'm on the bridge now. I don't want to live anymore", "P0"),
        ("夫に部屋に閉じ込められることがある", "P1"),
        ("祖母（９０）が夜中に出られないよう外から鍵をかけてる", "P1"),
        ("家賃が払えなくて出てけって言われた", "P1"),
        ("わしなんかいねぐなったほうがいいんだべ", "P1"),
        ("先週の金曜から弟から連絡がない", "P1"),
        ("I cut my arm with a razor again", "P1"),
        ("歌詞を書いてたら死にたいとか思ってしまう", "P1"),
    ],
)
def test_families_fixed_from_fresh2(text: str, level: str) -> None:
    assert assess(text).level == level
