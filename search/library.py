"""A fieldbrief library: the article store, its Whoosh index, and searching it.

``Library`` is the one object the CLI and the TUI talk to. Layout on disk::

    <library>/library.sqlite3     articles, facts, tags, briefings (source of truth)
    <library>/indexes/<name>/     Whoosh index directories
    <library>/CURRENT             name of the index in use, replaced atomically

A rebuild writes a fresh index directory and then replaces ``CURRENT`` with
``os.replace``, so a crash at any point leaves either the old or the new index
in use, never a half-written one.
"""

from __future__ import annotations

import errno
import fcntl
import os
import re
import secrets
import shutil
import sqlite3
import threading
import time
import weakref
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, suppress
from dataclasses import dataclass, field
from datetime import datetime
from importlib import resources
from itertools import chain, islice
from pathlib import Path
from typing import TYPE_CHECKING, Any

from whoosh.index import LockError
from whoosh.writing import IndexWriter

from . import indexfmt
from .fsutil import atomic_write, is_real_dir, read_small
from .ingest import Problem, iter_input_files, iter_read
from .locations import LibraryPaths, library_at
from .model import Article, Fact
from .parallel import extract_stream
from .query import SearchResults, count_matches, run_search
from .store import ArticleFacts, ArticleNotFound, Store
from .textsafety import printable, strip_unsafe

if TYPE_CHECKING:
    from .events import Event
    from .facts.resolve import Conflict, Overview

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)

Progress = Callable[[int, int, str], None]
"""progress(done, total, what) — called from the thread doing the work."""

FactExtractor = Callable[[Article], list[Fact]]


READ_PIECE = 500
"""Articles read at a time from a JSON Lines bundle."""

STORE_CHUNK = 100
"""Articles per store transaction while adding."""

COMMIT_EVERY = 100_000
"""A long add commits the index this often, so others see progress and a kill loses less."""

INDEX_BUSY = (
    "another fieldbrief process is writing this library's index; the new "
    "articles are saved and will be indexed by the next run"
)

OVERVIEW_FULL_LIMIT = 3000
"""Libraries up to this size get a full library-wide resolution of facts."""


TIMELINE_ARTICLES = 5000
"""The most hits of a query a timeline is made from (the best-ranked ones)."""


class LibraryError(Exception):
    """A problem the user can act on; the message says how."""


class LibraryBusyError(LibraryError):
    """Another process holds the library's write lock (only with ``wait=False``)."""


class UnsafeLayoutError(indexfmt.ForeignIndexError):
    """The library folder points outside itself (a link, or ``CURRENT`` naming a path).

    Never followed and never repaired silently: ``fieldbrief index --rebuild``
    builds a new index inside the library and replaces the pointer.
    """


REBUILD_FIXES = "Run `fieldbrief index --rebuild` to build a new index from the library's store."
REBUILD_FIXES_LINK = (
    "Run `fieldbrief index --rebuild` to replace the link with a real folder "
    "(the link's target is left untouched) and rebuild the index from the store."
)

_INDEX_NAME = re.compile(r"ix-[0-9A-Za-z_-]{1,64}")
"""What ``rebuild`` names index folders: one path component, no dots, no slashes."""


_STORAGE_ERRNOS = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is used up",
    errno.EFBIG: "a file grew past the size this process may write",
    errno.EROFS: "the file system is read-only",
    errno.EACCES: "permission denied",
    errno.EPERM: "operation not permitted",
    errno.EIO: "the disk reported an input/output error",
}
_RETRY = (
    "Fix that and run the command again: articles already stored are kept, and "
    "the next run finishes indexing them."
)


