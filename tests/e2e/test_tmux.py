"""End to end: the installed ``fieldbrief`` command driven through tmux.

A fresh FIELDBRIEF_HOME means the first run ingests the bundled seeds with the
real fact engine, exactly as an analyst's first start would.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

TMUX = shutil.which("tmux")


def fieldbrief_command() -> list[str]:
    found = shutil.which("fieldbrief") or shutil.which(
        "fieldbrief", path=str(Path(sys.executable).parent)
    )
    return [found] if found else [sys.executable, "-m", "fieldbrief.tui"]


class Tmux:
    def __init__(self, socket: str) -> None:
        self.socket = socket

    def run(self, *args: str) -> str:
        done = subprocess.run(
            [TMUX, "-L", self.socket, *args],  # type: ignore[list-item]
            capture_output=True,
            text=True,
            timeout=20,
        )
        return done.stdout

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", "fb")

    def alive(self) -> bool:
        return "fb" in self.run("list-sessions", "-F", "#{session_name}")

    def keys(self, *keys: str) -> None:
        self.run("send-keys", "-t", "fb", *keys)

    def wait_for(self, check: Callable[[str], bool], timeout: float = 60) -> str:
        deadline = time.monotonic() + timeout
        text = ""
        while time.monotonic() < deadline:
            text = self.screen()
            if check(text):
                return text
            time.sleep(0.25)
        raise AssertionError(f"timed out waiting; screen was:\n{text}")


@pytest.mark.skipif(TMUX is None, reason="tmux is not installed")
def test_search_open_article_and_quit(tmp_path: Path) -> None:
    home = tmp_path / "home"
    socket = f"fieldbrief-e2e-{os.getpid()}"
    tmux = Tmux(socket)
    command = " ".join(f"'{part}'" for part in fieldbrief_command())
    # pytest exports COLUMNS/LINES, which Textual would prefer over the pane size.
    env = f"-u COLUMNS -u LINES FIELDBRIEF_HOME='{home}' TERM=xterm-256color"
    try:
        tmux.run(
            "new-session",
            "-d",
            "-s",
            "fb",
            "-x",
            "120",
            "-y",
            "40",
            f"env {env} {command}; echo FIELDBRIEF-EXITED $?; sleep 30",
        )
        # A detached session on a fresh server may ignore -x/-y; force the size.
        tmux.run("resize-window", "-t", "fb", "-x", "120", "-y", "40")
        # The first start ingests the seeds; the search box is usable at once.
        tmux.wait_for(lambda s: "Search (" in s, timeout=60)
        tmux.wait_for(lambda s: "library overview" in s.lower(), timeout=120)
        # Issue 13.1: the first screen lists the library, newest first.
        tmux.wait_for(lambda s: "5 articles · newest first" in s, timeout=60)
        # Issue 13.5: focus starts in the results; / goes to the search box.
        tmux.keys("/")
        tmux.keys("Agadez Singh")
        tmux.wait_for(lambda s: " hits · " in s or " hit · " in s, timeout=30)
        tmux.keys("Enter")
        tmux.wait_for(lambda s: "Open article" in s, timeout=10)  # results focused
        tmux.keys("Enter")
        screen = tmux.wait_for(
            lambda s: (
                "Next hit" in s  # article focused
                and "Places (" in s
                and "Sabrina Singh" in s
                and "words" in s
            ),
            timeout=30,
        )
        places_at = screen.index("Places (")
        assert "Agadez" in screen[places_at:], screen
        assert "People (" in screen
        tmux.keys("q")
        tmux.wait_for(lambda s: "FIELDBRIEF-EXITED 0" in s, timeout=15)
        state = home / "state" / "tui.json"
        assert state.exists() and "Agadez Singh" in state.read_text("utf-8")
    finally:
        tmux.run("kill-server")


def _start(tmux: Tmux, home: Path, size: tuple[int, int], extra_env: str = "") -> None:
    command = " ".join(f"'{part}'" for part in fieldbrief_command())
    env = f"-u COLUMNS -u LINES FIELDBRIEF_HOME='{home}' TERM=xterm-256color {extra_env}"
    width, height = (str(n) for n in size)
    tmux.run(
        "new-session",
        "-d",
        "-s",
        "fb",
        "-x",
        width,
        "-y",
        height,
        f"env {env} {command}; echo FIELDBRIEF-EXITED $?; sleep 30",
    )
    tmux.run("resize-window", "-t", "fb", "-x", width, "-y", height)


@pytest.mark.skipif(TMUX is None, reason="tmux is not installed")
def test_reading_at_80x24_highlights_maximise_and_pager(tmp_path: Path) -> None:
    """Issue 13 items 2, 3 and 7 in a real terminal, at the smallest size."""
    home = tmp_path / "home"
    pager_out = tmp_path / "pager.out"
    pager = tmp_path / "pager.sh"
    pager.write_text(f'#!/bin/sh\ncat "$1" > "{pager_out}"\n', "utf-8")
    pager.chmod(0o755)
    tmux = Tmux(f"fieldbrief-e2e-read-{os.getpid()}")
    try:
        _start(tmux, home, (80, 24), f"PAGER='{pager}'")
        tmux.wait_for(lambda s: "newest first" in s, timeout=120)
        # Item 2: the counter follows the CURRENT query. The Politico article
        # names Singh twice and Politico three times; after searching Singh
        # and then Politico, n must walk the three Politico hits.
        tmux.keys("/")
        tmux.keys("Singh")
        tmux.wait_for(lambda s: "2 hits" in s, timeout=30)
        tmux.keys("Enter")
        tmux.wait_for(lambda s: "Open article" in s, timeout=10)  # results focused
        tmux.keys("/")
        tmux.keys("C-u")
        # Textual runs a bound key (ctrl+u) after the printable keys that
        # arrived with it, so wait for the box to clear, as a person would.
        tmux.wait_for(lambda s: "Search (" in s, timeout=10)
        tmux.keys("Politico")
        tmux.wait_for(lambda s: "1 hit ·" in s and "Politico" in s, timeout=30)
        tmux.keys("Enter")
        tmux.wait_for(lambda s: "Open article" in s, timeout=10)
        tmux.keys("Enter")
        tmux.wait_for(lambda s: "Next hit" in s, timeout=30)
        tmux.keys("n")
        screen = tmux.wait_for(lambda s: "query match 1 of 3" in s, timeout=10)
        counter = next(line for line in screen.splitlines() if "query match" in line)
        # Under the article, not in the results' header at the left.
        assert counter.index("query match") > 20, screen
        tmux.keys("n", "n", "n")
        tmux.wait_for(lambda s: "query match 1 of 3" in s, timeout=10)  # wrapped round
        # Item 3: z gives the article the screen and it still wraps: the end of
        # the first paragraph is on screen, not clipped at the right edge.
        tmux.keys("g", "z")
        screen = tmux.wait_for(lambda s: "repositioning" in s and "several weeks" in s, timeout=10)
        assert all(len(line) <= 80 for line in screen.splitlines())
        tmux.keys("z")
        # Item 7: v hands the article to $PAGER and the app comes back.
        tmux.keys("v")
        deadline = time.monotonic() + 20
        while not (pager_out.exists() and pager_out.stat().st_size) and time.monotonic() < deadline:
            time.sleep(0.2)
        text = pager_out.read_text("utf-8")
        assert "Politico reported on Friday" in text and "\x1b" not in text
        tmux.wait_for(lambda s: "Next hit" in s and "repositioning" in s, timeout=20)
        tmux.keys("q")
        tmux.wait_for(lambda s: "FIELDBRIEF-EXITED 0" in s, timeout=15)
    finally:
        tmux.run("kill-server")


@pytest.mark.skipif(TMUX is None, reason="tmux is not installed")
def test_conflict_popup_in_a_small_terminal(tmp_path: Path) -> None:
    """Issue 13.4 / 16: the claims of a disputed figure, chosen and opened, at 80×24."""
    home = tmp_path / "home"
    socket = f"fieldbrief-e2e-conflict-{os.getpid()}"
    tmux = Tmux(socket)
    try:
        _start(tmux, home, (80, 24))
        tmux.wait_for(lambda s: "5 articles · newest first" in s, timeout=180)
        # The library overview lists the conflicting subjects last: the troop
        # count comes before the distance.
        tmux.keys("o")
        tmux.wait_for(lambda s: "Library overview" in s, timeout=60)
        tmux.keys("G")
        tmux.wait_for(lambda s: "US troops in Niger" in s and "Agadez–Niamey" in s, timeout=30)
        tmux.keys("k", "x")
        screen = tmux.wait_for(lambda s: "Sources disagree" in s, timeout=20)
        assert "US troops in Niger" in screen and "these do not agree" in screen, screen
        assert "Trend" in screen and "2024-05-20" in screen, screen
        # Every line fits: nothing of the popup is cut at the right edge.
        assert all(len(line) <= 80 for line in screen.splitlines())
        # The list moves claim by claim and scrolls to the last one.
        tmux.keys("G")
        screen = tmux.wait_for(lambda s: "no date" in s.lower() or "Undated" in s, timeout=10)
        tmux.keys("Enter")
        screen = tmux.wait_for(
            lambda s: "Sources disagree" not in s and "Next hit" in s, timeout=20
        )
        # The undated article (the Pentagon talks report) is the one opened.
        assert "1,100" in screen or "Campbell" in screen, screen
        tmux.keys("q")
        tmux.wait_for(lambda s: "FIELDBRIEF-EXITED 0" in s, timeout=15)
    finally:
        tmux.run("kill-server")


@pytest.mark.skipif(TMUX is None, reason="tmux is not installed")
def test_cli_search_in_a_terminal_answers_alike_on_both_paths(tmp_path: Path) -> None:
    """``fieldbrief search`` typed in a terminal: plain words are answered from the
    index files without Whoosh, the same words with a ``NOT`` by the Whoosh
    engine; both list the same hits, in bold titles, and exit 0."""
    home = tmp_path / "home"
    tmux = Tmux(f"fieldbrief-e2e-cli-{os.getpid()}")
    found = shutil.which("fieldbrief") or shutil.which(
        "fieldbrief", path=str(Path(sys.executable).parent)
    )
    command = f"'{found}'" if found else f"'{sys.executable}' -m fieldbrief"
    env = f"env -u COLUMNS -u LINES FIELDBRIEF_HOME='{home}' TERM=xterm-256color"
    script = (
        f"{env} {command} search Agadez troops --limit 2; echo PLAIN-DONE $?; "
        f"{env} {command} search 'Agadez troops NOT zzyzx' --limit 2; echo ENGINE-DONE $?; "
        "sleep 30"
    )
    try:
        tmux.run("new-session", "-d", "-s", "fb", "-x", "200", "-y", "60", script)
        tmux.run("resize-window", "-t", "fb", "-x", "200", "-y", "60")
        # The first command makes the default library (the seeds, with facts).
        screen = tmux.wait_for(lambda s: "ENGINE-DONE" in s, timeout=180)
        plain, rest = screen.split("PLAIN-DONE", 1)
        status, engine = rest.split("\n", 1)
        engine, engine_status = engine.split("ENGINE-DONE", 1)
        assert status.strip() == "0" and engine_status.split()[0] == "0"

        def listed(text: str) -> list[str]:
            return [
                line.strip() for line in text.splitlines() if line.strip()[:3] in ("1. ", "2. ")
            ]

        assert "hits (showing 2)" in plain and "hits (showing 2)" in engine
        assert len(listed(plain)) == 2 and listed(plain) == listed(engine)
        styled = tmux.run("capture-pane", "-p", "-e", "-t", "fb")
        assert "\x1b[1m" in styled  # titles in bold: the output went to a terminal
    finally:
        tmux.run("kill-server")
