"""The redactor on tests/data/pii_unseen.jsonl: messages written after the rules were tuned on the dev set.

The file was written without looking at the dev corpus (see benchmarks/pii/README.md, "Unseen set");
it is the honest check that the rules generalise.  Targets: leak rate <= 0.03 overall and 0 for
PHONE/EMAIL/MY_NUMBER/POSTAL_CODE/ACCOUNT, character precision >= 0.90, at most one redaction in
the messages without PII.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
UNSEEN = REPO / "tests" / "data" / "pii_unseen.jsonl"


def test_unseen_set_reaches_the_targets() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "pii.evaluate", str(UNSEEN)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    summary = json.loads(proc.stdout.strip().splitlines()[-1])
    assert summary["messages"] >= 80
    assert summary["no_pii_messages"] >= 10
    assert summary["leak_rate"] <= 0.03, proc.stdout
    for t in ("PHONE", "EMAIL", "MY_NUMBER", "POSTAL_CODE", "ACCOUNT"):
        assert summary["leak_rate_by_type"][t] == 0, (t, proc.stdout)
    assert summary["char_precision"] >= 0.90, proc.stdout
    assert summary["no_pii_redactions"] <= 1, proc.stdout
