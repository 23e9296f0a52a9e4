"""Pilot tests for the app itself: opening the library, themes, layout, saved state."""

from __future__ import annotations

import asyncio
import json
import threading
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Static

from fieldbrief.tui.app import FieldbriefApp, create_app
from fieldbrief.tui.article import ArticleBody, FindInput
from fieldbrief.tui.facts import FactList
from fieldbrief.tui.query_bar import QueryInput
from fieldbrief.tui.results import ResultsList
from fieldbrief.tui.screens import HelpScreen
from tests.test_tui_support import run, search, settle, wait_for


def _hold_library_open(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """Make ``Library.open`` wait until the returned event is set."""
    from fieldbrief.search.library import Library

    gate = threading.Event()
    real_open = Library.open.__func__  # type: ignore[attr-defined]

    def slow_open(cls: type[Library], *args: object, **kwargs: object) -> Library:
        gate.wait(10)
        return real_open(cls, *args, **kwargs)

    monkeypatch.setattr(Library, "open", classmethod(slow_open))
    return gate


def _status(app: FieldbriefApp) -> str:
    return str(app.query_one("#results-status", Static).render())


def _footer(app: FieldbriefApp) -> list[str]:
    from textual.widgets._footer import FooterKey

    return [key.description for key in app.screen.query(FooterKey)]


def test_first_frame_before_a_new_library_opens(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No library yet: the app says so while it makes one (with the seeds) in a worker."""
    monkeypatch.setenv("FIELDBRIEF_HOME", str(tmp_path / "new-home"))
    gate = _hold_library_open(monkeypatch)

    async def main() -> None:
        app = create_app(state_path=tmp_path / "s.json")
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            assert app.library is None
            assert app.query_one(ResultsList).loading
            assert "Opening library" in _status(app)
            gate.set()
            await settle(pilot, lambda: app.main.search.results is not None, timeout=60)
            assert app.library is not None and not app.query_one(ResultsList).loading
            assert app.main.search.results is not None
            assert app.main.search.results.total == 5  # the bundled seeds

    asyncio.run(main())


def test_library_is_listed_before_its_index_opens(
    fb_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first screen comes from the store while Whoosh loads; a hit chosen and a
    search typed meanwhile are carried out once the library is open."""
    gate = _hold_library_open(monkeypatch)

    async def main() -> None:
        app = create_app(state_path=fb_home / "s.json")
        async with app.run_test(size=(100, 30)) as pilot:
            listing = app.query_one(ResultsList)
            await wait_for(pilot, lambda: len(listing.hits) == 7)
            assert app.library is None and not listing.loading
            assert "7 articles" in _status(app)
            await pilot.press("down")
            wanted = listing.hits[1].id
            await pilot.pause()
            assert app.main.article is None
            gate.set()
            await settle(pilot, lambda: app.main.article is not None)
            assert app.main.article is not None and app.main.article.id == wanted

    asyncio.run(main())


def test_first_frame_lists_the_library_focused_before_any_worker_runs(
    fb_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The store's first page, read while Textual starts, is in the very first
    frame with the results focused; the index opens only after that frame (here
    held back entirely), and its opening then groups the page's stories."""
    import fieldbrief.tui.main_screen as main_screen

    gate = threading.Event()
    started: list[bool] = []
    real_open = main_screen.open_library

    def held_open(*args: object) -> None:
        started.append(True)
        gate.wait(10)
        real_open(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(main_screen, "open_library", held_open)

    async def main() -> None:
        app = create_app(state_path=fb_home / "s.json")
        assert app.store_listing is not None and app.store_listing.wait(10)
        async with app.run_test(size=(100, 30)) as pilot:
            listing = app.query_one(ResultsList)
            # Checked before the first pause: nothing has run but mounting.
            assert len(listing.hits) == 7 and not listing.loading
            assert app.focused is listing
            assert "7 articles" in _status(app)
            assert "Open article" in _footer(app)  # the results' keys, in the same frame
            assert app.library is None and not listing.story_of
            gate.set()
            await settle(pilot, lambda: app.library is not None and listing.story_of)
            assert started == [True]
            # The three reports of 8 September 2023 collapse into one row.
            assert any(o.id and o.id.startswith("story:") for o in listing._options)

    asyncio.run(main())


def test_footer_keys_are_styled_once_as_they_mount(
    library_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No key changes its classes (and is restyled) while it mounts."""
    from textual.widgets._footer import FooterKey

    restyled: list[str] = []
    real = FooterKey.update_node_styles

    def counting(key: FooterKey, animate: bool = True) -> None:
        restyled.append(key.description)
        real(key, animate)

    monkeypatch.setattr(FooterKey, "update_node_styles", counting)

    async def scenario(app: FieldbriefApp, pilot: Pilot) -> None:
        assert "Open article" in _footer(app)
        assert restyled == []

    run(library_path, scenario)


def test_footer_is_rebuilt_only_when_its_keys_change(library_path: Path) -> None:
    from textual.widgets import Footer

    rebuilt: list[str] = []
    real = Footer.recompose

    async def counting(footer: Footer) -> None:
        rebuilt.append(type(footer.screen.focused).__name__)
        await real(footer)

    async def scenario(app: FieldbriefApp, pilot: Pilot) -> None:
        # Start-up focuses the results: one rebuild, not one per bindings refresh.
        assert rebuilt == ["ResultsList"]
        await pilot.press("2")
        await settle(pilot)
        assert rebuilt[-1] == "ArticleBody"
        assert "Find in article" in _footer(app)  # the article's own keys
        count = len(rebuilt)
        app.screen.refresh_bindings()
        await settle(pilot)
        assert len(rebuilt) == count

    Footer.recompose = counting  # type: ignore[method-assign]
    try:
        run(library_path, scenario)
    finally:
        Footer.recompose = real  # type: ignore[method-assign]


def test_search_typed_while_the_library_opens_runs_once_it_is_open(
    fb_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    gate = _hold_library_open(monkeypatch)

    async def main() -> None:
        app = create_app(state_path=fb_home / "s.json")
        async with app.run_test(size=(100, 30)) as pilot:
            listing = app.query_one(ResultsList)
            await wait_for(pilot, lambda: len(listing.hits) == 7)
            await pilot.press("slash", *"Agadez")
            await pilot.pause(0.4)  # past the typing debounce
            assert app.main.search.results is not None
            assert app.main.search.results.query == ""  # still the listing
            gate.set()
            await settle(pilot, lambda: app.main.search.results.query == "Agadez")  # type: ignore[union-attr]
            results = app.main.search.results
            assert results is not None and results.total >= 1
            assert app.query_one(QueryInput).value == "Agadez"

    asyncio.run(main())


def test_saved_theme_is_set_before_any_style_is_parsed(
    library_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every stylesheet is parsed once, with the saved theme's colours: none is
    parsed for Textual's default theme and again once the saved one is set."""
    import textual.css.stylesheet as stylesheet

    state = tmp_path / "state.json"
    state.write_text(json.dumps({"theme": "fieldbrief-light"}))
    parsed: list[tuple[object, str]] = []
    real = stylesheet.parse

    def parse(scope: str, css: str, read_from: object, **kwargs: Any) -> Any:
        source = (read_from, scope, kwargs.get("tie_breaker"))
        parsed.append((source, kwargs["variable_tokens"]["background"][0].value))
        return real(scope, css, read_from, **kwargs)

    monkeypatch.setattr(stylesheet, "parse", parse)

    async def scenario(app: FieldbriefApp, pilot: Pilot) -> None:
        assert app.theme == "fieldbrief-light"
        sources = [source for source, _ in parsed]
        assert [s for s in sources if sources.count(s) > 1] == []
        assert {colour for _, colour in parsed} == {app.get_css_variables()["background"]}

    run(library_path, scenario, state_path=state)


def test_run_freezes_what_start_up_made_and_collects_nothing_until_the_first_frame(
    library_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The modules and classes loaded before the app runs are kept out of the
    collector's passes (gc.freeze), and it makes none until the first frame."""
    import gc

    from textual.app import App

    seen: list[tuple[int, bool]] = []
    monkeypatch.setattr(
        App, "run", lambda app, **kwargs: seen.append((gc.get_freeze_count(), gc.isenabled()))
    )
    try:
        gc.unfreeze()
        create_app(library_path, state_path=tmp_path / "state.json").run()
    finally:
        gc.unfreeze()
        gc.enable()
    assert len(seen) == 1 and seen[0][0] > 0 and not seen[0][1]

    async def scenario(app: FieldbriefApp, pilot: Pilot) -> None:
        assert gc.isenabled()  # turned on again once the first frame is out

    gc.disable()
    try:
        run(library_path, scenario)
    finally:
        gc.enable()


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


@pytest.mark.parametrize("theme", ["ansi-dark", "fieldbrief-light", "fieldbrief-contrast"])
def test_themes_render_without_errors(library_path: Path, theme: str) -> None:
    async def scenario(app: FieldbriefApp, pilot: Pilot) -> None:
        app.set_theme(theme)
        await search(pilot, "Agadez")
        await pilot.press("enter", "enter")
        await settle(pilot)
        assert app.theme == theme
        assert "Agadez" in app.export_screenshot()

    run(library_path, scenario)


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


def test_state_restored_across_runs(library_path: Path, tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    opened: dict[str, str] = {}

    async def first(app: FieldbriefApp, pilot: Pilot) -> None:
        await search(pilot, "troops")
        await pilot.press("enter", "j", "enter")
        await settle(pilot)
        assert app.main.article is not None
        opened["id"] = app.main.article.id
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
        assert app.main.article is not None and app.main.article.id == opened["id"]
        # The scroll position is applied once the article is laid out; allow a
        # busy machine a few seconds for that.
        body = app.query_one(ArticleBody)
        await wait_for(pilot, lambda: float(body.scroll_y) == float(opened["scroll"]), 5)
        # ↑ in the search box recalls the history.
        app.query_one(QueryInput).focus()
        await pilot.press("up")
        assert app.query_one(QueryInput).value == "troops"

    run(library_path, second, state_path=state)


def test_first_screen_lists_the_library_newest_first(library_path: Path) -> None:
    """Issue 13.1: the empty query is the whole library, newest first, counted."""

    async def scenario(app: FieldbriefApp, pilot: Pilot) -> None:
        listing = app.query_one(ResultsList)
        assert listing.results is not None and listing.results.total == 7
        dates = [h.date for h in listing.hits]
        dated = [d for d in dates if d is not None]
        assert dated == sorted(dated, reverse=True) and dates[0] == max(dated)
        assert "7 articles · newest first" in str(app.query_one("#results-status", Static).render())
        assert app.main.article is not None and app.main.article.id == listing.hits[0].id
        await search(pilot, "Agadez")
        app.query_one(QueryInput).value = ""
        await settle(pilot)
        assert listing.results is not None and listing.results.total == 7

    run(library_path, scenario)


def test_focus_starts_in_results_and_every_hint_key_works_there(
    library_path: Path, tmp_path: Path
) -> None:
    """Issue 13.5: 1/2/3, ? and q used to type into the search box ("2q" was
    saved as the query); / always means search, f finds in the article."""
    state = tmp_path / "state.json"

    async def scenario(app: FieldbriefApp, pilot: Pilot) -> None:
        assert isinstance(app.focused, ResultsList)
        hint = app.query_one("#hint", Static)
        assert "/: search" in str(hint.render())
        await pilot.press("2")
        assert isinstance(app.focused, ArticleBody)
        await pilot.press("slash")
        assert isinstance(app.focused, QueryInput)
        assert "esc" in str(hint.render())
        await pilot.press("escape")
        assert isinstance(app.focused, ResultsList)
        await pilot.press("2", "f")
        assert isinstance(app.focused, FindInput)
        await pilot.press("escape", "question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape", "q")
        assert not app.is_running

    run(library_path, scenario, state_path=state)
    assert json.loads(state.read_text())["query"] == ""
