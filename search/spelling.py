"""Did you mean: a query's words that no article has, each replaced by the
nearest word that one has.

Whoosh-free, so that the engine (:mod:`.fuzzy`, over Whoosh's reader) and the
direct search (:mod:`.direct`, over the index files) suggest the same words:
each gives the count of documents with a term, the terms starting with a
letter (in order), whether a live document has a term, and the first few
such documents' words. A misspelling is compared both as typed and as the title
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
Live = Callable[[str, str], bool]
"""live(field, term): whether a document not deleted has the term in the field
(``Frequency`` counts deleted documents too, as Whoosh's statistics do)."""
WrittenWith = Callable[[str, str], str | None]
"""written_with(field, term): the titles and bodies of the first
:data:`ARTICLES_READ` documents not deleted that have the term in the field
(None if there is none)."""

ARTICLES_READ = 5
"""Articles whose words show how a suggested stem is written: enough that the
common forms turn up ("withdrawal" beside "withdraw"), few enough to cost a
search with no hits little (each is a stored document read)."""

WORD_PATTERN = r"[\w\*]+(\.?[\w\*]+)*"
"""The title and body analyzer's words (Whoosh's ``default_pattern``, held to
it by a test). Patterns here are compiled when first used (``re``'s cache):
only a search with no hits needs them."""

SHORTEST_WORD = 2
"""The analyzer drops shorter words (``StemmingTokenizer``'s ``minsize``)."""


def terms_of(word: str) -> list[str]:
    """The terms the title and body analyzer makes of ``word`` (none for a
    stop word: a search leaves it out)."""
    words = [m.group().lower() for m in re.finditer(WORD_PATTERN, word)]
    return [str(stem(w)) for w in words if len(w) >= SHORTEST_WORD and w not in STOP_WORDS]


def analysed(word: str) -> str:
    """``word`` as the title and body analyzer reads it, where that is one
    term; else ``word`` itself (two words, or a stop word)."""
    terms = terms_of(word)
    return terms[0] if len(terms) == 1 else word


_PLAIN_WORD = r"(?<![\w:*?~])([A-Za-z][A-Za-z'-]{2,})(?![\w:*?~])"

_ENDINGS = ("", "e", "s", "es", "y", "ion", "ions", "ation", "ing", "ed", "er", "al", "ment")


def suggest(
    text: str,
    frequency: Frequency,
    starting_with: StartingWith,
    live: Live,
    written_with: WrittenWith,
    fieldname: str = "body",
) -> str | None:
    """``text`` with each plain word that is in no document replaced by the nearest
    word that is (same first letter, at most two edits); None when nothing changes.

    Only free words (in phrases too) are corrected; field filters, patterns,
    fuzzy terms and stop words (a search leaves those out) are left as typed.
    A word is offered only if searching it finds what it was chosen for: it
    reads as that one term, and a document not deleted has it; it is written
    as articles write it where they can ("agriculture", not the stem
    "agricultur").
    """
    changed = False

    def fix(match: re.Match[str]) -> str:
        nonlocal changed
        typed = match.group(1)
        lowered = typed.lower()
        if typed in OPERATORS or not terms_of(lowered):
            return typed
        typed_stem = analysed(lowered)
        if live(fieldname, typed_stem) or live("title", typed_stem):
            return typed
        near = nearest(
            [lowered, typed_stem],
            lambda head: starting_with(fieldname, head),
            lambda term: frequency(fieldname, term),
            2,
            1,
        )
        for term, _distance in near:
            written = written_with(fieldname, term)
            word = _surface(lowered, typed_stem, term, written) if written is not None else None
            if word is not None and word != lowered:
                changed = True
                if typed.isupper() and len(typed) > 1:
                    return word.upper()
                return word.capitalize() if typed[0].isupper() else word
        return typed

    corrected = re.sub(_PLAIN_WORD, fix, text)
    return corrected if changed else None


def _surface(typed: str, typed_stem: str, suggested_stem: str, written: str) -> str | None:
    """A word for a suggested stem, near what was typed, that the analyzer
    reads as that stem again (None if none does: "deceas" itself reads as
    "decea"): one the articles with the stem write (``written``), or the stem
    with a common ending, which counts one edit farther (it may be no word:
    "agricultur" against the articles' "agriculture")."""
    head = re.escape(suggested_stem[:-1])
    seen = dict.fromkeys(m.group().lower() for m in re.finditer(rf"\b(?i:{head})[a-z]*\b", written))
    real = [word for word in seen if terms_of(word) == [suggested_stem]]
    endings = list(_ENDINGS)
    if typed.startswith(typed_stem):
        endings.insert(0, typed[len(typed_stem) :])
    # The stem itself first: a term can be a word the stemmer leaves alone.
    made = [suggested_stem, *(suggested_stem + ending for ending in endings)]
    if suggested_stem.endswith("i"):
        # Porter's stemmer writes a final y as i ("strategy" is "strategi").
        made += [suggested_stem[:-1] + ending for ending in ("y", "ies")]
    fitting = real + [
        w for w in dict.fromkeys(made) if w not in seen and terms_of(w) == [suggested_stem]
    ]
    if not fitting:
        return None
    # Between equally near words, one an article writes, then one the typed
    # word is missing letters of: a dropped letter is the commonest slip
    # ("withdrawl" -> "withdrawal").
    return min(
        fitting,
        key=lambda w: (
            osa_distance(typed, w) + (w not in seen),
            w not in seen,
            not _dropped_from(typed, w),
        ),
    )


def _dropped_from(typed: str, word: str) -> bool:
    """True when ``typed`` is ``word`` with some letters left out."""
    letters = iter(word)
    return all(ch in letters for ch in typed)
