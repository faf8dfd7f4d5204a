"""Crisis triage on messages written apart from the dev corpus (tests/data/triage_unseen.jsonl).

The rules were tuned with the dev set open; this set estimates how they do on new wording:
everyday messages of the service (withdrawal, money, illness, 親亡き後, questions, harmless
uses of 死/倒れ/包丁/薬/電気/ロープ) and real signals of every CRISIS.md category.
Same record format as crisis_dev.jsonl; ids u001….
"""

from __future__ import annotations

import json
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data/triage_unseen.jsonl"
RAISED = ("P0", "P1")  # figures: tests/test_triage_sets.py


def _records() -> list[dict[str, object]]:
    with DATA.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def test_unseen_set_is_well_formed() -> None:
    records = _records()
    assert [r["id"] for r in records] == [f"u{i:03d}" for i in range(1, len(records) + 1)]
    for r in records:
        assert set(r) == {"id", "text", "level", "category", "hard_negative", "why"}
        assert r["level"] in ("P0", "P1", "P2", "NONE")
        assert not (r["hard_negative"] and r["level"] in RAISED)
