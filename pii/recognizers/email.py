"""EMAIL: e-mail addresses (full-width and obfuscated forms arrive normalised by pii.normalize)."""

from __future__ import annotations

import re

from pii.nlp import SudachiArtifacts
from pii.recognizers._base import Hit, Recognizer

_EMAIL_RE = re.compile(
    r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+"
)


def find_emails(art: SudachiArtifacts) -> list[Hit]:
    out: list[Hit] = []
    for m in _EMAIL_RE.finditer(art.text):
        end = m.end()
        while art.text[end - 1] in ".-":
            end -= 1
        out.append(("EMAIL", m.start(), end, 0.97))
    return out


RECOGNIZER = Recognizer("JaEmailRecognizer", "EMAIL", find_emails)
