"""The library overview, kept in the store so that opening a library costs nothing.

Computing the overview of a large library reads the index and the store (the
most reported figures' articles, their conflicts): seconds at 22k articles,
and when the app did it on opening, its first search waited on the same CPU.
So it is made when articles are added (by the writer, who holds the lock
anyway) and kept in two layers in the store's ``overview_parts`` table:

- ``overview:full`` / ``overview:index``: the whole overview as last
  computed (over every article, or from the index for a large library), with
  the library generation it belongs to; opening a library whose generation
  has not moved reads one row.
- ``figure_k:<subject>``: the conflicts among one figure subject's articles,
  with the version of that subject's ``facet_counts`` row it was made from.
  Adding or removing an article bumps the versions of its own subjects only,
  so after an add only those subjects are worked out again.

Saving is best effort: a reader that cannot take the write lock (another
process is writing) or write the file (a read-only library) just does not
keep what it computed.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .facts.resolve import Conflict, Overview
    from .store import Store

Hold = Callable[[], AbstractContextManager[None]]
"""Takes the library's write lock without waiting (raises ``LibraryBusyError`` if busy)."""

WHOLE = "overview:{how}"


def _conflicts_from(raw: list[dict[str, Any]]) -> list[Conflict]:
    from .facts.resolve import Claim, Conflict

    return [
        Conflict(
            subject=item["subject"],
            unit=item["unit"],
            claims=[Claim(**claim) for claim in item["claims"]],
        )
        for item in raw
    ]


def dumps(overview: Overview) -> str:
    return json.dumps(
        {
            "entities": [asdict(e) for e in overview.entities],
            "conflicts": [asdict(c) for c in overview.conflicts],
            "stories": [list(s) for s in overview.stories],
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )


def loads(text: str) -> Overview:
    from .facts.resolve import Entity, Overview

    data = json.loads(text)
    return Overview(
        entities=[Entity(**e) for e in data["entities"]],
        conflicts=_conflicts_from(data["conflicts"]),
        stories=[list(s) for s in data["stories"]],
    )


def _save(
    store: Store, hold: Hold, still_current: Callable[[], bool], key: str, version: int, data: str
) -> None:
    from .errors import LibraryError

    try:
        with hold():
            if still_current():
                store.set_overview_part(key, version, data)
    except (LibraryError, OSError, sqlite3.Error):
        pass


def stored(store: Store, generation: int, how: str) -> Overview | None:
    """The overview made ``how`` (``full`` or ``index``) kept for ``generation``, if any."""
    part = store.overview_part(WHOLE.format(how=how))
    if part is None or part[0] != generation:
        return None
    try:
        return loads(part[1])
    except (ValueError, KeyError, TypeError):
        return None  # written by another version: computed afresh


def save(store: Store, hold: Hold, generation: int, how: str, overview: Overview) -> None:
    def current() -> bool:
        return store.generation() == generation

    _save(store, hold, current, WHOLE.format(how=how), generation, dumps(overview))


def subject_conflicts(
    store: Store, hold: Hold, subject: str, compute: Callable[[], list[Conflict]]
) -> list[Conflict]:
    """The conflicts among ``subject``'s articles: kept ones while its articles are
    unchanged, else ``compute()``'s (and kept)."""
    key = f"figure_k:{subject}"
    version = store.facet_version("figure_k", subject)
    part = store.overview_part(key)
    if part is not None and part[0] == version:
        try:
            return _conflicts_from(json.loads(part[1]))
        except (ValueError, KeyError, TypeError):
            pass
    conflicts = compute()
    data = json.dumps([asdict(c) for c in conflicts], ensure_ascii=False, separators=(",", ":"))

    def current() -> bool:
        return store.facet_version("figure_k", subject) == version

    _save(store, hold, current, key, version, data)
    return conflicts
