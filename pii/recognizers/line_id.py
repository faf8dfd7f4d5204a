"""LINE_ID: LINE ids and SNS handles (@handle, or an id-like token near an SNS cue word)."""

from __future__ import annotations

import re

from pii.nlp import SudachiArtifacts
from pii.recognizers._base import HIRA, KANJI, KATA, REF_WORDS, Hit, Recognizer, line_before

_HANDLE_AT = re.compile(r"(?<![A-Za-z0-9._%+\-@/])@[A-Za-z0-9_][A-Za-z0-9._\-]{1,29}")
# a Discord-style tag (name#1234) is part of the handle
_HANDLE = re.compile(
    r"(?<![A-Za-z0-9._@/\-])[A-Za-z0-9][A-Za-z0-9._\-]{2,30}(?:#\d{4})?(?![A-Za-z0-9@#])"
)
_SNS_CONTEXT = re.compile(
    r"(?<![A-Za-z])(?:LINE|Line|ID|Id|X|DM|SNS)(?![A-Za-z])|ライン|らいん|インスタ|ティックトック|"
    r"ツイッター|アカウント|ディスコ(?:ード)?|スレッズ|フェイスブック|ユーザー?名|ハンドル|"
    r"(?i:instagram|insta|tiktok|twitter|threads|discord|facebook|account|handle|user ?name)"
)
# a cue glued to the id: LINEritsu_usami26, IDkouta22 (the id starts in lower case or a digit)
_GLUED = re.compile(
    r"(?<![A-Za-z])(?:LINE|Line|ID)(?:ID|Id)?[:：]?(?P<h>[a-z0-9][A-Za-z0-9._\-]{2,29})"
)
# cue words in lower case (lineのid kenta1999) count only before an id with a digit, _ or .
_LOWER_CUE = re.compile(r"(?<![A-Za-z])(?:line|id)(?![A-Za-z])")
_HANDLE_STOP = re.compile(
    r"^(?:[A-Z]{1,4}\d{0,2}|\d+[A-Za-z]{0,2}|p\.m|a\.m|e\.g|i\.e|No\.?\d*|Co|Ltd|TEL|FAX)$", re.I
)


def find_handles(art: SudachiArtifacts) -> list[Hit]:
    t = art.text
    out: list[Hit] = []
    for m in _HANDLE_AT.finditer(t):
        s = m.group().rstrip(".-")
        out.append(("LINE_ID", m.start(), m.start() + len(s), 0.85))
    for m in _GLUED.finditer(t):
        h = m.group("h").rstrip(".-_")
        if len(h) >= 3 and re.search(r"[\d_.]", h):
            out.append(("LINE_ID", m.start("h"), m.start("h") + len(h), 0.8))
    for m in _HANDLE.finditer(t):
        s = m.group().rstrip(".-_")
        if len(s) < 3 or _HANDLE_STOP.match(s) or s.isdigit():
            continue
        if not re.search(r"[A-Za-z]", s):
            continue
        handle_like = bool(re.search(r"[\d_#]|[A-Za-z][.\-][A-Za-z0-9]", s))
        line_start = t.rfind("\n", 0, m.start()) + 1
        line_end = t.find("\n", m.end())
        line_end = len(t) if line_end < 0 else line_end
        rest_of_line = t[line_start : m.start()] + t[m.start() + len(s) : line_end]
        alone = not re.search(
            f"[A-Za-z0-9{HIRA}{KATA}{KANJI}]", re.sub(r"[→←>（）()]", "", rest_of_line)
        )
        prev = t[max(0, m.start() - 40) : m.start()]
        near = _SNS_CONTEXT.search(t[max(0, m.start() - 12) : m.start()])
        ctx = _SNS_CONTEXT.search(prev) or (handle_like and _LOWER_CUE.search(prev))
        if REF_WORDS.search(line_before(t, m.start(), 12)):
            continue
        if (handle_like and (alone or ctx)) or (
            near and len(s) >= 4 and s.lower() not in ("line", "id")
        ):
            out.append(("LINE_ID", m.start(), m.start() + len(s), 0.7 if ctx else 0.6))
    return out


RECOGNIZER = Recognizer("JaLineIdRecognizer", "LINE_ID", find_handles)
