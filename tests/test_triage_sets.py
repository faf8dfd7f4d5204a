"""Crisis triage on the evaluation sets written apart from the dev corpus, rules + classifier.

- ``triage_unseen.jsonl`` (u001–u281): written by us; first pass P0 recall 0.72, P0-or-P1 0.82,
  9.7 % of NONE/P2 raised. It is also the classifier's training data with the dev set.
- ``triage_fresh.jsonl`` (f001–f160): blind (its writer never saw the rules); first pass rules only
  P0 0.656 / P0-or-P1 0.688; rules + classifier 0.719 / 0.800, 3 of 80 raised.
- ``triage_fresh2.jsonl`` (g001–g160): a second blind set; first pass 0.8125 / 0.8375, 2 of 80
  raised (g019 song lyrics, g135 prescribed medicine not working).

The first passes are the honest estimate for new messages; the sets were then used for general
fixes (vocabulary families, not sentences), and the floors below keep them from sliding back.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from flows.triage import assess

DATA = Path(__file__).resolve().parent / "data"
RAISED = ("P0", "P1")

# file, P0 floor, P0-or-P1 floor, NONE/P2 raised to P0/P1 at most. A message met with the safety
# question (`ask`: はい / わからない is P0 handling) counts as caught: since the sentence model,
# what the model alone finds is asked about rather than alarmed about.
SETS = [
    ("triage_unseen.jsonl", 1.0, 0.95, 2),
    ("triage_fresh.jsonl", 0.90, 0.92, 1),
    ("triage_fresh2.jsonl", 0.96, 0.97, 1),
    # the two earlier frozen blind test splits (tests/data/triage_blind/test*.jsonl): scored many
    # times, so since round 3 they train the model too (flows.triage_train) — these are in-sample
    # regression floors, not estimates; the honest figures are the trainer's cross-validation and
    # the lead's new frozen split (benchmarks/triage/README.md)
    ("triage_blind/test.jsonl", 0.98, 0.95, 6),
    ("triage_blind/test_v2.jsonl", 0.97, 0.94, 7),
]


def _records(name: str) -> list[dict[str, object]]:
    with (DATA / name).open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def _line(r: dict[str, object], level: str | None, rule_id: str | None) -> str:
    """A miss by id and labels; never the text (a frozen test split's texts stay unread)."""
    return f"{r['id']} gold={r['level']}/{r['category']} got={level} [{rule_id}]"


@pytest.mark.parametrize(("name", "p0_floor", "p01_floor", "raised_at_most"), SETS)
def test_evaluation_set_stays_at_its_figures(
    name: str, p0_floor: float, p01_floor: float, raised_at_most: int
) -> None:
    records = _records(name)
    assert all(
        {"id", "text", "level", "category", "hard_negative", "why"} <= set(r) for r in records
    )
    results = [(r, assess(str(r["text"]))) for r in records]
    p0 = [(r, a) for r, a in results if r["level"] == "P0"]
    p01 = [(r, a) for r, a in results if r["level"] in RAISED]
    p0_missed = [_line(r, a.level, a.rule_id) for r, a in p0 if a.level != "P0" and not a.ask]
    p01_missed = [
        _line(r, a.level, a.rule_id) for r, a in p01 if a.level not in RAISED and not a.ask
    ]
    raised = [
        _line(r, a.level, a.rule_id)
        for r, a in results
        if r["level"] in ("P2", "NONE") and a.level in RAISED
    ]
    p0_recall = 1 - len(p0_missed) / len(p0)
    p01_recall = 1 - len(p01_missed) / len(p01)
    report = "\n".join(
        [
            f"{name}: P0 {p0_recall:.3f}, P0-or-P1 {p01_recall:.3f}, raised {len(raised)}",
            *p0_missed,
            *p01_missed,
            *raised,
        ]
    )
    assert p0_recall >= p0_floor, report
    assert p01_recall >= p01_floor, report
    assert len(raised) <= raised_at_most, report
