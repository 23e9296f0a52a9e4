"""Reading a sealed index's files as Whoosh's W3 codec wrote them, without Whoosh.

A cold ``fieldbrief search`` is a new process, and importing Whoosh alone
(with the engine around it) costs about what ``rg`` takes to search 22k
articles as files. The direct search (:mod:`fieldbrief.search.direct`)
answers plain word queries from the index files themselves, through this
reader: the table of contents, each segment's term table (a hash file),
posting lists, field-length columns, deletions and stored fields. It reads
only what fieldbrief writes (the W3 codec, compound or separate segment
files) and raises :class:`Unreadable` at anything else, and the caller then
uses Whoosh.

Whoosh pickles its table of contents and stored fields, so only an index
whose seal :func:`.manifest.verify` has checked is read, every file is
opened without following links and must still be the very file that was
hashed (as :class:`.trust.VerifiedStorage` does), and the table of
contents is unpickled by an unpickler that knows the handful of types it
holds: Whoosh's segment and codec become plain records, anything else is
refused.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import os
import pickle
import struct
import zlib
from array import array
from collections import defaultdict
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from itertools import accumulate
from pathlib import Path
from typing import Any

from .manifest import TOC_NAME, Identity, _identity, _open_regular
from .postings import blocks

# fmt: off
BYTE_LENGTH: Sequence[int] = (
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12,
    13, 14, 16, 17, 18, 20, 21, 23, 25, 26, 28, 30,
    32, 34, 36, 38, 40, 42, 45, 47, 49, 52, 54, 57,
    60, 63, 66, 69, 72, 75, 79, 82, 86, 89, 93, 97,
    101, 106, 110, 114, 119, 124, 129, 134, 139, 145, 150, 156,
    162, 169, 175, 182, 189, 196, 203, 211, 219, 227, 235, 244,
    253, 262, 271, 281, 291, 302, 313, 324, 336, 348, 360, 373,
    386, 399, 414, 428, 443, 459, 475, 491, 508, 526, 544, 563,
    583, 603, 623, 645, 667, 690, 714, 738, 763, 789, 816, 844,
    873, 903, 933, 965, 998, 1032, 1066, 1103, 1140, 1178, 1218, 1259,
    1302, 1345, 1391, 1438, 1486, 1536, 1587, 1641, 1696, 1753, 1811, 1872,
    1935, 1999, 2066, 2135, 2207, 2280, 2356, 2435, 2516, 2600, 2687, 2777,
    2869, 2965, 3063, 3165, 3271, 3380, 3492, 3608, 3728, 3852, 3980, 4112,
    4249, 4390, 4536, 4686, 4842, 5002, 5168, 5340, 5517, 5700, 5889, 6084,
    6286, 6494, 6709, 6932, 7161, 7398, 7643, 7897, 8158, 8428, 8707, 8995,
    9293, 9601, 9918, 10247, 10586, 10936, 11298, 11671, 12057, 12456, 12868, 13294,
    13733, 14187, 14656, 15141, 15641, 16159, 16693, 17244, 17814, 18403, 19011, 19640,
    20289, 20959, 21652, 22367, 23106, 23869, 24658, 25472, 26314, 27183, 28081, 29009,
    29967, 30957, 31979, 33035, 34126, 35254, 36418, 37620, 38863, 40146, 41472, 42841,
    44256, 45717, 47227, 48786, 50397, 52061, 53780, 55556, 57390, 59285, 61242, 63264,
    65352, 67510, 69739, 72041, 74419, 76876, 79414, 82035, 84743, 87541, 90430, 93416,
    96499, 99684, 102975, 106374,
)
"""The field length each stored length byte stands for (Whoosh stores lengths
lossily in one byte; ``whoosh.util.numeric._length_byte_cache``, held to it by
a test)."""
# fmt: on

TOC_VERSION = -111
"""The table-of-contents format Whoosh 2.7 writes (``whoosh.index._CURRENT_TOC_VERSION``)."""


class Unreadable(Exception):
    """Something this reader does not read (or a file changed under it): use Whoosh."""


class _Segment:
    """What Whoosh's ``W3Segment`` unpickles as here: its attributes, no behaviour."""


class _Codec:
    """What Whoosh's ``W3Codec`` unpickles as here."""


