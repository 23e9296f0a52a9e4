"""Pilot tests for searching: typing, paging, counting, sorting, stale answers."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Static

from fieldbrief.search.results import SearchResults
from fieldbrief.tui.app import FieldbriefApp
from fieldbrief.tui.messages import SearchPage, SearchRequest
from fieldbrief.tui.query_bar import QueryInput
from fieldbrief.tui.results import ResultsList
from tests.test_tui_support import run, search, settle

from .conftest import write_jsonl


def test_typing_a_query_shows_results(library_path: Path) -> None:
    async def scenario(app: FieldbriefApp, pilot: Pilot) -> None:
        await search(pilot, "Agadez")
        results = app.query_one(ResultsList)
        assert results.results is not None and results.results.total == 7
        assert results.option_count >= 5
        status = app.query_one("#results-status", Static).render()
        assert "7 hits" in str(status)
        # Results arrive while typing, without pressing enter.
        assert app.focused is app.query_one(QueryInput)

    run(library_path, scenario)


def test_page_shows_before_the_total_is_counted(
    library_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A page full of hits is shown at once; the exact total follows (a query the
    engine answers: an AND in parentheses; plain words come counted, see the next test)."""
    from fieldbrief.tui import results as results_module
    from fieldbrief.tui import searching

    monkeypatch.setattr(searching, "PAGE_SIZE", 3)
    monkeypatch.setattr(results_module, "PAGE_SIZE", 3)
    shown: list[tuple[int, bool]] = []

    async def scenario(app: FieldbriefApp, pilot: Pilot) -> None:
        controller = app.main.search
        original = controller.page_arrived

        def record(message: SearchPage) -> bool:
            shown.append((message.results.total, message.results.total_exact))
            return original(message)

        controller.page_arrived = record  # type: ignore[method-assign]
        library = app.library
        assert library is not None
        real_count = library.count
        counts: list[str] = []

        def count(query: str) -> int:
            counts.append(query)
            return real_count(query)

        library.count = count  # type: ignore[method-assign]
        await search(pilot, "(Agadez NOT zzyzx)")
        listing = app.query_one(ResultsList)
        assert shown[-1] == (3, False)  # the page came before the count
        assert listing.results is not None and listing.results.total == 7
        assert listing.results.total_exact and listing.has_more
        assert "7 hits · showing 3" in str(app.query_one("#results-status", Static).render())
        await pilot.press("tab")  # the results list
        await pilot.press("end")
        await settle(pilot)
        assert len(listing.hits) == 7 and not listing.has_more
        # Later pages reuse the count. (On a loaded machine a pause in the
        # typing can search, and count, a part of the query first.)
        assert counts[-1] == "(Agadez NOT zzyzx)" and counts.count(counts[-1]) == 1
        counts.clear()
        await search(pilot, "Agadez")  # plain words: read from the index files, counted
        assert shown[-1] == (7, True) and counts == []
        assert "7 hits · showing 3" in str(app.query_one("#results-status", Static).render())

    run(library_path, scenario)


def test_stale_results_are_dropped(library_path: Path) -> None:
    async def scenario(app: FieldbriefApp, pilot: Pilot) -> None:
        controller = app.main.search
        controller.run("Niamey")
        stale_request = SearchRequest("Niamey", "relevance", 1, controller.generation)
        controller.run("Agadez")
        await settle(pilot)
        stale = SearchResults(query="Niamey", hits=[], total=0)
        listing = app.query_one(ResultsList)
        listing.post_message(SearchPage(listing, stale_request, stale, 0.0))
        await settle(pilot)
        assert controller.results is not None and controller.results.query == "Agadez"
        assert listing.results is not None and listing.results.query == "Agadez"

    run(library_path, scenario)


def test_sort_toggle(library_path: Path) -> None:
    async def scenario(app: FieldbriefApp, pilot: Pilot) -> None:
        await search(pilot, "Agadez")
        await pilot.press("enter")
        await pilot.press("s")
        await settle(pilot)
        assert (
            app.main.sort == "date"
            and app.main.search.results is not None
            and app.main.search.results.sort == "date"
        )
        dates = [h.date for h in app.main.search.results.hits if h.date]
        assert dates == sorted(dates, reverse=True)
        await pilot.press("s")
        await settle(pilot)
        assert app.main.search.results.sort == "relevance"

    run(library_path, scenario)


