"""A found name takes the other half of a two-part name written beside it (surname and given name);
an organisation takes the facility type written before it and a branch written after it.

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
    "L": "(?=[A-ZÀ-ÞĀ-ž])[A-Za-zÀ-ž]{2,}(?:-[A-Za-zÀ-ž]+)?",
}
# the character before a left half must change script (の|皆川, 名義|ヤマザキ, ": "|Tanabe)
_NOT = {"H": "ぁ-ゖー", "K": "ァ-ヺー", "C": "一-龥々", "L": "A-Za-zÀ-ž"}
# which half may stand next to which: kanji surname + kana given name (本庄 うらら) but not the
# other way round; Latin only with Latin
_PAIRS = {"H": "H", "K": "K", "C": "CHK", "L": "L"}
_TAIL = re.compile(r"(?:さん|ちゃん|くん|様|さま|です|でした|は|が|も|の|と|に|を|って|、|。)$")
_AFTER = re.compile(
    r"(?:[\s、。,.!?！？()（）「」]|さん|ちゃん|くん|様|です|でした|は|が|も|の|と|に|を|って|$)"
)


def _kind(s: str) -> str:
    if all(c.isalpha() and ord(c) < 0x250 for c in s):  # Latin, with accents (Yūko)
        return "L"
    ct = char_type(s)
    if ct in ("U", "UL", "L"):
        return "L"
    return ct if ct in ("H", "K", "C") else ""


def _namey(w: str, kind: str, nlp: SudachiNlpEngine, strong: bool) -> bool:
    """``strong``: the found half is in kanji, so a kana word beside it is a given name unless it
    is a pronoun, a kin word, or an ordinary word with its particle (わたしは, つまの)."""
    if w in KIN or w in NOT_NAME or w in KANA_STOP or w in EN_WORDS:
        return False
    if kind == "L":
        return w[0].isupper() and w.lower() not in EN_WORDS
    toks = nlp.tokenize(w)
    if toks[0].pos[0] in ("助詞", "助動詞") or any(
        t.pos[0] == "代名詞" or t.surface in KIN for t in toks
    ):
        return False
    head = "".join(t.surface for t in toks[:-1])
    if len(toks) > 1 and toks[-1].pos[0] == "助詞" and nlp.known_common(head):
        return False
    # a proper noun the dictionary knows (ヤマザキ as a company) can still be a surname
    if nlp.name_capable(w) or (strong and kind != "C") or all(t.pos[1] == "固有名詞" for t in toks):
        return True
    return not nlp.known_common(w)


def _right(t: str, e: int, kind: str, nlp: SudachiNlpEngine, single: bool) -> int:
    for k in _PAIRS[kind]:
        # "Tanabe, Yuji" only after a one-word half (not "Hana Bento, Kawasaki")
        comma = k == "L" and single
        m = re.compile(("(?:, | )(" if comma else " (") + _WORD[k] + ")").match(t, e)
        if not m:
            continue
        w = m.group(1)
        while k == "H" and (tail := _TAIL.search(w)) and tail.start() >= 2:
            w = w[: tail.start()]
        end = m.start(1) + len(w)
        if _TAIL.fullmatch(w) or w.startswith(("さん", "ちゃん", "くん", "さま")):
            continue
        if _AFTER.match(t, end) and _namey(w, k, nlp, kind == "C"):
            return end
    return e


def _left(t: str, s: int, kind: str, nlp: SudachiNlpEngine) -> int:
    for k, allowed in _PAIRS.items():
        if kind not in allowed:
            continue
        sep = "(?:, | )" if k == "L" else " "
        m = re.compile(f"(?<![{_NOT[k]}])(" + _WORD[k] + ")" + sep + "$").search(
            t, max(0, s - 16), s
        )
        if m and _namey(m.group(1), k, nlp, k == "C"):
            return m.start(1)
    return s


# a branch written after an organisation: ミツバ石油 北町SS, 〇〇ストア 駅前店, 〇〇工業 厚木工場
_BRANCH = re.compile(
    r" [一-龥ァ-ヺー]{1,8}(?:支店|店|営業所|工場|SS|出張所|支社|本社|事業所|センター|教室|校)(?![一-龥ァ-ヺ])"
)


# the facility type written before an organisation's name is part of it (小規模多機能|ホームこもれび,
# 介護付き|有料老人ホームさざなみ, 就労継続支援B型事業所 |あおぞら工房); across a space only after a type head
_TYPE_BEFORE = re.compile(
    r"(?<![一-龥ァ-ヺーA-Za-z])(?:[一-龥ァ-ヺーA-Z]{1,14}(?:事業所|施設|サービス|サポート校|センター|ステーション) "
    r"|[一-龥ァ-ヺーA-Z]{2,10}(?:多機能|付き|ヘルパー|型)?)$"
)


_TYPE_HEADS = (
    "事業所",
    "施設",
    "サービス",
    "サポート校",
    "センター",
    "ステーション",
    "多機能",
    "付き",
    "ヘルパー",
    "支援A型",
    "支援B型",
)


def _type_before(t: str, s: int, prev_end: int) -> int:
    m = _TYPE_BEFORE.search(t, max(prev_end, s - 24), s)
    if not m or m.start() == s:
        return s
    word = m.group().strip()
    # only a type: a word ending in a type head, or glued to a span that starts with one
    if word.endswith(_TYPE_HEADS):
        return m.start()
    return s


def extend_pairs(spans: list[Span], t: str, nlp: SudachiNlpEngine) -> list[Span]:
    out: list[Span] = []
    for n, (etype, s, e, score) in enumerate(spans):
        next_start = spans[n + 1][1] if n + 1 < len(spans) else len(t)
        if etype == "ORG" and (b := _BRANCH.match(t, e)) and b.end() <= next_start:
            e = b.end()
        if etype == "ORG":
            s = _type_before(t, s, out[-1][2] if out else 0)
        kind = _kind(t[s:e].replace(" ", ""))
        # one half only, except a Latin name that may have three parts (NGUYEN Van Duc)
        if etype == "PERSON" and kind and (" " not in t[s:e].strip() or kind == "L"):
            prev_end = out[-1][2] if out else 0
            single = " " not in t[s:e].strip()
            ns, ne = _left(t, s, kind, nlp), _right(t, e, kind, nlp, single)
            s = ns if ns >= prev_end else s
            e = ne if ne <= next_start else e
        out.append((etype, s, e, score))
    return out
