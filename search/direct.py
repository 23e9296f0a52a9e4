"""Searches of words and operators answered straight from the index files, without Whoosh.

Every ``fieldbrief search`` is a new process, and most of a cold one was
importing Whoosh and the engine around it: more than ``rg`` takes to search
22k articles as files. Most searches typed at a shell are a few words
(``oil prices``, ``troops OR soldiers Niger``, ``coffee NOT brazil``,
``title:opec``, ``place:niamey``, ``export*``, ``bazom~``) and quoted
phrases (``"air base" Niger``), with or without ``date:`` ranges, by
relevance or newest first. For those, this module does what the engine's search
does, on the same files: it checks the library needs no repair, checks the
index's seal, reads each term's postings (:mod:`.index.direct`), for a
phrase keeps the documents where the words stand side by side (the engine's
own check, :func:`.index.postings.adjacent`), scores them with Whoosh's
BM25F (same statistics, same formula, the same additions in the same order,
so the same floats), keeps the best page ordered as Whoosh's collector
orders it (best score first, equal scores by document number), and shows
it with the engine's snippets. ``tests/test_direct.py`` holds the reading
of each query to Whoosh's parser, and page, scores, snippets and totals to
the engine's.

Anything else returns ``None`` and the caller searches with the engine: any
entity in a process that made the library's overview (the engine also finds
the other names it lists, see :data:`ENTITY_FIELDS`), a person's full name,
a ``person:`` word of six letters or more joined by OR, a phrase in a field
other than :data:`PHRASE_FIELDS`, wildcards inside a word, a prefix standing
for more than :data:`.syntax.MAX_EXPANSION` words, a fuzzy word compared
with every term (``~2/0``) or in a field, dates in words other than months by
name and year and a range's ``now`` (Whoosh's date grammar), a phrase,
a prefix or a fuzzy word joined by OR, an AND inside parentheses, operators
Whoosh's parser reads in its own way (``a OR b AND c``), a stop word or a
one-letter word (the parser drops those), the same stem twice, a library
that needs repair or an upgrade, an index this module does not read. A
search with no hits gets the engine's spelling suggestion (:mod:`.spelling`).
"""

from __future__ import annotations

import heapq
import itertools
import os
import re
import sqlite3
import time
from bisect import bisect_right, insort
from collections.abc import Callable, Iterator, Sequence
from functools import partial
from math import log
from os import PathLike
from pathlib import Path
from typing import Any, NamedTuple, cast

from whoosh.lang.porter import stem  # a module of plain functions: Whoosh itself stays unloaded

from . import spelling
from .errors import UnsafeLayoutError
from .index import folders, manifest
from .index.direct import BYTE_LENGTH, DirectIndex, Segment, TermInfo, Unreadable
from .index.postings import adjacent, packed_positions, pair_adjacent
from .locations import library_at
from .nearest import nearest, one_edit
from .results import SearchResults
from .snippets import STOP_WORDS, shown_hit, term_pattern
from .store import Store, StoreError, open_as_is
from .syntax import MAX_EXPANSION, MAX_QUERY_CHARS, MAX_QUERY_WORDS, OPERATORS
from .typed_dates import day_span, normalise_dates, read_dates

SEARCHED_FIELDS = ("title", "body")
"""The fields a plain word is looked for in, as the engine's parser asks (title first)."""

B, K1 = 0.75, 1.2
"""BM25F's parameters: Whoosh's defaults, which the engine's searcher uses."""
_K1_PLUS_1 = K1 + 1

_PLAIN_WORD = re.compile(r"[A-Za-z0-9]+")


def _stem_of(word: str) -> str | None:
    """The term a plain word is in titles and bodies (the stemming analyzer's),
    or None where that analyzer drops it or the word is not plain."""
    lowered = _lowered(word) if _PLAIN_WORD.fullmatch(word) else None
    return None if lowered is None else str(stem(lowered))


class Clause(NamedTuple):
    """One term of the query in one field (Whoosh's ``Term``)."""

    field: str
    text: str
    """The term as indexed: a stem in titles and bodies, the lower-cased word elsewhere."""


class Group(NamedTuple):
    """One part of the query's top-level AND: any of its clauses (an ``Or`` of
    them, or the one ``Term``), or a phrase over titles and bodies; or none
    of them (``excluded``: a ``NOT``)."""

    clauses: tuple[Clause, ...]
    excluded: bool = False
    phrase: tuple[str, ...] = ()
    """A quoted phrase's terms (then no clauses): Whoosh's ``Or`` of one
    ``Phrase`` over titles and one over bodies, or one ``Phrase`` in a field."""
    fields: tuple[str, ...] = SEARCHED_FIELDS
    """The fields a phrase is looked for in."""
    prefix: bool = False
    """The clauses are prefixes (``export*``: Whoosh's ``Prefix``), each the
    terms of its field that start with it, as each segment has them."""
    spelled: bool = False
    """A ``person:`` word the engine also searches for as the index spells it
    one letter otherwise (:func:`_with_spellings` adds those clauses)."""
    fuzzy: int = 0
    """The clauses are fuzzy words (``bazom~``: the engine's ``QuickFuzzyTerm``)
    within this many edits, each the terms of its field nearest to it (sharing
    its first letter), as each segment has them."""

    @property
    def expands(self) -> bool:
        """Whether each clause stands for the terms it expands to (Whoosh's ``MultiTerm``)."""
        return self.prefix or bool(self.fuzzy)


