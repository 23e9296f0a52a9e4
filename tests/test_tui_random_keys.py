"""Hundreds of random key presses across every screen: no crash, still responsive."""

from __future__ import annotations

import asyncio
import random
from pathlib import Path

import pytest

from fieldbrief.tui.app import create_app
from fieldbrief.tui.results import ResultsList
from tests.test_tui_support import open_library, settle

pytestmark = pytest.mark.slow

PRESSES = 600
"""Enough to open and leave every screen many times over; 2,000 took 140 s on
a shared 2-core machine."""

# Everything an analyst might press, including the keys that open screens
# (help, timeline, conflicts, briefing, palette), minus the ones that quit.
KEYS = [
    *"abcdefghijklmnoprstuvwxyz",
    *"ABDEGJKNPSX",
    *"0123456789/?[]~*\"'-:",
    "enter", "escape", "tab", "shift+tab", "space", "backspace", "delete",
    "up", "down", "left", "right", "home", "end", "pageup", "pagedown",
    "ctrl+d", "ctrl+u", "ctrl+p", "ctrl+b", "ctrl+y", "ctrl+up", "ctrl+down",
    "f1", "f2", "f3", "f4",
]  # fmt: skip


def test_random_key_presses_never_crash(library_path: Path, tmp_path: Path) -> None:
    rng = random.Random(20231108)
    presses = [rng.choice(KEYS) for _ in range(PRESSES)]

    async def main() -> None:
        library = open_library(library_path)
        app = create_app(library=library, state_path=tmp_path / "state.json")
        try:
            async with app.run_test(size=(100, 30)) as pilot:
                await settle(pilot)
                for start in range(0, len(presses), 100):
                    await pilot.press(*presses[start : start + 100])
                    await pilot.pause()
                    assert app.is_running, f"app stopped after press {start + 100}"
                # Still responsive: back to the main screen and a search works.
                for _ in range(6):
                    if len(app.screen_stack) == 1:
                        break
                    app.pop_screen()
                    await pilot.pause()
                assert len(app.screen_stack) == 1
                app.main.search_for("agadez")
                listing = app.query_one(ResultsList)
                await settle(
                    pilot, until=lambda: listing.results and listing.results.query == "agadez"
                )
                assert listing.results is not None and listing.results.total >= 5
        finally:
            library.close()

    asyncio.run(main())
