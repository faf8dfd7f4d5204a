"""The last step of triage: one small calibrated model over what the rules and the sentence
model each said, trained on blind messages the rules were never tuned on.

The rules are precise where they were written and blind to context they were not written for
(news of a jump, violence long resolved); the sentence model reads context but misses rare
wording. Neither should simply overrule the other, so their outputs become features — the rule's
level, category and context marks (:negated, :past, :resolved, …), the model's P(P0) and
P(P0)+P(P1), the message's size — and a logistic regression, fitted by `flows.triage_train` on
out-of-fold model scores, gives the final P0 / P1 / other probabilities. Thresholds come from
cross-validation for P0 recall (see `flows.triage_train`).

Pure: standard library only; the weights live in `flows/triage_model.json` under "meta".
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

RULE_LEVELS = ("P0", "P1", "P2")
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
CATEGORIES = P0_CATEGORIES + P1_CATEGORIES
"""The P0/P1 categories of CRISIS.md, most severe first (the only copy)."""
MARKS = ("negated", "past", "resolved", "hypothetical", "mention")


@dataclass(frozen=True)
class Evidence:
    """What the rules and the sentence model said about one message (no text)."""

    rule_level: str | None
    rule_category: str | None
    rule_id: str | None
    third_party: bool
    model_p0: float | None  # None: the model did not read it (too short, or no model file)
    model_p01: float | None
    sentences: int
    length: int
    media_only: bool
    model_neglect: bool = False  # the model's most dangerous unit reads as neglect (安否)


def _logit(p: float) -> float:
    p = min(max(p, 1e-4), 1 - 1e-4)
    return math.log(p / (1 - p))


def features(e: Evidence) -> dict[str, float]:
    x: dict[str, float] = {f"rule_{lv}": float(e.rule_level == lv) for lv in RULE_LEVELS}
    x.update({f"cat_{c}": float(e.rule_category == c) for c in CATEGORIES})
    marks = set((e.rule_id or "").split(":")[1:])
    x.update({f"mark_{m}": float(m in marks) for m in MARKS})
    read = e.model_p0 is not None and e.model_p01 is not None
    p0 = e.model_p0 if e.model_p0 is not None else 0.0
    p01 = e.model_p01 if e.model_p01 is not None else 0.0
    x["unread"] = float(not read)
    x["m_p0"] = p0
    x["m_p01"] = p01
    x["m_logit_p0"] = _logit(p0) if read else 0.0
    x["m_logit_p01"] = _logit(p01) if read else 0.0
    x["rule_P0_x_p01"] = x["rule_P0"] * p01
    x["rule_P1_x_p01"] = x["rule_P1"] * p01
    x["third_party"] = float(e.third_party)
    x["media_only"] = float(e.media_only)
    x["log_length"] = math.log1p(e.length)
    x["sentences"] = float(min(e.sentences, 20))
    return x


FEATURES: tuple[str, ...] = tuple(
    features(Evidence(None, None, None, False, 0.5, 0.5, 1, 1, False))
)


@dataclass(frozen=True)
class Meta:
    classes: tuple[str, ...]
    mean: dict[str, float]
    scale: dict[str, float]
    coef: dict[str, list[float]]
    intercept: tuple[float, ...]
    thresholds: dict[str, float]

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> Meta:
        return cls(
            classes=tuple(raw["classes"]),
            mean={k: float(v) for k, v in raw["mean"].items()},
            scale={k: float(v) for k, v in raw["scale"].items()},
            coef={k: [float(w) for w in v] for k, v in raw["coef"].items()},
            intercept=tuple(float(v) for v in raw["intercept"]),
            thresholds={k: float(v) for k, v in raw["thresholds"].items()},
        )

    def probabilities(self, e: Evidence) -> dict[str, float]:
        x = features(e)
        logits = list(self.intercept)
        for name, value in x.items():
            w = self.coef.get(name)
            if w is None:
                continue
            z = (value - self.mean[name]) / self.scale[name]
            for i, wi in enumerate(w):
                logits[i] += z * wi
        top = max(logits)
        exps = [math.exp(v - top) for v in logits]
        total = sum(exps)
        return {c: v / total for c, v in zip(self.classes, exps, strict=True)}


@dataclass(frozen=True)
class Decision:
    level: str | None  # P0, P1 or None
    ask: bool


DOUBT_MIN_SENTENCES = 2  # a short message has no context to doubt a rule hit by
DOUBT_MIN_LENGTH = 40


def has_context(e: Evidence) -> bool:
    return e.sentences >= DOUBT_MIN_SENTENCES and e.length >= DOUBT_MIN_LENGTH


def decide(meta: Meta, e: Evidence) -> Decision:
    """The rules' P0 and P1 stand unless the final step, reading a message with context (two
    sentences or more, 40 characters or more), finds them unlikely: a doubted hit becomes a question, never silence
    (safety before tidiness). Without a rule hit: ask when unsure, never an alarm."""
    return decide_from(meta.probabilities(e), e, meta.thresholds)


def decide_from(probs: dict[str, float], e: Evidence, th: dict[str, float]) -> Decision:
    """`decide` on probabilities already computed (the trainer simulates thresholds with it)."""
    p0, p01 = probs["P0"], probs["P0"] + probs["P1"]
    doubtful = has_context(e)
    if e.rule_level == "P0":
        if doubtful and p01 < th["doubt_p0"]:
            return Decision(None, True)
        return Decision("P0", False)
    if e.rule_level == "P1":
        if p0 >= th["p0"]:
            return Decision("P0", False)
        if doubtful and p01 < th["doubt_p1"]:
            return Decision(None, True)
        return Decision("P1", p0 >= th["ask_p0"])
    # without a rule hit the final step never alarms on its own: what only the model sees is
    # asked about (one question), never met with the emergency reply
    ask = p01 >= th["ask"] or p0 >= th["ask_p0"]
    return Decision(None, ask and not model_alone_unsure(e, th))


MODEL_ASK = 0.6
WITHDRAWAL_P0 = 0.25


def model_alone_unsure(e: Evidence, th: dict[str, float] | None = None) -> bool:
    """Without a rule hit, what only the model sees is asked about when its most dangerous
    sentence reads as danger more likely than not (`MODEL_ASK`; the thresholds may set
    "model_ask" and "withdrawal_p0", and "model_alone_length": only messages shorter than that
    are held to it — a short answer gives the model little to read). And withdrawal itself
    (部屋から出てこない) — what nearly every family here writes — is not neglect (CRISIS.md):
    when the model's reading is neglect with little weight on P0, the rules alone decide (they
    know 何日も返事がない, 食べていない)."""
    if e.rule_level is not None or e.model_p0 is None or e.model_p01 is None:
        return False
    th = th or {}
    if e.model_p0 >= th.get("withdrawal_p0", WITHDRAWAL_P0):
        return False
    if e.length >= th.get("model_alone_length", math.inf):
        return False  # a longer message gives the model enough to be asked about
    return e.model_p01 < th.get("model_ask", MODEL_ASK) or e.model_neglect
