"""A resident talking to the real conversation service, choosing buttons by label or code."""

from __future__ import annotations

import datetime as dt
from typing import Any

from bot.messages import Inbound, Reply
from tests.conftest import DAYTIME


class Resident:
    def __init__(
        self,
        service: Any,
        address: str = "resident-1",
        channel: str = "web",
        at: dt.datetime = DAYTIME,
    ) -> None:
        self.service = service
        self.address = address
        self.channel = channel
        self.now = at
        self.reply: Reply | None = None
        self.seen: list[str] = []

    def _tick(self) -> dt.datetime:
        self.now += dt.timedelta(seconds=30)
        return self.now

    async def _send(self, **kwargs: Any) -> Reply:
        self.reply = await self.service.handle(
            Inbound(self.channel, self.address, self._tick(), **kwargs)
        )
        self.seen.extend(self.reply.messages)
        return self.reply

    async def say(self, text: str) -> Reply:
        return await self._send(text=text)

    async def tap(self, code: str) -> Reply:
        assert self.reply is not None
        offered = [o.code for o in self.reply.options]
        assert code in offered, (
            f"{code} not offered; offered: {offered}\nlast: {self.reply.messages}"
        )
        return await self._send(code=code)

    async def choose(self, label: str) -> Reply:
        """Press the button whose label is ``label`` (as a person would)."""
        assert self.reply is not None
        for option in self.reply.options:
            if option.label == label:
                return await self._send(code=option.code)
        raise AssertionError(
            f"no button {label!r}; buttons: {[o.label for o in self.reply.options]}"
        )

    async def settle_safety(self) -> Reply | None:
        """When the bot asked the safety question (it asks when unsure, e.g. on messages that
        are mostly Latin letters, code or addresses: flows/triage.py), answer いいえ as a
        resident who is safe would. Only tests that are not about triage call this."""
        if self.reply is not None and "safety:no" in self.codes:
            return await self.tap("safety:no")
        return None

    async def follow(self) -> Reply:
        return await self._send(event="follow")

    def wait(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)

    @property
    def text(self) -> str:
        assert self.reply is not None
        return "\n".join(self.reply.messages)

    @property
    def codes(self) -> list[str]:
        assert self.reply is not None
        return [o.code for o in self.reply.options]

    @property
    def question(self) -> str | None:
        """The open question, read from the quick replies (``a:<question>:...``)."""
        for code in self.codes:
            if code.startswith("a:"):
                return code.split(":")[1]
        return None

    async def skip_until(self, question: str, limit: int = 40) -> None:
        """Answer 答えたくない (or これで全部 / the first choice where there is no skip) until ``question``."""
        for _ in range(limit):
            if self.question == question:
                return
            if "u:skip" in self.codes:
                await self.tap("u:skip")
            elif "m:done" in self.codes:
                await self.tap("m:done")
            else:
                await self.tap(next(c for c in self.codes if c.startswith("a:")))
        raise AssertionError(f"never reached {question}; at {self.question}")
