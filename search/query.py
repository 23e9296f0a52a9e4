"""Turning what the analyst typed into ranked, highlighted hits.

The Whoosh query language is accepted as is (fields, phrases, boolean, wildcard,
fuzzy ``~``) plus date ranges on ``date:`` and entity filters (``person:``,
``org:``, ``place:``, ``tag:``). Nothing typed raises: a query that does not
parse, or parses to nothing, is re-run as plain terms and the result says so.
"""

from __future__ import annotations

import heapq
import os
import re
import time
from collections.abc import Callable, Iterator
from itertools import islice
from typing import Any

from . import whooshload  # noqa: F401  # isort: skip (before any Whoosh import)
from whoosh import collectors, qparser, query, sorting
from whoosh.analysis import STOP_WORDS

from . import docsets
from .datefilter import day_column, split_date_filter
from .facets import keyword
from .fuzzy import quicken, rewrite, suggest
from .results import Hit, SearchResults
from .snippets import shown_hit, term_pattern
from .syntax import MAX_EXPANSION, MAX_QUERY_CHARS, MAX_QUERY_WORDS, OPERATORS
from .typed_dates import normalise_dates, read_dates

__all__ = ["Hit", "SearchResults", "count_matches", "run_search"]

FIELD_ALIASES = {
    "person": ["people", "who"],
    "org": ["organization", "organisation", "orgs"],
    "place": ["location", "loc", "where", "places"],
    "tag": ["tags"],
    "source": ["src", "publisher"],
}

AliasExpander = Callable[[str, str], list[str]]
"""expand(field, text) -> other names for the same entity (for person:/org:/place:)."""


def make_parser(schema: Any, *, dates: bool = True) -> qparser.QueryParser:
    parser = qparser.MultifieldParser(["title", "body"], schema, group=qparser.AndGroup)
    parser.add_plugin(qparser.FuzzyTermPlugin())
    parser.add_plugin(qparser.GtLtPlugin())
    if dates:
        # Imported here: the date grammar's module only serves queries that name `date:`.
        from whoosh.qparser.dateparse import DateParserPlugin

        parser.add_plugin(DateParserPlugin(free=False))
    parser.add_plugin(qparser.FieldAliasPlugin(FIELD_ALIASES))
    return parser


_parsers: dict[tuple[int, bool], qparser.QueryParser] = {}

_DATE_FIELD = re.compile(r"\bdate\s*:", re.IGNORECASE)


def _parser_for(schema: Any, text: str | None = None) -> qparser.QueryParser:
    """The parser for ``text``: with Whoosh's date grammar only if it names
    ``date:`` in a form :func:`_read_dates` does not read itself.

    Building that grammar compiles dozens of regular expressions, two thirds
    of a cold `fieldbrief search` after its imports; it reads nothing but the
    ``date`` field, so a query without one parses the same without it.
    """
    dates = text is None or (
        _DATE_FIELD.search(text) is not None
        and _DATE_FIELD.search(_read_dates(normalise_dates(text))[0]) is not None
    )
    key = (id(schema), dates)
    if key not in _parsers:
        _parsers[key] = make_parser(schema, dates=dates)
    return _parsers[key]


_FUZZY_SUFFIX = re.compile(r"(?<=\w)~(\d?)(?![\d/])")


def _fuzzy_with_prefix(text: str) -> str:
    """``word~`` matches words sharing the first letter (``~n/1``).

    Without a prefix Whoosh compares the word with every term in the field,
    which on a large library takes seconds; misspellings rarely change the
    first letter. An explicit ``~2/0`` still asks for the full scan.
    """
    return _FUZZY_SUFFIX.sub(lambda m: f"~{m.group(1) or 1}/1", text)


_DATE_PLACEHOLDER = f"fieldbrief-date-{os.urandom(6).hex()}-{{}}"
"""The term a date stands as while Whoosh parses the rest (not one anybody types)."""


def _read_dates(text: str) -> tuple[str, dict[str, Any]]:
    """:func:`.typed_dates.read_dates`, each span as Whoosh's ``DateRange``."""
    text, spans = read_dates(text, _DATE_PLACEHOLDER)
    return text, {name: query.DateRange("date", *span) for name, span in spans.items()}


def _put_dates_back(q: Any, ranges: dict[str, Any]) -> Any:
    if not ranges:
        return q

    def visit(node: Any) -> Any:
        if type(node) is query.Term and node.fieldname == "id" and node.text in ranges:
            return ranges[node.text]
        return node

    return rewrite(q, visit)