class Parsed(NamedTuple):
    groups: list[Group]
    """The top-level AND, in the order the engine's parser keeps it."""
    days: list[tuple[int, int]]
    """Inclusive day-number spans every hit must be dated within (``date:`` ranges)."""

    @property
    def shown(self) -> list[str]:
        """The stems a hit's title and body show highlighted: none excluded."""
        return [
            stem
            for group in self.groups
            if not group.excluded and not group.fuzzy  # a fuzzy word shows what it found
            for stem in (
                (group.phrase if set(group.fields) & set(SEARCHED_FIELDS) else ())
                or [clause.text for clause in group.clauses if clause.field in SEARCHED_FIELDS]
            )
        ]

    @property
    def names_entities(self) -> bool:
        """Whether the query names a person, an organisation or a place (a
        word of the field, not a prefix): see :data:`ENTITY_FIELDS`."""
        return any(
            field in ENTITY_FIELDS
            for group in self.groups
            if not group.expands
            for field in (group.fields if group.phrase else [c.field for c in group.clauses])
        )

    @property
    def phrases(self) -> list[list[str]]:
        """The stems of each phrase a hit's text shows whole: none excluded."""
        return [
            list(group.phrase)
            for group in self.groups
            if group.phrase and not group.excluded and set(group.fields) & set(SEARCHED_FIELDS)
        ]


FIELDS_READ = {
    "title": True,
    "body": True,
    "source": False,
    "tag": False,
    "person": False,
    "org": False,
    "place": False,
}
"""The fields a typed ``field:word`` is searched in here, and whether the field
stems its words (the others are lower-cased only); the rest are the engine's."""

ENTITY_FIELDS = frozenset({"person", "org", "place"})
"""Fields where the engine also searches for an entity's other names: those
of the library's overview once a process has made it (an add, the app), so a
:class:`.library.Library` that has one leaves them to the engine; and a
person's other spellings in the index (:data:`SPELLED_SURNAME`)."""

SPELLED_SURNAME = 6
"""A ``person:`` word this long or longer is also searched for as spelt one
letter otherwise in the index (``Analytics.expand_aliases``)."""

PHRASE_FIELDS = {"title": True, "body": True, "org": False, "place": False}
"""The fields a typed ``field:"a phrase"`` is searched in here, and whether
the field stems its words. A person's name is the engine's: it also finds the
person named by the surname alone (``Analytics.expand_aliases``)."""

DEEPEST_PARENTHESES = 32
"""Parentheses inside parentheses read here; deeper, the engine reads the query
(each level is a call: hundreds exhausted Python's recursion)."""

_FIELD_WORD = re.compile(r"([a-z]+):([A-Za-z0-9]+)")
_FUZZY = re.compile(r"([A-Za-z0-9]+)~([12]?)")
_PARENTHESES = re.compile(r"(\(*)([^()]+)(\)*)")
_QUOTED = re.compile(r'(?:([a-z]+):)?"([^"]*)"')
_CHUNK = re.compile(r'(?<!\S)(?:[a-z]+:)?"[^"]*"(?!\S)|[^\s"]+|"')
"""A quoted phrase (a field's or not) standing apart from other words, or
anything else between spaces; a quote that is neither stands alone (and
declines)."""

_PLACEHOLDER = f"fieldbrief-date-{os.urandom(6).hex()}-{{}}"
"""What a date stands as while the rest is read (not a term anybody types,
so a typed ``id:fieldbrief-date-0`` stays the engine's to search)."""
_PLACED = re.compile(r"id:" + re.escape(_PLACEHOLDER).replace(r"\{\}", r"\d+"))


def parse(text: str) -> Parsed | None:
    """Plain words, ``field:word`` (title, body, source, tag, person, org,
    place), prefixes (``word*``, ``field:word*``), fuzzy words (``word~``)
    and quoted phrases of two or more plain words, joined as the engine's
    parser joins them (space or ``AND``: all; ``OR``: any, binding closer
    than a space; ``NOT``: none; parentheses around words joined by ``OR``);
    with any ``date:`` ranges the engine reads itself (:mod:`.typed_dates`),
    each a term of the top-level AND (the engine then filters by it). None
    for anything else, or anything these rules read otherwise than Whoosh's
    parser (``oil OR gas AND coal`` is oil OR (gas AND coal) there)."""
    # The engine cuts a longer query (and says so): its answer.
    if len(text) > MAX_QUERY_CHARS or len(text.split()) > MAX_QUERY_WORDS:
        return None
    rest, spans = read_dates(normalise_dates(text), _PLACEHOLDER)
    if "date:" in rest.lower():
        return None  # a form only Whoosh's date grammar reads
    days = [day_span(*span) for span in spans.values()]
    groups = _Boolean(rest).groups()
    if groups is None or not any(not group.excluded for group in groups):
        return None
    return Parsed(groups, days)


class _Decline(Exception):
    """The query is read otherwise by the engine, or only by it."""


_DATE = Clause("date", "")
"""A ``date:`` range in the token stream (taken out as a filter, as the engine does)."""


