"""A logging filter that keeps resident text out of log records.

tobira applies it to every record as the record is made (``bot.logs.install_log_privacy`` wraps
the log-record factory), so it holds for every logger and handler, uvicorn's included.

What it does to every record (it never drops a record, it scrubs it):

* ``record.args``: a ``str`` argument is kept when it is short ASCII (``max_arg_chars``, default 8)
  or an ASCII token without white space up to ``max_token_chars`` (64: hosts, ids, codes, paths,
  with any query string cut off); any other is replaced by ``<text len=N>``; ``bytes`` become ``<bytes len=N>``;
  numbers, booleans and ``None`` are kept; other objects are kept only when their ``str()``
  passes the same test, otherwise replaced by ``<TypeName>``.  Mapping args are scrubbed value by value.
  Ids, counts, codes and entity types therefore still reach the log; message text does not.
* ``record.msg``: always passed through :func:`pii.redact` (an f-string may have embedded a
  message, in any language), PII replaced by typed placeholders, and, when it still contains non-ASCII text longer than ``max_msg_chars``,
  truncated to a placeholder with its length.
* exceptions: the traceback frames are kept but the exception *message* (which can quote the
  input) is replaced by the exception type name.
"""

from __future__ import annotations

import logging
import threading
import traceback
from collections.abc import Mapping
from typing import Any

_SAFE_TYPES = (int, float, bool, type(None))
_inside = threading.local()  # records logged by the redactor itself while it scrubs a record


class NoTextFilter(logging.Filter):
    def __init__(
        self,
        name: str = "",
        max_arg_chars: int = 8,
        max_msg_chars: int = 200,
        max_token_chars: int = 64,
    ) -> None:
        super().__init__(name)
        self.max_arg_chars = max_arg_chars
        self.max_token_chars = max_token_chars
        self.max_msg_chars = max_msg_chars

    def _scrub(self, value: Any) -> Any:
        if isinstance(value, _SAFE_TYPES):
            return value
        if isinstance(value, str):
            return self._scrub_str(value)
        if isinstance(value, bytes | bytearray):
            return f"<bytes len={len(value)}>"
        try:
            s = str(value)
        except Exception:
            return f"<{type(value).__name__}>"
        if self._scrub_str(s) != s:
            return f"<{type(value).__name__}>"
        return value

    def _scrub_str(self, value: str) -> str:
        """Short strings and ASCII tokens (hosts, ids, codes, paths) stay; text does not.

        A token is ASCII without white space, at most ``max_token_chars`` long; a query string
        is cut off it (it may carry a session id)."""
        if len(value) <= self.max_arg_chars and value.isascii():
            return value
        if (
            value.isascii()
            and len(value) <= self.max_token_chars
            and not any(c.isspace() for c in value)
        ):
            head, sep, _ = value.partition("?")
            return f"{head}?<query>" if sep else value
        return f"<text len={len(value)}>"

    def _scrub_msg(self, msg: Any) -> str:
        text = msg if isinstance(msg, str) else str(msg)
        if getattr(_inside, "active", False):  # Presidio's own debug lines while we redact
            return text if text.isascii() else f"<text len={len(text)}>"
        from pii.redactor import redact

        _inside.active = True
        try:
            red = redact(text).text
        finally:
            _inside.active = False
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
            record.msg = self._scrub_msg(record.msg)
            if record.exc_info and record.exc_info[1] is not None:
                etype, exc, tb = record.exc_info
                frames = "".join(traceback.format_tb(tb))
                name = etype.__name__ if etype else type(exc).__name__
                record.exc_text = (
                    f"Traceback (most recent call last):\n{frames}{name}: <message removed>"
                )
                record.exc_info = None
            if record.stack_info:
                record.stack_info = record.stack_info  # frames only: no message text
        except Exception:  # a logging filter must never raise
            record.msg = "<log record scrubbed>"
            record.args = ()
        return True
