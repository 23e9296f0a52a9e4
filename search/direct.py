"""Plain word searches answered straight from the index files, without Whoosh.

Every ``fieldbrief search`` is a new process, and most of a cold one was
importing Whoosh and the engine around it: more than ``rg`` takes to search
22k articles as files. Most searches typed at a shell are a few plain words
(``oil prices``, ``troops OR soldiers Niger``), or one quoted phrase
(``"air base"``), with or without ``date:`` ranges. For those, this
module does what the engine's search does, on the same files: it checks the
library needs no repair, checks the index's seal, reads each word's postings
in the title and the body (:mod:`.index.direct`), for a phrase keeps the
documents where the words stand side by side (the engine's own check,
:func:`.index.postings.adjacent`), scores them with Whoosh's BM25F (same
statistics, same formula, the same additions in the same order, so the same
floats), keeps the best page ordered as Whoosh's collector orders it (best
score first, equal scores by document number), and shows it with the
engine's snippets. ``tests/test_direct.py`` holds page, scores, snippets and
totals to the engine's.

Anything else returns ``None`` and the caller searches with the engine:
``AND``/``NOT``, parentheses, fields, wildcards, fuzzy words, dates written
in words, a phrase beside other words, a stop word or a one-letter word
(Whoosh's parser drops those), the same stem twice, a sort by date, a search
with no hits (the engine then suggests a spelling), a library that needs
repair or an upgrade, an index this module does not read.
"""

from __future__ import annotations

import heapq
import os
import re
import sqlite3
import time
from bisect import bisect_right, insort
from math import log
from os import PathLike
from pathlib import Path
from typing import Any, NamedTuple

from whoosh.lang.porter import stem  # a module of plain functions: Whoosh itself stays unloaded

from .errors import UnsafeLayoutError
from .index import folders, manifest
from .index.direct import BYTE_LENGTH, DirectIndex, Segment, TermInfo, Unreadable
from .index.postings import adjacent, packed_positions
from .locations import library_at
from .results import SearchResults
from .snippets import STOP_WORDS, shown_hit, term_pattern
from .store import Store, StoreError, open_as_is
from .syntax import MAX_QUERY_CHARS, MAX_QUERY_WORDS, OPERATORS
from .typed_dates import day_span, normalise_dates, read_dates

SEARCHED_FIELDS = ("title", "body")
"""The fields a plain word is looked for in, as the engine's parser asks (title first)."""

B, K1 = 0.75, 1.2
"""BM25F's parameters: Whoosh's defaults, which the engine's searcher uses."""

_PLAIN_WORD = re.compile(r"[A-Za-z0-9]+")


def plain_stems(text: str) -> list[str] | None:
    """The stems of a query of plain words, each kept by the analyzer, none twice; else None."""
    words = text.split()
    if not words:
        return None
    stems: list[str] = []
    for word in words:
        if not _PLAIN_WORD.fullmatch(word) or word in OPERATORS:
            return None
        lowered = word.lower()
        if len(lowered) < 2 or lowered in STOP_WORDS:
            return None
        stems.append(str(stem(lowered)))
    return stems if len(set(stems)) == len(stems) else None


class Parsed(NamedTuple):
    groups: list[list[str]]
    """Stems: every group must match (AND), any word of a group (OR); a phrase is one group."""
    phrase: bool
    days: list[tuple[int, int]]
    """Inclusive day-number spans every hit must be dated within (``date:`` ranges)."""


_PLACEHOLDER = f"fieldbrief-date-{os.urandom(6).hex()}-{{}}"
"""What a date stands as while the rest is read (not a term anybody types,
so a typed ``id:fieldbrief-date-0`` stays the engine's to search)."""
_PLACED = re.compile(r"id:" + re.escape(_PLACEHOLDER).replace(r"\{\}", r"\d+"))


def parse(text: str) -> Parsed | None:
    """Plain words, or one quoted phrase of two or more plain words, with any
    ``date:`` ranges the engine reads itself (:mod:`.typed_dates`), each a term
    of its own beside them (the engine then filters by it); None for anything
    else."""
    # The engine cuts a longer query (and says so): its answer.
    if len(text) > MAX_QUERY_CHARS or len(text.split()) > MAX_QUERY_WORDS:
        return None
    rest, spans = read_dates(normalise_dates(text), _PLACEHOLDER)
    if "date:" in rest.lower():
        return None  # a form only Whoosh's date grammar reads
    if spans and not _dates_stand_alone(rest):
        return None
    days = [day_span(*span) for span in spans.values()]
    found = _words_or_phrase(_PLACED.sub(" ", rest))
    return None if found is None else Parsed(found[0], found[1], days)