def _contains_error(q: Any) -> bool:
    if q is None:
        return True
    if q is query.NullQuery:
        return False  # only stop words or one-letter words; not a syntax problem
    if type(q).__name__ in ("ErrorQuery",) or getattr(q, "error", None):
        return True
    return (
        any(_contains_error(child) for child in q.children()) if hasattr(q, "children") else False
    )


def _plain_terms(parser: qparser.QueryParser, text: str) -> Any:
    """The query's words, searched together; its operators left out, as one of
    them may be what failed (Whoosh asserts on ``oil REQUIRE gas``)."""
    words = [word for word in re.findall(r"\w+", text) if word not in OPERATORS]
    if not words:
        return None
    return parser.parse(" ".join(words))


def _expand_entities(q: Any, expand: AliasExpander | None) -> Any:
    """``person:bazoum`` also finds articles that spell the name ``Barzoum``."""
    if expand is None:
        return q

    def visit(node: Any) -> Any:
        if isinstance(node, (query.Term, query.Phrase)) and node.field() in (
            "person",
            "org",
            "place",
        ):
            words = node.words if isinstance(node, query.Phrase) else [node.text]
            aliases = expand(node.field(), " ".join(str(w) for w in words))
            if aliases:
                alts = [node]
                for alias in aliases:
                    parts = re.findall(r"\w+", alias.lower())
                    if len(parts) == 1 and len(words) > 1:
                        # A full name's one-word alias: that exact entity name
                        # (see Analytics.expand_aliases), not everyone of the word.
                        alts.append(query.Term(f"{node.field()}_k", keyword(alias)))
                    elif len(parts) == 1:
                        alts.append(query.Term(node.field(), parts[0]))
                    elif parts:
                        alts.append(query.Phrase(node.field(), parts))
                return query.Or(alts)
        return node

    return rewrite(q.copy(), visit)


def _limited(text: str) -> tuple[str, str | None]:
    """``text`` within the query size limits, and a note saying what was cut."""
    note = None
    if len(text) > MAX_QUERY_CHARS:
        cut = text[:MAX_QUERY_CHARS]
        space = cut.rfind(" ")
        text = cut[:space] if space > MAX_QUERY_CHARS // 2 else cut
        note = f"query cut to its first {MAX_QUERY_CHARS:,} characters"
    words = text.split()
    if len(words) > MAX_QUERY_WORDS:
        text = " ".join(words[:MAX_QUERY_WORDS])
        note = f"query cut to its first {MAX_QUERY_WORDS} words"
    return text, note


def _bounded(q: Any, reader: Any) -> tuple[Any, list[str]]:
    """``q`` with every wildcard, prefix and pattern standing for a bounded set of words.

    ``*`` alone (Whoosh's ``Every`` over a field) becomes every article
    directly instead of a union of each word's postings (seconds even on a
    small library); a pattern matching more than ``MAX_EXPANSION`` words keeps its
    most frequent ones, and the note says so.
    """
    notes: list[str] = []

    def visit(node: Any) -> Any:
        if isinstance(node, query.Every):
            return query.Every(boost=node.boost)
        if not isinstance(node, query.Prefix | query.Wildcard | query.Regex):
            return node
        field_name = node.field()
        words = list(islice(node._btexts(reader), MAX_EXPANSION + 1))
        if len(words) <= MAX_EXPANSION:
            return node
        top = heapq.nlargest(
            MAX_EXPANSION,
            node._btexts(reader),
            key=lambda word: reader.doc_frequency(field_name, word),
        )
        shown = f"{node.text}*" if isinstance(node, query.Prefix) else str(node.text)
        notes.append(
            f"{shown} matches more than {MAX_EXPANSION:,} words; searched the "
            f"{MAX_EXPANSION:,} most common"
        )
        narrowed = query.Or([query.Term(field_name, _text(word)) for word in top])
        # As Whoosh runs a pattern itself: unscored unless the pattern asked for scores.
        if getattr(node, "constantscore", False):
            return query.ConstantScoreQuery(narrowed, score=node.boost)
        return narrowed

    return rewrite(q, visit), notes


def _text(term: str | bytes) -> str:
    return term.decode("utf-8") if isinstance(term, bytes) else term


