"""The trained triage model: scores each sentence of a message in its context.

`flows/triage_model.json` is written by `python -m flows.triage_train` (scikit-learn, a dev
dependency) from the labelled corpora; this module only reads it and scores, in pure Python.

Features of one unit (a sentence, or a window over a long one; see `flows.triage_units`):
- character 2–4-grams of its Japanese matching form (`normalise_ja`: NFKC, hiragana, net-slang
  死), which carry typos, kana-only writing and obfuscation;
- Sudachi lemmas and lemma bigrams (しにたい, 死にたい and 死にたく all give 死ぬ, 死ぬ_たい),
  which carry conjugation, negation (たい_ない) and tense (た);
- English word 1–2-grams for messages written in English;
- the lemmas of the neighbouring sentences, prefixed, as context (昔は, 今は元気, 「…」と言った).
Sublinear TF-IDF, L2 norm, then two logistic regressions: the level head (P0 / P1 / other) and
the category head (the P0/P1 categories of CRISIS.md). A message scores as its most dangerous
unit. The decision thresholds live with the final step (`flows.triage_meta`, under "meta"); the
file's top-level "thresholds" only describe the model alone (the trainer's report).

No I/O besides reading the model file once; the text is never kept or logged.
"""

from __future__ import annotations

import itertools
import json
import math
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from flows.triage_meta import P0_CATEGORIES, P1_CATEGORIES, Meta
from flows.triage_units import Unit, sentences, units

__all__ = ["P0_CATEGORIES", "P1_CATEGORIES", "Doc", "Model", "Scores", "load", "score"]

MODEL_PATH = Path(__file__).resolve().parent / "triage_model.json"
FORMAT = 2
_SKIP_POS = frozenset({"補助記号", "空白", "記号"})
_EN_WORD = re.compile(r"[a-z]+")
_LATIN = re.compile(r"[A-Za-z]")


def ngrams(text: str, low: int = 1, high: int = 4) -> list[str]:
    """The character n-grams of an already normalised text."""
    out: list[str] = []
    for n in range(low, high + 1):
        out.extend(text[i : i + n] for i in range(len(text) - n + 1))
    return out


Lemma = tuple[int, str]  # (offset within its sentence's lemma text, lemma)


@lru_cache(maxsize=1)
def _tokenizer() -> Callable[[str], list[Lemma]]:
    from sudachipy import dictionary, tokenizer

    tok = dictionary.Dictionary(dict="core").tokenizer(mode=tokenizer.Tokenizer.SplitMode.C)

    def lemmas(text: str) -> list[Lemma]:
        if not text:
            return []
        return [
            (m.begin(), m.normalized_form())
            for m in tok.tokenize(text[:10000])
            if m.part_of_speech()[0] not in _SKIP_POS
        ]

    return lemmas


@dataclass(frozen=True)
class Doc:
    """One message read once: its sentences and each sentence's lemmas."""

    text: str
    spans: list[tuple[int, int]]
    lemmas: list[list[Lemma]]

    @classmethod
    def read(cls, text: str, *, whole: bool = False) -> Doc:
        from flows.triage import lemma_form

        spans = [(0, len(text))] if whole else sentences(text)
        lemmatise = _tokenizer()
        return cls(text, spans, [lemmatise(lemma_form(text[s:e])) for s, e in spans])


def unit_tokens(doc: Doc, unit: Unit) -> list[str]:
    """The feature tokens of one unit of a message (the trainer uses exactly this)."""
    from flows.triage import normalise_en, normalise_ja

    core = doc.text[unit.start : unit.end]
    tokens = ngrams(normalise_ja(core), 2, 4)
    s_start = doc.spans[unit.index][0]
    lemmas = [
        w
        for at, w in doc.lemmas[unit.index]
        if not unit.window or unit.start <= s_start + at < unit.end
    ]
    tokens += ["L:" + w for w in lemmas]
    tokens += ["B:" + a + "_" + b for a, b in itertools.pairwise(lemmas)]
    if _LATIN.search(core):
        words = _EN_WORD.findall(normalise_en(core))
        tokens += ["W:" + w for w in words]
        tokens += ["W2:" + a + "_" + b for a, b in itertools.pairwise(words)]
    for neighbour in (unit.index - 1, unit.index + 1):
        if 0 <= neighbour < len(doc.spans):
            tokens += ["C:" + w for _, w in doc.lemmas[neighbour]]
    return tokens


@dataclass(frozen=True)
class Model:
    idf: dict[str, float]
    levels: tuple[str, ...]
    level_coef: dict[str, list[float]]
    level_intercept: tuple[float, ...]
    categories: tuple[str, ...]
    category_coef: dict[str, list[float]]
    category_intercept: tuple[float, ...]
    version: str
    training_data: dict[str, str]
    meta: Meta | None  # the final step over rules + model (flows.triage_meta)


