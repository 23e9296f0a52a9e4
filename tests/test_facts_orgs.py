"""Organisations: the table of well-known names, acronyms and one kind per name."""

from __future__ import annotations

from fieldbrief.search.facts.extract import extract_facts
from fieldbrief.search.facts.orgs import entity_of, find_orgs, lookup, scan_names
from fieldbrief.search.facts.resolve import build_overview
from fieldbrief.search.model import Article, Fact

from .test_facts_extract import StubTagger


def kinds(facts: list[Fact]) -> dict[str, tuple[str, str]]:
    return {f.text: (f.kind, str(f.value)) for f in facts if f.kind != "date"}


def test_table_names_found_without_the_tagger() -> None:
    text = (
        "The IMF and the Fed disagreed, NPR reported, citing Corriere della Sera. "
        "Jama'at Nusrat al-Islam wal Muslimeen claimed it; the House voted."
    )
    got = kinds(extract_facts(text, None, tagger=StubTagger([("PER", "Muslimeen")])))
    assert got["IMF"] == ("organization", "International Monetary Fund")
    assert got["Fed"] == ("organization", "Federal Reserve")
    assert got["NPR"] == ("organization", "NPR")
    assert got["Corriere della Sera"] == ("organization", "Corriere della Sera")
    assert got["Jama'at Nusrat al-Islam wal Muslimeen"] == ("organization", "JNIM")
    assert got["House"] == ("organization", "House of Representatives")
    assert "Muslimeen" not in got


def test_words_that_only_look_like_names_are_not_found() -> None:
    # "House" needs "the"; "who" is not WHO; "Apple" alone is ambiguous.
    assert find_orgs("House prices rose, who knew. Apple pie.") == []
    assert find_orgs("WHO IS TO BLAME FOR THE CRISIS\nText.") == []
    assert [n.canonical for _, _, n in find_orgs("WHO warned.")] == ["World Health Organization"]


def test_names_are_found_as_whole_words_only() -> None:
    names = ["Tony Blair", "Blair", "Brown"]
    text = (
        "Blair said. The Brown/Blair feud; Blairite MPs, pro-Blair, Blair's aides, (Blair) x.Blair"
    )
    found = [(s, text[s:e]) for s, e, _ in scan_names(text, names)]
    # A name glued to a word, a hyphen or a dot before it, or the tail of a
    # longer word ("Brown/Blair" is one word), is not one; a possessive and
    # brackets around it are.
    assert found == [(0, "Blair"), (59, "Blair"), (75, "Blair")]
    again = "Mr Tony Blair and Blair"
    assert [again[s:e] for s, e, _ in scan_names(again, names)] == ["Tony Blair", "Blair"]
    text = (
        "NATO, said the allies, and NATO. Not NATOS nor the NATO-led force (NATO) in Brussels/NATO"
    )
    assert [s for s, _, _ in find_orgs(text)] == [0, 27, 67]


def test_table_fixes_the_kind_and_gives_one_value() -> None:
    text = "The White House and the Vatican spoke. Daesh attacked. Ford said so."
    tagger = StubTagger(
        [("LOC", "White House"), ("LOC", "Vatican"), ("PER", "Daesh"), ("PER", "Ford")]
    )
    got = kinds(extract_facts(text, None, tagger=tagger))
    assert got["White House"] == ("organization", "White House")
    assert got["Vatican"] == ("organization", "Vatican")
    assert got["Daesh"] == ("organization", "Islamic State")
    # An ambiguous name the tagger calls a person stays a person.
    assert got["Ford"][0] == "person"


def test_a_longer_tagger_name_beats_the_table() -> None:
    text = "The Federal Reserve Bank of New York said rates would rise."
    tagger = StubTagger([("ORG", "Federal Reserve Bank of New York")])
    got = kinds(extract_facts(text, None, tagger=tagger))
    assert got["Federal Reserve Bank of New York"][0] == "organization"
    assert "Federal Reserve" not in got


