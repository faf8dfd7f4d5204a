"""The learned name and organisation tagger that runs beside the patterns.

An averaged perceptron labels each Sudachi token ``O``, ``B-``/``I-PERSON`` or ``B-``/``I-ORG``
from features a rule writer would use but cannot enumerate: the token and its neighbours, the
dictionary's part of speech (``人名``/``姓``/``名``, ``地名``, ``固有名詞``), whether the dictionary
knows the surface as a name or as an ordinary word, the character type (kanji, hiragana,
katakana, Latin) and length, an honorific or a particle after it, and a kin or label word before it.
Decoding is greedy left to right with the previous label as a feature.

The weights live in ``pii/name_model.json`` (``python -m pii.train`` writes it) with the version,
the training files and the SHA-256 of their contents, so a model can be traced to its data.
Scoring is pure Python: a dict look-up per feature, well under a millisecond per message.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from pii.nlp import SudachiArtifacts, SudachiNlpEngine, Tok
from pii.recognizers._base import Hit
from pii.recognizers.lexicon import BANKISH, HONORIFICS, KANA_STOP, KIN, NOT_NAME, ORG_GENERIC
from pii.recognizers.org_words import ORG_PREFIXES, ORG_SUFFIXES

MODEL_PATH = Path(__file__).with_name("name_model.json")
LABELS = ("O", "B-PERSON", "I-PERSON", "B-ORG", "I-ORG")
_HONORIFIC_SET = frozenset(HONORIFICS) | {"氏", "宛", "殿", "様"}
_LABEL_WORDS = frozenset({"名前", "なまえ", "氏名", "名義", "旧姓", "通称", "担当", "担任", "名"})
# parts of speech that are never inside a name or an organisation (the tagger skips them)
_NEVER = frozenset({"補助記号", "空白", "助動詞", "感動詞", "接続詞"})
_KANA_WORD = re.compile("^[ぁ-ゖァ-ヺー]{2,}$")
_INSIDE_PARTICLES = frozenset({"の", "が", "ケ", "ヶ", "ノ"})
_OPENERS = frozenset("。！？!?「『（(【\"'")
_QUOTES = frozenset("「『（(【\"'")
# a kin word, then a particle or a mark, then the name: 息子は はると / 母の 和子 / 娘: みのり
_KIN_LINK = frozenset({"の", "は", "が", "も", "と", ":", "：", " ", "、", "（", "("})
# naming verbs after a name: X って いい ます / X と 呼ん で / X と 名乗っ て
_NAMING = re.compile(r"^(?:いい|言い|いう|言う|呼|よ|名乗|申し|もうし)")
_ORG_PREFIX_SET = frozenset(ORG_PREFIXES)
_ORG_TAIL = re.compile(
    r"(?:病院|クリニック|医院|学校|高校|中学|大学|園|苑|荘|ホーム|センター|会社|商事|工業|作業所|事業所|薬局|店|会)$"
)


def char_type(s: str) -> str:
    kinds = set()
    for ch in s:
        if "ぁ" <= ch <= "ゖ":
            kinds.add("H")
        elif "ァ" <= ch <= "ヺ" or ch == "ー":
            kinds.add("K")
        elif "一" <= ch <= "龥" or ch in "々〆ヶ":
            kinds.add("C")
        elif ch.isdigit():
            kinds.add("D")
        elif ch.isascii() and ch.isalpha():
            kinds.add("U" if ch.isupper() else "L")
        else:
            kinds.add("S")
    return "".join(sorted(kinds))


def token_features(toks: list[Tok], i: int, nlp: SudachiNlpEngine) -> list[str]:
    """Features of token ``i`` (without the previous label, which decoding adds)."""
    tok = toks[i]
    s = tok.surface
    p = tok.pos
    ct = char_type(s)
    n = len(s)
    prev = toks[i - 1] if i > 0 else None
    nxt = toks[i + 1] if i + 1 < len(toks) else None
    prev2 = toks[i - 2].surface if i > 1 else "<s>"
    next2 = toks[i + 2].surface if i + 2 < len(toks) else "</s>"
    ps = prev.surface if prev is not None else "<s>"
    ns = nxt.surface if nxt is not None else "</s>"
    ppos = prev.pos[0] + prev.pos[1] if prev is not None else "<s>"
    npos = nxt.pos[0] + nxt.pos[1] if nxt is not None else "</s>"
    nc = nlp.name_capable(s) if ct in ("C", "H", "K") else False
    kc = nlp.known_common(s) if ct in ("C", "H", "K") else False
    f = [
        "b",
        "w=" + s,
        "p0=" + p[0],
        "p01=" + p[0] + p[1],
        "p12=" + p[1] + p[2],
        "p3=" + p[3],
        "ct=" + ct,
        f"ctn={ct}{min(n, 5)}",
        f"nc={nc}{kc}{tok.oov}",
        f"nc_ct={nc}{kc}{ct}",
        "last=" + s[-1],
        "first=" + s[0],
        "pw=" + ps,
        "nw=" + ns,
        "pw2=" + prev2,
        "nw2=" + next2,
        "pp=" + ppos,
        "np=" + npos,
        "pw_nw=" + ps + "|" + ns,
        "ct_nw=" + ct + "|" + ns,
        "ct_pw=" + ps + "|" + ct,
        "p12_np=" + p[1] + p[2] + "|" + npos,
    ]
    if ns in _HONORIFIC_SET or ns[:2] in ("さん", "ちゃ", "くん"):
        f.append("hon_next|" + ct)
    if ps in KIN or ps in _LABEL_WORDS:
        f.append("kin_prev|" + ct)
    if i > 1 and toks[i - 2].surface in KIN and ps in ("の", "は", ":", "：", " ", "、"):
        f.append("kin2_prev|" + ps + ct)
    if nxt is not None and nxt.start > tok.end:
        f.append("gap_next")
    if nxt is not None and _ORG_TAIL.search(nxt.surface):
        f.append("orgtail_next|" + ct)
    if _ORG_TAIL.search(s):
        f.append("orgtail")
    if prev is not None and prev.end < tok.start:
        f.append("gap_prev")
    f.extend(_context_features(toks, i, ct))
    return f


def _context_features(toks: list[Tok], i: int, ct: str) -> list[str]:
    """Position, quotes, kin words a few tokens back, naming verbs, script runs, facility types."""
    tok = toks[i]
    s = tok.surface
    prev = toks[i - 1] if i > 0 else None
    nxt = toks[i + 1] if i + 1 < len(toks) else None
    f = []
    if len(s) >= 3:
        f += ["suf2=" + s[-2:], "pre2=" + s[:2]]
    if prev is None or prev.surface in _OPENERS or prev.end < tok.start:
        f.append("open|" + ct)
    if prev is not None and prev.surface in _QUOTES:
        f.append("quote_prev|" + ct)
    # a kin word one or two tokens back, with or without a particle (息子はると, 母の和子)
    for k in (2, 3):
        if (
            i >= k
            and toks[i - k].surface in KIN
            and all(t.surface in _KIN_LINK for t in toks[i - k + 1 : i])
        ):
            f.append(f"kin{k}|" + "".join(t.surface for t in toks[i - k + 1 : i]) + ct)
    if nxt is not None and nxt.surface in ("って", "と", "っていう", "という"):
        after = toks[i + 2].surface if i + 2 < len(toks) else ""
        f.append("naming_next|" + ct if _NAMING.match(after) else "toq_next|" + ct)
    if nxt is not None and nxt.start == tok.end:
        nct = char_type(nxt.surface)
        if nct == ct and ct in ("K", "H", "UL", "U"):
            f.append("same_script_next|" + ct)
        if nxt.surface in ("・", "="):
            f.append("dot_next|" + ct)
    if prev is not None and prev.surface in ("・", "="):
        f.append("dot_prev|" + ct)
    if ct in ("UL", "U") and nxt is not None and char_type(nxt.surface) in ("UL", "U"):
        f.append("latin_pair_next")
    if ct in ("UL", "U") and prev is not None and char_type(prev.surface) in ("UL", "U"):
        f.append("latin_pair_prev")
    for k in (1, 2):
        if i >= k and toks[i - k].surface in _ORG_PREFIX_SET:
            f.append(f"orgtype_prev{k}|" + ct)
    return f


@dataclass(frozen=True)
class NameModel:
    version: int
    data_sha256: str
    weights: dict[str, list[float]]
    threshold: float | None = None

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> NameModel | None:
        if not path.exists():
            return None
        raw = json.loads(path.read_text(encoding="utf-8"))
        return cls(raw["version"], raw["data_sha256"], raw["weights"], raw.get("threshold"))

    def scores(self, feats: list[str], prev_label: str) -> list[float]:
        # unrolled over the five labels: this loop is most of the tagger's time
        get = self.weights.get
        a0 = a1 = a2 = a3 = a4 = 0.0
        for name in feats:
            v = get(name)
            if v is not None:
                a0 += v[0]
                a1 += v[1]
                a2 += v[2]
                a3 += v[3]
                a4 += v[4]
        v = get("prev=" + prev_label)
        if v is not None:
            a0 += v[0]
            a1 += v[1]
            a2 += v[2]
            a3 += v[3]
            a4 += v[4]
        return [a0, a1, a2, a3, a4]

    def tag(self, art: SudachiArtifacts) -> list[Hit]:
        """The spans the analyzer keeps: those at or above the cross-validated threshold."""
        if self.threshold is None:
            return []
        found = self.spans(art, near=True)
        return [(t, s, e, 0.55) for t, s, e, conf in found if conf >= self.threshold]

    def spans(self, art: SudachiArtifacts, margin: float = 0.0, near: bool = False) -> list[Hit]:
        """PERSON/ORG spans on the normalised text with the tagger's confidence (least margin).

        ``near``: score only tokens within a few tokens of a name-like one (:func:`_name_like`);
        every other token is ``O`` unscored. Names sit next to a name-like token, and feature
        extraction is most of the tagger's time."""
        toks = art.toks
        scored = _near_names(art) if near else None
        labels: list[str] = []
        gaps: list[float] = []
        prev = "O"
        for i, tok in enumerate(toks):
            if _skipped(tok) or (scored is not None and i not in scored):
                prev = "O"
                labels.append(prev)
                gaps.append(0.0)
                continue
            sc = self.scores(token_features(toks, i, art.nlp), prev)
            best = max(range(len(LABELS)), key=sc.__getitem__)
            prev = LABELS[best] if sc[best] - sc[0] > margin or best == 0 else "O"
            labels.append(prev)
            gaps.append(sc[best] - sc[0])
        out: list[Hit] = []
        i = 0
        while i < len(toks):
            lab = labels[i]
            if lab == "O":
                i += 1
                continue
            etype = lab[2:]
            j = i + 1
            while j < len(toks) and labels[j] == "I-" + etype and toks[j].start == toks[j - 1].end:
                j += 1
            while j - 1 > i and toks[j - 1].pos[0] == "助詞":
                j -= 1
            if not _plausible(etype, toks[i:j], art.nlp):
                i = j
                continue
            conf = min(gaps[i:j])
            end = toks[j - 1].end
            # Sudachi glues the small っ of っち/って to a kana name (のりこっち, たけって)
            while end > toks[i].start + 1 and art.text[end - 1] in "っッ":
                end -= 1
            # the start of a bank's name glued to its kind (しん|わ信用金庫) is not a person
            glued = re.split(r"[\s、。,()（）]", art.text[end : end + 8], maxsplit=1)[0]
            if BANKISH.search(glued):
                i = j
                continue
            out.append((etype, toks[i].start, end, conf))
            i = j
        return out


