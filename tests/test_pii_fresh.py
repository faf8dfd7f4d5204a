"""The redactor on tests/data/pii_fresh.jsonl: a blind set written by someone who never saw the code.

The file was delivered after the dev and unseen rounds and committed as is (labels untouched); its
first-pass figures (leak rate 0.0618) are the honest unseen estimate, see benchmarks/pii/README.md,
"Fresh blind set".  After the general fixes the targets are: leak rate <= 0.02 overall and 0 for
PHONE/EMAIL/MY_NUMBER/POSTAL_CODE/ACCOUNT, character precision >= 0.90, at most one redaction in
the messages without PII.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FRESH = REPO / "tests" / "data" / "pii_fresh.jsonl"


def test_fresh_set_reaches_the_targets() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "pii.evaluate", str(FRESH)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    summary = json.loads(proc.stdout.strip().splitlines()[-1])
    assert summary["messages"] >= 70
    assert summary["spans"] >= 259
    assert summary["no_pii_messages"] >= 10
    assert summary["leak_rate"] <= 0.02, proc.stdout
    for t in ("PHONE", "EMAIL", "MY_NUMBER", "POSTAL_CODE", "ACCOUNT"):
        assert summary["leak_rate_by_type"][t] == 0, (t, proc.stdout)
    assert summary["char_precision"] >= 0.90, proc.stdout
    assert summary["no_pii_redactions"] <= 1, proc.stdout
