"""Train the triage model and write `flows/triage_model.json` (dev tool: scikit-learn).

    python -m flows.triage_train [--check] [--out PATH] [--oof PATH [--oof-only | --meta-only]]

`--oof PATH` keeps the sentence model's out-of-fold scores in PATH (no text: three numbers per
message and the training data's hash; `--oof-only` stops there); with `--meta-only` they are
read back and only the final step is refitted (a minute instead of the full run; the sentence
model in the file is kept).

Training data (`TRAINING_FILES`): the shared dev corpus, the earlier evaluation sets and every
split of the blind corpus (train, dev, and the two test splits, which were scored too often to
stay estimates). Honest figures come from cross-validation (the final step's `meta.cv` in the
file: thresholds chosen on the other folds) and from the lead's new frozen split.
The file's version is `VERSION` + the first 12 hex digits of the training data's hash.

Messages are labelled, sentences are not, so training is multiple-instance: every unit of a
P2/NONE message is an "other" instance; of a P0/P1 message only its most telling unit (under the
previous round's model; round 0 reads whole messages) carries the message's level and category.
Two rounds of re-picking settle which sentence decided each letter.

Thresholds come from 5-fold cross-validation over messages (out-of-fold, the whole procedure
inside each fold), on the message score = its most dangerous unit:
- `p0`: P(P0) at or above it is P0; the lowest value whose out-of-fold false P0 stay within
  `MAX_FALSE_P0` of the P2/NONE messages;
- `raise`: P(P0)+P(P1) at or above it is P1; false raises within `MAX_FALSE_RAISE`;
- `ask`: P(P0)+P(P1) at or above it (below `raise`) asks one safety question; the highest
  value that still catches `ASK_P0_RECALL` of the P0 messages out of fold, asking at most
  `MAX_ASK` of the P2/NONE messages.
(These describe the model alone; the deciding thresholds are the final step's, `meta`.)
Features whose largest weight is below `PRUNE` are dropped and both heads refitted without them.
`--check` exits 1 when the model file's training-data hashes do not match the data.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flows.triage_model import (
    FORMAT,
    MODEL_PATH,
    P0_CATEGORIES,
    P1_CATEGORIES,
    STEPS,
    Doc,
    load,
    unit_tokens,
)
from flows.triage_units import Unit, units

REPO = Path(__file__).resolve().parents[1]
TRAINING_FILES: dict[str, Path] = {
    "crisis_dev.jsonl": REPO.parent / "shared/corpus/crisis_dev.jsonl",
    "triage_unseen.jsonl": REPO / "tests/data/triage_unseen.jsonl",
    "triage_fresh.jsonl": REPO / "tests/data/triage_fresh.jsonl",
    "triage_fresh2.jsonl": REPO / "tests/data/triage_fresh2.jsonl",
    "triage_blind/train.jsonl": REPO / "tests/data/triage_blind/train.jsonl",
    # the blind dev split and the two used test splits (both scored many times: no longer clean
    # estimates, so they train; thresholds and figures come from cross-validation)
    "triage_blind/dev.jsonl": REPO / "tests/data/triage_blind/dev.jsonl",
    "triage_blind/test.jsonl": REPO / "tests/data/triage_blind/test.jsonl",
    "triage_blind/test_v2.jsonl": REPO / "tests/data/triage_blind/test_v2.jsonl",
    # more blind writers (w7, w8, w9: 849 messages written for training, 2026-12-07)
    "triage_blind/train_v3.jsonl": REPO / "tests/data/triage_blind/train_v3.jsonl",
}
VERSION = "2026.12-2"
C_LEVEL = 8.0
C_CATEGORY = 8.0
MIL_ROUNDS = 2
# Features whose largest weight (level or category head, fitted on every feature) is below these
# are dropped, then both heads are refitted on the rest: the shipped file holds only those, and
# the out-of-fold figures are of the pruned model.
PRUNE = {"level": 0.2, "category": 0.3}
CATEGORY_ROW_MIN = 0.1  # after the refit, category weights all below this are not written
DIGITS = 3
MAX_FALSE_P0 = 0.01
MAX_FALSE_RAISE = 0.025
ASK_P0_RECALL = 0.995
MAX_ASK = 0.12
FOLDS = 5
LEVELS = ("P0", "P1", "other")
CATEGORIES = P0_CATEGORIES + P1_CATEGORIES


@dataclass(frozen=True)
class Score:
    p0: float
    p01: float
    neglect: bool


@dataclass
class Message:
    level: str  # P0 / P1 / other
    category: str
    hard: bool
    units: list[Unit]
    tokens: list[list[str]]  # per unit
    whole: list[str]
    text: str  # in memory only, for the rules' reading in the final step
    blind: bool  # written blind (the rules were never tuned on it)


def training_hashes() -> dict[str, str]:
    return {
        name: hashlib.sha256(p.read_bytes()).hexdigest()
        for name, p in TRAINING_FILES.items()
        if p.exists()
    }


def load_records(paths: Sequence[Path]) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = []
    for path in paths:
        if path.exists():
            with path.open(encoding="utf-8") as f:
                for line in f:
                    if line.strip():
                        records.append(
                            {**json.loads(line), "_blind": path.parent.name == "triage_blind"}
                        )
    return records


def prepare(records: list[dict[str, Any]], *, tokens: bool = True) -> list[Message]:
    """Messages with every unit's tokens (`tokens=False`: labels and text only, for the final
    step alone)."""
    out = []
    for r in records:
        text = str(r["text"])
        doc = Doc.read(text) if tokens else Doc(text, [], [])
        us = units(text) if tokens else []
        out.append(
            Message(
                level=str(r["level"]) if r["level"] in ("P0", "P1") else "other",
                category=str(r["category"]),
                hard=bool(r.get("hard_negative")),
                units=us,
                tokens=[unit_tokens(doc, u) for u in us],
                whole=(
                    unit_tokens(Doc.read(text, whole=True), Unit(0, len(text), 0)) if tokens else []
                ),
                text=text,
                blind=bool(r.get("_blind")),
            )
        )
    return out


def _identity(tokens: list[str]) -> list[str]:
    return tokens


class Fitted:
    """One trained level head + category head with its vectoriser."""

    def __init__(self, messages: list[Message]) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.vec = TfidfVectorizer(
            analyzer=_identity, sublinear_tf=True, min_df=2, norm="l2", lowercase=False
        )
        self.vec.fit([t for m in messages for t in m.tokens] + [m.whole for m in messages])
        picks: list[int | None] = [None] * len(messages)  # round 0: whole messages
        self.level = self._fit_levels(messages, picks)
        for _ in range(MIL_ROUNDS):
            picks = [self._pick(m) for m in messages]
            self.level = self._fit_levels(messages, picks)
        self.picks = [self._pick(m) for m in messages]
        self.category = self._fit_categories(messages, self.picks)
        self._prune(messages)

    def _prune(self, messages: list[Message]) -> None:
        """Keep the features either head leans on, refit both heads on them alone."""
        from sklearn.feature_extraction.text import TfidfVectorizer

        vocab = self.vec.get_feature_names_out()
        level = abs(self.level.coef_).max(axis=0)
        category = abs(self.category.coef_).max(axis=0)
        keep = [
            t
            for t, lv, ct in zip(vocab, level, category, strict=True)
            if lv >= PRUNE["level"] or ct >= PRUNE["category"]
        ]
        self.vec = TfidfVectorizer(
            analyzer=_identity, sublinear_tf=True, norm="l2", lowercase=False, vocabulary=keep
        )
        self.vec.fit([t for m in messages for t in m.tokens] + [m.whole for m in messages])
        self.level = self._fit_levels(messages, self.picks)
        self.category = self._fit_categories(messages, self.picks)

    def _instances(self, messages: list[Message], picks: list[int | None]) -> tuple[list, list]:
        docs: list[list[str]] = []
        labels: list[str] = []
        for m, pick in zip(messages, picks, strict=True):
            if m.level == "other":
                docs += [*m.tokens, m.whole]
                labels += ["other"] * (len(m.tokens) + 1)
            else:
                docs.append(m.whole if pick is None else m.tokens[pick])
                labels.append(m.level)
        return docs, labels

    def _fit_levels(self, messages: list[Message], picks: list[int | None]) -> Any:
        from sklearn.linear_model import LogisticRegression

        docs, labels = self._instances(messages, picks)
        clf = LogisticRegression(C=C_LEVEL, class_weight="balanced", max_iter=3000)
        clf.fit(self.vec.transform(docs), labels)
        return clf

    def _fit_categories(self, messages: list[Message], picks: list[int | None]) -> Any:
        from sklearn.linear_model import LogisticRegression

        docs = [m.tokens[p] for m, p in zip(messages, picks, strict=True) if p is not None]
        cats = [m.category for m, p in zip(messages, picks, strict=True) if p is not None]
        clf = LogisticRegression(C=C_CATEGORY, class_weight="balanced", max_iter=3000)
        clf.fit(self.vec.transform(docs), cats)
        return clf

    def unit_probs(self, m: Message) -> Any:
        probs = self.level.predict_proba(self.vec.transform(m.tokens))
        order = list(self.level.classes_)
        return probs[:, order.index("P0")], probs[:, order.index("P1")]

    def _pick(self, m: Message) -> int | None:
        if m.level == "other" or not m.tokens:
            return None
        p0, p1 = self.unit_probs(m)
        target = p0 if m.level == "P0" else p0 + p1
        return int(target.argmax())

    def message_scores(self, m: Message) -> Score:
        """P(P0) of the most dangerous unit, P(P0)+P(P1) of the most dangerous unit, and
        whether that unit's P0/P1 category reads as neglect."""
        p0, p1 = self.unit_probs(m)
        top = int((p0 + p1).argmax())
        cats = self.category.predict_proba(self.vec.transform([m.tokens[top]]))[0]
        order = list(self.category.classes_)
        reading = max(CATEGORIES, key=lambda c: cats[order.index(c)] if c in order else 0.0)
        return Score(float(p0.max()), float((p0 + p1).max()), reading == "neglect")