def _parse(
    parser: Any, cleaned: str, expand: AliasExpander | None, reader: Any
) -> tuple[Any, str | None]:
    """The query to run (None: nothing to search for) and a note on how it was changed.

    The note says why the query was searched as plain words, cut to size, or
    had a wildcard narrowed; the results carry it as ``fallback``.
    """
    cleaned, cut = _limited(cleaned)
    parsed, fallback = _parse_text(parser, cleaned, expand)
    notes = [n for n in (cut, fallback) if n]
    if parsed is not None:
        parsed, narrowed = _bounded(parsed, reader)
        notes += narrowed
    # A multi-field query holds one copy of a pattern per field; one note each.
    return parsed, "; ".join(dict.fromkeys(notes)) or None


def _parse_text(parser: Any, cleaned: str, expand: AliasExpander | None) -> tuple[Any, str | None]:
    fallback: str | None = None
    try:
        text, dates = _read_dates(normalise_dates(cleaned))
        parsed = _put_dates_back(parser.parse(_fuzzy_with_prefix(text)), dates)
        if _contains_error(parsed):
            raise ValueError("query did not parse")
    except Exception as exc:  # Whoosh raises many exception types on odd input
        fallback = f"could not read the query ({_reason(exc)}); searched for the words instead"
        try:
            parsed = _plain_terms(parser, cleaned)
        except Exception:
            parsed = None
    if parsed is None or parsed is query.NullQuery:
        return None, fallback
    return quicken(_expand_entities(parsed, expand)), fallback


def _filtered(searcher: Any, parsed: Any) -> tuple[Any, set[int] | None]:
    """The query without its top-level date ranges, and the documents they allow."""
    searched, allowed = split_date_filter(searcher.reader(), parsed)
    if allowed is not None and not allowed:
        # Whoosh reads an empty filter as no filter at all.
        return query.NullQuery, None
    # Phrases found once, from positions read for candidates only, serve both
    # the ranked page and the exact total (docsets.known_phrases).
    searched = docsets.known_phrases(searcher, searched)
    return searched, None if allowed is None else set(allowed)


def _count(searcher: Any, searched: Any, allowed: set[int] | None) -> int:
    """Every match of ``searched`` (within ``allowed``): from posting sets where
    the query allows, else by Whoosh running the query without scoring."""
    segments = docsets.match_sets(searcher, searched)
    if segments is not None:
        return docsets.total(docsets.restrict(segments, allowed, searcher))
    docs = searcher.docs_for_query(searched)
    return sum(1 for docnum in docs if allowed is None or docnum in allowed)


def count_matches(searcher: Any, text: str, *, expand: AliasExpander | None = None) -> int:
    """How many documents ``text`` matches, exactly as :func:`run_search` counts them."""
    parser = _parser_for(searcher.schema, text)
    cleaned = text.strip()
    parsed, _ = _parse(parser, cleaned, expand, searcher.reader()) if cleaned else (None, None)
    if parsed is None:
        return 0
    try:
        return _count(searcher, *_filtered(searcher, parsed))
    except Exception:
        plain = _plain_terms(parser, cleaned)
        return 0 if plain is None else _count(searcher, plain, None)


def run_search(
    searcher: Any,
    text: str,
    *,
    limit: int = 20,
    sort: str = "relevance",
    snippets: int = 20,
    page: int = 1,
    expand: AliasExpander | None = None,
    count: bool = True,
) -> SearchResults:
    """The ``page``-th ``limit`` hits of ``text``, the first ``snippets`` highlighted.

    ``count=False`` skips counting every match when there are more than fit
    the page (the result then says ``total_exact=False`` and ``total`` is only
    what was collected): Whoosh counts by running the query a second time,
    which on a large library is a good part of a phrase query's time.
    The app shows the page at once and counts afterwards (:func:`count_matches`).

    ``elapsed_ms`` (``took_ms`` in JSON) is the engine's time for this call on
    every path, the early empty answers included: parsing, matching, counting,
    snippets and the suggestion, but not opening the library or printing.
    """
    started = time.perf_counter()
    results = _run_search(
        searcher,
        text,
        limit=limit,
        sort=sort,
        snippets=snippets,
        page=page,
        expand=expand,
        count=count,
    )
    results.elapsed_ms = (time.perf_counter() - started) * 1000
    return results


