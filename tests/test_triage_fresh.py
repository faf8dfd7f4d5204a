"""Crisis triage on the blind fresh set (tests/data/triage_fresh.jsonl), rules + classifier.

The fresh set was written by someone who never saw the rules. The classifier was trained and
its thresholds chosen without it; its first reading (rules + model) was recorded before any
rule was fixed from it. The floors below are the figures reached at the end minus a margin.
"""

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


def test_fresh_targets() -> None:
    results = [(r, assess(str(r["text"]))) for r in _records()]
    p0 = [a for r, a in results if r["level"] == "P0"]
    p01 = [a for r, a in results if r["level"] in RAISED]
    calm = [(r, a) for r, a in results if r["level"] in ("P2", "NONE")]
    p0_recall = sum(a.level == "P0" for a in p0) / len(p0)
    p01_recall = sum(a.level in RAISED for a in p01) / len(p01)
    raised = [str(r["id"]) for r, a in calm if a.level in RAISED]
    report = f"P0 {p0_recall:.3f}, P0-or-P1 {p01_recall:.3f}, raised {raised}"
    assert p0_recall >= 0.90 - 0.04, report  # reached 0.906 (29/32)
    assert p01_recall >= 0.95 - 0.03, report  # reached 0.950 (76/80)
    assert len(raised) <= 1, report  # reached 0 of 80


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
