"""A tolerant reader of LINE webhook bodies: each event read on its own from the raw JSON.

line-bot-sdk's parser turns any event that fails its validation into an ``UnknownEvent`` with no
user id and no text, so a 1:1 text missing one field (``quoteToken``, say) would be dropped in
silence, and one malformed event fails the whole batch. Here every event is read field by field;
what cannot be used is returned as ``Dropped`` with a reason (never its content) and the rest of
the batch goes on. Strings are cleaned of what storage refuses (NUL, lone surrogates); an event
id longer than the column is replaced by its digest."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from dataclasses import dataclass
from typing import Any

MAX_ID = 64
MAX_CODE = 64  # option codes tobira sends are short; anything longer is not one of ours
MAX_TOKEN = 255
MESSAGE_TYPES = ("message", "messageEdited")


class Malformed(ValueError):
    """The body as a whole is unusable (not JSON, too deeply nested, no event list)."""


@dataclass(frozen=True)
class LineEvent:
    type: str
    event_id: str
    source_type: str
    user_id: str | None
    chat_id: str | None  # a group's or room's id
    reply_token: str | None
    timestamp: float  # epoch seconds
    redelivered: bool
    mode: str
    message_type: str | None = None
    text: str | None = None
    postback: str | None = None


@dataclass(frozen=True)
class Dropped:
    type: str
    reason: str


def verify(secret: str, body: bytes, signature: str) -> bool:
    digest = hmac.new(secret.encode(), body, hashlib.sha256).digest()
    return hmac.compare_digest(base64.b64encode(digest), signature.encode("ascii", "replace"))


def clean(value: str) -> str:
    """What PostgreSQL and UTF-8 refuse, removed: NUL and lone surrogates."""
    value = value.replace("\x00", "")
    if any("\ud800" <= ch <= "\udfff" for ch in value):
        value = "".join(ch for ch in value if not "\ud800" <= ch <= "\udfff")
    return value


def read_body(body: bytes) -> tuple[str | None, list[LineEvent | Dropped]]:
    """``destination`` and each event read on its own."""
    try:
        data = json.loads(body.decode("utf-8"))
    except RecursionError:
        raise Malformed("nested too deeply") from None
    except (UnicodeDecodeError, ValueError):
        raise Malformed("not JSON") from None
    if not isinstance(data, dict) or not isinstance(data.get("events"), list):
        raise Malformed("no event list")
    destination = data.get("destination")
    events = [read_event(raw) for raw in data["events"]]
    return (destination if isinstance(destination, str) else None), events


def _str(value: Any, limit: int | None = None) -> str | None:
    if not isinstance(value, str) or not value:
        return None
    value = clean(value)
    if limit is not None and len(value) > limit:
        return None
    return value or None


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _event_id(raw: dict[str, Any]) -> str:
    given = raw.get("webhookEventId")
    if isinstance(given, str) and given and len(given) <= MAX_ID and given.isprintable():
        return given
    if isinstance(given, str) and given:
        material = given
    else:  # old payloads carry no id: the event's own content, minus the redelivery flag
        material = json.dumps(
            {k: v for k, v in raw.items() if k != "deliveryContext"},
            sort_keys=True,
            ensure_ascii=False,
            default=str,
        )
    return "sha256:" + hashlib.sha256(material.encode("utf-8", "replace")).hexdigest()[:56]


def read_event(raw: Any) -> LineEvent | Dropped:
    if not isinstance(raw, dict):
        return Dropped("unknown", "not_an_object")
    kind = _str(raw.get("type"), 32) or "unknown"
    source = _dict(raw.get("source"))
    context = _dict(raw.get("deliveryContext"))
    stamp = raw.get("timestamp")
    timestamp = stamp / 1000 if isinstance(stamp, int | float) and stamp > 0 else time.time()
    message = _dict(raw.get("message"))
    postback = _dict(raw.get("postback"))
    data = postback.get("data")
    if kind == "postback" and isinstance(data, str) and len(data) > MAX_CODE:
        return Dropped(kind, "postback_too_long")
    return LineEvent(
        type=kind,
        event_id=_event_id(raw),
        source_type=_str(source.get("type"), 16) or "unknown",
        user_id=_str(source.get("userId"), MAX_ID),
        chat_id=_str(source.get("groupId") or source.get("roomId"), MAX_ID),
        reply_token=_str(raw.get("replyToken"), MAX_TOKEN),
        timestamp=float(timestamp),
        redelivered=context.get("isRedelivery") is True,
        mode=_str(raw.get("mode"), 16) or "active",
        message_type=_str(message.get("type"), 16),
        text=_str(message.get("text")) if kind in MESSAGE_TYPES else None,
        postback=_str(data, MAX_CODE) if kind == "postback" else None,
    )
