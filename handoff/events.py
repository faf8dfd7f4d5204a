"""Live events: the topics and the shapes ``console.js`` and ``widget.js`` listen for.

The queue topic carries ``handoff_*`` events (the console refreshes its tables on any of them);
a handoff's topic carries chat messages and state changes for the caseworker's page; a resident's
topic carries what staff (or the bot, after "return to bot") sent to the widget. Events hold ids,
codes and redacted text only."""

from __future__ import annotations

import datetime as dt
from typing import Any, Protocol

from flows.render import label

QUEUE = "queue"


def handoff_topic(handoff_id: str) -> str:
    return f"handoff:{handoff_id}"


def resident_topic(conversation_id: str) -> str:
    return f"resident:{conversation_id}"


class Publisher(Protocol):
    """What a lifecycle step needs of the live hub (``handoff.live.LiveHub``)."""

    async def publish(self, topic: str, event: dict[str, Any]) -> None: ...


# ---------------------------------------------------------------------------- the queue topic


def handoff_new(
    handoff_id: str, level: str, after_hours: bool, agency_id: str | None = None
) -> dict[str, Any]:
    """``agency_id`` lets each open console filter without a query (agency boundaries)."""
    event: dict[str, Any] = {
        "type": "handoff_new",
        "handoff_id": handoff_id,
        "level": level,
        "after_hours": after_hours,
    }
    if agency_id is not None:
        event["agency_id"] = agency_id
    return event


def handoff_level(handoff_id: str, level: str) -> dict[str, Any]:
    return {"type": "handoff_level", "handoff_id": handoff_id, "level": level}


def handoff_withdrawn(handoff_id: str) -> dict[str, Any]:
    return {"type": "handoff_withdrawn", "handoff_id": handoff_id}


def handoff_deleted(handoff_id: str) -> dict[str, Any]:
    return {"type": "handoff_deleted", "handoff_id": handoff_id}


def handoff_opened(handoff_id: str) -> dict[str, Any]:
    return {"type": "handoff_opened", "handoff_id": handoff_id}


def handoff_state(handoff_id: str, state: str, agency_id: str | None = None) -> dict[str, Any]:
    event: dict[str, Any] = {"type": "handoff_state", "handoff_id": handoff_id, "state": state}
    if agency_id is not None:
        event["agency_id"] = agency_id
    return event


def crisis_alert(conversation_id: str, level: str) -> dict[str, Any]:
    """A person in danger without a handoff: the queue shows an alert card (codes only)."""
    return {"type": "crisis_alert", "conversation_id": conversation_id, "level": level}


# ---------------------------------------------------------------------------- a handoff's topic


def state(state: str) -> dict[str, Any]:
    return {"type": "state", "state": state}


def resident_message(text: str | None, code: str | None, at: dt.datetime) -> dict[str, Any]:
    """``label``: a pressed button as the resident saw it (in Japanese), never its code."""
    return {
        "type": "message",
        "role": "resident",
        "text": text,
        "code": code,
        "label": _label(code),
        "at": at.isoformat(),
    }


def _label(code: str | None) -> str | None:
    if not code:
        return None
    try:
        return label("ja", code)
    except KeyError:
        return None


def staff_message(text: str, by: str, at: dt.datetime) -> dict[str, Any]:
    return {"type": "message", "role": "staff", "text": text, "by": by, "at": at.isoformat()}


# ---------------------------------------------------------------------------- a resident's topic


def to_resident(
    kind: str, messages: list[str], options: list[tuple[str, str]] | None = None
) -> dict[str, Any]:
    """``kind`` is ``staff`` (a caseworker wrote) or ``bot`` (the bot speaks again, with the open
    question's buttons, ``(code, label)`` pairs, sent as ``{"code", "label"}``)."""
    buttons = [{"code": code, "label": label} for code, label in options or []]
    return {"type": kind, "messages": messages, "options": buttons}
