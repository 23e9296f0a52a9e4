"""The index a library uses: its folder, recovery after a crash, the shared searcher, writes.

Layout inside the library folder::

    <library>/indexes/<name>/     Whoosh index directories
    <library>/CURRENT             name of the index in use, replaced atomically

A rebuild writes a fresh index directory and then replaces ``CURRENT`` with
``os.replace``, so a crash at any point leaves either the old or the new index
in use, never a half-written one. Every write happens under the library's
write lock (the ``writing`` callable given by :class:`~.library.Library`).
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from . import whooshload  # noqa: F401  # isort: skip (before any Whoosh import)
from whoosh.index import LockError
from whoosh.writing import IndexWriter

from .errors import (
    LibraryBusyError,
    LibraryError,
    UnsafeLayoutError,
)
from .fsutil import atomic_write, is_real_dir
from .index import (
    folders,
    lengths,  # noqa: F401  (every searcher reads field lengths in one piece)
    trust,
)
from .index import schema as index_schema
from .index import writer as index_writer
from .model import Article, Fact
from .store import Store

Progress = Callable[[int, int, str], None]
"""progress(done, total, what) — called from the thread doing the work."""

Writing = Callable[..., AbstractContextManager[None]]
"""``writing(what, wait=True)``: hold the library's write lock."""

INDEX_BUSY = (
    "another fieldbrief process is writing this library's index; the new "
    "articles are saved and will be indexed by the next run"
)