@dataclass(frozen=True)
class Scores:
    """The most dangerous unit of one message and its probabilities."""

    p0: float  # P(P0) of the unit with the highest P(P0)
    p01: float  # P(P0)+P(P1) of the unit with the highest sum
    span: tuple[int, int]  # that unit, on the original text's offsets
    categories: dict[str, float]

    def best_category(self, allowed: tuple[str, ...]) -> str:
        return max(allowed, key=lambda c: self.categories.get(c, 0.0))


def _softmax(logits: list[float]) -> list[float]:
    top = max(logits)
    exps = [math.exp(v - top) for v in logits]
    total = sum(exps)
    return [v / total for v in exps]


@lru_cache(maxsize=1)
def load(path: Path = MODEL_PATH) -> Model | None:
    """The model, read once; `None` when the file is missing (the rules then work alone)."""
    try:
        raw: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    if raw.get("format") != FORMAT:
        return None
    return Model(
        idf={k: float(v) for k, v in raw["idf"].items()},
        levels=tuple(raw["levels"]),
        level_coef=raw["level_coef"],
        level_intercept=tuple(raw["level_intercept"]),
        categories=tuple(raw["categories"]),
        category_coef=raw["category_coef"],
        category_intercept=tuple(raw["category_intercept"]),
        version=str(raw["version"]),
        training_data=dict(raw["training_data"]),
        meta=Meta.from_json(raw["meta"]) if "meta" in raw else None,
    )


def vectorise(idf: dict[str, float], tokens: list[str]) -> dict[str, float]:
    """Sublinear TF-IDF, L2-normalised (as scikit-learn does)."""
    counts = Counter(t for t in tokens if t in idf)
    x = {t: (1.0 + math.log(c)) * idf[t] for t, c in counts.items()}
    norm = math.sqrt(sum(v * v for v in x.values()))
    if norm == 0.0:
        return {}
    return {t: v / norm for t, v in x.items()}


def _head(
    x: dict[str, float], coef: dict[str, list[float]], intercept: tuple[float, ...]
) -> list[float]:
    logits = list(intercept)
    k = range(len(logits))
    get = coef.get
    for t, v in x.items():
        w = get(t)
        if w is not None:
            for i in k:
                logits[i] += v * w[i]
    return _softmax(logits)


def _fused(model: Model) -> dict[str, tuple[float, float, float, float]]:
    """idf and the three level weights of each token in one tuple: one lookup per token."""
    cached = _FUSED.get(id(model))
    if cached is None:
        zero = [0.0, 0.0, 0.0]
        cached = {
            t: (idf, *model.level_coef.get(t, zero)[:3])  # type: ignore[misc]
            for t, idf in model.idf.items()
        }
        _FUSED[id(model)] = cached
    return cached


_FUSED: dict[int, dict[str, tuple[float, float, float, float]]] = {}


def unit_levels(model: Model, doc: Doc) -> list[tuple[Unit, dict[str, float]]]:
    """Level probabilities of every unit of a message (TF-IDF, L2 norm and the level head
    fused into one pass over the unit's tokens; the same arithmetic as `vectorise` + `_head`)."""
    fused = _fused(model)
    b0, b1, b2 = model.level_intercept
    log = math.log
    out = []
    for unit in units(doc.text):
        counts = Counter(unit_tokens(doc, unit))
        a0 = a1 = a2 = norm2 = 0.0
        for t, c in counts.items():
            w = fused.get(t)
            if w is None:
                continue
            v = (1.0 + log(c)) * w[0] if c > 1 else w[0]
            norm2 += v * v
            a0 += v * w[1]
            a1 += v * w[2]
            a2 += v * w[3]
        norm = math.sqrt(norm2) or 1.0
        probs = _softmax([b0 + a0 / norm, b1 + a1 / norm, b2 + a2 / norm])
        out.append((unit, dict(zip(model.levels, probs, strict=True))))
    return out


def score(text: str, model: Model | None = None) -> Scores | None:
    """Scores of one raw message, or `None` without a model file or without any unit."""
    model = model or load()
    if model is None:
        return None
    doc = Doc.read(text)
    scored = unit_levels(model, doc)
    if not scored:
        return None
    top0 = max(scored, key=lambda u: u[1]["P0"])
    top = max(scored, key=lambda u: u[1]["P0"] + u[1]["P1"])
    x = vectorise(model.idf, unit_tokens(doc, top[0]))
    cats = _head(x, model.category_coef, model.category_intercept)
    return Scores(
        p0=top0[1]["P0"],
        p01=top[1]["P0"] + top[1]["P1"],
        span=(top[0].start, top[0].end),
        categories=dict(zip(model.categories, cats, strict=True)),
    )
