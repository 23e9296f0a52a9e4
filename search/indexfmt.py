"""The Whoosh index format: schema, documents, and trust.

Whoosh keeps its schema and stored fields as pickles, so opening an index
directory somebody else made is running their code. fieldbrief therefore only
opens index directories it sealed itself: after each commit it writes a
manifest of every file's size and BLAKE2 digest, authenticated with a secret
key kept in the user's config directory. Before opening, the manifest is
checked against the files; anything foreign, changed or unsigned is refused
with a message that says how to rebuild from the (pickle-free) SQLite store.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from datetime import date
from pathlib import Path
from typing import Any

from whoosh import fields, index
from whoosh.analysis import StandardAnalyzer
from whoosh.codec.whoosh3 import W3Codec
from whoosh.filedb.filestore import FileStorage
from whoosh.multiproc import MpWriter, SubWriterTask
from whoosh.writing import SegmentWriter

from .analysis import StemmingTokenizer
from .locations import config_dir, state_dir
from .model import Article, Fact

FORMAT_VERSION = 3
"""Bumped whenever ``schema()`` changes; an older index is rebuilt from the store."""
MANIFEST = "fieldbrief-index.json"
OWNER = "fieldbrief-owner.pid"
_LOCK_SUFFIXES = ("WRITELOCK", "_LOCK", ".lock")

WRITE_LOCK_WAIT = 30.0
"""Seconds to wait for another process's index write lock."""

ENTITY_FIELDS = {"person": "person", "organization": "org", "place": "place"}


class UntrustedIndexError(Exception):
    """The directory is not an index this user's fieldbrief sealed, as sealed."""


class ForeignIndexError(UntrustedIndexError):
    """Not sealed by this user's fieldbrief: never opened, never rebuilt silently."""


class DamagedIndexError(UntrustedIndexError):
    """Sealed by us but changed since (a crash or damage): safe to rebuild."""


def schema() -> fields.Schema:
    stem = StemmingTokenizer()  # Whoosh's StemmingAnalyzer, in one pass
    names = StandardAnalyzer(stoplist=None)
    return fields.Schema(
        id=fields.ID(stored=True, unique=True),
        origin=fields.ID(stored=True),
        # No separate spelling fields: "did you mean" works on the stemmed terms,
        # which for the words people misspell (names, places) are the words
        # themselves, and skipping them nearly halves indexing work.
        title=fields.TEXT(stored=True, analyzer=stem, field_boost=2.0),
        body=fields.TEXT(stored=True, analyzer=stem),
        date=fields.DATETIME(stored=True),
        # Days since 1970 for sorting; undated articles get 0 so they sort last
        # when newest-first (Whoosh would otherwise put missing values first).
        day=fields.NUMERIC(int, bits=32, sortable=True, signed=False),
        source=fields.TEXT(stored=True, analyzer=names),
        path=fields.ID(stored=True),
        tag=fields.KEYWORD(stored=True, commas=True, lowercase=True, scorable=True),
        person=fields.TEXT(analyzer=names, phrase=True),
        org=fields.TEXT(analyzer=names, phrase=True),
        place=fields.TEXT(analyzer=names, phrase=True),
        # Exact canonical names and figure keys: document frequencies give the
        # sidebar's "mentioned in N articles" and the top-entity facets straight
        # from the index, with nothing proportional to the library in memory.
        person_k=fields.KEYWORD(commas=True, lowercase=False),
        org_k=fields.KEYWORD(commas=True, lowercase=False),
        place_k=fields.KEYWORD(commas=True, lowercase=False),
        figure_k=fields.KEYWORD(commas=True, lowercase=False),
    )


def document(article: Article, facts: list[Fact]) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "id": article.id,
        "origin": article.origin,
        "title": article.title,
        "body": article.body,
        "path": article.path,
        "source": article.source or "",
        "tag": ",".join(article.tags),
    }
    doc["day"] = 0
    if article.date is not None:
        doc["date"] = _midnight(article.date)
        doc["day"] = max(1, (article.date - _EPOCH).days)
    for kind, name in ENTITY_FIELDS.items():
        values = sorted({entity_name(f) for f in facts if f.kind == kind})
        if values:
            # Newline-separated so a phrase query cannot match across two names.
            doc[name] = "\n".join(values)
            doc[f"{name}_k"] = ",".join(keyword(v) for v in values)
    keys = sorted({keyword(f.key) for f in facts if f.kind == "figure" and f.key})
    if keys:
        doc["figure_k"] = ",".join(keys)
    return doc


def entity_name(fact: Fact) -> str:
    return str(fact.value or fact.text)


def keyword(value: str) -> str:
    """A value as one KEYWORD term: commas separate terms, so none may remain."""
    return " ".join(value.replace(",", " ").split())


_EPOCH = date(1970, 1, 1)


def _midnight(day: Any) -> Any:
    from datetime import datetime

    return datetime(day.year, day.month, day.day)