def _run_search(
    searcher: Any,
    text: str,
    *,
    limit: int,
    sort: str,
    snippets: int,
    page: int,
    expand: AliasExpander | None,
    count: bool,
) -> SearchResults:
    parser = _parser_for(searcher.schema, text)
    cleaned = text.strip()
    if not cleaned:
        return SearchResults(query=text, hits=[], total=0, sort=sort, page=page)
    parsed, fallback = _parse(parser, cleaned, expand, searcher.reader())
    if parsed is None:
        return SearchResults(
            query=text,
            hits=[],
            total=0,
            sort=sort,
            page=page,
            fallback=fallback or "nothing to search for: every word was too short or too common",
        )

    sortedby: Any = None
    if sort == "date":
        sortedby = [sorting.FieldFacet("day", reverse=True), sorting.ScoreFacet()]
    window = page * limit
    searched, allowed = _filtered(searcher, parsed)
    listed = _newest_first(searcher, searched, allowed, window) if sort == "date" else None
    if listed is not None:
        total, ranked = listed
        return _page(searcher, text, searched, ranked[(page - 1) * limit :], total, True,
                     sort=sort, page=page, snippets=snippets, fallback=fallback)  # fmt: skip
    direct = (
        docsets.rank_phrases(searcher, searched, window, allowed) if sort == "relevance" else None
    )
    if direct is not None:
        total, best = direct
        ranked = [
            _Listed(searcher.stored_fields(doc), rank, score)
            for rank, (score, doc) in enumerate(best)
        ]
        return _page(searcher, text, searched, ranked[(page - 1) * limit :], total, True,
                     sort=sort, page=page, snippets=snippets, fallback=fallback)  # fmt: skip
    try:
        results = _ranked(searcher, searched, limit=window, sortedby=sortedby, filter=allowed)
    except Exception as exc:
        fallback = f"query failed ({_reason(exc)}); searched for the words instead"
        parsed = _plain_terms(parser, cleaned)
        if parsed is None:
            return SearchResults(
                query=text, hits=[], total=0, sort=sort, page=page, fallback=fallback
            )
        searched, allowed = parsed, None
        results = _ranked(searcher, parsed, limit=window, sortedby=sortedby)
    collected = results.scored_length()
    exact = True
    if collected < window:
        total = collected  # nothing is skipped before the page is full: all were collected
    elif results.docset is not None:
        # A sorted search collects every match (in the filter) to sort them.
        total = len(results.docset)
    elif count:
        # Not len(results): with a filter Whoosh re-runs the query without it.
        total = _count(searcher, searched, allowed)
    else:
        total, exact = collected, False
    page_hits = results[(page - 1) * limit : window]
    return _page(searcher, text, searched, page_hits, total, exact,
                 sort=sort, page=page, snippets=snippets, fallback=fallback)  # fmt: skip


def _ranked(searcher: Any, q: Any, **kwargs: Any) -> Any:
    """``searcher.search(q, **kwargs)``, except that a search for the best few
    never has Whoosh replace its matchers while it runs.

    Every ten documents Whoosh's top-N collector swaps the query's matchers
    for "more efficient" ones that can no longer reach the lowest score kept
    so far (``Matcher.replace``). For an AND of words over the title and the
    body that swap loses documents: ``oil prices`` over the 22k articles left
    the best of its 711 hits (score 26.0) off the first page of 20, and put
    it back at 19 or 21 per page. Block skipping (``skip_to_quality``) stays:
    its bounds hold, and with it the page is the exact top of every match
    (``tests/test_direct.py`` holds it to scoring every match).
    """
    collector = searcher.collector(**kwargs)
    top = collector.child if isinstance(collector, collectors.FilterCollector) else collector
    if isinstance(top, collectors.TopCollector):
        top.replace = 0
    searcher.search_with_collector(q, collector)
    return collector.results()


class _Listed:
    """A hit ranked without Whoosh's collector (the newest-first listing, a
    phrase's page), shaped like the Whoosh hits it replaces."""

    __slots__ = ("_stored", "rank", "score")

    def __init__(self, stored: dict[str, Any], rank: int, score: float = 0.0) -> None:
        self._stored = stored
        self.rank = rank
        self.score = score

    def fields(self) -> dict[str, Any]:
        return self._stored


