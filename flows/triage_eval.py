"""Score `flows.triage.assess` on a labelled crisis corpus (crisis_dev.jsonl format).

    python -m flows.triage_eval [PATH]

Prints a confusion table, P0 recall, P0-or-P1 recall, hard negatives raised to P0/P1,
per-category accuracy and the misses (ids with gold and predicted labels, no text), then a
last line of JSON with the totals. A predicted P3 (service question) counts as gold NONE.
Exit status is 0 whatever the figures; the tests assert the targets.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from flows.triage import assess

DEFAULT_PATH = Path(__file__).resolve().parents[2] / "shared/corpus/crisis_dev.jsonl"
GOLD_LEVELS = ("P0", "P1", "P2", "NONE")
PRED_LEVELS = ("P0", "P1", "P2", "P3", "NONE")


@dataclass(frozen=True)
class Row:
    id: str
    gold_level: str
    gold_category: str
    hard_negative: bool
    pred_level: str
    pred_category: str
    rule_id: str | None
    ask: bool = False

    @property
    def caught(self) -> bool:
        """Raised to P0/P1, or met with the safety question (はい / わからない is P0 handling)."""
        return self.pred_level in ("P0", "P1") or self.ask

    @property
    def pred_as_gold(self) -> str:
        return "NONE" if self.pred_level == "P3" else self.pred_level

    @property
    def level_ok(self) -> bool:
        return self.pred_as_gold == self.gold_level

    @property
    def category_ok(self) -> bool:
        if self.gold_category == "none":
            return self.pred_as_gold == "NONE"
        return self.pred_category == self.gold_category


def load(path: Path) -> list[dict[str, object]]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def score(records: list[dict[str, object]]) -> list[Row]:
    rows = []
    for r in records:
        a = assess(str(r["text"]), info=True)
        rows.append(
            Row(
                id=str(r["id"]),
                gold_level=str(r["level"]),
                gold_category=str(r["category"]),
                hard_negative=bool(r.get("hard_negative", False)),
                pred_level=a.level or "NONE",
                pred_category=a.category or "none",
                rule_id=a.rule_id,
                ask=a.ask,
            )
        )
    return rows


def _ratio(n: int, d: int) -> float:
    return round(n / d, 4) if d else 1.0


def summarise(rows: list[Row]) -> dict[str, object]:
    p0 = [r for r in rows if r.gold_level == "P0"]
    p01 = [r for r in rows if r.gold_level in ("P0", "P1")]
    raised = [r.id for r in rows if r.hard_negative and r.pred_level in ("P0", "P1")]
    quiet = [r for r in rows if r.gold_level in ("P2", "NONE")]
    per_category: dict[str, dict[str, float | int]] = {}
    for cat in sorted({r.gold_category for r in rows}):
        mine = [r for r in rows if r.gold_category == cat]
        ok = sum(r.category_ok for r in mine)
        per_category[cat] = {"n": len(mine), "correct": ok, "accuracy": _ratio(ok, len(mine))}
    return {
        "n": len(rows),
        "level_accuracy": _ratio(sum(r.level_ok for r in rows), len(rows)),
        "p0_recall": _ratio(sum(r.pred_level == "P0" for r in p0), len(p0)),
        "p0_or_p1_recall": _ratio(sum(r.pred_level in ("P0", "P1") for r in p01), len(p01)),
        "p0_recall_with_ask": _ratio(sum(r.pred_level == "P0" or r.ask for r in p0), len(p0)),
        "p0_or_p1_recall_with_ask": _ratio(sum(r.caught for r in p01), len(p01)),
        "lookalikes_raised_share": _ratio(len(raised), sum(r.hard_negative for r in rows)),
        "asked_p2_none": sum(r.ask for r in quiet),
        "asked_p2_none_share": _ratio(sum(r.ask for r in quiet), len(quiet)),
        "hard_negatives": sum(r.hard_negative for r in rows),
        "hard_negatives_raised": len(raised),
        "hard_negatives_raised_ids": raised,
        "false_p0_p1": [
            r.id for r in rows if r.gold_level in ("P2", "NONE") and r.pred_level in ("P0", "P1")
        ],
        "per_category": per_category,
        "misses": [r.id for r in rows if not (r.level_ok and r.category_ok)],
    }


def report(rows: list[Row], summary: dict[str, object]) -> str:
    out: list[str] = []
    counts = Counter((r.gold_level, r.pred_level) for r in rows)
    out.append("confusion (rows = gold, columns = predicted)")
    out.append("gold\\pred " + "".join(f"{p:>6}" for p in PRED_LEVELS) + "   total")
    for g in GOLD_LEVELS:
        cells = "".join(f"{counts[(g, p)]:>6}" for p in PRED_LEVELS)
        total = sum(counts[(g, p)] for p in PRED_LEVELS)
        out.append(f"{g:<10}{cells}{total:>8}")
    out.append("")
    out.append(f"level accuracy (P3 counted as NONE): {summary['level_accuracy']:.3f}")
    out.append(f"P0 recall:                    {summary['p0_recall']:.3f}")
    out.append(f"P0-or-P1 recall:              {summary['p0_or_p1_recall']:.3f}")
    out.append(f"P0 recall, asking counted:    {summary['p0_recall_with_ask']:.3f}")
    out.append(f"P0-or-P1, asking counted:     {summary['p0_or_p1_recall_with_ask']:.3f}")
    out.append(
        f"P2/NONE asked the safety question: {summary['asked_p2_none']}"
        f" ({summary['asked_p2_none_share']:.3f})"
    )
    raised = summary["hard_negatives_raised_ids"]
    out.append(
        f"hard negatives raised to P0/P1: {summary['hard_negatives_raised']}"
        f" of {summary['hard_negatives']} ({summary['lookalikes_raised_share']:.3f})"
        f" {raised if raised else ''}".rstrip()
    )
    out.append(f"P2/NONE raised to P0/P1:       {summary['false_p0_p1']}")
    out.append("")
    out.append("per-category accuracy (category right; for none: level NONE or P3)")
    per_category = summary["per_category"]
    assert isinstance(per_category, dict)
    for cat, v in per_category.items():
        out.append(f"  {cat:<18} {v['correct']:>3}/{v['n']:<3} {v['accuracy']:.2f}")
    out.append("")
    misses = [r for r in rows if not (r.level_ok and r.category_ok)]
    out.append(f"misses ({len(misses)}): id gold -> predicted [rule]")
    for r in misses:
        hn = " (hard negative)" if r.hard_negative else ""
        out.append(
            f"  {r.id} {r.gold_level}/{r.gold_category} -> {r.pred_level}/{r.pred_category}"
            f" [{r.rule_id}]{hn}"
        )
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    path = Path(args[0]) if args else DEFAULT_PATH
    rows = score(load(path))
    summary = summarise(rows)
    print(report(rows, summary))
    totals = {k: v for k, v in summary.items() if k != "per_category"}
    per_category = summary["per_category"]
    assert isinstance(per_category, dict)
    totals["per_category_accuracy"] = {k: v["accuracy"] for k, v in per_category.items()}
    print(json.dumps(totals, ensure_ascii=False, sort_keys=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