def _lowest_passing(values_neg: list[float], share: float) -> float:
    """The lowest threshold that lets at most `share` of the negatives reach it."""
    ranked = sorted(values_neg, reverse=True)
    allowed = int(share * len(ranked))
    return (ranked[allowed] + 1e-6) if allowed < len(ranked) else 0.0


def out_of_fold(messages: list[Message]) -> list[Score]:
    from sklearn.model_selection import StratifiedKFold

    scores: list[Score] = [Score(0.0, 0.0, False)] * len(messages)
    folds = StratifiedKFold(n_splits=FOLDS, shuffle=True, random_state=0)
    labels = [m.level + ("h" if m.hard else "") for m in messages]
    for train, held in folds.split(messages, labels):
        fitted = Fitted([messages[i] for i in train])
        for i in held:
            scores[i] = fitted.message_scores(messages[i])
    return scores


def thresholds(messages: list[Message], oof: list[Score]) -> dict[str, float]:
    neg = [s for m, s in zip(messages, oof, strict=True) if m.level == "other"]
    p0_msgs = [s for m, s in zip(messages, oof, strict=True) if m.level == "P0"]
    t_p0 = _lowest_passing([s.p0 for s in neg], MAX_FALSE_P0)
    t_raise = _lowest_passing([s.p01 for s in neg], MAX_FALSE_RAISE)
    t_ask_floor = _lowest_passing([s.p01 for s in neg], MAX_ASK)
    p0_sums = sorted(s.p01 for s in p0_msgs)
    missed = int((1 - ASK_P0_RECALL) * len(p0_sums))
    t_ask = min(max(p0_sums[missed] - 1e-6, t_ask_floor), t_raise) if p0_sums else t_raise
    return {"p0": round(t_p0, 4), "raise": round(t_raise, 4), "ask": round(t_ask, 4)}


