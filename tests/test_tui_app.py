# ruff: noqa: F811  (pytest fixtures imported from test_tui_support are redefined as arguments)
"""Pilot tests for the browser: search, article, facts, screens, state, safety."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from textual.command import CommandPalette
from textual.pilot import Pilot
from textual.widgets import OptionList, Static
from textual.worker import WorkerCancelled

from fieldbrief.tui.app import FieldbriefApp, QueryInput, create_app
from fieldbrief.tui.article import ArticleBody, ArticlePane, FindInput, Paragraph
from fieldbrief.tui.facts import FactList
from fieldbrief.tui.results import ResultsList
from fieldbrief.tui.screens import ClaimCard, ConflictScreen, HelpScreen, TimelineScreen
from tests.test_tui_support import (  # noqa: F401  (fixtures)
    HOSTILE_TITLE,
    fb_home,
    home_template,
    library_path,
    open_library,
)

Scenario = Callable[[FieldbriefApp, Pilot], Awaitable[None]]


async def settle(pilot: Pilot, rounds: int = 3) -> None:
    """Let debounce timers fire and every worker finish and post back."""
    for _ in range(rounds):
        await pilot.pause(0.2)
        # A worker replaced by a newer exclusive one reports itself cancelled.
        with contextlib.suppress(WorkerCancelled):
            await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def run(
    library_path: Path,
    scenario: Scenario,
    *,
    size: tuple[int, int] = (120, 40),
    state_path: Path | None = None,
    keymap_file: Path | None = None,
) -> FieldbriefApp:
    async def main() -> FieldbriefApp:
        library = open_library(library_path)
        app = create_app(
            library=library,
            state_path=state_path or library_path.parent / "state" / "tui.json",
            keymap_file=keymap_file,
        )
        try:
            async with app.run_test(size=size) as pilot:
                await settle(pilot)
                await scenario(app, pilot)
        finally:
            library.close()
        return app

    return asyncio.run(main())


async def search(pilot: Pilot, text: str) -> None:
    pilot.app.query_one(QueryInput).focus()
    await pilot.press(*text)
    await settle(pilot)


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
    """A page full of hits is shown at once; the exact total follows."""
    from fieldbrief.tui import app as app_module
    from fieldbrief.tui import results as results_module

    monkeypatch.setattr(app_module, "PAGE_SIZE", 3)
    monkeypatch.setattr(results_module, "PAGE_SIZE", 3)
    shown: list[tuple[int, bool]] = []

    async def scenario(app: FieldbriefApp, pilot: Pilot) -> None:
        original = app._search_done

        def record(generation, results, append, ms):  # type: ignore[no-untyped-def]
            shown.append((results.total, results.total_exact))
            original(generation, results, append, ms)

        app._search_done = record  # type: ignore[method-assign]
        library = app.library
        assert library is not None
        real_count = library.count
        counts: list[str] = []

        def count(query: str) -> int:
            counts.append(query)
            return real_count(query)

        library.count = count  # type: ignore[method-assign]
        await search(pilot, "Agadez")
        listing = app.query_one(ResultsList)
        assert shown[-1] == (3, False)  # the page came before the count
        assert listing.results is not None and listing.results.total == 7
        assert listing.results.total_exact and listing.has_more
        assert "7 hits · showing 3" in str(app.query_one("#results-status", Static).render())
        await pilot.press("tab")  # the results list
        await pilot.press("end")
        await settle(pilot)
        assert len(listing.hits) == 7 and not listing.has_more
        assert counts == ["Agadez"]  # later pages reuse the count

    run(library_path, scenario)


def test_stale_results_are_dropped(library_path: Path) -> None:
    async def scenario(app: FieldbriefApp, pilot: Pilot) -> None:
        app.run_search("Niamey")
        generation = app._search_generation
        app.run_search("Agadez")
        await settle(pilot)
        from fieldbrief.search.query import SearchResults

        stale = SearchResults(query="Niamey", hits=[], total=0)
        app._search_done(generation, stale, False, 0.0)
        assert app.results is not None and app.results.query == "Agadez"

    run(library_path, scenario)


def test_opening_an_article_shows_text_and_facts(library_path: Path) -> None:
    async def scenario(app: FieldbriefApp, pilot: Pilot) -> None:
        await search(pilot, "Singh Agadez")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.focused, ResultsList)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.focused, ArticleBody)
        pane = app.query_one(ArticlePane)
        assert pane.article is not None
        assert pane.query(Paragraph)
        facts = app.query_one(FactList)
        names = {entry.name: entry for entry in facts.entries.values()}
        assert "Sabrina Singh" in names and "Agadez" in names
        assert "Pentagon spokeswoman" in names["Sabrina Singh"].roles
        assert names["Agadez"].count == 7  # articles mentioning it, counted in a worker

    run(library_path, scenario)


def test_n_and_N_walk_query_hits(library_path: Path) -> None:
    async def scenario(app: FieldbriefApp, pilot: Pilot) -> None:
        await search(pilot, "troops")
        await pilot.press("enter", "enter")
        await settle(pilot)
        pane = app.query_one(ArticlePane)
        assert len(pane.matches) >= 2
        await pilot.press("n")
        assert pane.current == 0
        await pilot.press("n")
        assert pane.current == 1
        await pilot.press("N")
        assert pane.current == 0
        await pilot.press("N")
        assert pane.current == len(pane.matches) - 1

    run(library_path, scenario)


def test_find_in_article(library_path: Path) -> None:
    async def scenario(app: FieldbriefApp, pilot: Pilot) -> None:
        await search(pilot, "troops")
        await pilot.press("enter", "enter")
        await settle(pilot)
        await pilot.press("slash")
        assert isinstance(app.focused, FindInput)
        await pilot.press(*"niger")
        pane = app.query_one(ArticlePane)
        assert pane.find_spans and pane.matches is pane.find_spans
        body = pane.article.body  # type: ignore[union-attr]
        assert all(body[s:e].lower() == "niger" for s, e in pane.find_spans)
        assert pane.current == 0
        await pilot.press("enter")
        assert pane.current == 1
        await pilot.press("escape")
        assert isinstance(app.focused, ArticleBody)
        assert not pane.find_spans and not app.query_one(FindInput).display

    run(library_path, scenario)


def test_sort_toggle(library_path: Path) -> None:
    async def scenario(app: FieldbriefApp, pilot: Pilot) -> None:
        await search(pilot, "Agadez")
        await pilot.press("enter")
        await pilot.press("s")
        await settle(pilot)
        assert app.sort == "date" and app.results is not None and app.results.sort == "date"
        dates = [h.date for h in app.results.hits if h.date]
        assert dates == sorted(dates, reverse=True)
        await pilot.press("s")
        await settle(pilot)
        assert app.results.sort == "relevance"

    run(library_path, scenario)


def test_focusing_panes_by_number_and_function_key(library_path: Path) -> None:
    async def scenario(app: FieldbriefApp, pilot: Pilot) -> None:
        await search(pilot, "Agadez")
        await pilot.press("enter")
        await pilot.press("2")
        assert isinstance(app.focused, ArticleBody)
        await pilot.press("3")
        assert isinstance(app.focused, FactList)
        await pilot.press("1")
        assert isinstance(app.focused, ResultsList)
        await pilot.press("f3")
        assert isinstance(app.focused, ArticleBody)
        await pilot.press("escape")
        assert isinstance(app.focused, ResultsList)
        await pilot.press("slash")
        assert isinstance(app.focused, QueryInput)
        await pilot.press("tab")
        assert not isinstance(app.focused, QueryInput)

    run(library_path, scenario)


def test_help_overlay_lists_bindings_of_focused_context(library_path: Path) -> None:
    async def scenario(app: FieldbriefApp, pilot: Pilot) -> None:
        await search(pilot, "Agadez")
        await pilot.press("enter")
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        ids = {row.binding_id for row in app.screen.rows}
        assert {"fieldbrief.results.open", "fieldbrief.quit", "fieldbrief.timeline"} <= ids
        assert "fieldbrief.article.next" not in ids
        contexts = [row.context for row in app.screen.rows]
        assert contexts[0] == "Results"
        await pilot.press("escape")
        await pilot.press("2", "f1")
        assert isinstance(app.screen, HelpScreen)
        assert "fieldbrief.article.next" in {row.binding_id for row in app.screen.rows}

    run(library_path, scenario)


def test_every_fieldbrief_binding_has_id_and_description() -> None:
    from fieldbrief.tui import app as app_module
    from fieldbrief.tui import article, facts, results, screens

    classes = [
        app_module.FieldbriefApp,
        app_module.QueryInput,
        article.ArticleBody,
        article.FindInput,
        facts.FactList,
        results.ResultsList,
        screens.HelpScreen,
        screens.ConflictScreen,
        screens.ClaimCard,
        screens.TimelineScreen,
        screens.TimelineList,
    ]
    for cls in classes:
        for binding in cls.BINDINGS:
            assert binding.id and binding.id.startswith("fieldbrief."), (cls, binding)  # type: ignore[union-attr]
            assert binding.description, (cls, binding)  # type: ignore[union-attr]


def test_command_palette_has_fieldbrief_commands(library_path: Path) -> None:
    async def scenario(app: FieldbriefApp, pilot: Pilot) -> None:
        await search(pilot, "Agadez")
        await pilot.press("enter")
        await pilot.press("ctrl+p")
        await settle(pilot, 1)
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"timeline")
        await settle(pilot, 2)
        prompts = [str(o.prompt) for o in app.screen.query_one(OptionList).options]
        assert any("Timeline" in p for p in prompts)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, TimelineScreen)

    run(library_path, scenario)


def test_command_palette_opens_articles_by_title_literally(library_path: Path) -> None:
    async def scenario(app: FieldbriefApp, pilot: Pilot) -> None:
        await pilot.press("ctrl+p")
        await settle(pilot, 1)
        await pilot.press(*"boom")
        await settle(pilot, 2)
        prompts = [o.prompt for o in app.screen.query_one(OptionList).options]
        plains = [getattr(p, "plain", str(p)) for p in prompts]
        assert any("[@click=app.quit]boom[/]" in p for p in plains), plains
        await pilot.press("enter")
        await settle(pilot)
        assert app.is_running
        assert app.article is not None and app.article.title == HOSTILE_TITLE

    run(library_path, scenario)


def test_theme_switch_persists(library_path: Path, tmp_path: Path) -> None:
    state = tmp_path / "state.json"

    async def switch(app: FieldbriefApp, pilot: Pilot) -> None:
        assert app.theme == "fieldbrief-dark"
        assert {"fieldbrief-dark", "fieldbrief-light", "fieldbrief-contrast"} <= set(
            app.available_themes
        )
        assert "textual-dark" in app.available_themes
        app.set_theme("fieldbrief-contrast")
        app.query_one(ResultsList).focus()  # in the search box, q is just a letter
        await pilot.press("q")
        assert not app.is_running

    run(library_path, switch, state_path=state)
    assert json.loads(state.read_text())["theme"] == "fieldbrief-contrast"

    async def check(app: FieldbriefApp, pilot: Pilot) -> None:
        assert app.theme == "fieldbrief-contrast"

    run(library_path, check, state_path=state)


def test_sidebar_collapses_at_80x24_and_toggles(library_path: Path) -> None:
    async def scenario(app: FieldbriefApp, pilot: Pilot) -> None:
        sidebar = app.query_one("#sidebar")
        assert not sidebar.display or sidebar.region.width == 0
        await search(pilot, "Agadez")
        await pilot.press("enter")
        await pilot.press("b")
        await pilot.pause()
        assert sidebar.display and sidebar.region.width > 0
        await pilot.press("3")
        assert isinstance(app.focused, FactList)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.focused, ArticleBody)
        assert sidebar.region.width == 0
        # Nothing overlaps: results and article sit side by side inside the screen.
        results = app.query_one("#results-pane").region
        article = app.query_one("#article-pane").region
        assert results.right <= article.x and article.right <= 80

    run(library_path, scenario, size=(80, 24))


def test_sidebar_toggle_persists_and_resizes_live(library_path: Path, tmp_path: Path) -> None:
    state = tmp_path / "state.json"

    async def scenario(app: FieldbriefApp, pilot: Pilot) -> None:
        sidebar = app.query_one("#sidebar")
        assert sidebar.region.width > 0
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert sidebar.region.width == 0
        await pilot.resize_terminal(200, 50)
        await pilot.pause()
        assert sidebar.region.width > 0
        await pilot.press("ctrl+b")
        await pilot.pause()
        assert sidebar.region.width == 0
        await pilot.press("q")

    run(library_path, scenario, size=(160, 48), state_path=state)
    assert json.loads(state.read_text())["sidebar"] is False


def test_timeline_opens_and_jumps_to_sentence(library_path: Path) -> None:
    async def scenario(app: FieldbriefApp, pilot: Pilot) -> None:
        await search(pilot, "Agadez")
        await pilot.press("enter", "t")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, TimelineScreen)
        assert screen.dated and max(screen.query_one("Sparkline").data) >= 1  # type: ignore[attr-defined]
        values = [d.value for d in screen.dated.values()]
        assert values == sorted(values)
        first = screen.dated["d0"]
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, TimelineScreen)
        pane = app.query_one(ArticlePane)
        assert pane.article is not None and pane.article.id == first.article_id
        assert pane.focus_span == (first.sentence or first.span)

    run(library_path, scenario)


def test_conflict_screen_opens_from_overview_and_figures(library_path: Path) -> None:
    async def scenario(app: FieldbriefApp, pilot: Pilot) -> None:
        await search(pilot, "Agadez")
        await pilot.press("enter", "o")
        await settle(pilot)
        facts = app.query_one(FactList)
        assert facts.mode == "overview" and facts.conflict_rows
        conflict_id = next(iter(facts.conflict_rows))
        facts.highlighted = facts.get_option_index(conflict_id)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ConflictScreen)
        cards = list(app.screen.query(ClaimCard))
        assert len(cards) >= 2
        chosen = cards[0].claim
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, ConflictScreen)
        assert app.article is not None and app.article.id == chosen["article_id"]
        # The figure in the article carries the ⚠ marker and x opens the same view.
        flagged = [e for e in facts.entries.values() if e.conflicts]
        assert flagged
        facts.focus()
        facts.highlighted = facts.get_option_index(
            next(k for k, e in facts.entries.items() if e.conflicts)
        )
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, ConflictScreen)

    run(library_path, scenario)


def test_selecting_a_fact_highlights_mentions_and_enter_filters(library_path: Path) -> None:
    async def scenario(app: FieldbriefApp, pilot: Pilot) -> None:
        await search(pilot, "Singh")
        await pilot.press("enter", "enter")
        await settle(pilot)
        facts = app.query_one(FactList)
        key = next(k for k, e in facts.entries.items() if e.name == "Sabrina Singh")
        await pilot.press("3")
        facts.highlighted = facts.get_option_index(key)
        await pilot.pause()
        pane = app.query_one(ArticlePane)
        body = pane.article.body  # type: ignore[union-attr]
        assert pane.fact_spans and all(body[s:e] == "Sabrina Singh" for s, e in pane.fact_spans)
        await pilot.press("enter")
        await settle(pilot)
        assert app.query_one(QueryInput).value == 'person:"Sabrina Singh"'
        assert app.results is not None and app.results.total >= 1

    run(library_path, scenario)


def test_hostile_markup_is_shown_literally_and_fires_nothing(library_path: Path) -> None:
    async def scenario(app: FieldbriefApp, pilot: Pilot) -> None:
        await search(pilot, "boom")
        await pilot.press("enter", "enter")
        await settle(pilot)
        assert app.article is not None and app.article.title == HOSTILE_TITLE
        header = app.query_one("#article-header", Static).render()
        assert "[bold red]x[/] [link=file:///etc/passwd]pw[/link]" in str(header)
        assert "[b]Evil[/b] Wire" in str(header)
        texts = " ".join(str(p.render()) for p in app.query(Paragraph))
        assert "[@click=app.quit]here[/]" in texts
        assert "\x1b" not in texts and "\x07" not in texts
        # Clicking on the would-be action link does nothing.
        for paragraph in app.query(Paragraph):
            await pilot.click(paragraph, offset=(8, 0))
        await pilot.click("#article-header", offset=(3, 0))
        await settle(pilot, 1)
        assert app.is_running and app.return_code is None
        screen_text = app.export_screenshot()
        assert "[@click=app.quit]" in screen_text or "[@click=app.quit]" in screen_text.replace(
            "&#160;", " "
        )

    run(library_path, scenario)


def test_markdown_article_renders_without_live_links(library_path: Path) -> None:
    async def scenario(app: FieldbriefApp, pilot: Pilot) -> None:
        await search(pilot, "title:markdown")
        await pilot.press("enter", "enter")
        await settle(pilot)
        assert app.article is not None and app.article.format == "md"
        pane = app.query_one(ArticlePane)
        assert pane.rendered_markdown
        from textual.widgets import Markdown

        markdown = pane.query_one(Markdown)
        markdown.post_message(Markdown.LinkClicked(markdown, "file:///etc/passwd"))
        await settle(pilot, 1)
        assert app.is_running
        await pilot.press("m")
        assert not pane.rendered_markdown and pane.query(Paragraph)

    run(library_path, scenario)


def test_state_restored_across_runs(library_path: Path, tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    opened: dict[str, str] = {}

    async def first(app: FieldbriefApp, pilot: Pilot) -> None:
        await search(pilot, "troops")
        await pilot.press("enter", "j", "enter")
        await settle(pilot)
        assert app.article is not None
        opened["id"] = app.article.id
        await pilot.press("ctrl+d")
        await pilot.pause()
        opened["scroll"] = str(app.query_one(ArticleBody).scroll_y)
        await pilot.press("q")

    run(library_path, first, state_path=state)
    saved = json.loads(state.read_text())
    assert saved["query"] == "troops" and saved["article_id"] == opened["id"]
    assert "troops" in saved["history"]

    async def second(app: FieldbriefApp, pilot: Pilot) -> None:
        assert app.query_one(QueryInput).value == "troops"
        assert app.article is not None and app.article.id == opened["id"]
        # The scroll position is applied once the article is laid out; allow a
        # busy machine a few seconds for that.
        for _ in range(50):
            if float(app.query_one(ArticleBody).scroll_y) == float(opened["scroll"]):
                break
            await pilot.pause(0.1)
        assert float(app.query_one(ArticleBody).scroll_y) == float(opened["scroll"])
        # ↑ in the search box recalls the history.
        app.query_one(QueryInput).focus()
        await pilot.press("up")
        assert app.query_one(QueryInput).value == "troops"

    run(library_path, second, state_path=state)


def test_user_keymap_overrides_bindings(library_path: Path, tmp_path: Path) -> None:
    keymap = tmp_path / "keymap.toml"
    keymap.write_text('[keymap]\n"fieldbrief.timeline" = "ctrl+t"\n', "utf-8")

    async def scenario(app: FieldbriefApp, pilot: Pilot) -> None:
        await search(pilot, "Agadez")
        await pilot.press("enter", "t")
        assert not isinstance(app.screen, TimelineScreen)
        await pilot.press("ctrl+t")
        await settle(pilot, 1)
        assert isinstance(app.screen, TimelineScreen)

    run(library_path, scenario, keymap_file=keymap)


def test_copy_citation_and_passage(library_path: Path) -> None:
    copied: list[str] = []

    async def scenario(app: FieldbriefApp, pilot: Pilot) -> None:
        app.copy_to_clipboard = copied.append  # type: ignore[method-assign]
        await search(pilot, "Singh")
        await pilot.press("enter", "enter")
        await settle(pilot)
        article = app.article
        assert article is not None
        await pilot.press("y")
        assert copied[-1].startswith(article.title.rstrip("."))
        assert f"fieldbrief:{article.id}" in copied[-1] and article.date.isoformat() in copied[-1]  # type: ignore[union-attr]
        await pilot.press("n", "c")
        assert "Singh" in copied[-1] and len(copied[-1]) < 600

    run(library_path, scenario)


def test_maximise_focused_pane(library_path: Path) -> None:
    async def scenario(app: FieldbriefApp, pilot: Pilot) -> None:
        await search(pilot, "Agadez")
        await pilot.press("enter", "2", "z")
        assert app.screen.maximized is app.query_one(ArticlePane)
        await pilot.press("escape")
        assert app.screen.maximized is None

    run(library_path, scenario)


def test_first_frame_before_library_opens(fb_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without a library object the app opens the default one in a worker."""
    import threading

    from fieldbrief.search.library import Library

    gate = threading.Event()
    real_open = Library.open.__func__  # type: ignore[attr-defined]

    def slow_open(cls: type[Library], *args: object, **kwargs: object) -> Library:
        gate.wait(10)
        return real_open(cls, *args, **kwargs)

    monkeypatch.setattr(Library, "open", classmethod(slow_open))

    async def main() -> None:
        app = create_app(state_path=fb_home / "s.json")
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            assert app.library is None
            assert app.query_one(ResultsList).loading
            assert "Opening library" in str(app.query_one("#results-status", Static).render())
            gate.set()
            await pilot.app.workers.wait_for_complete()
            await pilot.pause(0.1)
            assert app.library is not None and not app.query_one(ResultsList).loading
            await search(pilot, "Agadez")
            assert app.results is not None and app.results.total >= 1

    asyncio.run(main())


@pytest.mark.parametrize("theme", ["ansi-dark", "fieldbrief-light", "fieldbrief-contrast"])
def test_themes_render_without_errors(library_path: Path, theme: str) -> None:
    async def scenario(app: FieldbriefApp, pilot: Pilot) -> None:
        app.set_theme(theme)
        await search(pilot, "Agadez")
        await pilot.press("enter", "enter")
        await settle(pilot, 1)
        assert app.theme == theme
        assert "Agadez" in app.export_screenshot()

    run(library_path, scenario)
