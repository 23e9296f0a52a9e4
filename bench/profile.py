"""Where indexing, query and fact-extraction time goes (py-spy sampling profiles).

    python bench/profile.py [--articles 3000] [--out FILE] [--workdir DIR]

Needs ``py-spy`` (bench-only: ``pip install py-spy``). Each workload runs in its own
process under ``py-spy record --format raw``; the folded stacks are summarised as the
functions with the most self time and the most inclusive time (share of samples).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import scale

WORKLOADS = {
    # index: ingest + SQLite + Whoosh through Library.add_paths, no facts
    "index": """
import sys
from fieldbrief.search.library import Library
lib = Library.open(sys.argv[1], seed=False, fact_extractor=lambda a: [])
lib.add_paths(sys.argv[2:])
""",
    # query: the fixed query list, 3 passes, 20 hits with 20 snippets each
    "query": """
import sys
sys.path.insert(0, {bench!r})
from common import load_queries
from fieldbrief.search.library import Library
lib = Library.open(sys.argv[1], seed=False, fact_extractor=lambda a: [])
for _ in range(3):
    for kind, q in load_queries():
        lib.search(q, limit=20, snippets=20, sort="date" if kind == "sorted" else "relevance")
""",
    # facts: the default fact extractor over the articles, one core
    "facts": """
import sys
from fieldbrief.search.ingest import read_path
from fieldbrief.search.parallel import default_fact_extractor
ex = default_fact_extractor()
for p in sys.argv[2:]:
    for a in read_path(p).articles[:400]:
        ex(a)
""",
}


def summarise(raw: Path, top: int) -> dict[str, Any]:
    self_c: Counter[str] = Counter()
    incl: Counter[str] = Counter()
    total = 0
    for line in raw.read_text("utf-8", "replace").splitlines():
        stack, _, n_text = line.rpartition(" ")
        if not n_text.isdigit():
            continue
        n = int(n_text)
        total += n
        frames = [f.replace(str(Path.cwd()) + "/", "") for f in stack.split(";")]
        self_c[_func(frames[-1])] += n
        for f in {_func(f) for f in frames}:
            incl[f] += n

    def pct(c: Counter[str]) -> list[list[Any]]:
        return [[name, round(100 * n / total, 1)] for name, n in c.most_common(top)]

    return {"samples": total, "self_pct": pct(self_c), "inclusive_pct": pct(incl)}


def _func(frame: str) -> str:
    """``name (path:line)`` -> ``name (path)``: aggregate a function over its lines."""
    name, _, where = frame.partition(" (")
    path = where.rsplit(":", 1)[0]
    for marker in ("site-packages/", "lib/python3"):
        if marker in path:
            path = path.split(marker, 1)[1]
    return f"{name} ({path})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=3000)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--only", choices=sorted(WORKLOADS))
    args = parser.parse_args()
    if not shutil.which("py-spy"):
        print("py-spy is not installed (pip install py-spy)", file=sys.stderr)
        return 2
    work = args.workdir or Path(tempfile.mkdtemp(prefix="fieldbrief-profile-"))
    work.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, FIELDBRIEF_HOME=str(work / "home"), FIELDBRIEF_WORKERS="1")
    # a real-article sample: every k-th article of the three corpora
    real = scale.load_real()
    everything = [r for records in real.values() for r in records]
    step = max(1, len(everything) // args.articles)
    sample = work / "sample.jsonl"
    with open(sample, "w", encoding="utf-8") as handle:
        for record in everything[::step][: args.articles]:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    lib = work / "lib"
    shutil.rmtree(lib, ignore_errors=True)
    report: dict[str, Any] = {"articles": args.articles}
    bench = str(Path(__file__).resolve().parent)
    for name, code in WORKLOADS.items():
        if args.only and name != args.only:
            continue
        if name == "query" and not lib.exists():
            continue
        raw = work / f"{name}.txt"
        script = work / f"{name}.py"
        script.write_text(code.replace("{bench!r}", repr(bench)), "utf-8")
        cmd = [
            "py-spy",
            "record",
            "--format",
            "raw",
            "--rate",
            "200",
            # Whoosh's writer processes and the extraction pool do most of the work.
            "--subprocesses",
            "-o",
            str(raw),
            "--",
            sys.executable,
            str(script),
            str(lib),
            str(sample),
        ]
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
        if proc.returncode != 0 or not raw.exists():
            report[name] = {"error": proc.stderr.strip().splitlines()[-3:]}
            continue
        report[name] = summarise(raw, args.top)
    text = json.dumps(report, indent=1)
    if args.out:
        args.out.write_text(text, "utf-8")
    print(text)
    if not args.workdir:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
