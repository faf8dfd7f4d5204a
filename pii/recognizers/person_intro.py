"""Names given away by the shape of a sentence or a line: self-introductions and signature lines."""

from __future__ import annotations

import re
from collections.abc import Callable

from pii.nlp import SudachiArtifacts, Tok
from pii.recognizers._base import HIRA, HIRA_RE, KANA_RE, KATA, ROMAJI_RE, tok_index_at
from pii.recognizers.lexicon import BANKISH, KANA_STOP, KIN, NOT_NAME
from pii.recognizers.person_relation import SELF_INTRO_RE
from pii.recognizers.person_tokens import chunk, strong_name

_NOT_A_NAME = re.compile(
    r"\d|歳|才|年|生|男|女|親|族|者|学|高|中|小|員|職|問題|相談|的|ママ|パパ|じん$|[ァ-ヺ]人$"
    r"|(?:日本|外国|中国|韓国|台湾|一般|社会|大|老|病|本|個|友|知|他|素)人$"
)
_FUNCTION_POS = ("助詞", "助動詞", "動詞", "形容詞", "補助記号", "代名詞", "感動詞")
# what may follow a name alone on its line: nothing, a bracket, an age, a phone, an e-mail, a place
_SIGNATURE_REST = re.compile(
    r"^(?:\s*$|\s*[(（]|\s+[\d+〇一二三四五六七八九]|\s+\S+@|\s+\S*[都道府県市区町村]|\s*\d)"
)


def intro_names(art: SudachiArtifacts, add: Callable[[int, int, float], None]) -> None:
    """私は X です / X と申します at a sentence start, and a line holding only a name (a signature)."""
    _self_intro_names(art, add)
    _signature_names(art, add)


def _self_intro_names(art: SudachiArtifacts, add: Callable[[int, int, float], None]) -> None:
    """(4) self introduction: "X です。" / "Xと申します" at the start of a line or sentence."""
    engine = art.nlp
    t, toks = art.text, art.toks
    for m in SELF_INTRO_RE.finditer(t):
        ns, ne = m.start("n"), m.end("n")
        if _NOT_A_NAME.search(t[ns:ne]):
            continue
        span_toks = [tk for tk in toks if tk.start >= ns and tk.end <= ne and tk.pos[0] != "空白"]
        if not span_toks or any(
            tk.pos[0] in _FUNCTION_POS and tk.surface != "・" for tk in span_toks
        ):
            continue
        if any(
            tk.surface in KIN
            or tk.surface in NOT_NAME
            or tk.surface in KANA_STOP
            or (tk.is_place and not engine.name_capable(tk.surface))
            for tk in span_toks
        ):
            continue
        if t[max(0, ns - 2) : ns].strip().endswith("の") and not all(
            tk.is_name or tk.oov or tk.surface == "・" for tk in span_toks
        ):
            continue
        if any(
            tk.pos[1] == "普通名詞"
            and not tk.oov
            and not engine.name_capable(tk.surface)
            and not HIRA_RE.match(tk.surface)
            for tk in span_toks
        ):
            continue
        if all(
            strong_name(engine, tk)
            or tk.surface == "・"
            or (HIRA_RE.match(tk.surface) and tk.pos[1] != "普通名詞")
            for tk in span_toks
        ):
            add(ns, ne, 0.75)


def _signature_names(art: SudachiArtifacts, add: Callable[[int, int, float], None]) -> None:
    """(5) a line that is only a name (signature), optionally followed by age/phone/bracket/address."""
    engine = art.nlp
    t, toks = art.text, art.toks
    n = len(toks)
    line_start = 0
    for line in t.split("\n"):
        ls = line_start
        line_start += len(line) + 1
        body = line.strip()
        if not body or len(body) > 60:
            continue
        off = ls + (len(line) - len(line.lstrip()))
        i0 = tok_index_at(toks, off)
        if i0 >= n or toks[i0].start != off:
            continue
        span = chunk(engine, toks, i0, lenient=True)
        if not span:
            continue
        rest = t[span[1] : ls + len(line)]
        if not _SIGNATURE_REST.match(rest):
            continue
        if re.search(f"[{HIRA}]", re.sub(r"[(（][^)）]*[)）]", "", rest)):
            continue
        cand = [
            tk for tk in toks if tk.start >= span[0] and tk.end <= span[1] and tk.pos[0] != "空白"
        ]
        if _signature_fits(art, cand, t[span[0] : span[1]], rest):
            add(span[0], span[1], 0.7)


def _signature_fits(art: SudachiArtifacts, cand: list[Tok], text_c: str, rest: str) -> bool:
    engine = art.nlp
    if not cand or any(
        tk.pos[0] not in ("名詞", "接頭辞", "補助記号")
        and not tk.oov
        and not KANA_RE.match(tk.surface)
        for tk in cand
    ):
        return False
    if text_c.isascii() and not all(ROMAJI_RE.match(w) for w in text_c.split(" ")):
        return False
    if KANA_RE.match(text_c) and not re.match(r"^\s*(?:$|[(（])", rest):
        return False
    strong = any(tk.is_name for tk in cand) or all(
        strong_name(engine, tk) or KANA_RE.match(tk.surface) or ROMAJI_RE.match(tk.surface)
        for tk in cand
    )
    if not strong or any(
        tk.surface in KIN or tk.surface in NOT_NAME or tk.surface in KANA_STOP for tk in cand
    ):
        return False
    return not (any(tk.pos[1] == "数詞" for tk in cand) or BANKISH.search(text_c))


# someone called by name at the start of a quoted line: 「みのり、もう無理」 / 「ノブを呼べ」
_VOCATIVE = re.compile(
    f"(?<=[「『])(?P<n>[{HIRA}{KATA}ー]{{2,5}})(?=、|,|を呼|ちゃん|くん|君|兄ちゃん|姉ちゃん)"
)


def vocative_names(art: SudachiArtifacts, add: Callable[[int, int, float], None]) -> None:
    """A kana name opening a quotation before a comma or 'を呼': not a dictionary word."""
    engine = art.nlp
    for m in _VOCATIVE.finditer(art.text):
        name = m.group("n")
        if name in KIN or name in NOT_NAME or name in KANA_STOP:
            continue
        if engine.known_common(name) and not engine.name_capable(name):
            continue
        inner = [tk for tk in art.toks if m.start() <= tk.start < m.end()]
        if any(
            tk.pos[0] in ("感動詞", "助詞", "代名詞", "連体詞", "副詞", "助動詞", "形容詞")
            # a verb only as one noun-like form (みのり), not a phrase
            or (tk.pos[0] == "動詞" and (len(inner) > 1 or not tk.pos[5].startswith("連用形")))
            for tk in inner
        ):
            continue
        add(m.start(), m.end(), 0.65)
