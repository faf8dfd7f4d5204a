"""A lightweight Presidio ``NlpEngine`` backed by SudachiPy (no spaCy model, no download).

Sudachi (mode C, core dictionary) tokenises a 50-character message in about 0.03 ms and tags
personal names (``名詞,固有名詞,人名,姓|名``) and places (``名詞,固有名詞,地名``) directly, which is
what the Japanese recognizers need.  GiNZA was measured at ~30 ms and ~450 MB per process for the
same job (see benchmarks/pii/README.md), so it is not used.

Thread safety: a Sudachi ``Tokenizer`` must not be shared between threads, so each thread gets
its own (created lazily from one shared ``Dictionary``); dictionary look-ups are cached and
guarded by a lock.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any, NamedTuple

from presidio_analyzer.nlp_engine import NlpArtifacts, NlpEngine
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


class SudachiArtifacts(NlpArtifacts):
    """NlpArtifacts carrying the Sudachi tokens and the normalised digit view."""

    def __init__(self, text: str, digits: str, toks: list[Tok], engine: NlpEngine) -> None:
        super().__init__(entities=[], tokens=None, tokens_indices=[], lemmas=[],  # type: ignore[arg-type]
                         nlp_engine=engine, language="ja")
        self.text = text
        self.digits = digits
        self.toks = toks
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


class SudachiNlpEngine(NlpEngine):
    """Presidio NlpEngine producing :class:`SudachiArtifacts` for Japanese (and mixed) text."""

    def __init__(self) -> None:
        self._dictionary: Any = None
        self._local = threading.local()
        self._lookup_lock = threading.Lock()

    # -- NlpEngine interface -------------------------------------------------------------
    def load(self) -> None:
        if self._dictionary is None:
            self._dictionary = Dictionary(dict="core")
            self.name_capable.cache_clear()

    def is_loaded(self) -> bool:
        return self._dictionary is not None

    def process_text(self, text: str, language: str) -> NlpArtifacts:
        return self.artifacts(text, text)

    def process_batch(self, texts: Iterable[str], language: str, batch_size: int = 1,
                      n_process: int = 1, **kwargs: Any) -> Iterator[tuple[str, NlpArtifacts]]:
        for text in texts:
            yield text, self.process_text(text, language)

    def is_stopword(self, word: str, language: str) -> bool:
        return False

    def is_punct(self, word: str, language: str) -> bool:
        return False

    def get_supported_entities(self) -> list[str]:
        return []

    def get_supported_languages(self) -> list[str]:
        return ["ja"]

    # -- Sudachi -------------------------------------------------------------------------
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
                out.append(Tok(m.surface(), offset + m.begin(), offset + m.end(),
                               tuple(m.part_of_speech()), m.is_oov()))
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
