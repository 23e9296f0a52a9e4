"""Terminal-tool conventions in the app: the palette teaches keys, the query
language is explained in the app, the pager and editor, tags and briefings."""

from __future__ import annotations

from pathlib import Path

from textual.command import CommandPalette
from textual.containers import VerticalScroll
from textual.pilot import Pilot
from textual.widgets import OptionList, Static

from fieldbrief.tui.app import FieldbriefApp
from fieldbrief.tui.query_bar import QueryInput
from fieldbrief.tui.screens import HelpScreen
from tests.test_tui_support import run, settle


async def _palette_prompts(app: FieldbriefApp, pilot: Pilot, text: str) -> list[str]:
    await pilot.press("ctrl+p")
    await settle(pilot)
    assert isinstance(app.screen, CommandPalette)
    await pilot.press(*text)
    await settle(pilot)
    return [str(o.prompt) for o in app.screen.query_one(OptionList).options]


def test_palette_entries_show_their_keys(library_path: Path) -> None:
    async def scenario(app: FieldbriefApp, pilot: Pilot) -> None:
        prompts = await _palette_prompts(app, pilot, "timeline")
        assert any("Timeline" in p and "t · " in p for p in prompts), prompts

    run(library_path, scenario)


def test_palette_keys_follow_the_users_keymap(library_path: Path, tmp_path: Path) -> None:
    keymap = tmp_path / "keymap.toml"
    keymap.write_text('[keymap]\n"fieldbrief.timeline" = "ctrl+t"\n', "utf-8")

    async def scenario(app: FieldbriefApp, pilot: Pilot) -> None:
        prompts = await _palette_prompts(app, pilot, "timeline")
        assert any("^t · " in p for p in prompts), prompts

    run(library_path, scenario, keymap_file=keymap)


def test_query_syntax_help_from_the_search_box(library_path: Path) -> None:
    async def scenario(app: FieldbriefApp, pilot: Pilot) -> None:
        app.screen.query_one(QueryInput).focus()
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        syntax = app.screen.query_one("#help-syntax", Static)
        text = str(syntax.render())
        assert "Query syntax" in text and 'person:"Mohamed Bazoum"' in text
        assert "date:[2023-09-01 to 2023-12-31]" in text
        body = app.screen.query_one("#help-body", VerticalScroll)
        # Opened from the search box, the syntax is in view without scrolling.
        assert body.scroll_y > 0 or body.max_scroll_y == 0
        assert syntax.region.y >= body.region.y and syntax.region.y < body.region.bottom
        await pilot.press("escape")
        await settle(pilot)
        prompts = await _palette_prompts(app, pilot, "query syntax")
        assert any("Query syntax" in p for p in prompts)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen) and app.screen.syntax_first

    run(library_path, scenario, size=(100, 30))