def test_pentagon_is_the_department_of_defense() -> None:
    assert lookup("the Pentagon's").canonical == "Pentagon"  # type: ignore[union-attr]
    assert entity_of("Pentagon") == entity_of("DoD") == "Department of Defense"
    a = Article(id="a", title="a", body="The Pentagon said so.")
    b = Article(id="b", title="b", body="The Defense Department said so.")
    tagger = StubTagger([])
    overview = build_overview(
        [
            (a, extract_facts(a.body, None, tagger=tagger)),
            (b, extract_facts(b.body, None, tagger=tagger)),
        ]
    )
    orgs = [e for e in overview.entities if e.kind == "organization"]
    assert len(orgs) == 1
    assert {"Pentagon", "Department of Defense"} <= set(orgs[0].aliases)
    assert set(orgs[0].article_ids) == {"a", "b"}


def test_acronyms_in_brackets_and_initials_name_the_same_org() -> None:
    text = (
        "The Sahel Unity Front (SUF) and the Federal Air Traffic Control Administration met. "
        "SUF fighters left; FATCA said nothing. Later SUF returned."
    )
    tagger = StubTagger(
        [
            ("ORG", "Sahel Unity Front"),
            ("ORG", "Federal Air Traffic Control Administration"),
            ("PER", "FATCA"),
        ]
    )
    facts = extract_facts(text, None, tagger=tagger)
    sufs = [f for f in facts if f.text == "SUF"]
    assert len(sufs) == 3
    assert {(f.kind, f.value) for f in sufs} == {("organization", "Sahel Unity Front")}
    fatca = [f for f in facts if f.text == "FATCA"]
    assert [(f.kind, f.value) for f in fatca] == [
        ("organization", "Federal Air Traffic Control Administration")
    ]


class NthTagger:
    """Tags only the given occurrences (0-based) of each surface."""

    def __init__(self, spans: list[tuple[str, str, int]]) -> None:
        self.spans = spans

    def entities(self, text: str, sentence_spans: object = None) -> list[tuple[str, int, int, str]]:
        out = []
        for label, surface, nth in self.spans:
            pos = -1
            for _ in range(nth + 1):
                pos = text.find(surface, pos + 1)
            out.append((label, pos, pos + len(surface), surface))
        return sorted(out, key=lambda x: x[1])


def test_one_kind_per_name_in_an_article() -> None:
    text = (
        "Acme Widgets said profits rose. Analysts liked Acme Widgets. "
        "MaliVai Washington won. Washington served well, said Washington."
    )
    tagger = NthTagger(
        [
            ("ORG", "Acme Widgets", 0),
            ("PER", "MaliVai Washington", 0),
            ("LOC", "Washington", 1),
            ("PER", "Washington", 2),
        ]
    )
    facts = extract_facts(text, None, tagger=tagger)
    acme = [f for f in facts if f.text == "Acme Widgets"]
    assert len(acme) == 2 and all(f.kind == "organization" for f in acme)
    wash = [f for f in facts if f.text == "Washington"]
    assert len(wash) == 2
    assert all(f.kind == "person" and f.value == "MaliVai Washington" for f in wash)


def test_a_city_stays_a_place_where_the_tagger_says_so() -> None:
    text = "Hove beat Kent. Later we drove to Hove."
    tagger = NthTagger([("ORG", "Hove", 0), ("ORG", "Kent", 0), ("LOC", "Hove", 1)])
    got = [(f.kind, f.text) for f in extract_facts(text, None, tagger=tagger)]
    assert got == [("organization", "Hove"), ("organization", "Kent"), ("place", "Hove")]


def test_team_names_do_not_turn_their_city_into_an_org() -> None:
    text = "NEW YORK 1996-08-29\nNEW YORK 5 BOSTON 3\nRain fell on NEW YORK all day."
    tagger = NthTagger([("LOC", "NEW YORK", 0), ("ORG", "NEW YORK", 1), ("LOC", "NEW YORK", 2)])
    got = [f.kind for f in extract_facts(text, None, tagger=tagger) if f.text == "NEW YORK"]
    assert got == ["place", "organization", "place"]


def test_saint_is_not_a_title() -> None:
    text = "The ship sailed from St. Petersburg to St. Louis."
    tagger = StubTagger([("LOC", "St. Petersburg"), ("LOC", "St. Louis")])
    got = kinds(extract_facts(text, None, tagger=tagger))
    assert got["St. Petersburg"][0] == got["St. Louis"][0] == "place"
