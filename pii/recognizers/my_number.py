"""MY_NUMBER: 12-digit individual numbers (マイナンバー/個人番号) by context, or by a valid check digit."""

from __future__ import annotations

import re

from pii.nlp import SudachiArtifacts
from pii.recognizers._base import Hit, Recognizer, line_before, ref_context

_MYNUM_RE = re.compile(r"(?<![\d\-])(\d{4})([ \-]?)(\d{4})\2(\d{4})(?!\d)(?![ \-]\d)")
# 12 digits in any other grouping (123-456-789-012, 12345678 9012, 1234.5678.9012): context only
_GROUPED_RE = re.compile(
    r"(?<![\d\-.])\d{1,12}(?:(?:[ .\-・]|  )\d{1,11}){1,5}(?![\d])(?![ .\-・]\d)"
)
_MYNUM_CONTEXT = re.compile(r"マイナンバー|個人番号|通知カード|my ?number|individual number", re.I)


def my_number_valid(digits: str) -> bool:
    """Check digit of a 12-digit My Number (個人番号)."""
    if len(digits) != 12 or not digits.isdigit():
        return False
    body = [int(c) for c in digits[:11]][::-1]  # P1..P11 from the right
    r = sum(p * (n + 1 if n <= 6 else n - 5) for n, p in enumerate(body, start=1)) % 11
    check = 0 if r <= 1 else 11 - r
    return check == int(digits[11])


def find_my_numbers(art: SudachiArtifacts) -> list[Hit]:
    d = art.digits
    out: list[Hit] = []
    for m in _MYNUM_RE.finditer(d):
        digits = m.group(1) + m.group(3) + m.group(4)
        context = _MYNUM_CONTEXT.search(d, max(0, m.start() - 120), min(len(d), m.end() + 40))
        near_ref = ref_context(d, m.start())
        if near_ref and not (context and _MYNUM_CONTEXT.search(line_before(d, m.start(), 16))):
            continue
        if context:
            out.append(("MY_NUMBER", m.start(), m.end(), 0.95))
        elif my_number_valid(digits):
            out.append(("MY_NUMBER", m.start(), m.end(), 0.8))
    for m in _GROUPED_RE.finditer(d):
        if sum(c.isdigit() for c in m.group()) != 12:
            continue
        if any(s <= m.start() < e for _, s, e, _ in out) or ref_context(d, m.start()):
            continue
        if _MYNUM_CONTEXT.search(d, max(0, m.start() - 40), min(len(d), m.end() + 20)):
            out.append(("MY_NUMBER", m.start(), m.end(), 0.9))
    return out


RECOGNIZER = Recognizer("JaMyNumberRecognizer", "MY_NUMBER", find_my_numbers)