def _plausible(etype: str, toks: list[Tok], nlp: SudachiNlpEngine) -> bool:
    """Precision guard: ordinary words alone are not a name (グループホーム, メモリ, 見学)."""
    text = "".join(t.surface for t in toks)
    if text in KIN or text in NOT_NAME or text in KANA_STOP or text in ORG_GENERIC:
        return False
    # a bank or a branch is where the money is, not who someone is (the patterns keep them too)
    if BANKISH.search(text):
        return False
    # a facility type alone is not a name (デイサービス, グループホーム, 病院)
    if etype == "ORG" and (text in ORG_PREFIXES or text in ORG_SUFFIXES):
        return False
    if toks[-1].pos[0] == "助詞":
        return False

    if etype == "ORG":
        return toks[-1].pos[2] not in ("サ変可能", "副詞可能") and any(
            _proper(t, nlp) for t in toks
        )
    # PERSON: some token must look like a name to the dictionary or be unknown to it; a run of
    # ordinary words (薬, 正直, メモリ) is not taken on context alone
    return any(_proper(t, nlp) for t in toks)


def _proper(t: Tok, nlp: SudachiNlpEngine) -> bool:
    """A token that can carry a name: unknown to the dictionary, a proper noun, a dictionary name,
    or kana / Latin letters the dictionary does not know as an ordinary word."""
    s = t.surface
    if t.oov or t.pos[1] == "固有名詞":
        return True
    # the dictionary lists many katakana loanwords (グループ, ホーム) as possible names too
    if nlp.known_common(s) and (char_type(s) == "K" or not nlp.name_capable(s)):
        return False
    # ordinary words that are also read as names (正直, 今): adjectival and adverbial nouns
    if t.pos[2] in ("形状詞可能", "副詞可能") and nlp.known_common(s):
        return False
    return nlp.name_capable(s) or char_type(s) in ("H", "K", "UL", "U")