def report(messages: list[Message], oof: list[Score], th: dict[str, float]) -> str:
    def share(cond: list[bool]) -> str:
        return f"{sum(cond)}/{len(cond)}"

    p0 = [s for m, s in zip(messages, oof, strict=True) if m.level == "P0"]
    p01 = [s for m, s in zip(messages, oof, strict=True) if m.level != "other"]
    neg = [s for m, s in zip(messages, oof, strict=True) if m.level == "other"]
    return (
        f"out-of-fold, model alone: P0 as P0 {share([s.p0 >= th['p0'] for s in p0])}, "
        f"P0 raised or asked {share([s.p01 >= th['ask'] for s in p0])}, "
        f"P0/P1 raised {share([s.p01 >= th['raise'] for s in p01])}, "
        f"P2/NONE raised {share([s.p01 >= th['raise'] for s in neg])}, "
        f"asked {share([th['ask'] <= s.p01 < th['raise'] for s in neg])}"
    )


def _rows(clf: Any, vocab: list[str], prune: float) -> dict[str, list[float]]:
    coef = clf.coef_.T  # features x classes
    return {
        t: [round(float(v), DIGITS) for v in row]
        for t, row in zip(vocab, coef, strict=True)
        if abs(row).max() >= prune
    }


def final_step(messages: list[Message], oof: list[Score]) -> dict[str, Any]:
    """Fit `flows.triage_meta` on the blind messages' rule readings and out-of-fold scores."""
    from flows.triage import MODEL_MIN_CHARS, evidence, rule_reading
    from flows.triage_meta import DOUBT_MIN_LENGTH
    from flows.triage_meta_train import train

    picked = [(m, s) for m, s in zip(messages, oof, strict=True) if m.blind]
    found = []
    for m, s in picked:
        top, _, ja = rule_reading(m.text)
        if len(ja.text) < MODEL_MIN_CHARS or (
            top is not None and top.level == "P0" and len(m.text) < DOUBT_MIN_LENGTH
        ):
            found.append(evidence(m.text, top, ja, None, None))  # as `assess`: not read
        else:
            found.append(evidence(m.text, top, ja, s.p0, s.p01, s.neglect))
    raw, report_line = train(found, [m.level for m, _ in picked], [m.hard for m, _ in picked])
    print(report_line)
    return raw


