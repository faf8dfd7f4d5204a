"""The small text classifier beside the triage rules (DOMAIN.md §4: keywords + classifier).

Pure Python, standard library only: loads `flows/triage_model.json` once and scores the
normalised text of one message (`flows.triage.normalise_ja`). The file is written by
`python -m flows.triage_train` (scikit-learn, a dev dependency) from the labelled dev and
unseen sets: character 1–4-grams, sublinear TF-IDF with L2 norm, then two logistic
regressions: a level head (P0 / P1 / other) and a category head (the P0/P1 categories of
CRISIS.md). The thresholds in the file were chosen by cross-validation on the training data.

No I/O besides reading the model file once; the text is never kept or logged.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

MODEL_PATH = Path(__file__).resolve().parent / "triage_model.json"
P0_CATEGORIES: tuple[str, ...] = (
    "suicide_imminent",
    "harm_others",
    "medical_emergency",
    "violence_now",
)
P1_CATEGORIES: tuple[str, ...] = (
    "suicidal_ideation",
    "self_harm",
    "violence_home",
    "elder_abuse",
    "neglect",
    "lifeline",
)


def ngrams(text: str, low: int = 1, high: int = 4) -> list[str]:
    """The character n-grams of an already normalised text (the trainer uses this too)."""
    out: list[str] = []
    for n in range(low, high + 1):
        out.extend(text[i : i + n] for i in range(len(text) - n + 1))
    return out


@dataclass(frozen=True)
class Model:
    low: int
    high: int
    idf: dict[str, float]
    levels: tuple[str, ...]
    level_coef: dict[str, list[float]]
    level_intercept: tuple[float, ...]
    categories: tuple[str, ...]
    category_coef: dict[str, list[float]]
    category_intercept: tuple[float, ...]
    thresholds: dict[str, float]
    training_data: dict[str, str]


@dataclass(frozen=True)
class Scores:
    """Probabilities of one message: level head (P0, P1, other) and category head."""

    levels: dict[str, float]
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
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    return Model(
        low=int(raw["ngram_range"][0]),
        high=int(raw["ngram_range"][1]),
        idf={k: float(v) for k, v in raw["idf"].items()},
        levels=tuple(raw["levels"]),
        level_coef=raw["level_coef"],
        level_intercept=tuple(raw["level_intercept"]),
        categories=tuple(raw["categories"]),
        category_coef=raw["category_coef"],
        category_intercept=tuple(raw["category_intercept"]),
        thresholds={k: float(v) for k, v in raw["thresholds"].items()},
        training_data=dict(raw["training_data"]),
    )


def features(model: Model, text: str) -> dict[str, float]:
    """Sublinear TF-IDF, L2-normalised over the whole vocabulary (as scikit-learn does)."""
    counts = Counter(g for g in ngrams(text, model.low, model.high) if g in model.idf)
    x = {g: (1.0 + math.log(c)) * model.idf[g] for g, c in counts.items()}
    norm = math.sqrt(sum(v * v for v in x.values()))
    if norm == 0.0:
        return {}
    return {g: v / norm for g, v in x.items()}


def _head(
    x: dict[str, float], coef: dict[str, list[float]], intercept: tuple[float, ...]
) -> list[float]:
    logits = list(intercept)
    k = len(logits)
    for g, v in x.items():
        w = coef.get(g)
        if w is not None:
            for i in range(k):
                logits[i] += v * w[i]
    return _softmax(logits)


def score(normalised: str, model: Model | None = None) -> Scores | None:
    """Scores of one normalised message, or `None` without a model file."""
    model = model or load()
    if model is None:
        return None
    x = features(model, normalised)
    levels = _head(x, model.level_coef, model.level_intercept)
    cats = _head(x, model.category_coef, model.category_intercept)
    return Scores(
        dict(zip(model.levels, levels, strict=True)), dict(zip(model.categories, cats, strict=True))
    )
