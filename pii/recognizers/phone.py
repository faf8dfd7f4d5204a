"""PHONE: Japanese telephone numbers in any written form (mobile, landline, 0120/050, +81, brackets, kanji digits)."""

from __future__ import annotations

import re

from pii.nlp import SudachiArtifacts
from pii.recognizers._base import Hit, Recognizer, ref_context

_PHONE_RE = re.compile(
    r"(?<![\d\-+.])(?:"
    r"\+81[ \-]?\(?0?\)?\d{1,4}[ \-]?\d{1,4}[ \-]?\d{3,4}"
    r"|0\d{1,4}\(\d{1,4}\)\d{3,4}"
    r"|\(0\d{1,4}\)[ \-]?\d{1,4}[ \-]\d{3,4}"
    r"|\(0\d{1,4}\)\d{1,4}-\d{3,4}"
    r"|0\d{1,4}[ \-の]?\d{1,4}[ \-の]\d{3,4}"
    r"|0\d{9,10}"
    r")(?![\d])(?!-\d)"
)


def find_phones(art: SudachiArtifacts) -> list[Hit]:
    d = art.digits
    out: list[Hit] = []
    for m in _PHONE_RE.finditer(d):
        s = m.group()
        digits = re.sub(r"\D", "", s)
        if s.startswith("+81"):
            rest = digits[2:].lstrip("0")
            if not 9 <= len(rest) <= 10:
                continue
        elif not 10 <= len(digits) <= 11 or digits.startswith("00"):
            continue
        if "の" in s and not any(
            c in "〇一二三四五六七八九" for c in art.text[m.start() : m.end()]
        ):
            continue
        if ref_context(d, m.start()):
            continue
        out.append(("PHONE", m.start(), m.end(), 0.9))
    return out


RECOGNIZER = Recognizer("JaPhoneRecognizer", "PHONE", find_phones)
