"""POSTAL_CODE: 〒 + seven digits, NNN-NNNN where no reference-number word precedes it, or seven\ndigits right after the word 郵便番号 / postal code."""

from __future__ import annotations

import re

from pii.nlp import SudachiArtifacts
from pii.recognizers._base import Hit, Recognizer, ref_context

_POSTAL_RE = re.compile(r"(?<![\d\-.])(?:〒 ?)?(\d{3}-\d{4})(?![\d])(?!-\d)|〒 ?(\d{7})(?!\d)")
# after the word itself the seven digits may come bare or spaced: 郵便番号は020 0866 / 1620825
_AFTER_WORD = re.compile(
    r"(?:郵便番号|ゆうびんばんごう|postal code|zip code|zip)[はがの:：\s]{0,3}(\d{3}[ \-]?\d{4})(?![\d\-])",
    re.I,
)


def find_postal(art: SudachiArtifacts) -> list[Hit]:
    out: list[Hit] = []
    for m in _POSTAL_RE.finditer(art.digits):
        g = 1 if m.group(1) else 2
        if ref_context(art.digits, m.start()):
            continue
        score = 0.9 if "〒" in m.group() else 0.75
        out.append(("POSTAL_CODE", m.start(g), m.end(g), score))
    for m in _AFTER_WORD.finditer(art.digits):
        out.append(("POSTAL_CODE", m.start(1), m.end(1), 0.9))
    return out


RECOGNIZER = Recognizer("JaPostalCodeRecognizer", "POSTAL_CODE", find_postal)
