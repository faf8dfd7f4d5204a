"""Sign-in throttling per address: each wrong password from one address makes that address wait
a little longer before its next attempt is even checked (no hard lockout anyone can trigger for
someone else). In-process: with several workers an address gets its allowance per worker, which
still turns a flood into a trickle; the account's own delay (``handoff.auth``) is shared in SQL."""

from __future__ import annotations

import time
from collections import OrderedDict

FREE_FAILURES = 10  # wrong passwords an address may make before it is slowed down
MAX_WAIT = 300.0  # seconds
FORGET_AFTER = 3600.0
MAX_ADDRESSES = 100_000


class AddressThrottle:
    def __init__(self) -> None:
        self._seen: OrderedDict[str, tuple[int, float, float]] = OrderedDict()  # fails, next, last

    def wait(self, address: str, now: float | None = None) -> float:
        """Seconds this address must still wait before an attempt is checked (0: go ahead)."""
        now = time.monotonic() if now is None else now
        entry = self._seen.get(address)
        if entry is None:
            return 0.0
        _failures, allowed_at, last = entry
        if now - last > FORGET_AFTER:
            del self._seen[address]
            return 0.0
        return max(0.0, allowed_at - now)

    def failed(self, address: str, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        failures = self._seen.pop(address, (0, 0.0, now))[0] + 1
        delay = (
            0.0 if failures < FREE_FAILURES else min(2.0 ** (failures - FREE_FAILURES), MAX_WAIT)
        )
        self._seen[address] = (failures, now + delay, now)
        while len(self._seen) > MAX_ADDRESSES:
            self._seen.popitem(last=False)

    def succeeded(self, address: str) -> None:
        self._seen.pop(address, None)