# --- trust ------------------------------------------------------------------


def _key() -> bytes:
    path = config_dir() / "index.key"
    try:
        return bytes.fromhex(path.read_text("ascii").strip())
    except (FileNotFoundError, ValueError):
        path.parent.mkdir(parents=True, exist_ok=True)
        key = secrets.token_bytes(32)
        tmp = path.with_suffix(f".tmp-{os.getpid()}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(key.hex())
        try:
            os.link(tmp, path)  # never replace a key another process just wrote
        except FileExistsError:
            pass
        finally:
            tmp.unlink(missing_ok=True)
        return bytes.fromhex(path.read_text("ascii").strip())


def _digest(path: Path) -> str:
    h = hashlib.blake2b(digest_size=16)
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def _index_files(folder: Path) -> list[Path]:
    return sorted(
        p
        for p in folder.iterdir()
        if p.is_file() and p.name not in (MANIFEST, OWNER) and not p.name.endswith(_LOCK_SUFFIXES)
    )


def _mac(files: dict[str, list[Any]]) -> str:
    payload = json.dumps(files, sort_keys=True).encode()
    return hmac.new(_key(), payload, hashlib.sha256).hexdigest()


def _read_manifest(folder: Path) -> dict[str, Any] | None:
    try:
        data = json.loads((folder / MANIFEST).read_text("utf-8"))
    except (FileNotFoundError, ValueError, UnicodeDecodeError):
        return None
    return data if isinstance(data, dict) else None


def seal(folder: Path) -> None:
    """Record and sign the current files. Unchanged files are not re-hashed."""
    old = (_read_manifest(folder) or {}).get("files", {})
    files: dict[str, list[Any]] = {}
    cache = _VerifiedCache.load()
    for path in _index_files(folder):
        stat = path.stat()
        previous = old.get(path.name)
        # Whoosh never rewrites a segment file in place, so name + size identify it.
        if previous and previous[0] == stat.st_size and not path.name.endswith(".toc"):
            files[path.name] = previous
        else:
            files[path.name] = [stat.st_size, _digest(path)]
        cache.remember(path, stat, files[path.name][1])
    manifest = {"format": FORMAT_VERSION, "files": files, "mac": _mac(files)}
    tmp = folder / f"{MANIFEST}.tmp"
    tmp.write_text(json.dumps(manifest), "utf-8")
    os.replace(tmp, folder / MANIFEST)
    (folder / OWNER).unlink(missing_ok=True)
    cache.save()


class _VerifiedCache:
    """Digests already checked, keyed by path, size and ctime.

    Hashing a large index at every start would make start-up time grow with the
    library. A file's ctime changes on any write, chmod or rename and cannot be
    set by a user, so an unchanged (size, ctime) pair means the bytes hashed
    earlier are still the bytes on disk. The cache lives in the user's private
    state directory, not beside the index.
    """

    def __init__(self, path: Path, entries: dict[str, list[Any]]) -> None:
        self.path = path
        self.entries = entries
        self.dirty = False

    @classmethod
    def load(cls) -> _VerifiedCache:
        path = state_dir() / "verified-index-files.json"
        try:
            entries = json.loads(path.read_text("utf-8"))
        except (FileNotFoundError, ValueError, UnicodeDecodeError):
            entries = {}
        return cls(path, entries if isinstance(entries, dict) else {})

    def known(self, path: Path, stat: os.stat_result, digest: str) -> bool:
        return self.entries.get(str(path)) == [stat.st_size, stat.st_ctime_ns, digest]

    def remember(self, path: Path, stat: os.stat_result, digest: str) -> None:
        self.entries[str(path)] = [stat.st_size, stat.st_ctime_ns, digest]
        self.dirty = True

    def save(self) -> None:
        if not self.dirty:
            return
        # Forget files that no longer exist so the cache does not grow forever.
        self.entries = {k: v for k, v in self.entries.items() if os.path.exists(k)}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(f".tmp-{os.getpid()}")
        tmp.write_text(json.dumps(self.entries), "utf-8")
        os.replace(tmp, self.path)


def verify(folder: Path) -> None:
    """Raise unless ``folder`` is an index this user sealed, exactly as sealed.

    ``ForeignIndexError``: not ours (no manifest, or signed with another key).
    ``DamagedIndexError``: ours, but files are missing, changed or unexpected
    (e.g. a crash between Whoosh's commit and the seal); rebuilding from the
    store repairs it.
    """
    manifest = _read_manifest(folder)
    how = "Run `fieldbrief index --rebuild` to rebuild it from the library's own store."
    if manifest is None:
        raise ForeignIndexError(f"{folder} was not created by this fieldbrief. {how}")
    files = manifest.get("files", {})
    if not hmac.compare_digest(str(manifest.get("mac", "")), _mac(files)):
        raise ForeignIndexError(
            f"{folder} was sealed by another user or changed outside fieldbrief; "
            f"it is not opened because Whoosh indexes can carry code. {how}"
        )
    if manifest.get("format") != FORMAT_VERSION:
        raise DamagedIndexError(
            f"{folder} was built by another version of fieldbrief (index format "
            f"{manifest.get('format')}, this version uses {FORMAT_VERSION}). {how}"
        )
    present = {p.name: p for p in _index_files(folder)}
    cache = _VerifiedCache.load()
    for name, (size, digest) in files.items():
        path = present.pop(name, None)
        if path is None:
            raise DamagedIndexError(f"{folder} is incomplete: {name} is missing. {how}")
        stat = path.stat()
        if stat.st_size != size:
            raise DamagedIndexError(f"{folder} is damaged: {name} changed size. {how}")
        if not cache.known(path, stat, digest):
            if _digest(path) != digest:
                raise DamagedIndexError(f"{folder} is damaged or was changed: {name}. {how}")
            cache.remember(path, stat, digest)
    cache.save()
    # Files Whoosh left from an interrupted commit are not referenced by the
    # sealed TOC and are never read, but a TOC it does not know would be opened.
    unknown = [n for n in present if n.endswith(".toc")]
    if unknown:
        raise DamagedIndexError(f"{folder} has unsigned table-of-contents files. {how}")


def is_index(folder: Path) -> bool:
    return folder.is_dir() and (folder / MANIFEST).exists()


def open_verified(folder: Path) -> Any:
    verify(folder)
    return open_unchecked(folder)


def open_unchecked(folder: Path) -> Any:
    """Open an index directory: only for one verified or just created by us.

    Without memory-mapping: mapped index pages count as the process's own
    memory, and on a 22k-article library that was 210 MB of RSS against 39 MB
    with plain reads, for about 5% slower searches.
    """
    return FileStorage(str(folder), supports_mmap=False).open_index()


def create(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=False)
    (folder / OWNER).write_text(str(os.getpid()), "ascii")
    index.create_in(str(folder), schema())


def owner_alive(folder: Path) -> bool:
    """True while the process building this directory is still running."""
    try:
        pid = int((folder / OWNER).read_text("ascii").strip())
    except (FileNotFoundError, ValueError):
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def default_procs() -> int:
    """Indexing processes: two where there are two cores (measured 1.6x faster
    on a 2-core machine for a full rebuild, and lower peak memory)."""
    return 2 if (os.cpu_count() or 1) >= 2 else 1


def writer_for(ix: Any, batch_size: int, *, procs: int | None = None) -> Any:
    """A writer sized for the batch: big batches get more processes.

    Each process leaves its own segment (``multisegment=True``). Merging the
    two into one cost 14 s of a 22k-article add, run on one core after all
    else was done, for no measurable gain in query speed (p50 23.7 vs 23.4 ms);
    Whoosh's merge policy folds small segments together on later commits.
    128 MB per process was as fast as 256 MB and keeps peak memory down.
    """
    # Wait a while for another process's write lock (e.g. `fieldbrief add` in a
    # second terminal) instead of failing at once; the lock is an flock, so a
    # killed writer never leaves it stale.
    wait = {"timeout": WRITE_LOCK_WAIT, "delay": 0.1}
    procs = default_procs() if procs is None else procs
    options = {"limitmb": 128, "codec": codec(), **wait}
    if batch_size >= BIG_BATCH and procs > 1:
        return QuickMpWriter(ix, procs=procs, multisegment=True, **options)
    return QuickFlushWriter(ix, **options)


def codec() -> Any:
    """Whoosh's codec with posting blocks left uncompressed.

    Whoosh zlib-compresses every block of postings (document numbers, weights
    and positions together) and inflates each block a query touches. Without
    it, a 22k-article index takes 7% less of the writers' CPU, and at 200k
    articles queries are 8-16% faster (p95 102 -> 94 ms for the page, 213 -> 186
    ms with the exact total); the index is twice the size on disk (615 MB ->
    1.2 GB at 200k), which a derived, rebuildable cache can afford.
    """
    return W3Codec(compression=0)


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


class QuickFlushWriter(SegmentWriter):
    """Whoosh's segment writer with per-field length lookups done once at flush."""

    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        reader = self.per_document_reader() if self.codec.length_stats else None
        lengths = _SegmentLengths(reader) if reader is not None else None
        self.fieldwriter.add_postings(self.schema, lengths, self.pool.iter_postings())
        self.fieldwriter.close()
        if reader is not None:
            reader.close()


class _QuickSubWriterTask(SubWriterTask):
    """One of Whoosh's writer processes, flushing through ``QuickFlushWriter``.

    Whoosh builds the sub-writer inside ``SubWriterTask.run`` with no way to
    choose its class, so this loop replaces that method (same job-file
    protocol). In a 22k-article rebuild it saved 9% of the writers' CPU.
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