_GLOBALS: dict[tuple[str, str], Any] = {
    ("whoosh.codec.whoosh3", "W3Segment"): _Segment,
    ("whoosh.codec.whoosh3", "W3Codec"): _Codec,
    ("collections", "defaultdict"): defaultdict,
    ("builtins", "int"): int,
    ("builtins", "set"): set,
    ("builtins", "frozenset"): frozenset,
    ("_codecs", "encode"): codecs.encode,  # bytes, as pickle protocol 2 writes them
    ("datetime", "datetime"): datetime,
    ("datetime", "date"): date,
}


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        try:
            return _GLOBALS[(module, name)]
        except KeyError:
            raise Unreadable(f"the index holds a {module}.{name}") from None


def _unpickle(data: bytes) -> Any:
    try:
        return _Unpickler(io.BytesIO(data)).load()
    except Unreadable:
        raise
    except Exception as exc:  # a damaged pickle raises any of a dozen types
        raise Unreadable(f"unreadable pickle ({type(exc).__name__})") from None


class _Part:
    """A byte range of an open file: a whole file, or one file inside a compound segment."""

    __slots__ = ("fd", "length", "offset")

    def __init__(self, fd: int, offset: int, length: int) -> None:
        self.fd, self.offset, self.length = fd, offset, length

    def get(self, position: int, size: int) -> bytes:
        if position < 0 or size < 0 or position + size > self.length:
            raise Unreadable("a read past the end of an index file")
        data = os.pread(self.fd, size, self.offset + position)
        if len(data) != size:
            raise Unreadable("an index file is shorter than its directory says")
        return data


_VARINT_BYTES = 10


def _varint(data: bytes, position: int) -> tuple[int, int]:
    """A Whoosh varint (7 bits a byte, low first) at ``position``, and the position after it."""
    value = shift = 0
    for offset in range(_VARINT_BYTES):
        byte = data[position + offset]
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return value, position + offset + 1
    raise Unreadable("a malformed number in the table of contents")


_INT = struct.Struct("!i")
_HASH_DIRECTORY = struct.Struct("!qi")
_HASH_SLOT = struct.Struct("!Iq")
_HASH_LENGTHS = struct.Struct("!ii")
_TERM_INFO = struct.Struct("!BfIBBfII")
_TERM_EXTENT = struct.Struct("!qi")
_COMPOUND_HEADER = struct.Struct("!qi")
_FIELD_NUMBER = struct.Struct("!H")


class TermInfo:
    """A term's entry in one segment: its document frequency and where its postings are."""

    __slots__ = ("doc_frequency", "extent", "inlined")

    def __init__(self, doc_frequency: int, extent: tuple[int, int] | None, inlined: Any) -> None:
        self.doc_frequency = doc_frequency
        self.extent = extent
        self.inlined = inlined


_TERMS_KEPT = 4096
"""Term entries a segment keeps between searches (an app keeps its index open)."""


