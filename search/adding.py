"""Adding articles: read, extract facts, store and index, as one pipeline.

The caller (:meth:`~.library.Library.add_paths`) holds the library's write lock.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from itertools import chain, islice
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from .current_index import INDEX_BUSY, CurrentIndex, Progress
from .errors import LibraryError
from .index import schema as index_schema
from .index import writer as index_writer
from .model import BUNDLED_SAMPLE, Article, Fact
from .store import Store, StoredFacts

if TYPE_CHECKING:
    from .ingest import Problem

# Reading files (ingest: dateutil, feed and HTML parsing) and the extraction
# pool (multiprocessing) are imported by the functions that use them: the
# library imports this module, and a `fieldbrief search` or `show` is a new
# process whose start is mostly imports.

READ_PIECE = 500
"""Articles read at a time from a JSON Lines bundle."""

STORE_CHUNK = 100
"""Articles per store transaction while adding."""

COMMIT_EVERY = 100_000
"""A long add commits the index this often, so others see progress and a kill loses less."""


@dataclass(slots=True)
class AddReport:
    """What one add did: counts, the files read, problems and notes."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    files: int = 0
    seconds: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "files": self.files,
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": [{"path": p.path, "line": p.line, "reason": p.reason} for p in self.skipped],
            "notes": list(self.notes),
            "seconds": round(self.seconds, 3),
        }

    def summary(self) -> str:
        return (
            f"{self.added} added, {self.updated} updated, {self.unchanged} unchanged, "
            f"{len(self.skipped)} skipped"
        )


def bundled_seed_files() -> list[Path]:
    from importlib import resources

    seeds = resources.files("fieldbrief.seeds")
    return sorted(Path(str(entry)) for entry in seeds.iterdir() if entry.name.endswith(".txt"))


def bundled_seed_articles() -> list[Article]:
    """The bundled sample articles, labelled as samples rather than by install path.

    A site-packages path means nothing to the reader of an exported briefing,
    and it changes with every install.
    """
    from .ingest import iter_read

    articles = []
    for path in bundled_seed_files():
        for piece in iter_read(path):
            for article in piece.articles:
                article.path = f"{BUNDLED_SAMPLE}{path.name}"
                article.origin = f"fieldbrief-sample:{path.name}"
                articles.append(article)
    return articles


def read_paths(
    paths: Iterable[str | os.PathLike[str]], report: AddReport, progress: Progress | None
) -> Iterator[Article]:
    """The articles in ``paths`` (files or folders), read lazily; problems go to ``report``.

    The files are listed now, so a bad path is reported before anything is stored.
    """
    from .ingest import iter_input_files, iter_read

    files = list(iter_input_files(paths))

    def articles() -> Iterator[Article]:
        for number, (path, problem) in enumerate(files, start=1):
            if problem is not None:
                report.skipped.append(problem)
                continue
            report.files += 1
            for piece in iter_read(path, piece=READ_PIECE):
                report.skipped.extend(piece.problems)
                report.notes.extend(piece.notes)
                yield from piece.articles
                if progress:
                    new = report.added + report.updated
                    progress(number - 1, len(files), f"{path.name} ({new} new articles)")
            if progress:
                progress(number, len(files), str(path))

    return articles()


def _fresh(
    store: Store, articles: Iterator[Article], report: AddReport, replaced: dict[str, list[str]]
) -> Iterator[Article]:
    """The articles not already stored, counting the rest as unchanged.

    An article whose origin (file, or file and record) was stored by an
    earlier add replaces that version: ``replaced`` maps its id to the old
    ids. Articles of this same add never replace each other.
    """
    seen: set[str] = set()
    for article in articles:
        if article.id in seen or store.has(article.id):
            report.unchanged += 1
            continue
        seen.add(article.id)
        old = (
            [i for i in store.ids_for_origin(article.origin) if i not in seen]
            if article.origin
            else []
        )
        if old:
            replaced[article.id] = old
            report.updated += 1
        else:
            report.added += 1
        yield article


class Prepared(NamedTuple):
    """An article's facts as an add writes them: the store's forms and the index's fields."""

    stored: StoredFacts
    fields: dict[str, str]


def prepare(article: Article, facts: list[Fact], *, events: bool = True) -> Prepared:
    """What an add keeps of ``article``'s facts, made in the extraction worker.

    Everything the store and the index take from the facts is made here, so
    the ``Fact`` objects never cross to the process that stores: pickling them
    there and back cost 8-9 CPU-s of a 22k add, these strings and tuples a tenth
    of that (bench/README.md).
    """
    return Prepared(StoredFacts.of(article, facts, events=events), index_schema.fact_fields(facts))


def add_stream(
    store: Store,
    index: CurrentIndex,
    articles: Iterator[Article],
    report: AddReport,
    progress: Progress | None,
    *,
    extractor: Callable[[Article], list[Fact]],
    use_pool: bool,
) -> None:
    """Extract, store and index articles as one pipeline.

    Extraction runs in worker processes (``use_pool``: only the default
    extractor can be rebuilt inside a worker) while this process stores and
    indexes what they have finished, so the two overlap; nothing holds more
    than a few chunks of articles, and the index is written by one writer
    committed at the end (or every ``COMMIT_EVERY`` documents) rather than
    once per batch. Articles are stored before they are indexed: a kill at
    any point leaves them in the store, and the next run indexes them.
    """
    busy = False
    if store.unindexed_count():
        # Left over from an interrupted run: these may already be in the
        # index, so they go through update_document first.
        busy = not index.sync_unless_busy(progress)
    replaced: dict[str, list[str]] = {}
    fresh = _fresh(store, articles, report, replaced)
    # Whether the stream is big enough for several writer processes is
    # known once enough of it has been read.
    head = list(islice(fresh, index_writer.BIG_BATCH))
    expected = len(head)
    from .parallel import extract_stream

    outcomes = extract_stream(
        chain(head, fresh),
        extractor,
        use_pool=use_pool,
        prepare=partial(prepare, events=store.record_events),
    )
    writer: Any = None
    written: list[str] = []
    try:
        for chunk in _chunks(outcomes, STORE_CHUNK):
            with store.atomic() as db:
                for article, (prepared, note) in chunk:
                    if note:
                        report.notes.append(note)
                    store.put(db, article, prepared.stored, replaces=replaced.pop(article.id, ()))
            store.bump_generation()
            if writer is None and not busy:
                writer, busy = index.open_writer(expected)
            if writer is not None:
                for article, (prepared, _) in chunk:
                    writer.add_document(**index_schema.document_with(article, prepared.fields))
                    written.append(article.id)
                if len(written) >= COMMIT_EVERY:
                    # commit() cancels the writer itself if the commit fails.
                    committing, writer = writer, None
                    index.commit(committing, written)
                    written = []
        if writer is not None:
            committing, writer = writer, None
            index.commit(committing, written)
    finally:
        if writer is not None:
            writer.cancel()
    if busy:
        raise LibraryError(INDEX_BUSY)
    if store.unindexed_count():
        index.sync(progress=progress)


def _chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk
