"""The app in a real terminal: tmux runs ``fieldbrief``, this reads its screen.

    python bench/app_probe.py --library /tmp/lib22k [--runs 3] [--out F.json]

(``bench/run.py`` runs it as its ``app`` step.) Not Textual's Pilot: Pilot
drives the app inside the test process, without a terminal, and its own
key handling took about 90 ms per key.

Times, from outside the app, as a user sees them (the screen polled with
``tmux capture-pane`` every few milliseconds, so each figure is good to about
10 ms):

- ``interactive_ms``: launch (``tmux new-session``) to the library listed
  ("N articles · showing 50 · newest first") with the results focused (their
  keys in the footer);
- ``first_search_ms``: "/" and a query typed (one burst, as a paste) to its
  first hit's title in the results, right after the app became interactive;
  ``later_search_ms`` the same query again after two other searches;
  both include the app's typing debounce (``debounce_ms``, given separately);
- ``counted_ms``: from the same keystroke to the exact total ("N hits");
- ``next_article_ms``: Enter (results focused, first hit open), then each
  ↓ to the next hit's title at the top of the article pane.

Each run is a fresh process with a fresh tmux server; the first run is a
warm-up (page cache, bytecode) and is not counted. After each run a bare
Textual app (one line and a footer) is launched the same way
(``bare_textual_ms``): on a loaded machine the ratio
``interactive_over_bare_textual`` says more than the absolute time. Prints JSON with each
run and min/median/max per figure. Needs tmux; the library must exist.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import BARE_TEXTUAL_APP, app_home, emit

WIDTH, HEIGHT = 160, 48
POLL_S = 0.004


class Screen:
    def __init__(self, socket: str) -> None:
        self.socket = socket
        tmux = shutil.which("tmux")
        if tmux is None:
            raise SystemExit("tmux is not installed")
        self.tmux = tmux

    def run(self, *args: str) -> str:
        done = subprocess.run(
            [self.tmux, "-L", self.socket, *args], capture_output=True, text=True, timeout=20
        )
        return done.stdout

    def text(self) -> str:
        return self.run("capture-pane", "-p", "-t", "fb")

    def keys(self, *keys: str, literal: bool = False) -> None:
        self.run("send-keys", "-t", "fb", *(["-l"] if literal else []), *keys)

    def wait(self, check: Callable[[str], bool], timeout: float = 30.0) -> float | None:
        """Seconds (perf_counter) at which ``check(screen)`` first held, or None."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if check(self.text()):
                return time.perf_counter()
            time.sleep(POLL_S)
        return None


def article_pane(screen: str) -> str:
    """The middle pane's text: what lies between the first ▕ and the next ▏ on each line."""
    out = []
    for line in screen.splitlines():
        start = line.find("▕")
        end = line.find("▏", start + 1)
        if start >= 0 and end > start:
            out.append(line[start + 1 : end])
    return "\n".join(out)


def results_pane(screen: str) -> str:
    return "\n".join(line.split("▕", 1)[0] for line in screen.splitlines())


def head(title: str, n: int = 24) -> str:
    return " ".join(title.split())[:n].strip()


def expected(library: Path, queries: list[str]) -> dict[str, dict[str, Any]]:
    """Each query's total and first hits, from the engine (what the app must show)."""
    from fieldbrief.search.library import Library

    lib = Library.open(library, create=False)
    try:
        out = {}
        for q in queries:
            r = lib.search(q, limit=5)
            out[q] = {"total": r.total, "titles": [h.title for h in r.hits]}
        return out
    finally:
        lib.close()