class CurrentIndex:
    """The library's index in use. Safe to share between threads (one lock guards it)."""

    def __init__(self, root: Path, store: Store, writing: Writing) -> None:
        self.root = root
        self.store = store
        self.writing = writing
        self.lock = threading.RLock()
        self._searcher: Any = None
        self._ix: Any = None
        self.recovered: list[str] = []
        self.rebuilt_on_open = False

    def close(self) -> None:
        with self.lock:
            if self._searcher is not None:
                self._searcher.close()
                self._searcher = None
            self._ix = None

    # --- where it lives -------------------------------------------------------

    @property
    def indexes_dir(self) -> Path:
        return folders.indexes_dir(self.root)

    @property
    def current_file(self) -> Path:
        return folders.current_file(self.root)

    def _checked_indexes_dir(self, *, create: bool = False) -> Path:
        return folders.checked_indexes_dir(self.root, create=create)

    def current_dir(self) -> Path | None:
        """The index folder ``CURRENT`` names, checked (:func:`.index.folders.current_dir`)."""
        return folders.current_dir(self.root)

    # --- recovery -------------------------------------------------------------

    def recover(self) -> None:
        """Bring the index up to date with the store after a crash or a foreign write.

        The store records which articles reached the index; anything a killed
        ``add`` or ``rebuild`` left behind is indexed now, and abandoned rebuild
        directories are removed. Repairs take the library's write lock: rows
        another live ``add`` has stored but not yet indexed are that process's
        to finish, so they are resumed only once the lock shows it is gone.
        """
        current = self.current_dir()
        if current is None or not trust.is_index(current):
            with self.writing("building the index"):
                if self.current_dir() != current:
                    return self.recover()  # another process built it meanwhile
                if current is not None:
                    self.recovered.append(
                        f"index {current.name} was missing or incomplete; rebuilt"
                    )
                self.rebuild()
                self.rebuilt_on_open = True
            return
        try:
            trust.verify(current)
        except trust.DamagedIndexError as exc:
            # Our own index, changed since we sealed it: the store holds every
            # article, so rebuilding loses nothing.
            with self.writing("repairing the index"):
                if self.current_dir() != current:
                    return self.recover()
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
                    self.sync()
        except LibraryBusyError:
            pass  # a live writer owns those rows and will index them itself

    def _abandoned(self, keep: Path) -> list[Path]:
        return folders.abandoned(self.root, keep)

    # --- reading --------------------------------------------------------------

    def _index(self) -> Any:
        with self.lock:
            if self._ix is None:
                current = self.current_dir()
                if current is None:
                    raise LibraryError("the library has no index; run `fieldbrief index --rebuild`")
                self._ix = trust.open_verified(current)
            return self._ix

    def searcher(self) -> Any:
        """A shared searcher, refreshed when another writer committed."""
        with self.lock:
            current = self.current_dir()
            if self._ix is not None and (
                current is None
                or Path(self._ix.storage.folder) != current
                or trust.manifest_stamp(current) != self._ix.storage.stamp
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

    @contextmanager
    def reading(self) -> Iterator[Any]:
        """The shared searcher, held for the block (no commit swaps it meanwhile)."""
        with self.lock:
            yield self.searcher()

    def doc_count(self) -> int:
        return int(self.searcher().doc_count())

    # --- writing --------------------------------------------------------------

    def open_writer(self, expected: int) -> tuple[Any, bool]:
        """A writer for ``expected`` documents, or (None, True) when another process holds it."""
        with self.lock:
            try:
                return index_writer.writer_for(self._index(), expected), False
            except LockError:
                return None, True

    def commit(self, writer: Any, written: list[str]) -> None:
        """Commit a writer with any pending removals, then mark what it holds as indexed."""
        with self.lock:
            deleted = self.store.pending_deletes()
            folder = Path(self._index().storage.folder)
            try:
                for old in deleted:
                    writer.delete_by_term("id", old)
                writer.commit(mergetype=index_writer.bounded_merge)
            except BaseException:
                writer.cancel()
                trust.discard_unsealed(folder)
                raise
            sealed = trust.seal(folder)
            # What we just hashed ourselves needs no second check.
            if self._searcher is not None:
                self._searcher.close()
            self._searcher, self._ix = None, trust.open_verified(folder, sealed)
            self.store.mark_indexed(written, deleted)

    def sync(self, progress: Progress | None = None) -> int:
        """Write every article not yet in the index; apply pending removals.

        Articles left unindexed by an interrupted run may already be in the
        index (killed between commit and marking), so they are written with
        ``update_document``.
        """
        with self.writing("indexing"), self.lock:
            todo = self.store.unindexed_count()
            if not todo:
                return 0
            try:
                writer = index_writer.writer_for(self._index(), todo)
            except LockError as exc:
                raise LibraryError(INDEX_BUSY) from exc
            try:
                done = write_documents(
                    writer.update_document,
                    self.store.iter_all(only_unindexed=True),
                    todo,
                    progress,
                    "indexing",
                )
            except BaseException:
                writer.cancel()
                trust.discard_unsealed(Path(self._index().storage.folder))
                raise
            self.commit(writer, done)
            return len(done)

    def sync_unless_busy(self, progress: Progress | None) -> bool:
        """:meth:`sync`; False when another process holds the index's write lock."""
        try:
            self.sync(progress=progress)
        except LibraryError:
            return False
        return True

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
                previous = self.current_dir()
            except UnsafeLayoutError:
                previous = None  # never delete what an untrusted CURRENT names
            name = f"ix-{datetime.now().strftime('%Y%m%dT%H%M%S')}-{os.urandom(3).hex()}"
            target = indexes / name
            trust.create(target)
            total = self.store.count()
            ix = trust.open_unchecked(target)
            writer: IndexWriter = index_writer.writer_for(ix, total, procs=procs)
            try:
                ids = write_documents(
                    writer.add_document, self.store.iter_all(), total, progress, "rebuilding"
                )
                writer.commit(mergetype=index_writer.bounded_merge)
            except BaseException:
                writer.cancel()
                _remove_index_dir(indexes, target)
                raise
            sealed = trust.seal(target)
            with self.lock:
                atomic_write(self.current_file, name)
                if self._searcher is not None:
                    self._searcher.close()
                self._searcher, self._ix = None, trust.open_verified(target, sealed)
                self.store.mark_all_unindexed()
                self.store.mark_indexed(ids)
                if previous is not None and previous != target:
                    _remove_index_dir(indexes, previous)
            return target


def write_documents(
    write: Callable[..., None],
    items: Iterable[tuple[Article, list[Fact]]],
    total: int,
    progress: Progress | None,
    label: str,
) -> list[str]:
    """Write each article's index document; return the ids written."""
    ids: list[str] = []
    for n, (article, facts) in enumerate(items, 1):
        write(**index_schema.document(article, facts))
        ids.append(article.id)
        if progress and n % 500 == 0:
            progress(n, total, label)
    return ids


def _remove_index_dir(indexes: Path, folder: Path) -> None:
    """Delete an index folder, only if it is a real folder directly inside ``indexes``.

    ``shutil.rmtree`` on Linux walks with file descriptors and never follows a
    link inside the tree (``rmtree.avoids_symlink_attacks``); the checks here
    keep the top of the walk inside the library too.
    """
    if folder.parent != indexes or not is_real_dir(indexes) or not is_real_dir(folder):
        return
    if not folders.INDEX_NAME.fullmatch(folder.name):
        return
    shutil.rmtree(folder, ignore_errors=True)
