"""The whole library, newest first, read from the store alone.

What the app lists when it opens and ``fieldbrief search '*' --sort date``
prints. The store is the library's record and keeps an index in that order,
so a page is one short query; the Whoosh way (collect every document, read
its day, sort) cost 60-240 ms at 22k articles, and the app's first screen
also waited for Whoosh's import and the index's trust check. Nothing here
imports Whoosh: :func:`first_page` lets the app list the library while the
index is still being opened.
"""

from __future__ import annotations

import os
import sqlite3
import time
from datetime import date

from .locations import library_at
from .results import Hit, SearchResults
from .snippets import lead
from .store import Store, open_as_is

LIBRARY_QUERY = "*"
"""How the library view is asked for in the query language."""


def is_library_query(text: str) -> bool:
    return text.strip() in ("", LIBRARY_QUERY)


def newest_first(store: Store, *, limit: int = 20, page: int = 1) -> SearchResults:
    started = time.perf_counter()
    offset = (page - 1) * limit
    rows = store.newest(limit, offset)
    hits = [
        Hit(
            id=row["id"],
            title=row["title"],
            date=date.fromisoformat(row["date"]) if row["date"] else None,
            source=row["source"] or None,
            path=row["path"],
            score=0.0,
            rank=offset + n + 1,
            snippet=lead(row["lead"]),
        )
        for n, row in enumerate(rows)
    ]
    return SearchResults(
        query=LIBRARY_QUERY,
        hits=hits,
        total=store.count(),
        sort="date",
        page=page,
        elapsed_ms=(time.perf_counter() - started) * 1000,
    )


def first_page(path: str | os.PathLike[str] | None, limit: int) -> SearchResults | None:
    """The library's first page before it is opened, or None when it cannot be
    read as it is (no library yet, or one that opening will upgrade): the
    caller then waits for the full open."""
    store = open_as_is(library_at(path).store)
    if store is None:
        return None
    try:
        return newest_first(store, limit=limit)
    except sqlite3.Error:
        return None
    finally:
        store.close()