def _dates_stand_alone(rest: str) -> bool:
    """Whether every date in ``rest`` is a term of the top-level AND, as the
    engine takes it out as a filter: not joined by ``OR`` to a word (``oil
    date:2017 OR gas`` is oil AND (2017 OR gas)) and not inside a phrase."""
    tokens = rest.split()
    for i, token in enumerate(tokens):
        if not _PLACED.search(token):
            continue
        if not _PLACED.fullmatch(token) or rest[: rest.find(token)].count('"') % 2:
            return False
        if "OR" in tokens[max(0, i - 1) : i] or "OR" in tokens[i + 1 : i + 2]:
            return False
    return True


def _words_or_phrase(text: str) -> tuple[list[list[str]], bool] | None:
    quoted = text.strip()
    if len(quoted) > 2 and quoted[0] == quoted[-1] == '"' and '"' not in quoted[1:-1]:
        stems = plain_stems(quoted[1:-1])
        return ([stems], True) if stems is not None and len(stems) > 1 else None
    # Words, and words joined by OR, which binds closer than the space between
    # words (``oil OR gas prices`` is (oil OR gas) AND prices, as the engine parses it).
    tokens = text.split()
    sizes: list[int] = []
    joined = False
    for token in tokens:
        if token == "OR":
            if not sizes or joined:
                return None
            joined = True
        elif joined:
            sizes[-1] += 1
            joined = False
        else:
            sizes.append(1)
    if joined:
        return None
    stems = plain_stems(" ".join(token for token in tokens if token != "OR"))
    if stems is None:
        return None
    found = iter(stems)
    return [[next(found) for _ in range(size)] for size in sizes], False


def search(
    path: str | PathLike[str] | None,
    text: str,
    *,
    limit: int = 20,
    sort: str = "relevance",
    snippets: int = 20,
    page: int = 1,
) -> SearchResults | None:
    """The page the engine's search would give, or None where the engine must answer
    (see the module's docstring). Opens the library's files for this one search:
    a command's (``Library.search`` keeps them open between searches)."""
    parsed = answerable(text, sort=sort, limit=limit, page=page)
    if parsed is None:
        return None
    paths = library_at(path)
    store = open_as_is(paths.store)
    if store is None:
        return None
    try:
        index = open_index(paths.root, store)
        if index is None:
            return None
        with index:
            return search_in(index, text, parsed, limit=limit, snippets=snippets, page=page)
    finally:
        store.close()


def answerable(text: str, *, sort: str, limit: int, page: int) -> Parsed | None:
    """The query as this module reads it, or None where the engine must answer."""
    if sort != "relevance" or limit < 1 or page < 1:
        return None
    return parse(text)


_TROUBLE = (
    Unreadable,
    manifest.UntrustedIndexError,
    UnsafeLayoutError,
    OSError,
    sqlite3.Error,
    StoreError,
)
"""What makes the direct search step aside: the engine then answers, or reports it."""


def open_index(root: Path, store: Store) -> DirectIndex | None:
    """The library's index, sealed and checked, ready to read; None where opening
    the library would repair or seed something first, or it cannot be read."""
    try:
        if store.unindexed_count() or not store.count():
            return None
        folder = folders.current_dir(root)
        if folder is None or not manifest.is_index(folder) or folders.abandoned(root, folder):
            return None
        return DirectIndex(folder, manifest.verify(folder))
    except _TROUBLE:
        return None


def search_in(
    index: DirectIndex,
    text: str,
    parsed: Parsed,
    *,
    limit: int = 20,
    snippets: int = 20,
    page: int = 1,
) -> SearchResults | None:
    """:func:`search` on an index already open, for ``text`` as :func:`answerable`
    read it."""
    try:
        return _search(index, text, parsed, limit=limit, page=page, snippets=snippets)
    except _TROUBLE:
        return None


class _Word:
    """One word of the query: its BM25F statistics per field, across the index."""

    __slots__ = ("fields", "stem")

    def __init__(self, index: DirectIndex, stem: str, average_lengths: dict[str, float]) -> None:
        self.stem = stem
        count = index.doc_count_all
        self.fields: dict[str, tuple[float, float]] = {}  # field: (idf, average length)
        for fieldname in SEARCHED_FIELDS:
            frequency = index.doc_frequency(fieldname, stem)
            if frequency:
                idf = log(count / (frequency + 1)) + 1
                self.fields[fieldname] = (idf, average_lengths[fieldname])