def test_stories_are_grouped_when_the_page_rests_not_while_typing(
    library_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A page's stories are grouped after it has been on screen a moment with no
    key typed; a page replaced meanwhile is never grouped."""
    import asyncio
    from dataclasses import replace

    import fieldbrief.tui.query_bar as query_bar
    import fieldbrief.tui.searching as searching
    from fieldbrief.tui.app import create_app
    from tests.test_tui_support import open_library, stub_overview, wait_for

    monkeypatch.setattr(searching, "GROUP_DELAY_SECONDS", 0.01)
    library = open_library(library_path)
    # No library-wide stories, as in a large library: each page is grouped itself.
    library.overview = lambda: replace(stub_overview(library), stories=[])  # type: ignore[method-assign]
    grouped: list[list[str]] = []
    real_among = library.stories_among

    def among(ids: list[str]) -> list[list[str]]:
        grouped.append(list(ids))
        return real_among(ids)

    library.stories_among = among  # type: ignore[method-assign]

    async def main() -> None:
        app = create_app(library=library, state_path=tmp_path / "s.json")
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            listing = app.query_one(ResultsList)
            assert grouped == [[hit.id for hit in listing.hits]]  # the listing, once
            controller = app.main.search

            # Typing (the search waits for a pause that does not come here).
            monkeypatch.setattr(query_bar, "DEBOUNCE_SECONDS", 60)
            app.main.query_one(QueryInput).focus()
            await pilot.press("x")
            assert app.main.query_bar.pending
            current = SearchRequest("", "date", 1, controller.generation)
            controller._group(current)
            await pilot.pause(0.1)
            assert len(grouped) == 1 and controller.grouping_pending  # waits, not dropped
            app.main.query_bar._cancel_pending()  # typing paused
            await wait_for(pilot, lambda: len(grouped) == 2)

            stale = SearchRequest("", "date", 1, controller.generation - 1)
            controller._group(stale)
            await wait_for(pilot, lambda: not controller.grouping_pending)
            await settle(pilot)
            assert len(grouped) == 2  # a replaced page: never grouped

    try:
        asyncio.run(main())
    finally:
        library.close()


def test_every_row_of_a_page_shows_its_matching_passage(library_path: Path, tmp_path: Path) -> None:
    """The app loads pages of 50; every row gets the passage where the words
    are, not only the first 20 (the engine's default), with the rest showing
    the article's opening lines."""

    from tests.test_tui_support import open_library

    filler = "The committee met on Tuesday to review the annual budget figures. " * 12
    rows = [
        {"id": n, "title": f"Market report {n}", "body": f"{filler}Cocoa rose {n}%."}
        for n in range(30)
    ]
    library = open_library(library_path)
    library.add_paths([write_jsonl(tmp_path / "cocoa.jsonl", rows)])
    library.close()

    async def scenario(app: FieldbriefApp, pilot: Pilot) -> None:
        await search(pilot, "cocoa")
        listing = app.query_one(ResultsList)
        assert len(listing.hits) == 30
        assert all("Cocoa" in hit.snippet and hit.highlights for hit in listing.hits)

    run(library_path, scenario)


def test_reaching_the_load_more_row_loads_one_page_and_end_goes_to_the_last_hit(
    library_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """↓ onto "load more" shows the next page with the cursor on its first
    hit (it had gone on loading every page, then jumped back to hit 1);
    end loads the rest and lands on the last hit."""
    from fieldbrief.tui import results as results_module
    from fieldbrief.tui import searching

    monkeypatch.setattr(searching, "PAGE_SIZE", 3)
    monkeypatch.setattr(results_module, "PAGE_SIZE", 3)

    async def scenario(app: FieldbriefApp, pilot: Pilot) -> None:
        await search(pilot, "Agadez")
        listing = app.query_one(ResultsList)
        await pilot.press("tab")  # the results list
        await settle(pilot)
        assert len(listing.hits) == 3 and listing.highlighted == 0
        await pilot.press("down", "down", "down")  # onto the load-more row
        await settle(pilot)
        assert len(listing.hits) == 6 and listing.has_more
        option = listing.highlighted_option
        assert option is not None and option.id == f"hit:{listing.hits[3].id}"
        await pilot.press("end")
        await settle(pilot)
        assert len(listing.hits) == 7 and not listing.has_more
        assert listing.highlighted == listing.option_count - 1  # the last row

    run(library_path, scenario)


def test_g_during_end_stops_the_loading_at_the_page_on_its_way(
    library_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """end goes on through every page; moving away (g) stops that, so a
    later ↓ onto "load more" loads one page again."""
    from fieldbrief.tui import results as results_module
    from fieldbrief.tui import searching

    monkeypatch.setattr(searching, "PAGE_SIZE", 2)
    monkeypatch.setattr(results_module, "PAGE_SIZE", 2)

    async def scenario(app: FieldbriefApp, pilot: Pilot) -> None:
        await search(pilot, "Agadez")
        listing = app.query_one(ResultsList)
        await pilot.press("tab")
        await settle(pilot)
        listing.action_last()  # end, and before its page arrives …
        listing.action_first()  # … g
        await settle(pilot)
        assert len(listing.hits) == 4 and listing.highlighted == 0
        listing._finish_rows()
        assert listing.get_option_at_index(listing.option_count - 1).id == results_module.LOAD_MORE
        await pilot.press(*["down"] * (listing.option_count - 1))  # onto "load more"
        await settle(pilot)
        assert len(listing.hits) == 6 and listing.has_more  # one page, not all
        await pilot.press("end")
        await settle(pilot)
        assert len(listing.hits) == 7 and listing.highlighted == listing.option_count - 1

    run(library_path, scenario)


def test_enter_searches_again_once_the_library_changed(library_path: Path, tmp_path: Path) -> None:
    """Enter on the query shown runs it again only if articles were added since
    (here by another process's library): the new article is listed."""
    from tests.test_tui_support import open_library

    async def scenario(app: FieldbriefApp, pilot: Pilot) -> None:
        await search(pilot, "Agadez")
        listing = app.query_one(ResultsList)
        assert listing.results is not None
        before, generation = listing.results.total, app.main.search.generation
        query_box = app.screen_stack[0].query_one(QueryInput)
        query_box.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert app.main.search.generation == generation  # nothing changed: not run again
        row = {"id": "n1", "title": "Agadez talks", "date": "2024-06-01", "source": "Test"}
        other = open_library(library_path)
        try:
            other.add_paths([write_jsonl(tmp_path / "new.jsonl", [{**row, "body": "At Agadez."}])])
        finally:
            other.close()
        query_box.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert listing.results is not None and listing.results.total == before + 1

    run(library_path, scenario)