def storage_problem(exc: BaseException) -> str | None:
    """One line saying what went wrong with the disk or the database and how to fix it.

    None for any other error. The CLI and the app show this instead of a
    traceback: a full disk or a damaged database is the user's to fix, not a bug.
    """
    if isinstance(exc, sqlite3.DatabaseError):
        text = str(exc).lower()
        if "full" in text:
            return f"the disk is full while writing the library database. {_RETRY}"
        if "readonly" in text or "read-only" in text:
            return (
                "the library database is read-only (a read-only folder or disk). "
                "Open a library you can write, or copy this one somewhere writable."
            )
        if "locked" in text or "busy" in text:
            return "another program holds the library database locked; try again shortly."
        return (
            f"the library database library.sqlite3 is damaged ({exc}). Move it aside and "
            "restore a backup, or salvage it with `sqlite3 library.sqlite3 .recover | "
            "sqlite3 recovered.sqlite3`; the index can then be rebuilt with "
            "`fieldbrief index --rebuild`."
        )
    if isinstance(exc, OSError) and exc.errno in _STORAGE_ERRNOS:
        where = f" ({printable(str(exc.filename))})" if exc.filename else ""
        return f"{_STORAGE_ERRNOS[exc.errno]}{where}. {_RETRY}"
    return None


def _remove_index_dir(indexes: Path, folder: Path) -> None:
    """Delete an index folder, only if it is a real folder directly inside ``indexes``.

    ``shutil.rmtree`` on Linux walks with file descriptors and never follows a
    link inside the tree (``rmtree.avoids_symlink_attacks``); the checks here
    keep the top of the walk inside the library too.
    """
    if folder.parent != indexes or not is_real_dir(indexes) or not is_real_dir(folder):
        return
    if not _INDEX_NAME.fullmatch(folder.name):
        return
    shutil.rmtree(folder, ignore_errors=True)


