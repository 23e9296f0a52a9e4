"""Page furniture vs the article's own short lines (headlines, bylines, results)."""

from __future__ import annotations

from fieldbrief.search.facts.extract import extract_facts
from fieldbrief.search.facts.furniture import furniture_spans, is_furniture_line, kicker_spans
from fieldbrief.search.model import Fact

from .test_facts_extract import StubTagger


def entities(facts: list[Fact]) -> set[tuple[str, str]]:
    return {(f.kind, f.text) for f in facts if f.kind in ("person", "organization", "place")}


def test_headline_byline_and_results_lines_keep_their_names() -> None:
    text = (
        "Pentagon confirms Niger pullout\n"
        "By Sabrina Singh\n"
        "Hove: Sussex 363, Lancashire 197-8\n"
        "The Pentagon said on Friday that troops would leave."
    )
    tagger = StubTagger(
        [
            ("ORG", "Pentagon"),
            ("LOC", "Niger"),
            ("PER", "Sabrina Singh"),
            ("LOC", "Hove"),
            ("ORG", "Sussex"),
            ("ORG", "Lancashire"),
        ]
    )
    got = entities(extract_facts(text, None, tagger=tagger))
    assert {
        ("organization", "Pentagon"),
        ("place", "Niger"),
        ("person", "Sabrina Singh"),
        ("place", "Hove"),
        ("organization", "Sussex"),
        ("organization", "Lancashire"),
    } <= got
    assert sum(1 for k, t in got if t == "Pentagon") == 1


def test_furniture_lines_give_no_entities() -> None:
    text = (
        "Home | World | Africa | Business\n"
        "Share Facebook Twitter WhatsApp\n"
        "Niger Troops. Photo: Getty Images/Reuters\n"
        "Also read: Trump says Modi will visit Gaza\n"
        "© 2024 Reuters. All rights reserved.\n"
        "Sahel Monitor\n"
        "The Pentagon said troops would leave Niger.\n"
        "Top stories | Niger | Mali | Chad\n"
    )
    names = ["Reuters", "Trump", "Modi", "Gaza", "Getty Images", "Sahel Monitor", "Africa"]
    tagger = StubTagger([("ORG", n) for n in names] + [("ORG", "Pentagon"), ("LOC", "Niger")])
    got = {t for _, t in entities(extract_facts(text, None, tagger=tagger))}
    assert got == {"Pentagon", "Niger"}


def test_furniture_line_kinds() -> None:
    assert is_furniture_line("Previous Story")
    assert is_furniture_line("  Next story »")
    assert is_furniture_line("Follow us on Twitter")
    assert is_furniture_line("Related: Mali junta expels French ambassador")
    assert is_furniture_line("Sahel Monitor")
    assert is_furniture_line("West Africa Briefing ")
    assert not is_furniture_line("The Sahel Monitor reported that 12 people died.")
    assert not is_furniture_line("Pentagon confirms Niger pullout")
    assert not is_furniture_line("By Sabrina Singh")
    assert not is_furniture_line("The share of troops fell.")
    assert not is_furniture_line(
        "Getty Images sued Stability AI in London for copyright infringement, saying the "
        "company copied 12 million photographs without permission or compensation."
    )
    # Repetition makes a short line furniture; a repeated sentence stays text.
    text = "Latest\nNiger coup\nIt fell.\nIt fell.\nNiger coup"
    assert [text[s:e] for s, e in furniture_spans(text)] == ["Niger coup", "Niger coup"]


def test_kicker_labels_but_not_names_before_a_colon() -> None:
    text = "Why it matters: a base.\nPlan C: more bases.\nEngland: Mike Atherton, Nick Knight.\n"
    assert [text[s:e] for s, e in kicker_spans(text)] == ["Why it matters", "Plan C"]


def test_dotted_abbreviations_are_names() -> None:
    text = "The U.N. said N.Y. officials met U.S. envoys."
    tagger = StubTagger([("ORG", "U.N."), ("LOC", "N.Y."), ("LOC", "U.S.")])
    got = entities(extract_facts(text, None, tagger=tagger))
    assert {("organization", "U.N."), ("place", "N.Y."), ("place", "U.S.")} <= got


def test_dateline_glued_to_the_story_is_cut() -> None:
    text = "WASHINGTON American troops ordered to leave Niger will go by September."
    tagger = StubTagger([("ORG", "WASHINGTON American"), ("LOC", "Niger")])
    got = entities(extract_facts(text, None, tagger=tagger))
    assert ("place", "WASHINGTON") in got
    assert not any("American" in t for _, t in got)


def test_all_caps_names_in_headlines_are_kept() -> None:
    text = "SOCCER - SHEARER NAMED AS ENGLAND CAPTAIN\nLONDON 1996-08-30\nAlan Shearer was named."
    tagger = StubTagger([("PER", "SHEARER"), ("LOC", "ENGLAND"), ("PER", "Alan Shearer")])
    got = entities(extract_facts(text, None, tagger=tagger))
    assert {("person", "SHEARER"), ("place", "ENGLAND"), ("person", "Alan Shearer")} <= got


def test_org_before_a_role_word_is_kept_but_a_cut_title_is_not() -> None:
    text = (
        "Security Council President Tono Eitel spoke. "
        "Deputy Pentagon Press Secretary Sabrina Singh spoke too."
    )
    tagger = StubTagger(
        [("ORG", "Security Council"), ("PER", "Tono Eitel"), ("ORG", "Pentagon Press")]
    )
    got = entities(extract_facts(text, None, tagger=tagger))
    assert ("organization", "Security Council") in got
    assert ("organization", "Pentagon Press") not in got
