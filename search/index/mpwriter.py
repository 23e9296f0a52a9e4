"""Whoosh's multi-process writer with fieldbrief's quicker segment flush.

Apart from :mod:`.writer` so that opening an index to search it does not
import ``multiprocessing`` (a cold ``fieldbrief search`` is mostly imports).
"""

from __future__ import annotations

from typing import Any

from .. import whooshload  # noqa: F401  # isort: skip (before any Whoosh import)
from whoosh.multiproc import MpWriter, SubWriterTask

from .. import forkguard  # noqa: F401  (the writer processes die with this one)
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
