"""Did you mean: a query's words that no article has, each replaced by the
nearest word that one has.

Whoosh-free, so that the engine (:mod:`.fuzzy`, over Whoosh's reader) and the
direct search (:mod:`.direct`, over the index files) suggest the same words:
each gives the count of documents with a term and the terms starting with a
letter, in order. A misspelling is compared both as typed and as the title
and body analyzer reads it, and a suggested stem is turned back into a word
before it is shown ("technolog" is offered as "technology").
"""

from __future__ import annotations

import re
from collections.abc import Callable

from whoosh.lang.porter import stem  # a module of plain functions: Whoosh itself stays unloaded

from .nearest import nearest, osa_distance
from .snippets import STOP_WORDS
from .syntax import OPERATORS

Frequency = Callable[[str, str], int]
"""frequency(field, term): how many documents have the term in the field."""
StartingWith = Callable[[str, str], list[str]]
"""starting_with(field, head): the field's terms that start with ``head``, in order."""

WORD_PATTERN = re.compile(r"[\w\*]+(\.?[\w\*]+)*")
"""The title and body analyzer's words (Whoosh's ``default_pattern``, held to it by a test)."""

SHORTEST_WORD = 2
"""The analyzer drops shorter words (``StemmingTokenizer``'s ``minsize``)."""


def analysed(word: str) -> str:
    """``word`` as the title and body analyzer reads it, where that is one
    term; else ``word`` itself (two words, or a stop word)."""
    words = [w.lower() for w in (m.group() for m in WORD_PATTERN.finditer(word))]
    kept = [w for w in words if len(w) >= SHORTEST_WORD and w not in STOP_WORDS]
    return str(stem(kept[0])) if len(kept) == 1 else word


_PLAIN_WORD = re.compile(r"(?<![\w:*?~])([A-Za-z][A-Za-z'-]{2,})(?![\w:*?~])")

_ENDINGS = ("", "e", "s", "es", "y", "ion", "ions", "ation", "ing", "ed", "er", "al", "ment")


def suggest(
    text: str, frequency: Frequency, starting_with: StartingWith, fieldname: str = "body"
) -> str | None:
    """``text`` with each plain word that is in no document replaced by the nearest
    word that is (same first letter, at most two edits); None when nothing changes.

    Only free words (in phrases too) are corrected; field filters, patterns
    and fuzzy terms are left as typed.
    """
    changed = False

    def fix(match: re.Match[str]) -> str:
        nonlocal changed
        typed = match.group(1)
        if typed in OPERATORS:
            return typed
        lowered = typed.lower()
        typed_stem = analysed(lowered)
        if frequency(fieldname, typed_stem) or frequency("title", typed_stem):
            return typed
        near = nearest(
            [lowered, typed_stem],
            lambda head: starting_with(fieldname, head),
            lambda term: frequency(fieldname, term),
            2,
            1,
        )
        if not near:
            return typed
        changed = True
        word = _surface(lowered, typed_stem, near[0][0])
        if typed.isupper() and len(typed) > 1:
            return word.upper()
        return word.capitalize() if typed[0].isupper() else word

    corrected = _PLAIN_WORD.sub(fix, text)
    return corrected if changed else None


def _surface(typed: str, typed_stem: str, suggested_stem: str) -> str:
    """A word for a suggested stem: the stem with the ending nearest to what was typed."""
    endings = list(_ENDINGS)
    if typed.startswith(typed_stem):
        endings.insert(0, typed[len(typed_stem) :])
    words = [suggested_stem + ending for ending in endings]
    if suggested_stem.endswith("i"):
        # Porter's stemmer writes a final y as i: "strategy" is "strategi".
        words += [suggested_stem[:-1] + ending for ending in ("y", "ies")]
    # The stem itself is a candidate: a term can be a word stored unstemmed.
    fitting = [suggested_stem, *(w for w in words if analysed(w) == suggested_stem)]
    # Between equally near words, one the typed word is missing letters of:
    # a dropped letter is the commonest slip ("withdrawl" -> "withdrawal").
    return min(fitting, key=lambda w: (osa_distance(typed, w), not _dropped_from(typed, w)))


def _dropped_from(typed: str, word: str) -> bool:
    """True when ``typed`` is ``word`` with some letters left out."""
    letters = iter(word)
    return all(ch in letters for ch in typed)
