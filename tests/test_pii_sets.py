"""The redactor on the evaluation sets written after the dev corpus, beside the dev figures.

- ``pii_unseen.jsonl`` (83 messages): written by us after the dev round; first pass leak 0.067.
- ``pii_fresh.jsonl`` (70 messages, 259 spans): a blind set by someone who never saw the code,
  committed as delivered; first pass leak 0.0618.
- ``pii_fresh2.jsonl`` (70 messages, 282 spans): a second blind set; first pass leak 0.1099
  (PERSON 21/114, ORG 5/34, ADDRESS 4/28, ACCOUNT 1/10).

The first passes are the honest estimate for new messages (benchmarks/pii/README.md); the sets were
then used for general fixes, and the floors below keep those fixes from sliding back.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "tests" / "data"

SETS = [  # file, messages, spans, no-PII messages, leak-rate ceiling
    ("pii_unseen.jsonl", 80, 200, 10, 0.03),
    ("pii_fresh.jsonl", 70, 259, 10, 0.02),
    ("pii_fresh2.jsonl", 70, 282, 11, 0.01),
]


@pytest.mark.parametrize(("name", "messages", "spans", "no_pii", "ceiling"), SETS)
def test_evaluation_set_stays_at_its_figures(
    name: str, messages: int, spans: int, no_pii: int, ceiling: float
) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "pii.evaluate", str(DATA / name)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    summary = json.loads(proc.stdout.strip().splitlines()[-1])
    assert summary["messages"] >= messages and summary["spans"] >= spans
    assert summary["no_pii_messages"] >= no_pii
    assert summary["leak_rate"] <= ceiling, proc.stdout
    for kind in ("PHONE", "EMAIL", "MY_NUMBER", "POSTAL_CODE", "ACCOUNT"):
        assert summary["leak_rate_by_type"][kind] == 0, (kind, proc.stdout)
    assert summary["char_precision"] >= 0.90, proc.stdout
    assert summary["no_pii_redactions"] <= 1, proc.stdout
