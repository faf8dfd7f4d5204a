"""POSTAL_CODE: 〒 + seven digits, or NNN-NNNN where no reference-number word precedes it."""

from __future__ import annotations

import re

from pii.nlp import SudachiArtifacts
from pii.recognizers._base import Hit, Recognizer, ref_context

_POSTAL_RE = re.compile(r"(?<![\d\-.])(?:〒 ?)?(\d{3}-\d{4})(?![\d])(?!-\d)|〒 ?(\d{7})(?!\d)")


def find_postal(art: SudachiArtifacts) -> list[Hit]:
    out: list[Hit] = []
    for m in _POSTAL_RE.finditer(art.digits):
        g = 1 if m.group(1) else 2
        if ref_context(art.digits, m.start()):
            continue
        score = 0.9 if "〒" in m.group() else 0.75
        out.append(("POSTAL_CODE", m.start(g), m.end(g), score))
    return out


RECOGNIZER = Recognizer("JaPostalCodeRecognizer", "POSTAL_CODE", find_postal)
