"""Index writers tuned for fieldbrief's batches, and the merge policy their commits use."""

from __future__ import annotations

import marshal
import os
import pickle
import struct
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any

from .. import whooshload  # noqa: F401  # isort: skip (before any Whoosh import)
from whoosh.codec import whoosh3
from whoosh.codec.whoosh3 import W3Codec
from whoosh.writing import PostingPool, SegmentWriter

WRITE_LOCK_WAIT = 30.0
"""Seconds to wait for another process's index write lock."""


def default_procs() -> int:
    """Indexing processes: two where there are two cores (faster for a full
    rebuild, with lower peak memory: bench/README.md, design figures)."""
    return 2 if (os.cpu_count() or 1) >= 2 else 1


def writer_for(ix: Any, batch_size: int, *, procs: int | None = None) -> Any:
    """A writer sized for the batch: big batches get more processes.

    Each process leaves its own segment (``multisegment=True``). Merging the
    two into one ran on one core after all else was done, for no measurable
    gain in query speed; Whoosh's merge policy folds small segments together
    on later commits. 128 MB per process was as fast as 256 MB and keeps peak
    memory down (figures: bench/README.md, design figures).
    """
    # Wait a while for another process's write lock (e.g. `fieldbrief add` in a
    # second terminal) instead of failing at once; the lock is an flock, so a
    # killed writer never leaves it stale.
    wait = {"timeout": WRITE_LOCK_WAIT, "delay": 0.1}
    procs = default_procs() if procs is None else procs
    options = {"limitmb": 128, "codec": codec(), **wait}
    if batch_size >= BIG_BATCH and procs > 1:
        # Only here: whoosh.multiproc loads multiprocessing, which no search needs.
        from .mpwriter import QuickMpWriter

        return QuickMpWriter(ix, procs=procs, multisegment=True, **options)
    return QuickFlushWriter(ix, **options)


def codec() -> Any:
    """Whoosh's codec with posting blocks left uncompressed.

    Whoosh zlib-compresses every block of postings (document numbers, weights
    and positions together) and inflates each block a query touches. Without
    it, writing takes less CPU and queries are faster; the index is about
    twice the size on disk, which a derived, rebuildable cache can afford
    (figures: bench/README.md, design figures).
    """
    return W3Codec(compression=0)


def _dumps(obj: Any, _protocol: int = 2) -> bytes:
    return pickle.dumps(obj, BLOCK_PICKLE_PROTOCOL)


BLOCK_PICKLE_PROTOCOL = 4
"""Pickle protocol of posting blocks, their headers and short posting lists.

Whoosh's codec pickles them with protocol 2, which has no opcode for bytes:
each posting's positions were written as a call to ``_codecs.encode`` that
unpickling made again, per posting, on every read, and that was most of the
cost of reading a common word's postings for a phrase or a match count.
Protocol 4 stores bytes as bytes, and frames each pickle, so a block's
header (read from the file as it is unpickled) takes a few reads instead of
one per opcode. Whoosh reads any protocol, so only writing changes: the
codec's ``dumps`` is replaced for this process (it is where the codec
pickles, and nothing reads its output but ``pickle.load``/``loads``).
Figures: bench/README.md.
"""

whoosh3.dumps = _dumps

BIG_BATCH = 2000
"""Batches at least this large are written by several processes."""

MAX_SEGMENTS = 8
"""Segments an index may keep; a commit beyond this merges the smallest ones."""


def bounded_merge(writer: Any, segments: list[Any]) -> list[Any]:
    """Whoosh's merge policy, with a ceiling on the number of segments.

    Whoosh merges only tiny segments (tens of documents), so a library built
    by many mid-sized adds would collect segments without end, and every
    query pays per segment. Past ``MAX_SEGMENTS`` the smallest segments are
    merged into the one being written: the cost follows the small ones, never
    a rewrite of the whole index.
    """
    from whoosh.reading import SegmentReader
    from whoosh.writing import MERGE_SMALL

    kept: list[Any] = MERGE_SMALL(writer, segments)
    if len(kept) < MAX_SEGMENTS:  # the commit adds at least one more
        return kept
    ordered = sorted(kept, key=lambda segment: segment.doc_count_all())
    surplus = len(ordered) - MAX_SEGMENTS + 1
    for segment in ordered[:surplus]:
        reader = SegmentReader(writer.storage, writer.schema, segment)
        writer.add_reader(reader)
        reader.close()
    return ordered[surplus:]


