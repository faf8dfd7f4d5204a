"""Sudachi tokenisation for the recognizers (no spaCy model, no download, no Presidio import).

Sudachi (mode C, core dictionary) tokenises a 50-character message in about 0.03 ms and tags
personal names (``名詞,固有名詞,人名,姓|名``) and places (``名詞,固有名詞,地名``) directly, which is
what the Japanese recognizers need.  GiNZA was measured at ~30 ms and ~450 MB per process for the
same job (see benchmarks/pii/README.md), so it is not used.

Presidio's ``AnalyzerEngine`` was dropped: importing ``presidio_analyzer`` alone pulls in spaCy,
thinc and numpy (~75 MB private memory per process) for a registry loop and a result class; the
recognizers keep Presidio's shape (one entity per recognizer, patterns, context, validator) and
:mod:`pii.recognizers` is the registry.

Thread safety: a Sudachi ``Tokenizer`` must not be shared between threads, so each thread gets
its own (created lazily from one shared ``Dictionary``); dictionary look-ups are cached and
guarded by a lock.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from functools import lru_cache
from typing import Any, NamedTuple

from sudachipy import Dictionary, SplitMode

# Sudachi refuses inputs above ~49 KB; lines are tokenised one by one and long lines in pieces.
_MAX_CHUNK = 4000


class Tok(NamedTuple):
    surface: str
    start: int
    end: int
    pos: tuple[str, ...]
    oov: bool

    @property
    def is_name(self) -> bool:
        return self.pos[2] == "人名"

    @property
    def is_place(self) -> bool:
        return self.pos[2] == "地名"

    @property
    def is_particle(self) -> bool:
        return self.pos[0] in ("助詞", "助動詞")


class SudachiArtifacts:
    """One message as the recognizers read it: normalised text, digit view, Sudachi tokens."""

    def __init__(self, text: str, digits: str, toks: list[Tok], nlp: SudachiNlpEngine) -> None:
        self.text = text
        self.digits = digits
        self.toks = toks
        self.nlp = nlp
        self.cache: dict[str, Any] = {}


def _chunks(text: str) -> Iterator[tuple[int, str]]:
    pos = 0
    for line in text.split("\n"):
        start = 0
        while start < len(line):
            piece = line[start : start + _MAX_CHUNK]
            if start + _MAX_CHUNK < len(line):
                cut = max(piece.rfind("。"), piece.rfind(" "), piece.rfind("、"))
                if cut > _MAX_CHUNK // 2:
                    piece = piece[: cut + 1]
            yield pos + start, piece
            start += len(piece)
        pos += len(line) + 1


class SudachiNlpEngine:
    """Sudachi tokenizer producing :class:`SudachiArtifacts` for Japanese (and mixed) text."""

    def __init__(self) -> None:
        self._dictionary: Any = None
        self._local = threading.local()
        self._lookup_lock = threading.Lock()

    def load(self) -> None:
        if self._dictionary is None:
            self._dictionary = Dictionary(dict="core")
            self.name_capable.cache_clear()

    def is_loaded(self) -> bool:
        return self._dictionary is not None

    def _tokenizer(self) -> Any:
        tok = getattr(self._local, "tokenizer", None)
        if tok is None:
            self.load()
            tok = self._dictionary.tokenizer(SplitMode.C, fields={"pos"})
            self._local.tokenizer = tok
        return tok

    def tokenize(self, text: str) -> list[Tok]:
        tokenizer = self._tokenizer()
        out: list[Tok] = []
        for offset, piece in _chunks(text):
            if not piece.strip():
                continue
            for m in tokenizer.tokenize(piece):
                out.append(
                    Tok(
                        m.surface(),
                        offset + m.begin(),
                        offset + m.end(),
                        tuple(m.part_of_speech()),
                        m.is_oov(),
                    )
                )
        return out

    def artifacts(self, text: str, digits: str) -> SudachiArtifacts:
        return SudachiArtifacts(text, digits, self.tokenize(text), self)

    @lru_cache(maxsize=65536)  # noqa: B019 - one engine per process
    def name_capable(self, surface: str) -> bool:
        """True when the dictionary has a personal-name (人名) entry for exactly this surface."""
        self.load()
        with self._lookup_lock:
            entries = self._dictionary.lookup(surface)
            return any(m.part_of_speech()[2] == "人名" for m in entries)

    @lru_cache(maxsize=65536)  # noqa: B019
    def known_common(self, surface: str) -> bool:
        """True when the dictionary knows this surface as a word other than a name."""
        self.load()
        with self._lookup_lock:
            entries = self._dictionary.lookup(surface)
            return any(m.part_of_speech()[2] != "人名" for m in entries)
