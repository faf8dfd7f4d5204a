"""Hearing a message where it comes in: command, triage and redaction of the raw text, so that
only the redacted form is ever stored (the LINE webhook does this before the durable inbox).

What depends on where the conversation stands (a typed button label, the contact step) is
settled later, in the turn, from the redacted text (``bot.service``)."""

from __future__ import annotations

from typing import Any

from bot import codes, crisis
from bot.crypto import Keys
from bot.messages import Prepared
from flows import triage
from flows.at_risk import at_risk
from flows.intake import command_for
from flows.render import label_match
from pii import redact

MAX_TEXT = 10_000  # characters looked at per message; LINE itself caps text at 5,000
MAX_STORED = 2_000  # redacted characters kept per turn
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
    elif code in crisis.LIFELINE_CODES:
        assessment = crisis.LIFELINE
    audience = "self"
    if text and assessment is not None and assessment.level is not None:
        audience = at_risk(text, assessment.category, third_party=assessment.third_party)
    redacted = redact(text) if text else None
    contact = keys.encrypt(text[:CONTACT_CHARS]) if text and redacted and redacted.types else None
    return Prepared(
        code=code,
        text=redacted.text[:MAX_STORED] if redacted else None,
        entity_types=",".join(redacted.types) if redacted else "",
        assessment=assessment,
        contact_enc=contact if code is None else None,
        truncated=raw is not None and len(raw) > MAX_TEXT,
        audience=audience,
    )


def settle(
    p: Prepared, pending: dict[str, Any] | None, locale: str
) -> tuple[str | None, Any, str | None]:
    """At the turn, against the open question: a typed button label is the button (and not
    triaged); the encrypted copy is a contact detail only at the contact step."""
    options = (pending or {}).get("options") or ()
    code, assessment = codes.accepted(p.code, options), p.assessment  # only codes the bot issued
    if code is None and p.text and pending and pending.get("options"):
        code = label_match(p.text, pending["options"], locale)
        assessment = None if code is not None else assessment
    at_contact = pending is not None and pending.get("q") == "contact_phone" and code is None
    return code, assessment, p.contact_enc if at_contact and p.text else None
