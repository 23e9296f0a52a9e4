"""The direct search (plain words read from the index files, no Whoosh) against the engine's.

A synthetic library of 5,700 articles over a Zipf-distributed vocabulary, in
two segments, one with deleted documents, is large enough for Whoosh's
block skipping and for the matcher replacing that used to lose hits; its
large segment holds more than 5,000 documents, where Whoosh joins the
clauses of an OR in a tree rather than in an array.
"""

from __future__ import annotations

import itertools
import os
import pickle
import random
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from fieldbrief.search import direct, query, snippets
from fieldbrief.search.index import folders, manifest
from fieldbrief.search.index.direct import DirectIndex, Unreadable, _unpickle
from fieldbrief.search.library import Library
from fieldbrief.search.model import ENTITY_FIELD
from fieldbrief.search.query import run_search
from fieldbrief.search.results import SearchResults
from tests.conftest import no_facts, write_jsonl

_VOCABULARY = [
    stem + ending
    for stem in ("bar", "cor", "dal", "fen", "gar", "hol", "kel", "lam", "mor", "nes", "por")
    for ending in ("ak", "ed", "im", "on", "ust", "ax", "ep", "ir", "ol", "ub", "el", "ot")
]
_WEIGHTS = [1 / (rank + 1) for rank in range(len(_VOCABULARY))]


def _article(rng: random.Random, number: int, edition: str = "") -> dict[str, object]:
    words = rng.choices(_VOCABULARY, _WEIGHTS, k=rng.choice([15, 40, 80, 200, 400]))
    title = rng.choices(_VOCABULARY, _WEIGHTS, k=rng.randint(2, 7))
    tags = random.Random(number).sample(_TAGS, number % 3)  # apart: the rest stays as it was
    return {
        "id": f"synthetic-{number}",
        "title": " ".join(title).capitalize(),
        "date": f"2024-01-{1 + number % 28:02d}",
        "source": "Synthetic",
        "body": " ".join(words).capitalize() + "." + edition,
        "tags": tags,
    }


_TAGS = ["Energy", "grain", "metals", "west africa", "shipping"]


