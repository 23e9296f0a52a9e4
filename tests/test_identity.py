"""An edited source file is the same article: what the analyst attached follows it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from fieldbrief.search.briefing import Briefings, SavedSearches, add_tags
from fieldbrief.search.export import build_briefing_markdown
from fieldbrief.search.library import Library
from fieldbrief.search.model import Article, Fact


def niger_places(article: Article) -> list[Fact]:
    """A stand-in fact engine: every "Niger" is a place fact."""
    return [
        Fact(kind="place", text="Niger", start=m.start(), end=m.end(), value="Niger")
        for m in re.finditer("Niger", article.body)
    ]


FIRST = "Troops leave Niger by September.\n\nThe Agadez base closes next year."
EDITED = (
    "Update: officials confirmed the plan.\n\nTroops leave Niger by September."
    "\n\nThe drone site shuts in 2025."
)


@pytest.fixture
def edited(tmp_path: Path) -> tuple[Library, Path, str, dict[str, int]]:
    source = tmp_path / "story.txt"
    source.write_text(f"Sahel drawdown\n\n{FIRST}\n", "utf-8")
    library = Library.open(tmp_path / "lib", seed=False, fact_extractor=niger_places)
    library.add_paths([source])
    [hit] = library.search("Niger").hits
    old_id = hit.id
    add_tags(library, old_id, ["sahel"])
    briefings = Briefings(library)
    briefings.create("Week")
    body = library.lookup(old_id)[0].body
    pins = {
        "article": briefings.pin_article(old_id, note="lead story").id,
        "moved": briefings.pin_passage(old_id, 0, body.index(" by"), note="key line").id,
        "gone": briefings.pin_passage(old_id, body.index("The Agadez"), len(body)).id,
        "fact": briefings.pin_fact(old_id, library.lookup(old_id)[1][0]).id,
    }
    SavedSearches(library).save("niger", "Niger")
    source.write_text(f"Sahel drawdown\n\n{EDITED}\n", "utf-8")
    report = library.add_paths([source])
    assert (report.added, report.updated) == (0, 1)
    yield library, source, old_id, pins
    library.close()


def test_tags_and_old_id_follow_the_edit(edited: tuple[Library, Path, str, dict[str, int]]) -> None:
    library, _source, old_id, _pins = edited
    article, _facts = library.lookup(old_id)
    assert article.id != old_id and article.body.startswith("Update:")
    assert library.tags_for(article.id) == ["sahel"]
    assert [h.id for h in library.search("tag:sahel").hits] == [article.id]
    assert library.lookup(old_id[:6])[0].id == article.id
    assert library.article_count() == 1


def test_pins_are_reanchored_or_flagged(edited: tuple[Library, Path, str, dict[str, int]]) -> None:
    library, _source, old_id, pins = edited
    article, facts = library.lookup(old_id)
    briefings = Briefings(library)
    by_id = {p.id: p for p in briefings.pins()}
    assert all(p.article_id == article.id for p in by_id.values())

    assert by_id[pins["article"]].note == "lead story"
    moved = by_id[pins["moved"]]
    assert not moved.stale and moved.note == "key line"
    assert article.body[moved.start : moved.end] == "Troops leave Niger"  # type: ignore[misc]
    fact = by_id[pins["fact"]]
    assert not fact.stale and (fact.start, fact.end) == (facts[0].start, facts[0].end)
    assert article.body[fact.start : fact.end] == "Niger"  # type: ignore[misc]
    gone = by_id[pins["gone"]]
    assert gone.stale and gone.quote == "The Agadez base closes next year."

    text = build_briefing_markdown(library)
    assert "no longer in the library" not in text
    assert "not in the current version of the article" in text
    assert text.count("[^1]") >= 4 and "[^2]" not in text


def test_an_edit_is_not_new_for_saved_searches(
    edited: tuple[Library, Path, str, dict[str, int]], tmp_path: Path
) -> None:
    library, _source, _old_id, _pins = edited
    saved = SavedSearches(library)
    assert saved.new_since("niger") == []
    other = tmp_path / "other.txt"
    other.write_text("Niger junta\n\nThe Niger junta met envoys.\n", "utf-8")
    library.add_paths([other])
    [new] = saved.new_since("niger")
    assert library.lookup(new)[0].title == "Niger junta"


def test_edited_twice_keeps_every_old_id(
    edited: tuple[Library, Path, str, dict[str, int]],
) -> None:
    library, source, old_id, _pins = edited
    middle = library.lookup(old_id)[0].id
    source.write_text("Sahel drawdown\n\nA third version about Niger.\n", "utf-8")
    library.add_paths([source])
    third = library.lookup(old_id)[0]
    assert third.body == "A third version about Niger." and library.lookup(middle)[0] == third
    assert library.tags_for(third.id) == ["sahel"]
    assert len(Briefings(library).pins()) == 4


def test_an_edit_undone_brings_the_first_id_back(
    edited: tuple[Library, Path, str, dict[str, int]],
) -> None:
    library, source, old_id, _pins = edited
    middle = library.lookup(old_id)[0].id
    source.write_text(f"Sahel drawdown\n\n{FIRST}\n", "utf-8")
    assert library.add_paths([source]).updated == 1
    assert library.lookup(old_id)[0].id == old_id
    assert library.lookup(middle)[0].id == old_id
    assert library.tags_for(old_id) == ["sahel"] and library.article_count() == 1
    # Every pin is back on the first text, the "gone" passage included.
    pins = Briefings(library).pins()
    assert {p.article_id for p in pins} == {old_id} and not any(p.stale for p in pins)
    rows = library.store.db.execute("SELECT old_id, article_id FROM superseded").fetchall()
    assert [tuple(r) for r in rows] == [(middle, old_id)]