class _Terms:
    """A segment's term table: Whoosh's ordered hash file (CDB-like, MD5-hashed
    keys, the records written in key order, and an array of their positions in
    that order after the extras)."""

    def __init__(self, part: _Part) -> None:
        self.part = part
        header = part.get(0, 13)
        if header[:4] != b"HSH3" or header[4] != 0:  # 0: keys hashed with MD5
            raise Unreadable("a term table of another kind")
        (extras_length,) = _INT.unpack(part.get(part.length - 4, 4))
        extras_at = part.length - 4 - extras_length
        directory_at = extras_at - 256 * _HASH_DIRECTORY.size
        tail = part.get(directory_at, part.length - 4 - directory_at)
        self.tables = list(_HASH_DIRECTORY.iter_unpack(tail[: 256 * _HASH_DIRECTORY.size]))
        extras = _unpickle(tail[256 * _HASH_DIRECTORY.size :])
        fieldmap = extras.get("fieldmap") if isinstance(extras, dict) else None
        if not isinstance(fieldmap, dict):
            raise Unreadable("a term table without its field map")
        self.fieldmap: dict[str, int] = fieldmap
        self._known: dict[tuple[str, str], TermInfo | None] = {}
        self._expanded: dict[tuple[str, str, int], list[str]] = {}
        self.nearest: dict[Any, list[str]] = {}
        """The terms nearest to fuzzy words (kept by :mod:`..direct`)."""
        # Where the records end: the hash tables follow them.
        self._end_of_records = min(start for start, _slots in self.tables)
        order = extras.get("indextype"), extras.get("indexlen")
        if order[0] not in _ORDER_TYPES or not isinstance(order[1], int) or order[1] < 0:
            raise Unreadable("a term table without its order")
        self._order = struct.Struct("!" + order[0])
        self._order_length = order[1]
        self._order_at = part.length - 4 - order[1] * self._order.size
        if self._order_at < extras_at:
            raise Unreadable("a term table's order runs past its extras")

    def term_info(self, fieldname: str, text: str) -> TermInfo | None:
        """The term's entry, or None; each looked up once (a search asks for a
        word's document frequency across segments, then for its postings)."""
        key = (fieldname, text)
        if key not in self._known:
            if len(self._known) >= _TERMS_KEPT:
                self._known.clear()
            self._known[key] = self._look_up(fieldname, text)
        return self._known[key]

    def _look_up(self, fieldname: str, text: str) -> TermInfo | None:
        number = self.fieldmap.get(fieldname)
        if number is None:
            return None
        key = _FIELD_NUMBER.pack(number) + text.encode("utf-8")
        keyhash = int.from_bytes(hashlib.md5(key, usedforsecurity=False).digest()[-4:], "big")
        start, slots = self.tables[keyhash & 255]
        if not slots:
            return None
        get = self.part.get
        slot = (keyhash >> 8) % slots
        for _ in range(slots):
            slothash, position = _HASH_SLOT.unpack(get(start + slot * 12, 12))
            if not position:
                return None
            if slothash == keyhash:
                keylength, datalength = _HASH_LENGTHS.unpack(get(position, 8))
                if keylength == len(key) and get(position + 8, keylength) == key:
                    return _term_info(get(position + 8 + keylength, datalength))
            slot = (slot + 1) % slots
        return None

    def expand(self, fieldname: str, prefix: str, limit: int) -> list[str]:
        """The field's terms starting with ``prefix``, in order (Whoosh's
        ``expand_prefix``), at most ``limit`` + 1 of them; for a short list,
        each one's entry is kept for :meth:`term_info`."""
        key = (fieldname, prefix, limit)
        if key not in self._expanded:
            if len(self._expanded) >= _TERMS_KEPT:
                self._expanded.clear()
            self._expanded[key] = self._expand(fieldname, prefix, limit)
        return self._expanded[key]

    def _expand(self, fieldname: str, prefix: str, limit: int) -> list[str]:
        number = self.fieldmap.get(fieldname)
        if number is None:
            return []
        start = _FIELD_NUMBER.pack(number) + prefix.encode("utf-8")
        position = self._first_at_or_after(start)
        found: list[str] = []
        keep = limit <= _TERMS_KEPT // 4
        # The records lie one after another in key order: read them in chunks,
        # not two reads a record (a fuzzy word lists every term of its letter).
        chunk, chunk_at = b"", 0
        end = self._end_of_records
        while position is not None and position < end and len(found) <= limit:
            if position + 8 > chunk_at + len(chunk):
                chunk, chunk_at = self.part.get(position, min(_CHUNK, end - position)), position
            if position + 8 > chunk_at + len(chunk):
                raise Unreadable("a term record cut short")
            keylength, datalength = _HASH_LENGTHS.unpack_from(chunk, position - chunk_at)
            if keylength < 0 or datalength < 0:
                raise Unreadable("a term record of negative length")  # would never advance
            record_end = position + 8 + keylength + datalength
            if record_end > chunk_at + len(chunk):
                if record_end > end:
                    raise Unreadable("a term record runs past the records")
                size = min(max(_CHUNK, record_end - position), end - position)
                chunk, chunk_at = self.part.get(position, size), position
            at = position - chunk_at + 8
            key = chunk[at : at + keylength]
            if not key.startswith(start):
                break
            try:
                text = key[_FIELD_NUMBER.size :].decode("utf-8")
            except UnicodeDecodeError:
                raise Unreadable("a term that is not UTF-8") from None
            if keep and (fieldname, text) not in self._known:
                self._known[(fieldname, text)] = _term_info(
                    chunk[at + keylength : at + keylength + datalength]
                )
            found.append(text)
            position = record_end
        return found

    def _first_at_or_after(self, key: bytes) -> int | None:
        """The position of the first record whose key is ``key`` or after it
        (a binary search of the order array, as Whoosh's ``closest_key_pos``)."""
        get, size = self.part.get, self._order.size
        low, high = 0, self._order_length
        while low < high:
            middle = (low + high) // 2
            if self._key_at(self._order.unpack(get(self._order_at + middle * size, size))[0]) < key:
                low = middle + 1
            else:
                high = middle
        if low == self._order_length:
            return None
        position: int = self._order.unpack(get(self._order_at + low * size, size))[0]
        return position

    def _key_at(self, position: int) -> bytes:
        keylength, _datalength = _HASH_LENGTHS.unpack(self.part.get(position, 8))
        return self.part.get(position + 8, keylength)


_CHUNK = 1 << 16
"""Bytes of term records read at a time when listing terms in order."""