@pytest.fixture(scope="module")
def synthetic_home(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A home (its seal's key) and a library in it: added in two parts, rebuilt
    (one segment of 5,700), then 40 articles edited and added again (their old
    documents deleted, the new ones in a segment of their own)."""
    home = tmp_path_factory.mktemp("home")
    folder = tmp_path_factory.mktemp("synthetic")
    rng = random.Random(7)
    first = [_article(rng, n) for n in range(5000)]
    second = [_article(rng, n) for n in range(5000, 5700)]
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("FIELDBRIEF_HOME", str(home))
        with Library.open(folder / "lib", seed=False, fact_extractor=no_facts) as library:
            library.add_paths([write_jsonl(folder / "first.jsonl", first)])
            library.add_paths([write_jsonl(folder / "second.jsonl", second)])
            library.rebuild(procs=1)
            first[:40] = [dict(row, body=f"{row['body']} Revised.") for row in first[:40]]
            report = library.add_paths([write_jsonl(folder / "first.jsonl", first)])
            assert report.updated == 40
    return home, folder / "lib"


@pytest.fixture
def synthetic(
    synthetic_home: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[Path, Library]]:
    home, path = synthetic_home
    monkeypatch.setenv("FIELDBRIEF_HOME", str(home))
    with Library.open(path, create=False, fact_extractor=no_facts) as library:
        yield path, library


def _engine(library: Library, text: str, **kwargs: Any) -> SearchResults:
    """The page of the Whoosh engine itself (``Library.search`` asks the direct
    search first)."""
    with library.index.reading() as searcher:
        return run_search(searcher, text, expand=library.analytics.expand_aliases, **kwargs)


def _pairs() -> list[str]:
    return [f"{a} {b}" for a, b in itertools.combinations(_VOCABULARY[4:60:3], 2)][:60]


def _without_time(results: Any) -> dict[str, Any]:
    """What a search gives, but for the time it took: the JSON, and the stems
    and phrases the app highlights."""
    data: dict[str, Any] = results.to_json()
    data.pop("took_ms")
    data["terms"], data["phrases"] = results.terms, results.phrases
    return data


def test_the_synthetic_library_has_segments_and_deletions(
    synthetic: tuple[Path, Library],
) -> None:
    path, _library = synthetic
    folder = folders.current_dir(path)
    assert folder is not None
    with DirectIndex(folder, manifest.verify(folder)) as index:
        assert len(index.segments) >= 2
        # One segment where Whoosh joins an OR's clauses in a tree, others in an array.
        sizes = sorted(segment.doc_count_all for segment in index.segments)
        assert sizes[0] <= direct.ARRAY_UNION_DOCS < sizes[-1]
        assert sum(len(segment.deleted) for segment in index.segments) == 40


def test_a_page_is_the_best_of_every_match(
    synthetic: tuple[Path, Library], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The engine's page of 10 is the first 10 of every match ranked; Whoosh's
    collector replacing its matchers mid-search got some of these pages wrong."""
    _path, library = synthetic

    def best(text: str) -> list[tuple[str, float]]:
        return [(hit.id, hit.score) for hit in _engine(library, text, limit=10).hits]

    every = {text: _engine(library, text, limit=2000) for text in _pairs()}
    assert all(results.total > 10 for results in every.values())
    expected = {
        text: [(h.id, h.score) for h in results.hits[:10]] for text, results in every.items()
    }
    assert {text: best(text) for text in expected} == expected

    def replacing(searcher: Any, q: Any, **kwargs: Any) -> Any:
        return searcher.search(q, **kwargs)  # Whoosh's own collector, as before

    monkeypatch.setattr(query, "_ranked", replacing)
    assert sum(best(text) != page for text, page in expected.items()) >= 3


@pytest.mark.parametrize("limit,page", [(10, 1), (7, 3), (20, 2)])
def test_direct_search_gives_the_engines_page(
    synthetic: tuple[Path, Library], limit: int, page: int
) -> None:
    path, library = synthetic
    words = [_VOCABULARY[i] for i in (0, 3, 10, 25, 60, 100, 131)]
    rng = random.Random(limit)
    longer = [" ".join(rng.sample(_VOCABULARY[:40], rng.randint(3, 5))) for _ in range(30)]
    phrases = [f'"{pair}"' for pair in _pairs()[::3]] + [f'"{_VOCABULARY[0]} {_VOCABULARY[1]}"']
    dated = [
        f"{words[1]} date:[2024-01-05 to 2024-01-20]",
        f"{words[2]} {words[3]} date:>2024-01-10 date:<=2024-01-25",
        f"date:2024-01 {words[0]}",
        f"{phrases[0]} date:<2024-01-15",
    ]
    either = [
        f"{words[0]} OR {words[4]}",
        f"{words[1]} OR {words[2]} OR {words[6]}",
        f"{words[3]} OR {words[5]} {words[1]}",
        f"{words[2]} {words[4]} OR {words[6]} OR {words[0]} {words[5]}",
        *(" OR ".join(rng.sample(_VOCABULARY[:60], rng.randint(2, 5))) for _ in range(40)),
    ]
    either = [text for text in either if len(text.split()) == len(set(text.split()))]
    texts = [
        *words,
        *_pairs()[::7],
        *longer,
        " ".join(words[2:6]).upper(),
        *phrases,
        *dated,
        *either,
    ]
    answered = 0
    for text in texts:
        found = direct.search(path, text, limit=limit, page=page)
        engine = _engine(library, text, limit=limit, page=page)
        assert found is not None, text
        answered += text.startswith('"') and engine.total > 0
        assert _without_time(found) == _without_time(engine)
        # To the last bit: the words' scores added in the order Whoosh adds them.
        assert [hit.score for hit in found.hits] == [hit.score for hit in engine.hits], text
    assert answered >= 5  # phrases found, not only declined


def test_direct_search_on_the_seeds(bare_library: Library, seed_paths: list[Path]) -> None:
    bare_library.add_paths(seed_paths)
    texts = ("niger", "troops", "troops leaving", "Agadez base", "drone", "Pentagon said")
    boolean = ("troops NOT drone", "title:junta", "troops AND (drone OR base) NOT Agadez")
    boolean += ('"air base" troops', 'troops NOT "air base"', '"air base" Niger "troops leaving"')
    for text in (
        *texts,
        *boolean,
        '"air base"',
        '"troops leaving"',
        '"Agadez base"',
        "troops date:>2023-09",
        "troops date:[september 2023 to now]",
        'troops date:"may 2024"',
    ):
        found = direct.search(bare_library.paths.root, text, limit=3)
        engine = _engine(bare_library, text, limit=3)
        assert found is not None and _without_time(found) == _without_time(engine), text
        assert not engine.total or (found.hits[0].snippet and found.hits[0].highlights)


@pytest.mark.parametrize(
    "text",
    [
        "zzyzx",
        "Agadex",  # one letter off a word the seeds have
        "withdrawl NOT niamey",  # a stem's word shown, not the stem
        "NIGR troops",  # upper case kept
        '"air bace"',  # in a phrase
        "title:junta AND withdrawl",  # a field's word is left as typed
        "troops date:2019",  # no article of that year: the engine searches nothing
        "troops date:[2023-09-09 to 2023-09-10]",  # articles then, none with the word
        "person:bazoum troops",  # a name and its other spellings (none in a bare library)
        "sahel* AND zzyzx",
        "bazom~ AND zzyzx",
    ],
)
def test_no_hits_suggest_what_the_engine_suggests(
    bare_library: Library, seed_paths: list[Path], text: str
) -> None:
    """A search with no hits is answered here too, with the engine's "did you
    mean" (:mod:`.spelling`, over the index files): the same results, the
    same suggestion."""
    bare_library.add_paths(seed_paths)
    found = direct.search(bare_library.paths.root, text)
    engine = _engine(bare_library, text)
    assert engine.total == 0 and found is not None
    assert _without_time(found) == _without_time(engine), text


@pytest.mark.parametrize(
    "text,sort",
    [
        ('"air base" OR troops', "relevance"),  # an OR of a phrase and a word
        ('("air base") troops', "relevance"),  # a phrase in parentheses
        ('troops"air base"', "relevance"),  # a phrase glued to a word
        ('"us troops"', "relevance"),  # a stop word in a phrase
        ('"base"', "relevance"),  # a phrase of one word
        ('"air base', "relevance"),
        ("troops OR soldiers AND drone", "relevance"),  # troops OR (soldiers AND drone)
        ("troops NOT drone OR base", "relevance"),  # troops AND ((NOT drone) OR base)
        ("troops (drone base)", "relevance"),  # an AND in parentheses
        ("NOT drone", "relevance"),  # nothing to find, only to leave out
        ("troops NOT date:2023", "relevance"),
        ("troops src:reuters", "relevance"),  # an alias of a field
        ("troops OR", "relevance"),
        ("OR troops", "relevance"),
        ("troops OR OR drone", "relevance"),
        ("troops or", "relevance"),  # "or" in lower case is a stop word
        ("troops date:2023 OR drone", "relevance"),  # troops AND (2023 OR drone)
        ("troops OR date:2023 drone", "relevance"),
        ('"date:>2023 troops leaving"', "relevance"),  # a date inside a phrase
        ("troops id:fieldbrief-date-0", "relevance"),  # typed, not a date's stand-in
        ("REQUIRE troops", "relevance"),  # an operator too
        ("title:junta OR troops AND drone", "relevance"),
        ("with*al", "relevance"),  # a wildcard inside a word
        ("withdr* OR drone", "relevance"),  # a prefix joined by OR
        ("t* troops", "relevance"),  # a prefix of one letter (and hundreds of words)
        ("bazom~2/0", "relevance"),  # a fuzzy word compared with every term
        ("bazom~ OR drone", "relevance"),
        ("the troops", "relevance"),  # a stop word: Whoosh's parser drops it
        ("troops troop", "relevance"),  # one stem twice
        ("U.S. troops", "relevance"),
        ("troops date:[september 2023 to today]", "relevance"),  # Whoosh's date grammar
        ("date:2023", "relevance"),  # a date alone: the newest first, by the engine
        ("troops", "newest"),  # a sort the engine does not know: its answer (an error)
        ("", "relevance"),
    ],
)
def test_the_rest_is_left_to_the_engine(
    bare_library: Library, seed_paths: list[Path], text: str, sort: str
) -> None:
    bare_library.add_paths(seed_paths)
    assert direct.search(bare_library.paths.root, text, sort=sort) is None


def test_a_library_needing_repair_is_left_to_the_engine(
    bare_library: Library, seed_paths: list[Path], tmp_path: Path
) -> None:
    root = bare_library.paths.root
    assert direct.search(tmp_path / "nowhere", "troops") is None
    bare_library.add_paths(seed_paths)
    assert direct.search(root, "troops") is not None
    # Articles stored but not yet indexed (a killed add): opening resumes it.
    bare_library.store.db.execute("UPDATE articles SET indexed = 0 WHERE rowid = 1")
    bare_library.store.db.commit()
    assert direct.search(root, "troops") is None
    bare_library.sync_index()
    assert direct.search(root, "troops") is not None
    # A changed index file: the seal no longer holds, and nothing is read.
    folder = bare_library.current_index_dir()
    assert folder is not None
    segment = next(folder.glob("*.seg"))
    segment.write_bytes(segment.read_bytes() + b"\0")
    assert direct.search(root, "troops") is None


def test_the_table_of_contents_unpickler_knows_only_its_types() -> None:
    with pytest.raises(Unreadable, match=r"posix\.system"):
        _unpickle(pickle.dumps(os.system))
    assert _unpickle(pickle.dumps({"fieldmap": {"body": 1}}, 2)) == {"fieldmap": {"body": 1}}


def test_whooshs_constants_as_copied() -> None:
    from whoosh.analysis import STOP_WORDS
    from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC
    from whoosh.index import _CURRENT_TOC_VERSION, TOC
    from whoosh.util.numeric import byte_to_length

    from fieldbrief.search.index.direct import BYTE_LENGTH, TOC_VERSION
    from fieldbrief.search.index.postings import W3_POSTINGS_MAGIC

    assert snippets.STOP_WORDS == STOP_WORDS
    assert list(BYTE_LENGTH) == [byte_to_length(b) for b in range(256)]
    assert W3_POSTINGS_MAGIC == WHOOSH3_HEADER_MAGIC
    assert TOC_VERSION == _CURRENT_TOC_VERSION
    assert manifest.TOC_NAME.pattern == TOC._pattern("MAIN").pattern


def test_typed_dates_are_read_as_the_engine_reads_them(
    bare_library: Library, seed_paths: list[Path]
) -> None:
    """Every date form the engine's own tests know: the direct search answers
    with the engine's page or leaves the query to it, never another page."""
    from tests.test_query_limits import DATED

    bare_library.add_paths(seed_paths)
    answered = 0
    for text in DATED:
        found = direct.search(bare_library.paths.root, text, limit=3)
        if found is not None:
            answered += 1
            assert _without_time(found) == _without_time(_engine(bare_library, text, limit=3))
    assert answered >= 2  # words or a phrase with a range: the rest are dates alone or operators


def test_or_scores_add_as_whoosh_adds_them(synthetic: tuple[Path, Library]) -> None:
    """An OR of several words: the clauses' scores added in Whoosh's order (an
    array in a small segment, a tree by size in a large one), to the last bit."""
    path, library = synthetic
    rng = random.Random(11)
    for _ in range(12):
        text = " OR ".join(rng.sample(_VOCABULARY[:30], rng.randint(3, 5)))
        for page in (1, 2, 3):
            found = direct.search(path, text, limit=50, page=page)
            engine = _engine(library, text, limit=50, page=page)
            assert found is not None, text
            assert [(h.id, h.score) for h in found.hits] == [(h.id, h.score) for h in engine.hits]


def test_the_library_keeps_the_index_open_until_it_changes(
    bare_library: Library, seed_paths: list[Path]
) -> None:
    bare_library.add_paths(seed_paths[:2])
    first = bare_library.search("troops")
    kept = bare_library._direct
    assert kept is not None and first.total == _engine(bare_library, "troops").total
    assert bare_library.search("troops").total == first.total and bare_library._direct is kept
    bare_library.add_paths(seed_paths[2:])  # a commit: sealed again, opened again
    after = bare_library.search("troops")
    assert bare_library._direct is not kept
    assert after.total == _engine(bare_library, "troops").total > first.total


def test_parsing_declines_what_the_engine_reads_otherwise() -> None:
    """Unit checks of :func:`direct.parse` where the direct search once disagreed
    with the engine (an audit in tmux and with fuzzed queries found them)."""
    words = [f"{stem}{ending}" for stem in ("kel", "mor", "nes") for ending in "abcdefghijkl"]
    assert direct.parse(" OR ".join(words[:20])) is not None
    assert direct.parse(" OR ".join(words[:33])) is None  # 65 words: the engine cuts at 64
    assert direct.parse("oil" + " " * 995 + "prices") is None  # past 1,000 characters
    assert direct.parse("date:>2000 " * 63 + "oil prices") is None
    assert direct.parse("(" * 3 + "oil OR gas" + ")" * 3) is not None
    assert direct.parse("(" * 490 + "oil") is None  # found by an audit: a RecursionError
    assert direct.parse("(" * 494 + "oil OR gas" + ")" * 494) is None
    parsed = direct.parse("oil prices date:2017")
    assert parsed is not None and parsed.days
    assert [[c.text for c in group.clauses] for group in parsed.groups] == [
        ["oil", "oil"],
        ["price", "price"],
    ]
    assert direct.parse("oil gas OR coal date:1987") is not None
    for text in (
        "oil date:2017 OR gas",
        "oil OR date:2017 gas",
        '"date:>2017-06 oil prices"',
        '"oil date:2017 prices"',
        "oil id:fieldbrief-date-0",
        "oil REQUIRE gas",
    ):
        assert direct.parse(text) is None, text


def _engine_groups(text: str) -> tuple[list[direct.Group], tuple[int, int] | None] | None:
    """What the engine searches for ``text``, in the direct search's terms: the
    groups of its top-level AND and the days its date ranges allow (None if
    it reads the text otherwise: a fallback, another kind of query)."""
    from whoosh import query as wq

    from fieldbrief.search.datefilter import day_span
    from fieldbrief.search.index.schema import schema

    parsed, fallback = query._parse_text(query._parser_for(schema(), text), text, None)
    if parsed is None or fallback:
        return None
    parts = list(parsed.subqueries) if isinstance(parsed, wq.And) else [parsed]
    groups: list[direct.Group] = []
    days: tuple[int, int] | None = None
    for part in parts:
        span = day_span(part)
        if span is not None:
            days = span if days is None else (max(days[0], span[0]), min(days[1], span[1]))
            continue
        excluded = isinstance(part, wq.Not)
        inner = part.query if excluded else part
        terms = list(inner.subqueries) if isinstance(inner, wq.Or) else [inner]
        if all(isinstance(term, wq.FuzzyTerm) for term in terms):
            distances = {(t.maxdist, t.prefixlength) for t in terms}
            if len(distances) != 1 or next(iter(distances))[1] != 1:
                return None
            clauses = tuple(direct.Clause(t.fieldname, query._text(t.text)) for t in terms)
            groups.append(direct.Group(clauses, excluded, fuzzy=int(terms[0].maxdist)))
            continue
        if all(type(term) is wq.Prefix for term in terms):
            clauses = tuple(direct.Clause(t.fieldname, query._text(t.text)) for t in terms)
            groups.append(direct.Group(clauses, excluded, prefix=True))
            continue
        if all(type(term) is wq.Phrase and term.slop == 1 for term in terms):
            fields = tuple(term.fieldname for term in terms)
            words = {tuple(query._text(w) for w in term.words) for term in terms}
            if len(words) != 1 or (len(fields) > 1 and fields != direct.SEARCHED_FIELDS):
                return None
            groups.append(direct.Group((), excluded, words.pop(), fields))
            continue
        if not all(type(term) is wq.Term for term in terms):
            return None
        clauses = tuple(direct.Clause(t.fieldname, query._text(t.text)) for t in terms)
        groups.append(direct.Group(clauses, excluded))
    return groups, days


def _direct_groups(parsed: direct.Parsed) -> tuple[list[direct.Group], tuple[int, int] | None]:
    days = None
    for lo, hi in parsed.days:
        days = (lo, hi) if days is None else (max(days[0], lo), min(days[1], hi))
    return parsed.groups, days


_TOKENS = (
    ["oil", "gas", "coal", "prices", "Wheat", "exports", "2017", "troops"] * 3
    + ["title:opec", "title:Bank", "body:rates", "source:reuters", "source:BBC", "tag:oil"]
    + ["person:bush", "src:bbc", "title:the", "the", "a", "x", "oil-gas", "U.S."]
    + ["AND", "OR", "NOT"] * 4
    + ["ANDNOT", "and", "or", "not", "(", ")", "(", ")"]
    + ["date:2017", "date:>2016-03", "date:[1987 to 1988]", '"oil', 'prices"', "oil~", "oil*"]
    + ['"interest rates"', '"air base"', '"the oil"', '"coal"', '"U.S. troops"', '"oil OR gas"']
    + ["export*", "Exporting*", "title:bank*", "source:reu*", "tag:en*", "t*", "ex*rt", "oil**"]
    + ["oil~", "Exporting~", "gass~2", "oil~2/0", "oil~3", "title:oil~", "the~", "oil~1", "x~"]
    + ['title:"oil prices"', 'org:"world bank"', 'place:"new york"', 'person:"john smith"']
    + ['source:"reuters news"', 'body:"the oil"', 'title:"oil"', 'org:"bank of england"']
)


def test_queries_are_read_as_the_engines_parser_reads_them() -> None:
    """Every query the direct search answers is, to the engine, the same AND
    of the same groups (same clauses, same order, the same NOTs) and the same
    dates: over thousands of queries made of words, fields, operators,
    parentheses and dates; and a good share of them are answered."""
    rng = random.Random(5)
    answered = 0
    texts = [
        "oil NOT gas",
        "oil AND NOT gas",
        "NOT gas oil",
        "(wheat OR corn) AND export",
        "oil NOT (gas OR coal) prices",
        "title:opec prices",
        "source:reuters AND yen",
        "title:oil OR gas",
        "oil AND gas date:2017 NOT coal",
    ]
    for _ in range(6000):
        tokens = rng.choices(_TOKENS, k=rng.randint(1, 7))
        # Parentheses glued to words as often as apart.
        text = " ".join(tokens)
        if rng.random() < 0.5:
            text = text.replace("( ", "(").replace(" )", ")")
        texts.append(text)
    for text in texts:
        parsed = direct.parse(text)
        if parsed is None:
            continue
        answered += 1
        assert _engine_groups(text) == _direct_groups(parsed), text
    assert answered >= 600


_KINDS = ["word", "word", "title", "body", "either", "not", "not either"]
_KINDS += ["phrase", "not phrase", "tag", "not tag", "prefix", "not prefix", "title prefix"]
_KINDS += ["fuzzy", "not fuzzy", "fuzzy 2", "title phrase"]


def _boolean_query(rng: random.Random) -> str:
    """Words, fields, ORs in parentheses and NOTs, joined by spaces or AND."""
    words = iter(rng.sample(_VOCABULARY[:50], 20))
    tags = iter(rng.sample(["energy", "Grain", "metals", "shipping"], 4))
    used: set[str] = set()  # prefixes: the same one twice is one term to Whoosh
    items = []
    for _ in range(rng.randint(1, 4)):
        kind = rng.choice(_KINDS)
        if kind.endswith("tag"):
            unit = f"tag:{next(tags)}"
        elif kind.startswith(("fuzzy", "not fuzzy")):
            word = next(words)  # misspelt: two letters swapped
            unit = word[0] + word[2] + word[1] + word[3:] + ("~2" if kind.endswith("2") else "~")
        elif kind.endswith("prefix"):
            # Three letters: a handful of words, some in one segment only.
            head = next(words)[:3]
            unit = ("title:" if kind.startswith("title") else "") + head + "*"
            if head in used:
                unit = next(words)
            used.add(head)
        elif kind.endswith("phrase"):
            field = "title:" if kind.startswith("title") else ""
            unit = f'{field}"{next(words)} {next(words)}"'
        elif kind in ("either", "not either"):
            unit = "(" + " OR ".join(next(words) for _ in range(rng.randint(2, 3))) + ")"
        elif kind in ("title", "body"):
            unit = f"{kind}:{next(words)}"
        else:
            unit = next(words)
        items.append(f"NOT {unit}" if kind.startswith("not") else unit)
    items.insert(0, rng.choice([next(words), "source:synthetic", "title:" + next(words)]))
    return rng.choice([" ", " AND "]).join(items)


def test_boolean_queries_score_as_the_engine_scores_them(synthetic: tuple[Path, Library]) -> None:
    """NOT (a score of 1.0 added in the AND's tree, as Whoosh's inverse matcher
    adds it), AND, parentheses, fields and phrases: the engine's pages, to the
    last bit; by relevance and newest first (the engine sorts by day, then
    score: the synthetic library has 28 days, so most ties go to the score)."""
    path, library = synthetic
    rng = random.Random(23)
    answered = 0
    for _ in range(120):
        text = _boolean_query(rng)
        assert direct.parse(text) is not None, text
        limit, page = rng.choice([(10, 1), (7, 3), (50, 1)])
        sort = rng.choice(["relevance", "date"])
        found = direct.search(path, text, limit=limit, page=page, sort=sort)
        engine = _engine(library, text, limit=limit, page=page, sort=sort)
        answered += engine.total > 0
        assert found is not None, text
        assert _without_time(found) == _without_time(engine), text
        assert [hit.score for hit in found.hits] == [hit.score for hit in engine.hits], text
    assert answered >= 60


def test_each_part_is_estimated_as_whoosh_estimates_it(synthetic: tuple[Path, Library]) -> None:
    """The weights that shape an AND's tree of matchers (and so the order its
    scores are added in): each part's size as Whoosh's ``estimate_size`` gives
    it in each segment, for words, ORs, fields, phrases and NOTs."""
    from whoosh import query as wq

    from fieldbrief.search.index.schema import schema

    path, library = synthetic
    folder = folders.current_dir(path)
    assert folder is not None
    rng = random.Random(29)
    texts = [_boolean_query(rng) for _ in range(40)]
    compared = 0
    with DirectIndex(folder, manifest.verify(folder)) as index, library.index.reading() as searcher:
        leaves = [leaf.reader() for leaf, _offset in searcher.leaf_searchers()]
        assert [r.doc_count_all() for r in leaves] == [s.doc_count_all for s in index.segments]
        for text in texts:
            parsed = direct.parse(text)
            assert parsed is not None, text
            engine, _ = query._parse_text(query._parser_for(schema(), text), text, None)
            parts = list(engine.subqueries) if isinstance(engine, wq.And) else [engine]
            assert len(parts) == len(parsed.groups), text
            for reader, segment in zip(leaves, index.segments, strict=True):
                expected = [part.estimate_size(reader) for part in parts]
                assert [direct.estimate(segment, g) for g in parsed.groups] == expected, text
                compared += len(parts)
    assert compared >= 200


def test_entity_words_as_the_engine_finds_them_in_a_new_process(library_path: Path) -> None:
    """``person:``/``org:``/``place:`` words: the engine's page as a new process
    gives it (no overview made, so no other names but a person's spellings,
    which stay the engine's); a library that made its overview keeps them
    all for the engine."""
    with Library.open(library_path, create=False) as fresh:
        assert fresh.analytics.cached_overview() is None
        names = [
            (field, name.split()[-1].lower())
            for kind, field in ENTITY_FIELD.items()
            for name, _count in fresh.analytics.top_entities(kind, 6)
        ]
        texts = [f"{field}:{word}" for field, word in names if word.isalnum() and len(word) > 2]
        texts += [
            f'{field}:"{name}"'
            for kind, field in ENTITY_FIELD.items()
            if field != "person"
            for name, _count in fresh.analytics.top_entities(kind, 10)
            if len(name.split()) > 1 and all(w.isalnum() for w in name.split())
        ]
        texts += [f"{text} troops" for text in texts[:4]] + [f"{texts[0]} NOT {texts[-1]}"]
        answered = 0
        for text in texts:
            found = direct.search(library_path, text, limit=5)
            engine = _engine(fresh, text, limit=5)
            if found is None:
                assert not engine.total or text.startswith("person:"), text
                continue
            answered += 1
            assert _without_time(found) == _without_time(engine), text
        assert answered >= 6
        fresh.overview()  # made: an entity's other names from it are the engine's

        def refused(*_args: object, **_kwargs: object) -> None:
            raise AssertionError("answered directly")

        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(direct, "search_in", refused)
            assert fresh.search(texts[0]).total == _engine(fresh, texts[0]).total


def test_other_spellings_are_found_as_whoosh_finds_them(
    bare_library: Library, tmp_path: Path
) -> None:
    """A person's other spellings (``Analytics.expand_aliases``): Whoosh's
    ``terms_within``, in its order, for an index of one segment (an automaton:
    a swapped pair is two edits) and of two (a distance: one edit)."""
    words = "market makret marekt markets marker mraket mark maket barket"
    rows = [{"id": "a", "title": "Words", "body": words, "date": "2024-01-01"}]
    bare_library.add_paths([write_jsonl(tmp_path / "a.jsonl", rows)])

    def both(word: str) -> tuple[list[str], list[str], int]:
        folder = bare_library.current_index_dir()
        assert folder is not None
        with DirectIndex(folder, manifest.verify(folder)) as index:
            group = direct.Group((direct.Clause("body", word),), spelled=True)
            found = [c.text for c in direct._with_spellings(index, group).clauses[1:]]
            segments = len(index.segments)
        with bare_library.index.reading() as searcher:
            expected = [
                query._text(t)
                for t in searcher.reader().terms_within("body", word, 1, prefix=1)
                if query._text(t) != word
            ]
        return found, expected, segments

    found, expected, segments = both("market")
    assert segments == 1 and found == expected and "marekt" not in found  # two edits
    rows = [{"id": "b", "title": "More", "body": "markt", "date": "2024-01-02"}]
    bare_library.add_paths([write_jsonl(tmp_path / "b.jsonl", rows)])
    found, expected, segments = both("market")
    assert segments == 2 and found == expected and "marekt" in found  # one swap


def _near_pair(rng: random.Random, letters: str, edits: int, longest: int = 7) -> tuple[str, str]:
    """A random word and the word after up to ``edits`` random edits."""
    word = "".join(rng.choices(letters, k=rng.randint(0, longest)))
    other = list(word)
    for _ in range(rng.randint(0, edits)):
        at = rng.randint(0, len(other))
        edit = rng.choice(["change", "add", "drop", "swap"])
        if edit == "add":
            other.insert(at, rng.choice(letters))
        elif other and at < len(other) and edit == "change":
            other[at] = rng.choice(letters)
        elif other and at < len(other) and edit == "drop":
            del other[at]
        elif at + 1 < len(other):
            other[at], other[at + 1] = other[at + 1], other[at]
    return word, "".join(other)


def test_one_edit_is_rapidfuzzs_distance_up_to_one() -> None:
    """The default fuzzy word (``word~``) and a person's other spellings are
    matched without importing RapidFuzz; the same distances (optimal string
    alignment, Levenshtein), capped at 2, over random near pairs."""
    from rapidfuzz.distance import OSA, Levenshtein

    from fieldbrief.search.nearest import one_edit

    rng = random.Random(3)
    for _ in range(20_000):
        word, typed = _near_pair(rng, "abcde", 2, longest=6)
        assert one_edit(word, typed) == min(OSA.distance(word, typed), 2), (word, typed)
        assert one_edit(word, typed, swaps=False) == min(Levenshtein.distance(word, typed), 2)


def test_two_edits_and_the_full_distance_are_rapidfuzzs() -> None:
    """``word~2`` and a suggestion measure two edits without importing
    RapidFuzz (about 17 ms of a cold search), and a suggestion's endings are
    ranked by the full distance: both equal to RapidFuzz's optimal string
    alignment (the first capped at 3) over random near and far pairs."""
    from rapidfuzz.distance import OSA

    from fieldbrief.search.nearest import osa_distance, two_edits

    rng = random.Random(5)
    seen = set()
    for _ in range(30_000):
        word, typed = _near_pair(rng, "abcd", 4)
        expected = OSA.distance(word, typed)
        assert two_edits(word, typed) == min(expected, 3), (word, typed)
        assert osa_distance(word, typed) == expected, (word, typed)
        seen.add(min(expected, 3))
    assert seen == {0, 1, 2, 3}


def test_two_edits_list_what_rapidfuzz_lists_in_its_order(monkeypatch: pytest.MonkeyPatch) -> None:
    """The terms within two edits, measured here and by RapidFuzz (in a
    process that has imported it, or among more than TWO_EDITS_HERE
    candidates): the same terms in the same order, ties included."""
    from fieldbrief.search import nearest

    rng = random.Random(11)
    for _ in range(300):
        choices = sorted({_near_pair(rng, "abc", 3)[1] for _ in range(60)})
        form = "".join(rng.choices("abc", k=rng.randint(1, 6)))
        monkeypatch.delitem(sys.modules, "rapidfuzz", raising=False)
        here = nearest._within(form, choices, 2)
        import rapidfuzz  # noqa: F401  # now imported: RapidFuzz measures

        assert nearest._within(form, choices, 2) == here, (form, choices)
    monkeypatch.setattr(nearest, "TWO_EDITS_HERE", 0)
    monkeypatch.delitem(sys.modules, "rapidfuzz", raising=False)
    found = nearest._within("ab", ["ab", "abc", "ba", "b", "cc"], 2)
    assert found == [("ab", 0), ("abc", 1), ("ba", 1), ("b", 1), ("cc", 2)]
    assert "rapidfuzz" in sys.modules  # more candidates than it measures here: RapidFuzz did


def test_a_term_table_read_in_order_refuses_what_it_cannot_read(
    bare_library: Library, seed_paths: list[Path]
) -> None:
    """Listing terms in order (prefixes, fuzzy words) raises :class:`Unreadable`,
    which makes the direct search step aside, at a record cut short, never a
    struct error or a loop that does not advance."""
    bare_library.add_paths(seed_paths[:1])
    folder = bare_library.current_index_dir()
    assert folder is not None
    with DirectIndex(folder, manifest.verify(folder)) as index:
        terms = index.segments[0].terms
        first = terms._first_at_or_after(b"")
        assert first is not None and terms.expand("body", "a", 10)
        terms._expanded.clear()
        terms._end_of_records = first + 4
        with pytest.raises(Unreadable, match="cut short"):
            terms.expand("body", "", 10)
