"""Searching stored bytes for what a resident typed."""

from __future__ import annotations

import re


def holds(blob: bytes, secret: str) -> bool:
    """Whether ``blob`` (a database dump, a file, captured logs) holds ``secret``. A short run of
    digits — a piece of a phone number — counts only as a number of its own, not inside a
    longer run of letters and digits: random ids, hashes and timestamps in a dump contain any
    four digits by chance (a PostgreSQL dump once held "5926" inside an id)."""
    raw = secret.encode()
    if secret.isdigit() and len(secret) <= 6:
        pattern = rb"(?<![0-9A-Za-z])" + re.escape(raw) + rb"(?![0-9A-Za-z])"
        return re.search(pattern, blob) is not None
    return raw in blob
