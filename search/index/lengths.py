"""Documents' field lengths, read in one piece per segment and field.

BM25F scores every document it ranks from that document's length in the
field. Whoosh's per-document reader looks each length up through its column
reader, a seek and a one-byte read through several layers of Python per
document. For a common word (``oil``: about a thousand documents scored) that
was 3.5% of a whole cold ``fieldbrief search`` and a fifth of a phrase's
ranking. The column is one byte per document, so reading it once per segment
reader and indexing into it gives the same lengths.

Importing this module gives every Whoosh per-document reader in the process
that lookup (:func:`_doc_field_length`): the index is ours, written by one
codec, and where a column is not the one-byte column it expects (another
codec's, a field without lengths) the lookup is Whoosh's own.
"""

from __future__ import annotations

from typing import Any

from .. import whooshload  # noqa: F401  # isort: skip (before any Whoosh import)
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3PerDocReader, _lenfield
from whoosh.util.numeric import byte_to_length

BYTE_LENGTH = [byte_to_length(b) for b in range(256)]
"""The field length each stored byte stands for (Whoosh stores lengths lossily in a byte)."""

_whooshs_lookup = W3PerDocReader.doc_field_length


def length_column(perdoc: Any, fieldname: str) -> bytes | None:
    """The length byte of every document of the segment in ``fieldname``, read
    once per per-document reader (``None`` where the codec keeps them otherwise).

    Kept on the reader itself, so it lives and goes with it. Two threads
    searching one reader may both read a column the first time; both get the
    same bytes, and a dict's item assignment is atomic.
    """
    known: dict[str, bytes | None] | None = getattr(perdoc, "_fieldbrief_lengths", None)
    if known is None:
        if perdoc is None:
            return None
        known = perdoc._fieldbrief_lengths = {}
    elif fieldname in known:
        return known[fieldname]
    column: bytes | None = None
    cached = getattr(perdoc, "_cached_reader", None)
    lengths: Any = cached(_lenfield(fieldname), LENGTHS_COLUMN) if cached else None
    if getattr(lengths, "_typecode", None) == "B" and getattr(lengths, "_fixedlen", 0) == 1:
        column = lengths._dbfile.get(lengths._basepos, lengths._count)
        column += bytes(lengths._doccount - lengths._count)  # documents past the end: 0
    known[fieldname] = column
    return column


def lengths(reader: Any, fieldname: str, docs: list[int]) -> list[int]:
    """Each document's length in ``fieldname`` (a segment's reader), as BM25F reads it."""
    column = length_column(getattr(reader, "_perdoc", None), fieldname)
    if column is None:
        return [reader.doc_field_length(doc, fieldname, 1) for doc in docs]
    return [BYTE_LENGTH[column[doc]] for doc in docs]


def _doc_field_length(self: Any, docnum: int, fieldname: str, default: int = 0) -> Any:
    column = length_column(self, fieldname)
    if column is None or docnum >= len(column):
        return _whooshs_lookup(self, docnum, fieldname, default)
    byte = column[docnum]
    # A zero byte (the document has nothing in the field) is ``default``, as
    # documented; Whoosh's own lookup falls off its end there and says None.
    return BYTE_LENGTH[byte] if byte else default


W3PerDocReader.doc_field_length = _doc_field_length