class _Boolean:
    """A recursive descent over the tokens of a query of words and operators,
    accepting only what it reads as Whoosh's parser does (checked against
    it by ``tests/test_direct.py`` over thousands of generated queries)."""

    def __init__(self, text: str) -> None:
        self.tokens: list[str] = []
        for chunk in _CHUNK.findall(text):
            if _QUOTED.fullmatch(chunk):
                self.tokens.append(chunk)
                continue
            # Parentheses only at a word's ends: Whoosh also splits ``oil(gas)``.
            match = _PARENTHESES.fullmatch(chunk)
            if match is None:
                self.tokens.append("")  # never a word: declines
                continue
            opened, word, closed = match.groups()
            self.tokens += [*opened, word, *closed]
        self.at = 0
        self.seen: set[str] = set()
        self.spelled: set[Clause] = set()

    def groups(self) -> list[Group] | None:
        try:
            return self._items()
        except _Decline:
            return None

    def _peek(self) -> str | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def _items(self) -> list[Group]:
        groups: list[Group] = []
        joined = False  # the last token was AND
        widest = 0  # units in the last item's OR chain
        while (token := self._peek()) is not None:
            if token == "AND":
                # Not first, not twice, not after words joined by OR: AND binds
                # closer than OR in Whoosh's parser, unlike a space.
                if joined or widest != 1:
                    raise _Decline
                joined = True
                self.at += 1
                continue
            excluded = token == "NOT"
            self.at += excluded
            alone = self._alone(excluded)
            if alone is not None:
                groups.append(alone)
                joined, widest = False, 1
                continue
            units = self._chain(depth=0)
            if (excluded or joined) and len(units) > 1:
                raise _Decline  # NOT a OR b is (NOT a) OR b there; a AND b OR c is (a AND b) OR c
            if (_DATE,) in units:
                if excluded or len(units) > 1:
                    raise _Decline
            else:
                clauses = tuple(c for unit in units for c in unit)
                spelled = any(clause in self.spelled for clause in clauses)
                groups.append(Group(clauses, excluded, spelled=spelled))
            joined, widest = False, len(units)
        if joined:
            raise _Decline
        return groups

    def _alone(self, excluded: bool) -> Group | None:
        """The phrase, prefix or fuzzy word at this token, a part of the AND of
        its own (none is read here joined by OR or in parentheses), or None."""
        phrase = self._phrase()
        if phrase is not None:
            return Group((), excluded, *phrase)
        prefixes = self._prefixes()
        if prefixes is not None:
            return Group(prefixes, excluded, prefix=True)
        fuzzy = self._fuzzy()
        if fuzzy is not None:
            return Group(fuzzy[0], excluded, fuzzy=fuzzy[1])
        return None

    def _phrase(self) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
        """The terms of the quoted phrase at this token and its fields,
        standing alone (not joined by OR, not in parentheses), or None if
        this is no phrase."""
        token = self._peek()
        quoted = _QUOTED.fullmatch(token) if token is not None else None
        if quoted is None:
            return None
        self.at += 1
        field, inside = quoted.groups()
        if field is not None and field not in PHRASE_FIELDS:
            raise _Decline
        stemmed = field is None or PHRASE_FIELDS[field]
        terms = tuple(
            self._new(_stem_of(word) if stemmed else _lowered(word)) for word in inside.split()
        )
        if len(terms) < 2 or self._peek() == "OR":
            raise _Decline  # one word is a Term to Whoosh; an OR of phrases and words
        return terms, SEARCHED_FIELDS if field is None else (field,)

    def _prefixes(self) -> tuple[Clause, ...] | None:
        """The prefix at this token (``word*``, ``title:word*``: a plain word
        and one star), standing alone (not joined by OR, not in parentheses),
        as one clause per field it is looked for in; None if this is none."""
        token = self._peek()
        if token is None or not token.endswith("*"):
            return None
        self.at += 1
        field = _FIELD_WORD.fullmatch(token[:-1])
        clauses: tuple[Clause, ...]
        if field is not None:
            clauses = (self._field_term(*field.groups()),)
        else:
            term = self._new(_stem_of(token[:-1]))
            clauses = tuple(Clause(name, term) for name in SEARCHED_FIELDS)
        if self._peek() == "OR":
            raise _Decline
        return clauses

    def _fuzzy(self) -> tuple[tuple[Clause, ...], int] | None:
        """The fuzzy word at this token (``word~``, ``word~2``: within one or
        two edits, sharing the first letter, over titles and bodies), standing
        alone, and its distance; None if this is none."""
        token = self._peek()
        match = _FUZZY.fullmatch(token) if token is not None else None
        if token is None or "~" not in token:
            return None
        if match is None:
            raise _Decline  # another distance, a prefix length (~2/0), a field
        self.at += 1
        term = self._new(_stem_of(match.group(1)))
        if self._peek() == "OR":
            raise _Decline
        return tuple(Clause(name, term) for name in SEARCHED_FIELDS), int(match.group(2) or 1)

    def _chain(self, depth: int) -> list[tuple[Clause, ...]]:
        if depth > DEEPEST_PARENTHESES:
            raise _Decline  # read recursively here: past this, the engine's
        units = [self._unit(depth)]
        while self._peek() == "OR":
            self.at += 1
            units.append(self._unit(depth))
        if len(units) > 1 and any(_DATE in unit for unit in units):
            raise _Decline  # a date joined by OR stays in the query there
        if len(units) > 1 and any(c in self.spelled for unit in units for c in unit):
            raise _Decline  # its spellings are an OR inside this OR there, not one OR
        return units

    def _unit(self, depth: int) -> tuple[Clause, ...]:
        token = self._peek()
        if token is None:
            raise _Decline
        self.at += 1
        if token == "(":
            units = self._chain(depth + 1)
            if self._peek() != ")":
                raise _Decline  # words joined by a space or AND inside: not read here
            self.at += 1
            return tuple(c for unit in units for c in unit)
        if _PLACED.fullmatch(token):
            if depth:
                raise _Decline
            return (_DATE,)
        field = _FIELD_WORD.fullmatch(token)
        if field is not None:
            clause = self._field_term(*field.groups())
            if clause.field == "person" and len(clause.text) >= SPELLED_SURNAME:
                self.spelled.add(clause)
            return (clause,)
        term = self._new(_stem_of(token))
        return tuple(Clause(name, term) for name in SEARCHED_FIELDS)

    def _field_term(self, name: str, word: str) -> Clause:
        """``name:word`` as its field's analyzer reads it (see :data:`FIELDS_READ`)."""
        if name not in FIELDS_READ:
            raise _Decline
        return Clause(name, self._new(_stem_of(word) if FIELDS_READ[name] else _lowered(word)))

    def _new(self, term: str | None) -> str:
        """The term, if the analyzer keeps it and it is new to the query (the
        engine's parser merges a repeated term away)."""
        if term is None or term in self.seen:
            raise _Decline
        self.seen.add(term)
        return term


