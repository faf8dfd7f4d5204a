"""Fit the final triage step (`flows.triage_meta`) and choose its thresholds (dev tool).

Called by `python -m flows.triage_train` after the sentence model's out-of-fold scores exist.
Only blind-written messages train it: the rules were tuned on the older sets, so on those their
hits look more reliable than they are on new wording.

Thresholds, chosen by simulating `flows.triage_meta.decide` on 5-fold out-of-fold
probabilities of this step itself:
- `p0`, `raise`: without a rule hit, P(P0) / P(P0)+P(P1) at or above them is P0 / P1 — at most
  `MAX_FALSE_P0` / `MAX_FALSE_RAISE` of the P2/NONE messages (and of the look-alikes) reach them;
- `doubt_p0`, `doubt_p1`: a rule hit in a message of two sentences or more whose P(P0)+P(P1) is
  below them becomes a question — at most `DOUBT_LOSS_P0` / `DOUBT_LOSS_P1` of the true hits;
- `ask_p0`: P(P0) at or above it asks — at most `MAX_ASK_P0` of the P2/NONE messages;
- `ask`: P(P0)+P(P1) at or above it asks — the highest value that catches `CATCH_P0` of the P0
  and `CATCH_P01` of the P0/P1 messages (raised or asked), unless that would ask more than
  `MAX_ASK` of the P2/NONE messages.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from flows.triage_meta import FEATURES, Evidence, Meta, decide_from, features, has_context

C_META = 1.0
MAX_FALSE_P0 = 0.005
MAX_FALSE_RAISE = 0.01
MAX_ASK_P0 = 0.05
DOUBT_LOSS_P0 = 0.05  # share of true rule P0 hits (with context) a doubt may turn into a question
DOUBT_LOSS_P1 = 0.15
CATCH_P0 = 0.985
CATCH_P01 = 0.96
MAX_ASK = 0.2
DIGITS = 4


def _matrix(evidence: Sequence[Evidence]) -> Any:
    import numpy as np

    return np.array([[features(e)[f] for f in FEATURES] for e in evidence], dtype=float)


def fit(evidence: Sequence[Evidence], labels: Sequence[str]) -> dict[str, Any]:
    """Standardised multinomial logistic regression; returns the JSON-ready weights."""
    from sklearn.linear_model import LogisticRegression

    x = _matrix(evidence)
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    clf = LogisticRegression(C=C_META, class_weight="balanced", max_iter=5000)
    clf.fit((x - mean) / scale, list(labels))
    return {
        "classes": [str(c) for c in clf.classes_],
        "mean": {f: round(float(m), DIGITS) for f, m in zip(FEATURES, mean, strict=True)},
        "scale": {f: round(float(s), DIGITS) for f, s in zip(FEATURES, scale, strict=True)},
        "coef": {
            f: [round(float(w), DIGITS) for w in clf.coef_[:, i]] for i, f in enumerate(FEATURES)
        },
        "intercept": [round(float(b), DIGITS) for b in clf.intercept_],
        "thresholds": {},
    }


def _lowest(negatives: list[float], share: float) -> float:
    ranked = sorted(negatives, reverse=True)
    allowed = int(share * len(ranked))
    return ranked[allowed] + 1e-6 if allowed < len(ranked) else 0.0


def _highest(positives: list[float], share: float) -> float:
    """The highest threshold that leaves at most `share` of the positives below it."""
    ranked = sorted(positives)
    allowed = int(share * len(ranked))
    return ranked[allowed] - 1e-6 if allowed < len(ranked) else 1.0


@dataclass(frozen=True)
class Case:
    probs: dict[str, float]
    evidence: Evidence
    label: str  # P0 / P1 / other
    hard: bool


def simulate(cases: Sequence[Case], th: dict[str, float]) -> dict[str, float]:
    """What `decide` does with these thresholds: the shares the issue measures."""
    decisions = [(c, decide_from(c.probs, c.evidence, th)) for c in cases]
    p0 = [d for c, d in decisions if c.label == "P0"]
    p01 = [d for c, d in decisions if c.label != "other"]
    neg = [d for c, d in decisions if c.label == "other"]
    look = [d for c, d in decisions if c.label == "other" and c.hard]
    return {
        "p0_caught": sum(d.level == "P0" or d.ask for d in p0) / max(len(p0), 1),
        "p01_caught": sum(d.level is not None or d.ask for d in p01) / max(len(p01), 1),
        "p0_raised": sum(d.level == "P0" for d in p0) / max(len(p0), 1),
        "look_raised": sum(d.level is not None for d in look) / max(len(look), 1),
        "asked": sum(d.level is None and d.ask for d in neg) / max(len(neg), 1),
    }


def choose_thresholds(cases: Sequence[Case]) -> dict[str, float]:
    """Sure levels first (few false raises), doubts that keep almost every true rule hit,
    then the lowest asking that still catches `CATCH_P0` / `CATCH_P01`."""
    free = [c for c in cases if c.evidence.rule_level not in ("P0", "P1")]
    others = [c.probs for c in free if c.label == "other"]
    hards = [c.probs for c in free if c.label == "other" and c.hard]
    th = {
        "p0": _lowest([p["P0"] for p in others], MAX_FALSE_P0),
        "raise": max(
            _lowest([p["P0"] + p["P1"] for p in others], MAX_FALSE_RAISE),
            _lowest([p["P0"] + p["P1"] for p in hards], MAX_FALSE_RAISE),
        ),
        "ask_p0": _lowest([c.probs["P0"] for c in cases if c.label == "other"], MAX_ASK_P0),
    }
    for level, key, keep in (("P0", "doubt_p0", DOUBT_LOSS_P0), ("P1", "doubt_p1", DOUBT_LOSS_P1)):
        true_hits = [
            c.probs["P0"] + c.probs["P1"]
            for c in cases
            if c.evidence.rule_level == level and c.label != "other" and has_context(c.evidence)
        ]
        th[key] = _highest(true_hits, keep)
    candidates = sorted({round(c.probs["P0"] + c.probs["P1"], 4) for c in cases}, reverse=True)
    th["ask"] = th["raise"]
    for candidate in candidates:
        th["ask"] = candidate
        figures = simulate(cases, th)
        if figures["p0_caught"] >= CATCH_P0 and figures["p01_caught"] >= CATCH_P01:
            break
        if figures["asked"] > MAX_ASK:
            break
    return {k: round(v, 4) for k, v in th.items()}


def train(
    evidence: Sequence[Evidence], labels: Sequence[str], hard: Sequence[bool]
) -> tuple[dict[str, Any], str]:
    """Out-of-fold probabilities for the thresholds, then the final fit on everything."""
    from sklearn.model_selection import StratifiedKFold

    probs: list[dict[str, float]] = [{}] * len(evidence)
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=1)
    strata = [y + ("h" if h else "") for y, h in zip(labels, hard, strict=True)]
    for train_idx, held in folds.split(list(evidence), strata):
        meta = Meta.from_json(fit([evidence[i] for i in train_idx], [labels[i] for i in train_idx]))
        for i in held:
            probs[i] = meta.probabilities(evidence[i])
    cases = [Case(p, e, y, h) for p, e, y, h in zip(probs, evidence, labels, hard, strict=True)]
    th = choose_thresholds(cases)
    raw = fit(evidence, labels)
    raw["thresholds"] = th
    figures = simulate(cases, th)
    return (
        raw,
        f"final step, out-of-fold on {len(cases)} blind messages: { ({k: round(v, 3) for k, v in figures.items()}) } with {th}",
    )
