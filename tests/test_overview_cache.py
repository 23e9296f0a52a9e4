"""Opening a library costs nothing proportional to it: the overview is made when
articles are added and kept in the store, facet counts are kept up to date as
articles come and go, and the opening listing comes from the ``day`` column."""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from fieldbrief.search import analytics as analytics_module
from fieldbrief.search import query as query_module
from fieldbrief.search.analytics import Analytics
from fieldbrief.search.facets import facet_terms
from fieldbrief.search.library import Library
from fieldbrief.search.model import Article, Fact


@pytest.fixture
def seeds_library(tmp_path: Path) -> Iterator[Library]:
    """The bundled samples with the real fact engine (each test changes its library)."""
    library = Library.open(tmp_path / "lib", seed=True)
    yield library
    library.close()


def live_facet_counts(library: Library) -> Counter[tuple[str, str]]:
    counts: Counter[tuple[str, str]] = Counter()
    for _article, facts in library.articles():
        counts.update(facet_terms(facts))
    return counts


def stored_facet_counts(library: Library) -> Counter[tuple[str, str]]:
    rows = library.store.db.execute(
        "SELECT field, term, articles FROM facet_counts WHERE articles > 0"
    ).fetchall()
    return Counter({(field, term): n for field, term, n in rows})


def people(names: list[str]) -> list[Fact]:
    return [Fact(kind="person", text=n, start=0, end=len(n)) for n in names]


def test_facet_counts_follow_adds_edits_and_the_index(
    tmp_path: Path, seeds_library: Library
) -> None:
    counts = stored_facet_counts(seeds_library)
    assert counts == live_facet_counts(seeds_library) and counts[("place_k", "Niger")] == 5
    # As many articles as the index says (no article has been replaced yet).
    searcher = seeds_library.searcher()
    for (field, term), n in counts.items():
        assert searcher.doc_frequency(field, term) == n
    assert dict(seeds_library.top_entities("place"))["Niger"] == 5

    story = tmp_path / "chad.txt"
    story.write_text("Chad talks\n\nUS troops in Chad began talks in N'Djamena.\n", "utf-8")
    seeds_library.add_paths([story])
    assert stored_facet_counts(seeds_library) == live_facet_counts(seeds_library)
    # An edit replaces the article: its old facts stop counting, its new ones count.
    story.write_text("Chad talks\n\nFrench troops in Niger began talks in Niamey.\n", "utf-8")
    seeds_library.add_paths([story])
    after = stored_facet_counts(seeds_library)
    assert after == live_facet_counts(seeds_library)
    assert (
        after[("place_k", "Niger")] == 6
        and after[("place_k", "Chad")] == counts[("place_k", "Chad")]
    )


def test_an_upgraded_library_gets_its_facet_counts(tmp_path: Path) -> None:
    from fieldbrief.search.store import facts_to_json

    root = tmp_path / "lib"
    with Library.open(root, seed=False, fact_extractor=lambda a: people(["Mohamed Bazoum"])) as lib:
        lib.add_articles(
            [Article(id=f"a{n:015d}", title=f"t{n}", body=f"Bazoum {n}.") for n in range(3)]
        )
    # As a version 3 library: no counts table (nor version 5's index), the facts
    # in the articles' JSON.
    db = sqlite3.connect(root / "library.sqlite3")
    db.executescript(
        "DROP TABLE facet_counts; DROP TABLE overview_parts; DROP INDEX articles_newest;"
        " UPDATE meta SET value = '3' WHERE key = 'schema_version';"
    )
    db.execute("UPDATE articles SET facts = ?", (facts_to_json(people(["Bazoum, Mohamed"])),))
    db.commit()
    db.close()
    with Library.open(root, create=False) as lib:
        assert lib.store.top_facets("person_k", 5) == [("Bazoum Mohamed", 3)]