def _bm25(idf: float, tf: float, fl: int, average: float) -> float:
    """Whoosh's ``bm25()``, operation for operation: the same float."""
    return idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * fl / average)))


def _search(
    index: DirectIndex, text: str, parsed: Parsed, *, limit: int, page: int, snippets: int
) -> SearchResults | None:
    started = time.perf_counter()
    groups, phrase, spans = parsed
    stems = [stem for group in groups for stem in group]
    count = index.doc_count_all
    average_lengths = {
        name: (index.field_length(name) / (count or 1)) or 1 for name in SEARCHED_FIELDS
    }
    words = [[_Word(index, s, average_lengths) for s in group] for group in groups]
    scored: list[tuple[float, int]] = []
    starts: list[int] = []
    offset = 0
    for segment in index.segments:
        starts.append(offset)
        found = _phrase_scores(segment, words[0]) if phrase else _segment_scores(segment, words)
        if spans:
            # As the engine's date filter: the day column, every range at once.
            days = segment.days()
            found = [
                (score, doc)
                for score, doc in found
                if all(lo <= days[doc] <= hi for lo, hi in spans)
            ]
        scored += ((score, doc + offset) for score, doc in found)
        offset += segment.doc_count_all
    if not scored:
        return None
    window = page * limit
    best = heapq.nsmallest(window, scored, key=lambda item: (-item[0], item[1]))
    # A phrase's snippet shows the phrase where the text has it.
    pattern = term_pattern(stems, [stems] if phrase else [], STOP_WORDS)
    hits = []
    first = (page - 1) * limit
    for i, (score, doc) in enumerate(best[first:window]):
        at = bisect_right(starts, doc) - 1
        stored = index.segments[at].stored_fields(doc - starts[at])
        hits.append(
            shown_hit(
                stored, rank=first + i, score=score, pattern=pattern, with_snippet=i < snippets
            )
        )
    results = SearchResults(
        query=text,
        hits=hits,
        total=len(scored),
        total_exact=True,
        sort="relevance",
        page=page,
        terms=sorted(stems),
        phrases=[stems] if phrase else [],
    )
    results.elapsed_ms = (time.perf_counter() - started) * 1000
    return results


def _segment_scores(segment: Segment, groups: list[list[_Word]]) -> list[tuple[float, int]]:
    """(score, document) of each live document of the segment matching every group."""
    per_group: list[dict[int, float]] = []
    sizes: list[int] = []
    for group in groups:
        scores, size = _group_scores(segment, group)
        per_group.append(scores)
        sizes.append(size)
    if not all(sizes):
        return []
    if len(per_group) == 1:
        return [(score, doc) for doc, score in per_group[0].items()]
    tree = _weighted_tree([-size for size in sizes])
    smallest = min(range(len(per_group)), key=lambda i: len(per_group[i]))
    common = set(per_group[smallest])
    for scores in per_group:
        common.intersection_update(scores)
    return [(_tree_sum(tree, per_group, doc), doc) for doc in common]


ARRAY_UNION_DOCS = 5000
"""Whoosh's ``Or`` of more than two clauses preloads their scores into an
array (added clause by clause, in order) in a segment of at most this many
documents, and joins them in a tree of unions (by size) in a larger one."""


def _group_scores(segment: Segment, group: list[_Word]) -> tuple[dict[int, float], int]:
    """Each live document's score for the group (its words over the title and
    the body, any of them), and the group's size as Whoosh estimates it."""
    clauses: list[dict[int, float]] = []
    frequencies: list[int] = []
    for word in group:
        for fieldname in SEARCHED_FIELDS:
            info = segment.terms.term_info(fieldname, word.stem)
            frequencies.append(info.doc_frequency if info is not None else 0)
            clauses.append(_term_scores(segment, fieldname, word, info))
    size = min(sum(frequencies), segment.doc_count)
    if len(clauses) == 2:
        # One word: its title's score plus its body's (two floats add the same
        # either way round).
        title, body = clauses
        for doc, score in title.items():
            earlier = body.get(doc)
            body[doc] = score if earlier is None else score + earlier
        return body, size
    if segment.doc_count_all <= ARRAY_UNION_DOCS:
        summed: dict[int, float] = {}
        for scores in clauses:
            for doc, score in scores.items():
                summed[doc] = summed.get(doc, 0.0) + score
        return summed, size
    tree = _weighted_tree(frequencies)
    united: dict[int, float] = {}
    for doc in set().union(*clauses):
        total = _union_sum(tree, clauses, doc)
        assert total is not None  # a clause has it
        united[doc] = total
    return united, size


