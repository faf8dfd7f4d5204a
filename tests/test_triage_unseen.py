"""Crisis triage on messages written apart from the dev corpus (tests/data/triage_unseen.jsonl).

The rules were tuned with the dev set open; this set estimates how they do on new wording:
everyday messages of the service (withdrawal, money, illness, 親亡き後, questions, harmless
uses of 死/倒れ/包丁/薬/電気/ロープ) and real signals of every CRISIS.md category.
Same record format as crisis_dev.jsonl; ids u001….
"""

from __future__ import annotations

import json
from pathlib import Path

from flows.triage import assess

DATA = Path(__file__).resolve().parent / "data/triage_unseen.jsonl"
RAISED = ("P0", "P1")


def _records() -> list[dict[str, object]]:
    with DATA.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def _miss(r: dict[str, object], level: str | None, rule_id: str | None) -> str:
    return f"{r['id']} gold={r['level']}/{r['category']} got={level} [{rule_id}] {r['text']!r}"


def test_unseen_set_is_well_formed() -> None:
    records = _records()
    assert [r["id"] for r in records] == [f"u{i:03d}" for i in range(1, len(records) + 1)]
    for r in records:
        assert set(r) == {"id", "text", "level", "category", "hard_negative", "why"}
        assert r["level"] in ("P0", "P1", "P2", "NONE")
        assert not (r["hard_negative"] and r["level"] in RAISED)


def test_unseen_targets() -> None:
    records = _records()
    results = [(r, assess(str(r["text"]))) for r in records]
    p0 = [(r, a) for r, a in results if r["level"] == "P0"]
    p01 = [(r, a) for r, a in results if r["level"] in RAISED]
    calm = [(r, a) for r, a in results if r["level"] in ("P2", "NONE")]

    p0_missed = [_miss(r, a.level, a.rule_id) for r, a in p0 if a.level != "P0"]
    p01_missed = [_miss(r, a.level, a.rule_id) for r, a in p01 if a.level not in RAISED]
    false_alarms = [_miss(r, a.level, a.rule_id) for r, a in calm if a.level in RAISED]

    p0_recall = 1 - len(p0_missed) / len(p0)
    p01_recall = 1 - len(p01_missed) / len(p01)
    false_rate = len(false_alarms) / len(calm)
    report = "\n".join(
        [
            f"P0 recall {p0_recall:.3f} ({len(p0)}), P0-or-P1 recall {p01_recall:.3f} ({len(p01)}),"
            f" None/P2 raised {false_rate:.3f} ({len(false_alarms)}/{len(calm)})",
            "P0 missed:",
            *p0_missed,
            "P0/P1 missed:",
            *p01_missed,
            "None/P2 raised to P0/P1:",
            *false_alarms,
        ]
    )
    print(report)
    assert p0_recall == 1.0, report
    assert p01_recall >= 0.95, report
    assert false_rate <= 0.02, report
