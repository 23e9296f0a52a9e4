"""Match sets read from whole posting blocks agree with Whoosh, document for document."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fieldbrief.search import docsets
from fieldbrief.search import query as query_module
from fieldbrief.search.library import Library

QUERIES = [
    "troops",
    "niger AND troops",
    "agadez OR pentagon",
    "troops NOT agadez",
    "troops ANDNOT niamey",
    "bazom~",
    "repos*",
    "(drone OR drones) AND base",
    "place:niamey AND troops",
    "source:reuters OR title:pentagon",
    "zzzznothing",
]


def whoosh_docs(library: Library, text: str) -> set[int]:
    searcher = library.searcher()
    parsed, _ = query_module._parse(
        query_module._parser_for(searcher.schema), text, None, searcher.reader()
    )
    return set(searcher.docs_for_query(parsed))


def set_docs(library: Library, text: str) -> set[int] | None:
    searcher = library.searcher()
    parsed, _ = query_module._parse(
        query_module._parser_for(searcher.schema), text, None, searcher.reader()
    )
    segments = docsets.match_sets(searcher, parsed)
    if segments is None:
        return None
    offsets = [offset for _, offset in searcher.leaf_searchers()]
    return {offset + i for (_, ids), offset in zip(segments, offsets, strict=True) for i in ids}


@pytest.mark.parametrize("text", QUERIES)
def test_sets_match_whoosh_on_the_seeds(
    bare_library: Library, seed_paths: list[Path], text: str
) -> None:
    bare_library.add_paths(seed_paths)
    assert set_docs(bare_library, text) == whoosh_docs(bare_library, text)


def test_phrases_are_left_to_whoosh(bare_library: Library, seed_paths: list[Path]) -> None:
    bare_library.add_paths(seed_paths)
    assert set_docs(bare_library, '"air base 201"') is None
    assert bare_library.search('"air base 201"').total == 2  # counted by Whoosh instead


def test_sets_skip_deleted_documents_across_segments(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Long posting lists (several blocks), several segments, replaced articles."""
    from fieldbrief.search.index import writer

    monkeypatch.setattr(writer, "MAX_SEGMENTS", 50)
    library = Library.open(tmp_path / "lib", seed=False, fact_extractor=lambda _a: [])
    for batch in range(3):
        bundle = tmp_path / f"batch{batch}.jsonl"
        lines = [
            {
                "id": n,
                "title": f"Report {batch}-{n}",
                "body": f"Troops {'left' if n % 3 else 'stayed'} base {n}.",
            }
            for n in range(300)
        ]
        bundle.write_text("\n".join(json.dumps(line) for line in lines) + "\n", "utf-8")
        library.add_paths([bundle])
    # Editing a bundle replaces its articles: the old ones become deleted documents.
    edited = tmp_path / "batch1.jsonl"
    edited.write_text(edited.read_text("utf-8").replace("Troops", "Soldiers"), "utf-8")
    library.add_paths([edited])
    searcher = library.searcher()
    assert len(searcher.leaf_searchers()) > 1
    assert any(leaf.reader().has_deletions() for leaf, _ in searcher.leaf_searchers())
    for text in ("troops", "troops AND stayed", "soldiers OR stayed", "base NOT left", "troops"):
        assert set_docs(library, text) == whoosh_docs(library, text)
    assert library.search("troops", limit=5).total == 600
    library.close()
