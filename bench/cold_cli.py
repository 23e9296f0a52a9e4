"""A cold ``fieldbrief search --json`` against ``rg -il`` and ``grep -ril``, whole processes.

    python bench/cold_cli.py --library /tmp/lib22k --files /tmp/files22k [--runs 15]
        [--query oil --query cocoa --query "interest rates"] [--baseline OTHER/bin/fieldbrief]
        [--out F.json]

Each round runs the three commands once each for every query, one after the
other, so a change in the machine's load hits all of them alike; the first
round warms the page cache and bytecode and is not counted. ``--files`` holds
the same articles as one file each (``bench/anchors.py --files`` writes it).
``fieldbrief`` is the installed command found on ``PATH``; time a normal
install (``pip install .``), whose bytecode pip compiled: with
``PYTHONDONTWRITEBYTECODE`` set, an editable install compiles the package
again at every start (the script unsets it for the commands it runs).

Prints JSON: per query and command, wall and CPU milliseconds (min, median,
max over the rounds), the load average before and after, and per query the
ratio rg/fieldbrief and grep/fieldbrief of the medians and the range of the
per-round ratios (above 1: fieldbrief was faster). ``--baseline`` adds another
install of fieldbrief (say, the previous commit's, in its own venv) to every
round, for an A/B of a change in wall time beside the instruction counts.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import emit

DEFAULT_QUERIES = ("oil", "cocoa", "interest rates")


def timed(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU (user + system, the child's own) milliseconds of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall * 1000, cpu * 1000


def spread(values: list[float], digits: int = 1) -> dict[str, float]:
    return {
        "min": round(min(values), digits),
        "median": round(statistics.median(values), digits),
        "max": round(max(values), digits),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--library", type=Path, required=True)
    parser.add_argument("--files", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--query", action="append", dest="queries")
    parser.add_argument("--baseline", type=Path, help="another fieldbrief command to compare")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()

    fieldbrief, rg, grep = (shutil.which(c) for c in ("fieldbrief", "rg", "grep"))
    if fieldbrief is None:
        raise SystemExit("fieldbrief is not on PATH (activate the venv it is installed in)")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    queries = args.queries or list(DEFAULT_QUERIES)
    commands: dict[str, Any] = {
        "fieldbrief": lambda q: [fieldbrief, "--library", str(args.library), "search", q, "--json"],
    }
    if args.baseline:
        baseline = str(args.baseline)
        commands["baseline"] = lambda q: [
            baseline,
            "--library",
            str(args.library),
            "search",
            q,
            "--json",
        ]
    if rg:
        commands["rg -il"] = lambda q: [rg, "-il", "-F", q, str(args.files)]
    if grep:
        commands["grep -ril"] = lambda q: [grep, "-ril", "-F", q, str(args.files)]

    wall: dict[tuple[str, str], list[float]] = {}
    cpu: dict[tuple[str, str], list[float]] = {}
    load_before = os.getloadavg()
    for round_number in range(args.runs + 1):
        for q in queries:
            for name, argv in commands.items():
                w, c = timed(argv(q), env)
                if round_number:  # round 0 warms the page cache and bytecode
                    wall.setdefault((q, name), []).append(w)
                    cpu.setdefault((q, name), []).append(c)
    load_after = os.getloadavg()

    out: dict[str, Any] = {
        "library": str(args.library),
        "files": str(args.files),
        "runs": args.runs,
        "load_avg_before": [round(x, 2) for x in load_before],
        "load_avg_after": [round(x, 2) for x in load_after],
        "baseline": str(args.baseline) if args.baseline else None,
        "queries": {},
    }
    for q in queries:
        ours = wall[(q, "fieldbrief")]
        entry: dict[str, Any] = {
            name: {"wall_ms": spread(wall[(q, name)]), "cpu_ms": spread(cpu[(q, name)])}
            for name in commands
        }
        for name in commands:
            if name == "fieldbrief":
                continue
            theirs = wall[(q, name)]
            per_round = [t / o for t, o in zip(theirs, ours, strict=True)]
            entry[f"{name} / fieldbrief"] = {
                "of_medians": round(statistics.median(theirs) / statistics.median(ours), 2),
                "per_round": spread(per_round, 2),
            }
        out["queries"][q] = entry
    emit(out, args.out)


if __name__ == "__main__":
    main()