def _lowered(word: str) -> str | None:
    """A word of an unstemmed field, as its analyzer keeps it (lower-cased)."""
    lowered = word.lower()
    if word in OPERATORS or len(lowered) < 2 or lowered in STOP_WORDS:
        return None
    return lowered


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
            return search_in(
                index, text, parsed, limit=limit, snippets=snippets, page=page, sort=sort
            )
    finally:
        store.close()


def answerable(text: str, *, sort: str, limit: int, page: int) -> Parsed | None:
    """The query as this module reads it, or None where the engine must answer."""
    if sort not in ("relevance", "date") or limit < 1 or page < 1:
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
    sort: str = "relevance",
) -> SearchResults | None:
    """:func:`search` on an index already open, for ``text`` as :func:`answerable`
    read it."""
    try:
        return _search(index, text, parsed, limit=limit, page=page, snippets=snippets, sort=sort)
    except _TROUBLE:
        return None


class _Statistics:
    """BM25F's statistics across the index: each clause's idf and its field's
    average length (as the engine's searcher computes them); and whether
    Whoosh's ``Or`` may preload an array (``preload``): not when the search
    needs each match's matcher (a sort by date, whose ties go by score)."""

    def __init__(self, index: DirectIndex, *, preload: bool) -> None:
        self.index = index
        self.preload = preload
        self.count = index.doc_count_all
        self._averages: dict[str, float] = {}
        self._known: dict[Clause, tuple[float, float] | None] = {}
        self._denominators: dict[str, list[float]] = {}

    def __call__(self, clause: Clause) -> tuple[float, float] | None:
        """(idf, average field length), or None where no document has the term."""
        if clause not in self._known:
            frequency = self.index.doc_frequency(clause.field, clause.text)
            self._known[clause] = (
                (log(self.count / (frequency + 1)) + 1, self._average(clause.field))
                if frequency
                else None
            )
        return self._known[clause]

    def denominators(self, fieldname: str) -> list[float]:
        """The part of BM25's denominator that depends on a document's length
        in the field, for each length byte, as :func:`_bm25` computes it."""
        table = self._denominators.get(fieldname)
        if table is None:
            average = self._average(fieldname)
            table = [K1 * ((1 - B) + B * length / average) for length in BYTE_LENGTH]
            self._denominators[fieldname] = table
        return table

    def _average(self, fieldname: str) -> float:
        if fieldname not in self._averages:
            length = self.index.field_length(fieldname)
            self._averages[fieldname] = (length / (self.count or 1)) or 1
        return self._averages[fieldname]


def _bm25(idf: float, tf: float, fl: int, average: float) -> float:
    """Whoosh's ``bm25()``, operation for operation: the same float."""
    return idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * fl / average)))