class WriteLock:
    """The library's one writer: an ``flock`` across processes, an RLock across threads.

    The kernel drops an ``flock`` when its holder dies, so a killed ``add``
    never leaves the library locked, and holding the lock proves that any
    articles stored but not yet indexed belong to a writer that is gone.
    The lock file names the holder so a waiting process can say who it waits
    for. Worker processes forked while the lock is held close their copy of
    the descriptor, so the lock ends with the process that took it.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._thread_lock = threading.RLock()
        self._fd: int | None = None
        self._depth = 0
        _LOCKS.add(self)

    def _forget_in_child(self) -> None:
        if self._fd is not None:
            with suppress(OSError):
                os.close(self._fd)
            self._fd = None
            self._depth = 0

    def holder(self) -> str:
        try:
            text = read_small(self.path, 512) or ""
        except (OSError, ValueError):
            return "another fieldbrief process"
        return " ".join(strip_unsafe(text).split()) or "another fieldbrief process"

    @contextmanager
    def hold(
        self, what: str, *, wait: bool = True, on_wait: Callable[[str], None] | None = None
    ) -> Iterator[None]:
        if not self._thread_lock.acquire(blocking=wait):
            raise LibraryBusyError(f"this library is busy ({what} in another thread)")
        try:
            if self._depth == 0:
                self._acquire(what, wait, on_wait)
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
                if self._depth == 0 and self._fd is not None:
                    os.close(self._fd)  # releases the flock
                    self._fd = None
        finally:
            self._thread_lock.release()

    def _acquire(self, what: str, wait: bool, on_wait: Callable[[str], None] | None) -> None:
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | _NOFOLLOW | _CLOEXEC, 0o644)
        except OSError as exc:
            if self.path.is_symlink():
                raise UnsafeLayoutError(
                    f"{self.path} is a symbolic link; remove it (fieldbrief makes its own)."
                ) from None
            raise LibraryError(f"cannot lock the library ({exc.strerror or exc})") from exc
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = self.holder()
                if not wait:
                    raise LibraryBusyError(f"{holder} is writing this library") from None
                if on_wait is not None:
                    on_wait(f"waiting for {holder} to finish writing this library…")
                fcntl.flock(fd, fcntl.LOCK_EX)
            stamp = datetime.now().isoformat(timespec="seconds")
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"pid {os.getpid()} ({what}, since {stamp})\n".encode(), 0)
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd


_LOCKS: weakref.WeakSet[WriteLock] = weakref.WeakSet()


def _forget_locks_in_child() -> None:
    for lock in list(_LOCKS):
        lock._forget_in_child()


os.register_at_fork(after_in_child=_forget_locks_in_child)


@dataclass(slots=True)
class AddReport:
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


def default_fact_extractor() -> FactExtractor:
    """The fact engine, loaded lazily: the model takes a moment to load."""
    from .facts.extract import extract_facts

    def extract(article: Article) -> list[Fact]:
        return extract_facts(article.body, article.date)

    return extract


def bundled_seed_files() -> list[Path]:
    seeds = resources.files("fieldbrief.seeds")
    return sorted(Path(str(entry)) for entry in seeds.iterdir() if entry.name.endswith(".txt"))


def bundled_seed_articles() -> list[Article]:
    """The bundled sample articles, labelled as samples rather than by install path.

    A site-packages path means nothing to the reader of an exported briefing,
    and it changes with every install.
    """
    articles = []
    for path in bundled_seed_files():
        for piece in iter_read(path):
            for article in piece.articles:
                article.path = f"bundled sample {path.name}"
                article.origin = f"fieldbrief-sample:{path.name}"
                articles.append(article)
    return articles


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
        self._index_lock = threading.RLock()
        self._searcher: Any = None
        self._ix: Any = None
        self.recovered: list[str] = []
        self.rebuilt_on_open = False
        self._overview: tuple[int, Overview] | None = None
        self._overview_lock = threading.Lock()
        self._write_lock = WriteLock(paths.lock)
        self.on_wait: Callable[[str], None] | None = on_wait

    # --- opening --------------------------------------------------------------

    @classmethod
    def open(
        cls,
        path: str | os.PathLike[str] | None = None,
        *,
        create: bool = True,
        seed: bool = True,
        fact_extractor: FactExtractor | None = None,
        rebuild_untrusted: bool = False,
        on_wait: Callable[[str], None] | None = None,
    ) -> Library:
        """Open (or create) a library; a new default library gets the bundled seeds.

        With ``create=False`` a folder holding no library is refused rather
        than made into one, so a mistyped path is an error, not a new library.

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
            library._recover()
        except indexfmt.UntrustedIndexError as exc:
            if not rebuild_untrusted:
                library.close()
                raise
            library.recovered.append(f"{exc} Rebuilding.")
            library.rebuild(replace_links=True)
            library.rebuilt_on_open = True
        if seed and library.store.get_meta("seeded") is None and library.store.count() == 0:
            with library.writing("adding the sample articles"):
                # Two first runs at once: the second finds the seeds in place.
                if library.store.get_meta("seeded") is None and library.store.count() == 0:
                    library.add_articles(bundled_seed_articles())
                    library.store.set_meta("seeded", datetime.now().isoformat(timespec="seconds"))
        return library

    def close(self) -> None:
        with self._index_lock:
            if self._searcher is not None:
                self._searcher.close()
                self._searcher = None
            self._ix = None
        self.store.close()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    @property
    def indexes_dir(self) -> Path:
        return self.paths.root / "indexes"

    @property
    def current_file(self) -> Path:
        return self.paths.root / "CURRENT"

    def _checked_indexes_dir(self, *, create: bool = False) -> Path:
        """``indexes/`` as a real folder of this library, never a link elsewhere.

        Everything below it is ours to delete (abandoned rebuilds, replaced
        indexes), so a link here would let a crafted library folder point
        those deletions at any folder the user can write.
        """
        folder = self.indexes_dir
        if folder.is_symlink():
            raise UnsafeLayoutError(
                f"{folder} is a symbolic link (to {os.readlink(folder)}); fieldbrief keeps "
                "its indexes in a real folder inside the library and will not write or "
                f"delete through a link. {REBUILD_FIXES_LINK}"
            )
        if create:
            folder.mkdir(parents=True, exist_ok=True)
        if folder.exists() and not is_real_dir(folder):
            raise UnsafeLayoutError(f"{folder} is not a folder. {REBUILD_FIXES_LINK}")
        return folder

    def current_index_dir(self) -> Path | None:
        """The index folder ``CURRENT`` names: a real folder directly inside ``indexes/``.

        ``CURRENT`` is plain text in a folder that may have been crafted, so
        what it names is checked before anything is opened or deleted there:
        a path (``../victim``, ``/home``), a link or anything but a folder is
        refused with ``UnsafeLayoutError``. A name that does not exist yet is
        returned (the index is then rebuilt into a new folder).
        """
        try:
            name = read_small(self.current_file, 256)
        except ValueError as exc:
            raise UnsafeLayoutError(f"{self.current_file}: {exc}. {REBUILD_FIXES}") from None
        name = (name or "").strip()
        if not name:
            return None
        indexes = self._checked_indexes_dir()
        if not _INDEX_NAME.fullmatch(name):
            raise UnsafeLayoutError(
                f"{self.current_file} names {name[:80]!r}, which is not an index folder "
                f"inside {indexes}; it is neither opened nor deleted. {REBUILD_FIXES}"
            )
        folder = indexes / name
        if folder.is_symlink() or (folder.exists() and not is_real_dir(folder)):
            raise UnsafeLayoutError(
                f"{folder} is not a real folder (a link?); it is neither opened nor "
                f"deleted. {REBUILD_FIXES}"
            )
        return folder

    def _recover(self) -> None:
        """Bring the index up to date with the store after a crash or a foreign write.

        The store records which articles reached the index; anything a killed
        ``add`` or ``rebuild`` left behind is indexed now, and abandoned rebuild
        directories are removed. Repairs take the library's write lock: rows
        another live ``add`` has stored but not yet indexed are that process's
        to finish, so they are resumed only once the lock shows it is gone.
        """
        current = self.current_index_dir()
        if current is None or not indexfmt.is_index(current):
            with self.writing("building the index"):
                if self.current_index_dir() != current:
                    return self._recover()  # another process built it meanwhile
                if current is not None:
                    self.recovered.append(
                        f"index {current.name} was missing or incomplete; rebuilt"
                    )
                self.rebuild()
                self.rebuilt_on_open = True
            return
        try:
            indexfmt.verify(current)
        except indexfmt.DamagedIndexError as exc:
            # Our own index, changed since we sealed it: the store holds every
            # article, so rebuilding loses nothing.
            with self.writing("repairing the index"):
                if self.current_index_dir() != current:
                    return self._recover()
                self.recovered.append(
                    f"{exc.args[0].split('. Run')[0]}; rebuilt from the library store"
                )
                self.rebuild()
                self.rebuilt_on_open = True
            return
        # Only take the lock when there is something to do: a library on a
        # read-only share must still open for searching.
        if not self.store.unindexed_count() and not self._abandoned(keep=current):
            return
        try:
            with self.writing("resuming an interrupted add", wait=False):
                for folder in self._abandoned(keep=current):
                    _remove_index_dir(self.indexes_dir, folder)
                pending = self.store.unindexed_count()
                if pending:
                    self.recovered.append(
                        f"resumed indexing of {pending} articles left by an interrupted run"
                    )
                    self.sync_index()
        except LibraryBusyError:
            pass  # a live writer owns those rows and will index them itself

    def _abandoned(self, keep: Path) -> list[Path]:
        """Index folders a killed rebuild left behind (only ours, only real folders)."""
        indexes = self._checked_indexes_dir()
        if not indexes.exists():
            return []
        return [
            child
            for child in indexes.iterdir()
            if child != keep
            and _INDEX_NAME.fullmatch(child.name)
            and is_real_dir(child)
            and not indexfmt.owner_alive(child)
        ]

    # --- the library's single writer -------------------------------------------

    def writing(self, what: str, *, wait: bool = True) -> AbstractContextManager[None]:
        """Hold the library-wide write lock: one writer across processes and threads.

        Store and index change together under it, so two ``fieldbrief add`` at
        once give the same library as one after the other. While another
        process holds it, ``wait=False`` raises ``LibraryBusyError``; otherwise
        ``on_wait`` is told who is writing and the call waits.
        """
        return self._write_lock.hold(what, wait=wait, on_wait=self.on_wait)

    # --- index access ---------------------------------------------------------

    def _index(self) -> Any:
        with self._index_lock:
            if self._ix is None:
                current = self.current_index_dir()
                if current is None:
                    raise LibraryError("the library has no index; run `fieldbrief index --rebuild`")
                self._ix = indexfmt.open_verified(current)
            return self._ix

    def searcher(self) -> Any:
        """A shared searcher, refreshed when another writer committed."""
        with self._index_lock:
            current = self.current_index_dir()
            if self._ix is not None and (
                current is None
                or Path(self._ix.storage.folder) != current
                or indexfmt.manifest_stamp(current) != self._ix.storage.stamp
            ):
                # A rebuild swapped the index, or a commit (maybe in another
                # process) sealed new files: verify again before reading them.
                # Not Searcher.refresh(): it reuses segment readers, and a
                # reused reader keeps its old set of deleted documents.
                if self._searcher is not None:
                    self._searcher.close()
                self._searcher, self._ix = None, None
            ix = self._index()
            if self._searcher is None:
                self._searcher = ix.searcher()
            return self._searcher

    def doc_count(self) -> int:
        return int(self.searcher().doc_count())

    # --- adding ---------------------------------------------------------------

    @property
    def _fact_extractor_is_default(self) -> bool:
        return self._custom_extractor is None

    @property
    def fact_extractor(self) -> FactExtractor:
        if self._fact_extractor is None:
            self._fact_extractor = default_fact_extractor()
        return self._fact_extractor

    def add_paths(
        self, paths: Iterable[str | os.PathLike[str]], progress: Progress | None = None
    ) -> AddReport:
        with self.writing("adding articles"):
            return self._add_paths(paths, progress)

    def _add_paths(
        self, paths: Iterable[str | os.PathLike[str]], progress: Progress | None
    ) -> AddReport:
        started = time.perf_counter()
        report = AddReport()
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

        self._add_stream(articles(), report, progress)
        report.seconds = time.perf_counter() - started
        return report

    def add_articles(
        self, articles: Sequence[Article], progress: Progress | None = None
    ) -> AddReport:
        report = AddReport()
        started = time.perf_counter()
        with self.writing("adding articles"):
            self._add_stream(iter(articles), report, progress)
        report.seconds = time.perf_counter() - started
        return report

    def _fresh(
        self, articles: Iterator[Article], report: AddReport, replaced: dict[str, list[str]]
    ) -> Iterator[Article]:
        """The articles not already stored, counting the rest as unchanged.

        An article whose origin (file, or file and record) was stored by an
        earlier add replaces that version: ``replaced`` maps its id to the old
        ids. Articles of this same add never replace each other.
        """
        seen: set[str] = set()
        for article in articles:
            if article.id in seen or self.store.has(article.id):
                report.unchanged += 1
                continue
            seen.add(article.id)
            old = (
                [i for i in self.store.ids_for_origin(article.origin) if i not in seen]
                if article.origin
                else []
            )
            if old:
                replaced[article.id] = old
                report.updated += 1
            else:
                report.added += 1
            yield article

    def _add_stream(
        self, articles: Iterator[Article], report: AddReport, progress: Progress | None
    ) -> None:
        """Extract, store and index articles as one pipeline.

        Extraction runs in worker processes while this process stores and
        indexes what they have finished, so the two overlap; nothing holds more
        than a few chunks of articles, and the index is written by one writer
        committed at the end (or every ``COMMIT_EVERY`` documents) rather than
        once per batch. Articles are stored before they are indexed: a kill at
        any point leaves them in the store, and the next run indexes them.
        """
        busy = False
        if self.store.unindexed_count():
            # Left over from an interrupted run: these may already be in the
            # index, so they go through update_document first.
            busy = not self._sync_index_unless_busy(progress)
        replaced: dict[str, list[str]] = {}
        fresh = self._fresh(articles, report, replaced)
        # Whether the stream is big enough for several writer processes is
        # known once enough of it has been read.
        head = list(islice(fresh, indexfmt.BIG_BATCH))
        expected = len(head)
        outcomes = extract_stream(
            chain(head, fresh), self.fact_extractor, use_pool=self._fact_extractor_is_default
        )
        writer: Any = None
        written: list[str] = []
        done = 0
        try:
            for chunk in _chunks(outcomes, STORE_CHUNK):
                with self.store.transaction() as db:
                    for article, (article_facts, note) in chunk:
                        if note:
                            report.notes.append(note)
                        self.store.put(
                            db, article, article_facts, replaces=replaced.pop(article.id, ())
                        )
                self._bump_generation()
                done += len(chunk)
                if writer is None and not busy:
                    writer, busy = self._open_writer(expected)
                if writer is not None:
                    for article, (article_facts, _) in chunk:
                        writer.add_document(**indexfmt.document(article, article_facts))
                        written.append(article.id)
                    if len(written) >= COMMIT_EVERY:
                        # _commit cancels the writer itself if the commit fails.
                        committing, writer = writer, None
                        self._commit(committing, written)
                        written = []
            if writer is not None:
                committing, writer = writer, None
                self._commit(committing, written)
        finally:
            if writer is not None:
                writer.cancel()
        if busy:
            raise LibraryError(INDEX_BUSY)
        if self.store.unindexed_count():
            self.sync_index(progress=progress)

    def _open_writer(self, expected: int) -> tuple[Any, bool]:
        """A writer for the stream, or (None, True) when another process holds the lock."""
        with self._index_lock:
            try:
                return indexfmt.writer_for(self._index(), expected), False
            except LockError:
                return None, True

    def _commit(self, writer: Any, written: list[str]) -> None:
        """Commit a writer with any pending removals, then mark what it holds as indexed."""
        with self._index_lock:
            deleted = self.store.pending_deletes()
            folder = Path(self._index().storage.folder)
            try:
                for old in deleted:
                    writer.delete_by_term("id", old)
                writer.commit(mergetype=indexfmt.bounded_merge)
            except BaseException:
                writer.cancel()
                indexfmt.discard_unsealed(folder)
                raise
            sealed = indexfmt.seal(folder)
            # What we just hashed ourselves needs no second check.
            if self._searcher is not None:
                self._searcher.close()
            self._searcher, self._ix = None, indexfmt.open_verified(folder, sealed)
            self.store.mark_indexed(written, deleted)

    def _sync_index_unless_busy(self, progress: Progress | None) -> bool:
        """sync_index; False when another process holds the index's write lock."""
        try:
            self.sync_index(progress=progress)
        except LibraryError:
            return False
        return True

    def set_tags(self, article_id: str, tags: Iterable[str]) -> None:
        with self.writing("tagging an article"):
            self.store.set_tags(article_id, sorted({t.strip() for t in tags if t.strip()}))
            self._bump_generation()
            self.sync_index()

    # --- keeping the index in step with the store -----------------------------

    def sync_index(self, progress: Progress | None = None) -> int:
        """Write every article not yet in the index; apply pending removals.

        Articles left unindexed by an interrupted run may already be in the
        index (killed between commit and marking), so they are written with
        ``update_document``.
        """
        with self.writing("indexing"), self._index_lock:
            todo = self.store.unindexed_count()
            if not todo:
                return 0
            try:
                writer = indexfmt.writer_for(self._index(), todo)
            except LockError as exc:
                raise LibraryError(INDEX_BUSY) from exc
            try:
                done = _write_documents(
                    writer.update_document,
                    self.store.iter_all(only_unindexed=True),
                    todo,
                    progress,
                    "indexing",
                )
            except BaseException:
                writer.cancel()
                indexfmt.discard_unsealed(Path(self._index().storage.folder))
                raise
            self._commit(writer, done)
            return len(done)

    def rebuild(
        self,
        progress: Progress | None = None,
        *,
        procs: int | None = None,
        replace_links: bool = False,
    ) -> Path:
        """Rebuild the index from the store into a new directory, then swap.

        The folder ``CURRENT`` named before is deleted only if it is a real
        index folder of this library; a ``CURRENT`` pointing anywhere else is
        simply replaced. ``replace_links`` (an explicit ``index --rebuild``)
        also replaces a link at ``indexes/`` by a real folder, leaving the
        link's target untouched.
        """
        with self.writing("rebuilding the index"):
            if replace_links and self.indexes_dir.is_symlink():
                self.recovered.append(
                    f"{self.indexes_dir} was a link to {os.readlink(self.indexes_dir)}; "
                    "replaced by a real folder (the link's target was not touched)"
                )
                self.indexes_dir.unlink()
            indexes = self._checked_indexes_dir(create=True)
            try:
                previous = self.current_index_dir()
            except UnsafeLayoutError:
                previous = None  # never delete what an untrusted CURRENT names
            name = f"ix-{datetime.now().strftime('%Y%m%dT%H%M%S')}-{secrets.token_hex(3)}"
            target = indexes / name
            indexfmt.create(target)
            total = self.store.count()
            ix = indexfmt.open_unchecked(target)
            writer: IndexWriter = indexfmt.writer_for(ix, total, procs=procs)
            try:
                ids = _write_documents(
                    writer.add_document, self.store.iter_all(), total, progress, "rebuilding"
                )
                writer.commit(mergetype=indexfmt.bounded_merge)
            except BaseException:
                writer.cancel()
                _remove_index_dir(indexes, target)
                raise
            sealed = indexfmt.seal(target)
            with self._index_lock:
                atomic_write(self.current_file, name)
                if self._searcher is not None:
                    self._searcher.close()
                self._searcher, self._ix = None, indexfmt.open_verified(target, sealed)
                self.store.mark_all_unindexed()
                self.store.mark_indexed(ids)
                if previous is not None and previous != target:
                    _remove_index_dir(indexes, previous)
            return target

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
        """One page of hits; ``count=False``: see :func:`~.query.run_search`."""
        with self._index_lock:
            searcher = self.searcher()
            return run_search(
                searcher,
                query,
                limit=limit,
                sort=sort,
                snippets=snippets,
                page=page,
                expand=self.expand_aliases,
                count=count,
            )

    def count(self, query: str) -> int:
        """How many articles ``query`` matches (the exact ``total`` of :meth:`search`)."""
        with self._index_lock:
            return count_matches(self.searcher(), query, expand=self.expand_aliases)

    # --- facts across articles -------------------------------------------------

    def generation(self) -> int:
        """Bumped on every change to the library's articles or tags."""
        return int(self.store.get_meta("generation", "0") or 0)

    def _bump_generation(self) -> None:
        with self.store.transaction() as db:
            db.execute(
                "INSERT INTO meta(key, value) VALUES ('generation', '1') "
                "ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1"
            )

    def overview(self) -> Overview:
        """Entities, conflicts and stories across the whole library (cached).

        Up to ``OVERVIEW_FULL_LIMIT`` articles this is the full resolution over
        every article. Beyond that, reading every article would make the
        overview grow with the library, so it is built from the index instead:
        the most-mentioned entities with their counts, and the conflicts among
        the most-reported figure subjects. Same-story clusters are then found
        per result page (``stories_among``) rather than library-wide.
        """
        generation = self.generation()
        with self._overview_lock:
            if self._overview is not None and self._overview[0] == generation:
                return self._overview[1]
        if self.store.count() <= OVERVIEW_FULL_LIMIT:
            overview = self.overview_for(self.store.iter_all())
        else:
            overview = self._overview_from_index()
        with self._overview_lock:
            self._overview = (generation, overview)
        return overview

    def _overview_from_index(self, per_kind: int = 30, subjects: int = 40) -> Overview:
        from .facts.resolve import Entity, Overview, find_conflicts

        entities = [
            Entity(kind=kind, name=name, aliases=[name], article_count=count)
            for kind in indexfmt.ENTITY_FIELDS
            for name, count in self.top_entities(kind, per_kind)
        ]
        with self._index_lock:
            reader = self.searcher().reader()
            keys = [
                t.decode("utf-8") if isinstance(t, bytes) else str(t)
                for _, t in reader.most_frequent_terms("figure_k", number=subjects)
            ]
        conflicts = []
        for key in keys:
            items = self._articles_reporting(key, limit=100)
            conflicts += [c for c in find_conflicts(items) if indexfmt.keyword(c.subject) == key]
        conflicts.sort(key=lambda c: -len({cl.article_id for cl in c.claims}))
        return Overview(entities=entities, conflicts=conflicts, stories=[])

    def _articles_reporting(self, key: str, limit: int) -> list[tuple[Article, list[Fact]]]:
        from whoosh import query as wq

        with self._index_lock:
            hits = self.searcher().search(wq.Term("figure_k", key), limit=limit)
            ids = [hit["id"] for hit in hits]
        return [found for i in ids if (found := self.store.get(i)) is not None]

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
        """Same-story clusters among the given articles (e.g. one page of hits)."""
        from .facts.resolve import find_stories

        items = [found for i in article_ids if (found := self.store.get(i)) is not None]
        return find_stories(items) if len(items) > 1 else []

    def overview_for(self, items: Iterable[tuple[Article, list[Fact]]]) -> Overview:
        from .facts.resolve import build_overview

        return build_overview(items)

    def expand_aliases(self, field_name: str, text: str) -> list[str]:
        """Other names of the entity ``text`` names, for ``person:``/``org:``/``place:``.

        Spelling variants come from the index itself (a surname one edit away,
        like "Barzoum" for "Bazoum", as the resolver merges them); when the
        library-wide overview has been built, its alias lists are used too.
        """
        aliases: list[str] = []
        words = text.split()
        if field_name == "person" and len(words) == 1 and len(words[0]) >= 6:
            with self._index_lock:
                reader = self.searcher().reader()
                aliases += [
                    t.decode("utf-8") if isinstance(t, bytes) else str(t)
                    for t in reader.terms_within("person", words[0].lower(), 1, prefix=1)
                    if (t.decode("utf-8") if isinstance(t, bytes) else str(t)) != words[0].lower()
                ]
        if self._overview is not None:
            from .facts.resolve import aliases_for

            kind = {"person": "person", "org": "organization", "place": "place"}[field_name]
            aliases += aliases_for(self._overview[1], kind, text)
        return aliases

    def mention_counts(self, facts: Iterable[Fact]) -> dict[tuple[str, str], int]:
        """How many articles mention each entity in ``facts`` (from the index)."""
        counts: dict[tuple[str, str], int] = {}
        with self._index_lock:
            searcher = self.searcher()
            for fact in facts:
                field_name = indexfmt.ENTITY_FIELDS.get(fact.kind)
                if field_name is None:
                    continue
                name = indexfmt.entity_name(fact)
                if (fact.kind, name) not in counts:
                    counts[(fact.kind, name)] = int(
                        searcher.doc_frequency(f"{field_name}_k", indexfmt.keyword(name))
                    )
        return counts

    def entity_counts(self, kind: str, name: str) -> int:
        """Articles mentioning the entity ``name`` of ``kind``."""
        probe = Fact(kind=kind, text=name, start=0, end=0)  # type: ignore[arg-type]
        return self.mention_counts([probe]).get((kind, name), 0)

    def top_entities(self, kind: str, limit: int = 15) -> list[tuple[str, int]]:
        """The entities of ``kind`` mentioned in the most articles, with counts."""
        field_name = indexfmt.ENTITY_FIELDS[kind] + "_k"
        with self._index_lock:
            reader = self.searcher().reader()
            top = reader.most_frequent_terms(field_name, number=limit)
        return [
            (term.decode("utf-8") if isinstance(term, bytes) else str(term), int(freq))
            for freq, term in top
        ]

    def related_claims(
        self, facts: Iterable[Fact], limit: int = 200
    ) -> list[tuple[Article, list[Fact]]]:
        """Articles reporting figures on the same subjects as ``facts``."""
        keys = sorted({indexfmt.keyword(f.key) for f in facts if f.kind == "figure" and f.key})
        seen: dict[str, tuple[Article, list[Fact]]] = {}
        for key in keys:
            for article, article_facts in self._articles_reporting(key, limit):
                seen.setdefault(article.id, (article, article_facts))
        return list(seen.values())

    def conflicts_for(self, article_id: str) -> list[Conflict]:
        """Conflicts between this article's figures and other articles' figures."""
        found = self.store.get(article_id)
        if found is None:
            return []
        items = self.related_claims(found[1])
        if len(items) < 2:
            return []
        from .facts.resolve import find_conflicts

        return [
            c for c in find_conflicts(items) if any(cl.article_id == article_id for cl in c.claims)
        ]

    def articles(self) -> Iterator[tuple[Article, list[Fact]]]:
        return self.store.iter_all()

    def stats(self) -> dict[str, Any]:
        data = self.store.stats()
        data["library"] = str(self.paths.root)
        current = self.current_index_dir()
        data["index"] = str(current) if current else None
        data["index_bytes"] = (
            sum(f.stat().st_size for f in current.iterdir() if f.is_file()) if current else 0
        )
        return data


def _write_documents(
    write: Callable[..., None],
    items: Iterable[tuple[Article, list[Fact]]],
    total: int,
    progress: Progress | None,
    label: str,
) -> list[str]:
    """Write each article's index document; return the ids written."""
    ids: list[str] = []
    for n, (article, facts) in enumerate(items, 1):
        write(**indexfmt.document(article, facts))
        ids.append(article.id)
        if progress and n % 500 == 0:
            progress(n, total, label)
    return ids


def _chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk
