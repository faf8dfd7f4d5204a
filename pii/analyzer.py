"""Presidio ``AnalyzerEngine`` for Japanese with Sudachi and the recognizers of :mod:`pii.recognizers`.

The engine is stock Presidio (recognizer registry, ``RecognizerResult``, duplicate removal); only the
NLP engine is replaced (:class:`pii.nlp.SudachiNlpEngine`, no spaCy model is loaded) and the lemma
context enhancer is switched off because the Japanese recognizers apply their own context rules
(a lemma enhancer would need spaCy lemmas and costs time on every message).
"""

from __future__ import annotations

import os

os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")  # never fetch anything at runtime

from presidio_analyzer import AnalyzerEngine, RecognizerRegistry, RecognizerResult
from presidio_analyzer.context_aware_enhancers import ContextAwareEnhancer
from presidio_analyzer.nlp_engine import NlpArtifacts

from pii.nlp import SudachiNlpEngine
from pii.normalize import normalize
from pii.recognizers import build_recognizers

ENTITY_TYPES = ("PERSON", "PHONE", "EMAIL", "LINE_ID", "ADDRESS", "POSTAL_CODE", "MY_NUMBER",
                "BIRTH_DATE", "ORG", "ACCOUNT", "URL")

Span = tuple[str, int, int, float]


class _NoContextEnhancer(ContextAwareEnhancer):
    """The recognizers score with their own Japanese context rules; nothing to add here."""

    def __init__(self) -> None:
        super().__init__(context_similarity_factor=0, min_score_with_context_similarity=0,
                         context_prefix_count=0, context_suffix_count=0)

    def enhance_using_context(self, text: str, raw_results: list[RecognizerResult],
                              nlp_artifacts: NlpArtifacts, recognizers: list, context: list[str] | None = None
                              ) -> list[RecognizerResult]:
        return raw_results


class JapaneseAnalyzer:
    """Find PII spans in Japanese (and English) consultation text; offsets on the original text."""

    def __init__(self) -> None:
        self.nlp_engine = SudachiNlpEngine()
        self.nlp_engine.load()
        registry = RecognizerRegistry(supported_languages=["ja"])
        for rec in build_recognizers(self.nlp_engine):
            registry.add_recognizer(rec)
        self.engine = AnalyzerEngine(registry=registry, nlp_engine=self.nlp_engine,
                                     supported_languages=["ja"],
                                     context_aware_enhancer=_NoContextEnhancer())

    def analyze(self, text: str) -> list[Span]:
        if not text or not text.strip():
            return []
        norm = normalize(text)
        artifacts = self.nlp_engine.artifacts(norm.text, norm.digits)
        results = self.engine.analyze(norm.text, language="ja", nlp_artifacts=artifacts,
                                      entities=list(ENTITY_TYPES))
        spans = resolve([(r.entity_type, r.start, r.end, r.score) for r in results], norm.text)
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
            if not (s <= cs and ce <= e):
                continue
            ns, ne = s, e
            if not any(k != hits[0] and ns < oe and os_ < ne for k, (_, os_, oe, _) in enumerate(chosen)):
                chosen[hits[0]] = (ct, ns, ne, csc)
    chosen.sort(key=lambda x: x[1])
    merged: list[Span] = []
    for span in chosen:
        if merged:
            pt, ps, pe, psc = merged[-1]
            gap = text[pe : span[1]]
            if pt == span[0] and pt in ("PERSON", "ADDRESS", "ORG") and (gap == "" or (gap == " " and pt != "ORG")):
                merged[-1] = (pt, ps, span[2], max(psc, span[3]))
                continue
        merged.append(span)
    return merged
