"""The library with the real fact engine: entity filters, counts, conflicts."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from fieldbrief.search.library import Library

from .conftest import write_jsonl


@pytest.fixture(scope="module")
def seeds_library(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Library]:
    root = tmp_path_factory.mktemp("seedlib")
    patch = pytest.MonkeyPatch()
    patch.setenv("FIELDBRIEF_HOME", str(root / "home"))
    # The default library, opened for the first time: the one that gets the seeds.
    library = Library.open()
    yield library
    library.close()
    patch.undo()


def ids_for(library: Library, query: str) -> set[str]:
    return {hit.id for hit in library.search(query, limit=50).hits}


def test_first_open_ingests_the_bundled_seeds(seeds_library: Library) -> None:
    assert seeds_library.store.count() == 5
    assert seeds_library.search("agadez").total == 5


def test_entity_filters(seeds_library: Library) -> None:
    assert len(ids_for(seeds_library, "place:Agadez")) >= 4
    assert len(ids_for(seeds_library, "org:Pentagon")) >= 4
    assert len(ids_for(seeds_library, 'person:"Sabrina Singh"')) == 2
    # The misspelt "Mohamed Barzoum" of article 004 is the same person.
    bazoum = ids_for(seeds_library, "person:Bazoum")
    assert len(bazoum) == 4
    barzoum_article = next(a for a, _ in seeds_library.articles() if "Barzoum" in a.body)
    assert barzoum_article.id in bazoum


def test_a_quoted_full_name_finds_every_spelling(seeds_library: Library) -> None:
    # As a fresh `fieldbrief search` sees it: no overview built in this process.
    seeds_library.analytics.forget()
    found = ids_for(seeds_library, 'person:"Mohamed Bazoum"')
    barzoum_article = next(a for a, _ in seeds_library.articles() if "Barzoum" in a.body)
    assert barzoum_article.id in found and len(found) == 4
    assert ids_for(seeds_library, 'person:"Mohamed Barzoum"') == found
    # The articles `facts` gives him, and the same once the overview is built.
    entity = seeds_library.overview().find("person", "Mohamed Bazoum")
    assert entity is not None and set(entity.article_ids) == found
    assert ids_for(seeds_library, 'person:"Mohamed Bazoum"') == found


def _niger_library(tmp_path: Path, *extra: tuple[str, str]) -> Library:

    stories = [
        ("Niger coup", "President Mohamed Bazoum was ousted by the army in July."),
        ("Detention", "Ousted president Bazoum remains detained. Mr. Bazoum refused to resign."),
        ("Troops", "The Pentagon said 1,000 US troops would leave Niger by September."),
        *extra,
    ]
    rows = [{"id": n, "title": t, "body": b} for n, (t, b) in enumerate(stories)]
    library = Library.open(tmp_path / "lib", seed=False)
    library.add_paths([write_jsonl(tmp_path / "niger.jsonl", rows)])
    return library


def _titles(library: Library, query: str) -> list[str]:
    return sorted(hit.title for hit in library.search(query).hits)


def test_a_full_name_finds_the_articles_naming_only_its_unshared_surname(tmp_path: Path) -> None:
    """An article that says only "Bazoum" is his when nobody else here is
    a Bazoum: found by his full name with or without the overview built."""
    library = _niger_library(tmp_path)
    library.analytics.forget()
    assert _titles(library, 'person:"Mohamed Bazoum"') == ["Detention", "Niger coup"]
    assert _titles(library, 'person:"Hadiza Bazoum"') == []  # names nobody here
    library.overview()
    assert _titles(library, 'person:"Mohamed Bazoum"') == ["Detention", "Niger coup"]
    library.close()


def test_a_full_name_never_finds_everyone_of_its_surname(tmp_path: Path) -> None:
    """With another Bazoum in the library, "Bazoum" alone could be either:
    the full name finds only itself, with or without the overview, while
    the surname alone still finds all three."""
    library = _niger_library(
        tmp_path, ("First lady", "Hadiza Bazoum spoke to reporters in Niamey on Monday.")
    )
    library.analytics.forget()
    assert _titles(library, 'person:"Mohamed Bazoum"') == ["Niger coup"]
    library.overview()
    assert _titles(library, 'person:"Mohamed Bazoum"') == ["Niger coup"]
    assert _titles(library, "person:Bazoum") == ["Detention", "First lady", "Niger coup"]
    library.close()


@pytest.mark.parametrize(
    "other",
    [
        # The surname alone beside another full name with it, in one article.
        ("First lady", "Hadiza Bazoum spoke on Monday. Bazoum said the family was safe."),
        # A spelling variant alone: one letter away may be someone else.
        ("Markets", "Ousted leader Barzoum stays silent. Mr. Barzoum refused to comment."),
    ],
)
def test_only_the_surname_asked_stands_alone_and_only_if_it_is_nobody_elses(
    tmp_path: Path, other: tuple[str, str]
) -> None:
    library = _niger_library(tmp_path, other)
    library.analytics.forget()
    found = _titles(library, 'person:"Mohamed Bazoum"')
    library.overview()
    assert _titles(library, 'person:"Mohamed Bazoum"') == found
    assert other[0] not in found and "Niger coup" in found
    library.close()


def test_mention_counts_and_top_entities(seeds_library: Library) -> None:
    article = next(a for a, _ in seeds_library.articles() if a.source == "Reuters")
    _, facts = seeds_library.get(article.id)
    counts = seeds_library.mention_counts(facts)
    assert counts[("place", "Agadez")] >= 4
    assert counts[("place", "Niger")] == 5
    top_places = dict(seeds_library.top_entities("place"))
    assert top_places["Niger"] == 5


def test_mention_counts_are_the_facts_counts_after_tagging(
    seeds_library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fieldbrief.search import analytics
    from fieldbrief.search.facets import entity_name

    article = next(a for a, _ in seeds_library.articles() if "Barzoum" in a.body)
    for n in range(3):  # each tagging rewrites the article's document in the index
        seeds_library.set_tags(article.id, [f"round{n}"])
    _, facts = seeds_library.get(article.id)
    entities = [f for f in facts if f.kind in ("person", "organization", "place")]

    # As `facts` counts them: every spelling of the entity, each article once.
    overview = seeds_library.overview()
    counts = seeds_library.mention_counts(facts)
    for fact in entities:
        entity = overview.find(fact.kind, entity_name(fact))
        assert entity is not None
        assert counts[(fact.kind, entity_name(fact))] == len(entity.article_ids), fact
    assert counts[("person", "Mohamed Barzoum")] == 4

    # Without a full resolution (a large library), the articles naming it now,
    # not the replaced versions of the tagged one.
    monkeypatch.setattr(analytics, "OVERVIEW_FULL_LIMIT", 2)
    counts = seeds_library.mention_counts(facts)
    for fact in entities:
        naming = [
            a.id
            for a, fs in seeds_library.articles()
            if any(f.kind == fact.kind and entity_name(f) == entity_name(fact) for f in fs)
        ]
        assert counts[(fact.kind, entity_name(fact))] == len(naming), fact
    assert counts[("place", "Agadez")] <= 5


def test_conflicts_for_an_article(seeds_library: Library) -> None:
    article = next(a for a, _ in seeds_library.articles() if a.source == "Reuters")
    conflicts = seeds_library.conflicts_for(article.id)
    troops = next(c for c in conflicts if "troops" in c.subject.lower())
    values = {claim.value for claim in troops.claims}
    assert {1200, 1100, 1000} <= values
    assert any(claim.source == "AP" for claim in troops.claims)


def test_overview_is_cached_per_generation(seeds_library: Library, tmp_path: Path) -> None:
    first = seeds_library.overview()
    assert seeds_library.overview() is first
    assert [sorted(s) for s in first.stories] and len(first.stories[0]) == 3
    story = tmp_path / "x.txt"
    story.write_text("Chad talks\n\nUS troops in Chad began talks in N'Djamena.\n", "utf-8")
    seeds_library.add_paths([story])
    assert seeds_library.overview() is not first


def test_large_library_overview_comes_from_the_index(
    seeds_library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fieldbrief.search import analytics

    monkeypatch.setattr(analytics, "OVERVIEW_FULL_LIMIT", 2)
    seeds_library.analytics.forget()
    overview = seeds_library.overview()
    places = {e.name: e.articles for e in overview.entities if e.kind == "place"}
    assert places["Niger"] >= 5 and places["Agadez"] >= 4
    assert all(not e.article_ids for e in overview.entities)
    troops = next(c for c in overview.conflicts if c.subject == "US troops in Niger")
    assert {1200, 1100, 1000} <= {claim.value for claim in troops.claims}
    assert overview.stories == []
    seeds_library.analytics.forget()


def test_stories_among_a_result_page(seeds_library: Library) -> None:
    ids = [hit.id for hit in seeds_library.search("niger", limit=10).hits]
    (story,) = seeds_library.stories_among(ids)
    sources = {seeds_library.get(i)[0].source for i in story}
    assert len(story) == 3 and {"Reuters", "Asian Lite News"} <= sources


def test_a_surname_the_index_splits_otherwise_never_breaks_the_search(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Should the surname's postings be missing (its words tokenised another
    way), the full name is searched alone rather than the search failing."""
    from whoosh.reading import MultiReader, SegmentReader, TermNotFound

    library = _niger_library(tmp_path)
    library.analytics.forget()
    real = {cls: cls.postings for cls in (SegmentReader, MultiReader)}

    def missing(cls: type) -> object:
        def postings(self: object, fieldname: str, text: object, **kwargs: object) -> object:
            if fieldname == "person" and not kwargs:  # the surname's count, not a search
                raise TermNotFound(text)
            return real[cls](self, fieldname, text, **kwargs)

        return postings

    for cls in real:
        monkeypatch.setattr(cls, "postings", missing(cls))
    assert _titles(library, 'person:"Mohamed Bazoum"') == ["Niger coup"]
    library.close()
