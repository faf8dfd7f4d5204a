"""Logging set-up: every log record is scrubbed as it is made, so no record carries resident text,
whichever logger or handler (ours, uvicorn's, a library's) it goes through."""

from __future__ import annotations

import logging
from typing import Any

from pii import NoTextFilter

_installed = False


def install_log_privacy() -> None:
    global _installed
    if _installed:
        return
    scrub = NoTextFilter()
    make_record = logging.getLogRecordFactory()

    def scrubbed_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = make_record(*args, **kwargs)
        scrub.filter(record)
        return record

    logging.setLogRecordFactory(scrubbed_record)
    # Presidio logs every recognizer call at DEBUG: noise, and never needed in production
    logging.getLogger("presidio-analyzer").setLevel(logging.WARNING)
    _installed = True
