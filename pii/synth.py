"""Synthetic training messages for the name tagger: ``python -m pii.synth [--n N] [--out PATH]``.

The hard names are the ones no pattern can list: kana and one-kanji given names that are also
ordinary words, nicknames, katakana and Latin names of foreign residents, placed where a family
member names someone (after a kin word with or without a particle, in a quotation, before a
naming verb, before an honorific).  Each frame is also written with an ordinary word in the
name's place (the same context without a name), so the tagger learns the context *and* when it
is not enough.  The name pools are invented here; no name was taken from a labelled set.
Deterministic (seeded); the output is a training file like the others, with gold spans.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

from pii.recognizers.lexicon import ordered_words as w

OUT = Path(__file__).resolve().parents[1] / "tests" / "data" / "pii_synth" / "train.jsonl"

KANA_NAMES = w(
    "はな ゆず そら うみ ひかり あおい みのり こはる はじめ つばさ ひなた かえで さくら もも りん れん "
    "あん ねね みお ゆい あかり しずく ほのか みずき なぎさ いぶき あさひ ゆうき たくみ かなた はるき "
    "なつき ちはる ともや けんた しょうた ゆうと りく そうた こうき みさき あやの まい ゆり すみれ "
    "きく うめ とめ よね たみ ふく せつ かよ ちよ"
)
KANJI_NAMES = w("陽 蓮 翼 空 海 光 葵 楓 悠 湊 樹 渚 茜 薫 静 望 進 勇 実 忍")
KATA_NAMES = w(
    "マリア グエン ホセ アナ リン ミン ラウラ ダニエル サラ ハンナ ジョン タオ ビン ルカ ノア "
    "ユキ ハル ミツ カズ ケン"
)
LATIN_NAMES = w("Haruto Mio Ren Sakura Jose Anna Minh Laura Daniel Takumi Yui Sota")
NICKNAMES = w("たっくん みーちゃん ゆっち ぽんた はーくん ちゃこ のんちゃん まっつん")
ORDINARY = w(
    "学校 仕事 部屋 ゲーム 病院 ごはん 毎日 たまに 最近 朝 夜 家 まだ もう ずっと 全然 先生 薬 お金 "
    "テレビ スマホ バイト 犬 猫"
)
KIN = w("息子 娘 長男 次男 長女 次女 孫 弟 妹 兄 姉 夫 妻 母 父 祖母 祖父 甥 姪 友達 彼氏 彼女")

# frames: {k} a kin word, {n} the name (or an ordinary word in a negative)
FRAMES = (
    "{k}{n}が最近部屋から出てきません。",
    "{k}の{n}は今年で中2です。",
    "{k}は{n}といいます。学校に行けていません。",
    "「{n}、ごはんできたよ」と声をかけても返事がないです。",
    "{k}の{n}がゲームばかりしていて心配です。",
    "{n}って呼んでます。{k}のことです。",
    "うちの{n}はもう三年ひきこもっています。",
    "{k}、{n}っていうんですけど、夜しか起きてきません。",
    "{n}ちゃんは{k}の子どもです。",
    "{n}くんが最近話してくれるようになりました。",
    "{k}（{n}）のことで相談です。",
    "名前は{n}です。{k}と二人暮らしです。",
    "{k}{n}も一緒に来ました。",
    "{n}が「もう無理」って言いました。",
    "{k}は{n}、中学生です。",
)


def _name(rng: random.Random) -> str:
    pool = rng.choices(
        (KANA_NAMES, KANJI_NAMES, KATA_NAMES, LATIN_NAMES, NICKNAMES), weights=(5, 2, 2, 1, 1)
    )[0]
    return rng.choice(pool)


def _message(rng: random.Random, k: int, positive: bool) -> dict[str, object]:
    frame = rng.choice(FRAMES)
    kin = rng.choice(KIN)
    word = _name(rng) if positive else rng.choice(ORDINARY)
    head, _, tail = frame.partition("{n}")
    head = head.replace("{k}", kin)
    tail = tail.replace("{k}", kin)
    text = head + word + tail
    ents = []
    if positive:
        ents.append(
            {"start": len(head), "end": len(head) + len(word), "type": "PERSON", "value": word}
        )
    return {"id": f"s-{k:04d}", "text": text, "entities": ents, "note": "synthetic (pii.synth)"}


def generate(n: int, seed: int = 9) -> list[dict[str, object]]:
    rng = random.Random(seed)
    return [_message(rng, k, positive=k % 3 != 2) for k in range(n)]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m pii.synth", description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=600)
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    lines = [json.dumps(r, ensure_ascii=False) for r in generate(args.n)]
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(lines)} messages -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