def _newest_first(
    searcher: Any, searched: Any, allowed: set[int] | None, window: int
) -> tuple[int, list[_Listed]] | None:
    """Every article a date range allows (``date:[a to b]`` alone), newest first,
    from the ``day`` column. (The whole library is listed from the store:
    :mod:`.listing`.)

    Whoosh sorts such a search by collecting every document, scoring each and
    sorting them all: 190-340 ms at 22k articles. Taking the newest ``window``
    from the column of days gives the same order: day descending, then
    document number, as Whoosh breaks ties between equal (constant) scores.
    """
    if not _every(searched):
        return None
    reader = searcher.reader()
    days = day_column(reader)
    docs = allowed if allowed is not None else reader.all_doc_ids()
    live = [d for d in docs if not reader.is_deleted(d)] if allowed is not None else list(docs)
    top = heapq.nsmallest(window, live, key=lambda d: (-days[d], d))
    ranked = [_Listed(searcher.stored_fields(d), rank) for rank, d in enumerate(top)]
    return len(live), ranked


def _every(q: Any) -> bool:
    """Whether ``q`` matches every document: ``*`` parses as one ``Every`` per field."""
    if isinstance(q, query.Every):
        return q.fieldname in (None, "", "*")
    return isinstance(q, query.Or) and bool(q.subqueries) and all(map(_every, q.subqueries))


def _page(
    searcher: Any,
    text: str,
    searched: Any,
    page_hits: Any,
    total: int,
    exact: bool,
    *,
    sort: str,
    page: int,
    snippets: int,
    fallback: str | None,
) -> SearchResults:
    cleaned = text.strip()
    words = highlight_words(searched, searcher.reader())
    phrases = highlight_phrases(searched)
    pattern = term_pattern(words, phrases, STOP_WORDS)
    hits = [
        shown_hit(
            hit.fields(),
            rank=hit.rank,
            score=float(hit.score) if isinstance(hit.score, int | float) else 0.0,
            pattern=pattern,
            with_snippet=i < snippets,
        )
        for i, hit in enumerate(page_hits)
    ]
    # Only when nothing was found: correcting costs more than the search itself.
    suggestion = _suggest(searcher, cleaned) if total == 0 and not fallback else None
    return SearchResults(
        query=text,
        hits=hits,
        total=total,
        total_exact=exact,
        sort=sort,
        page=page,
        fallback=fallback,
        suggestion=suggestion,
        terms=sorted(words),
        # A typed phrase is one over titles and one over bodies: the same stems.
        phrases=[list(p) for p in dict.fromkeys(tuple(p) for p in phrases)],
    )


_TEXT_FIELDS = frozenset({"title", "body"})
_WILDCARDS = re.compile(r"[*?\[]")


def _shown_leaves(q: Any) -> Iterator[Any]:
    """The leaves of ``q`` over titles and bodies that a hit's text can show:
    none under ``NOT`` or on the excluded side of ``ANDNOT``."""
    if isinstance(q, query.Not):
        return
    if isinstance(q, query.AndNot):
        yield from _shown_leaves(q.a)
    elif q.is_leaf():
        if getattr(q, "fieldname", None) in _TEXT_FIELDS:
            yield q
    else:
        for child in q.children():
            yield from _shown_leaves(child)


def highlight_words(q: Any, reader: Any) -> set[str]:
    """The stems to show in titles and bodies for ``q``: its title and body
    terms, fuzzy terms as the words they stand for, a wildcard as its literal
    start; never a term the query excludes (``NOT``).

    Taken from the query once, not from each hit: asking Whoosh to record
    which terms every matching document matched was a large share of a
    phrase query's time. A word a hit lacks simply does not
    occur in its text.
    """
    words: set[str | bytes] = set()
    for node in _shown_leaves(q):
        if isinstance(node, query.FuzzyTerm):
            words.update(text for _, text in node.existing_terms(reader, expand=True))
        elif isinstance(node, query.Wildcard | query.Prefix | query.Regex):
            start = _WILDCARDS.split(str(node.text), 1)[0]
            if len(start) >= 2:
                words.add(start.lower())
        else:
            words.update(
                text for fieldname, text in node.iter_all_terms() if fieldname in _TEXT_FIELDS
            )
    return {w.decode("utf-8") if isinstance(w, bytes) else w for w in words}


def highlight_phrases(q: Any) -> list[list[str]]:
    """The stems of each phrase ``q`` asks for in titles and bodies (not
    under ``NOT``), so a snippet can show the phrase itself where it occurs."""
    return [
        [_text(w) for w in node.words]
        for node in _shown_leaves(q)
        if isinstance(node, query.Phrase) and node.slop == 1
    ]


def _suggest(searcher: Any, text: str) -> str | None:
    try:
        return suggest(searcher.reader(), text)
    except Exception:  # a suggestion is a nicety; never let it cost the results
        return None


def _reason(exc: BaseException) -> str:
    message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return message[:120]
