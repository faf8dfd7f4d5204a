"""SQL tables of the handoff side: handoffs, consents, staff, audit log."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import Index
from sqlmodel import Field, SQLModel


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def new_id() -> str:
    return uuid.uuid4().hex


class HandoffState:
    """``queued → claimed → live ⇄ returned_to_bot → closed`` (see handoff/lifecycle.py)."""

    QUEUED = "queued"
    CLAIMED = "claimed"
    LIVE = "live"
    RETURNED = "returned_to_bot"
    CLOSED = "closed"


# Handoffs the agency still holds (after "return to bot" too): shown in the queue, and the one a
# resident's turn belongs to. Closed ones are the agency's record.
ACTIVE_STATES: tuple[str, ...] = (
    HandoffState.QUEUED,
    HandoffState.CLAIMED,
    HandoffState.LIVE,
    HandoffState.RETURNED,
)


class Handoff(SQLModel, table=True):
    # the queue, a page at a time: per agency and state, most urgent then longest waiting
    # (handoff.queue.active walks one of these per agency and state from a cursor)
    __table_args__ = (
        Index("ix_handoff_queue", "agency_id", "state", "urgency_rank", "created_at", "id"),
        Index("ix_handoff_queue_all", "state", "urgency_rank", "created_at", "id"),
        Index("ix_handoff_closed_list", "agency_id", "state", "closed_at", "id"),
    )

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    conversation_id: str | None = Field(
        default=None,
        index=True,
        max_length=32,
        description="None once the resident deleted the conversation and the agency keeps its record",
    )
    agency_id: str = Field(max_length=64)
    channel: str = Field(max_length=16)
    state: str = Field(default=HandoffState.QUEUED, index=True, max_length=20)
    level: str = Field(
        default="P3", max_length=2, description="urgency P0..P3; P0 first in the queue"
    )
    urgency_rank: int = Field(
        default=3, description="the level's place in the queue (P0 = 0 … P3 = 3), set with it"
    )
    after_hours: bool = False
    summary_json: str = Field(description="the approved summary (DOMAIN.md §8), PII-free")
    summary_hash: str = Field(max_length=64)
    contact_enc: str | None = Field(default=None, description="contact details, encrypted")
    claimed_by: str | None = Field(default=None, max_length=64)
    claimed_at: dt.datetime | None = None
    opened_at: dt.datetime | None = None
    live_since: dt.datetime | None = Field(
        default=None, description="start of the current live chat; its turns show without a reason"
    )
    closed_at: dt.datetime | None = None
    outcome: str | None = Field(default=None, max_length=64)
    destination: str | None = Field(default=None, max_length=64)
    withdrawn_at: dt.datetime | None = Field(
        default=None, description="the resident withdrew consent after a caseworker opened it"
    )
    withdrawn_via: str | None = Field(
        default=None, max_length=80, description="chat | unfollow | staff:<username> (live chat)"
    )
    created_at: dt.datetime = Field(default_factory=utcnow, index=True)
    updated_at: dt.datetime = Field(default_factory=utcnow)


# What the resident lets the agency see: the summary only (default), or the summary and the
# redacted record of the conversation (まとめと会話の記録).
SCOPE_SUMMARY = "summary_only"
SCOPE_TRANSCRIPT = "summary_and_transcript"
SCOPES = (SCOPE_SUMMARY, SCOPE_TRANSCRIPT)


class Consent(SQLModel, table=True):
    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    handoff_id: str = Field(index=True, max_length=32)
    conversation_id: str | None = Field(default=None, index=True, max_length=32)
    text_version: str = Field(max_length=32)
    scope: str = Field(default=SCOPE_SUMMARY, max_length=32)
    summary_hash: str = Field(max_length=64)
    channel: str = Field(max_length=16)
    at: dt.datetime = Field(default_factory=utcnow)
    withdrawn_at: dt.datetime | None = None


class Staff(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(index=True, unique=True, max_length=64)
    password_hash: str = Field(max_length=255)
    role: str = Field(max_length=16, description="staff | supervisor | admin")
    agency_id: str = Field(default="", max_length=64)
    failed_logins: int = 0
    locked_until: dt.datetime | None = None
    active: bool = True
    created_at: dt.datetime = Field(default_factory=utcnow)


class AuditLog(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    at: dt.datetime = Field(default_factory=utcnow, index=True)
    actor: str = Field(max_length=64)
    action: str = Field(max_length=64)
    handoff_id: str | None = Field(default=None, index=True, max_length=32)
    detail: str = Field(
        default="", max_length=500, description="reason given, outcome codes; no resident text"
    )


class StaffSession(SQLModel, table=True):
    """A signed-in console session (cookie) or API bearer token; only the token's hash is kept."""

    token_hash: str = Field(primary_key=True, max_length=64)
    staff_id: int = Field(index=True)
    kind: str = Field(max_length=8, description="cookie | bearer")
    created_at: dt.datetime = Field(default_factory=utcnow)
    expires_at: dt.datetime = Field(index=True)


class HandoffNote(SQLModel, table=True):
    """A caseworker's private note on a handoff (never shown to the resident)."""

    id: int | None = Field(default=None, primary_key=True)
    handoff_id: str = Field(index=True, max_length=32)
    author: str = Field(max_length=64)
    text: str = Field(max_length=2000)
    at: dt.datetime = Field(default_factory=utcnow)


class TransferState:
    """``asked → accepted | declined``; a transfer moves the handoff only when accepted."""

    ASKED = "asked"
    ACCEPTED = "accepted"
    DECLINED = "declined"


class Transfer(SQLModel, table=True):
    """A caseworker's proposal to pass a handoff to another agency (多機関協働), and the
    resident's answer to the bot's question whether the summary may be shared with it."""

    id: int | None = Field(default=None, primary_key=True)
    handoff_id: str = Field(index=True, max_length=32)
    from_agency: str = Field(index=True, max_length=64)
    to_agency: str = Field(index=True, max_length=64)
    state: str = Field(default=TransferState.ASKED, max_length=16)
    asked_by: str = Field(max_length=64)
    asked_at: dt.datetime = Field(default_factory=utcnow)
    answered_at: dt.datetime | None = None


class Checkin(SQLModel, table=True):
    """A resident's follow-up opt-in (「2週間後」「1か月後」): the one neutral check-in the bot
    sends ``after_days`` after the close, and its withdrawal (「連絡はもう大丈夫です」). Codes,
    ids and dates only; ``sent_at`` is set by the one worker that claims it (handoff.checkins)."""

    handoff_id: str = Field(primary_key=True, max_length=32)
    conversation_id: str = Field(index=True, max_length=32)
    after_days: int = 0
    chosen_at: dt.datetime = Field(default_factory=utcnow)
    due_at: dt.datetime | None = Field(default=None, index=True, description="set at the close")
    sent_at: dt.datetime | None = None
    withdrawn_at: dt.datetime | None = None
