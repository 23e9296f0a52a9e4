"""Snapshot tests of the main screen, overlays and the timeline.

Deterministic by construction: a copied test library with rule-based facts, a
fixed keymap path, no clock, and every worker finished before the snapshot.
Update with ``pytest tests/test_tui_snapshots.py --snapshot-update`` after an
intended visual change, and look at the report before committing.
"""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot

from fieldbrief.search.library import Library
from fieldbrief.tui.app import FieldbriefApp, create_app
from fieldbrief.tui.facts import FactList
from fieldbrief.tui.query_bar import QueryInput
from tests.test_tui_support import settle

KEYMAP = Path("/nonexistent/fieldbrief/keymap.toml")


def make_app(library: Library, tmp_path: Path, theme: str | None = None) -> FieldbriefApp:
    app = create_app(library=library, state_path=tmp_path / "state.json", keymap_file=KEYMAP)
    if theme:
        app.state.theme = theme
    return app


async def open_pentagon_article(pilot: Pilot) -> None:
    await settle(pilot)
    pilot.app.query_one(QueryInput).focus()
    await pilot.press(*"Singh troops")
    await settle(pilot)
    await pilot.press("enter", "enter")
    await settle(pilot)
    await pilot.press("n")
    await settle(pilot)


def test_main_screen_80x24(snap_compare, tui_library: Library, tmp_path: Path) -> None:
    app = make_app(tui_library, tmp_path)
    assert snap_compare(app, terminal_size=(80, 24), run_before=open_pentagon_article)


def test_main_screen_160x48(snap_compare, tui_library: Library, tmp_path: Path) -> None:
    app = make_app(tui_library, tmp_path)
    assert snap_compare(app, terminal_size=(160, 48), run_before=open_pentagon_article)


def test_main_screen_ansi_theme(snap_compare, tui_library: Library, tmp_path: Path) -> None:
    app = make_app(tui_library, tmp_path, theme="ansi-dark")
    assert snap_compare(app, terminal_size=(120, 36), run_before=open_pentagon_article)


def test_main_screen_contrast_theme(snap_compare, tui_library: Library, tmp_path: Path) -> None:
    app = make_app(tui_library, tmp_path, theme="fieldbrief-contrast")
    assert snap_compare(app, terminal_size=(120, 36), run_before=open_pentagon_article)


def test_help_overlay(snap_compare, tui_library: Library, tmp_path: Path) -> None:
    async def before(pilot: Pilot) -> None:
        await open_pentagon_article(pilot)
        await pilot.press("1", "question_mark")
        await settle(pilot)

    app = make_app(tui_library, tmp_path)
    assert snap_compare(app, terminal_size=(100, 36), run_before=before)


def test_conflict_view(snap_compare, tui_library: Library, tmp_path: Path) -> None:
    async def before(pilot: Pilot) -> None:
        await open_pentagon_article(pilot)
        await pilot.press("o")
        await settle(pilot)
        facts = pilot.app.query_one(FactList)
        facts.highlighted = facts.get_option_index(next(iter(facts.conflict_rows)))
        await pilot.press("enter")
        await settle(pilot)

    app = make_app(tui_library, tmp_path)
    assert snap_compare(app, terminal_size=(140, 36), run_before=before)


def test_timeline(snap_compare, tui_library: Library, tmp_path: Path) -> None:
    async def before(pilot: Pilot) -> None:
        await open_pentagon_article(pilot)
        await pilot.press("t")
        await settle(pilot)

    app = make_app(tui_library, tmp_path)
    assert snap_compare(app, terminal_size=(120, 30), run_before=before)
