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
- `ask_p0`, `ask`: P(P0), or P(P0)+P(P1), at or above them asks (without a rule hit, and only
  past `flows.triage_meta.model_alone_unsure`). Chosen together, safety first: for each `ask_p0`
  that asks at most `MAX_ASK_P0` of the P2/NONE messages, the highest `ask` that still catches
  `CATCH_P0` of the P0 and `CATCH_P01` of the P0/P1 messages (raised or asked); of those pairs
  the one that asks fewest P2/NONE messages (every question counted, doubts included). Only
  when no pair reaches the catch targets: the pair that catches most within `MAX_ASK`.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from flows.triage_meta import FEATURES, Evidence, Meta, decide_from, features, has_context

C_META = 1.0
MAX_FALSE_P0 = 0.005
MAX_FALSE_RAISE = 0.01
MAX_ASK_P0 = 0.06
DOUBT_LOSS_P0 = 0.05  # share of true rule P0 hits (with context) a doubt may turn into a question
DOUBT_LOSS_P1 = 0.15
DOUBT_LOSSES_P1 = (0.15, 0.25, 0.35)  # tried: a doubted P1 is asked about, still caught
# (model_ask, withdrawal_p0, model_alone_length) of `flows.triage_meta.model_alone_unsure` tried:
# only short messages (a few words: the model has little to read) are held to it, and there the
# model alone asks only when near-sure (0.95). Cross-validated against the earlier setting (0.6
# for every message: P0/P1 caught 0.87 at the same asking) and against none (asks on bare
# withdrawal answers such as 「へやから でてこない」, which tests/test_personas.py keeps calm).
MODEL_ALONE = ((0.95, 0.25, 30.0),)
MAX_LOOK_RAISED = 0.03  # issue 12: look-alikes raised to P0/P1
CATCH_P0 = 0.975  # issue 12: P0 ≥ 0.97, P0/P1 ≥ 0.95 counting the question (a little margin)
CATCH_P01 = 0.955
MAX_ASK = 0.08  # issue 12's aim for ordinary messages met with the safety question (fallback)
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
        "p01_raised": sum(d.level is not None for d in p01) / max(len(p01), 1),
        "neg_raised": sum(d.level is not None for d in neg) / max(len(neg), 1),
        "asked": sum(d.ask for d in neg) / max(len(neg), 1),  # as flows.triage_eval counts
    }


