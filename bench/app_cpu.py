"""The app's start in a real terminal, counted in CPU rather than wall time.

    python bench/app_cpu.py --library /tmp/lib22k [--runs 3] [--callgrind] [--out F.json]

Like ``app_probe.py``, tmux runs the app on a fresh home; unlike it, the app
itself notes the moment it is interactive: the first frame written to the
terminal that lists the library with the results' keys in the footer. At that
frame it records its main thread's CPU time (``time.thread_time``: the machine's
load moves it far less than wall time), how many frames it had written and, with
``--callgrind``, valgrind counts the instructions of each thread (the main one
is ``ir_thread_1``; nothing else moves them). Then it exits. The same is done
for a bare Textual app (one line and a footer), so ratios can be taken within
one run. Prints JSON with each run and min/median/max.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import BARE_TEXTUAL_APP, app_home, emit

WIDTH, HEIGHT = 160, 48

# Run inside the app's process: patches Textual's frame writer to look at each
# frame it has just written.
INSIDE = """
import json, os, sys, time
from textual.app import App
from textual.widgets._footer import FooterKey
out, kind = sys.argv[1], sys.argv[2]
frames = 0
write_frame = App._display

def ready(app, screen):
    keys = [key.description for key in screen.query(FooterKey)]
    if kind == "bare":
        return "Quit" in keys
    from textual.widgets import Static
    status = str(screen.query_one("#results-status", Static).render())
    return "articles" in status and "showing" in status and "Open article" in keys

def display(app, screen, renderable):
    global frames
    write_frame(app, screen, renderable)
    if renderable is None or not app._running:
        return
    frames += 1
    try:
        done = ready(app, screen)
    except Exception:
        return
    if done:
        with open(out, "w") as f:
            json.dump({"main_thread_cpu_ms": round(time.thread_time() * 1000, 1),
                       "process_cpu_ms": round(time.process_time() * 1000, 1),
                       "frames": frames}, f)
        os._exit(0)

App._display = display
"""


def one_run(kind: str, library: Path, callgrind: bool) -> dict[str, Any]:
    scratch = app_home("fb-cpu-")
    script = scratch / "inside.py"
    launch = (
        BARE_TEXTUAL_APP
        if kind == "bare"
        else "from fieldbrief.cli import main\nsys.exit(main(['--library', sys.argv[3]]))\n"
    )
    script.write_text(INSIDE + launch)
    out = scratch / "out.json"
    valgrind = ""
    if callgrind:
        valgrind = (
            "valgrind --tool=callgrind --separate-threads=yes "
            f"--callgrind-out-file='{scratch}/callgrind.%p' "
        )
    socket = f"fb-cpu-{os.getpid()}-{time.monotonic_ns()}"
    command = (
        f"env -u COLUMNS -u LINES -u PYTHONDONTWRITEBYTECODE TERM=xterm-256color "
        f"FIELDBRIEF_HOME='{scratch}' {valgrind}'{sys.executable}' '{script}' '{out}' {kind} "
        f"'{library}'; sleep 60"
    )
    tmux = ["tmux", "-L", socket]
    try:
        subprocess.run(
            [*tmux, "new-session", "-d", "-s", "fb", "-x", str(WIDTH), "-y", str(HEIGHT), command],
            check=True,
        )
        deadline = time.monotonic() + (600 if callgrind else 60)
        while time.monotonic() < deadline and not out.exists():
            time.sleep(0.05)
        time.sleep(3 if callgrind else 0.2)  # valgrind writes its counts as the process ends
        result: dict[str, Any] = json.loads(out.read_text()) if out.exists() else {}
        for counts in sorted(scratch.glob("callgrind.*")):
            thread = counts.name.rsplit("-", 1)[-1].lstrip("0")
            for line in counts.read_text(errors="replace").splitlines():
                if line.startswith(("summary:", "totals:")):
                    result[f"ir_thread_{thread}"] = int(line.split()[1])
                    break
        return result
    finally:
        subprocess.run([*tmux, "kill-server"], capture_output=True)
        shutil.rmtree(scratch, ignore_errors=True)


def spread(values: list[float]) -> dict[str, float] | None:
    if not values:
        return None
    return {"min": min(values), "median": statistics.median(values), "max": max(values)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--library", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--callgrind", action="store_true")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    if shutil.which("tmux") is None:
        raise SystemExit("tmux is not installed")
    one_run("app", args.library, False)  # warm-up: page cache, bytecode
    runs = []
    for _ in range(args.runs):
        app = one_run("app", args.library, args.callgrind)
        bare = one_run("bare", args.library, args.callgrind)
        runs.append({"app": app, "bare": bare, "load": round(os.getloadavg()[0], 2)})
    summary: dict[str, Any] = {}
    for key in ("main_thread_cpu_ms", "ir_thread_1"):
        pairs = [
            (r["app"][key], r["bare"][key]) for r in runs if key in r["app"] and key in r["bare"]
        ]
        summary[key] = spread([a for a, _ in pairs])
        summary[f"bare_{key}"] = spread([b for _, b in pairs])
        summary[f"{key}_over_bare"] = spread([round(a / b, 2) for a, b in pairs])
    emit({"library": str(args.library), "summary": summary, "runs": runs}, args.out)


if __name__ == "__main__":
    main()
