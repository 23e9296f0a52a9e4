"""The query language in examples (one list for the app's help and the CLI's) and its limits.

Kept apart from ``query`` (which loads Whoosh) so the help can be drawn
without loading the search engine.
"""

from __future__ import annotations

MAX_QUERY_CHARS = 1000
"""Longer queries are cut: Whoosh's query tagger takes time quadratic in a word's
length, before a single posting is read (bench/README.md, design figures)."""
OPERATORS = frozenset({"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "REQUIRE", "TO"})
"""Words the query language reads as operators (in capitals), not as words to find
(Whoosh's ``OperatorsPlugin`` and the ``TO`` of ranges)."""
MAX_EXPANSION = 256
"""Words one wildcard or prefix may stand for; beyond, the engine keeps the most
frequent ones (and says so)."""
MAX_QUERY_WORDS = 64
"""More words than this are dropped (5,000 words overflowed the parser's recursion)."""

QUERY_SYNTAX: list[tuple[str, str]] = [
    ("troops Niger", "articles with both words (stemmed: troop, troops)"),
    ('"air base"', "the words side by side (the, of, us… are skipped)"),
    ("troops OR soldiers", "either word; AND and NOT work too (NOT drone)"),
    ("withdr*", "any word starting with withdr"),
    ("bazom~", "one spelling mistake allowed (~2: two)"),
    ('person:"Mohamed Bazoum"', "articles the fact engine found him in, any spelling"),
    ("org:Pentagon  place:Agadez", "organisations and places, the same way"),
    ("title:junta  source:Reuters  tag:niger", "words in the title, the source, a tag"),
    ("date:[2023-09-01 to 2023-12-31]", "a date range (undated articles never match)"),
    ("date:>2024  date:<2023-08", "after or before a year, month or day"),
    ('date:"sept 2023"  date:[march 2024 to now]', "months by name and year; a range may end now"),
    ("*", "every article (the app's empty search box: newest first)"),
]
