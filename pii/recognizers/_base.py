"""Shared pieces of the recognizers: the hit type, character classes, context helpers, the base class."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from pii.nlp import SudachiArtifacts, Tok

Hit = tuple[str, int, int, float]

HIRA = "ぁ-ゖ"
KATA = "ァ-ヺー"
KANJI = "一-龥々〆ヶ"
KANA_RE = re.compile(f"^[{HIRA}{KATA}・]+$")
HIRA_RE = re.compile(f"^[{HIRA}ー]+$")
KATA_RE = re.compile(f"^[{KATA}・]+$")
KANJI_RE = re.compile(f"^[{KANJI}]+$")
ROMAJI_RE = re.compile(r"^[A-Z][a-z]+$")


def before(text: str, pos: int, n: int) -> str:
    return text[max(0, pos - n) : pos]


def line_before(text: str, pos: int, n: int) -> str:
    chunk = before(text, pos, n)
    return chunk.rsplit("\n", 1)[-1]


# words after which a number is a reference number, not a phone/postal/My Number
REF_WORDS = re.compile(
    r"(受付|整理|管理|会員|注文|お客様|申請|予約|問い合わせ|問合せ)(番号|No\.?|NO\.?)"
    r"|品番|型番|番号札|No\.?|receipt|reference|ref\.?|order",
    re.I,
)


def ref_context(text: str, start: int) -> bool:
    before = line_before(text, start, 16)
    return bool(REF_WORDS.search(before))


def tok_index_at(toks: list[Tok], pos: int) -> int:
    """Index of the first token that ends after ``pos``."""
    lo, hi = 0, len(toks)
    while lo < hi:
        mid = (lo + hi) // 2
        if toks[mid].end <= pos:
            lo = mid + 1
        else:
            hi = mid
    return lo


@dataclass(frozen=True)
class Recognizer:
    """One entity type, Presidio-style: a name, the entity it finds and a finder over one message.

    The finder reads :class:`pii.nlp.SudachiArtifacts` (normalised text, digit view, Sudachi tokens)
    and returns hits with offsets on the normalised text; :mod:`pii.analyzer` maps them back.
    """

    name: str
    entity: str
    find: Callable[[SudachiArtifacts], list[Hit]]

    def analyze(self, art: SudachiArtifacts) -> list[Hit]:
        return [h for h in self.find(art) if h[0] == self.entity]
