"""Fuzzy terms and "did you mean", by edit distance.

Whoosh expands ``word~`` and corrects queries by walking a Levenshtein
automaton over the term dictionary in Python: building the automaton for a
distance of 2 alone was slower than a whole ordinary query (bench/README.md,
design figures). Here the candidate words (those sharing the
first letters) are listed once per index reader and per prefix, and
:func:`.nearest.nearest` measures the distance to each of them.

The title and body fields are stemmed, so their terms are stems: a misspelling
is compared both as typed and as stemmed. "Did you mean" itself is
:mod:`.spelling`'s, shared with the direct search.
"""

from __future__ import annotations

import threading
import weakref
from typing import Any

from . import whooshload  # noqa: F401  # isort: skip (before any Whoosh import)
from whoosh import query
from whoosh.reading import TermNotFound

from . import spelling
from .nearest import nearest

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


def suggest(reader: Any, text: str) -> str | None:
    """:func:`.spelling.suggest` over Whoosh's reader."""
    return spelling.suggest(
        text,
        lambda fieldname, term: reader.doc_frequency(fieldname, term),
        lambda fieldname, head: words_with_prefix(reader, fieldname, head),
        lambda fieldname, term: _live(reader, fieldname, term),
        lambda fieldname, term: _written_with(reader, fieldname, term),
    )


def _written_with(reader: Any, fieldname: str, term: str) -> str | None:
    """The titles and bodies of the first few documents not deleted with the
    term (:data:`.spelling.ARTICLES_READ`)."""
    try:
        matcher = reader.postings(fieldname, term)
    except TermNotFound:
        return None
    texts: list[str] = []
    while matcher.is_active() and len(texts) < spelling.ARTICLES_READ:
        stored = reader.stored_fields(matcher.id())
        texts.append(f"{stored.get('title', '')}\n{stored.get('body', '')}")
        matcher.next()
    return "\n".join(texts) if texts else None


def _live(reader: Any, fieldname: str, term: str) -> bool:
    """Whether a document not deleted has the term (a reader's postings leave
    deleted documents out)."""
    if not reader.doc_frequency(fieldname, term):
        return False
    try:
        return bool(reader.postings(fieldname, term).is_active())
    except TermNotFound:
        return False