def _search(
    index: DirectIndex,
    text: str,
    parsed: Parsed,
    *,
    limit: int,
    page: int,
    snippets: int,
    sort: str,
) -> SearchResults | None:
    started = time.perf_counter()
    groups, spans = parsed
    newest = sort == "date"
    if _too_wide(index, groups):
        return None
    groups = [_with_spellings(index, group) if group.spelled else group for group in groups]
    statistics = _Statistics(index, preload=not newest)
    scored: list[tuple[int, float, int]] = []  # (day, score, document), day 0 by relevance
    starts: list[int] = []
    offset = 0
    for segment in index.segments:
        starts.append(offset)
        found = _segment_scores(segment, groups, statistics)
        if spans:
            # As the engine's date filter: the day column, every range at once.
            days = segment.days()
            found = [
                (score, doc)
                for score, doc in found
                if all(lo <= days[doc] <= hi for lo, hi in spans)
            ]
        if newest:
            days = segment.days()
            scored += ((days[doc], score, doc + offset) for score, doc in found)
        else:
            scored += ((0, score, doc + offset) for score, doc in found)
        offset += segment.doc_count_all
    window = page * limit
    # Whoosh's order: by relevance, the best score first; by date (the engine
    # sorts by the day, reversed, then by score), the newest first, then the
    # best score; equal ones by document number.
    best = heapq.nsmallest(window, scored, key=lambda item: (-item[0], -item[1], item[2]))
    shown = sorted({*parsed.shown, *_fuzzy_shown(index, groups)})
    # A phrase's snippet shows the phrase where the text has it.
    phrases = [list(p) for p in dict.fromkeys(tuple(p) for p in parsed.phrases)]
    if not scored and spans and not _any_dated_within(index, spans):
        # The engine then searches nothing (Whoosh reads an empty filter as
        # none at all), so it shows no words either.
        shown, phrases = [], []
    pattern = term_pattern(shown, phrases, STOP_WORDS) if scored else None
    hits = []
    first = (page - 1) * limit
    for i, (_day, score, doc) in enumerate(best[first:window]):
        at = bisect_right(starts, doc) - 1
        stored = index.segments[at].stored_fields(doc - starts[at])
        hits.append(
            shown_hit(
                stored,
                rank=first + i,
                score=0.0 if newest else score,  # Whoosh's sorted hits carry no score
                pattern=pattern,
                with_snippet=i < snippets,
            )
        )
    results = SearchResults(
        query=text,
        hits=hits,
        total=len(scored),
        total_exact=True,
        sort=sort,
        page=page,
        terms=shown,
        phrases=phrases,
        suggestion=None if scored else _suggestion(index, text),
    )
    results.elapsed_ms = (time.perf_counter() - started) * 1000
    return results


def _any_dated_within(index: DirectIndex, spans: list[tuple[int, int]]) -> bool:
    """Whether any document, deleted ones included (the engine's day column),
    is dated within every span."""
    return any(
        all(lo <= day <= hi for lo, hi in spans)
        for segment in index.segments
        for day in segment.days()
    )


def _suggestion(index: DirectIndex, text: str) -> str | None:
    """What the engine suggests when nothing is found (:func:`.spelling.suggest`)."""
    try:
        return spelling.suggest(
            text.strip(),
            index.doc_frequency,
            partial(_every_segments_terms, index),
            partial(_live, index),
            partial(_written_with, index),
        )
    except _TROUBLE:
        raise
    except Exception:  # a suggestion is a nicety, as the engine has it
        return None


def _live(index: DirectIndex, fieldname: str, term: str) -> bool:
    """Whether a document not deleted has the term (read up to the first one)."""
    return next(_live_documents(index, fieldname, term), None) is not None


def _live_documents(index: DirectIndex, fieldname: str, term: str) -> Iterator[tuple[Segment, int]]:
    """The documents not deleted with the term, in the index's order."""
    for segment in index.segments:
        info = segment.terms.term_info(fieldname, term)
        if info is not None:
            deleted = segment.deleted
            for ids, _weights, _values in segment.postings(info):
                for doc in ids:
                    if doc not in deleted:
                        yield segment, doc


def _written_with(index: DirectIndex, fieldname: str, term: str) -> str | None:
    """The titles and bodies of the first few documents not deleted with the
    term, as the engine's reader gives them (:func:`.fuzzy.suggest`)."""
    texts: list[str] = []
    for segment, doc in itertools.islice(
        _live_documents(index, fieldname, term), spelling.ARTICLES_READ
    ):
        stored = segment.stored_fields(doc)
        texts.append(f"{stored.get('title', '')}\n{stored.get('body', '')}")
    return "\n".join(texts) if texts else None


def _with_spellings(index: DirectIndex, group: Group) -> Group:
    """A ``person:`` word with the index's other spellings of it beside it, as
    the engine's ``Analytics.expand_aliases`` finds them (Whoosh's
    ``terms_within``, one edit, the same first letter) and puts them after it
    in an ``Or``: the terms of every segment in order, within one edit as
    Levenshtein counts them where the index is one segment (Whoosh walks an
    automaton over it) and as optimal string alignment counts them where it
    is several (Whoosh compares each term: a swapped pair is one edit)."""
    (asked,) = group.clauses
    swaps = len(index.segments) > 1
    spellings = [
        term
        for term in _every_segments_terms(index, asked.field, asked.text[:1])
        if one_edit(asked.text, term, swaps=swaps) == 1
    ]
    clauses = (asked, *(Clause(asked.field, term) for term in spellings))
    return group._replace(clauses=clauses, spelled=False)


def _too_wide(index: DirectIndex, groups: list[Group]) -> bool:
    """Whether a prefix stands for more words across the index than the engine
    searches for (it then keeps the most frequent, and says so)."""
    for group in groups:
        if not group.prefix:
            continue
        for clause in group.clauses:
            words: set[str] = set()
            for segment in index.segments:
                words.update(_expanded(segment, clause))
            if len(words) > MAX_EXPANSION:
                return True
    return False


EXCLUDED_SCORE = 1.0
"""What a ``NOT`` adds to a document's score: Whoosh matches it with an
``InverseMatcher``, whose score is its weight, 1.0, added in the AND's tree."""


