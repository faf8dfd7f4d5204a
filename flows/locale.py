"""Every sentence the bot says, by key, per locale (``locales/<locale>.yaml``)."""

from __future__ import annotations

import os
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from flows.questions import LANGUAGES


def locales_dir() -> Path:
    override = os.environ.get("TOBIRA_LOCALES_DIR")
    candidates = [Path(override)] if override else []
    candidates += [
        Path(__file__).resolve().parents[1] / "locales",
        Path(sys.prefix) / "share" / "tobira" / "locales",
    ]
    for path in candidates:
        if (path / "ja.yaml").is_file():
            return path
    raise SystemExit("locales/ not found: set TOBIRA_LOCALES_DIR to the folder holding ja.yaml")


@lru_cache(maxsize=len(LANGUAGES))
def catalog(locale: str) -> dict[str, str]:
    if locale not in LANGUAGES:
        locale = "ja"
    data = yaml.safe_load((locales_dir() / f"{locale}.yaml").read_text(encoding="utf-8"))
    return {str(k): str(v) for k, v in data.items()}


def t(locale: str, key: str, **params: Any) -> str:
    """The sentence ``key`` in ``locale`` (Japanese when a locale lacks it; tests forbid that)."""
    text = catalog(locale).get(key) or catalog("ja")[key]
    return text.format(**params) if params else text
