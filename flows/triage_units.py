"""Cut one message into the units triage reads: sentences, and windows over long ones.

A 600-character letter must be as sensitive as its most dangerous sentence alone, so each
sentence is assessed on its own, with its neighbours as context. Sentences end at 。！？!? and
line breaks, but never inside a quotation (「…」, 『…』, "…"): 息子が「もう死にたい。迷惑かけたくない」
と言った is one sentence, spoken by someone else. A sentence longer than `LONG` characters
(elderly kana writing often has no full stops) is also read in overlapping windows.

Offsets are on the original text, so the deciding unit can be reported as a span, never as text.
Pure: standard library only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

WINDOW = 80
STRIDE = 40
LONG = 120  # a sentence longer than this is also read in windows
MAX_QUOTE = 200  # an unclosed 「 must not swallow the rest of a long letter
_ENDS = frozenset("。．！？!?\n")
_OPEN = {"「": "」", "『": "』", "“": "”", "（": "）", "(": ")"}
_SPACE = frozenset(" \t\r\u3000")
# the next sentence end (a run of them) or quotation opener
_STOP = re.compile("[" + re.escape("".join(_ENDS)) + "]+|[" + re.escape("".join(_OPEN)) + "]")


@dataclass(frozen=True)
class Unit:
    start: int
    end: int
    index: int  # sentence number; windows share their sentence's number
    window: bool = False


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each non-empty sentence, quotations kept whole."""
    spans: list[tuple[int, int]] = []
    start = 0
    n = len(text)
    m = _STOP.search(text)
    while m is not None:
        i = m.start()
        c = text[i]
        close = _OPEN.get(c)
        if close is not None:
            j = text.find(close, i + 1, i + 1 + MAX_QUOTE)
            m = _STOP.search(text, j + 1 if j != -1 else i + 1)
            continue
        i = m.end() - 1  # a run of sentence ends is one end
        spans.append((start, i + 1))
        start = i + 1
        m = _STOP.search(text, i + 1)
    spans.append((start, n))
    return [_trim(text, s, e) for s, e in spans if text[s:e].strip()]


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and (text[start] in _SPACE or text[start] == "\n"):
        start += 1
    while end > start and (text[end - 1] in _SPACE or text[end - 1] == "\n"):
        end -= 1
    return start, end


def units(text: str, spans: list[tuple[int, int]] | None = None) -> list[Unit]:
    """Every sentence, plus overlapping windows over sentences longer than `LONG` (`spans`:
    `sentences(text)` when the caller already has them)."""
    out: list[Unit] = []
    for index, (s, e) in enumerate(sentences(text) if spans is None else spans):
        out.append(Unit(s, e, index))
        if e - s > LONG:
            pos = s
            while pos + WINDOW < e:
                out.append(Unit(pos, pos + WINDOW, index, True))
                pos += STRIDE
            out.append(Unit(max(s, e - WINDOW), e, index, True))
    return out
