"""Size limits that keep each product module readable in one sitting (issue 8): no function over
80 lines, no module over 600 lines, except the listed rule and data tables."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("bot", "flows", "handoff", "pii")
FUNCTION_LIMIT = 80
MODULE_LIMIT = 600

# Modules allowed over MODULE_LIMIT lines, each with its reason.
MODULE_EXCEPTIONS = {
    "flows/triage_rules.py": "rule table: the crisis wording patterns, one entry per rule",
}
# Functions allowed over FUNCTION_LIMIT lines, as "path:name", each with its reason.
FUNCTION_EXCEPTIONS: dict[str, str] = {}
# Folders that are data, not code: Alembic migrations are frozen history, one schema per file.
DATA_FOLDERS = ("migrations",)


def _sources() -> list[Path]:
    return sorted(
        path
        for package in PACKAGES
        for path in (ROOT / package).rglob("*.py")
        if not set(DATA_FOLDERS) & set(path.relative_to(ROOT).parts)
    )


def _name(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def test_no_product_module_is_over_the_limit() -> None:
    offenders = {
        f"{_name(path)}: {lines} lines"
        for path in _sources()
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MODULE_LIMIT
        and _name(path) not in MODULE_EXCEPTIONS
    }
    assert offenders == set()


def test_no_product_function_is_over_the_limit() -> None:
    offenders = set()
    for path in _sources():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            lines = (node.end_lineno or node.lineno) - node.lineno + 1
            key = f"{_name(path)}:{node.name}"
            if lines > FUNCTION_LIMIT and key not in FUNCTION_EXCEPTIONS:
                offenders.add(f"{key}: {lines} lines")
    assert offenders == set()


def test_the_exceptions_are_still_needed() -> None:
    """An exception that no longer applies is removed, so the list stays honest."""
    modules = {_name(p): len(p.read_text(encoding="utf-8").splitlines()) for p in _sources()}
    assert {m for m in MODULE_EXCEPTIONS if modules.get(m, 0) <= MODULE_LIMIT} == set()
    sizes: dict[str, int] = {}
    for path in _sources():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                key = f"{_name(path)}:{node.name}"
                size = (node.end_lineno or node.lineno) - node.lineno + 1
                sizes[key] = max(sizes.get(key, 0), size)
    assert {f for f in FUNCTION_EXCEPTIONS if sizes.get(f, 0) <= FUNCTION_LIMIT} == set()
