"""Turning what the analyst typed into ranked, highlighted hits.

The Whoosh query language is accepted as is (fields, phrases, boolean, wildcard,
fuzzy ``~``) plus date ranges on ``date:`` and entity filters (``person:``,
``org:``, ``place:``, ``tag:``). Nothing typed raises: a query that does not
parse, or parses to nothing, is re-run as plain terms and the result says so.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from whoosh import qparser, query, sorting
from whoosh.qparser.dateparse import DateParserPlugin

from . import docsets
from .datefilter import split_date_filter
from .fuzzy import quicken, rewrite, suggest
from .results import Hit, SearchResults
from .snippets import snippet as make_snippet
from .snippets import term_pattern

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


def make_parser(schema: Any) -> qparser.QueryParser:
    parser = qparser.MultifieldParser(["title", "body"], schema, group=qparser.AndGroup)
    parser.add_plugin(qparser.FuzzyTermPlugin())
    parser.add_plugin(qparser.GtLtPlugin())
    parser.add_plugin(DateParserPlugin(free=False))
    parser.add_plugin(qparser.FieldAliasPlugin(FIELD_ALIASES))
    return parser


_parsers: dict[int, qparser.QueryParser] = {}


def _parser_for(schema: Any) -> qparser.QueryParser:
    key = id(schema)
    if key not in _parsers:
        _parsers[key] = make_parser(schema)
    return _parsers[key]


_FUZZY_SUFFIX = re.compile(r"(?<=\w)~(\d?)(?![\d/])")


def _fuzzy_with_prefix(text: str) -> str:
    """``word~`` matches words sharing the first letter (``~n/1``).

    Without a prefix Whoosh compares the word with every term in the field,
    which on a large library takes seconds; misspellings rarely change the
    first letter. An explicit ``~2/0`` still asks for the full scan.
    """
    return _FUZZY_SUFFIX.sub(lambda m: f"~{m.group(1) or 1}/1", text)


_YEAR_COMPARISON = re.compile(r"\bdate:([<>]=?)(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?\b")


def _normalise_dates(text: str) -> str:
    """Rewrite ``date:>2024`` style comparisons into ranges Whoosh understands."""

    def repl(match: re.Match[str]) -> str:
        op, year, month, day = match.groups()
        stamp = year + (month or "") + (day or "")
        if op.startswith(">"):
            return f"date:[{stamp} to]"
        return f"date:[to {stamp}]"

    text = _YEAR_COMPARISON.sub(repl, text)
    # Whoosh's date parser reads "1987-03-01" as the year 1987 alone; the
    # compact form "19870301" it reads as the day.
    return _DATE_RANGE.sub(lambda m: _ISO_DAY.sub(r"\1\2\3", m.group(0)), text)


_DATE_RANGE = re.compile(r"\bdate:[\[{][^\]}]*[\]}]")
_ISO_DAY = re.compile(r"\b(\d{4})-(\d{2})(?:-(\d{2}))?\b")


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
    words = re.findall(r"\w+", text)
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
                    if len(parts) == 1:
                        alts.append(query.Term(node.field(), parts[0]))
                    elif parts:
                        alts.append(query.Phrase(node.field(), parts))
                return query.Or(alts)
        return node

    return rewrite(q.copy(), visit)


def _parse(parser: Any, cleaned: str, expand: AliasExpander | None) -> tuple[Any, str | None]:
    """The query to run (None: nothing to search for) and the fallback note, if any."""
    fallback: str | None = None
    try:
        parsed = parser.parse(_fuzzy_with_prefix(_normalise_dates(cleaned)))
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
    parser = _parser_for(searcher.schema)
    cleaned = text.strip()
    parsed, _ = _parse(parser, cleaned, expand) if cleaned else (None, None)
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
    which on a 200k-article library is a third of the time of a phrase query.
    The app shows the page at once and counts afterwards (:func:`count_matches`).
    """
    started = time.perf_counter()
    parser = _parser_for(searcher.schema)
    cleaned = text.strip()
    if not cleaned:
        return SearchResults(query=text, hits=[], total=0, sort=sort, page=page)
    parsed, fallback = _parse(parser, cleaned, expand)
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
    try:
        results = searcher.search(searched, limit=window, sortedby=sortedby, filter=allowed)
    except Exception as exc:
        fallback = f"query failed ({_reason(exc)}); searched for the words instead"
        parsed = _plain_terms(parser, cleaned)
        if parsed is None:
            return SearchResults(
                query=text, hits=[], total=0, sort=sort, page=page, fallback=fallback
            )
        searched, allowed = parsed, None
        results = searcher.search(parsed, limit=window, sortedby=sortedby)
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

    words = highlight_words(searched, searcher.reader())
    pattern = term_pattern(words)
    hits: list[Hit] = []
    for i, hit in enumerate(page_hits):
        stored = hit.fields()
        body = stored.get("body", "")
        snippet, spans = "", list[tuple[int, int]]()
        if i < snippets:
            snippet, spans = make_snippet(body, pattern)
        if not snippet:
            snippet = _lead(body)
        stamp = stored.get("date")
        hits.append(
            Hit(
                id=stored["id"],
                title=stored.get("title", ""),
                date=stamp.date() if isinstance(stamp, datetime) else None,
                source=stored.get("source") or None,
                path=stored.get("path", ""),
                score=float(hit.score) if isinstance(hit.score, int | float) else 0.0,
                rank=hit.rank + 1,
                snippet=snippet,
                highlights=spans,
            )
        )
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
        elapsed_ms=(time.perf_counter() - started) * 1000,
    )


_TEXT_FIELDS = frozenset({"title", "body"})
_WILDCARDS = re.compile(r"[*?\[]")


def highlight_words(q: Any, reader: Any) -> set[str]:
    """The stems to show in titles and bodies for ``q``: its title and body
    terms, fuzzy terms as the words they stand for, a wildcard as its literal
    start; never a term the query excludes (``NOT``).

    Taken from the query once, not from each hit: asking Whoosh to record
    which terms every matching document matched cost up to a third of a
    phrase query on a 22k-article library. A word a hit lacks simply does not
    occur in its text.
    """
    words: set[str | bytes] = set()

    def walk(node: Any) -> None:
        if isinstance(node, query.Not):
            return
        if isinstance(node, query.AndNot):
            walk(node.a)
            return
        if getattr(node, "fieldname", None) not in _TEXT_FIELDS and node.is_leaf():
            return
        if isinstance(node, query.FuzzyTerm):
            words.update(text for _, text in node.existing_terms(reader, expand=True))
        elif isinstance(node, query.Wildcard | query.Prefix | query.Regex):
            start = _WILDCARDS.split(str(node.text), 1)[0]
            if len(start) >= 2:
                words.add(start.lower())
        elif node.is_leaf():
            words.update(
                text for fieldname, text in node.iter_all_terms() if fieldname in _TEXT_FIELDS
            )
        else:
            for child in node.children():
                walk(child)

    walk(q)
    return {w.decode("utf-8") if isinstance(w, bytes) else w for w in words}


def _lead(body: str, limit: int = 200) -> str:
    text = " ".join(body[: limit * 2].split())
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"


def _suggest(searcher: Any, text: str) -> str | None:
    try:
        return suggest(searcher.reader(), text)
    except Exception:  # a suggestion is a nicety; never let it cost the results
        return None


def _reason(exc: BaseException) -> str:
    message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return message[:120]
