"""How the results and the fact sidebar lay their rows out, and keep their place."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import date
from pathlib import Path

from textual.app import App, ComposeResult
from textual.content import Content
from textual.pilot import Pilot

from fieldbrief.search.results import Hit, SearchResults
from fieldbrief.tui.app import FieldbriefApp
from fieldbrief.tui.article import ArticlePane
from fieldbrief.tui.facts import FactList
from fieldbrief.tui.hanging import Hanging
from fieldbrief.tui.results import REST_DELAY_SECONDS, ResultsList
from tests.test_tui_support import run, search, settle, wait_for


def test_wrapped_lines_hang_under_their_text() -> None:
    row = Hanging.under(
        Content(" 1. "),
        Content("American troops ordered to leave Niger by the junta"),
        Content("2024-05-20 · AP"),
    )
    lines = [line.plain for line in row._wrapped(20)]
    assert lines[0].startswith(" 1. American")
    assert all(line.startswith("    ") and line[4] != " " for line in lines[1:])
    assert lines[-1] == "    2024-05-20 · AP"
    assert row.get_height({}, 20) == len(lines)  # type: ignore[arg-type]


def _hit(number: int, score: float = 1.5) -> Hit:
    return Hit(
        id=f"a{number}",
        title=f"Story {number} about Niger and the troops leaving it",
        date=date(2024, 5, number),
        source="AP",
        path=f"/x/{number}.txt",
        score=score,
        rank=number,
        snippet="US troops leave Niger",
    )


class _Results(App[None]):
    def compose(self) -> ComposeResult:
        yield ResultsList(id="results")


def _rows(results: SearchResults, story_of: dict[str, int]) -> list[str]:
    async def main() -> list[str]:
        app = _Results()
        async with app.run_test(size=(40, 30)) as pilot:
            listing = app.query_one(ResultsList)
            listing.show_results(results, story_of)
            await pilot.pause()
            prompts = []
            for index in range(listing.option_count):
                prompt = listing.get_option_at_index(index).prompt
                assert isinstance(prompt, Hanging)
                prompts.append(prompt.plain)
            return prompts

    return asyncio.run(main())


def test_results_are_numbered_as_shown_when_a_story_is_collapsed() -> None:
    hits = [_hit(n) for n in range(1, 6)]
    # Hits 2, 3 and 4 are one story: it shows as one row plus "+ 2 more".
    rows = _rows(SearchResults("troops", hits, total=5), {"a2": 7, "a3": 7, "a4": 7})
    numbers = [row.split(".", 1)[0].strip() for row in rows if not row.strip().startswith("+")]
    assert numbers == ["1", "2", "3"]
    assert any("+ 2 more from same story" in row for row in rows)


def test_a_page_shows_a_screenful_first_and_the_rest_once_painted() -> None:
    """The first frame lays out only the rows that can be on screen; the rest,
    and the load-more row, are there after it, and G or choosing a later row
    before then brings them at once."""
    hits = [replace(_hit(n % 28 + 1), id=f"h{n}") for n in range(50)]
    results = SearchResults("troops", hits, total=120, total_exact=True)

    async def main() -> None:
        app = _Results()
        async with app.run_test(size=(40, 30)) as pilot:
            listing = app.query_one(ResultsList)
            listing.show_results(results)
            first = listing.option_count
            assert 30 // 3 < first < 50  # a screenful of rows, at least 3 lines each
            assert listing.has_class("-overflowing")  # the scrollbar from the first layout
            await wait_for(pilot, lambda: listing.option_count > first)
            assert listing.option_count == 51  # all 50 and "load 50 more"
            assert listing.get_option_at_index(50).id == "load-more"
            last = listing.get_option_at_index(49).prompt
            assert isinstance(last, Hanging) and last.plain.startswith(" 50. ")

            listing.show_results(results)
            listing.focus()
            assert listing.option_count < 50
            await pilot.press("G")
            assert listing.highlighted == 50
            listing.show_results(results)
            assert listing.select_article("h45")
            assert listing.highlighted_option is not None
            assert listing.highlighted_option.id == "hit:h45"
            await pilot.pause(REST_DELAY_SECONDS + 0.1)
            assert listing.option_count == 51  # added once, not twice

            listing.show_results(results)
            screenful = listing.option_count
            listing.highlighted = screenful - 1
            await pilot.press("down")  # past the screenful: the rest are there to move to
            assert listing.option_count == 51 and listing.highlighted == screenful

            few = SearchResults("troops", hits[:3], total=3)
            listing.show_results(few)
            assert listing.option_count == 3 and not listing.has_class("-overflowing")

    asyncio.run(main())


def test_scores_show_only_when_ranked_by_relevance() -> None:
    hits = [_hit(1, score=2.25)]
    assert "score 2.25" in _rows(SearchResults("troops", hits, total=1), {})[0]
    by_date = SearchResults("troops", hits, total=1, sort="date")
    assert "score" not in _rows(by_date, {})[0]
    library_listing = SearchResults("", [_hit(1, score=0.0)], total=1, sort="date")
    assert "score" not in _rows(library_listing, {})[0]


def test_sidebar_keeps_its_place_when_the_next_article_opens(library_path: Path) -> None:
    async def scenario(app: FieldbriefApp, pilot: Pilot) -> None:
        await search(pilot, "troops")
        await pilot.press("enter")
        await settle(pilot)
        facts = app.query_one(FactList)
        places = [k for k, e in facts.entries.items() if e.kind == "place"]
        assert places
        facts.focus()
        facts.highlighted = facts.get_option_index(places[-1])
        await settle(pilot)
        chosen = facts.current_entry
        assert chosen is not None
        first_article = app.main.article
        await pilot.press("1", "down")
        await settle(pilot, lambda: app.main.article is not first_article)
        assert app.main.article is not None and app.main.article is not first_article
        now = facts.current_entry
        assert now is not None and now.kind == "place"  # not thrown back to the top
        if any(e.key == chosen.key for e in facts.entries.values()):
            assert now.key == chosen.key
        # The quiet restore does not scroll the new article to that fact.
        assert app.query_one(ArticlePane).fact_spans == []

    run(library_path, scenario)


def test_o_toggles_the_overview_and_keeps_the_article(library_path: Path) -> None:
    async def scenario(app: FieldbriefApp, pilot: Pilot) -> None:
        await search(pilot, "troops")
        await pilot.press("enter")
        await settle(pilot)
        article = app.main.article
        assert article is not None
        facts = app.query_one(FactList)
        assert facts.mode == "article"
        await pilot.press("o")
        await settle(pilot)
        assert facts.mode == "overview"
        assert app.main.article is article  # still open, still shown
        assert app.query_one(ArticlePane).article is article
        await pilot.press("o")
        await settle(pilot)
        assert facts.mode == "article" and app.main.article is article

    run(library_path, scenario)


def test_focus_lands_in_results_when_the_library_opens_in_the_background(
    library_path: Path,
) -> None:
    """In a real terminal the library opens in a worker while the results are
    loading (and cannot take focus): the search box must not get it instead,
    or the first 1/2/3/q is typed into the query."""
    from fieldbrief.tui.app import create_app
    from fieldbrief.tui.query_bar import QueryInput

    async def main() -> None:
        app = create_app(library_path, state_path=library_path.parent / "state" / "tui.json")
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot, lambda: app.library is not None)
            assert isinstance(app.focused, ResultsList)
            await pilot.press("2")
            assert app.screen.query_one(QueryInput).value == ""

    asyncio.run(main())


def _burst(app: FieldbriefApp, keys: str) -> None:
    """Keys arriving together, as a fast typist or a paste sends them: all are
    queued before the first is handled (Pilot's press waits between keys)."""
    from textual import events

    for char in keys:
        key = "slash" if char == "/" else char
        app.post_message(events.Key(key, char))


def test_typing_straight_after_slash_or_f_lands_in_the_box(library_path: Path) -> None:
    from fieldbrief.tui.article import FindInput
    from fieldbrief.tui.query_bar import QueryInput
    from fieldbrief.tui.screens import TimelineScreen

    async def scenario(app: FieldbriefApp, pilot: Pilot) -> None:
        assert isinstance(app.focused, ResultsList)
        # "t" would open the timeline if it reached the results.
        _burst(app, "/Politico")
        await settle(pilot)
        assert not isinstance(app.screen, TimelineScreen)
        assert app.main.query_one(QueryInput).value == "Politico"
        await pilot.press("enter", "enter")
        await settle(pilot)
        _burst(app, "fniger")
        await settle(pilot)
        assert app.main.query_one(FindInput).value == "niger"
        # In the box, / is a character.
        _burst(app, "/x")
        await settle(pilot)
        assert app.main.query_one(FindInput).value == "niger/x"

    run(library_path, scenario)
