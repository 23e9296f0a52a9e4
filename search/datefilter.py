"""Date ranges answered from the per-document ``day`` column.

Whoosh answers ``date:[a to b]`` by reading the postings of every tiered
numeric term in the range and materialising the matching documents, twice per
search (once more to count), which made a dense range one of the slowest
queries (bench/README.md, design figures). The ``day`` column holds one number
per document; reading it once per index reader and keeping it as an array
makes any range a scan of that array, and the documents of a range typed again
(the next keystroke) come from a small cache.
"""

from __future__ import annotations

import sys
import threading
import weakref
from array import array
from collections import OrderedDict
from typing import Any

from . import whooshload  # noqa: F401  # isort: skip (before any Whoosh import)
from whoosh import query

from .typed_dates import day_span as typed_span

_days: weakref.WeakKeyDictionary[Any, array[int]] = weakref.WeakKeyDictionary()
_ranges: weakref.WeakKeyDictionary[Any, OrderedDict[tuple[int, int], frozenset[int]]] = (
    weakref.WeakKeyDictionary()
)
_lock = threading.Lock()
_RANGES_KEPT = 16


def day_span(node: Any) -> tuple[int, int] | None:
    """The inclusive day numbers of a ``date:`` range query, or None."""
    if not isinstance(node, query.DateRange) or node.fieldname != "date":
        return None
    lo, hi = typed_span(node.startdate, node.enddate)
    if node.startexcl and node.startdate is not None:
        lo += 1
    if node.endexcl and node.enddate is not None:
        hi -= 1
    return lo, hi


def day_column(reader: Any) -> array[int]:
    """Each document's day number (0: undated), read once per index reader."""
    with _lock:
        found = _days.get(reader)
    if found is None:
        found = _read_days(reader)
        with _lock:
            _days[reader] = found
    return found


def _read_days(reader: Any) -> array[int]:
    """The ``day`` column of every segment, each read in one piece.

    Whoosh's column reader yields one value at a time (a seek, a read and an
    unpack per document): 30 ms on 22k articles, three quarters of a dated
    search. The column is four bytes per document, big-endian, written up to
    the last document with a day (those after it are undated: 0).
    """
    days = array("I", bytes(4 * reader.doc_count_all()))
    for leaf, offset in reader.leaf_readers():
        raw = leaf.column_reader("day", translate=False)
        if getattr(raw, "_typecode", None) != "I" or days.itemsize != 4:
            return array("I", reader.column_reader("day"))  # not the column we write
        part = array("I", raw._dbfile.get(raw._basepos, raw._count * 4))
        if sys.byteorder == "little":
            part.byteswap()
        days[offset : offset + len(part)] = part
    return days


def docs_in_span(reader: Any, span: tuple[int, int]) -> frozenset[int]:
    """Document numbers dated within ``span`` (inclusive day numbers)."""
    with _lock:
        cache = _ranges.setdefault(reader, OrderedDict())
        hit = cache.get(span)
        if hit is not None:
            cache.move_to_end(span)
            return hit
    lo, hi = span
    docs = frozenset(n for n, day in enumerate(day_column(reader)) if lo <= day <= hi)
    with _lock:
        cache[span] = docs
        while len(cache) > _RANGES_KEPT:
            cache.popitem(last=False)
    return docs


def split_date_filter(reader: Any, q: Any) -> tuple[Any, frozenset[int] | None]:
    """Take the ``date:`` ranges out of a query's top-level AND as a document filter.

    Returns the rest of the query (``Every()`` when the ranges were all of it)
    and the documents the ranges allow, or the query unchanged and None when
    it has no top-level date range.
    """
    parts = list(q.subqueries) if isinstance(q, query.And) else [q]
    spans = [day_span(p) for p in parts]
    if not any(spans):
        return q, None
    allowed: frozenset[int] | None = None
    for span in spans:
        if span is not None:
            docs = docs_in_span(reader, span)
            allowed = docs if allowed is None else allowed & docs
    rest = [p for p, span in zip(parts, spans, strict=True) if span is None]
    if not rest:
        return query.Every(), allowed
    return (rest[0] if len(rest) == 1 else query.And(rest)), allowed