_ORDER_TYPES = frozenset("BHiIq")
"""The types Whoosh writes a term table's order array in (``GrowableArray``)."""


def _term_info(data: bytes) -> TermInfo:
    flags, _weight, doc_frequency, *_rest = _TERM_INFO.unpack_from(data)
    if flags:
        return TermInfo(doc_frequency, None, _unpickle(data[_TERM_INFO.size :]))
    offset, length = _TERM_EXTENT.unpack_from(data, _TERM_INFO.size)
    return TermInfo(doc_frequency, (offset, length), None)


class Segment:
    """One segment of the index: its documents, deletions, terms, lengths and stored fields."""

    def __init__(self, index: DirectIndex, record: Any) -> None:
        codec = getattr(record, "_codec", None)
        if not isinstance(record, _Segment) or not isinstance(codec, _Codec):
            raise Unreadable("a segment of another codec")
        state: dict[str, Any] = vars(record)
        self.name = f"{state['indexname']}_{state['segid']}"
        self.doc_count_all: int = state["_doccount"]
        self.deleted: frozenset[int] = frozenset(state.get("_deleted") or ())
        self.field_lengths: dict[str, int] = dict(state.get("_fieldlengths") or {})
        self._index = index
        self._parts: dict[str, _Part] = {}
        if state.get("compound"):
            whole = index.part(f"{self.name}.seg")
            dirpos, _dirlength = _COMPOUND_HEADER.unpack(whole.get(0, 12))
            directory = _unpickle(whole.get(dirpos, whole.length - dirpos))
            if not isinstance(directory, dict):
                raise Unreadable("a compound segment without its directory")
            self._compound: tuple[_Part, dict[str, Any]] | None = (whole, directory)
        else:
            self._compound = None
        self.terms = _Terms(self._part(".trm"))
        self._lengths: dict[str, bytes] = {}
        self._stored: tuple[_Part, list[int], Sequence[int]] | None = None
        self._days: array[int] | None = None

    @property
    def doc_count(self) -> int:
        return self.doc_count_all - len(self.deleted)

    def _part(self, ext: str) -> _Part:
        name = f"{self.name}{ext}"
        if name not in self._parts:
            if self._compound is None:
                self._parts[name] = self._index.part(name)
            else:
                whole, directory = self._compound
                entry = directory.get(name)
                if entry is None:
                    raise Unreadable(f"{name} is not in its compound segment")
                self._parts[name] = _Part(whole.fd, whole.offset + entry["offset"], entry["length"])
        return self._parts[name]

    def _has(self, ext: str) -> bool:
        name = f"{self.name}{ext}"
        if self._compound is not None:
            return name in self._compound[1]
        return name in self._index.verified

    def postings(
        self, info: TermInfo, within: list[int] | None = None
    ) -> Iterator[tuple[Sequence[int], Sequence[float], Sequence[Any]]]:
        """The term's (documents, weights, values), deleted documents included,
        block by block; with ``within`` (sorted), only the blocks that can hold
        one of those documents (:func:`.postings.blocks`)."""
        if info.inlined is not None:
            yield info.inlined
            return
        assert info.extent is not None
        offset, length = info.extent
        extent = self._part(".pst").get(offset, length)
        yield from blocks(extent, None, within)

    def length_bytes(self, fieldname: str) -> bytes:
        """Every document's length byte in ``fieldname`` (0 where it has none)."""
        column = self._lengths.get(fieldname)
        if column is None:
            ext = f"._{fieldname}_len.col"
            if self._has(ext):
                part = self._part(ext)
                column = part.get(0, min(part.length, self.doc_count_all))
            else:
                column = b""
            column += bytes(self.doc_count_all - len(column))
            self._lengths[fieldname] = column
        return column

    def days(self) -> array[int]:
        """Every document's day number (days since 1970; 0: undated), from the
        ``day`` column: four bytes a document, big-endian, written up to the
        last document with a day."""
        if self._days is None:
            days = array("I")
            if days.itemsize != 4:
                raise Unreadable("no 4-byte unsigned integers here")
            if self._has(".day.col"):
                part = self._part(".day.col")
                days.frombytes(part.get(0, part.length // 4 * 4))
                _to_native(days)
            days.extend([0] * (self.doc_count_all - len(days)))
            self._days = days
        return self._days

    def stored_fields(self, docnum: int) -> dict[str, Any]:
        """The document's stored fields (a compressed pickle in the ``_stored`` column)."""
        if self._stored is None:
            self._stored = self._stored_column()
        part, offsets, lengths = self._stored
        length = lengths[docnum]
        if not length:
            return {}
        data = zlib.decompress(part.get(offsets[docnum], length))
        fields = _unpickle(data) if data else None
        return fields if isinstance(fields, dict) else {}

    def _stored_column(self) -> tuple[_Part, list[int], Sequence[int]]:
        part = self._part("._stored.col")
        count = self.doc_count_all
        last = part.length - 1
        code = chr(part.get(last, 1)[0])
        offsets: list[int] | None = None
        if code == "X":  # offsets written too (a large segment)
            codes = part.get(last - 2, 2).decode("ascii")
            code, offsets_code = codes[0], codes[1]
            stored_offsets = _big_endian(offsets_code)
            start = last - 2 - count * stored_offsets.itemsize
            stored_offsets.frombytes(part.get(start, count * stored_offsets.itemsize))
            _to_native(stored_offsets)
            offsets = list(stored_offsets)
            last = start
        lengths = _big_endian(code)
        start = last - count * lengths.itemsize
        lengths.frombytes(part.get(start, count * lengths.itemsize))
        _to_native(lengths)
        if offsets is None:
            offsets = [0, *accumulate(lengths)][:count]
        return part, offsets, lengths


def _big_endian(typecode: str) -> array[int]:
    if typecode not in "BHILQbhilq":
        raise Unreadable(f"a column of type {typecode!r}")
    return array(typecode)


def _to_native(numbers: array[int]) -> None:
    if struct.pack("=H", 1) != struct.pack("!H", 1):
        numbers.byteswap()


class DirectIndex:
    """A sealed index directory, read without Whoosh. Use as a context manager."""

    def __init__(self, folder: Path, verified: dict[str, Identity]) -> None:
        self.folder = folder
        self.verified = verified
        self._fds: list[int] = []
        self._open: dict[str, _Part] = {}
        try:
            self.segments = [Segment(self, record) for record in self._read_toc()]
        except BaseException:
            self.close()
            raise
        self.doc_count_all = sum(s.doc_count_all for s in self.segments)

    def __enter__(self) -> DirectIndex:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        for fd in self._fds:
            os.close(fd)
        self._fds.clear()
        self._open.clear()

    def part(self, name: str) -> _Part:
        """A whole file of the index, opened as :class:`.trust.VerifiedStorage` opens it."""
        if name in self._open:
            return self._open[name]
        expected = self.verified.get(name)
        if expected is None:
            raise Unreadable(f"{name} is not part of the verified index")
        try:
            fd, info = _open_regular(self.folder / name)
        except OSError as exc:
            raise Unreadable(f"{name}: {exc}") from None
        self._fds.append(fd)
        if _identity(info) != expected:
            raise Unreadable(f"{name} was replaced or changed after it was verified")
        self._open[name] = _Part(fd, 0, info.st_size)
        return self._open[name]

    def _read_toc(self) -> list[Any]:
        generations = [
            (int(match.group(1)), name) for name in self.verified if (match := TOC_NAME.match(name))
        ]
        if not generations:
            raise Unreadable("no table of contents")
        generation, name = max(generations)
        part = self.part(name)
        try:
            return self._parse_toc(part.get(0, part.length), generation)
        except (IndexError, struct.error):
            raise Unreadable("a table of contents cut short") from None

    @staticmethod
    def _parse_toc(data: bytes, generation: int) -> list[Any]:
        sizes = []
        position = 0
        for _ in range(3):
            size, position = _varint(data, position)
            sizes.append(size)
        check, version = struct.unpack_from("!ii", data, position)
        if sizes != [4, 8, 4] or check != -12345 or version != TOC_VERSION:
            raise Unreadable("a table of contents of another format")
        position += 8
        for _ in range(3):  # the Whoosh release that wrote it
            _release, position = _varint(data, position)
        schema_length, position = _varint(data, position)
        position += schema_length  # the pickled schema: fieldbrief knows its own
        written_generation, _unused = struct.unpack_from("!ii", data, position)
        if written_generation != generation:
            raise Unreadable("a table of contents of another generation")
        segments = _unpickle(data[position + 8 :])
        if not isinstance(segments, list):
            raise Unreadable("a table of contents without segments")
        return segments

    def doc_frequency(self, fieldname: str, text: str) -> int:
        """Documents with the term across segments, deleted ones included (as Whoosh's idf counts)."""
        total = 0
        for segment in self.segments:
            info = segment.terms.term_info(fieldname, text)
            if info is not None:
                total += info.doc_frequency
        return total

    def field_length(self, fieldname: str) -> int:
        return sum(s.field_lengths.get(fieldname, 0) for s in self.segments)
