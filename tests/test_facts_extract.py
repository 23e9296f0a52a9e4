"""extract_facts post-processing, driven by a stub tagger so only the rules are tested."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from fieldbrief.search.facts.extract import extract_facts
from fieldbrief.search.facts.people import split_title
from fieldbrief.search.model import Fact


class StubTagger:
    """Tags every occurrence of the given surfaces with the given label."""

    def __init__(self, spans: Iterable[tuple[str, str]]) -> None:
        self.spans = list(spans)

    def entities(self, text: str, sentence_spans: object = None) -> list[tuple[str, int, int, str]]:
        out = []
        for label, surface in self.spans:
            start = text.find(surface)
            while start >= 0:
                out.append((label, start, start + len(surface), surface))
                start = text.find(surface, start + 1)
        return sorted(out, key=lambda x: x[1])


def people(facts: list[Fact]) -> dict[str, str | None]:
    return {str(f.value): f.role for f in facts if f.kind == "person" and f.role}


def test_roles_from_titles_and_appositions() -> None:
    text = (
        "Pentagon spokeswoman Sabrina Singh told reporters on Thursday. "
        "Deputy Secretary of State Kurt Campbell told the junta-appointed prime minister, "
        "Ali Lamine Zeine, on Friday that the talks would go on. "
        "Pentagon press secretary Maj. Gen. Patrick Ryder of the U.S. Air Force confirmed it. "
        "Officials urged them to reinstate President Mohamed Bazoum. "
        "“There has been direct contact,” department spokesman Matthew Miller said. "
        "Nicolas Normand, a former French ambassador to Mali and Senegal, confirmed it. "
        "The new US ambassador to Niger, Kathleen FitzGibbon, arrived last month."
    )
    tagger = StubTagger(
        [
            ("PER", "Sabrina Singh"),
            ("PER", "Kurt Campbell"),
            ("PER", "Ali Lamine Zeine"),
            ("PER", "Maj. Gen. Patrick Ryder"),
            ("PER", "President Mohamed Bazoum"),
            ("PER", "Matthew Miller"),
            ("PER", "Nicolas Normand"),
            ("PER", "Kathleen FitzGibbon"),
        ]
    )
    facts = extract_facts(text, dt.date(2023, 9, 8), tagger=tagger)
    roles = people(facts)
    assert roles["Sabrina Singh"] == "Pentagon spokeswoman"
    assert roles["Kurt Campbell"] == "Deputy Secretary of State"
    assert roles["Ali Lamine Zeine"] == "junta-appointed prime minister"
    assert roles["Patrick Ryder"] == "Maj. Gen., Pentagon press secretary"
    assert roles["Mohamed Bazoum"] == "President"
    assert roles["Matthew Miller"] == "department spokesman"
    assert roles["Nicolas Normand"] == "former French ambassador to Mali and Senegal"
    assert roles["Kathleen FitzGibbon"] == "new US ambassador to Niger"
    # Titles are never part of a name, and offsets point at the name alone.
    for f in facts:
        if f.kind == "person":
            assert text[f.start : f.end] == f.text
            assert not f.text.startswith(("President", "Maj.", "Gen."))


def test_split_title() -> None:
    assert split_title("President Mohamed Bazoum") == ("Mohamed Bazoum", "President")
    assert split_title("Maj. Gen. Patrick Ryder") == ("Patrick Ryder", "Maj. Gen.")
    assert split_title("Deputy Secretary of State Kurt Campbell") == (
        "Kurt Campbell",
        "Deputy Secretary of State",
    )
    assert split_title("Sabrina Singh") == ("Sabrina Singh", None)


def test_title_swallowed_into_an_org_span_becomes_a_person() -> None:
    text = "Deputy Pentagon Press Secretary Sabrina Singh emphasised there is no threat."
    tagger = StubTagger([("ORG", "Deputy Pentagon Press Secretary Sabrina Singh")])
    facts = extract_facts(text, None, tagger=tagger)
    (person,) = [f for f in facts if f.kind == "person"]
    assert (person.value, person.role) == ("Sabrina Singh", "Deputy Pentagon Press Secretary")
    assert not [f for f in facts if f.kind == "organization"]


def test_short_names_take_the_full_name_and_missed_mentions_are_added() -> None:
    text = (
        "The military ousted President Mohamed Bazoum in late July. "
        "Though Bazoum has appealed to the US, nothing happened. "
        "The bloc failed to restore Bazoum."
    )
    tagger = StubTagger([("PER", "President Mohamed Bazoum"), ("PER", "Bazoum has")])
    facts = extract_facts(text, dt.date(2023, 9, 8), tagger=tagger)
    persons = [f for f in facts if f.kind == "person"]
    assert [f.value for f in persons] == ["Mohamed Bazoum"] * 3
    assert [f.text for f in persons] == ["Mohamed Bazoum", "Bazoum", "Bazoum"]


def test_bases_places_and_junk() -> None:
    text = (
        "Why it matters: The U.S. presence at Air Base 201 near Agadez is a linchpin.\n\n"
        "Plan C: officials looked for other bases.\n\n"
        "Coup label\n\n"
        "Previous Story\n\n"
        "WASHINGTON – The United States is in talks with Niger."
    )
    tagger = StubTagger(
        [
            ("ORG", "Why it matters"),
            ("ORG", "Air Base"),
            ("LOC", "Agadez"),
            ("ORG", "Plan C"),
            ("ORG", "Coup label"),
            ("PER", "Previous Story"),
            ("LOC", "WASHINGTON"),
        ]
    )
    facts = extract_facts(text, None, tagger=tagger)
    entities = {(f.kind, str(f.value)) for f in facts if f.kind != "date" and f.kind != "figure"}
    assert ("place", "Air Base 201") in entities
    assert ("place", "Agadez") in entities
    assert ("place", "Washington") in entities
    assert ("place", "United States") in entities
    assert ("place", "Niger") in entities
    texts = {f.text for f in facts}
    for junk in ("Why it matters", "Plan C", "Coup label", "Previous Story", "Air Base"):
        assert junk not in texts
    for f in facts:
        assert text[f.start : f.end] == f.text
        assert f.sentence is not None and f.sentence[0] <= f.start < f.sentence[1]


def test_figure_keys_from_context() -> None:
    text = (
        "France, Niger's former colonial power, also has troops in the country. "
        "But so far, Paris has rejected calls by the coup leaders to withdraw their 1,500 troops. "
        "Before this movement, there were 1,100 US troops in the West African country. "
        "Fewer than 1,000 U.S. troops remain in Niger, most at an air base near Agadez, "
        "about 920 kilometers from the capital."
    )
    tagger = StubTagger([("LOC", "Agadez"), ("LOC", "Niger"), ("LOC", "France"), ("LOC", "Paris")])
    facts = extract_facts(text, None, tagger=tagger)
    figs = {f.text: f for f in facts if f.kind == "figure"}
    assert figs["1,500 troops"].subject == "French troops"
    assert figs["1,500 troops"].key == "French troops in Niger"
    assert figs["1,100 US troops"].key == "US troops in Niger"
    assert figs["Fewer than 1,000 U.S. troops"].subject == "US troops"
    assert figs["Fewer than 1,000 U.S. troops"].key == "US troops in Niger"
    assert figs["about 920 kilometers"].key == "distance Agadez–Niamey"


def test_empty_and_plain_text() -> None:
    assert extract_facts("", None, tagger=StubTagger([])) == []
    assert extract_facts("nothing to see here", None, tagger=StubTagger([])) == []


def test_a_number_inside_a_date_is_no_figure_and_a_year_that_counts_is_no_date() -> None:

    text = (
        "The office had 27 attorneys, compared with 11 four years ago. "
        "They left three weeks ago. The US sent 2000 troops in 2019."
    )
    facts = extract_facts(text, dt.date(2017, 12, 20), tagger=StubTagger([]))
    got = {(f.kind, f.text) for f in facts if f.kind in ("figure", "date")}
    assert got == {
        ("figure", "27 attorneys"),
        ("date", "four years ago"),
        ("date", "three weeks ago"),
        ("figure", "2000 troops"),
        ("date", "2019"),
    }


def test_a_party_word_before_a_name_is_a_person_with_a_party() -> None:
    text = "Republican Donald Trump won. The Republican National Committee met."
    tagger = StubTagger(
        [("ORG", "Republican Donald Trump"), ("ORG", "Republican National Committee")]
    )
    got = {(f.kind, f.text, f.role) for f in extract_facts(text, None, tagger=tagger)}
    assert ("person", "Donald Trump", "Republican") in got
    assert ("organization", "Republican National Committee", None) in got


def test_two_surnames_joined_by_and_are_two_people() -> None:
    text = (
        "Paul Manafort and his associate Rick Gates were charged. "
        "Manafort and Gates pleaded not guilty."
    )
    tagger = StubTagger(
        [("PER", "Paul Manafort"), ("PER", "Rick Gates"), ("ORG", "Manafort and Gates")]
    )
    facts = extract_facts(text, None, tagger=tagger)
    assert not [f for f in facts if f.kind == "organization"]
    later = [(f.text, f.value) for f in facts if f.kind == "person" and f.start > 50]
    assert later == [("Manafort", "Paul Manafort"), ("Gates", "Rick Gates")]
    for f in facts:
        assert text[f.start : f.end] == f.text


def test_a_month_abbreviation_is_no_entity_and_us_agencies_are_known() -> None:
    text = "On Jan. 5, the CFPB and HHS said the CBO had scored the bill."
    facts = extract_facts(text, None, tagger=StubTagger([("ORG", "Jan.")]))
    orgs = {f.text: f.value for f in facts if f.kind == "organization"}
    assert orgs == {
        "CFPB": "Consumer Financial Protection Bureau",
        "HHS": "Department of Health and Human Services",
        "CBO": "Congressional Budget Office",
    }


def test_two_organisations_run_together_are_split_and_an_institution_is_no_place() -> None:
    text = (
        "Johnson Controls Inc and Lear Corp agreed a deal. Procter and Gamble rose. "
        "He studied at Harrow School in Harrow."
    )
    tagger = StubTagger(
        [
            ("ORG", "Johnson Controls Inc and Lear Corp"),
            ("ORG", "Procter and Gamble"),
            ("LOC", "Harrow School"),
            ("LOC", "Harrow"),
        ]
    )
    got = [(f.kind, f.text) for f in extract_facts(text, None, tagger=tagger) if f.kind != "date"]
    assert got == [
        ("organization", "Johnson Controls Inc"),
        ("organization", "Lear Corp"),
        ("organization", "Procter and Gamble"),
        ("organization", "Harrow School"),
        ("place", "Harrow"),
    ]


def test_later_surnames_are_found_before_a_possessive_in_one_pass() -> None:
    text = "Nicolas Normand spoke. According to Normand’s source, Normand's view holds."
    facts = extract_facts(text, None, tagger=StubTagger([("PER", "Nicolas Normand")]))
    got = [(f.text, f.value) for f in facts if f.kind == "person"]
    assert got == [
        ("Nicolas Normand", "Nicolas Normand"),
        ("Normand", "Nicolas Normand"),
        ("Normand", "Nicolas Normand"),
    ]


def test_honorifics_are_titles_and_storms_are_no_people() -> None:
    text = (
        "Justice Antonin Scalia wrote it and Lord Diplock agreed. The Justice Ministry "
        "said Cyclone Phailin and Hurricane Katrina hit."
    )
    tagger = StubTagger(
        [
            ("PER", "Justice Antonin Scalia"),
            ("PER", "Lord Diplock"),
            ("ORG", "Justice Ministry"),
            ("PER", "Cyclone Phailin"),
            ("PER", "Katrina"),
        ]
    )
    facts = extract_facts(text, None, tagger=tagger)
    assert {(f.text, f.role) for f in facts if f.kind == "person"} == {
        ("Antonin Scalia", "Justice"),
        ("Diplock", "Lord"),
    }
    assert [f.text for f in facts if f.kind == "organization"] == ["Justice Ministry"]
