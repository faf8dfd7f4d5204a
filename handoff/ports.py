"""What the handoff side needs from the rest of the app, as typed ports.

``bot`` implements them and hands them to the console at start-up (``console.Services``), so the
runtime loop handoff → bot is visible to mypy and nothing here imports ``bot``."""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Protocol, TypedDict

from sqlmodel.ext.asyncio.session import AsyncSession


class TranscriptTurn(TypedDict):
    role: str
    text: str | None
    code: str | None
    at: dt.datetime


class ResidentLink(Protocol):
    """The conversation behind a handoff (``bot.service.ConversationService``)."""

    async def deliver(self, conversation_id: str, messages: list[str], staff: str = ...) -> bool:
        """Send a caseworker's messages on the resident's channel; False if they cannot arrive."""
        ...

    async def return_to_bot(self, conversation_id: str) -> bool:
        """The bot speaks again and waits at its open question."""
        ...

    async def transcript(self, conversation_id: str) -> list[TranscriptTurn]:
        """The stored (redacted) turns, oldest first."""
        ...

    async def ask_transfer(self, conversation_id: str, agency_id: str) -> bool:
        """Ask the resident, through the bot, whether the summary may go to that agency."""
        ...

    async def offer_followup(self, conversation_id: str) -> bool:
        """The handoff closed: the bot says so and asks whether it may check in later."""
        ...


class CrisisCard(TypedDict):
    """A person in danger who has not consented to a handoff: codes and times, never text."""

    conversation_id: str
    level: str
    category: str
    channel: str
    at: dt.datetime


class CrisisDesk(Protocol):
    """Alert cards and writing to a person in danger (``bot.crisis_desk.CrisisDesk``); the
    basis is APPI Art. 27(1)(ii), protecting life (docs/PRIVACY-CRISIS.md)."""

    async def cards(self) -> list[CrisisCard]:
        """People in danger without a handoff, newest first."""
        ...

    async def reach(self, conversation_id: str, messages: list[str], staff: str) -> bool:
        """Write to the person through the bot, which first says a caseworker is reading."""
        ...


class Sessions(Protocol):
    """The SQL handle (``bot.db.Database``): a session that commits on success."""

    def session(self) -> contextlib.AbstractAsyncContextManager[AsyncSession]: ...


class Decrypter(Protocol):
    """Opens contact details stored encrypted (``bot.crypto.Keys``)."""

    def decrypt(self, token: str) -> str | None: ...
