"""Match sets read from whole posting blocks agree with Whoosh, document for document."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

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
    segments = docsets.match_sets(searcher, docsets.known_phrases(searcher, parsed))
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


PHRASES = [
    '"air base 201"',
    '"us troops"',
    'body:"us troops"',
    '"troops" "niger"',
    '"air base"~3',
    '"the base"',
    'title:"niger"',
    '"us troops" NOT agadez',
    '"us troops" OR pentagon',
    '"us troops" AND date:>2023',
    'person:"mohamed bazoum"',
    '"nothing like this"',
]


def ranked(library: Library, text: str, limit: int = 10) -> tuple[int, list[tuple[str, float]]]:
    results = library.search(text, limit=limit)
    return results.total, [(hit.id, round(hit.score, 9)) for hit in results.hits]


def whoosh_ranked(
    library: Library, text: str, monkeypatch: pytest.MonkeyPatch, limit: int = 10
) -> tuple[int, list[tuple[str, float]]]:
    """The same search with Whoosh's own phrase matcher."""
    with monkeypatch.context() as patch:
        patch.setattr(docsets, "known_phrases", lambda _searcher, q: q)
        return ranked(library, text, limit)


def by_pairs(q: Any) -> Any:
    """``q`` with each phrase that has word pairs (title or body, no slop) as the
    AND of its pairs' terms: what such a phrase is scored by."""
    from whoosh import query

    from fieldbrief.search.fuzzy import rewrite

    def visit(node: Any) -> Any:
        if type(node) is not query.Phrase or node.slop != 1 or len(node.words) < 2:
            return node
        if node.fieldname not in ("title", "body"):
            return node
        pairs = [f"{a} {b}" for a, b in zip(node.words, node.words[1:], strict=False)]
        terms = [query.Term(f"{node.fieldname}_pairs", pair) for pair in pairs]
        return query.And(terms, boost=node.boost)

    return rewrite(q, visit)


def pair_ranked(
    library: Library, text: str, limit: int = 10
) -> tuple[int, list[tuple[str, float]]]:
    """Whoosh's own documents for the phrase query ``text``, ranked as the
    contract says: each phrase with word pairs by the BM25F scores of its pairs."""
    searcher = library.searcher()
    parsed, _ = query_module._parse(
        query_module._parser_for(searcher.schema), text, None, searcher.reader()
    )
    matching = set(searcher.docs_for_query(parsed))
    hits = searcher.search(by_pairs(parsed), limit=limit, filter=matching) if matching else []
    return len(matching), [(hit["id"], round(hit.score, 9)) for hit in hits]


@pytest.mark.parametrize("text", PHRASES)
def test_phrases_match_whoosh_and_rank_by_their_pairs(
    bare_library: Library, seed_paths: list[Path], text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Exactly Whoosh's documents and total; a phrase with word pairs ranked by
    its pairs' scores, any other (slop, ``person:``) by Whoosh's own scores."""
    bare_library.add_paths(seed_paths)
    mine = ranked(bare_library, text)
    whoosh = whoosh_ranked(bare_library, text, monkeypatch)
    assert mine[0] == whoosh[0]
    assert {id_ for id_, _ in mine[1]} == {id_ for id_, _ in whoosh[1]}
    if "date:" not in text:  # the search takes date ranges out as a filter first
        assert set_docs(bare_library, text) == whoosh_docs(bare_library, text)
        assert mine == pair_ranked(bare_library, text)
    if "~" in text or "person:" in text:
        assert mine == whoosh


def test_two_word_phrases_read_no_positions(
    bare_library: Library, seed_paths: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Neither Whoosh's span matcher, nor its second, counting run of the query,
    nor any word's positions: the pair's term is the phrase."""
    from whoosh.query import SpanNear2

    bare_library.add_paths(seed_paths)
    expected = pair_ranked(bare_library, '"us troops"', limit=1)

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the phrase was matched from its words' positions")

    monkeypatch.setattr(SpanNear2, "matcher", refuse)
    monkeypatch.setattr(docsets, "_postings", refuse)
    monkeypatch.setattr(docsets, "_postings_in", refuse)
    searcher = bare_library.searcher()
    monkeypatch.setattr(type(searcher), "docs_for_query", refuse)
    got = ranked(bare_library, '"us troops"', limit=1)
    assert got == expected and got[0] > 1  # exact total, more than the one hit shown


def test_longer_phrases_are_checked_beyond_their_pairs(tmp_path: Path) -> None:
    """Every pair of a three-word phrase in an article is not yet the phrase."""
    library = Library.open(tmp_path / "lib", seed=False, fact_extractor=lambda _a: [])
    bundle = tmp_path / "a.jsonl"
    bodies = {
        "both": "The New York Times said so.",
        "apart": "New York is big. The York Times is a paper in England.",
        "reversed": "Times New York.",
        "stopped": "New York, the Times reported.",
    }
    lines = [{"id": key, "title": key, "body": body} for key, body in bodies.items()]
    bundle.write_text("\n".join(json.dumps(line) for line in lines) + "\n", "utf-8")
    library.add_paths([bundle])
    results = library.search('"new york times"')
    # "the" takes no position: "New York, the Times" is the phrase.
    assert sorted(hit.title for hit in results.hits) == ["both", "stopped"]
    assert results.total == 2
    assert set_docs(library, '"new york times"') == whoosh_docs(library, '"new york times"')
    library.close()


def test_pairs_fields_weigh_as_their_words_fields() -> None:
    from fieldbrief.search.index.schema import schema

    fields = schema()
    for name in ("title", "body"):
        assert fields[f"{name}_pairs"].format.field_boost == fields[name].format.field_boost
    assert fields["title_pairs"].format.field_boost == 2.0


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
    for text in ('"troops stayed"', '"soldiers left base"', '"stayed base"~2', 'title:"report 12"'):
        assert set_docs(library, text) == whoosh_docs(library, text)
        with monkeypatch.context() as patch:
            patch.setattr(docsets, "known_phrases", lambda _searcher, q: q)
            whoosh = ranked(library, text, limit=20)
        mine = ranked(library, text, limit=20)
        assert mine == pair_ranked(library, text, limit=20) and mine[0] == whoosh[0] > 0
        if "~" in text:
            assert mine == whoosh
    # One word apart, or the wrong way round: both words in every article, no phrase.
    for text in ('"troops base"', '"base stayed"', '"stayed troops"'):
        assert library.search(text).total == 0
        assert set_docs(library, text) == whoosh_docs(library, text) == set()
    library.close()
