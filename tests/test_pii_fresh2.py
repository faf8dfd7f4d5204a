"""The redactor on tests/data/pii_fresh2.jsonl: a second blind set written by someone who never saw the code.

70 messages (11 without PII), 282 gold spans, committed as delivered (labels untouched).  First pass,
the honest unseen estimate (rules as they stood after the fresh round): leak rate 0.1099 (31/282),
character precision 0.9993, 0 redactions in the no-PII messages; leaks PERSON 21/114, ORG 5/34,
ADDRESS 4/28, ACCOUNT 1/10.  After the general fixes (see benchmarks/pii/README.md, "Second blind
set"): leak rate 0.0035 (1/282), precision 1.0000, 0 no-PII redactions.  Asserted here: leak rate
<= 0.01 overall and 0 for PHONE/EMAIL/MY_NUMBER/POSTAL_CODE/ACCOUNT, character precision >= 0.90, at
most one redaction in the messages without PII.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FRESH2 = REPO / "tests" / "data" / "pii_fresh2.jsonl"


def test_second_blind_set_reaches_the_targets() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "pii.evaluate", str(FRESH2)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    summary = json.loads(proc.stdout.strip().splitlines()[-1])
    assert summary["messages"] >= 70
    assert summary["spans"] >= 282
    assert summary["no_pii_messages"] >= 11
    assert summary["leak_rate"] <= 0.01, proc.stdout
    for t in ("PHONE", "EMAIL", "MY_NUMBER", "POSTAL_CODE", "ACCOUNT"):
        assert summary["leak_rate_by_type"][t] == 0, (t, proc.stdout)
    assert summary["char_precision"] >= 0.90, proc.stdout
    assert summary["no_pii_redactions"] <= 1, proc.stdout
