"""ASCII mode and mouse defaults (the bytes themselves are checked in e2e)."""

from __future__ import annotations

import pytest
from rich.cells import cell_len
from textual.binding import Binding

from fieldbrief.tui.app import create_app
from fieldbrief.tui.terminal import ascii_wanted, mouse_wanted, to_ascii


@pytest.mark.parametrize(
    "text",
    [
        "▊▔▔▔▎ ⚠ ≈1,100 troops · “Niamey” — …",
        "┌─┬─┐ │ ╞═╡ ▁▂▃▄▅▆▇█ ← → ⏎",
        "Nigerien junta: Tiani, café, Zürich, 日本語, emoji 🙂",
        "zero\u200bwidth and com\u0301bining",
    ],
)
def test_ascii_keeps_every_cell(text: str) -> None:
    shown = to_ascii(text)
    assert shown.isascii()
    assert cell_len(shown) == cell_len(text)  # the layout does not shift


def test_ascii_lookalikes_read_naturally() -> None:
    assert to_ascii("⚠ ≈1,100 · “x” é") == '! ~1,100 - "x" e'
    assert to_ascii("plain text") == "plain text"


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"TERM": "linux"}, True),
        ({"TERM": "vt100"}, True),
        ({"TERM": "vt220"}, True),
        ({"TERM": "xterm-256color"}, False),
        ({"TERM": "tmux-256color", "LANG": "C"}, False),
        ({"TERM": "linux", "FIELDBRIEF_ASCII": "0"}, False),
        ({"TERM": "xterm", "FIELDBRIEF_ASCII": "1"}, True),
    ],
)
def test_ascii_follows_term_unless_told(env: dict[str, str], expected: bool) -> None:
    assert ascii_wanted(env) is expected


def test_mouse_is_off_unless_asked_for() -> None:
    assert mouse_wanted({}) is False
    assert mouse_wanted({"FIELDBRIEF_MOUSE": "1"}) is True
    assert create_app(ascii_only=False).mouse is False
    assert create_app(ascii_only=False, mouse=True).mouse is True


def test_ascii_app_names_keys_instead_of_symbols() -> None:
    app = create_app(ascii_only=True, mouse=False)
    assert app.driver_class.__name__.startswith("Ascii")
    assert app.get_key_display(Binding("enter", "select", "Open")) == "enter"
    assert app.get_key_display(Binding("ctrl+b", "x", "Sidebar")) == "^b"
    unicode_app = create_app(ascii_only=False)
    assert not unicode_app.driver_class.__name__.startswith("Ascii")
