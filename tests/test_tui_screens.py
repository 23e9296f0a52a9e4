"""Pilot tests for keys, help, the command palette and the secondary screens."""

from __future__ import annotations

from pathlib import Path

from textual.binding import Binding
from textual.command import CommandPalette
from textual.pilot import Pilot
from textual.widgets import OptionList

from fieldbrief.search.events import sort_key
from fieldbrief.tui.app import FieldbriefApp
from fieldbrief.tui.article import ArticleBody, ArticlePane
from fieldbrief.tui.facts import FactList
from fieldbrief.tui.query_bar import QueryInput
from fieldbrief.tui.results import ResultsList
from fieldbrief.tui.screens import (
    ClaimList,
    ConflictScreen,
    HelpScreen,
    TimelineList,
    TimelineScreen,
)
from tests.test_tui_support import HOSTILE_TITLE, run, search, settle


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
    from fieldbrief.tui import (
        article,
        briefing,
        briefing_dialogs,
        facts,
        main_screen,
        query_bar,
        results,
        screens,
    )

    modules = [article, briefing, briefing_dialogs, facts, main_screen, query_bar, results, screens]
    classes = [
        cls
        for module in modules
        for cls in vars(module).values()
        if isinstance(cls, type) and cls.__module__ == module.__name__ and "BINDINGS" in vars(cls)
    ]
    assert main_screen.MainScreen in classes and screens.TimelineList in classes
    for cls in classes:
        for binding in cls.BINDINGS:
            assert isinstance(binding, Binding), (cls, binding)
            assert binding.id and binding.id.startswith("fieldbrief."), (cls, binding)
            assert binding.description, (cls, binding)


def test_command_palette_has_fieldbrief_commands(library_path: Path) -> None:
    async def scenario(app: FieldbriefApp, pilot: Pilot) -> None:
        await search(pilot, "Agadez")
        await pilot.press("enter")
        await pilot.press("ctrl+p")
        await settle(pilot)
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"timeline")
        await settle(pilot)
        prompts = [str(o.prompt) for o in app.screen.query_one(OptionList).options]
        assert any("Timeline" in p for p in prompts)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, TimelineScreen)

    run(library_path, scenario)


def test_command_palette_opens_articles_by_title_literally(library_path: Path) -> None:
    async def scenario(app: FieldbriefApp, pilot: Pilot) -> None:
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"boom")
        await settle(pilot)
        prompts = [o.prompt for o in app.screen.query_one(OptionList).options]
        plains = [getattr(p, "plain", str(p)) for p in prompts]
        assert any("[@click=app.quit]boom[/]" in p for p in plains), plains
        await pilot.press("enter")
        await settle(pilot)
        assert app.is_running
        assert app.main.article is not None and app.main.article.title == HOSTILE_TITLE

    run(library_path, scenario)


def test_user_keymap_overrides_bindings(library_path: Path, tmp_path: Path) -> None:
    keymap = tmp_path / "keymap.toml"
    keymap.write_text('[keymap]\n"fieldbrief.timeline" = "ctrl+t"\n', "utf-8")

    async def scenario(app: FieldbriefApp, pilot: Pilot) -> None:
        await search(pilot, "Agadez")
        await pilot.press("enter", "t")
        assert not isinstance(app.screen, TimelineScreen)
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert isinstance(app.screen, TimelineScreen)

    run(library_path, scenario, keymap_file=keymap)


def test_timeline_opens_and_jumps_to_sentence(library_path: Path) -> None:
    async def scenario(app: FieldbriefApp, pilot: Pilot) -> None:
        await search(pilot, "Agadez")
        await pilot.press("enter", "t")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, TimelineScreen)
        assert screen.dated and max(screen.query_one("Sparkline").data) >= 1  # type: ignore[attr-defined]
        values = [e.date for e in screen.events]
        assert values == sorted(values, key=sort_key)
        first = screen.dated["e0"]
        # An event told in the article's words, not the article's title.
        assert first.text != first.title
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, TimelineScreen)
        pane = app.query_one(ArticlePane)
        assert pane.article is not None and pane.article.id == first.article_id
        assert pane.focus_span == (first.sentence or first.span)

    run(library_path, scenario)


def test_timeline_event_lists_its_sources_and_opens_the_chosen_one(library_path: Path) -> None:
    async def scenario(app: FieldbriefApp, pilot: Pilot) -> None:
        await pilot.press("t")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, TimelineScreen)
        shared = next(e for e in screen.events if len(e.sources) >= 2)
        number = screen.events.index(shared)
        listing = screen.query_one(TimelineList)
        second = f"e{number}s1"
        assert second in screen.dated
        listing.highlighted = listing.get_option_index(second)
        await pilot.press("enter")
        await settle(pilot)
        pane = app.query_one(ArticlePane)
        chosen = shared.sources[1]
        assert pane.article is not None and pane.article.id == chosen.article_id
        assert pane.focus_span == (chosen.start, chosen.end)

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
        screen = app.screen
        assert isinstance(screen, ConflictScreen)
        assert len(screen.claim_rows) >= 2
        chosen = screen.current_claim
        assert chosen is not None
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, ConflictScreen)
        assert app.main.article is not None and app.main.article.id == chosen.article_id
        # The figure in the article carries the ⚠ marker and x opens the same view.
        flagged = [e for e in facts.entries.values() if e.disputed]
        assert flagged
        facts.focus()
        facts.highlighted = facts.get_option_index(
            next(k for k, e in facts.entries.items() if e.disputed)
        )
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, ConflictScreen)

    run(library_path, scenario)


def test_conflict_popup_at_80x24_lists_every_claim_navigably(library_path: Path) -> None:
    async def scenario(app: FieldbriefApp, pilot: Pilot) -> None:
        await search(pilot, "Agadez")
        await pilot.press("enter", "o")
        await settle(pilot)
        facts = app.query_one(FactList)
        facts.highlighted = facts.get_option_index(next(iter(facts.conflict_rows)))
        await pilot.press("x")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ConflictScreen)
        listing = screen.query_one(ClaimList)
        region = listing.region
        assert region.y >= 0 and region.bottom <= 24 and region.right <= 80
        seen = []
        for _ in range(len(screen.claim_rows) + 2):
            claim = screen.current_claim
            assert claim is not None
            if claim not in seen:
                seen.append(claim)
            await pilot.press("down")
        assert len(seen) == len(screen.claim_rows)
        # Claims below the fold are scrolled to, not left off-screen.
        await pilot.press("end")
        await settle(pilot)
        assert screen.current_claim is list(screen.claim_rows.values())[-1]
        if listing.max_scroll_y > 0:
            assert listing.scroll_offset.y > 0
        for claim in screen.claim_rows.values():
            prompt = screen._claim_prompt(claim).plain
            assert claim.source is None or claim.source in prompt
            assert (claim.sentence or claim.text)[:20] in prompt
            # A card as tall as its content: value line, optional attribution, sentence.
            assert len(prompt.splitlines()) <= 3

    run(library_path, scenario, size=(80, 24))
