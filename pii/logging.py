"""A logging filter that keeps resident text out of log records.

Install it on the root logger's handlers (or the root logger) once at start-up::

    import logging
    from pii import NoTextFilter
    for h in logging.getLogger().handlers:
        h.addFilter(NoTextFilter())

What it does to every record (it never drops a record, it scrubs it):

* ``record.args``: any ``str`` argument that is longer than ``max_arg_chars`` (default 8) or
  contains a non-ASCII character is replaced by ``<text len=N>``; ``bytes`` become ``<bytes len=N>``;
  numbers, booleans and ``None`` are kept; other objects are kept only when their ``str()`` is
  short ASCII, otherwise replaced by ``<TypeName>``.  Mapping args are scrubbed value by value.
  Ids, counts, codes and entity types therefore still reach the log; message text does not.
* ``record.msg``: if it is not a plain ASCII string (e.g. an f-string that embedded a message, or
  an exception object), it is passed through :func:`pii.redact` (PII replaced by typed
  placeholders) and, when it still contains non-ASCII text longer than ``max_msg_chars``,
  truncated to a placeholder with its length.
* exceptions: the traceback frames are kept but the exception *message* (which can quote the
  input) is replaced by the exception type name.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Mapping
from typing import Any

_SAFE_TYPES = (int, float, bool, type(None))


class NoTextFilter(logging.Filter):
    def __init__(self, name: str = "", max_arg_chars: int = 8, max_msg_chars: int = 200) -> None:
        super().__init__(name)
        self.max_arg_chars = max_arg_chars
        self.max_msg_chars = max_msg_chars

    def _scrub(self, value: Any) -> Any:
        if isinstance(value, _SAFE_TYPES):
            return value
        if isinstance(value, str):
            if len(value) > self.max_arg_chars or not value.isascii():
                return f"<text len={len(value)}>"
            return value
        if isinstance(value, bytes | bytearray):
            return f"<bytes len={len(value)}>"
        try:
            s = str(value)
        except Exception:
            return f"<{type(value).__name__}>"
        if len(s) > self.max_arg_chars or not s.isascii():
            return f"<{type(value).__name__}>"
        return value

    def _scrub_msg(self, msg: Any) -> str:
        text = msg if isinstance(msg, str) else str(msg)
        if text.isascii():
            return text
        from pii.redactor import redact

        red = redact(text).text
        non_ascii = sum(1 for c in red if not c.isascii())
        if non_ascii and len(red) > self.max_msg_chars:
            return f"<text len={len(text)}>"
        return red

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            if record.args:
                if isinstance(record.args, Mapping):
                    record.args = {k: self._scrub(v) for k, v in record.args.items()}
                else:
                    record.args = tuple(self._scrub(a) for a in record.args)
            if not isinstance(record.msg, str) or not record.msg.isascii():
                record.msg = self._scrub_msg(record.msg)
            if record.exc_info and record.exc_info[1] is not None:
                etype, exc, tb = record.exc_info
                frames = "".join(traceback.format_tb(tb))
                name = etype.__name__ if etype else type(exc).__name__
                record.exc_text = f"Traceback (most recent call last):\n{frames}{name}: <message removed>"
                record.exc_info = None
            if record.stack_info:
                record.stack_info = record.stack_info  # frames only: no message text
        except Exception:  # a logging filter must never raise
            record.msg = "<log record scrubbed>"
            record.args = ()
        return True