class _SegmentLengths:
    """Per-document field lengths of the segment being flushed, read once per field.

    Whoosh looks up the length of every posting's document while writing the
    postings, through a column reader, one call per posting; that was a quarter
    of every commit. Reading each field's lengths into a list first makes each
    lookup an index.
    """

    def __init__(self, reader: Any) -> None:
        self._reader = reader
        self._count = reader.doc_count_all()
        self._fields: dict[str, list[int]] = {}

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int:
        lengths = self._fields.get(fieldname)
        if lengths is None:
            get = self._reader.doc_field_length
            lengths = [get(n, fieldname, default) for n in range(self._count)]
            self._fields[fieldname] = lengths
        return lengths[docnum]


RUN_CHUNK = 20_000
"""Postings per marshalled piece of a sorted run (a few MB in memory at a time)."""

_PIECE = struct.Struct("<Q")


class _RunPool(PostingPool):
    """Whoosh's posting pool, spilling sorted runs in pieces rather than a pickle per posting.

    Past ``limitmb`` of postings Whoosh sorts what it holds, writes it to a
    temporary file, and at flush merges every run back; once a writer has
    spilled, all of its postings make that trip. Whoosh pickles and unpickles
    each posting on its own, a Python-level call each way per posting: at 22k
    articles (11k per writer process, a few runs each) that round trip was
    the largest single item of the writers' profile. Postings
    are plain tuples of str, bytes, int and float, which ``marshal`` writes
    exactly, so a run is written as length-prefixed marshalled lists of
    ``RUN_CHUNK`` postings: the same postings come back in the same order.
    Figures: bench/README.md.
    """

    def add(self, item: tuple[str, bytes, int, float, bytes | None]) -> None:
        # Whoosh's estimate of the posting's size in memory, without its type
        # asserts (our fields always give bytes): the runs split where they did.
        self.fieldnames.add(item[0])
        self.currentsize += 150 + len(item[0]) + 2 * len(item[1]) + len(item[4] or b"")
        if self.currentsize > self.limit:
            self.save()
        self.current.append(item)

    def _write_run(self, f: Any, items: Iterable[Any]) -> None:
        try:
            it = iter(items)
            while chunk := list(islice(it, RUN_CHUNK)):
                data = marshal.dumps(chunk)
                f.write(_PIECE.pack(len(data)))
                f.write(data)
        finally:
            f.close()

    def _read_run(self, path: str) -> Iterator[Any]:
        f = self._open_run(path)
        try:
            while header := f.read(_PIECE.size):
                (size,) = _PIECE.unpack(header)
                yield from marshal.loads(f.read(size))
        finally:
            f.close()
            self._remove_run(path)


class QuickFlushWriter(SegmentWriter):
    """Whoosh's segment writer with per-field length lookups done once at flush,
    and sorted runs spilled in marshalled pieces (``_RunPool``)."""

    def __init__(self, ix: Any, *, limitmb: int = 128, **kwargs: Any) -> None:
        super().__init__(ix, limitmb=limitmb, **kwargs)
        self.pool = _RunPool(self._tempstorage, self.newsegment, limitmb=limitmb)

    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        reader = self.per_document_reader() if self.codec.length_stats else None
        lengths = _SegmentLengths(reader) if reader is not None else None
        self.fieldwriter.add_postings(self.schema, lengths, self.pool.iter_postings())
        self.fieldwriter.close()
        if reader is not None:
            reader.close()
