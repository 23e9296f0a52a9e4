"""Terminal-tool conventions in the app: the palette teaches keys, the query
language is explained in the app, the pager and editor, tags and briefings."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from textual.command import CommandPalette
from textual.containers import VerticalScroll
from textual.pilot import Pilot
from textual.widgets import OptionList, Static

from fieldbrief.search.briefing import Briefings
from fieldbrief.tui.app import FieldbriefApp
from fieldbrief.tui.briefing_dialogs import BriefingPicker
from fieldbrief.tui.query_bar import QueryInput
from fieldbrief.tui.safe import plain
from fieldbrief.tui.screens import HelpScreen
from tests.test_tui_support import run, search, settle


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


def test_every_palette_command_with_a_key_shows_it(library_path: Path) -> None:
    async def scenario(app: FieldbriefApp, pilot: Pilot) -> None:
        for typed, title, key in (
            ("tag article", "Tag article", "T"),
            ("view in pager", "View in pager", "v"),
            ("edit source", "Edit source file", "E"),
            ("switch briefing", "Switch briefing", "W"),
            ("quit", "Quit", "q"),
        ):
            prompts = await _palette_prompts(app, pilot, typed)
            assert any(title in p and f"{key} · " in p for p in prompts), (title, prompts)
            await pilot.press("escape")
            await settle(pilot)
        prompts = await _palette_prompts(app, pilot, "keys")
        # fieldbrief's key help replaces Textual's key panel: one "Keys", not two
        assert sum(p.splitlines()[0].strip() == "Keys" for p in prompts) <= 1, prompts
        await pilot.press("escape")
        await settle(pilot)
        prompts = await _palette_prompts(app, pilot, "timeline")
        assert any("Events by month" in p for p in prompts), prompts

    run(library_path, scenario)


def test_E_on_a_bundled_sample_says_it_has_no_file_of_yours() -> None:
    from fieldbrief.search.model import Article
    from fieldbrief.tui.external import ExternalError, source_file

    sample = Article(id="x", title="t", body="b", path="bundled sample 000_ab.txt")
    with pytest.raises(ExternalError, match="bundled sample has no source file of yours"):
        source_file(sample)


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


def _recorder(tmp_path: Path, name: str) -> tuple[Path, Path]:
    """A stand-in pager/editor that records its arguments and the file it got."""
    out = tmp_path / f"{name}.out"
    script = tmp_path / f"{name}.sh"
    script.write_text(
        f'#!/bin/sh\nprintf "%s\\n" "$@" > "{out}.args"\ncat "$(eval echo \\${{$#}})" > "{out}"\n'
    )
    script.chmod(0o755)
    return script, out


@pytest.fixture
def suspendable(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pilot's headless driver cannot suspend; the real terminal case is in e2e."""
    monkeypatch.setattr(FieldbriefApp, "suspend", lambda self: contextlib.nullcontext())


def test_v_shows_the_article_as_clean_text_in_the_pager(
    library_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, suspendable: None
) -> None:
    script, out = _recorder(tmp_path, "pager")
    monkeypatch.setenv("PAGER", str(script))

    async def scenario(app: FieldbriefApp, pilot: Pilot) -> None:
        await search(pilot, "escapemarker")
        await pilot.press("enter")
        await settle(pilot)
        article = app.main.article
        assert article is not None
        await pilot.press("v")
        await settle(pilot)
        text = out.read_text("utf-8")
        assert "\x1b" not in text  # the pager gets what the app shows, not escapes
        assert plain(article.title) in text
        assert not Path(out.with_suffix(".out.args").read_text().strip()).exists()  # temp file gone

    run(library_path, scenario)


def test_E_opens_the_source_file_in_the_editor(
    library_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, suspendable: None
) -> None:
    script, out = _recorder(tmp_path, "editor")
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", str(script))

    async def scenario(app: FieldbriefApp, pilot: Pilot) -> None:
        await search(pilot, "Agadez")
        await pilot.press("enter")
        await settle(pilot)
        article = app.main.article
        assert article is not None
        await pilot.press("E")
        await settle(pilot)
        args = out.with_suffix(".out.args").read_text("utf-8").split()
        assert args[-1] == article.path
        assert out.read_bytes() == Path(article.path).read_bytes()

    run(library_path, scenario)


def test_pager_missing_is_a_message_not_a_crash(
    library_path: Path, monkeypatch: pytest.MonkeyPatch, suspendable: None
) -> None:
    monkeypatch.setenv("PAGER", "/nonexistent/pager")

    async def scenario(app: FieldbriefApp, pilot: Pilot) -> None:
        await search(pilot, "Agadez")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("v")
        await settle(pilot)
        assert app.is_running
        assert any("not found" in str(n.message) for n in app._notifications)

    run(library_path, scenario)


def test_T_tags_the_open_article(library_path: Path) -> None:
    async def scenario(app: FieldbriefApp, pilot: Pilot) -> None:
        await search(pilot, "Agadez")
        await pilot.press("enter")
        await settle(pilot)
        article = app.main.article
        assert article is not None and app.library is not None
        await pilot.press("T")
        await settle(pilot)
        await pilot.press("ctrl+u", *"niger, drawdown", "enter")
        await settle(pilot)
        assert app.library.tags_for(article.id) == ["drawdown", "niger"]
        header = str(app.query_one("#article-header", Static).render())
        assert "tags: drawdown, niger" in header
        await search(pilot, "")
        app.main.query_one(QueryInput).value = ""
        await pilot.press(*"tag:drawdown")
        await settle(pilot)
        results = app.main.search.results
        assert results is not None and [h.id for h in results.hits] == [article.id]

    run(library_path, scenario)


def test_switch_briefing_from_the_main_screen(library_path: Path) -> None:
    async def scenario(app: FieldbriefApp, pilot: Pilot) -> None:
        assert app.library is not None
        briefings = Briefings(app.library)
        first = briefings.create("Niger drawdown")
        second = briefings.create("Sahel juntas")
        assert briefings.current_id() == second.id
        await pilot.press("W")
        await settle(pilot)
        assert isinstance(app.screen, BriefingPicker)
        listing = app.screen.query_one(OptionList)
        assert listing.highlighted == 1  # starts on the current briefing
        await pilot.press("up", "enter")
        await settle(pilot)
        assert not isinstance(app.screen, BriefingPicker)
        assert briefings.current_id() == first.id
        await search(pilot, "Agadez")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        assert [p.article_id for p in briefings.pins(first.id)] == [app.main.article.id]  # type: ignore[union-attr]

    run(library_path, scenario)