def _skipped(tok: Tok) -> bool:
    """Tokens the tagger never puts inside a span (labelled O without scoring)."""
    return (
        tok.pos[0] in _NEVER
        or tok.pos[1] == "数詞"
        or (tok.pos[0] == "助詞" and tok.surface not in _INSIDE_PARTICLES)
    )


# the answer depends on the word, not on where it stands: kept per (surface, pos, oov)
_NAME_LIKE: dict[tuple[str, tuple[str, ...], bool], bool] = {}
_NAME_LIKE_MAX = 65536


def _name_like(t: Tok, nlp: SudachiNlpEngine) -> bool:
    key = (t.surface, t.pos, t.oov)
    found = _NAME_LIKE.get(key)
    if found is None:
        if len(_NAME_LIKE) >= _NAME_LIKE_MAX:
            _NAME_LIKE.clear()
        found = _NAME_LIKE[key] = _decide_name_like(t, nlp)
    return found


def _decide_name_like(t: Tok, nlp: SudachiNlpEngine) -> bool:
    """A token a name could be made of: a noun, an unknown word or a kana word that :func:`_proper` accepts;
    Latin letters only with a capital (Fumiko, SATO), not lower-case English words."""
    if _skipped(t):
        return False
    # a noun, or kana Sudachi read as a verb or an adjective (みのり, ゆたか)
    if not (t.oov or t.pos[0] in ("名詞", "接尾辞", "接頭辞") or _KANA_WORD.match(t.surface)):
        return False
    if t.surface.isascii() and not t.surface[:1].isupper():
        return False
    return _proper(t, nlp)


# how far from a name-like token the tagger still scores (a name is at most a few tokens long)
_BEFORE, _AFTER = 3, 4


def _near_names(art: SudachiArtifacts) -> set[int]:
    """Indices of the tokens within reach of a name-like token; empty for most messages, which
    then skip the tagger entirely. The spans lost this way are measured in benchmarks/pii/."""
    out: set[int] = set()
    for i, t in enumerate(art.toks):
        if _name_like(t, art.nlp):
            out.update(range(i - _BEFORE, i + _AFTER + 1))
    return out


def has_candidate(art: SudachiArtifacts) -> bool:
    """Whether the message has a name-like token at all (else the tagger does not run)."""
    return any(_name_like(t, art.nlp) for t in art.toks)
