"""Fuzzy terms and "did you mean", by edit distance computed in C.

Whoosh expands ``word~`` and corrects queries by walking a Levenshtein
automaton over the term dictionary in Python: building the automaton for a
distance of 2 alone was slower than a whole ordinary query (bench/README.md,
design figures). Here the candidate words (those sharing the
first letters) are listed once per index reader and per prefix, and
:func:`.nearest.nearest` measures the distance to each of them.

The title and body fields are stemmed, so their terms are stems: a misspelling
is compared both as typed and as stemmed, and a suggestion is turned back
into a word before it is shown ("technolog" is offered as "technology").
"""

from __future__ import annotations

import re
import threading
import weakref
from typing import Any

from . import whooshload  # noqa: F401  # isort: skip (before any Whoosh import)
from whoosh import query

from .nearest import nearest
from .syntax import OPERATORS

_lists: weakref.WeakKeyDictionary[Any, dict[tuple[str, str], list[str]]] = (
    weakref.WeakKeyDictionary()
)
_lists_lock = threading.Lock()


def words_with_prefix(reader: Any, fieldname: str, prefix: str) -> list[str]:
    """Every term of ``fieldname`` starting with ``prefix``, cached per reader."""
    with _lists_lock:
        per_reader = _lists.setdefault(reader, {})
        found = per_reader.get((fieldname, prefix))
    if found is None:
        found = [
            b.decode("utf-8") if isinstance(b, bytes) else str(b)
            for b in reader.expand_prefix(fieldname, prefix)
        ]
        with _lists_lock:
            per_reader[(fieldname, prefix)] = found
    return found


def _stem(schema: Any, fieldname: str, word: str) -> str:
    try:
        analyzer = getattr(schema[fieldname], "analyzer", None)
    except KeyError:
        return word
    if analyzer is None:
        return word
    tokens = [t.text for t in analyzer(word)]
    return tokens[0] if len(tokens) == 1 else word


def nearest_words(
    reader: Any, fieldname: str, word: str, maxdist: int, prefix: int
) -> list[tuple[str, int]]:
    """Terms within ``maxdist`` edits of ``word`` (as typed or stemmed), nearest first.

    Ties go to the word in more documents.
    """
    return nearest(
        [word, _stem(reader.schema, fieldname, word)],
        lambda head: words_with_prefix(reader, fieldname, head),
        lambda term: reader.doc_frequency(fieldname, term),
        maxdist,
        prefix,
    )


class QuickFuzzyTerm(query.FuzzyTerm):
    """``FuzzyTerm`` whose expansion is :func:`nearest_words`."""

    def _btexts(self, ixreader: Any) -> list[bytes]:
        if self.fieldname not in ixreader.schema:
            return []
        field = ixreader.schema[self.fieldname]
        return [
            field.to_bytes(word)
            for word, _ in nearest_words(
                ixreader, self.fieldname, self.text, int(self.maxdist), self.prefixlength
            )
        ]


def rewrite(q: Any, leaf: Any) -> Any:
    """The query tree with each node passed through ``leaf(node)`` (a node it
    returns unchanged is descended into)."""
    replaced = leaf(q)
    if replaced is not q:
        return replaced
    if isinstance(q, query.BinaryQuery):  # AND NOT, ANDMAYBE: matched from .a and .b
        q.a, q.b = rewrite(q.a, leaf), rewrite(q.b, leaf)
        q.subqueries = (q.a, q.b)
    elif hasattr(q, "subqueries"):
        q.subqueries = [rewrite(s, leaf) for s in q.subqueries]
    elif isinstance(q, query.Not):
        q.query = rewrite(q.query, leaf)
    elif hasattr(q, "child"):
        q.child = rewrite(q.child, leaf)
    return q


def quicken(q: Any) -> Any:
    """The query with every ``FuzzyTerm`` replaced by a :class:`QuickFuzzyTerm`."""

    def swap(node: Any) -> Any:
        if not isinstance(node, query.FuzzyTerm) or isinstance(node, QuickFuzzyTerm):
            return node
        quick = QuickFuzzyTerm(
            node.fieldname, node.text, node.boost, node.maxdist, node.prefixlength
        )
        quick.startchar = getattr(node, "startchar", None)
        quick.endchar = getattr(node, "endchar", None)
        return quick

    return rewrite(q, swap)


_PLAIN_WORD = re.compile(r"(?<![\w:*?~])([A-Za-z][A-Za-z'-]{2,})(?![\w:*?~])")


_ENDINGS = ("", "e", "s", "es", "y", "ion", "ions", "ation", "ing", "ed", "er", "al", "ment")


def _surface(typed: str, typed_stem: str, suggested_stem: str, stem: Any) -> str:
    """A word for a suggested stem: the stem with the ending nearest to what was typed."""
    from rapidfuzz.distance import OSA

    endings = list(_ENDINGS)
    if typed.startswith(typed_stem):
        endings.insert(0, typed[len(typed_stem) :])
    words = [suggested_stem + ending for ending in endings]
    # The stem itself is a candidate: a term can be a word stored unstemmed.
    fitting = [suggested_stem, *(w for w in words if stem(w) == suggested_stem)]
    # Between equally near words, one the typed word is missing letters of:
    # a dropped letter is the commonest slip ("withdrawl" -> "withdrawal").
    return min(fitting, key=lambda w: (OSA.distance(typed, w), not _dropped_from(typed, w)))


def _dropped_from(typed: str, word: str) -> bool:
    """True when ``typed`` is ``word`` with some letters left out."""
    letters = iter(word)
    return all(ch in letters for ch in typed)


def suggest(reader: Any, text: str, fieldname: str = "body") -> str | None:
    """``text`` with each plain word that is in no document replaced by the nearest
    word that is (same first letter, at most two edits); None when nothing changes.

    Only free words (in phrases too) are corrected; field filters, patterns
    and fuzzy terms are left as typed.
    """
    changed = False

    def stem(word: str) -> str:
        return _stem(reader.schema, fieldname, word)

    def fix(match: re.Match[str]) -> str:
        nonlocal changed
        typed = match.group(1)
        if typed in OPERATORS:
            return typed
        lowered = typed.lower()
        typed_stem = stem(lowered)
        if reader.doc_frequency(fieldname, typed_stem) or reader.doc_frequency("title", typed_stem):
            return typed
        near = nearest_words(reader, fieldname, lowered, 2, 1)
        if not near:
            return typed
        changed = True
        word = _surface(lowered, typed_stem, near[0][0], stem)
        if typed.isupper() and len(typed) > 1:
            return word.upper()
        return word.capitalize() if typed[0].isupper() else word

    corrected = _PLAIN_WORD.sub(fix, text)
    return corrected if changed else None
