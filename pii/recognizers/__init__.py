"""The recognizer registry: one Presidio-style recognizer per entity type, in one place.

Each module ``pii/recognizers/<entity>.py`` declares its patterns, context words and validator and
exposes ``RECOGNIZER``; helpers shared by several recognizers live in ``_base`` (character classes,
reference-number context) and ``lexicon`` (closed word lists).  The learned name/organisation
model (:mod:`pii.model`) runs beside these patterns in :mod:`pii.analyzer`.
"""

from __future__ import annotations

from pii.recognizers import (
    account,
    address,
    birth_date,
    email,
    line_id,
    my_number,
    org,
    person,
    phone,
    postal_code,
    url,
)
from pii.recognizers._base import Hit, Recognizer
from pii.recognizers.my_number import my_number_valid

REGISTRY: tuple[Recognizer, ...] = (
    phone.RECOGNIZER,
    postal_code.RECOGNIZER,
    my_number.RECOGNIZER,
    account.RECOGNIZER,
    birth_date.RECOGNIZER,
    email.RECOGNIZER,
    url.RECOGNIZER,
    line_id.RECOGNIZER,
    address.RECOGNIZER,
    org.RECOGNIZER,
    person.RECOGNIZER,
)

ENTITY_TYPES: tuple[str, ...] = tuple(r.entity for r in REGISTRY)

__all__ = ["ENTITY_TYPES", "REGISTRY", "Hit", "Recognizer", "my_number_valid"]
