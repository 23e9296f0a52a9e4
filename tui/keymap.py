"""The main screen's keys, and user overrides from ``config_dir()/keymap.toml``.

The file maps binding ids to keys, either at top level or under ``[keymap]``::

    [keymap]
    "fieldbrief.search" = "slash,ctrl+f"
    "fieldbrief.quit" = "ctrl+q"

Every binding fieldbrief declares has an id (listed in the help overlay), so
any of them can be rebound.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from textual.binding import Binding

from fieldbrief.search.locations import config_dir

MAIN_SCREEN_BINDINGS: tuple[Binding, ...] = (
    Binding("q", "app.quit", "Quit", id="fieldbrief.quit"),
    # Priority: bound keys are routed when they arrive, so the letters typed
    # straight after / already go to the search box (see MainScreen.check_action).
    Binding("slash", "focus_search", "Search", id="fieldbrief.search", priority=True),
    Binding("escape", "back", "Back", show=False, id="fieldbrief.back"),
    Binding("1,f2", "focus_pane('results')", "Results", show=False, id="fieldbrief.focus.results"),
    Binding("2,f3", "focus_pane('article')", "Article", show=False, id="fieldbrief.focus.article"),
    Binding("3,f4", "focus_pane('facts')", "Facts", show=False, id="fieldbrief.focus.facts"),
    Binding("question_mark,f1", "help", "Keys", id="fieldbrief.help"),
    Binding("t", "timeline", "Timeline", id="fieldbrief.timeline"),
    Binding("s", "toggle_sort", "Sort", id="fieldbrief.sort"),
    Binding("b,ctrl+b", "toggle_sidebar", "Sidebar", id="fieldbrief.sidebar"),
    Binding("z", "maximize", "Maximise", show=False, id="fieldbrief.maximize"),
    Binding("y", "copy_citation", "Cite", id="fieldbrief.copy_citation"),
    Binding("o", "overview", "Overview", show=False, id="fieldbrief.overview"),
    Binding("p", "pin_article", "Pin", id="fieldbrief.pin.article"),
    Binding("P", "pin_passage", "Pin passage", show=False, id="fieldbrief.pin.passage"),
    Binding("F", "pin_fact", "Pin fact", show=False, id="fieldbrief.pin.fact"),
    Binding("B", "briefing", "Briefing", id="fieldbrief.briefing.open"),
    Binding("W", "switch_briefing", "Switch briefing", show=False, id="fieldbrief.briefing.switch"),
    Binding("T", "edit_tags", "Tags", show=False, id="fieldbrief.tags"),
    Binding("v", "pager", "View in $PAGER", show=False, id="fieldbrief.pager"),
    Binding("E", "edit_source", "Edit source in $EDITOR", show=False, id="fieldbrief.editor"),
    Binding(
        "ctrl+y",
        "accept_suggestion",
        "Accept suggestion",
        show=False,
        id="fieldbrief.accept_suggestion",
    ),
)
"""The main screen's keys; the ids are what keymap.toml rebinds."""


def keymap_path() -> Path:
    return config_dir() / "keymap.toml"


def load_keymap(path: Path | None = None) -> tuple[dict[str, str], str | None]:
    """(keymap, problem): a broken file yields an empty keymap and a message."""
    path = path or keymap_path()
    try:
        raw = tomllib.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        return {}, None
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        return {}, f"{path}: {exc}"
    table = raw.get("keymap", raw)
    if not isinstance(table, dict):
        return {}, f"{path}: [keymap] must be a table"
    keymap: dict[str, str] = {}
    bad: list[str] = []
    for key, value in table.items():
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            value = ",".join(value)
        if isinstance(key, str) and isinstance(value, str) and value.strip():
            keymap[key] = value.replace(" ", "")
        else:
            bad.append(str(key))
    problem = f"{path}: ignored entries {', '.join(bad)}" if bad else None
    return keymap, problem


def list_keys(scope: str, noun: str = "") -> list[Binding]:
    """The moves every list in the app shares (j/k, g/G, page keys), with ids
    ``fieldbrief.SCOPE.down`` and so on for the keymap."""
    item = f" {noun}" if noun else ""
    return [
        Binding("down,j", "cursor_down", f"Next{item}", show=False, id=f"fieldbrief.{scope}.down"),
        Binding("up,k", "cursor_up", f"Previous{item}", show=False, id=f"fieldbrief.{scope}.up"),
        Binding("home,g", "first", f"First{item}", show=False, id=f"fieldbrief.{scope}.first"),
        Binding("end,G", "last", f"Last{item}", show=False, id=f"fieldbrief.{scope}.last"),
        Binding(
            "pagedown,ctrl+d",
            "page_down",
            "Page down",
            show=False,
            id=f"fieldbrief.{scope}.page_down",
        ),
        Binding(
            "pageup,ctrl+u", "page_up", "Page up", show=False, id=f"fieldbrief.{scope}.page_up"
        ),
    ]
