"""Whoosh's multi-process writer with fieldbrief's quicker segment flush.

Apart from :mod:`.writer` so that opening an index to search it does not
import ``multiprocessing`` (a cold ``fieldbrief search`` is mostly imports).
"""

from __future__ import annotations

import queue
from typing import Any

from .. import whooshload  # noqa: F401  # isort: skip (before any Whoosh import)
from whoosh.multiproc import MpWriter, SubWriterTask

from .. import forkguard  # noqa: F401  (the writer processes die with this one)
from ..errors import LibraryError
from .writer import QuickFlushWriter


class _QuickSubWriterTask(SubWriterTask):
    """One of Whoosh's writer processes, flushing through ``QuickFlushWriter``.

    Whoosh builds the sub-writer inside ``SubWriterTask.run`` with no way to
    choose its class, so this loop replaces that method (same job-file
    protocol); it saves writer CPU on every rebuild (bench/README.md, design figures).
    Only ``multisegment`` writers are made here: each process finishes its
    own segment.
    """

    def run(self) -> None:
        ix = self.storage.open_index(self.indexname)
        writer = self.writer = QuickFlushWriter(ix, _lk=False, **self.kwargs)
        while self.running:
            job = self.jobqueue.get()
            if job is None:
                break
            self._process_file(*job)
        if not self.running:
            writer.cancel()
            return
        segment = writer._finalize_segment()
        self.resultqueue.put((None, writer.pool.fieldnames, segment), timeout=5)


class QuickMpWriter(MpWriter):
    """Whoosh's multi-process writer whose processes use ``QuickFlushWriter``."""

    def __init__(self, ix: Any, **kwargs: Any) -> None:
        if not kwargs.get("multisegment"):
            raise ValueError("QuickMpWriter only writes one segment per process")
        super().__init__(ix, **kwargs)

    def _new_task(self) -> SubWriterTask:
        task = _QuickSubWriterTask(
            self.storage, self.indexname, self.jobqueue, self.resultqueue, self.subargs, True
        )
        self.tasks.append(task)
        task.start()
        return task

    def _commit(self, mergetype: Any, optimize: Any, merge: Any) -> None:
        """Whoosh's multi-segment commit, refusing to seal an index that lacks
        a writer process's segment.

        Whoosh waits one second for each process's segment and commits
        without the ones that never came: a process that died (a full disk,
        the kernel's OOM killer, a bug) took its share of the documents with
        it, and the add still reported them indexed. Raising here cancels
        the commit (``CurrentIndex.commit``); the articles stay in the store
        as not yet indexed, and the next open indexes them again.
        """
        if self.docbuffer:
            self._enqueue()
        for _ in self.tasks:
            self.jobqueue.put(None)
        finalsegments = self._merge_segments(mergetype, optimize, merge)
        for task in self.tasks:
            task.join()
        results = []
        for _ in self.tasks:
            try:
                results.append(self.resultqueue.get(timeout=1))
            except queue.Empty:
                break
        failed = [task.exitcode for task in self.tasks if task.exitcode != 0]
        if failed or len(results) != len(self.tasks):
            raise LibraryError(
                f"an indexing process failed (exit codes {failed or 'ok'}, "
                f"{len(results)} of {len(self.tasks)} segments written); "
                "the articles are stored and will be indexed when the library is next opened"
            )
        finalsegments += [segment for _, _, segment in results]
        if self._added:
            finalsegments.append(self._finalize_segment())
        else:
            self._close_segment()
        self._commit_toc(finalsegments)
        self._finish()
