"""Deleting what is kept about a person: at once when they ask (削除) or unfollow on LINE, and
after the city's retention days for conversations that never reached a handoff."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from sqlalchemy import delete
from sqlmodel import col, select

from bot.db import Database
from bot.models import Conversation, ResumeCode, Turn
from handoff import lifecycle
from handoff.live import LiveHub
from handoff.models import Handoff

log = logging.getLogger("tobira.service")


async def find(db: Database, key_hash: str) -> Conversation | None:
    async with db.session() as s:
        return (await s.exec(select(Conversation).where(Conversation.key_hash == key_hash))).first()


async def delete_conversation(
    db: Database, saver: Any, live: LiveHub, conversation_id: str, reason: str
) -> None:
    """The turns, resume codes, the consents and handoffs (audited), the conversation, its checkpoints."""
    async with db.session() as s:
        await s.exec(delete(Turn).where(col(Turn.conversation_id) == conversation_id))  # type: ignore[call-overload]
        await s.exec(delete(ResumeCode).where(col(ResumeCode.conversation_id) == conversation_id))  # type: ignore[call-overload]
        handoff_ids = await lifecycle.erase(s, conversation_id, reason)
        await s.exec(delete(Conversation).where(col(Conversation.id) == conversation_id))  # type: ignore[call-overload]
    await saver.adelete_thread(conversation_id)
    await lifecycle.announce_erased(live, handoff_ids)
    log.info("conversation deleted conv=%s reason=%s", conversation_id[:8], reason)


async def expired(db: Database, now: dt.datetime, retention_days: int) -> list[str]:
    """Conversations inactive for the retention days that never reached a handoff."""
    cutoff = now - dt.timedelta(days=retention_days)
    async with db.session() as s:
        handed = select(Handoff.conversation_id)
        return list(
            (
                await s.exec(
                    select(Conversation.id)
                    .where(col(Conversation.last_active_at) < cutoff)
                    .where(col(Conversation.id).not_in(handed))
                )
            ).all()
        )
