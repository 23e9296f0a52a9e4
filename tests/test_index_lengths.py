"""Field lengths read in one piece per segment give exactly Whoosh's lengths."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fieldbrief.search.index import lengths


def _leaf_readers(library: Any) -> list[Any]:
    return [reader for reader, _offset in library.index.searcher().reader().leaf_readers()]


def test_every_length_is_whooshs_own(bare_library: Any, seed_paths: list[Path]) -> None:
    bare_library.add_paths(seed_paths)
    compared = 0
    for reader in _leaf_readers(bare_library):
        perdoc = reader._perdoc
        count = reader.doc_count_all()
        for fieldname, field in reader.schema.items():
            if not field.scorable:
                continue
            for docnum in range(count + 1):  # one past the end as well
                ours = perdoc.doc_field_length(docnum, fieldname, 7)
                whooshs = lengths._whooshs_lookup(perdoc, docnum, fieldname, 7)
                if docnum < count and whooshs is None:
                    # Whoosh answers None where the document has nothing in
                    # the field (a zero byte), not the default it documents.
                    whooshs = 7
                assert ours == whooshs, (fieldname, docnum)
                compared += 1
        # A field without a length column (not scorable) is Whoosh's answer too.
        assert perdoc.doc_field_length(0, "id", 3) == lengths._whooshs_lookup(perdoc, 0, "id", 3)
    assert compared > 5 * 3, "the seeds' scorable fields must have been compared"


def test_the_column_is_read_once_per_reader(
    bare_library: Any, seed_paths: list[Path], monkeypatch: Any
) -> None:
    bare_library.add_paths(seed_paths)
    reader = _leaf_readers(bare_library)[0]
    perdoc = reader._perdoc
    reads: list[str] = []
    column_reader = perdoc._cached_reader

    def counted(fieldname: str, column: Any) -> Any:
        reads.append(fieldname)
        return column_reader(fieldname, column)

    monkeypatch.setattr(perdoc, "_cached_reader", counted)
    perdoc.__dict__.pop("_fieldbrief_lengths", None)
    found = [perdoc.doc_field_length(d, "body") for d in range(reader.doc_count_all())]
    assert all(n > 0 for n in found)
    assert len(reads) == 1
    assert lengths.lengths(reader, "body", list(range(len(found)))) == found
    assert len(reads) == 1