def one_run(library: Path, queries: list[str], want: dict[str, dict[str, Any]]) -> dict[str, Any]:
    socket = f"fb-probe-{os.getpid()}-{time.monotonic_ns()}"
    screen = Screen(socket)
    scratch = app_home("fb-probe-")
    exe = shutil.which("fieldbrief", path=str(Path(sys.executable).parent)) or "fieldbrief"
    env = (
        f"-u COLUMNS -u LINES -u PYTHONDONTWRITEBYTECODE TERM=xterm-256color "
        f"FIELDBRIEF_HOME='{scratch}'"
    )
    out: dict[str, Any] = {}
    try:
        t0 = time.perf_counter()
        screen.run(
            "new-session", "-d", "-s", "fb", "-x", str(WIDTH), "-y", str(HEIGHT),
            f"env {env} '{exe}' --library '{library}'; sleep 60",
        )  # fmt: skip
        screen.run("resize-window", "-t", "fb", "-x", str(WIDTH), "-y", str(HEIGHT))
        listed = re.compile(r"[\d,]+ articles · showing \d+ · newest first")
        # Interactive: the library listed and the results focused (their keys in
        # the footer); a key typed before focus settles can go astray.
        t = screen.wait(lambda s: bool(listed.search(s)) and "Open article" in s, 60)
        out["interactive_ms"] = round((t - t0) * 1000, 1) if t else None

        def search(q: str) -> dict[str, Any]:
            title = head(want[q]["titles"][0])
            total = f"{want[q]['total']:,} hit"
            screen.keys("/")
            screen.keys("C-u")  # clear the box (Textual: delete to the start)
            # The cleared box lists the library again: let that settle first.
            screen.wait(lambda s: bool(listed.search(s)), 30)
            time.sleep(0.5)
            t_key = time.perf_counter()
            screen.keys(q, literal=True)
            shown = screen.wait(lambda s: title in results_pane(s), 30)
            counted = screen.wait(lambda s: total in s, 30)
            return {
                "query": q,
                "results_ms": round((shown - t_key) * 1000, 1) if shown else None,
                "counted_ms": round((counted - t_key) * 1000, 1) if counted else None,
            }

        first, *others = queries
        out["first_search"] = search(first)
        out["other_searches"] = [search(q) for q in others]
        out["later_search"] = search(first)
        # Enter: results focused, the highlighted (first) hit open.
        titles = want[first]["titles"]
        t = time.perf_counter()
        screen.keys("Enter")
        done = screen.wait(lambda s: head(titles[0]) in article_pane(s), 10)
        out["enter_opens_first_hit_ms"] = round((done - t) * 1000, 1) if done else None
        moves = []
        for title in titles[1:4]:
            wanted = head(title)
            t = time.perf_counter()
            screen.keys("Down")
            done = screen.wait(lambda s, h=wanted: h in article_pane(s), 10)
            moves.append(round((done - t) * 1000, 1) if done else None)
        out["next_article_ms"] = moves
        screen.keys("q")
    finally:
        screen.run("kill-server")
        shutil.rmtree(scratch, ignore_errors=True)
    return out


def reference_run() -> float | None:
    """Launch to first frame of a bare Textual app (one line and a footer), the same
    way: what Python and Textual alone cost on this machine at this moment."""
    screen = Screen(f"fb-probe-ref-{os.getpid()}-{time.monotonic_ns()}")
    try:
        t0 = time.perf_counter()
        screen.run(
            "new-session", "-d", "-s", "fb", "-x", str(WIDTH), "-y", str(HEIGHT),
            f"env -u COLUMNS -u LINES TERM=xterm-256color '{sys.executable}' -c '{BARE_TEXTUAL_APP}'; sleep 30",
        )  # fmt: skip
        t = screen.wait(lambda s: "bare textual app ready" in s and "Quit" in s, 30)
        screen.keys("q")
        return round((t - t0) * 1000, 1) if t else None
    finally:
        screen.run("kill-server")


def spread(values: list[float | None]) -> dict[str, float] | None:
    got = [v for v in values if v is not None]
    if not got:
        return None
    return {"min": min(got), "median": round(statistics.median(got), 1), "max": max(got)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--library", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--queries", default="oil,gold,coffee", help="first,other,… (comma-separated)"
    )
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    report = probe(args.library, args.queries.split(","), args.runs)
    emit(report, args.out)


def probe(library: Path, queries: list[str], runs_wanted: int = 3) -> dict[str, Any]:
    """A warm-up run, then ``runs_wanted`` counted ones; their figures and min/median/max."""
    from fieldbrief.tui.query_bar import DEBOUNCE_SECONDS

    want = expected(library, queries)
    one_run(library, queries, want)  # warm-up
    reference_run()  # warm-up
    runs = []
    for _ in range(runs_wanted):
        run = one_run(library, queries, want)
        run["bare_textual_ms"] = reference_run()
        runs.append(run)
    summary = {
        "interactive_ms": spread([r["interactive_ms"] for r in runs]),
        "first_search_ms": spread([r["first_search"]["results_ms"] for r in runs]),
        "later_search_ms": spread([r["later_search"]["results_ms"] for r in runs]),
        "first_over_later": spread(
            [
                round(r["first_search"]["results_ms"] / r["later_search"]["results_ms"], 2)
                if r["first_search"]["results_ms"] and r["later_search"]["results_ms"]
                else None
                for r in runs
            ]
        ),
        "bare_textual_ms": spread([r["bare_textual_ms"] for r in runs]),
        "interactive_over_bare_textual": spread(
            [
                round(r["interactive_ms"] / r["bare_textual_ms"], 2)
                if r["interactive_ms"] and r["bare_textual_ms"]
                else None
                for r in runs
            ]
        ),
        "first_counted_ms": spread([r["first_search"]["counted_ms"] for r in runs]),
        "next_article_ms": spread([m for r in runs for m in r["next_article_ms"]]),
    }
    return {
        "library": str(library),
        "terminal": f"tmux {WIDTH}x{HEIGHT}",
        "debounce_ms": DEBOUNCE_SECONDS * 1000,
        "summary": summary,
        "runs": runs,
    }


if __name__ == "__main__":
    main()
