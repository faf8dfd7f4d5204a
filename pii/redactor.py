"""Redaction entry point: ``Redactor().analyze(text)`` and ``Redactor().redact(text)``."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

PLACEHOLDERS = {
    "PERSON": "〔氏名〕",
    "PHONE": "〔電話番号〕",
    "EMAIL": "〔メール〕",
    "LINE_ID": "〔ID〕",
    "ADDRESS": "〔住所〕",
    "POSTAL_CODE": "〔郵便番号〕",
    "MY_NUMBER": "〔個人番号〕",
    "BIRTH_DATE": "〔生年月日〕",
    "ORG": "〔施設名〕",
    "ACCOUNT": "〔口座番号〕",
    "URL": "〔URL〕",
}


@dataclass(frozen=True)
class Entity:
    type: str
    start: int
    end: int
    score: float


@dataclass(frozen=True)
class Redacted:
    text: str
    entities: list[Entity] = field(default_factory=list)

    @property
    def types(self) -> list[str]:
        return sorted({e.type for e in self.entities})


class Redactor:
    """Japanese PII analyzer/redactor (Presidio + SudachiPy).  Safe to share between threads.

    Construction loads the Sudachi core dictionary and the recognizers (well under a second);
    create one per process and reuse it (``pii.redact`` does).
    """

    def __init__(self) -> None:
        from pii.analyzer import JapaneseAnalyzer

        self._analyzer = JapaneseAnalyzer()

    def analyze(self, text: str) -> list[Entity]:
        return [Entity(t, s, e, sc) for t, s, e, sc in self._analyzer.analyze(text)]

    def redact(self, text: str) -> Redacted:
        entities = self.analyze(text)
        out: list[str] = []
        pos = 0
        for e in entities:
            out.append(text[pos : e.start])
            out.append(PLACEHOLDERS[e.type])
            pos = e.end
        out.append(text[pos:])
        return Redacted("".join(out), entities)


@lru_cache(maxsize=1)
def _default() -> Redactor:
    return Redactor()


def redact(text: str) -> Redacted:
    return _default().redact(text)
