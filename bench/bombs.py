"""Hostile inputs for `fieldbrief add`: wall time, peak RSS and outcome of each, as JSON.

    python bench/bombs.py [--timeout 150] [--only NAME ...]

Every file is made here (nothing is downloaded or committed) and added to a
fresh library under a fresh FIELDBRIEF_HOME, one whole `fieldbrief add`
process per input, timed from outside with the kernel's accounting of the
child (resource.getrusage(RUSAGE_CHILDREN) after each run). The README's
security table quotes these figures.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

SEED = Path(__file__).resolve().parent.parent / "seeds" / "001_a49b9e0f7d0eb00b.txt"


def surrogate(folder: Path) -> Path:
    path = folder / "surrogate.jsonl"
    path.write_text(
        json.dumps({"id": "a", "body": "Fine text about Niger."})
        + '\n{"id": "b", "title": "bad \\ud800", "body": "lone \\ud800 surrogate"}\n'
        + json.dumps({"id": "c", "body": "More text about Mali."})
        + "\n",
        "utf-8",
    )
    return path


def yaml_aliases(folder: Path) -> Path:
    levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdef", "bcdefg", strict=True):
        levels.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    path = folder / "bomb.md"
    path.write_text("---\n" + "\n".join(levels) + "\ntitle: *g\n---\nBody.\n", "utf-8")
    return path


def gzip_long_line(folder: Path) -> Path:
    path = folder / "bigline.jsonl.gz"
    with gzip.open(path, "wb", compresslevel=9) as handle:
        handle.write(b'{"id":"x","body":"')
        for _ in range(1024):
            handle.write(b"a" * (1 << 20))
        handle.write(b'"}\n')
    return path


def gzip_empty_lines(folder: Path) -> Path:
    path = folder / "empty.jsonl.gz"
    with gzip.open(path, "wb", compresslevel=9) as handle:
        for _ in range(200):
            handle.write(b"\n" * (1 << 20))
    return path


def gzip_bad_lines(folder: Path) -> Path:
    path = folder / "badlines.jsonl.gz"
    with gzip.open(path, "wb", compresslevel=9) as handle:
        for _ in range(3):
            handle.write(b"x\n" * (1 << 20))
    return path


def combining(folder: Path) -> Path:
    path = folder / "combining.txt"
    path.write_text("Title line\n\nA" + "\u0301" * 200_000 + " end.\n", "utf-8")
    return path


def unpunctuated(folder: Path) -> Path:
    words = SEED.read_text("utf-8").split()
    rng = random.Random(2)
    body = " ".join(rng.choice(words).strip(".,") for _ in range(800_000))[:4_900_000]
    path = folder / "huge_nopunct.txt"
    path.write_text("Huge\n\n" + body + "\n", "utf-8")
    return path


BOMBS: dict[str, Callable[[Path], Path]] = {
    "jsonl-lone-surrogate": surrogate,
    "yaml-alias-bomb": yaml_aliases,
    "gzip-1gb-line": gzip_long_line,
    "gzip-200m-empty-lines": gzip_empty_lines,
    "gzip-3m-bad-lines": gzip_bad_lines,
    "200k-combining-characters": combining,
    "4.9mb-unpunctuated-article": unpunctuated,
}


def run(name: str, make: Callable[[Path], Path], timeout: float) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="fieldbrief-bomb-") as tmp:
        folder = Path(tmp)
        data = make(folder)
        env = dict(os.environ, FIELDBRIEF_HOME=str(folder / "home"))
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        command = [sys.executable, "-m", "fieldbrief", "--library", str(folder / "lib")]
        try:
            done = subprocess.run(
                [*command, "add", str(data)],
                env=env,
                capture_output=True,
                text=True,
                timeout=timeout,
            )
            code: int | None = done.returncode
            tail = (done.stderr.strip().splitlines() or [""])[-1]
            summary = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""
        except subprocess.TimeoutExpired:
            code, tail, summary = None, f"timed out after {timeout} s", ""
        wall = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        return {
            "name": name,
            "input_bytes": data.stat().st_size,
            "wall_s": round(wall, 2),
            "cpu_s": round(
                (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), 2
            ),
            # ru_maxrss of children is the largest child so far: run one bomb per process
            # (--only) for an exact per-bomb peak.
            "peak_rss_mb": round(after.ru_maxrss / 1024, 1),
            "exit": code,
            "traceback": "Traceback" in tail or "Error" in tail,
            "summary": summary,
            "last_stderr_line": tail[:200],
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=float, default=150)
    parser.add_argument("--only", nargs="*", choices=sorted(BOMBS), default=None)
    args = parser.parse_args()
    names = args.only or list(BOMBS)
    results = [run(name, BOMBS[name], args.timeout) for name in names]
    print(json.dumps({"bombs": results}, indent=2))


if __name__ == "__main__":
    main()
