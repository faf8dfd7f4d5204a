"""Hearing a message where it comes in: command, triage and redaction of the raw text, so that
only the redacted form is ever stored (the LINE webhook does this before the durable inbox).

What depends on where the conversation stands (a typed button label, the contact step) is
settled later, in the turn, from the redacted text (``bot.service``)."""

from __future__ import annotations

from bot import crisis
from bot.crypto import Keys
from bot.messages import Prepared
from bot.service import MAX_STORED, MAX_TEXT
from flows import triage
from flows.intake import command_for
from pii import redact

CONTACT_CHARS = 200


def prepare(raw: str | None, code: str | None, keys: Keys) -> Prepared:
    """The raw text read once; the result holds nothing of it but redacted text.

    A message in which the redactor found personal data also keeps an encrypted copy of its
    first 200 characters: if it was typed at the contact step it is the contact detail the
    person chose to give; otherwise the turn drops it (and the inbox row goes with the turn)."""
    text = (raw or "")[:MAX_TEXT] or None
    if text and code is None:
        code = command_for(text)
    assessment = triage.assess(text) if text and code is None else None
    if code == "c:danger" or code in crisis.DANGER_ANSWERS:
        assessment = crisis.DANGER_BUTTON
    redacted = redact(text) if text else None
    contact = keys.encrypt(text[:CONTACT_CHARS]) if text and redacted and redacted.types else None
    return Prepared(
        code=code,
        text=redacted.text[:MAX_STORED] if redacted else None,
        entity_types=",".join(redacted.types) if redacted else "",
        assessment=assessment,
        contact_enc=contact if code is None else None,
        truncated=raw is not None and len(raw) > MAX_TEXT,
    )
