"""The console's side of the crisis conversation (``handoff.ports.CrisisDesk``): a person in
danger appears in the queue at once as an alert card, even without consent, and a caseworker
can write to them through the bot.

A card holds the level, the category, the channel and the time — never the person's words, never
a summary (APPI Art. 27(1)(ii): telling staff that a life may be in danger; docs/PRIVACY-CRISIS.md).
The bot's first words before a caseworker's are that a 相談員 is now reading."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Protocol

from sqlmodel import col, select

from bot import crisis
from bot.db import Database
from bot.models import Conversation
from flows.locale import t
from handoff.models import ACTIVE_STATES, Handoff, utcnow
from handoff.ports import CrisisCard

SHOWN_FOR = dt.timedelta(days=3)  # a card stays while the person was active this recently
CARD_CATEGORIES = frozenset({"lifeline"})  # P1s someone must act on (who acts, and when)


class Deliverer(Protocol):
    async def deliver(
        self, conversation_id: str, messages: list[str], staff: str = "staff"
    ) -> bool: ...


def shows_card(level: str | None, flags: str, stage: str | None) -> bool:
    """A P0, a person the bot is staying with, or a lifeline emergency."""
    return level == "P0" or stage == crisis.WITH or bool(CARD_CATEGORIES & set(flags.split(",")))


class CrisisDesk:
    def __init__(
        self, db: Database, link: Deliverer, clock: Callable[[], dt.datetime] = utcnow
    ) -> None:
        self.db = db
        self.link = link
        self.clock = clock

    async def cards(self) -> list[CrisisCard]:
        since = self.clock() - SHOWN_FOR
        async with self.db.session() as s:
            held = select(Handoff.conversation_id).where(col(Handoff.state).in_(ACTIVE_STATES))
            rows = (
                await s.exec(
                    select(Conversation)
                    .where(col(Conversation.crisis_level).in_(("P0", "P1")))
                    .where(col(Conversation.last_active_at) >= since)
                    .where(col(Conversation.id).not_in(held))
                    .order_by(
                        col(Conversation.crisis_level), col(Conversation.last_active_at).desc()
                    )
                )
            ).all()
        return [
            CrisisCard(
                conversation_id=c.id,
                level=c.crisis_level or "P0",
                category=_category(c.crisis_flags),
                channel=c.channel,
                at=c.crisis_first_at or c.created_at,
            )
            for c in rows
            if shows_card(c.crisis_level, c.crisis_flags, c.crisis_stage)
        ]

    async def reach(self, conversation_id: str, messages: list[str], staff: str) -> bool:
        async with self.db.session() as s:
            conv = await s.get(Conversation, conversation_id)
        if conv is None or not shows_card(conv.crisis_level, conv.crisis_flags, conv.crisis_stage):
            return False
        intro = t(conv.locale, "crisis.staff_reading")
        return await self.link.deliver(conversation_id, [intro, *messages], staff)


def _category(flags: str) -> str:
    """The most severe category on the conversation (the order of bot.crisis.CARD_ORDER)."""
    present = set(flags.split(","))
    for category in crisis.CARD_ORDER:
        if category in present:
            return category
    return ""
