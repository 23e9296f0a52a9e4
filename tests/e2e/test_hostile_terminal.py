"""Hostile articles shown by the real installed app in a real pseudo-terminal.

Every byte the app writes is captured and checked: sequences planted in
article text (title change, OSC 52 clipboard write, OSC 8 link, screen clear)
must never reach the terminal, and markup in articles (``[@click=app.quit]``)
must never act.
"""

from __future__ import annotations

import os
import pty
import re
import select
import shutil
import signal
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

from tests.fixtures.hostile import build

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

# Payloads that exist only inside escape sequences in the hostile articles: if
# any shows up in the output at all, article content reached the terminal.
PLANTED = [b"owned-title", b"ZWNobyBvd25lZA==", b"c1-title"]
OSC = re.compile(rb"\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)")


def fieldbrief() -> str:
    found = shutil.which("fieldbrief") or shutil.which(
        "fieldbrief", path=str(Path(sys.executable).parent)
    )
    if not found:
        pytest.skip("the fieldbrief command is not installed")
    return found


class Terminal:
    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # child
            os.execve(argv[0], argv, env)
        # 120x40, as a real terminal window would report it.
        import fcntl

        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
        self.output = bytearray()
        self.exited = False

    def read_for(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.fd], [], [], 0.05)
            if ready:
                try:
                    chunk = os.read(self.fd, 65536)
                except OSError:
                    return
                if not chunk:
                    return
                self.output.extend(chunk)

    def wait_for(self, needle: bytes, seconds: float = 60, since: int = 0) -> bool:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if needle in self.output[since:]:
                return True
            self.read_for(0.2)
        return False

    def type(self, text: str, settle: float = 0.6) -> None:
        os.write(self.fd, text.encode())
        self.read_for(settle)

    def alive(self) -> bool:
        if self.exited:
            return False
        self.exited = os.waitpid(self.pid, os.WNOHANG) != (0, 0)
        return not self.exited

    def close(self) -> None:
        if self.alive():
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        os.close(self.fd)


def test_hostile_articles_never_reach_the_terminal_as_sequences(tmp_path: Path) -> None:
    command = fieldbrief()
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    env.update(FIELDBRIEF_HOME=str(tmp_path / "home"), TERM="xterm-256color")
    library = tmp_path / "lib"
    corpus = tmp_path / "corpus"
    build(corpus)
    subprocess.run(
        [command, "--library", str(library), "add", str(corpus)],
        env=env,
        capture_output=True,
        timeout=300,
    )

    term = Terminal([command, "--library", str(library)], env)
    try:
        assert term.wait_for(b"newest first", 60), term.output[-2000:]
        for marker in (
            "markupmarker",
            "escapemarker",
            "controlmarker",
            "bidimarker",
            "htmlmarker",
            "mdmarker",
        ):
            term.type("1")  # results pane; from there / goes to the search box
            term.type("/")
            term.type("\x15")  # ctrl+u: clear the search box
            mark = len(term.output)
            term.type(marker, settle=0.5)
            # Wait until this search has answered before going on, however busy
            # the machine is.
            assert term.wait_for(b"1 hit", 30, since=mark), f"no result for {marker}"
            term.type("\r", settle=0.8)  # commit, focus moves to the results
            term.type("\r", settle=1.5)  # open the article
            # the markup article carries [@click=app.quit]: the app must still run
            assert term.alive(), f"app exited while showing {marker}"
        term.type("2")
        term.type("j" * 10)
        term.type("3")
        term.type("j" * 10)
        assert term.alive()
        stream = bytes(term.output)
        for planted in PLANTED:
            assert planted not in stream, planted
        # The markup article names file:///etc/passwd as text; it may be shown,
        # but never inside an operating-system command.
        assert not any(b"passwd" in osc for osc in OSC.findall(stream))
        # The only OSC sequences allowed are the app's own; none carries content.
        assert b"\x1b]8;" not in stream, "a hyperlink was emitted"
        assert b"\x1b]0;" not in stream and b"\x1b]2;" not in stream, "the window title was changed"
        assert b"\x1b]52;" not in stream, "the clipboard was written without the analyst asking"
        # The markup itself was shown as text.
        assert b"[@click=app.quit]" in stream
        term.type("1")
        term.type("q", settle=0.5)
        deadline = time.monotonic() + 20
        while term.alive() and time.monotonic() < deadline:
            term.read_for(0.2)
        assert not term.alive(), "q did not quit"
    finally:
        term.close()
