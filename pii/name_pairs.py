"""A found name takes the other half of a two-part name written beside it (surname and given name).

``おおたけ ⟦すずえ⟧`` → ``⟦おおたけ すずえ⟧``, ``⟦本庄⟧ うらら``, ``皆川 ⟦梢⟧``, ``⟦金⟧ 相旭``,
``ハヤシ ⟦タダシ⟧``, ``⟦SATO⟧ Mei``, ``Tanabe, ⟦Yuji⟧``: when one half is found (by a pattern or
the tagger), the word across one space (or ``, `` in Latin text) joins it if it is written in a
script a name half can be written in next to it and the dictionary does not know it as an
ordinary word (or knows it as a name).  Runs after resolving, on the normalised text.
"""

from __future__ import annotations

import re

from pii.model import char_type
from pii.nlp import SudachiNlpEngine
from pii.recognizers.lexicon import EN_WORDS, KANA_STOP, KIN, NOT_NAME

Span = tuple[str, int, int, float]

_WORD = {
    "H": "[ぁ-ゖー]{2,6}",
    "K": "[ァ-ヺー]{2,8}",
    "C": "[一-龥々]{1,3}",
    "L": "[A-Z][A-Za-zÀ-ž]+(?:-[A-Za-zÀ-ž]+)?",
}
# which half may stand next to which: kanji surname + kana given name (本庄 うらら) but not the
# other way round; Latin only with Latin
_PAIRS = {"H": "H", "K": "K", "C": "CHK", "L": "L"}
_TAIL = re.compile(r"(?:さん|ちゃん|くん|様|さま|です|でした|は|が|も|の|と|に|を|って|、|。)$")
_AFTER = re.compile(
    r"(?:[\s、。,.!?！？()（）「」]|さん|ちゃん|くん|様|です|でした|は|が|も|の|と|に|を|って|$)"
)


def _kind(s: str) -> str:
    ct = char_type(s)
    if ct in ("U", "UL", "L"):
        return "L"
    return ct if ct in ("H", "K", "C") else ""


def _namey(w: str, kind: str, nlp: SudachiNlpEngine) -> bool:
    if w in KIN or w in NOT_NAME or w in KANA_STOP or w in EN_WORDS:
        return False
    if kind == "L":
        return True
    # わたしは / つまの / ムスコノ: a pronoun or kin word with its particle is not a name half
    toks = nlp.tokenize(w)
    if any(t.pos[0] in ("助詞", "助動詞", "代名詞", "動詞") or t.surface in KIN for t in toks):
        return nlp.name_capable(w)
    return nlp.name_capable(w) or not nlp.known_common(w)


def _right(t: str, e: int, kind: str, nlp: SudachiNlpEngine) -> int:
    for k in _PAIRS[kind]:
        m = re.compile(" (" + _WORD[k] + ")").match(t, e)
        if not m:
            continue
        w = m.group(1)
        while k == "H" and (tail := _TAIL.search(w)) and tail.start() >= 2:
            w = w[: tail.start()]
        end = m.start(1) + len(w)
        if _AFTER.match(t, end) and _namey(w, k, nlp):
            return end
    return e


def _left(t: str, s: int, kind: str, nlp: SudachiNlpEngine) -> int:
    for k, allowed in _PAIRS.items():
        if kind not in allowed:
            continue
        sep = "(?:, | )" if k == "L" else " "
        m = re.compile(
            "(?:^|(?<=[\\s、。,.!?！？()（）「」:：]))(" + _WORD[k] + ")" + sep + "$"
        ).search(t, max(0, s - 16), s)
        if m and _namey(m.group(1), k, nlp):
            return m.start(1)
    return s


def extend_pairs(spans: list[Span], t: str, nlp: SudachiNlpEngine) -> list[Span]:
    out: list[Span] = []
    for n, (etype, s, e, score) in enumerate(spans):
        if etype == "PERSON" and " " not in t[s:e].strip() and (kind := _kind(t[s:e])):
            prev_end = out[-1][2] if out else 0
            next_start = spans[n + 1][1] if n + 1 < len(spans) else len(t)
            ns, ne = _left(t, s, kind, nlp), _right(t, e, kind, nlp)
            s = ns if ns >= prev_end else s
            e = ne if ne <= next_start else e
        out.append((etype, s, e, score))
    return out
