"""Train the triage classifier and write `flows/triage_model.json` (dev tool: scikit-learn).

    python -m flows.triage_train [--check]

Training data: the dev corpus (`../shared/corpus/crisis_dev.jsonl`) and the unseen set
(`tests/data/triage_unseen.jsonl`). The fresh set (`tests/data/triage_fresh.jsonl`) is never
read here: it is the honest estimate of rules + model on new wording.

Features: character 1–4-grams of `flows.triage.normalise_ja(text)` (NFKC, hiragana, no
spaces), sublinear TF-IDF, L2 norm. Heads: logistic regression on P0 / P1 / other (balanced
class weights) and on the ten P0/P1 categories (trained on P0/P1 messages only).

Thresholds come from repeated stratified 5-fold cross-validation on the training data:
- `raise`: P(P0)+P(P1) at or above it lifts a rules None/P2 to P1. The lowest value whose
  out-of-fold false raises stay within `MAX_FALSE_RAISE` of the P2/NONE messages and within
  `MAX_HARD_RAISE` of the hard negatives.
- `p0`: P(P0) at or above it (and the raise threshold passed) makes the lift P0: the lowest
  value where no out-of-fold P2/NONE message and at most `MAX_P1_AS_P0` of the P1 messages
  would reach it.
`--check` exits 1 when the model file's training-data hashes do not match the data.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

from flows.triage import normalise_ja
from flows.triage_model import MODEL_PATH, P0_CATEGORIES, P1_CATEGORIES, load, ngrams, score

REPO = Path(__file__).resolve().parents[1]
TRAINING_FILES: dict[str, Path] = {
    "crisis_dev.jsonl": REPO.parent / "shared/corpus/crisis_dev.jsonl",
    "triage_unseen.jsonl": REPO / "tests/data/triage_unseen.jsonl",
}
NGRAM_RANGE = (1, 4)
MIN_DF = 1
C_LEVEL = 10.0
C_CATEGORY = 10.0
PRUNE = {"level": 0.02, "category": 0.05}  # rows whose largest |weight| is below are dropped
DIGITS = 3
MAX_FALSE_RAISE = 0.03
MAX_HARD_RAISE = 0.03
MAX_P1_AS_P0 = 0.10
SEEDS = (0, 1, 2)
LEVELS = ("P0", "P1", "other")
CATEGORIES = P0_CATEGORIES + P1_CATEGORIES


def training_hashes() -> dict[str, str]:
    return {name: hashlib.sha256(p.read_bytes()).hexdigest() for name, p in TRAINING_FILES.items()}


def load_records() -> list[dict[str, object]]:
    records: list[dict[str, object]] = []
    for path in TRAINING_FILES.values():
        with path.open(encoding="utf-8") as f:
            records.extend(json.loads(line) for line in f if line.strip())
    return records


def _level(r: dict[str, object]) -> str:
    return str(r["level"]) if r["level"] in ("P0", "P1") else "other"


def _analyzer(text: str) -> list[str]:
    return ngrams(text, *NGRAM_RANGE)


def _fit(texts: list[str], levels: list[str], cats: list[str]):  # type: ignore[no-untyped-def]
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vec = TfidfVectorizer(
        analyzer=_analyzer, sublinear_tf=True, min_df=MIN_DF, norm="l2", lowercase=False
    )
    x = vec.fit_transform(texts)
    level_clf = LogisticRegression(C=C_LEVEL, class_weight="balanced", max_iter=5000)
    level_clf.fit(x, levels)
    crisis = [i for i, c in enumerate(cats) if c in CATEGORIES]
    cat_clf = LogisticRegression(C=C_CATEGORY, class_weight="balanced", max_iter=5000)
    cat_clf.fit(x[crisis], [cats[i] for i in crisis])
    return vec, level_clf, cat_clf


def _proba(vec, clf, texts: list[str]) -> list[dict[str, float]]:  # type: ignore[no-untyped-def]
    p = clf.predict_proba(vec.transform(texts))
    return [dict(zip(clf.classes_, map(float, row), strict=True)) for row in p]


def cross_validate(
    records: list[dict[str, object]], texts: list[str]
) -> list[list[dict[str, float]]]:
    """Out-of-fold level probabilities, one list per seed."""
    from sklearn.model_selection import StratifiedKFold

    levels = [_level(r) for r in records]
    strata = [f"{lv}:{bool(r['hard_negative'])}" for lv, r in zip(levels, records, strict=True)]
    cats = [str(r["category"]) for r in records]
    runs: list[list[dict[str, float]]] = []
    for seed in SEEDS:
        oof: list[dict[str, float]] = [{} for _ in records]
        folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=seed)
        for train, test in folds.split(texts, strata):
            vec, clf, _ = _fit(
                [texts[i] for i in train], [levels[i] for i in train], [cats[i] for i in train]
            )
            for i, p in zip(test, _proba(vec, clf, [texts[i] for i in test]), strict=True):
                oof[i] = p
        runs.append(oof)
    return runs


def choose_thresholds(
    records: list[dict[str, object]], runs: list[list[dict[str, float]]]
) -> tuple[dict[str, float], dict[str, float]]:
    levels = [_level(r) for r in records]
    calm = [i for i, lv in enumerate(levels) if lv == "other"]
    hard = [i for i in calm if records[i]["hard_negative"]]
    p0 = [i for i, lv in enumerate(levels) if lv == "P0"]
    p1 = [i for i, lv in enumerate(levels) if lv == "P1"]
    crisis = p0 + p1
    grid = [round(0.05 + 0.01 * k, 2) for k in range(91)]

    def rate(idx: list[int], ok) -> float:  # type: ignore[no-untyped-def]
        return sum(ok(run[i]) for run in runs for i in idx) / (len(idx) * len(runs))

    def raised(t: float):  # type: ignore[no-untyped-def]
        return lambda p: p["P0"] + p["P1"] >= t

    t_raise = next(
        t
        for t in grid
        if rate(calm, raised(t)) <= MAX_FALSE_RAISE and rate(hard, raised(t)) <= MAX_HARD_RAISE
    )

    def as_p0(t: float):  # type: ignore[no-untyped-def]
        return lambda p: p["P0"] + p["P1"] >= t_raise and p["P0"] >= t

    t_p0 = next(
        t for t in grid if rate(calm, as_p0(t)) == 0.0 and rate(p1, as_p0(t)) <= MAX_P1_AS_P0
    )
    figures = {
        "oof_crisis_recall": rate(crisis, raised(t_raise)),
        "oof_p0_recall_as_p0": rate(p0, as_p0(t_p0)),
        "oof_p0_recall_raised": rate(p0, raised(t_raise)),
        "oof_calm_raised": rate(calm, raised(t_raise)),
        "oof_hard_raised": rate(hard, raised(t_raise)),
        "oof_p1_as_p0": rate(p1, as_p0(t_p0)),
    }
    return {"raise": t_raise, "p0": t_p0}, figures


def _round(v: float) -> float:
    return round(float(v), DIGITS)


def build(records: list[dict[str, object]], thresholds: dict[str, float]) -> dict[str, object]:
    texts = [normalise_ja(str(r["text"])) for r in records]
    levels = [_level(r) for r in records]
    cats = [str(r["category"]) for r in records]
    vec, level_clf, cat_clf = _fit(texts, levels, cats)
    vocab: dict[str, int] = vec.vocabulary_
    idf = vec.idf_
    level_order = [list(level_clf.classes_).index(c) for c in LEVELS]
    cat_order = [list(cat_clf.classes_).index(c) for c in CATEGORIES]

    def table(coef, order: list[int], prune: float) -> dict[str, list[float]]:  # type: ignore[no-untyped-def]
        out: dict[str, list[float]] = {}
        for g, j in sorted(vocab.items()):
            w = [float(coef[k, j]) for k in order]
            if max(abs(v) for v in w) >= prune:
                out[g] = [_round(v) for v in w]
        return out

    return {
        "format": 1,
        "ngram_range": list(NGRAM_RANGE),
        "levels": list(LEVELS),
        "categories": list(CATEGORIES),
        "thresholds": thresholds,
        "training_data": training_hashes(),
        "idf": {g: round(float(idf[j]), 4) for g, j in sorted(vocab.items())},
        "level_intercept": [_round(level_clf.intercept_[k]) for k in level_order],
        "level_coef": table(level_clf.coef_, level_order, PRUNE["level"]),
        "category_intercept": [_round(cat_clf.intercept_[k]) for k in cat_order],
        "category_coef": table(cat_clf.coef_, cat_order, PRUNE["category"]),
    }


def _agreement(records: list[dict[str, object]]) -> float:
    """Largest difference between the shipped scorer and the scikit-learn model it came from."""
    texts = [normalise_ja(str(r["text"])) for r in records]
    vec, clf, _ = _fit(texts, [_level(r) for r in records], [str(r["category"]) for r in records])
    model = load()
    assert model is not None
    worst = 0.0
    for text, p in zip(texts, _proba(vec, clf, texts), strict=True):
        s = score(text, model)
        assert s is not None
        worst = max(worst, *(abs(s.levels[k] - p[k]) for k in LEVELS))
    return worst


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if "--check" in args:
        model = load()
        ok = model is not None and model.training_data == training_hashes()
        print(
            "model matches training data"
            if ok
            else "model is stale: run python -m flows.triage_train"
        )
        return 0 if ok else 1
    records = load_records()
    texts = [normalise_ja(str(r["text"])) for r in records]
    thresholds, figures = choose_thresholds(records, cross_validate(records, texts))
    print(json.dumps({"thresholds": thresholds, **{k: round(v, 4) for k, v in figures.items()}}))
    built = build(records, thresholds)
    MODEL_PATH.write_text(
        json.dumps(built, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8"
    )
    load.cache_clear()
    print(f"pure-Python scorer vs scikit-learn: max |dp| {_agreement(records):.4f}")
    print(f"wrote {MODEL_PATH.name}: {MODEL_PATH.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