def _term_scores(
    segment: Segment, fieldname: str, word: _Word, info: TermInfo | None
) -> dict[int, float]:
    """Each live document's BM25F score for the word in the field."""
    statistics = word.fields.get(fieldname)
    if info is None or statistics is None:
        return {}
    idf, average = statistics
    lengths = segment.length_bytes(fieldname)
    deleted = segment.deleted
    scores: dict[int, float] = {}
    for ids, weights, _values in segment.postings(info):
        for doc, tf in zip(ids, weights, strict=True):
            if doc not in deleted:
                byte = lengths[doc]
                # A document without the field has length 1 (the engine's lookup).
                scores[doc] = _bm25(idf, tf, BYTE_LENGTH[byte] if byte else 1, average)
    return scores


def _phrase_scores(segment: Segment, words: list[_Word]) -> list[tuple[float, int]]:
    """(score, document) of each live document of the segment with the phrase in
    its title or body: as the engine scores a phrase (``docsets.KnownPhrase``,
    ``docsets.rank_phrases``), the sum of its words' scores in the field, in
    the phrase's order, and the title's plus the body's where both have it."""
    scored: dict[int, float] = {}
    deleted = segment.deleted
    for fieldname in SEARCHED_FIELDS:
        statistics = [word.fields.get(fieldname) for word in words]
        infos = [segment.terms.term_info(fieldname, word.stem) for word in words]
        if None in statistics or None in infos:
            continue
        # The rarest word first: each further word's postings are read only in
        # the blocks that can hold a document every earlier word has.
        postings: list[dict[int, tuple[float, Any]]] = [{} for _ in infos]
        candidates: list[int] | None = None
        for i in sorted(range(len(infos)), key=lambda i: infos[i].doc_frequency):  # type: ignore[union-attr]
            info = infos[i]
            assert info is not None
            found = postings[i]
            for ids, weights, values in segment.postings(info, candidates):
                found.update(zip(ids, zip(weights, values, strict=True), strict=True))
            candidates = sorted(
                (found.keys() - deleted) if candidates is None else found.keys() & set(candidates)
            )
            if not candidates:
                break
        if not candidates:
            continue
        lengths = segment.length_bytes(fieldname)
        for doc in adjacent(packed_positions, postings, candidates):
            score = 0.0
            for word, found in zip(statistics, postings, strict=True):
                assert word is not None
                idf, average = word
                score += _bm25(idf, found[doc][0], BYTE_LENGTH[lengths[doc]], average)
            earlier = scored.get(doc)
            scored[doc] = score if earlier is None else earlier + score
    return [(score, doc) for doc, score in scored.items()]


class _Node:
    """Stands where Whoosh's weighted tree has a matcher: a clause (``index``) or
    two joined (``left``, ``right``). At equal weights Whoosh's matchers never
    compare one below the other, so they keep their order; so do these."""

    __slots__ = ("index", "left", "right")

    def __init__(self, index: int = -1, left: _Node | None = None, right: _Node | None = None):
        self.index, self.left, self.right = index, left, right

    def __lt__(self, other: object) -> bool:
        return False


def _weighted_tree(weights: list[int]) -> _Node:
    """The shape of the matcher tree Whoosh builds for clauses of these weights
    (``make_weighted_tree``: the two lightest joined first, and so on; an AND
    weighs each clause by minus its estimated size, an OR by its size). The
    order of the additions, and so the last bit of a score, depends on it."""
    nodes: list[tuple[int, _Node]] = [(weight, _Node(i)) for i, weight in enumerate(weights)]
    nodes.sort()
    while len(nodes) > 1:
        a = nodes.pop(0)
        b = nodes.pop(0)
        insort(nodes, (a[0] + b[0], _Node(left=a[1], right=b[1])))
    return nodes[0][1]


def _tree_sum(node: _Node, clauses: list[dict[int, float]], doc: int) -> float:
    """An AND tree's score for a document every clause has."""
    if node.left is None or node.right is None:
        return clauses[node.index][doc]
    return _tree_sum(node.left, clauses, doc) + _tree_sum(node.right, clauses, doc)


def _union_sum(node: _Node, clauses: list[dict[int, float]], doc: int) -> float | None:
    """An OR tree's score for a document: the scores of the clauses that have
    it, added as the tree adds them (None where none has it)."""
    if node.left is None or node.right is None:
        return clauses[node.index].get(doc)
    left = _union_sum(node.left, clauses, doc)
    right = _union_sum(node.right, clauses, doc)
    if left is None:
        return right
    return left if right is None else left + right
