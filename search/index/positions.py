"""Word positions stored as packed integers instead of pickles.

Whoosh's ``Positions`` format stores each posting's positions as a count and
a pickled list of gaps; reading them back is an unpickle per posting, which
is most of what checking a phrase's candidates costs (bench/README.md,
phrases). :class:`PackedPositions` stores the gaps as an array of unsigned
16-bit integers (32-bit when a gap does not fit), little-endian, behind one
byte naming the width: decoding is ``array`` and ``itertools.accumulate``,
both in C, and the postings are smaller. Everything Whoosh does with positions
(phrase and span matchers, highlighting, merging segments) goes through the
format's methods, which this class keeps.
"""

from __future__ import annotations

import sys
from array import array
from collections.abc import Sequence
from itertools import chain

from .. import whooshload  # noqa: F401  # isort: skip (before any Whoosh import)
from whoosh.formats import Positions

from .postings import packed_positions

_SWAP = sys.byteorder != "little"
_WIDTH = {ord("H"): 2, ord("I"): 4}


class PackedPositions(Positions):
    """Whoosh's ``Positions`` (frequency, weight, positions) with packed gaps."""

    def encode(self, poslist: Sequence[int]) -> bytes:
        gaps = [b - a for a, b in zip(chain((0,), poslist), poslist, strict=False)]
        code = "H" if max(gaps, default=0) < 1 << 16 else "I"
        packed = array(code, gaps)
        if _SWAP:
            packed.byteswap()
        return code.encode("ascii") + packed.tobytes()

    positions = staticmethod(packed_positions)

    def decode_positions(self, valuestring: bytes) -> list[int]:
        return list(self.positions(valuestring))

    def decode_frequency(self, valuestring: bytes) -> int:
        return (len(valuestring) - 1) // _WIDTH[valuestring[0]]