def test_opening_reads_the_overview_the_add_made(
    tmp_path: Path, seeds_library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = seeds_library.overview()
    root = seeds_library.paths.root

    def refuse(*_args: object) -> None:
        raise AssertionError("the overview was computed again on opening")

    monkeypatch.setattr(Analytics, "overview_for", refuse)
    monkeypatch.setattr(Analytics, "_overview_from_index", refuse)
    with Library.open(root, create=False) as again:
        kept = again.overview()
    assert json.dumps(kept.to_json(), sort_keys=True) == json.dumps(made.to_json(), sort_keys=True)


def test_a_large_library_works_out_only_the_subjects_an_add_touched(
    tmp_path: Path, seeds_library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(analytics_module, "OVERVIEW_FULL_LIMIT", 2)
    seeds_library.analytics.forget()
    first = seeds_library.overview()
    troops = next(c for c in first.conflicts if c.subject == "US troops in Niger")
    subjects = [term for term, _ in seeds_library.store.top_facets("figure_k", 40)]
    assert len(subjects) > 1

    looked_up: list[str] = []
    real = Analytics._articles_reporting

    def counting(self: Analytics, key: str, limit: int) -> list:
        looked_up.append(key)
        return real(self, key, limit)

    monkeypatch.setattr(Analytics, "_articles_reporting", counting)
    story = tmp_path / "more.txt"
    story.write_text(
        "Drawdown\n\nAbout 1,300 US troops remain in Niger, the Pentagon said.\n", "utf-8"
    )
    seeds_library.add_paths([story])
    assert looked_up == ["US troops in Niger"]  # the one subject the new article reports
    now = seeds_library.overview()
    grown = next(c for c in now.conflicts if c.subject == "US troops in Niger")
    assert len(grown.claims) == len(troops.claims) + 1
    assert 1300 in {claim.value for claim in grown.claims}


@pytest.mark.usefixtures("engine_only")
def test_the_newest_first_listing_is_whoosh_s_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Same hits, order (ties by arrival), totals and pages, with deletions and date ranges."""
    library = Library.open(tmp_path / "lib", seed=False, fact_extractor=lambda _a: [])
    for batch in range(2):
        bundle = tmp_path / f"b{batch}.jsonl"
        lines = [
            {"id": n, "title": f"R{batch}-{n}", "date": f"2024-0{1 + n % 3}-0{1 + n % 2}",
             "body": f"Report {n}."}
            for n in range(40)
        ] + [{"id": 99, "title": f"Undated {batch}", "body": "No date."}]  # fmt: skip
        bundle.write_text("\n".join(json.dumps(line) for line in lines) + "\n", "utf-8")
        library.add_paths([bundle])
    edited = tmp_path / "b1.jsonl"
    edited.write_text(edited.read_text("utf-8").replace("Report", "Note"), "utf-8")
    library.add_paths([edited])
    assert any(leaf.reader().has_deletions() for leaf, _ in library.searcher().leaf_searchers())

    def listing(text: str, page: int) -> tuple[int, list[tuple[str, float]]]:
        results = library.search(text, limit=15, sort="date", page=page, count=False)
        return results.total, [(hit.id, hit.score) for hit in results.hits]

    for text in ("*", "date:[2024-02-01 to 2024-03-31]", "date:>2024-02"):
        for page in (1, 2, 6):
            mine = listing(text, page)
            with monkeypatch.context() as patch:
                patch.setattr(query_module, "_newest_first", lambda *_a: None)
                assert mine == listing(text, page), (text, page)
    assert listing("*", 1)[0] == 82
    library.close()


def test_facet_counts_roll_back_with_their_transaction(tmp_path: Path) -> None:
    from fieldbrief.search.store import Store

    store = Store(tmp_path / "s.sqlite3")
    first = Article(id="a" * 16, title="t", body="Bazoum.")
    with store.atomic() as db:
        store.put(db, first, people(["Bazoum"]))
    with pytest.raises(RuntimeError), store.atomic() as db:
        store.put(db, Article(id="b" * 16, title="t", body="x"), people(["Bazoum", "Tiani"]))
        raise RuntimeError("the add failed half-way")
    assert store.top_facets("person_k", 5) == [("Bazoum", 1)]
    with store.atomic() as db:
        with pytest.raises(RuntimeError), store.atomic() as inner:
            store.put(inner, Article(id="c" * 16, title="t", body="x"), people(["Tiani"]))
            raise RuntimeError("only this part is undone")
        store.put(db, Article(id="d" * 16, title="t", body="x"), people(["Bazoum"]))
    assert store.top_facets("person_k", 5) == [("Bazoum", 2)]
    store.close()
