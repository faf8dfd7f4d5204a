"""Japanese PII detection and redaction: the stable entry point is ``Redactor``."""

from pii.logging import NoTextFilter
from pii.redactor import PLACEHOLDERS, Entity, Redacted, Redactor, redact

__all__ = ["PLACEHOLDERS", "Entity", "NoTextFilter", "Redacted", "Redactor", "redact"]
