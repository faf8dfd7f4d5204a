"""SQL tables of the conversation side: conversations and their redacted turns, processed events.

Nothing here holds resident text as typed: `Turn.text` is the redacted text, and a LINE user id
exists only as a keyed hash (`Conversation.key_hash`) plus an encrypted copy for pushes."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from handoff.models import new_id, utcnow


class Conversation(SQLModel, table=True):
    # the console's crisis alert cards: P0/P1 conversations active lately (bot.crisis_desk)
    __table_args__ = (Index("ix_conversation_crisis", "crisis_level", "last_active_at"),)

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    key_hash: str = Field(index=True, unique=True, max_length=64)
    channel: str = Field(max_length=16)
    locale: str = Field(default="ja", max_length=8)
    created_at: dt.datetime = Field(default_factory=utcnow)
    last_active_at: dt.datetime = Field(default_factory=utcnow, index=True)
    crisis_level: str | None = Field(default=None, max_length=2)
    crisis_flags: str = Field(default="", max_length=200)
    crisis_first_at: dt.datetime | None = None
    # the crisis conversation's step (bot.crisis.ASKED / WITH); None: the ordinary conversation
    crisis_stage: str | None = Field(default=None, max_length=8)
    push_target_enc: str | None = Field(
        default=None, description="encrypted channel address for pushes"
    )
    turn_count: int = 0


class Turn(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    conversation_id: str = Field(index=True, max_length=32)
    seq: int
    role: str = Field(max_length=8, description="resident | bot | staff")
    text: str | None = Field(default=None, description="redacted text, never the raw message")
    code: str | None = Field(default=None, max_length=64, description="quick-reply option code")
    entity_types: str = Field(default="", max_length=200)
    at: dt.datetime = Field(default_factory=utcnow)


class ProcessedEvent(SQLModel, table=True):
    """Webhook events already taken in (dedupe when Redis is not configured)."""

    event_id: str = Field(primary_key=True, max_length=64)
    at: dt.datetime = Field(default_factory=utcnow, index=True)


class ResumeCode(SQLModel, table=True):
    """A widget conversation's short resume code (only when the person asked for one): the code's
    keyed hash, the conversation, the widget token encrypted, and when the code stops working."""

    __tablename__ = "resume_code"

    code_hash: str = Field(primary_key=True, max_length=64)
    conversation_id: str = Field(index=True, max_length=32)
    token_enc: str
    expires_at: dt.datetime
