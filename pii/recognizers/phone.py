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
# the same digits with any separators a writer (or a filter-dodger) puts between them:
# 090.1234.5678, 0 9 0 1 2 3 4 5 6 7 8, 090・1234・5678, (090) 1234 5678, and a number broken
# over two lines (080-55⏎21-4439, 06-⏎6942-3318)
_SEP = r"[ .\-・_()ー\n]{0,3}"
_SEPARATED_RE = re.compile(
    rf"(?<![\d\-+.])(?:\+ ?8 ?1{_SEP}(?:\(0\))?|0)(?:{_SEP}\d){{9,10}}(?!\d)(?![ .\-・]\d)"
)
_KANJI_DIGITS = frozenset("〇一二三四五六七八九")
_MOBILE = ("050", "060", "070", "080", "090", "0120", "0800", "0570")


def _plausible(digits: str) -> bool:
    """A Japanese number: 0 + 9 digits, or 0 + 10 digits for mobile/IP/free-dial prefixes."""
    if digits.startswith("81"):
        digits = "0" + digits[2:].lstrip("0")
    if digits.startswith("00"):
        return False
    return len(digits) == 10 or (len(digits) == 11 and digits.startswith(_MOBILE))


def _one_script(t: str, start: int, end: int) -> int:
    """A number is written in one script: ASCII digits running into a kanji numeral (the 三 of
    三鷹 on the next line) end before it."""
    first = next((c for c in t[start:end] if c.isdigit() or c in _KANJI_DIGITS), "")
    for k in range(start, end):
        if t[k].isascii() != first.isascii() and (t[k].isdigit() or t[k] in _KANJI_DIGITS):
            return k
    return end


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
        if (
            "の" in s
            and not any(c in "〇一二三四五六七八九" for c in art.text[m.start() : m.end()])
            and not re.match(r"0[5-9]0の", s)
        ):
            continue
        if ref_context(d, m.start()):
            continue
        out.append(("PHONE", m.start(), m.end(), 0.9))
    for m in _SEPARATED_RE.finditer(d):
        if any(m.start() < he and hs < m.end() for _, hs, he, _ in out):
            continue
        end = _one_script(art.text, m.start(), m.end())
        while d[end - 1] in " .-・_(ー\n":
            end -= 1
        if d.count("\n", m.start(), end) > 2:
            continue
        if _plausible(re.sub(r"\D", "", d[m.start() : end])) and not ref_context(d, m.start()):
            out.append(("PHONE", m.start(), end, 0.85))
    return out


RECOGNIZER = Recognizer("JaPhoneRecognizer", "PHONE", find_phones)
