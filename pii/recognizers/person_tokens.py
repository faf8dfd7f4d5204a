"""Token tests for names: which Sudachi tokens can be (part of) a personal name, and a name chunk from a token."""

from __future__ import annotations

import re

from pii.nlp import SudachiNlpEngine, Tok
from pii.recognizers._base import KANA_RE, KATA_RE
from pii.recognizers.lexicon import KANA_STOP, KIN, NOT_NAME

SELF_INTRO = re.compile(
    r"^ ?(?:です|と申します|ともうします|といいます|と いいます|と言います|でございます|と申す)"
)


BOUNDARY_AFTER = re.compile(
    r"^(?: ?(?:です|でした|だ|で[、,。 ]|って|っていう|という|と申|といい|ちゃん|くん|君|さん|が|は|も|と|を|に|の|、|。|,|\.|\(|（|\)|）|!|！|\?|？| \d|\d|生| [(（]|$)|\n| ?$)"
)


def name_like(engine: SudachiNlpEngine, tok: Tok) -> bool:
    s = tok.surface
    if s in NOT_NAME or s in KANA_STOP or s in KIN:
        return False
    if tok.is_name or tok.oov:
        return True
    if tok.pos[0] in ("名詞",) and tok.pos[1] in ("固有名詞",) and tok.pos[2] != "地名":
        return True
    if engine.name_capable(s):
        return True
    return bool(KANA_RE.match(s)) and 1 < len(s) <= 6 and tok.pos[0] in ("名詞", "形状詞", "接頭辞")


def strong_name(engine: SudachiNlpEngine, tok: Tok) -> bool:
    s = tok.surface
    if s in NOT_NAME or s in KIN or s in KANA_STOP:
        return False
    return (
        tok.is_name
        or tok.oov
        or engine.name_capable(s)
        or (bool(KATA_RE.match(s)) and not engine.known_common(s))
    )


_PARTS = ("空白", "補助記号", "助詞", "助動詞")  # never inside a name
# given-name endings Sudachi splits off a name (健 + 太, 恵 + 美)
_ENDINGS = ("人", "斗", "也", "介", "助", "太", "郎", "子", "美")


def chunk(
    engine: SudachiNlpEngine, toks: list[Tok], i: int, lenient: bool
) -> tuple[int, int] | None:
    """A name starting at token i: up to 3 tokens, optionally one space and up to 3 more tokens."""
    if i >= len(toks):
        return None
    j = _first_part(engine, toks, i, lenient)
    if j == i:
        return None
    if (
        j < len(toks)
        and toks[j].pos[0] == "接尾辞"
        and toks[j].surface in _ENDINGS
        and toks[j - 1].is_name
        and toks[j].start == toks[j - 1].end
    ):
        j += 1
    end = _second_part(engine, toks, i, j)
    return toks[i].start, toks[end - 1].end


def _first_part(engine: SudachiNlpEngine, toks: list[Tok], i: int, lenient: bool) -> int:
    """The end (exclusive token index) of up to three glued name-like tokens from ``i``."""
    n = len(toks)
    ok = name_like if lenient else strong_name
    j = i
    parts = 0
    while (
        j < n
        and parts < 3
        and (j == i or toks[j].start == toks[j - 1].end)
        and toks[j].pos[0] not in _PARTS
        and (
            ok(engine, toks[j])
            or (parts > 0 and name_like(engine, toks[j]) and toks[j].pos[1] != "数詞")
            or (
                parts > 0
                and toks[j].surface in ("子", "美", "江", "代")
                and KATA_RE.match(toks[j - 1].surface)
            )
            or (toks[j].surface == "・")
        )
    ):
        if toks[j].pos[1] == "数詞":
            break
        j += 1
        parts += 1
    return j


def _second_part(engine: SudachiNlpEngine, toks: list[Tok], i: int, j: int) -> int:
    """The end of an optional second part after a single space (姓 名), else ``j``."""
    n = len(toks)
    if not (
        j + 1 < n
        and toks[j].pos[0] == "空白"
        and toks[j].end - toks[j].start == 1
        and toks[j].start == toks[j - 1].end
    ):
        return j
    k = j + 1
    p2 = 0
    while (
        k < n
        and p2 < 3
        and toks[k].pos[0] not in _PARTS
        and (
            name_like(engine, toks[k])
            or (p2 > 0 and toks[k].surface in ("子", "美", "江", "代", "恵"))
        )
        and toks[k].pos[1] != "数詞"
        and toks[k].start == (toks[k - 1].end)
    ):
        k += 1
        p2 += 1
    # no romaji second part after a Japanese name
    if p2 == 0 or (toks[j + 1].surface.isascii() and not toks[i].surface.isascii()):
        return j
    second = "".join(tk.surface for tk in toks[j + 1 : k])
    return k if second not in KIN and len(second) <= 6 else j
