"""The five bundled seeds through ingest, the shipped NER model and the fact engine."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from fieldbrief.search.facts.resolve import Overview, aliases_for, build_overview, index_terms
from fieldbrief.search.ingest import read_path
from fieldbrief.search.model import Article, Fact

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


@pytest.fixture(scope="module")
def seeds(tagger: Any) -> dict[str, tuple[Article, list[Fact]]]:
    from fieldbrief.search.facts.extract import extract_facts

    out = {}
    for path in sorted(SEEDS.glob("*.txt")):
        (article,) = read_path(path).articles
        out[path.name[:3]] = (article, extract_facts(article.body, article.date, tagger=tagger))
    return out


@pytest.fixture(scope="module")
def overview(seeds: dict[str, tuple[Article, list[Fact]]]) -> Overview:
    return build_overview(seeds.values())


def values(facts: list[Fact], kind: str) -> set[str]:
    return {str(f.value) for f in facts if f.kind == kind}


def by_text(facts: list[Fact], kind: str) -> dict[str, Fact]:
    return {f.text: f for f in facts if f.kind == kind}


def test_offsets_and_sentences(seeds: dict[str, tuple[Article, list[Fact]]]) -> None:
    for article, facts in seeds.values():
        assert facts
        for f in facts:
            assert article.body[f.start : f.end] == f.text
            assert f.sentence is not None
            assert f.sentence[0] <= f.start and f.end <= f.sentence[1]


def test_each_kind_in_seed_000(seeds: dict[str, tuple[Article, list[Fact]]]) -> None:
    _, facts = seeds["000"]
    assert {"Sabrina Singh", "Mohamed Bazoum"} <= values(facts, "person")
    assert {"Niger", "Niamey", "Agadez", "United States"} <= values(facts, "place")
    orgs = {f.text: f.value for f in facts if f.kind == "organization"}
    assert orgs["Pentagon"] == "Pentagon"
    assert orgs["Defense Department"] == "Department of Defense"
    dates = by_text(facts, "date")
    assert dates["Thursday"].value == "2023-09-07"
    assert dates["Thursday"].resolution == "Thursday → 2023-09-07 (relative to 2023-09-08)"
    assert dates["Friday"].value == "2023-09-08"
    figures = by_text(facts, "figure")
    assert figures["around 1,200"].value == 1200
    assert figures["around 1,200"].key == "US troops in Niger"
    assert figures["about 500 miles (739 km)"].value == 739
    assert figures["about 500 miles (739 km)"].orig_value == 500
    assert figures["between 500 and 1,000"].aspect == "target"
    # Every Bazoum mention points at the full name.
    assert {f.value for f in facts if f.kind == "person" and "Bazoum" in f.text} == {
        "Mohamed Bazoum"
    }


def test_roles(seeds: dict[str, tuple[Article, list[Fact]]]) -> None:
    roles: dict[str, set[str]] = {}
    for _, facts in seeds.values():
        for f in facts:
            if f.kind == "person" and f.role:
                roles.setdefault(str(f.value), set()).add(f.role)
    assert "Pentagon spokeswoman" in roles["Sabrina Singh"]
    assert "Deputy Secretary of State" in roles["Kurt Campbell"]
    assert any("Maj. Gen." in r for r in roles["Patrick Ryder"])
    assert "President" in roles["Mohamed Bazoum"]
    assert "department spokesman" in roles["Matthew Miller"]
    assert "former French ambassador to Mali and Senegal" in roles["Nicolas Normand"]
    for name in roles:
        assert not name.startswith(("President", "Maj.", "Deputy", "Pentagon"))


def test_seed_002_dates_and_figures(seeds: dict[str, tuple[Article, list[Fact]]]) -> None:
    article, facts = seeds["002"]
    assert article.date is not None and article.date.isoformat() == "2024-05-20"
    dates = by_text(facts, "date")
    assert dates["mid-September"].value == "2024-09"
    assert dates["Sunday"].value == "2024-05-19"
    assert dates["October"].value == "2023-10"
    assert dates["next month"].value == "2024-06"
    figures = by_text(facts, "figure")
    assert figures["four days"].unit == "days"
    assert figures["hundreds of millions of dollars"].qualifier == "vague"
    assert figures["more than 100 forces"].key == "US troops in Chad"


def test_undated_seed_004_keeps_relative_dates_unresolved(
    seeds: dict[str, tuple[Article, list[Fact]]],
) -> None:
    article, facts = seeds["004"]
    assert article.date is None
    dates = by_text(facts, "date")
    assert dates["July 2023"].value == "2023-07"
    for text in ("Monday", "Friday", "August 7", "February", "Last week"):
        assert dates[text].value is None
        assert dates[text].resolution == "unresolved: no publication date"


def test_french_troops_are_not_us_troops(seeds: dict[str, tuple[Article, list[Fact]]]) -> None:
    _, facts = seeds["001"]
    figures = by_text(facts, "figure")
    assert figures["1,500 troops"].subject == "French troops"
    assert figures["1,500 troops"].key == "French troops in Niger"
    assert figures["More than 2,000 French troops"].key == "French troops in Mali"
    assert figures["13,000-strong UN peacekeeping force"].value == 13000
    assert figures["more than $100 million"].value == 100_000_000


def test_no_boilerplate_entities(seeds: dict[str, tuple[Article, list[Fact]]]) -> None:
    banned = {"Modi", "Trump", "Donald Trump", "Zelenskyy", "Gaza", "Why it matters"}
    banned |= {"Previous Story", "Plan C", "Coup label", "Next Story", "Series of losses"}
    for _, facts in seeds.values():
        texts = {f.text for f in facts} | {str(f.value) for f in facts}
        assert not texts & banned


def test_entities_merge_across_articles(overview: Overview, seeds: Any) -> None:
    (bazoum,) = [e for e in overview.entities if e.name == "Mohamed Bazoum"]
    assert {"Bazoum", "Mohamed Barzoum"} <= set(bazoum.aliases)
    ids = {k: a.id for k, (a, _) in seeds.items()}
    assert {ids["000"], ids["001"], ids["003"], ids["004"]} <= set(bazoum.article_ids)
    assert "Barzoum" in aliases_for(overview, "person", "Bazoum")
    # The Pentagon is the Department of Defense: one organisation, every spelling.
    (dod,) = [e for e in overview.entities if "Department of Defense" in e.aliases]
    assert {"Pentagon", "Defense Department", "Defence Department"} <= set(dod.aliases)
    (us,) = [e for e in overview.entities if e.name == "United States"]
    assert {"US", "U.S.", "United States"} <= set(us.aliases)


def test_conflicts(overview: Overview, seeds: Any) -> None:
    ids = {a.id: k for k, (a, _) in seeds.items()}
    conflicts = {c.subject: c for c in overview.conflicts}
    troops = conflicts["US troops in Niger"]
    claims = {(ids[c.article_id], c.value, c.qualifier) for c in troops.claims}
    assert ("000", 1200, "approx") in claims
    assert ("001", 1100, None) in claims
    assert ("003", 1100, "approx") in claims
    assert ("002", 1000, "approx") in claims
    assert ("002", 1000, "fewer than") in claims
    assert ("004", 1100, "more than") in claims
    assert {c.source for c in troops.claims if ids[c.article_id] == "001"} == {"Reuters"}
    assert {c.source for c in troops.claims if ids[c.article_id] == "002"} == {"AP"}
    distance = conflicts["distance Agadez–Niamey"]
    assert distance.unit == "km"
    assert {(ids[c.article_id], c.value) for c in distance.claims} == {("000", 739), ("002", 920)}
    assert not any(s.startswith("French troops") for s in conflicts)


def test_stories(overview: Overview, seeds: Any) -> None:
    ids = {k: a.id for k, (a, _) in seeds.items()}
    assert [sorted(s) for s in overview.stories] == [sorted([ids["000"], ids["001"], ids["003"]])]


def test_index_terms(seeds: dict[str, tuple[Article, list[Fact]]]) -> None:
    terms = index_terms(seeds["000"][1])
    assert "Mohamed Bazoum" in terms["person"]
    assert "Agadez" in terms["place"]
    assert {"Pentagon", "Department of Defense"} <= set(terms["org"])
