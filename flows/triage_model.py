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
FORMAT = 3
# The file stores weights as integers in these steps (compact JSON): idf and level weights in
# thousandths (the trainer's rounding), category weights in hundredths.
STEPS = {"idf": 0.001, "level": 0.001, "category": 0.01}
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
    ja = normalise_ja(core)
    tokens = ngrams(ja, 2, 4)
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

    def reading(self) -> str:
        """The most likely P0/P1 category of the most dangerous unit."""
        return self.best_category(P0_CATEGORIES + P1_CATEGORIES)


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
    tokens: list[str] = raw["tokens"]
    idf, lv, cat = STEPS["idf"], STEPS["level"], STEPS["category"]
    model = Model(
        idf={t: v * idf for t, v in zip(tokens, raw["idf"], strict=True)},
        levels=tuple(raw["levels"]),
        level_coef={
            t: [w * lv for w in ws] for t, ws in zip(tokens, raw["level_coef"], strict=True)
        },
        level_intercept=tuple(raw["level_intercept"]),
        categories=tuple(raw["categories"]),
        category_coef={
            tokens[i]: [w * cat for w in ws]
            for i, ws in zip(raw["category_rows"], raw["category_coef"], strict=True)
        },
        category_intercept=tuple(raw["category_intercept"]),
        version=str(raw["version"]),
        training_data=dict(raw["training_data"]),
        meta=Meta.from_json(raw["meta"]) if "meta" in raw else None,
    )
    _tables(model)  # built now, not on the first message
    return model


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


@dataclass(frozen=True)
class _Tables:
    """The model's weights as one tuple per token, so a unit's sums are taken in C: `level`
    holds (idf², idf·w) for every token with an idf (the norm needs them all), `category`
    holds idf·w for the tokens the category head keeps."""

    level: dict[str, tuple[float, ...]]
    category: dict[str, tuple[float, ...]]


def _tables(model: Model) -> _Tables:
    cached = _TABLES.get(id(model))
    if cached is None:
        zero = [0.0] * len(model.levels)
        level = {
            t: (idf * idf, *(idf * w for w in model.level_coef.get(t, zero)))
            for t, idf in model.idf.items()
        }
        category = {
            t: tuple(model.idf[t] * w for w in ws)
            for t, ws in model.category_coef.items()
            if t in model.idf
        }
        cached = _TABLES[id(model)] = _Tables(level, category)
    return cached


_TABLES: dict[int, _Tables] = {}
_ONE = 1


def _sums(
    table: dict[str, tuple[float, ...]], counts: Counter[str], repeats: list[str], *, square: bool
) -> list[float] | None:
    """Column sums of the rows of the tokens present, each token weighted by its sublinear TF
    1 + log(count): every token once (summed in C, in the tokens' order: reproducible), then
    the few repeated ones topped up. `square`: the first column is idf², topped up as a square."""
    rows = list(filter(None, map(table.get, counts)))
    if not rows:
        return None
    sums = [sum(col) for col in zip(*rows, strict=True)]
    for t in repeats:
        row = table.get(t)
        if row is None:
            continue
        f = math.log(counts[t])  # (1 + log c) - 1: the top-up over the one already counted
        for i, w in enumerate(row):
            sums[i] += w * ((1.0 + f) ** 2 - 1.0 if square and i == 0 else f)
    return sums


def _counted(tokens: list[str]) -> tuple[Counter[str], list[str]]:
    counts = Counter(tokens)
    if len(counts) == len(tokens):
        return counts, []
    return counts, list(itertools.compress(counts, map(_ONE.__lt__, counts.values())))


class _Tokens:
    """The token pieces of a message that several units share, built once per sentence: its
    lemma and bigram tokens and the context tokens its neighbours lend (`unit_tokens` builds
    the same list from scratch)."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.own = [
            ["L:" + w for _, w in ls]
            + ["B:" + a[1] + "_" + b[1] for a, b in itertools.pairwise(ls)]
            for ls in doc.lemmas
        ]
        self.context = [["C:" + w for _, w in ls] for ls in doc.lemmas]

    def of(self, unit: Unit) -> list[str]:
        from flows.triage import normalise_en, normalise_ja

        doc = self.doc
        core = doc.text[unit.start : unit.end]
        ja = normalise_ja(core)
        tokens = ngrams(ja, 2, 4)
        if unit.window:
            s_start = doc.spans[unit.index][0]
            lemmas = [
                w for at, w in doc.lemmas[unit.index] if unit.start <= s_start + at < unit.end
            ]
            tokens += ["L:" + w for w in lemmas]
            tokens += ["B:" + a + "_" + b for a, b in itertools.pairwise(lemmas)]
        else:
            tokens += self.own[unit.index]
        if _LATIN.search(core):
            words = _EN_WORD.findall(normalise_en(core))
            tokens += ["W:" + w for w in words]
            tokens += ["W2:" + a + "_" + b for a, b in itertools.pairwise(words)]
        if unit.index > 0:
            tokens += self.context[unit.index - 1]
        if unit.index + 1 < len(self.context):
            tokens += self.context[unit.index + 1]
        return tokens


def unit_levels(
    model: Model, doc: Doc, pieces: _Tokens | None = None
) -> list[tuple[Unit, dict[str, float]]]:
    """Level probabilities of every unit of a message: the same arithmetic as `vectorise` +
    `_head` on `unit_tokens` (sublinear TF-IDF, L2 norm, the level head), each sentence's
    lemmas turned into tokens once and the sums taken in C."""
    table = _tables(model).level
    intercept = model.level_intercept
    pieces = pieces or _Tokens(doc)
    out = []
    for unit in units(doc.text, doc.spans):
        sums = _sums(table, *_counted(pieces.of(unit)), square=True)
        if sums is None:
            logits = list(intercept)
        else:
            norm = math.sqrt(sums[0]) or 1.0
            logits = [b + a / norm for b, a in zip(intercept, sums[1:], strict=True)]
        out.append((unit, dict(zip(model.levels, _softmax(logits), strict=True))))
    return out


def unit_categories(model: Model, tokens: list[str]) -> dict[str, float]:
    """The category head on one unit's tokens (as `vectorise` + `_head`)."""
    tables = _tables(model)
    counts, repeats = _counted(tokens)
    norm_sums = _sums(tables.level, counts, repeats, square=True)
    sums = _sums(tables.category, counts, repeats, square=False)
    logits = list(model.category_intercept)
    if norm_sums is not None and sums is not None:
        norm = math.sqrt(norm_sums[0]) or 1.0
        logits = [b + a / norm for b, a in zip(logits, sums, strict=True)]
    return dict(zip(model.categories, _softmax(logits), strict=True))


def score(text: str, model: Model | None = None) -> Scores | None:
    """Scores of one raw message, or `None` without a model file or without any unit."""
    model = model or load()
    if model is None:
        return None
    doc = Doc.read(text)
    pieces = _Tokens(doc)
    scored = unit_levels(model, doc, pieces)
    if not scored:
        return None
    top0 = max(scored, key=lambda u: u[1]["P0"])
    top = max(scored, key=lambda u: u[1]["P0"] + u[1]["P1"])
    return Scores(
        p0=top0[1]["P0"],
        p01=top[1]["P0"] + top[1]["P1"],
        span=(top[0].start, top[0].end),
        categories=unit_categories(model, pieces.of(top[0])),
    )
