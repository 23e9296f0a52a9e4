"""Match sets read from whole posting blocks agree with Whoosh, document for document."""

from __future__ import annotations

from pathlib import Path

import pytest

from fieldbrief.search import docsets
from fieldbrief.search import query as query_module
from fieldbrief.search.library import Library

from .conftest import write_jsonl

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
@pytest.mark.usefixtures("engine_only")
def test_sets_match_whoosh_on_the_seeds(
    bare_library: Library, seed_paths: list[Path], text: str
) -> None:
    bare_library.add_paths(seed_paths)
    assert set_docs(bare_library, text) == whoosh_docs(bare_library, text)


PHRASES = [
    '"air base 201"',
    '"us troops"',
    '"troops" "niger"',
    '"air base"~3',
    '"the base"',
    'title:"niger"',
    '"us troops" NOT agadez',
    '"us troops" OR pentagon',
    '"us troops" AND date:>2023',
    '"air base" AND date:>2023-09-08',
    '"air base" AND date:<2000',
    '"air base" NOT agadez',
    'troops NOT "air base"',
    'troops ANDNOT "air base"',
    'niger ANDMAYBE "air base"',
    '"air base" OR pentagon',
    'title:"air base" OR body:"air base"',
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


@pytest.mark.parametrize("text", PHRASES)
def test_phrases_rank_and_count_as_whoosh_does(
    bare_library: Library, seed_paths: list[Path], text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    bare_library.add_paths(seed_paths)
    mine = ranked(bare_library, text)
    assert mine == whoosh_ranked(bare_library, text, monkeypatch)
    if "date:" not in text:  # the search takes date ranges out as a filter first
        assert set_docs(bare_library, text) == whoosh_docs(bare_library, text)


def test_phrase_totals_take_one_pass_without_whoosh_positions(
    bare_library: Library, seed_paths: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Neither Whoosh's span matcher nor its second, counting run of the query is used.

    ("us" is a stop word: '"us troops"' would be the one word ``troop``.)"""
    from whoosh.query import SpanNear2

    bare_library.add_paths(seed_paths)
    expected = whoosh_ranked(bare_library, '"air base"', monkeypatch, limit=1)

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("Whoosh was asked to match the phrase itself")

    monkeypatch.setattr(SpanNear2, "matcher", refuse)
    searcher = bare_library.searcher()
    monkeypatch.setattr(type(searcher), "docs_for_query", refuse)
    got = ranked(bare_library, '"air base"', limit=1)
    assert got == expected and got[0] > 1  # exact total, more than the one hit shown


@pytest.mark.usefixtures("engine_only")
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
        library.add_paths([write_jsonl(bundle, lines)])
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
    for text in ('"troops stayed"', '"soldiers left base"', '"stayed base"~2', '"report 1"'):
        assert set_docs(library, text) == whoosh_docs(library, text)
        with monkeypatch.context() as patch:
            patch.setattr(docsets, "known_phrases", lambda _searcher, q: q)
            expected = ranked(library, text, limit=20)
        assert ranked(library, text, limit=20) == expected and expected[0] > 0
    # One word apart, or the wrong way round: both words in every article, no phrase.
    for text in ('"troops base"', '"base stayed"', '"stayed troops"'):
        assert library.search(text).total == 0
        assert set_docs(library, text) == whoosh_docs(library, text) == set()
    library.close()


def test_phrases_next_to_near_misses_rank_as_whoosh_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Repeated words, words in the wrong order, a word between, stop words
    between (they take no position), the phrase at the very start and end."""
    library = Library.open(tmp_path / "lib", seed=False, fact_extractor=lambda _a: [])
    bodies = [
        "New York Times.",
        "new new york times times",
        "York New Times; New York, and then Times",
        "the New York of the Times, new york city times",
        "times new york",
        "New York Times reported that the New York Times said it",
        "New and York and Times",
        "New Jersey York Times",
    ]
    lines = [{"id": n, "title": f"t{n}", "body": body} for n, body in enumerate(bodies)]
    library.add_paths([write_jsonl(tmp_path / "a.jsonl", lines)])
    for text in (
        '"new york times"',
        '"new york"',
        '"new new york"',
        '"york times"',
        '"times new york"',
        'body:"new york times"',
        '"york times"~2',
    ):
        mine = ranked(library, text)
        assert mine == whoosh_ranked(library, text, monkeypatch), text
        assert set_docs(library, text) == whoosh_docs(library, text), text
    assert ranked(library, '"new york times"')[0] == 5
    library.close()


def test_phrase_ranking_reads_each_length_column_once(
    bare_library: Library, seed_paths: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Scores need every hit's field length; none is looked up one by one."""
    from whoosh.codec.whoosh3 import W3PerDocReader

    bare_library.add_paths(seed_paths)
    expected = whoosh_ranked(bare_library, '"air base"', monkeypatch)
    assert expected[0] > 1

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("a field length was looked up one document at a time")

    monkeypatch.setattr(W3PerDocReader, "doc_field_length", refuse)
    assert ranked(bare_library, '"air base"') == expected


def test_posting_blocks_keep_positions_as_bytes(
    bare_library: Library, seed_paths: list[Path]
) -> None:
    """Blocks are pickled with protocol 4: Whoosh's protocol 2 writes each
    posting's positions as a call to ``_codecs.encode``, made again on every read."""
    from whoosh.codec.whoosh3 import W3LeafMatcher

    bare_library.add_paths(seed_paths)
    reader = bare_library.searcher().leaf_searchers()[0][0].reader()
    matcher = reader.postings("body", "troop")
    assert isinstance(matcher, W3LeafMatcher)
    block = matcher._postfile.get(matcher._dataoffset, matcher._nextoffset - matcher._dataoffset)
    assert block[:2] == b"\x80\x04" and b"_codecs" not in block


def test_a_phrase_reads_only_the_blocks_that_can_hold_a_candidate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A common word's postings span several blocks; next to a rare word only
    the blocks around the rare word's documents are read, with the same
    weights and positions, and the phrase is found as Whoosh finds it."""
    library = Library.open(tmp_path / "lib", seed=False, fact_extractor=lambda _a: [])
    bodies = [f"alpha filler{n} words" for n in range(600)]
    bodies[7] = "alpha beta at the start"
    bodies[555] = "near the end alpha beta"
    bodies[300] = "beta alone, then alpha"
    lines = [{"id": n, "title": f"t{n}", "body": body} for n, body in enumerate(bodies)]
    library.add_paths([write_jsonl(tmp_path / "a.jsonl", lines)])
    searcher = library.searcher()
    (leaf, _offset), *_ = searcher.leaf_searchers()
    reader = leaf.reader()
    whole = docsets._postings(reader, "body", b"alpha")
    rare = sorted(docsets._postings(reader, "body", b"beta"))
    assert len(rare) == 3
    read = docsets._postings(reader, "body", b"alpha", within=rare)
    assert len(whole) == 600 and len(read) < 600  # blocks without a candidate were skipped
    assert all(read[doc] == whole[doc] for doc in rare)
    assert set(read) <= set(whole)
    text = '"alpha beta"'
    assert ranked(library, text) == whoosh_ranked(library, text, monkeypatch)
    assert set_docs(library, text) == whoosh_docs(library, text)
    assert ranked(library, text)[0] == 2
    library.close()


@pytest.mark.usefixtures("engine_only")
def test_a_phrase_page_is_ranked_without_whooshs_collector(
    bare_library: Library, seed_paths: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A query made of phrases alone is ranked from the phrases' own scores:
    the same page, scores and ranks, to the last bit, as Whoosh's collector
    gives over the same matchers; anything else still goes to Whoosh."""
    from whoosh.searching import Searcher

    bare_library.add_paths(seed_paths)

    def page(text: str, number: int) -> tuple[int, list[tuple[str, float, int]]]:
        results = bare_library.search(text, limit=2, page=number)
        return results.total, [(hit.id, hit.score, hit.rank) for hit in results.hits]

    phrases = [
        '"air base"',
        'title:"air base" OR body:"air base"',
        'body:"us troops leaving"',
        '"air base" date:>2023-09-08',
    ]
    expected = {}
    with monkeypatch.context() as patch:
        patch.setattr(docsets, "rank_phrases", lambda *_args: None)
        for text in phrases:
            expected[text] = [page(text, 1), page(text, 2)]
    assert all(pages[0][0] > 2 for pages in list(expected.values())[:2])

    searched: list[object] = []
    real_search = Searcher.search_with_collector

    def recording(self: Searcher, q: object, *args: object, **kwargs: object) -> object:
        searched.append(q)
        return real_search(self, q, *args, **kwargs)

    monkeypatch.setattr(Searcher, "search_with_collector", recording)
    for text in phrases:
        assert [page(text, 1), page(text, 2)] == expected[text]
    assert searched == []
    bare_library.search('"air base" OR pentagon')
    assert len(searched) == 1
