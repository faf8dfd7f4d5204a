"""The code's shape that reviews rely on: every change to a Handoff row goes through
handoff/lifecycle.py (its conditional UPDATE, audit record and live event in one place)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PRODUCT = ("bot", "flows", "handoff")
LIFECYCLE = ROOT / "handoff" / "lifecycle.py"

# Ways to write the handoff table: Core UPDATE/DELETE on the model or its table, raw SQL, and
# ORM attribute writes on a loaded handoff (``handoff.state = …`` then ``session.add``).
WRITES = [
    re.compile(r"\b(update|delete)\(\s*Handoff\b"),
    re.compile(r"Handoff\.__table__"),
    re.compile(r"\b(UPDATE|DELETE\s+FROM)\s+handoff\b", re.IGNORECASE),
    re.compile(
        r"\bhandoff\.(state|level|claimed_by|opened_at|closed_at|live_since|"
        r"summary_json|summary_hash|contact_enc|outcome|destination|updated_at|withdrawn_at|"
        r"withdrawn_via|conversation_id|urgency_rank)\s*=[^=]"
    ),
]


def _sources() -> list[Path]:
    return sorted(p for folder in PRODUCT for p in (ROOT / folder).rglob("*.py"))


def test_only_the_lifecycle_module_writes_the_handoff_table() -> None:
    offenders = []
    for path in _sources():
        if path == LIFECYCLE or "migrations" in path.parts:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if any(p.search(line) for p in WRITES):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []


def test_the_lifecycle_module_is_where_the_writes_are() -> None:
    """The patterns above do find the writes (so the test above is not vacuous)."""
    text = LIFECYCLE.read_text(encoding="utf-8")
    assert len(re.findall(r"\bupdate\(Handoff\)", text)) >= 3
    assert re.search(r"\bdelete\(Handoff\)", text)
