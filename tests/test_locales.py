"""Every locale says everything, and says nothing the code never asks for."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import yaml

from flows.questions import LANGUAGES
from flows.render import dynamic_keys

REPO = Path(__file__).resolve().parents[1]
KEY = re.compile(r"^[a-z_]+(\.[a-zA-Z0-9_\-]+)+$")
# what flows.render passes to the fmt.* patterns
FMT_FIELDS = {"month", "month_name", "day", "weekday", "time", "hour", "hour12", "minute", "ampm"}
FMT_FIELDS |= {"start", "end", "text"}


def _load(locale: str) -> dict[str, str]:
    return yaml.safe_load((REPO / "locales" / f"{locale}.yaml").read_text(encoding="utf-8"))


def _literal_keys(known: set[str]) -> set[str]:
    found: set[str] = set()
    for folder in ("bot", "flows", "handoff"):
        for path in (REPO / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if (
                    isinstance(node, ast.Constant)
                    and isinstance(node.value, str)
                    and node.value in known
                ):
                    found.add(node.value)
                if (
                    isinstance(node, ast.JoinedStr)
                    and node.values
                    and isinstance(node.values[0], ast.Constant)
                ):
                    # f"crisis.{level}.{category}": every key under that head may be asked for;
                    # the heads built from questions and options are checked exactly by dynamic_keys
                    head = str(node.values[0].value)
                    if head.endswith(".") and head not in ("opt.", "q.", "section.", "label."):
                        found |= {k for k in known if k.startswith(head)}
    return found


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_locale_has_every_key_with_the_same_placeholders() -> None:
    reference = _load("ja")
    for locale in LANGUAGES:
        catalog = _load(locale)
        assert set(catalog) == set(reference), (
            f"{locale}: missing {set(reference) - set(catalog)}, extra {set(catalog) - set(reference)}"
        )
        for key, text in reference.items():
            if key.startswith("fmt."):  # each locale's own date pattern, from the same values
                assert _fields(catalog[key]) <= FMT_FIELDS, f"{locale}:{key} unknown field"
                continue
            assert _fields(catalog[key]) == _fields(text), f"{locale}:{key} placeholders differ"


def test_no_key_is_missing_or_unused() -> None:
    known = set(_load("ja"))
    used = dynamic_keys() | _literal_keys(known)
    assert dynamic_keys() - known == set(), "the code asks for keys no locale has"
    assert known - used == set(), "keys no code uses (remove them or use them)"


def test_quick_reply_labels_fit_lines_limit_in_every_locale() -> None:
    for locale in LANGUAGES:
        long = {k: v for k, v in _load(locale).items() if k.startswith("opt.") and len(v) > 20}
        assert long == {}, f"{locale}: labels over 20 characters"


def test_the_bot_never_says_keep_going_or_blames() -> None:
    banned = (
        "頑張って",
        "がんばって",
        "甘え",
        "育て方",
        "なぜ働かない",
        "働くべき",
        "外に出るべき",
        "keep going",
        "you should",
    )
    for locale in LANGUAGES:
        for key, text in _load(locale).items():
            assert not any(word in text.lower() for word in banned), f"{locale}:{key}"
