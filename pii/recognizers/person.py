"""PERSON: personal names from Sudachi name tags, honorifics, kin and label words, context and propagation."""

from __future__ import annotations

import re
from collections.abc import Callable

from pii.nlp import SudachiArtifacts
from pii.recognizers._base import (
    HIRA_RE,
    KANA_RE,
    KANJI_RE,
    KATA_RE,
    Hit,
    Recognizer,
)
from pii.recognizers.lexicon import ADDR_LABELS, HONORIFICS, KANA_STOP, KIN, NOT_NAME
from pii.recognizers.person_context import (
    NAME_TAIL,
    PLACE_AFTER,
    context_names,
    propagate,
    split_readings,
)
from pii.recognizers.person_english import english_names
from pii.recognizers.person_intro import intro_names, vocative_names
from pii.recognizers.person_patterns import called_names, labelled_names
from pii.recognizers.person_relation import direct_name, relation_name
from pii.recognizers.person_tokens import chunk, name_like

Add = Callable[[int, int, float], None]


def _adder(t: str, out: list[Hit]) -> Add:
    """``add(start, end, score)``: a PERSON hit, its honorific or です cut off, unless the span is a
    kin word, a known non-name, or a place (…駅, …支店)."""

    def add(s: int, e: int, score: float) -> None:
        tail = NAME_TAIL.search(t, s, e)
        if tail and tail.start() > s:
            e = tail.start()
        if e <= s:
            return
        name = t[s:e].strip()
        if (
            not name
            or name in NOT_NAME
            or name in KIN
            or name in KANA_STOP
            or PLACE_AFTER.match(t, e)
            # a Latin letter glued to a number is an era or a code (S14/11/22, A-104)
            or (len(name) == 1 and name.isascii() and t[e : e + 1].isdigit())
        ):
            return
        out.append(("PERSON", s, e, score))

    return add


def _glued(art: SudachiArtifacts, i: int) -> bool:
    """A lone hiragana/katakana "name" glued into a longer word is usually noise."""
    toks = art.toks
    tok = toks[i]
    prev = toks[i - 1] if i > 0 else None
    nxt = toks[i + 1] if i + 1 < len(toks) else None
    kana = KANA_RE.match(tok.surface) is not None
    glued = (
        prev is not None
        and prev.end == tok.start
        and prev.pos[0] in ("名詞",)
        and not prev.is_name
        and prev.surface not in KIN
        and kana
    )
    if (
        nxt is not None
        and nxt.start == tok.end
        and nxt.pos[0] == "名詞"
        and not nxt.is_name
        and nxt.surface not in HONORIFICS
    ):
        glued = glued or (nxt.pos[1] in ("普通名詞",) and nxt.surface not in KIN and kana)
    return glued


def _surname_before_space(art: SudachiArtifacts, i: int, add: Add) -> None:
    """星 ヨシ: a surname that is also an ordinary word, written before a tagged given name."""
    engine, t, toks = art.nlp, art.text, art.toks
    if not (toks[i].pos[3] == "名" and i >= 2 and toks[i - 1].surface == " "):
        return
    sur = toks[i - 2]
    if sur.end != toks[i - 1].start:
        return
    before = t[sur.start - 1 : sur.start] if sur.start else ""
    if (
        KANJI_RE.match(sur.surface)
        and len(sur.surface) <= 3
        and sur.pos[0] == "名詞"
        and (engine.name_capable(sur.surface) or sur.pos[1] in ("固有名詞", "普通名詞"))
        and sur.pos[1] != "数詞"
        and sur.surface not in ADDR_LABELS
        and sur.surface not in KIN
        and sur.surface not in NOT_NAME
        and not KANJI_RE.match(before or "a")
    ):
        add(sur.start, sur.end, 0.6)


def _tagged_name(art: SudachiArtifacts, i: int, add: Add) -> None:
    """(1) A token Sudachi tags as a personal name, widened to its neighbours by ``chunk``."""
    tok = art.toks[i]
    s = tok.surface
    if (
        not tok.is_name
        or s in NOT_NAME
        or s.isascii()
        or (HIRA_RE.match(s) and len(s) <= 2)
        or _glued(art, i)
    ):
        return
    span = chunk(art.nlp, art.toks, i, lenient=True)
    if not span:
        return
    add(span[0], span[1], 0.6 if tok.pos[3] in ("姓", "名") else 0.5)
    _surname_before_space(art, i, add)


def _honorific_name(art: SudachiArtifacts, i: int, add: Add) -> None:
    """(2) Up to two name-like tokens glued before さん / ちゃん / 様 …"""
    engine, toks = art.nlp, art.toks
    tok = toks[i]
    s = tok.surface
    if not (
        s in HONORIFICS or (s.startswith(("さん", "ちゃん", "くん")) and tok.pos[0] == "接尾辞")
    ):
        return
    j = i - 1
    if j < 0 or toks[j].end != tok.start:
        return
    k = j
    while (
        k - 1 >= 0
        and toks[k - 1].end == toks[k].start
        and name_like(engine, toks[k - 1])
        and (k - 1 >= j - 1)
        and toks[k - 1].surface not in KIN
        and toks[k - 1].pos[1] != "数詞"
    ):
        k -= 1
    cand = toks[k : j + 1]
    text_c = "".join(c.surface for c in cand)
    last = toks[j]
    if (
        text_c in NOT_NAME
        or last.surface in NOT_NAME
        or last.surface in KIN
        or last.pos[1] == "数詞"
        or last.pos[0] in ("助詞", "助動詞", "補助記号", "動詞", "空白")
    ):
        return
    good = name_like(engine, last) or KANA_RE.match(last.surface) is not None
    if (
        last.pos[1] == "普通名詞"
        and not engine.name_capable(last.surface)
        and not KATA_RE.match(last.surface)
        and not HIRA_RE.match(last.surface)
    ):
        good = False
    if good:
        # include a surname written before with a space (大野 さん is rare; 田村 翔さん)
        add(cand[0].start, last.end, 0.85)


def find_persons(art: SudachiArtifacts) -> list[Hit]:
    out: list[Hit] = []
    add = _adder(art.text, out)
    for i, tok in enumerate(art.toks):
        _tagged_name(art, i, add)
        _honorific_name(art, i, add)
        # (3) relation / label + name
        if tok.surface in KIN or re.fullmatch(r"(?:小|中|高)\d", tok.surface):
            relation_name(art, art.nlp, i, add)
            direct = direct_name(art, art.nlp, i)
            if direct:
                add(direct[0], direct[1], 0.75)
    intro_names(art, add)
    vocative_names(art, add)
    labelled_names(art, add)
    out.extend(english_names(art.text))
    called_names(art, add)
    context_names(art, art.nlp, add)
    split_readings(art.text, out)
    propagate(art.text, out)
    return out


RECOGNIZER = Recognizer("JaPersonRecognizer", "PERSON", find_persons)
