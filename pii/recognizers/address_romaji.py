"""ADDRESS in Latin letters: romaji addresses in English or Japanese order (3-600 Nakamaruko,
Nakahara-ku; Room 1102, Park Tower; 5-chome-8-14; Sakura Danchi Building 5, Room 302)."""

from __future__ import annotations

import re

from pii.recognizers.lexicon import EN_WORDS

EN_ADDR = re.compile(
    r"(?:(?:Room|Apt\.?|Unit|Flat) ?\d+, ?|(?:[A-Z][a-z]+ ){1,3}\d{1,4}[A-Z]?, ?)?"
    r"(?:\d{1,2}-?(?:chome|choume),? )?"
    r"\d{1,4}(?:-\d{1,4}){1,3},? [A-Z][A-Za-z]+(?:-[A-Za-z]+)?(?:, ?(?!(?:Apt|Apartment|Room|Rm|Unit|Flat|Suite)\b)[A-Z][A-Za-z]+(?:-[A-Za-z]+)?(?![A-Za-z]| city)){0,3}"
    r"(?:,? (?:Apt\.?|Apartment|Room|Rm\.?|Unit|Flat|Suite|#) ?#?\d{1,5}[A-Z]?(?![\d\-]))?"
    r"|(?:[A-Z][a-z]+ )+Danchi(?: \d+(?:-\d+)?| (?:Building|Bldg\.?|Block|No\.?) ?\d+)?(?:,? (?:Room|Rm\.?|Apt\.?|#) ?\d+)?"
    r"|(?<![A-Za-z])[A-Z][a-z]+(?:-[a-z]+)? \d{1,2}-?(?:chome|choume)(?:[ ,-]+\d{1,4}(?:-\d{1,4}){0,2})?(?![A-Za-z\d])"
)
# romaji addresses in any order: a run of place words, lot numbers (5-chome-8-14, 12-banchi 7-go),
# building names and rooms joined by spaces/commas; kept when it has a lot number and a place word
_EN_EL = (
    r"(?:(?:Room|Apt\.?|Apartment|Unit|Flat|Suite|#) ?#?[A-Z]?\d{1,5}[A-Z]?(?![\d-])"
    r"|\d{1,5}(?:-\d{1,5}){0,3}(?:-?(?:chome|choume|banchi|go)\b)?"
    r"|[A-Z][a-z]+(?:-[A-Za-z]+)*|[A-Z]{2,}(?:-[A-Za-z]+)*)"
)
_EN_RUN = re.compile(rf"(?<![A-Za-z0-9\-]){_EN_EL}(?:(?:,? |-){_EN_EL})*")
# a lot number: dashed digits, n-chome/banchi, or a number right after a -cho/-machi town
_EN_LOT = re.compile(r"\d-\d|\d-?(?:chome|choume|banchi)|-(?:cho|machi|mura),? \d")
_EN_PLACE = re.compile(
    r"-(?:shi|ku|cho|machi|mura|gun|dori|dai|higashi|nishi|minami|kita)\b|\b(?:City|Ward)\b", re.I
)
_EN_DATE = re.compile(r"\b(?:19|20)\d{2}-\d{1,2}-\d{1,2}\b")


def romaji_runs(t: str) -> list[tuple[int, int]]:
    out = []
    for m in _EN_RUN.finditer(t):
        s, run = m.start(), m.group()
        # a leading English word (I, My, The, Address…) is not part of the address
        while (
            (w := re.match(r"([A-Za-z']+)(?:,? )", run))
            and w.group(1) in EN_WORDS
            and w.group(1) not in ("Room", "City")
        ):
            s += w.end()
            run = run[w.end() :]
        if not _EN_LOT.search(run) or _EN_DATE.search(run) or not re.search("[a-z]", run):
            continue
        if _EN_PLACE.search(run) or re.search(r"[A-Z][a-z]+,? \d|\d,? [A-Z][a-z]+", run):
            out.append((s, s + len(run.rstrip(", -"))))
    return out
