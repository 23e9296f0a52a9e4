"""Issue 15, item 6: junk and roles seen in the app, each on a small text with the
shipped tagger (what `fieldbrief facts --jsonl` gives)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from fieldbrief.search.facts.extract import extract_facts
from fieldbrief.search.facts.resolve import build_overview
from fieldbrief.search.model import Article, Fact

MON = dt.date(2024, 5, 20)


@pytest.fixture(scope="module")
def tagger() -> Any:
    from fieldbrief.search.facts.ner import default_model_path, default_tagger

    if not default_model_path().is_file():
        pytest.skip("NER model not built yet (tools/train_ner.py)")
    return default_tagger()


def entities(facts: list[Fact]) -> dict[str, tuple[str, str]]:
    return {
        f.text: (f.kind, str(f.value))
        for f in facts
        if f.kind in ("person", "organization", "place")
    }


def test_a_dateline_glued_to_the_story_is_a_place_and_nothing_more(tagger: Any) -> None:
    text = (
        "WASHINGTON American troops ordered to leave Niger by the junta will complete "
        "their withdrawal by mid-September, the Pentagon said."
    )
    got = entities(extract_facts(text, MON, tagger=tagger))
    assert got["WASHINGTON"] == ("place", "Washington")
    assert not any("American" in name for name in got), got


def test_jnim_is_one_organisation_not_a_muslimeen_fragment(tagger: Any) -> None:
    text = (
        "The attack was claimed by Jama'at Nusrat al-Islam wal Muslimeen (JNIM), an "
        "al Qaeda affiliate. JNIM fighters have killed hundreds."
    )
    facts = extract_facts(text, MON, tagger=tagger)
    got = entities(facts)
    assert got["Jama'at Nusrat al-Islam wal Muslimeen"] == ("organization", "JNIM")
    assert [f.kind for f in facts if f.text == "JNIM"] == ["organization", "organization"]
    assert "Muslimeen" not in got


def test_jnim_and_daesh_alone_are_recognised(tagger: Any) -> None:
    got = entities(
        extract_facts(
            "JNIM claimed the ambush. Daesh fighters attacked a convoy.", MON, tagger=tagger
        )
    )
    assert got["JNIM"] == ("organization", "JNIM")
    assert got["Daesh"] == ("organization", "Islamic State")


def test_a_newsletter_title_line_gives_no_entity(tagger: Any) -> None:
    text = "Sahel Monitor\nThe US military has used the base to target Daesh.\n"
    got = entities(extract_facts(text, MON, tagger=tagger))
    assert "Sahel Monitor" not in got and "Sahel" not in got
    assert got["Daesh"] == ("organization", "Islamic State")


def test_a_rank_before_the_name_comes_first_in_the_role(tagger: Any) -> None:
    text = (
        "Pentagon press secretary Maj. Gen. Patrick Ryder of the U.S. Air Force confirmed "
        "Monday that talks had begun. Niger's junta leader General Abdourahamane Tiani "
        "said the troops must leave."
    )
    people = {
        f.value: f.role for f in extract_facts(text, MON, tagger=tagger) if f.kind == "person"
    }
    assert people["Patrick Ryder"] == "Maj. Gen., Pentagon press secretary"
    assert people["Abdourahamane Tiani"] == "General, junta leader"


def test_pentagon_and_department_of_defense_are_one_organisation(tagger: Any) -> None:
    texts = [
        "The Pentagon said on Monday that troops would leave Niger.",
        "The Department of Defense confirmed the withdrawal. The Defense Department declined.",
    ]
    items = []
    for i, text in enumerate(texts):
        article = Article(
            id=f"a{i}", title="t", body=text, date=MON, source="s", path=f"/a{i}", origin="t"
        )
        items.append((article, extract_facts(text, MON, tagger=tagger)))
    orgs = [e for e in build_overview(items).entities if e.kind == "organization"]
    assert len(orgs) == 1, orgs
    assert {"Pentagon", "Department of Defense", "Defense Department"} <= set(orgs[0].aliases)
    assert orgs[0].articles == 2


def test_millions_of_dollars_has_its_currency_and_nearly_half_is_no_figure(tagger: Any) -> None:
    text = (
        "Washington has invested millions of dollars in the Agadez base, and nearly half "
        "of the troops have left."
    )
    figures = [f for f in extract_facts(text, MON, tagger=tagger) if f.kind == "figure"]
    assert [(f.text, f.unit, f.value, f.qualifier) for f in figures] == [
        ("millions of dollars", "USD", None, "vague")
    ]
    assert figures[0].low is not None and figures[0].high is not None