def _segment_scores(
    segment: Segment, groups: list[Group], statistics: _Statistics
) -> list[tuple[float, int]]:
    """(score, document) of each live document of the segment matching every
    group (and no excluded one)."""
    per_group: list[dict[int, float] | None] = []  # None: an excluded group
    sizes: list[int] = []
    excluded: set[int] = set()
    for group in groups:
        size = estimate(segment, group)
        sizes.append(size)
        if group.excluded:
            if group.phrase:
                excluded.update(_phrase_scores(segment, group, statistics))
            elif group.expands:
                for clause in group.clauses:
                    excluded.update(_documents(segment, _expansion(segment, group, clause)))
            else:
                excluded.update(_documents(segment, group.clauses))
            per_group.append(None)
            continue
        if not size:
            return []
        if group.phrase:
            per_group.append(_phrase_scores(segment, group, statistics))
        elif group.expands:
            per_group.append(_expanded_scores(segment, group, statistics))
        else:
            per_group.append(_group_scores(segment, group.clauses, statistics))
    included: list[dict[int, float]] = [scores for scores in per_group if scores is not None]
    if len(per_group) == 1:
        return [(score, doc) for doc, score in included[0].items()]
    if not all(included):
        return []
    tree = _weighted_tree([-size for size in sizes])
    smallest: dict[int, float] = min(included, key=len)
    common = set(smallest)
    for scores in included:
        common.intersection_update(scores)
    common -= excluded
    return [(_tree_sum(tree, per_group, doc), doc) for doc in common]


def estimate(segment: Segment, group: Group) -> int:
    """How many documents Whoosh estimates the group's query matches in the
    segment (``estimate_size``): the weight that shapes an AND's tree of
    matchers, and so the order its scores are added in."""
    if group.excluded:
        return segment.doc_count  # a Not: every live document
    if group.phrase:
        return _phrase_size(segment, group)
    if group.expands:
        # A Prefix, a fuzzy term: the frequencies of the terms it stands for, added.
        frequencies = [
            sum(_frequency(segment, term) for term in _expansion(segment, group, clause))
            for clause in group.clauses
        ]
    else:
        frequencies = [_frequency(segment, clause) for clause in group.clauses]
    if len(frequencies) == 1:
        return frequencies[0]  # a Term: its document frequency, deletions and all
    return min(sum(frequencies), segment.doc_count)  # an Or


def _frequency(segment: Segment, clause: Clause) -> int:
    info = segment.terms.term_info(clause.field, clause.text)
    return info.doc_frequency if info is not None else 0


def _documents(segment: Segment, clauses: Sequence[Clause]) -> set[int]:
    """The documents with any of the clauses' terms (deleted ones included:
    only what they exclude is asked)."""
    found: set[int] = set()
    for clause in clauses:
        info = segment.terms.term_info(clause.field, clause.text)
        if info is not None:
            for ids, _weights, _values in segment.postings(info):
                found.update(ids)
    return found


ARRAY_UNION_DOCS = 5000
"""Whoosh's ``Or`` of more than two clauses preloads their scores into an
array (added clause by clause, in order) in a segment of at most this many
documents, and joins them in a tree of unions (by size) in a larger one or
when the search needs each match's matcher."""


def _group_scores(
    segment: Segment, clauses: tuple[Clause, ...], statistics: _Statistics
) -> dict[int, float]:
    """Each live document's score for the group: any of its clauses (a word
    over the title and the body, a field's word, words joined by OR)."""
    return _or_scores(
        segment,
        [_term_scores(segment, clause, statistics) for clause in clauses],
        [_frequency(segment, clause) for clause in clauses],
        preload=statistics.preload,
    )


def _expanded_scores(segment: Segment, group: Group, statistics: _Statistics) -> dict[int, float]:
    """Each live document's score for a prefix or a fuzzy word in one field or
    two: per field, Whoosh's ``Or`` of the terms it stands for in this
    segment (one term alone is scored as that term), and the two fields' sum.

    Whoosh asks that ``Or`` for constant scores, which only its preloaded
    array heeds: where it preloads one (three terms or more in a small
    segment), every match scores 1.0 in that field."""
    per_field = []
    for clause in group.clauses:
        terms = _expansion(segment, group, clause)
        per_term = [_term_scores(segment, term, statistics) for term in terms]
        if _preloads(segment, len(terms), statistics.preload):
            per_field.append(dict.fromkeys(set().union(*per_term), 1.0))
        else:
            weights = [_frequency(segment, term) for term in terms]
            per_field.append(_or_scores(segment, per_term, weights, preload=False))
    return _or_scores(segment, per_field, [], preload=False)


def _expanded(segment: Segment, clause: Clause) -> list[str]:
    return segment.terms.expand(clause.field, clause.text, MAX_EXPANSION)


def _expansion(segment: Segment, group: Group, clause: Clause) -> list[Clause]:
    """The terms of the segment a prefix or a fuzzy word stands for, in the
    order Whoosh's ``MultiTerm`` lists them (the term table's; nearest first)."""
    if group.prefix:
        return [Clause(clause.field, text) for text in _expanded(segment, clause)]
    key = (clause, group.fuzzy)
    kept = segment.terms.nearest
    if key not in kept:  # asked for its estimate, then its scores
        if len(kept) >= _NEAREST_KEPT:
            kept.clear()
        kept[key] = _nearest(
            clause,
            group.fuzzy,
            lambda head: segment.terms.expand(clause.field, head, _EVERY_TERM),
            lambda term: _frequency(segment, Clause(clause.field, term)),
        )
    return [Clause(clause.field, text) for text in kept[key]]