def export(fitted: Fitted, th: dict[str, float]) -> dict[str, Any]:
    vocab = list(fitted.vec.get_feature_names_out())
    level = _rows(fitted.level, vocab, 0.0)  # every kept feature: the norm needs them all
    category = _rows(fitted.category, vocab, CATEGORY_ROW_MIN)
    idf = {t: round(float(v), DIGITS) for t, v in zip(vocab, fitted.vec.idf_, strict=True)}
    data = training_hashes()
    return {
        "format": 2,  # plain dicts; `pack` writes the file's layout
        "version": f"{VERSION}+{data_hash(data)[:12]}",
        "idf": idf,
        "levels": list(fitted.level.classes_),
        "level_coef": level,
        "level_intercept": [round(float(v), DIGITS) for v in fitted.level.intercept_],
        "categories": list(fitted.category.classes_),
        "category_coef": category,
        "category_intercept": [round(float(v), DIGITS) for v in fitted.category.intercept_],
        "thresholds": th,
        "training_data": data,
    }


def pack(out: dict[str, Any]) -> dict[str, Any]:
    """The file layout (`flows.triage_model.FORMAT`): each token written once, weights as
    integers in `STEPS` (idf and level weights keep the trainer's three digits)."""
    if out.get("format") == FORMAT:
        return out
    tokens = list(out["idf"])
    index = {t: i for i, t in enumerate(tokens)}
    zero = [0.0] * len(out["levels"])

    def steps(values: list[float], step: float) -> list[int]:
        return [round(v / step) for v in values]

    packed = {k: v for k, v in out.items() if k not in ("idf", "level_coef", "category_coef")}
    cats = [t for t in out["category_coef"] if t in index]
    packed.update(
        format=FORMAT,
        tokens=tokens,
        idf=steps([out["idf"][t] for t in tokens], STEPS["idf"]),
        level_coef=[steps(out["level_coef"].get(t, zero), STEPS["level"]) for t in tokens],
        category_rows=[index[t] for t in cats],
        category_coef=[steps(out["category_coef"][t], STEPS["category"]) for t in cats],
    )
    return packed


def _write_oof(path: Path, oof: list[Score]) -> None:
    rows = [[s.p0, s.p01, s.neglect] for s in oof]
    path.write_text(json.dumps({"data": data_hash(training_hashes()), "scores": rows}))


def _read_oof(path: Path, n: int) -> list[Score]:
    raw = json.loads(path.read_text())
    if raw["data"] != data_hash(training_hashes()) or len(raw["scores"]) != n:
        raise SystemExit(f"{path} is from other training data: run without --meta-only")
    return [Score(float(a), float(b), bool(c)) for a, b, c in raw["scores"]]


def data_hash(hashes: dict[str, str]) -> str:
    """One hash over every training file's hash: the model's version carries it."""
    joined = "\n".join(f"{name} {h}" for name, h in sorted(hashes.items()))
    return hashlib.sha256(joined.encode()).hexdigest()


def main(argv: list[str]) -> int:
    if "--check" in argv:
        model = load()
        ok = model is not None and model.training_data == training_hashes()
        print("model matches its training data" if ok else "model is stale: retrain")
        return 0 if ok else 1
    path = Path(argv[argv.index("--out") + 1]) if "--out" in argv else MODEL_PATH
    cache = Path(argv[argv.index("--oof") + 1]) if "--oof" in argv else None
    meta_only = cache is not None and "--meta-only" in argv
    messages = prepare(load_records(list(TRAINING_FILES.values())), tokens=not meta_only)
    if meta_only:
        assert cache is not None
        oof = _read_oof(cache, len(messages))
        out = json.loads(path.read_text(encoding="utf-8"))
        if out.get("training_data") != training_hashes():
            raise SystemExit(f"{path} was trained on other data: run without --meta-only")
        out["meta"] = final_step(messages, oof)
    else:
        oof = out_of_fold(messages)
        if cache is not None:
            _write_oof(cache, oof)
            if "--oof-only" in argv:
                return 0
        th = thresholds(messages, oof)
        print(f"{len(messages)} messages; thresholds {th}")
        print(report(messages, oof, th))
        meta = final_step(messages, oof)
        out = pack(export(Fitted(messages), th))
        out["meta"] = meta
    path.write_text(
        json.dumps(out, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8"
    )
    print(f"wrote {path} ({path.stat().st_size // 1024} KB)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
