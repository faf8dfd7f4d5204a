"""The analyzer: normalise, tokenise once with Sudachi, run every registered recognizer, resolve.

Offsets found on the normalised text are mapped back to the original with :mod:`pii.normalize`.
Overlaps are resolved here (best score, then longest), and a surname and a given name split by a
space become one span.
"""

from __future__ import annotations

import re

from pii.model import NameModel
from pii.name_pairs import extend_pairs
from pii.nlp import SudachiNlpEngine
from pii.normalize import normalize
from pii.recognizers import REGISTRY

Span = tuple[str, int, int, float]

# a name that heads a term is not a person: パーキンソン病, バセドウ病, アルツハイマー型, 長谷川式,
# ノーベル賞, Kawasaki Station / Line / Hospital
_TERM_AFTER = re.compile(
    r"(?:病|症|症候群|式|型|氏病|賞|効果|の法則|体操|療法|検査)"
    r"| (?:Station|Line|Hospital|Clinic|Park|Street|Bridge|Mall|Airport|University|Syndrome|Disease)\b"
)


class JapaneseAnalyzer:
    """Find PII spans in Japanese (and English) consultation text; offsets on the original text."""

    def __init__(self) -> None:
        self.nlp_engine = SudachiNlpEngine()
        self.nlp_engine.load()
        self.recognizers = REGISTRY
        self.model = NameModel.load()

    def analyze(self, text: str) -> list[Span]:
        if not text or not text.strip():
            return []
        norm = normalize(text)
        art = self.nlp_engine.artifacts(norm.text, norm.digits)
        hits: list[Span] = []
        for rec in self.recognizers:
            hits.extend(rec.analyze(art))
        if self.model is not None:
            hits.extend(self.model.tag(art))
        hits = [h for h in hits if not (h[0] == "PERSON" and _TERM_AFTER.match(norm.text, h[2]))]
        spans = extend_pairs(resolve(hits, norm.text), norm.text, self.nlp_engine)
        out: list[Span] = []
        for etype, s, e, score in spans:
            os_, oe = norm.to_original(s, e)
            if oe > os_:
                out.append((etype, os_, oe, round(score, 2)))
        return out


def resolve(spans: list[Span], text: str) -> list[Span]:
    """Keep the best non-overlapping spans; merge a surname and a given name split by a space."""
    cleaned: list[Span] = []
    for etype, s, e, score in spans:
        while s < e and text[s] in " \t\n":
            s += 1
        while e > s and text[e - 1] in " \t\n":
            e -= 1
        if e > s:
            cleaned.append((etype, s, e, score))
    chosen: list[Span] = []
    for span in sorted(cleaned, key=lambda x: (-x[3], -(x[2] - x[1]), x[1])):
        etype, s, e, _ = span
        hits = [k for k, (_, cs, ce, _) in enumerate(chosen) if s < ce and cs < e]
        if not hits:
            chosen.append(span)
            continue
        # a weaker span of the same type that contains one chosen span widens it (今井 トメ over トメさん,
        # マイケル・オコナー over オコナーさん, 法人 … ホーム over ホーム 松風園)
        if len(hits) == 1 and etype in ("PERSON", "ORG", "ADDRESS") and chosen[hits[0]][0] == etype:
            ct, cs, ce, csc = chosen[hits[0]]
            # an organisation found in two overlapping pieces is one (大和冷機工業株式会社 + 株式会社
            # 厚木工場); other types widen only over a span they contain
            if not (s <= cs and ce <= e) and etype != "ORG":
                continue
            ns, ne = min(s, cs), max(e, ce)
            if not any(
                k != hits[0] and ns < oe and os_ < ne for k, (_, os_, oe, _) in enumerate(chosen)
            ):
                chosen[hits[0]] = (ct, ns, ne, csc)
    chosen.sort(key=lambda x: x[1])
    merged: list[Span] = []
    for span in chosen:
        if merged:
            pt, ps, pe, psc = merged[-1]
            gap = text[pe : span[1]]
            if (
                pt == span[0]
                and pt in ("PERSON", "ADDRESS", "ORG")
                and (
                    gap == ""
                    or (gap == " " and pt != "ORG")
                    # レ・ヴァン・ホア, サントス・みゆき: the parts of one name found apart
                    or (gap in ("・", "=", "＝") and pt == "PERSON")
                )
            ):
                merged[-1] = (pt, ps, span[2], max(psc, span[3]))
                continue
        merged.append(span)
    return merged
