"""A fieldbrief library: the article store, its Whoosh index, and searching it.

``Library`` is the one object the CLI and the TUI talk to; it holds the
library's write lock and hands the work to the pieces that do it:

- :mod:`.store`: ``<library>/library.sqlite3``, the source of truth (articles,
  facts, tags, briefings);
- :mod:`.current_index`: the Whoosh index in use, its recovery and searcher;
- :mod:`.adding`: the read → extract → store → index pipeline;
- :mod:`.query`: searching; :mod:`.analytics`: facts across articles.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import adding, direct
from .adding import AddReport, bundled_seed_articles
from .analytics import Analytics
from .current_index import CurrentIndex, Progress
from .errors import LibraryError, UnsafeLayoutError
from .index.direct import DirectIndex
from .index.manifest import manifest_stamp
from .index.trust import UntrustedIndexError
from .listing import is_library_query, newest_first
from .locations import LibraryPaths, library_at
from .model import Article, Fact
from .query import SearchResults, count_matches, run_search
from .store import ArticleFacts, ArticleNotFound, Store
from .writelock import WriteLock

if TYPE_CHECKING:
    from .events import Event
    from .facts.resolve import Conflict, Overview

# The types of Library's own signatures, importable with it.
__all__ = ["AddReport", "FactExtractor", "Library", "LibraryError", "Progress"]

FactExtractor = Callable[[Article], list[Fact]]

TIMELINE_ARTICLES = 5000
"""The most articles a timeline is made from: a query's best hits, or the newest."""


