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

import dataclasses
import functools
import json
import sqlite3
import types
import typing
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


@functools.cache
def _fields(kind: type) -> dict[str, Any]:
    """A dataclass's fields and their types (resolving the hints is the slow part)."""
    hints = typing.get_type_hints(kind)
    return {f.name: hints[f.name] for f in dataclasses.fields(kind)}


def _build(kind: Any, data: Any) -> Any:
    """``data`` (from ``asdict`` and JSON) as ``kind`` again, nested dataclasses included.

    Read from the dataclasses' own fields and type hints, so a field added to
    the overview's classes is kept without a change here.
    """
    return _builder(kind)(data)


def _as_is(data: Any) -> Any:
    return data


_BUILDERS: dict[Any, Callable[[Any], Any]] = {}


def _builder(kind: Any) -> Callable[[Any], Any]:
    """The function that rebuilds a ``kind`` from its JSON, made once per type.

    A 22k library's overview is ~28,000 objects: asking each one's type hints
    what it is (``get_origin``, ``is_dataclass``) was 80% of reading it.
    """
    found = _BUILDERS.get(kind)
    if found is not None:
        return found
    build: Callable[[Any], Any] = _as_is
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        fields: dict[str, Callable[[Any], Any]] = {}

        def build(data: Any) -> Any:
            if not isinstance(data, dict):
                return data
            return kind(**{k: fields[k](v) for k, v in data.items() if k in fields})

        # Registered before its fields' builders, so a class that refers to
        # itself finds this one instead of recursing.
        _BUILDERS[kind] = build
        fields.update({name: _builder(hint) for name, hint in _fields(kind).items()})
        return build
    origin = typing.get_origin(kind)
    if origin is list:
        (item,) = typing.get_args(kind)
        each = _builder(item)

        def build(data: Any) -> Any:
            return [each(x) for x in data] if isinstance(data, list) else data

    elif origin in (types.UnionType, typing.Union):
        option = next((o for o in typing.get_args(kind) if dataclasses.is_dataclass(o)), None)
        if option is not None:
            one = _builder(option)

            def build(data: Any) -> Any:
                return None if data is None else one(data)

    _BUILDERS[kind] = build
    return build


def _conflicts_from(raw: list[dict[str, Any]]) -> list[Conflict]:
    from .facts.resolve import Conflict

    return [_build(Conflict, item) for item in raw]


def dumps(overview: Overview) -> str:
    return json.dumps(asdict(overview), ensure_ascii=False, separators=(",", ":"))


def loads(text: str) -> Overview:
    from .facts.resolve import Overview

    overview: Overview = _build(Overview, json.loads(text))
    return overview


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
