"""Briefings, pins, notes, tags and saved searches: round trips across restarts."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from fieldbrief.search.briefing import (
    BriefingError,
    Briefings,
    SavedSearches,
    add_tags,
    remove_tags,
)
from fieldbrief.search.library import Library
from fieldbrief.search.model import Article, Fact


def no_facts(_article: object) -> list[Fact]:
    return []


def make_article(n: int, body: str | None = None, **extra: object) -> Article:
    return Article(
        id=f"art{n:04d}aaaaaaaaaa",
        title=extra.pop("title", f"Article number {n}"),  # type: ignore[arg-type]
        body=body or f"First sentence of article {n}. Niger is mentioned here. Third sentence.",
        date=date(2024, 1, n),
        source="Wire",
        path=f"/tmp/a{n}.txt",
        origin=f"/tmp/a{n}.txt",
    )


def open_library(root: Path) -> Library:
    return Library.open(root, seed=False, fact_extractor=no_facts)


@pytest.fixture
def lib_path(tmp_path: Path) -> Path:
    root = tmp_path / "lib"
    with open_library(root) as library:
        library.add_articles([make_article(n) for n in range(1, 5)])
    return root


def test_pins_notes_and_order_survive_restart(lib_path: Path) -> None:
    with open_library(lib_path) as library:
        briefings = Briefings(library)
        briefing = briefings.create("Sahel week")
        a = briefings.pin_article("art0001aaaaaaaaaa", note="lead story")
        body = library.get("art0002aaaaaaaaaa")[0].body  # type: ignore[index]
        start = body.index("Niger")
        p = briefings.pin_passage("art0002aaaaaaaaaa", start, start + 5, text="Niger")
        f = briefings.pin_fact(
            "art0003aaaaaaaaaa", Fact(kind="place", text="Niger", start=30, end=35, value="Niger")
        )
        briefings.set_note(p.id, "the key line")
        briefings.set_summary("Troops are leaving.")
        briefings.move(f.id, 0)

    with open_library(lib_path) as library:
        briefings = Briefings(library)
        current = briefings.current()
        assert current is not None and current.id == briefing.id
        assert current.title == "Sahel week" and current.summary == "Troops are leaving."
        pins = briefings.pins()
        assert [x.id for x in pins] == [f.id, a.id, p.id]
        assert [x.position for x in pins] == [0, 1, 2]
        assert pins[1].note == "lead story" and pins[2].note == "the key line"
        assert pins[2].quote == "Niger" and (pins[2].start, pins[2].end) == (start, start + 5)
        assert pins[0].kind == "fact" and pins[0].fact_object() == Fact(
            kind="place", text="Niger", start=30, end=35, value="Niger"
        )
        assert pins[1].title == "Article number 1"


def test_reorder_move_by_clamps_and_remove(lib_path: Path) -> None:
    with open_library(lib_path) as library:
        briefings = Briefings(library)
        ids = [briefings.pin_article(f"art000{n}aaaaaaaaaa").id for n in range(1, 5)]
        assert [p.id for p in briefings.move_by(ids[0], 1)] == [ids[1], ids[0], ids[2], ids[3]]
        assert briefings.move_by(ids[1], -5)[0].id == ids[1]
        assert [p.id for p in briefings.move(ids[2], 99)][-1] == ids[2]
        briefings.remove(ids[0])
        assert ids[0] not in [p.id for p in briefings.pins()]
        with pytest.raises(BriefingError):
            briefings.remove(ids[0])


def test_pinning_twice_keeps_one_pin(lib_path: Path) -> None:
    with open_library(lib_path) as library:
        briefings = Briefings(library)
        first = briefings.pin_article("art0001aaaaaaaaaa")
        again = briefings.pin_article("art0001aaaaaaaaaa", note="now with a note")
        assert first.id == again.id and again.note == "now with a note"
        assert len(briefings.pins()) == 1


def test_passage_offsets_are_checked(lib_path: Path) -> None:
    with open_library(lib_path) as library:
        briefings = Briefings(library)
        with pytest.raises(BriefingError, match="outside"):
            briefings.pin_passage("art0001aaaaaaaaaa", 10, 10_000)
        with pytest.raises(BriefingError, match="does not match"):
            briefings.pin_passage("art0001aaaaaaaaaa", 0, 5, text="Other")
        with pytest.raises(BriefingError, match="no article"):
            briefings.pin_article("nope")


def test_several_briefings_one_current(lib_path: Path) -> None:
    with open_library(lib_path) as library:
        briefings = Briefings(library)
        one = briefings.create("One")
        briefings.pin_article("art0001aaaaaaaaaa")
        two = briefings.create("Two")
        briefings.pin_article("art0002aaaaaaaaaa")
        assert briefings.current().id == two.id  # type: ignore[union-attr]
        briefings.set_current(one.id)
    with open_library(lib_path) as library:
        briefings = Briefings(library)
        assert briefings.current().id == one.id  # type: ignore[union-attr]
        assert [p.article_id for p in briefings.pins()] == ["art0001aaaaaaaaaa"]
        assert [p.article_id for p in briefings.pins(two.id)] == ["art0002aaaaaaaaaa"]
        assert briefings.find("two").id == two.id
        assert [b.pin_count for b in briefings.list()] == [1, 1]
        briefings.delete(one.id)
        # The current one went away: the newest remaining takes over.
        assert briefings.current().id == two.id  # type: ignore[union-attr]


def test_current_is_created_on_demand(lib_path: Path) -> None:
    with open_library(lib_path) as library:
        briefings = Briefings(library)
        assert briefings.current(create=False) is None
        pin = briefings.pin_article("art0001aaaaaaaaaa")
        current = briefings.current()
        assert current is not None and current.title.startswith("Briefing ")
        assert pin.briefing_id == current.id


def test_pins_survive_rebuild(lib_path: Path) -> None:
    with open_library(lib_path) as library:
        briefings = Briefings(library)
        pin = briefings.pin_passage("art0001aaaaaaaaaa", 0, 5)
        library.rebuild()
        assert [p.id for p in briefings.pins()] == [pin.id]
    with open_library(lib_path) as library:
        assert Briefings(library).pins()[0].quote == "First"


def test_tags_round_trip_and_query_field(lib_path: Path) -> None:
    with open_library(lib_path) as library:
        assert add_tags(library, "art0001", ["sahel", "troops"]) == ["sahel", "troops"]
        assert remove_tags(library, "art0001aaaaaaaaaa", ["troops"]) == ["sahel"]
    with open_library(lib_path) as library:
        assert library.get("art0001aaaaaaaaaa")[0].tags == ["sahel"]  # type: ignore[index]
        assert [h.id for h in library.search("tag:sahel").hits] == ["art0001aaaaaaaaaa"]


def test_saved_search_reports_new_articles_since_last_open(lib_path: Path) -> None:
    with open_library(lib_path) as library:
        saved = SavedSearches(library)
        saved.save("niger", "Niger", "date")
        # Straight after saving: nothing is new, and the opening says what
        # "new" is counted from and how many match in all.
        first = saved.open("niger")
        assert (first.query, first.sort, first.new_ids) == ("Niger", "date", [])
        assert first.first_open and first.total == 4
        assert first.since == saved.get("niger").created_at
        library.add_articles([make_article(5), make_article(6, body="Nothing relevant here.")])
    with open_library(lib_path) as library:
        saved = SavedSearches(library)
        assert [s.name for s in saved.list()] == ["niger"]
        assert saved.new_since("niger") == ["art0005aaaaaaaaaa"]
        opened = saved.open("niger")
        assert opened.new_ids == ["art0005aaaaaaaaaa"] and not opened.first_open
        assert opened.total == 5
        # Opening marks them seen.
        assert saved.open("niger").new_ids == []
        saved.delete("niger")
        assert saved.list() == []
        with pytest.raises(BriefingError):
            saved.open("niger")


def test_saved_search_validation(lib_path: Path) -> None:
    with open_library(lib_path) as library:
        saved = SavedSearches(library)
        with pytest.raises(BriefingError):
            saved.save("", "x")
        with pytest.raises(BriefingError):
            saved.save("x", "  ")
        with pytest.raises(BriefingError):
            saved.save("x", "y", sort="random")
