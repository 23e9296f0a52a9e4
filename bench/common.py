"""Helpers shared by the benchmark scripts (not part of fieldbrief)."""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
QUERIES = BENCH / "queries.txt"
COMPARABLE = ("term", "phrase", "bool")
"""Query kinds that mean the same thing in Whoosh, FTS5 and (term/phrase) grep."""


def load_queries(path: Path = QUERIES) -> list[tuple[str, str]]:
    out = []
    for line in path.read_text("utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        kind, _, text = line.partition("\t")
        out.append((kind.strip(), text.strip()))
    return out


def emit(report: Any, out: Path | None) -> None:
    """Print ``report`` as JSON, and write it to ``out`` too when given."""
    text = json.dumps(report, indent=2, ensure_ascii=False)
    if out:
        out.write_text(text + "\n", "utf-8")
    print(text)


BARE_TEXTUAL_APP = """
from textual.app import App
from textual.widgets import Footer, Static
class Bare(App):
    BINDINGS = [("q", "quit", "Quit")]
    def compose(self):
        yield Static("bare textual app ready")
        yield Footer()
Bare().run()
"""
"""The reference the app's start is compared with: one line and a footer."""


def app_home(prefix: str) -> Path:
    """A fresh FIELDBRIEF_HOME for one start of the app in tmux.

    No query or article restored from an earlier run; the same config (the
    key the library's index was sealed with) and the same record of index
    files already verified (else every run would hash the index, as only the
    very first start after an add does).
    """
    from fieldbrief.search.locations import config_dir, state_dir

    home = Path(tempfile.mkdtemp(prefix=prefix))
    if config_dir().is_dir():
        shutil.copytree(config_dir(), home / "config")
    verified = state_dir() / "verified-index-files.json"
    if verified.is_file():
        (home / "state").mkdir()
        shutil.copy2(verified, home / "state" / verified.name)
    return home


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    lo = int(k)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def latency(ms: list[float]) -> dict[str, float]:
    return {
        "n": len(ms),
        "p50_ms": round(pct(ms, 50), 2),
        "p95_ms": round(pct(ms, 95), 2),
        "max_ms": round(max(ms), 2) if ms else float("nan"),
    }


def dir_bytes(path: Path) -> int:
    if not path.exists():
        return 0
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def vm_hwm_kb(pid: int | str = "self") -> int | None:
    """Peak RSS of one process's own memory (``VmHWM``), in KiB.

    Not ``ru_maxrss``: Linux carries the launching process's peak across
    ``exec``, so a small command started by a large benchmark runner reports
    the runner's RSS (a 125 MB ``fieldbrief add`` showed as 345 MB).
    """
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        return None
    return None


def self_rss_mb() -> dict[str, float]:
    """Peak RSS of this process and of its largest reaped (forked) child."""
    own = vm_hwm_kb()
    me = (own if own is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"peak_rss_mb": round(me, 1), "peak_rss_children_mb": round(kids, 1)}


def run_timed(
    argv: list[str], *, env: dict[str, str] | None = None, timeout: float = 7200
) -> dict[str, Any]:
    """Run a command; wall time, exit code and peak RSS of its process tree (wait4)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=out, stderr=err, env=env, stdin=subprocess.DEVNULL)
        deadline = started + timeout
        hwm = 0
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            hwm = max(hwm, vm_hwm_kb(proc.pid) or 0)
            if time.perf_counter() > deadline:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.002)
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return {
            "wall_s": round(wall, 4),
            "rc": proc.returncode,
            # The command's own peak (children it forks are in the step's own
            # report); ru_maxrss would include this runner's RSS (see vm_hwm_kb).
            "peak_rss_mb": round((hwm or usage.ru_maxrss) / 1024, 1),
            "user_s": round(usage.ru_utime, 3),
            "sys_s": round(usage.ru_stime, 3),
            "stdout": out.read().decode("utf-8", "replace"),
            "stderr": err.read().decode("utf-8", "replace"),
        }


def run_step(step: str, *args: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run ``bench/steps.py STEP ARGS`` in a fresh process; its JSON plus wall/RSS."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        result_path = handle.name
    try:
        argv = [sys.executable, str(BENCH / "steps.py"), step, "--result", result_path, *args]
        proc = run_timed(argv, env=env)
        try:
            data = json.loads(Path(result_path).read_text("utf-8") or "{}")
        except ValueError:
            data = {}
        if proc["rc"] != 0 and not data:
            tail = proc["stderr"].strip().splitlines()[-5:]
            data = {"error": f"step {step} exited {proc['rc']}", "stderr": tail}
        data["process"] = {k: v for k, v in proc.items() if k not in ("stdout", "stderr")}
        return data
    finally:
        Path(result_path).unlink(missing_ok=True)
