"""The stemming analyzer of titles and bodies, in one pass.

Whoosh's ``StemmingAnalyzer`` is a tokenizer and three filters chained as
generators (lowercase, stop words, Porter stems behind a cache written in
Python), so every token of every article crosses four generator frames; that
was a fifth of the index writers' time. ``StemmingTokenizer`` produces exactly
the same tokens (same texts, renumbered positions, character offsets, stopped
tokens kept when asked) in one loop, with the stems behind ``functools``' C
cache (saving: bench/README.md, design figures). ``tests/test_analysis.py`` holds
it to Whoosh's output.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any

from . import whooshload  # noqa: F401  # isort: skip (before any Whoosh import)
from whoosh.analysis import STOP_WORDS, Tokenizer
from whoosh.analysis.acore import Token
from whoosh.analysis.tokenizers import default_pattern
from whoosh.lang.porter import stem

STEM_CACHE = 50_000
"""Distinct words whose stems are kept (as Whoosh's own default)."""


@functools.lru_cache(maxsize=STEM_CACHE)
def _stem(word: str) -> str:
    return str(stem(word))


class StemmingTokenizer(Tokenizer):
    """``RegexTokenizer | LowercaseFilter | StopFilter | StemFilter`` with Whoosh's defaults."""

    is_morph = True  # it stems: Whoosh treats the field as morphologically changed

    def __init__(
        self, stoplist: frozenset[str] = STOP_WORDS, minsize: int = 2, maxsize: int | None = None
    ) -> None:
        self.stoplist = frozenset(stoplist)
        self.minsize = minsize
        self.maxsize = maxsize

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other.__dict__ == self.__dict__

    def __hash__(self) -> int:
        return hash((type(self), self.stoplist, self.minsize, self.maxsize))

    def _is_stop(self, text: str) -> bool:
        return (
            len(text) < self.minsize
            or (self.maxsize is not None and len(text) > self.maxsize)
            or text in self.stoplist
        )

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: Any,
    ) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            matches: Any = [_Whole(value)]
        else:
            matches = default_pattern.finditer(value)
        is_stop = self._is_stop
        renumbered: int | None = None
        for index, match in enumerate(matches):
            original = match.group()
            text = original.lower()
            token.boost = 1.0
            if keeporiginal or not tokenize:
                token.original = original
            if is_stop(text):
                if removestops:
                    continue
                # Kept but marked, unstemmed, at its own position (as StopFilter does).
                token.text = text
                token.stopped = True
                if positions:
                    token.pos = start_pos + index
            else:
                token.text = _stem(text)
                token.stopped = False
                if positions:
                    # Stop words take no position: kept words are numbered on
                    # from the first one's own place.
                    renumbered = start_pos + index if renumbered is None else renumbered + 1
                    token.pos = renumbered
            if chars:
                token.startchar = start_char + match.start()
                token.endchar = start_char + match.end()
            yield token


class _Whole:
    """The whole value as one match, for ``tokenize=False``."""

    def __init__(self, value: str) -> None:
        self._value = value

    def group(self) -> str:
        return self._value

    def start(self) -> int:
        return 0

    def end(self) -> int:
        return len(self._value)