_NEAREST_KEPT = 256
"""Fuzzy words whose nearest terms a segment keeps between searches."""


def _fuzzy_shown(index: DirectIndex, groups: list[Group]) -> list[str]:
    """The terms a hit shows for its fuzzy words: those nearest to each across
    the whole index (as the engine asks the index's reader, not a segment's)."""
    shown: list[str] = []
    for group in groups:
        if group.fuzzy and not group.excluded:
            for clause in group.clauses:
                shown += _nearest(
                    clause,
                    group.fuzzy,
                    partial(_every_segments_terms, index, clause.field),
                    partial(index.doc_frequency, clause.field),
                )
    return shown


def _every_segments_terms(index: DirectIndex, fieldname: str, head: str) -> list[str]:
    """The field's terms starting with ``head`` in any segment, in order (as
    Whoosh's reader over every segment lists them)."""
    return sorted(
        {term for s in index.segments for term in s.terms.expand(fieldname, head, _EVERY_TERM)}
    )


_EVERY_TERM = 1 << 40
"""No limit on the terms listed: a fuzzy word compares itself with every one of its letter."""


def _nearest(
    clause: Clause,
    distance: int,
    candidates: Callable[[str], list[str]],
    frequency: Callable[[str], int],
) -> list[str]:
    """The terms nearest to a fuzzy word, as the engine finds them: compared
    as typed (stemmed by the parser) and as the field's analyzer reads that
    again, within ``distance`` edits, sharing the first letter (the engine
    reads ``word~`` as ``word~1/1``)."""
    forms = [clause.text, _stem_of(clause.text) or clause.text]
    return [term for term, _ in nearest(forms, candidates, frequency, distance, 1)]


def _preloads(segment: Segment, clauses: int, preload: bool) -> bool:
    """Whether Whoosh's ``Or`` of this many clauses preloads an array in the
    segment (``Or._matcher``: more than two clauses, a small segment, and a
    search that does not need each match's matcher)."""
    return preload and clauses > 2 and segment.doc_count_all <= ARRAY_UNION_DOCS


def _or_scores(
    segment: Segment, per_clause: list[dict[int, float]], weights: list[int], *, preload: bool
) -> dict[int, float]:
    """The scores of Whoosh's ``Or`` of clauses scored ``per_clause``, added as
    its matchers add them: one clause alone; two in a union (two floats add
    the same either way round); more in an array, clause by clause, where it
    preloads one (:func:`_preloads`), else in a tree by ``weights`` (each
    clause's estimated size)."""
    if not per_clause:
        return {}
    if len(per_clause) == 1:
        return per_clause[0]
    if len(per_clause) == 2:
        first, second = per_clause
        for doc, score in first.items():
            earlier = second.get(doc)
            second[doc] = score if earlier is None else score + earlier
        return second
    if _preloads(segment, len(per_clause), preload):
        summed: dict[int, float] = {}
        for scores in per_clause:
            for doc, score in scores.items():
                summed[doc] = summed.get(doc, 0.0) + score
        return summed
    tree = _weighted_tree(weights)
    united: dict[int, float] = {}
    for doc in set().union(*per_clause):
        total = _union_sum(tree, per_clause, doc)
        assert total is not None  # a clause has it
        united[doc] = total
    return united


def _term_scores(segment: Segment, clause: Clause, statistics: _Statistics) -> dict[int, float]:
    """Each live document's BM25F score for the clause's term in its field."""
    info = segment.terms.term_info(clause.field, clause.text)
    known = statistics(clause)
    if info is None or known is None:
        return {}
    idf, average = known
    lengths = segment.length_bytes(clause.field)
    deleted = segment.deleted
    scores: dict[int, float] = {}
    for ids, weights, _values in segment.postings(info):
        for doc, tf in zip(ids, weights, strict=True):
            if doc not in deleted:
                byte = lengths[doc]
                # A document without the field has length 1 (the engine's lookup).
                scores[doc] = _bm25(idf, tf, BYTE_LENGTH[byte] if byte else 1, average)
    return scores


def _phrase_size(segment: Segment, group: Group) -> int:
    """Whoosh's estimate for a phrase: in a field, the fewest documents of one
    of its words (a ``Phrase`` estimates as the ``And`` of its words); over the
    title and the body, an ``Or`` of two, their sum, at most the segment's
    live documents."""
    per_field = []
    for fieldname in group.fields:
        infos = [segment.terms.term_info(fieldname, term) for term in group.phrase]
        per_field.append(min(info.doc_frequency if info is not None else 0 for info in infos))
    if len(per_field) == 1:
        return per_field[0]
    return min(sum(per_field), segment.doc_count)


