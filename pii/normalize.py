"""Text normalisation for the recognizers, with an offset map back to the original text.

``normalize(text)`` returns a :class:`Normalized` holding two views of the same length:

* ``text``: NFKC (full-width digits/letters/punctuation to ASCII, half-width kana to full-width,
  ideographic space to ASCII space), and every dash-like character written *between two digits*
  (``ー ｰ ‐ － — −`` …) replaced by ``-``.  This view is what Sudachi and the word-level
  recognizers read.
  Variant kanji of surnames (﨑 髙 邉 濵 𠮷 …) read as their standard form (崎 高 辺 浜 吉).
* ``digits``: the same string with the kanji digits 〇一二三四五六七八九 replaced by ASCII
  digits (one character for one character), so that ``〇九〇の八二三一の四四五七`` and
  ``昭和九年五月五日`` reach the number recognizers as digits.

No side doors: format characters (zero-width space/joiners, soft hyphen, BOM, bidi marks: Unicode
category Cf) are dropped, so ``090\u200b1234`` reads as ``0901234``; obfuscated e-mail
addresses (``name(at)example.jp``, ``name [at] example [dot] jp``, ``name アットマーク example.jp``,
``＠`` via NFKC) are rewritten to ``@`` and ``.``.  Dots, spaces and ``・`` between digits are
kept and read as separators by the number recognizers (``090.1234.5678``, ``0 9 0 1 2 3 4 …``).

NFKC can turn one character into several (``㈱`` → ``(株)``) and half-width voiced kana into one
(``ﾊﾞ`` → ``バ``): ``starts``/``ends`` give, for every normalised character, the original span it
came from, and :meth:`Normalized.to_original` maps a normalised ``[start, end)`` back.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

DASHES = frozenset("ー－‐‑‒–—―−ｰ─━-")
KANJI_DIGITS = {
    "〇": "0",
    "一": "1",
    "二": "2",
    "三": "3",
    "四": "4",
    "五": "5",
    "六": "6",
    "七": "7",
    "八": "8",
    "九": "9",
    "零": "0",
}
# variant kanji common in surnames that NFKC leaves alone (山﨑, 髙橋, 渡邉, 濵田, 𠮷田): read as the
# standard form, which the dictionary knows as a name; one character for one character
VARIANTS = str.maketrans("﨑髙邉邊濵德𠮷", "崎高辺辺浜徳吉")
_VOICE_MARKS = frozenset("\u3099\u309a")
_DIGITS = frozenset("0123456789") | frozenset(KANJI_DIGITS)
_OBF_HINT = re.compile(r"at|dot|@|\(a\)|アット|あっと|ドット|どっと", re.I)
# an obfuscated @: "(at)" / "[at]" anywhere between address characters; a spaced "@" or the words
# アットマーク/at only when a domain with a dot follows
_DOMAIN_AHEAD = (
    r"(?= ?[A-Za-z0-9\-]+ ?(?:\.|[(\[{<] ?(?:dot|ドット|どっと) ?[)\]}>]| dot ) ?[A-Za-z])"
)
_OBF_AT = re.compile(
    r"(?<=[A-Za-z0-9._%+\-]) ?[(\[{<] ?(?:at|a|アット|あっと) ?[)\]}>] ?(?=[A-Za-z0-9])"
    r"|(?<=[A-Za-z0-9._%+\-])(?: @ | ?@ ?マーク ?| ?(?:アットマーク|あっとまーく) ?| at | ?at ?mark )"
    + _DOMAIN_AHEAD,
    re.I,
)
_OBF_DOT = re.compile(
    r"(?<=[A-Za-z0-9]) ?(?:[(\[{<] ?(?:dot|ドット|どっと) ?[)\]}>]|ドット|どっと| dot | \. ) ?(?=[A-Za-z0-9])",
    re.I,
)


@dataclass(frozen=True)
class Normalized:
    original: str
    text: str
    digits: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a span of the normalised text to the span of the original text it came from."""
        if end <= start:
            pos = self.starts[start] if start < len(self.starts) else len(self.original)
            return pos, pos
        return self.starts[start], self.ends[end - 1]


def normalize(text: str) -> Normalized:
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for i, ch in enumerate(text):
        if ch.isascii():
            out = ch
        elif unicodedata.category(ch) == "Cf":
            continue
        else:
            out = unicodedata.normalize("NFKC", ch).translate(VARIANTS)
            if ch == "\u3000":
                out = " "
        if not out:
            continue
        if out[0] in _VOICE_MARKS and chars:
            composed = unicodedata.normalize("NFC", chars[-1] + out[0])
            if len(composed) == 1:
                chars[-1] = composed
                ends[-1] = i + 1
                out = out[1:]
        for c in out:
            chars.append(c)
            starts.append(i)
            ends.append(i + 1)
    # dashes between digits become "-"
    n = len(chars)
    for j in range(1, n - 1):
        if chars[j] in DASHES and chars[j - 1] in _DIGITS and chars[j + 1] in _DIGITS:
            chars[j] = "-"
    norm = "".join(chars)
    if _OBF_HINT.search(norm):
        norm, starts, ends = _substitute(norm, starts, ends, _OBF_AT, "@")
        if "@" in norm:
            norm, starts, ends = _substitute(norm, starts, ends, _OBF_DOT, ".", need="@")
        chars = list(norm)
    digits = "".join(KANJI_DIGITS.get(c, c) for c in chars)
    return Normalized(text, norm, digits, tuple(starts), tuple(ends))


def _substitute(
    text: str, starts: list[int], ends: list[int], rx: re.Pattern[str], repl: str, need: str = ""
) -> tuple[str, list[int], list[int]]:
    """Replace each match of ``rx`` by one character that maps back to the whole match."""
    out: list[str] = []
    out_s: list[int] = []
    out_e: list[int] = []
    pos = 0
    for m in rx.finditer(text):
        if need and need not in text[max(0, m.start() - 40) : m.end() + 40]:
            continue
        out.append(text[pos : m.start()])
        out_s.extend(starts[pos : m.start()])
        out_e.extend(ends[pos : m.start()])
        out.append(repl)
        out_s.append(starts[m.start()])
        out_e.append(ends[m.end() - 1])
        pos = m.end()
    if pos == 0:
        return text, starts, ends
    out.append(text[pos:])
    out_s.extend(starts[pos:])
    out_e.extend(ends[pos:])
    return "".join(out), out_s, out_e
