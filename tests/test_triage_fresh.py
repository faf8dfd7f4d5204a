"""Triage checks that came with the classifier: its file matches its training data, figurative
language stays calm, a long message is assessed (the figures are in tests/test_triage_sets.py)."""

from __future__ import annotations

import json
from pathlib import Path

from flows.triage import assess
from flows.triage_model import load
from flows.triage_train import TRAINING_FILES, training_hashes

DATA = Path(__file__).resolve().parent / "data/triage_fresh.jsonl"
RAISED = ("P0", "P1")


def _records() -> list[dict[str, object]]:
    with DATA.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def test_model_matches_its_training_data() -> None:
    """Retrain (`python -m flows.triage_train`) whenever the dev or unseen set changes."""
    for path in TRAINING_FILES.values():
        assert path.exists(), f"training data missing: {path}"
    model = load()
    assert model is not None, "flows/triage_model.json is missing"
    assert model.training_data == training_hashes(), "stale model: run python -m flows.triage_train"


def test_figurative_language_stays_calm() -> None:
    assert assess("死ぬほど疲れた").level not in RAISED
    assert assess("ゲームで死んだ").level not in RAISED


def test_long_message_is_assessed() -> None:
    filler = "息子は部屋にいます。ご飯は食べています。" * 250
    signal = "今夜死ぬつもりです、もう遺書も書いた。"
    long = filler[: 5000 - len(signal)] + signal
    assert len(long) == 5000
    assert assess(long).level == "P0"
    assert assess(filler[:5000]).level not in RAISED


def test_fast_scorer_matches_the_plain_tf_idf_arithmetic() -> None:
    """The scorer sums per-token tables in C and reuses each sentence's lemmas; it must give
    what plain sublinear TF-IDF + L2 norm + the two heads give on `unit_tokens` (long letters
    with windows, repeated words, English)."""
    from flows.triage_model import (
        Doc,
        _head,
        unit_categories,
        unit_levels,
        unit_tokens,
        vectorise,
    )

    model = load()
    assert model is not None
    texts = [str(r["text"]) for r in _records()[:60]]
    texts.append("".join(texts)[:1000])
    texts.append("I want to die. I really want to die. " + "母は元気です。" * 40)
    for text in texts:
        doc = Doc.read(text)
        for unit, probs in unit_levels(model, doc):
            x = vectorise(model.idf, unit_tokens(doc, unit))
            plain = _head(x, model.level_coef, model.level_intercept)
            assert max(abs(a - b) for a, b in zip(plain, probs.values(), strict=True)) < 1e-9
            cats = _head(x, model.category_coef, model.category_intercept)
            fast = unit_categories(model, unit_tokens(doc, unit))
            assert max(abs(a - b) for a, b in zip(cats, fast.values(), strict=True)) < 1e-9
