"""The installed app in a real pseudo-terminal: ASCII mode and mouse reporting,
checked on the bytes it writes."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from tests.e2e.test_hostile_terminal import Terminal, fieldbrief

pytestmark = [pytest.mark.e2e]

MOUSE_ON = b"\x1b[?1000h"
"""Textual turns on click reporting with this before any-motion (1003)."""


def _env(home: Path, term: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("COLUMNS", "LINES", "FIELDBRIEF_ASCII", "FIELDBRIEF_MOUSE")
    }
    env.update(FIELDBRIEF_HOME=str(home), TERM=term)
    return env


def _session(argv: list[str], env: dict[str, str]) -> bytes:
    term = Terminal(argv, env)
    try:
        assert term.wait_for(b"newest", 120), term.output[-2000:]
        term.read_for(1.0)
        term.type("?", settle=1.0)  # the help overlay: more glyphs on screen
        term.type("\x1b", settle=0.5)
        term.type("q", settle=0.5)
        deadline = time.monotonic() + 20
        while term.alive() and time.monotonic() < deadline:
            term.read_for(0.2)
        assert not term.alive(), "q did not quit"
        return bytes(term.output)
    finally:
        term.close()


def test_vt100_gets_ascii_only_and_no_mouse_reporting(tmp_path: Path) -> None:
    command = fieldbrief()
    stream = _session([command], _env(tmp_path / "home", "vt100"))
    assert b"Search (" in stream and b"newest first" in stream
    strays = sorted({byte for byte in stream if byte >= 0x80})
    assert not strays, f"non-ASCII bytes written: {strays[:10]}"
    # Mouse reporting is off unless asked for: the terminal keeps text selection.
    assert MOUSE_ON not in stream and b"\x1b[?1003h" not in stream


def test_utf8_terminal_keeps_glyphs_and_mouse_is_opt_in(tmp_path: Path) -> None:
    command = fieldbrief()
    home = tmp_path / "home"
    plain = _session([command], _env(home, "xterm-256color"))
    assert "·".encode() in plain  # the results' separators, drawn as themselves
    assert MOUSE_ON not in plain
    with_mouse = _session([command, "--mouse"], _env(home, "xterm-256color"))
    assert MOUSE_ON in with_mouse
