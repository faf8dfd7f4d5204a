"""Evaluate the redactor on a labelled corpus: ``python -m pii.evaluate CORPUS.jsonl [--quiet]``.

Corpus format: one JSON object per line with ``id``, ``text`` and ``entities`` (``start``/``end``
as Python string indices, ``type``), as in ../shared/corpus/pii_dev.jsonl.

Printed: per-type recall (gold spans fully removed, and removed with the right type), leak rate
(a gold span leaks when any of its characters survives redaction), character precision (redacted
characters that belong to a gold span / all redacted characters), the redactions made in messages
without PII, and the list of leaks.  The last line is machine-readable JSON with the totals.
Leaked values are printed because the corpus is synthetic; do not run this on real messages.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from pii.recognizers import ENTITY_TYPES
from pii.redactor import Redactor


def evaluate(records: list[dict[str, Any]], redactor: Redactor) -> dict[str, Any]:
    total: Counter[str] = Counter()
    leaked: Counter[str] = Counter()
    typed: Counter[str] = Counter()
    redacted_chars = 0
    redacted_gold_chars = 0
    leaks: list[dict[str, Any]] = []
    no_pii: list[dict[str, Any]] = []
    over: list[dict[str, Any]] = []
    for rec in records:
        text = rec["text"]
        preds = redactor.analyze(text)
        covered = [False] * len(text)
        ptype: list[str | None] = [None] * len(text)
        for p in preds:
            for i in range(p.start, p.end):
                covered[i] = True
                ptype[i] = p.type
        gold = [False] * len(text)
        for g in rec["entities"]:
            total[g["type"]] += 1
            for i in range(g["start"], g["end"]):
                gold[i] = True
            survived = "".join(text[i] for i in range(g["start"], g["end"]) if not covered[i])
            if survived.strip():
                leaked[g["type"]] += 1
                leaks.append(
                    {"id": rec["id"], "type": g["type"], "value": g["value"], "survived": survived}
                )
            elif all(
                ptype[i] == g["type"] for i in range(g["start"], g["end"]) if not text[i].isspace()
            ):
                typed[g["type"]] += 1
        for p in preds:
            n = sum(1 for i in range(p.start, p.end) if not text[i].isspace())
            ng = sum(1 for i in range(p.start, p.end) if not text[i].isspace() and gold[i])
            redacted_chars += n
            redacted_gold_chars += ng
            if ng < n:
                over.append(
                    {
                        "id": rec["id"],
                        "type": p.type,
                        "value": text[p.start : p.end],
                        "extra": "".join(
                            text[i] for i in range(p.start, p.end) if not gold[i]
                        ).strip(),
                    }
                )
        if not rec["entities"]:
            for p in preds:
                no_pii.append({"id": rec["id"], "type": p.type, "value": text[p.start : p.end]})
    n_spans = sum(total.values())
    n_leaked = sum(leaked.values())
    types = [t for t in ENTITY_TYPES if total[t]]
    return {
        "messages": len(records),
        "spans": n_spans,
        "leaked": n_leaked,
        "leak_rate": round(n_leaked / n_spans, 4) if n_spans else 0.0,
        "spans_by_type": {t: total[t] for t in types},
        "leak_rate_by_type": {t: round(leaked[t] / total[t], 4) for t in types},
        "recall_by_type": {t: round(1 - leaked[t] / total[t], 4) for t in types},
        "typed_recall_by_type": {t: round(typed[t] / total[t], 4) for t in types},
        "char_precision": round(redacted_gold_chars / redacted_chars, 4) if redacted_chars else 1.0,
        "no_pii_messages": sum(1 for r in records if not r["entities"]),
        "no_pii_redactions": len(no_pii),
        "_no_pii": no_pii,
        "_leaks": leaks,
        "_over": over,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m pii.evaluate", description=__doc__.splitlines()[0])
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--over", action="store_true", help="also list over-redacted spans")
    args = ap.parse_args(argv)
    records = [
        json.loads(line)
        for line in args.corpus.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    res = evaluate(records, Redactor())
    print(f"messages {res['messages']}  gold spans {res['spans']}  leaked {res['leaked']}")
    print(f"{'type':<12}{'spans':>6}{'recall':>8}{'typed':>8}{'leak':>8}")
    for t, rate in res["leak_rate_by_type"].items():
        print(
            f"{t:<12}{res['spans_by_type'][t]:>6}{res['recall_by_type'][t]:>8.3f}"
            f"{res['typed_recall_by_type'][t]:>8.3f}{rate:>8.3f}"
        )
    print(
        f"overall leak rate {res['leak_rate']:.4f}   character precision {res['char_precision']:.4f}"
    )
    print(
        f"redactions in the {res['no_pii_messages']} messages without PII: {res['no_pii_redactions']}"
    )
    for r in res["_no_pii"]:
        print(f"  {r['id']} {r['type']} {r['value']!r}")
    print(f"leaks ({len(res['_leaks'])}):")
    for r in res["_leaks"]:
        print(f"  {r['id']} {r['type']:<11} {r['value']!r}  survived {r['survived']!r}")
    if args.over:
        print(f"over-redactions ({len(res['_over'])}):")
        for r in res["_over"]:
            print(f"  {r['id']} {r['type']:<11} {r['value']!r}  extra {r['extra']!r}")
    summary = {k: v for k, v in res.items() if not k.startswith("_")}
    print(json.dumps(summary, ensure_ascii=False, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
