"""PERSON in English text: names after a cue (my son, Ms.) and runs of capitalised non-words."""

from __future__ import annotations

import re

from pii.recognizers._base import Hit
from pii.recognizers.lexicon import EN_WORDS, words

_EN_CUE = re.compile(
    r"(?i:\b(?:I'm|I am|im|my name is|name's|this is|it's)|\b(?:son|daughter|wife|husband|brother|sister|mother|"
    r"father|mom|dad|roommate|friend|grandmother|grandfather|grandson|granddaughter|teacher|child|boyfriend|"
    r"girlfriend|partner|uncle|aunt|cousin|nephew|niece)(?:,)?|\b(?:Mr|Ms|Mrs|Miss|Dr)\.?) "
    r"(?:(?:Mr|Ms|Mrs|Miss|Dr)\.? )?(?P<n>[A-Z][a-z]+(?:-[a-z]+)?(?: [A-Z][a-z]+(?:-[a-z]+)?){0,3})"
)


def english_names(t: str) -> list[Hit]:
    out: list[Hit] = []
    for m in _EN_CUE.finditer(t):
        words = m.group("n").split(" ")
        kept: list[str] = []
        for w in words:
            if w in EN_WORDS or w.lower() in ("from", "and", "the", "is"):
                break
            kept.append(w)
        if kept:
            s = m.start("n")
            out.append(("PERSON", s, s + len(" ".join(kept)), 0.75))
    # two to four capitalised words in a row, none of them an ordinary English word
    for m in re.finditer(r"(?<![A-Za-z.\-])[A-Z][a-z]+(?:[ \-][A-Z][a-z]+){1,3}(?![A-Za-z])", t):
        words = re.split(r"[ \-]", m.group())
        if any(w in EN_WORDS for w in words) or words[-1] in _PLACE_WORDS:
            continue
        # Wi-Fi, Hi-Fi: a hyphenated pair of short syllables is a word, not a double name
        if "-" in m.group() and " " not in m.group() and min(map(len, words)) < 3:
            continue
        before = t[max(0, m.start() - 2) : m.start()]
        if before.endswith(("at ", "in ")):
            continue
        out.append(("PERSON", m.start(), m.end(), 0.55))
    # a surname in capitals beside a given name (PARK Seo-yeon, Yoshiko ODA): not an acronym
    for m in _CAPS_NAME.finditer(t):
        caps = m.group("c") or m.group("c2")
        given = (m.group("g") or m.group("g2")).split("-")[0]
        if caps in _ACRONYMS or given in EN_WORDS:
            continue
        out.append(("PERSON", m.start(), m.end(), 0.6))
    return out


# a capitalised run ending in one of these is a place or a term (Kawasaki Station, Parkinson Disease)
_PLACE_WORDS = words(
    "Station Line Hospital Clinic Park Street Bridge Mall Airport University Syndrome Disease "
    "Shrine Temple Tower Castle River"
)
_CAPS_NAME = re.compile(
    r"(?<![A-Za-z])(?:(?P<c>[A-Z]{2,12}) (?P<g>[A-Z][a-z]+(?:-[a-z]+)?)"
    r"|(?P<g2>[A-Z][a-z]+(?:-[a-z]+)?) (?P<c2>[A-Z]{2,12}))(?![A-Za-z])"
)
_ACRONYMS = frozenset(
    [
        "LINE",
        "NPO",
        "SNS",
        "DM",
        "ID",
        "TEL",
        "FAX",
        "URL",
        "PDF",
        "PC",
        "OK",
        "NG",
        "DV",
        "ADHD",
        "ASD",
        "LGBT",
        "HP",
        "QR",
        "ATM",
        "JR",
        "USB",
        "SMS",
        "AI",
        "IT",
        "TV",
        "CM",
        "GPS",
        "ETC",
        "NHK",
        "OB",
        "OG",
        "PTA",
        "CEO",
        "CA",
        "BTS",
        "DVD",
        "CD",
    ]
)
