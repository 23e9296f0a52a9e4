"""A term's posting list read as Whoosh's W3 codec wrote it, in one piece, and
the positions in it: where a phrase's words stand side by side.

Whoosh-free, so that both the engine's exact document sets and phrases
(:mod:`fieldbrief.search.docsets`) and the direct search
(:mod:`fieldbrief.search.direct`) read postings the same way.
"""

from __future__ import annotations

import io
import pickle
import struct
import sys
import zlib
from array import array
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from itertools import accumulate
from typing import Any

W3_POSTINGS_MAGIC = b"W3Bl"
"""The tag at the start of every W3 posting list (``whoosh.codec.whoosh3.WHOOSH3_HEADER_MAGIC``)."""

_BLOCK_LENGTH = struct.Struct("!i")


def blocks(
    extent: bytes, fixed: int | None, within: list[int] | None
) -> Iterator[tuple[Sequence[int], Sequence[float], Sequence[Any]]]:
    """The (document numbers, weights, values) of each block of one term's
    postings, ``extent`` being the postings as Whoosh's W3 codec wrote them:
    a tag, then per block its signed length (negative for the last), a
    pickled header (count, last document, best weight, compression, two
    length bytes) and the pickled (gaps between document numbers, weights,
    values). Whoosh's leaf matcher reads the same layout through a seek and
    several method calls per block and rebuilds the numbers from the gaps in
    a Python loop; here one ``BytesIO`` is unpickled in place and the gaps
    are summed by ``itertools.accumulate``. Blocks whose last document is
    below the next one ``within`` wants are skipped unread.
    """
    if extent[:4] != W3_POSTINGS_MAGIC:
        raise ValueError("not a W3 posting list")
    stream = io.BytesIO(extent)
    load = pickle.load
    position, end = 4, len(extent)
    last = -1  # the last document of the blocks passed so far
    while position < end:
        (length,) = _BLOCK_LENGTH.unpack_from(extent, position)
        start = position + 4
        position = start + abs(length)
        stream.seek(start)
        count, maxid, _best, compression, _shortest, _longest = load(stream)
        if within is not None:
            wanted = bisect_right(within, last)
            if wanted == len(within):
                return
            if within[wanted] > maxid:
                last = maxid
                continue
        last = maxid
        if compression:
            data = pickle.loads(zlib.decompress(extent[stream.tell() : position]))
        else:
            data = load(stream)
        gaps, weights, values = data
        ids = tuple(accumulate(gaps))
        if weights is None or isinstance(weights, float):
            weights = (1.0 if weights is None else weights,) * count
        if fixed is not None and fixed >= 0:
            values = (
                (None,) * count
                if fixed == 0
                else tuple(values[i : i + fixed] for i in range(0, len(values), fixed))
            )
        yield ids, weights, values


_SWAP = sys.byteorder != "little"


def packed_positions(value: bytes) -> Iterator[int]:
    """The positions in a posting's value as :class:`.positions.PackedPositions`
    writes them: one byte naming the width of the gaps (``H`` or ``I``), then
    the gaps, little-endian."""
    packed = array(chr(value[0]), value[1:])
    if _SWAP:
        packed.byteswap()
    return accumulate(packed)


def adjacent(
    decode: Any, postings: list[dict[int, tuple[float, Any]]], docs: list[int]
) -> list[int]:
    """The ``docs`` where word ``i`` of the phrase is at ``p + i`` for some ``p``:
    the phrase without slop, as Whoosh's spans find it, from sets of possible
    starting positions (no span objects for every occurrence of the first word)."""
    first = postings[0]
    *middle, (last_i, last) = list(enumerate(postings[1:], 1))
    found = []
    if decode is packed_positions and not middle:
        return _adjacent_packed_pairs(first, last, docs)
    for doc in docs:
        starts = set(decode(first[doc][1]))
        for i, word in middle:
            starts.intersection_update(map((-i).__add__, decode(word[doc][1])))
            if not starts:
                break
        else:
            # The last word only has to meet one start: isdisjoint stops at
            # the first, where building the intersection read every position
            # (most phrases are two words, so this is most of the check).
            if not starts.isdisjoint(map((-last_i).__add__, decode(last[doc][1]))):
                found.append(doc)
    return found


def _adjacent_packed_pairs(
    first: dict[int, tuple[float, bytes]], second: dict[int, tuple[float, bytes]], docs: list[int]
) -> list[int]:
    """:func:`adjacent` for two words in packed positions, the common case."""
    return [doc for doc in docs if pair_adjacent(first[doc][1], second[doc][1])]


_SHORT_GAPS = ord("H")
_BEFORE = (-1).__add__
_SHORT_GAP_READERS: dict[int, Any] = {}
"""``struct`` readers of a value's short gaps, by the value's length in bytes."""
_MOST_READERS = 1024


def _short_gaps(value: bytes) -> tuple[int, ...]:
    """The gaps of a value of short (``H``) gaps, read in place: no slice of
    the value, no array (a third less time per candidate than
    :func:`packed_positions`)."""
    length = len(value)
    read = _SHORT_GAP_READERS.get(length)
    if read is None:
        read = struct.Struct(f"<{(length - 1) // 2}H").unpack_from
        if len(_SHORT_GAP_READERS) < _MOST_READERS:
            _SHORT_GAP_READERS[length] = read
    gaps: tuple[int, ...] = read(value, 1)
    return gaps


def pair_adjacent(first: bytes, second: bytes) -> bool:
    """Whether the second word stands right after the first somewhere, given
    each word's positions in one document as :func:`packed_positions` reads
    them (a two-word phrase, without slop)."""
    if first[0] != _SHORT_GAPS or second[0] != _SHORT_GAPS:
        return not set(packed_positions(first)).isdisjoint(map(_BEFORE, packed_positions(second)))
    # A word that stands once (more than half the candidates of a common
    # phrase) has its position as its only gap: read from its two bytes, and
    # the other word's positions only as far as the one wanted.
    if len(first) == 3:
        wanted = (first[1] | first[2] << 8) + 1
        if len(second) == 3:
            return (second[1] | second[2] << 8) == wanted
        return wanted in accumulate(_short_gaps(second))
    if len(second) == 3:
        return (second[1] | second[2] << 8) - 1 in accumulate(_short_gaps(first))
    return not set(accumulate(_short_gaps(first))).isdisjoint(
        map(_BEFORE, accumulate(_short_gaps(second)))
    )