def choose_thresholds(cases: Sequence[Case]) -> dict[str, float]:
    """Sure levels first (few false raises), doubts that keep almost every true rule hit,
    then the asking that catches most within `MAX_ASK`."""
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
    th["doubt_p0"] = _doubt(cases, "P0", DOUBT_LOSS_P0)
    others_p0 = sorted({round(c.probs["P0"], 4) for c in cases if c.label == "other"})
    floor = _lowest([c.probs["P0"] for c in cases if c.label == "other"], MAX_ASK_P0)
    sums = sorted({round(c.probs["P0"] + c.probs["P1"], 4) for c in cases})
    grid = [v + 1e-6 for v in reversed(others_p0) if v + 1e-6 >= floor]
    grid = [1.0, *grid[:: max(1, len(grid) // 24)]]
    safe: list[tuple[tuple[bool, float], dict[str, float]]] = []
    fallback: list[tuple[tuple[float, float], dict[str, float]]] = []
    for loss, (model_ask, withdrawal, short) in itertools.product(DOUBT_LOSSES_P1, MODEL_ALONE):
        fixed = {
            **th,
            "doubt_p1": _doubt(cases, "P1", loss),
            "model_ask": model_ask,
            "withdrawal_p0": withdrawal,
            "model_alone_length": short,
        }
        for ask_p0 in grid:
            trial = {**fixed, "ask_p0": ask_p0}
            ask = _highest_catching(cases, trial, sums)
            if ask is not None:
                figures = simulate(cases, {**trial, "ask": ask})
                rank = (figures["look_raised"] > MAX_LOOK_RAISED, figures["asked"])
                safe.append((rank, {**trial, "ask": ask}))
            elif not safe:
                low = _lowest_asking(cases, trial, sums)
                if low is not None:
                    figures = simulate(cases, {**trial, "ask": low})
                    catch = (figures["p0_caught"], figures["p01_caught"])
                    fallback.append((catch, {**trial, "ask": low}))
    if safe:
        chosen = min(safe, key=lambda s: s[0])[1]
    elif fallback:
        chosen = max(fallback, key=lambda s: s[0])[1]
    else:
        chosen = {**th, "doubt_p1": _doubt(cases, "P1", DOUBT_LOSS_P1), "ask_p0": 1.0, "ask": 1.0}
    return {k: round(v, 4) for k, v in chosen.items()}


def _doubt(cases: Sequence[Case], level: str, loss: float) -> float:
    """The highest doubt threshold that turns at most `loss` of the true rule hits of `level`
    (in messages with context) into a question."""
    true_hits = [
        c.probs["P0"] + c.probs["P1"]
        for c in cases
        if c.evidence.rule_level == level and c.label != "other" and has_context(c.evidence)
    ]
    return _highest(true_hits, loss)


def _catches(figures: dict[str, float]) -> bool:
    return figures["p0_caught"] >= CATCH_P0 and figures["p01_caught"] >= CATCH_P01


def _highest_catching(
    cases: Sequence[Case], th: dict[str, float], sums: list[float]
) -> float | None:
    """The highest `ask` (of the values seen) that still meets the catch targets, by bisection
    (catching only falls as `ask` rises); None when even the lowest misses them."""
    if not sums or not _catches(simulate(cases, {**th, "ask": sums[0]})):
        return None
    lo, hi = 0, len(sums) - 1  # sums[lo] passes
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if _catches(simulate(cases, {**th, "ask": sums[mid]})):
            lo = mid
        else:
            hi = mid - 1
    return sums[lo]


def _lowest_asking(cases: Sequence[Case], th: dict[str, float], sums: list[float]) -> float | None:
    """The lowest `ask` (of the values seen) that asks at most `MAX_ASK` of the P2/NONE
    messages, by bisection (asking only grows as `ask` falls); None when even 1.0 asks more."""
    if simulate(cases, {**th, "ask": 1.0})["asked"] > MAX_ASK:
        return None
    lo, hi = 0, len(sums)  # sums[hi] (or 1.0 past the end) passes
    while lo < hi:
        mid = (lo + hi) // 2
        if simulate(cases, {**th, "ask": sums[mid]})["asked"] <= MAX_ASK:
            hi = mid
        else:
            lo = mid + 1
    return sums[lo] if lo < len(sums) else 1.0


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
    figures = {k: round(v, 3) for k, v in simulate(cases, th).items()}
    nested = {k: round(v, 3) for k, v in nested_figures(cases, strata).items()}
    raw["cv"] = {"messages": len(cases), "thresholds_on_all": figures, "nested": nested}
    return (
        raw,
        f"final step, out-of-fold on {len(cases)} blind messages: {figures} with {th}\n"
        f"  thresholds chosen on the other folds (nested): {nested}",
    )


def nested_figures(cases: Sequence[Case], strata: Sequence[str]) -> dict[str, float]:
    """The issue's figures with each fold's thresholds chosen on the other four folds only:
    no message helps choose the thresholds it is then scored with."""
    from sklearn.model_selection import StratifiedKFold

    decided: list[Case] = []
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=2)
    scored: list[tuple[Case, dict[str, float]]] = []
    for train_idx, held in folds.split(list(cases), list(strata)):
        th = choose_thresholds([cases[i] for i in train_idx])
        scored += [(cases[i], th) for i in held]
    totals: dict[str, float] = {}
    for case, th in scored:
        decided.append(case)
        for k, v in simulate([case], th).items():
            totals[k] = totals.get(k, 0.0) + v * _weight(case, k)
    counts = {k: sum(_weight(c, k) for c in decided) for k in totals}
    return {k: totals[k] / max(counts[k], 1.0) for k in totals}


def _weight(case: Case, key: str) -> float:
    """Whether `case` is in the denominator of figure `key` of `simulate`."""
    if key in ("p0_caught", "p0_raised"):
        return float(case.label == "P0")
    if key in ("p01_caught", "p01_raised"):
        return float(case.label != "other")
    if key == "look_raised":
        return float(case.label == "other" and case.hard)
    return float(case.label == "other")
