"""Exact sets of matching documents, computed from whole posting blocks.

Whoosh counts the matches of ``oil AND prices`` by running the query again,
stepping its matchers through the postings one document at a time in Python
(``skip_to``, ``next``): on a large library an AND of common words took
longer than the ranked page itself. Reading each term's postings a block (up
to 128 documents) at a time into a ``set`` and combining the sets with set
operations gives the same documents faster. The ranked page stays with
Whoosh, whose block-skipping avoids reading most postings at all; ranking
from the sets was tried and was slower (figures: bench/README.md, design
figures).

Only queries made of terms, word patterns (fuzzy, wildcard, prefix) and
AND / OR / NOT are evaluated this way; anything else (phrases need
positions) returns ``None`` and the caller uses Whoosh.
"""

from __future__ import annotations

from typing import Any

from whoosh import query
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.reading import TermNotFound

Segments = list[tuple[Any, frozenset[int]]]
"""(leaf searcher, its matching local document numbers), one per segment."""


class Unsupported(Exception):
    """A query node whose documents cannot be read from postings alone."""


def _posting_ids(reader: Any, fieldname: str, text: Any) -> set[int]:
    try:
        matcher = reader.postings(fieldname, text)
    except TermNotFound:
        return set()
    deleted = reader.deleted_docs_set
    leaf = getattr(matcher, "child", matcher) if deleted else matcher
    ids: set[int] = set()
    if isinstance(leaf, W3LeafMatcher):
        # A block's ids are decoded as one tuple; take them all at once.
        while leaf.is_active():
            leaf.id()
            ids.update(leaf._ids[leaf._i :])
            leaf._next_block()
    else:  # short lists are stored inline and read as a ListMatcher
        ids.update(leaf.all_ids())
    if deleted:
        ids.difference_update(deleted)
    return ids


def _live(reader: Any) -> set[int]:
    return set(reader.all_doc_ids())


def _evaluate(q: Any, reader: Any) -> set[int]:
    if isinstance(q, type(query.NullQuery)):
        return set()
    if isinstance(q, query.Every):
        if q.fieldname not in (None, "", "*"):
            raise Unsupported(q)
        return _live(reader)
    if isinstance(q, query.MultiTerm):  # fuzzy, wildcard, prefix, regex, ranges of terms
        if q.fieldname not in reader.schema:
            return set()
        found: set[int] = set()
        for text in q._btexts(reader):
            found |= _posting_ids(reader, q.fieldname, text)
        return found
    if type(q) is query.Term:
        if q.fieldname not in reader.schema:
            return set()
        return _posting_ids(reader, q.fieldname, q.text)
    if isinstance(q, query.AndNot):
        return _evaluate(q.a, reader) - _evaluate(q.b, reader)
    if isinstance(q, query.AndMaybe):
        return _evaluate(q.a, reader)
    if isinstance(q, query.And | query.Require):
        positive = [s for s in q.subqueries if not isinstance(s, query.Not)]
        negative = [s.query for s in q.subqueries if isinstance(s, query.Not)]
        if not positive:
            raise Unsupported(q)
        sets = sorted((_evaluate(s, reader) for s in positive), key=len)
        result = sets[0].intersection(*sets[1:])
        for s in negative:
            result -= _evaluate(s, reader)
        return result
    if isinstance(q, query.Or | query.DisjunctionMax):
        if isinstance(q, query.Or) and getattr(q, "minmatch", 0) > 1:
            raise Unsupported(q)
        union: set[int] = set()
        for s in q.subqueries:
            if isinstance(s, query.Not):
                raise Unsupported(q)
            union |= _evaluate(s, reader)
        return union
    raise Unsupported(q)


def match_sets(searcher: Any, q: Any) -> Segments | None:
    """Each segment's documents matching ``q``, or ``None`` when ``q`` needs Whoosh."""
    try:
        return [
            (leaf, frozenset(_evaluate(q, leaf.reader()))) for leaf, _ in searcher.leaf_searchers()
        ]
    except Unsupported:
        return None


def total(segments: Segments) -> int:
    return sum(len(ids) for _, ids in segments)


def restrict(segments: Segments, allowed: set[int] | None, searcher: Any) -> Segments:
    """``segments`` keeping only the (global) document numbers in ``allowed``."""
    if allowed is None:
        return segments
    out: Segments = []
    for (leaf, ids), (_, offset) in zip(segments, searcher.leaf_searchers(), strict=True):
        out.append((leaf, frozenset(i for i in ids if i + offset in allowed)))
    return out
