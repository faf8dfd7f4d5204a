"""Interim pattern redactor (phone, email, postal code, My Number); the full analyzer replaces it."""

from __future__ import annotations

import re
import unicodedata
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


_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("EMAIL", re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")),
    ("MY_NUMBER", re.compile(r"(?<!\d)\d{4}[\s\-]?\d{4}[\s\-]?\d{4}(?!\d)")),
    ("PHONE", re.compile(r"(?<!\d)(?:\+81[\s\-]?|0)\d{1,4}[\s\-()]?\d{1,4}[\s\-)]?\d{3,4}(?!\d)")),
    ("POSTAL_CODE", re.compile(r"(?<!\d)\d{3}-\d{4}(?!\d)")),
]


class Redactor:
    def analyze(self, text: str) -> list[Entity]:
        norm = unicodedata.normalize("NFKC", text) if len(unicodedata.normalize("NFKC", text)) == len(text) else text
        found: list[Entity] = []
        taken: set[int] = set()
        for etype, pattern in _PATTERNS:
            for m in pattern.finditer(norm):
                span = set(range(m.start(), m.end()))
                if span & taken:
                    continue
                taken |= span
                found.append(Entity(etype, m.start(), m.end(), 0.9))
        return sorted(found, key=lambda e: e.start)

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
