"""Japanese PII detection and redaction: the stable entry point is ``Redactor``."""

from pii.redactor import Entity, Redacted, Redactor, redact

__all__ = ["Entity", "Redacted", "Redactor", "redact"]
