"""Logging set-up: every handler gets the privacy filter, so no record carries resident text."""

from __future__ import annotations

import logging

_installed = False


def install_log_privacy() -> None:
    global _installed
    if _installed:
        return
    try:
        from pii import NoTextFilter  # type: ignore[attr-defined]
    except ImportError:  # the interim pii package has no filter yet
        return
    root = logging.getLogger()
    privacy = NoTextFilter()
    root.addFilter(privacy)
    for handler in root.handlers:
        handler.addFilter(privacy)
    _installed = True
