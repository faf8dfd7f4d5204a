"""Channel-agnostic turn input and output: what a channel hands the conversation service and
what it renders back (text plus quick-reply options)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Prepared:
    """A message already triaged and redacted where it came in (the LINE webhook, before the
    durable inbox): the raw text is gone. A turn from it raises on failure, so it is retried."""

    code: str | None  # postback data or a command typed anywhere
    text: str | None  # redacted
    entity_types: str = ""
    assessment: Any = None  # flows.triage.Assessment | None
    contact_enc: str | None = None  # encrypted; used only at the contact step
    truncated: bool = False
    audience: str = "self"  # who is at risk (flows.at_risk), read from the raw text


@dataclass(frozen=True)
class Inbound:
    """One thing a resident did. ``text`` is raw and lives only for this turn."""

    channel: str  # "line" | "web" | "cli"
    address: str  # channel address (LINE user id, widget session id); hashed before storage
    at: dt.datetime
    text: str | None = None
    code: str | None = None  # quick-reply option code (postback data)
    event: str = "message"  # "message" | "follow" | "unfollow" | "unsupported"
    kind: str = ""  # for unsupported: sticker | image | video | audio | file | location
    prepared: Prepared | None = None  # instead of text and code: triaged and redacted already
    event_id: str = ""  # the durable inbox's event, when the turn comes from there


@dataclass(frozen=True)
class Option:
    code: str
    label: str


@dataclass(frozen=True)
class Reply:
    """The bot's answer to one turn: short messages, quick replies on the last."""

    messages: list[str]
    options: list[Option] = field(default_factory=list)
    conversation_id: str | None = None
    level: str | None = None  # crisis level assessed this turn, if any
    silent: bool = False  # a caseworker has the chat: the bot says nothing


def stays_command(code: str | None, pending: dict[str, Any] | None) -> bool:
    """During a live chat with a caseworker, commands stay commands (削除 and its confirmation,
    いま危ない, 戻る, a language): the bot answers them instead of relaying them as chat."""
    code = code or ""
    return code.startswith("c:") or (
        code.startswith("a:confirm_delete:") and (pending or {}).get("q") == "confirm_delete"
    )