class Library:
    """An open library. Safe to share between threads."""

    def __init__(
        self,
        paths: LibraryPaths,
        *,
        fact_extractor: FactExtractor | None = None,
        on_wait: Callable[[str], None] | None = None,
    ) -> None:
        self.paths = paths.ensure()
        self.store = Store(paths.store)
        self._fact_extractor = fact_extractor
        self._custom_extractor = fact_extractor
        self._write_lock = WriteLock(paths.lock)
        self.on_wait: Callable[[str], None] | None = on_wait
        self.index = CurrentIndex(paths.root, self.store, self.writing)
        self._direct: tuple[tuple[Path | None, Any], DirectIndex] | None = None
        self.analytics = Analytics(
            self.store,
            self.index,
            lambda: self.writing("saving the library overview", wait=False),
        )

    # --- opening --------------------------------------------------------------

    @classmethod
    def open(
        cls,
        path: str | os.PathLike[str] | None = None,
        *,
        create: bool = True,
        seed: bool | None = None,
        fact_extractor: FactExtractor | None = None,
        rebuild_untrusted: bool = False,
        on_wait: Callable[[str], None] | None = None,
    ) -> Library:
        """Open (or create) a library; a new default library gets the bundled seeds.

        With ``create=False`` a folder holding no library is refused rather
        than made into one, so a mistyped path is an error, not a new library.

        ``seed=None`` seeds only the default library (``path`` None): the
        samples are there for a first run, and a library someone names is
        theirs, so ``--library DIR add`` makes one holding only what was added.

        An index that fails verification raises ``UntrustedIndexError`` unless
        ``rebuild_untrusted`` is set, in which case it is rebuilt from the store.
        """
        paths = library_at(path)
        if not create and not paths.store.is_file():
            raise LibraryError(
                f"no fieldbrief library at {paths.root}: check the path, or create one"
                f" there with `fieldbrief --library {paths.root} add FILE…`"
            )
        library = cls(paths, fact_extractor=fact_extractor, on_wait=on_wait)
        try:
            library.index.recover()
        except UntrustedIndexError as exc:
            if not rebuild_untrusted:
                library.close()
                raise
            library.index.recovered.append(f"{exc} Rebuilding.")
            library.rebuild(replace_links=True)
            library.index.rebuilt_on_open = True
        if seed is None:
            seed = path is None
        if seed and library.store.get_meta("seeded") is None and library.store.count() == 0:
            with library.writing("adding the sample articles"):
                # Two first runs at once: the second finds the seeds in place.
                if library.store.get_meta("seeded") is None and library.store.count() == 0:
                    library.add_articles(bundled_seed_articles())
                    library.store.set_meta("seeded", datetime.now().isoformat(timespec="seconds"))
        return library

    def close(self) -> None:
        with self.index.lock:
            if self._direct is not None:
                self._direct[1].close()
                self._direct = None
        self.index.close()
        self.store.close()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # --- the library's single writer -------------------------------------------

    def writing(self, what: str, *, wait: bool = True) -> AbstractContextManager[None]:
        """Hold the library-wide write lock: one writer across processes and threads.

        Store and index change together under it, so two ``fieldbrief add`` at
        once give the same library as one after the other. While another
        process holds it, ``wait=False`` raises ``LibraryBusyError``; otherwise
        ``on_wait`` is told who is writing and the call waits.
        """
        return self._write_lock.hold(what, wait=wait, on_wait=self.on_wait)

    # --- the index --------------------------------------------------------------

    @property
    def recovered(self) -> list[str]:
        """What opening the library repaired, one line each."""
        return self.index.recovered

    @property
    def rebuilt_on_open(self) -> bool:
        return self.index.rebuilt_on_open

    @property
    def indexes_dir(self) -> Path:
        return self.index.indexes_dir

    def current_index_dir(self) -> Path | None:
        return self.index.current_dir()

    def searcher(self) -> Any:
        return self.index.searcher()

    def doc_count(self) -> int:
        return self.index.doc_count()

    def sync_index(self, progress: Progress | None = None) -> int:
        return self.index.sync(progress)

    def rebuild(
        self,
        progress: Progress | None = None,
        *,
        procs: int | None = None,
        replace_links: bool = False,
    ) -> Path:
        return self.index.rebuild(progress, procs=procs, replace_links=replace_links)

    # --- adding ---------------------------------------------------------------

    @property
    def fact_extractor(self) -> FactExtractor:
        if self._fact_extractor is None:
            from .parallel import default_fact_extractor  # the pool's module: only for adds

            self._fact_extractor = default_fact_extractor()
        return self._fact_extractor

    def add_paths(
        self, paths: Iterable[str | os.PathLike[str]], progress: Progress | None = None
    ) -> AddReport:
        with self.writing("adding articles"):
            return self._add(lambda report: adding.read_paths(paths, report, progress), progress)

    def add_articles(
        self, articles: Sequence[Article], progress: Progress | None = None
    ) -> AddReport:
        with self.writing("adding articles"):
            return self._add(lambda _report: iter(articles), progress)

    def _add(
        self, source: Callable[[AddReport], Iterator[Article]], progress: Progress | None
    ) -> AddReport:
        started = time.perf_counter()
        report = AddReport()
        adding.add_stream(
            self.store,
            self.index,
            source(report),
            report,
            progress,
            extractor=self.fact_extractor,
            # Only the default extractor can be rebuilt inside a worker process.
            use_pool=self._custom_extractor is None,
        )
        if report.added or report.updated:
            # While the writer holds the lock anyway: whoever opens the library
            # next reads the overview (overviewcache). In a large library only
            # the figure subjects this add touched are worked out again.
            self.analytics.overview()
        report.seconds = time.perf_counter() - started
        return report

    def set_tags(self, article_id: str, tags: Iterable[str]) -> None:
        with self.writing("tagging an article"):
            before = self.store.generation()
            self.store.set_tags(article_id, sorted({t.strip() for t in tags if t.strip()}))
            self.store.bump_generation()
            self.index.sync()
            self.analytics.carry_over(before)

    # --- reading --------------------------------------------------------------

    def get(self, article_id: str) -> tuple[Article, list[Fact]] | None:
        """The article an id or unique id prefix names (see :meth:`lookup`), or None."""
        try:
            return self.lookup(article_id)
        except ArticleNotFound:
            return None

    def lookup(self, ref: str) -> tuple[Article, list[Fact]]:
        """The article ``ref`` names: its id, an id of an earlier version, or a prefix.

        Raises ``ArticleNotFound`` saying whether nothing matched, the prefix
        was too short, or it matched several articles.
        """
        found = self.store.get(self.store.resolve(ref))
        if found is None:  # removed by another process in between
            raise ArticleNotFound(f"no article with id {ref!r}")
        return found

    def tags_for(self, article_id: str) -> list[str]:
        return self.store.tags_for(article_id)

    def article_count(self) -> int:
        return self.store.count()

    def article_facts(self) -> Iterator[ArticleFacts]:
        """Every article's facts and metadata without the bodies (id order)."""
        return self.store.iter_facts()

    def articles(self) -> Iterator[tuple[Article, list[Fact]]]:
        return self.store.iter_all()

    def search(
        self,
        query: str,
        *,
        limit: int = 20,
        sort: str = "relevance",
        snippets: int = 20,
        page: int = 1,
        count: bool = True,
    ) -> SearchResults:
        """One page of hits; ``count=False``: see :func:`~.query.run_search`.

        Words, phrases, prefixes, fuzzy words, ``AND``/``OR``/``NOT``, fields,
        names and ``date:`` ranges, by relevance or newest first, are
        answered by :mod:`.direct` from the index files (the same page,
        faster than the Whoosh engine even here, in process); the rest by the
        engine (see that module for which).
        """
        if sort == "date" and is_library_query(query):
            return newest_first(self.store, limit=limit, page=page)
        parsed = direct.answerable(query, sort=sort, limit=limit, page=page)
        if (
            parsed is not None
            and parsed.names_entities
            and self.analytics.cached_overview() is not None
        ):
            parsed = None  # the overview's other names of an entity: the engine's
        if parsed is not None:
            with self.index.lock:
                index = self._direct_index()
                found = (
                    direct.search_in(
                        index, query, parsed, limit=limit, snippets=snippets, page=page, sort=sort
                    )
                    if index is not None
                    else None
                )
            if found is not None:
                return found
        with self.index.reading() as searcher:
            return run_search(
                searcher,
                query,
                limit=limit,
                sort=sort,
                snippets=snippets,
                page=page,
                expand=self.analytics.expand_aliases,
                count=count,
            )

    def index_version(self) -> tuple[Path | None, Any]:
        """Changes whenever the index does (a commit here or in another process,
        a rebuild): whether results shown earlier may be out of date."""
        try:
            folder = self.index.current_dir()
        except UnsafeLayoutError:
            return None, None
        return folder, manifest_stamp(folder) if folder is not None else None

    def _direct_index(self) -> DirectIndex | None:
        """The index files as the direct search reads them, kept open while the
        index is unchanged (checked again, as the engine's searcher is, after
        any commit or rebuild). Called with the index's lock held: a search
        never reads files this closes."""
        key = self.index_version()
        folder = key[0]
        if self._direct is not None and self._direct[0] == key:
            # Articles stored but not indexed yet (another process's add): the engine's.
            return self._direct[1] if not self.store.unindexed_count() else None
        if self._direct is not None:
            self._direct[1].close()
            self._direct = None
        index = direct.open_index(self.paths.root, self.store) if folder is not None else None
        if index is not None:
            self._direct = (key, index)
        return index

    def count(self, query: str) -> int:
        """How many articles ``query`` matches (the exact ``total`` of :meth:`search`)."""
        with self.index.reading() as searcher:
            return count_matches(searcher, query, expand=self.analytics.expand_aliases)

    def stats(self) -> dict[str, Any]:
        data = self.store.stats()
        data["library"] = str(self.paths.root)
        current = self.current_index_dir()
        data["index"] = str(current) if current else None
        data["index_bytes"] = (
            sum(f.stat().st_size for f in current.iterdir() if f.is_file()) if current else 0
        )
        return data

    # --- facts across articles (see :mod:`.analytics`) --------------------------

    def generation(self) -> int:
        """Bumped on every change to the library's articles or tags."""
        return self.store.generation()

    def overview(self) -> Overview:
        return self.analytics.overview()

    def overview_for(self, items: Iterable[tuple[Article, list[Fact]]]) -> Overview:
        return self.analytics.overview_for(items)

    def timeline(
        self, query: str | None = None, *, articles: int = TIMELINE_ARTICLES
    ) -> list[Event]:
        """Events of the top ``articles`` hits of ``query``, or of the library, oldest first.

        Built from the event mentions stored at ingest: no article is re-read.
        Without a query a library of more than ``articles`` articles gives the
        events of its newest ``articles`` (by publication date), so the
        timeline stays quick at 200k articles.
        """
        from .events import merge_events

        ids: list[str] | None = None
        if query is not None and query.strip():
            results = self.search(query, limit=articles, snippets=0, count=False)
            ids = [hit.id for hit in results.hits]
            if not ids:
                return []
        elif self.store.count() > articles:
            ids = self.store.newest_ids(articles)
        mentions = self.store.event_mentions(ids)
        meta = self.store.article_meta(m.article_id for m in mentions)
        return merge_events(mentions, meta)

    def stories_among(self, article_ids: Iterable[str]) -> list[list[str]]:
        return self.analytics.stories_among(article_ids)

    def mention_counts(self, facts: Iterable[Fact]) -> dict[tuple[str, str], int]:
        return self.analytics.mention_counts(facts)

    def entity_counts(self, kind: str, name: str) -> int:
        return self.analytics.entity_counts(kind, name)

    def top_entities(self, kind: str, limit: int = 15) -> list[tuple[str, int]]:
        return self.analytics.top_entities(kind, limit)

    def conflicts_for(self, article_id: str) -> list[Conflict]:
        return self.analytics.conflicts_for(article_id)