def _phrase_scores(segment: Segment, group: Group, statistics: _Statistics) -> dict[int, float]:
    """The score of each live document of the segment with the phrase in one
    of its fields (title or body, or the one field named): as the engine
    scores a phrase (``docsets.KnownPhrase``, ``docsets.rank_phrases``), the
    sum of its words' scores in the field, in the phrase's order, and the
    title's plus the body's where both have it."""
    scored: dict[int, float] = {}
    stems = group.phrase
    for fieldname in group.fields:
        known = [statistics(Clause(fieldname, stem)) for stem in stems]
        infos = [segment.terms.term_info(fieldname, stem) for stem in stems]
        if None in known or None in infos:
            continue
        idfs = [idf for idf, _average in known]  # type: ignore[misc]
        words = cast(list[TermInfo], infos)
        lengths = segment.length_bytes(fieldname)
        denominators = statistics.denominators(fieldname)
        score_in = _pair_scores if len(words) == 2 else _run_scores
        found = score_in(_InField(segment, words, idfs, denominators, lengths))
        # The title's and the body's scores added: the fewer into the more
        # (one addition each, and a + b is b + a to the last bit).
        fewer, more = sorted((scored, found), key=len)
        for doc, score in fewer.items():
            other = more.get(doc)
            more[doc] = score if other is None else other + score
        scored = more
    return scored


class _InField(NamedTuple):
    """A phrase's words in one field of a segment, as its scorers need them.

    A word's BM25 there is _bm25 with the part of the denominator that depends
    on the document's length looked up in ``denominators``
    (:meth:`_Statistics.denominators`): the same operations on the same floats.
    """

    segment: Segment
    infos: list[TermInfo]
    idfs: list[float]
    denominators: list[float]
    lengths: bytes


def _pair_scores(field: _InField) -> dict[int, float]:
    """A two-word phrase's scores in one field, the common case written out:
    the rarer word's postings read whole, the other's only in the blocks that
    can hold one of its documents, and each document both have checked and
    scored in one pass (building sets and sorted lists of the candidates cost
    more than the check)."""
    segment, infos, idfs, denominators, lengths = field
    rare = 1 if infos[1].doc_frequency < infos[0].doc_frequency else 0
    rare_ids, rare_weights, rare_values = _read_postings(segment, infos[rare], None)
    place = dict(zip(rare_ids, range(len(rare_ids)), strict=True))
    ids, weights, values = _read_postings(segment, infos[1 - rare], rare_ids)
    # (document, its place in the first word's lists, in the second's)
    if rare:
        both = [(doc, k, j) for k, doc in enumerate(ids) if (j := place.get(doc)) is not None]
        first_weights, first_values = weights, values
        second_weights, second_values = rare_weights, rare_values
    else:
        both = [(doc, j, k) for k, doc in enumerate(ids) if (j := place.get(doc)) is not None]
        first_weights, first_values = rare_weights, rare_values
        second_weights, second_values = weights, values
    first_idf, second_idf = idfs
    deleted = segment.deleted
    scores: dict[int, float] = {}
    for doc, i, k in both:
        if pair_adjacent(first_values[i], second_values[k]) and doc not in deleted:
            denominator = denominators[lengths[doc]]
            tf = first_weights[i]
            score = first_idf * ((tf * _K1_PLUS_1) / (tf + denominator))
            tf = second_weights[k]
            scores[doc] = score + second_idf * ((tf * _K1_PLUS_1) / (tf + denominator))
    return scores


def _run_scores(field: _InField) -> dict[int, float]:
    """A phrase of three words or more in one field: the rarest word read
    first, each further one only in the blocks that can hold a document every
    earlier word has; then the engine's check (:func:`.index.postings.adjacent`)."""
    segment, infos, idfs, denominators, lengths = field
    postings: list[dict[int, tuple[float, Any]]] = [{} for _ in infos]
    candidates: list[int] | None = None
    for i in sorted(range(len(infos)), key=lambda i: infos[i].doc_frequency):
        ids, weights, values = _read_postings(segment, infos[i], candidates)
        found = postings[i] = dict(zip(ids, zip(weights, values, strict=True), strict=True))
        candidates = sorted(
            (found.keys() - segment.deleted) if candidates is None else found.keys() & candidates
        )
        if not candidates:
            return {}
    assert candidates is not None
    scores: dict[int, float] = {}
    for doc in adjacent(packed_positions, postings, candidates):
        denominator = denominators[lengths[doc]]
        score = 0.0
        for idf, word in zip(idfs, postings, strict=True):
            tf = word[doc][0]
            score += idf * ((tf * _K1_PLUS_1) / (tf + denominator))
        scores[doc] = score
    return scores


def _read_postings(
    segment: Segment, info: TermInfo, within: list[int] | None
) -> tuple[list[int], list[float], list[Any]]:
    """A term's documents, weights and values in one list each, deleted
    documents included; with ``within``, only from the blocks that can hold
    one of those documents."""
    ids: list[int] = []
    weights: list[float] = []
    values: list[Any] = []
    for block_ids, block_weights, block_values in segment.postings(info, within):
        ids += block_ids
        weights += block_weights
        values += block_values
    return ids, weights, values


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


def _tree_sum(node: _Node, clauses: list[dict[int, float] | None], doc: int) -> float:
    """An AND tree's score for a document every clause has (and no excluded
    one, a None, lacks)."""
    if node.left is None or node.right is None:
        scores = clauses[node.index]
        return EXCLUDED_SCORE if scores is None else scores[doc]
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
