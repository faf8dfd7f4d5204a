"""View models: what a handoff, a queue row, a turn or a staff account look like to the console's
templates and its JSON API. Pure functions of rows."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from pydantic import ValidationError

from flows.render import label
from handoff import auth, queue, sheet
from handoff.auth import Principal
from handoff.models import Handoff, HandoffNote, HandoffState, Staff
from handoff.ports import TranscriptTurn

log = logging.getLogger("tobira.console")

ROLE_NAMES = {"resident": "相談者", "bot": "ボット", "staff": "相談員"}


def iso(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.isoformat()


def summary_of(handoff: Handoff) -> sheet.Summary | None:
    try:
        return sheet.load(handoff.summary_json)
    except ValidationError:
        log.warning("handoff=%s summary does not match the schema", handoff.id[:8])
        return None


def sheet_of(handoff: Handoff) -> sheet.Sheet | None:
    summary = summary_of(handoff)
    if summary is None:
        return None
    return sheet.sheet(summary, received_by=handoff.claimed_by, after_hours=handoff.after_hours)


def handoff_json(handoff: Handoff, *, with_summary: bool = True) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": handoff.id,
        "state": handoff.state,
        "level": handoff.level,
        "after_hours": handoff.after_hours,
        "agency_id": handoff.agency_id,
        "channel": handoff.channel,
        "claimed_by": handoff.claimed_by,
        "created_at": iso(handoff.created_at),
        "claimed_at": iso(handoff.claimed_at),
        "opened_at": iso(handoff.opened_at),
        "closed_at": iso(handoff.closed_at),
        "waiting_minutes": queue.waiting(handoff).minutes,
        "outcome": handoff.outcome,
        "destination": handoff.destination,
        "summary_hash": handoff.summary_hash,
        "has_contact": handoff.contact_enc is not None,
        "withdrawn_at": iso(handoff.withdrawn_at),
    }
    if with_summary:
        summary = summary_of(handoff)
        data["summary"] = sheet.to_json(summary) if summary is not None else None
    return data


def queue_row_json(item: queue.Item) -> dict[str, Any]:
    """What a queue row shows, as JSON: no summary (opening one is its own, audited, read)."""
    row = queue_row(item)
    data = handoff_json(item.handoff, with_summary=False)
    data.pop("summary_hash")
    data.update({"primary": row["primary"], "relationship": row["relationship"]})
    return data


def queue_row(item: queue.Item) -> dict[str, Any]:
    """A row from the facts the queue read (the summary itself stays unloaded)."""
    handoff = item.handoff
    primary = sheet.A_CATEGORIES.get(item.primary) if item.primary else None
    return {
        "h": handoff,
        "waiting": queue.waiting(handoff).label,
        "primary": primary or "—",
        "relationship": item.relationship or "—",
        "received": sheet.when(handoff.created_at),
    }


def option_label(code: str) -> str | None:
    """The label of a button a resident pressed or a command they used, as the resident saw it
    in Japanese (``a:primary:…`` concerns, section picks, ``c:…`` commands); never the code."""
    try:
        return label("ja", code)
    except KeyError:
        return None


def turn_view(turn: TranscriptTurn) -> dict[str, Any]:
    at: Any = turn.get("at")
    if isinstance(at, str):
        try:
            at = dt.datetime.fromisoformat(at)
        except ValueError:
            at = None
    code = turn.get("code")
    role = str(turn.get("role"))
    return {
        "role": turn.get("role", ""),
        "role_label": ROLE_NAMES.get(role, role),
        "text": turn.get("text") or "",
        "code": code,
        "code_label": (option_label(code) if code else None) or ("（ボタン）" if code else None),
        "at": sheet.when(at) if isinstance(at, dt.datetime) else "",
        "at_dt": at if isinstance(at, dt.datetime) else None,
    }


def turn_json(turn: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in turn.items() if k != "at_dt"}


def note_json(note: HandoffNote) -> dict[str, Any]:
    return {"author": note.author, "text": note.text, "at": iso(note.at)}


def staff_json(staff: Staff) -> dict[str, Any]:
    return {
        "id": staff.id,
        "username": staff.username,
        "role": staff.role,
        "agency_id": staff.agency_id,
        "active": staff.active,
        "locked": auth.is_locked(staff),
        "created_at": iso(staff.created_at),
    }


def can_chat(principal: Principal, handoff: Handoff) -> bool:
    return handoff.claimed_by == principal.username and handoff.state in (
        HandoffState.CLAIMED,
        HandoffState.LIVE,
        HandoffState.RETURNED,
    )


def can_see_chat(principal: Principal, handoff: Handoff) -> bool:
    return handoff.claimed_by == principal.username or principal.at_least("supervisor")


def can_close(principal: Principal, handoff: Handoff) -> bool:
    return handoff.state != HandoffState.CLOSED and (
        handoff.claimed_by == principal.username or principal.at_least("supervisor")
    )
