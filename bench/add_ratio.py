"""``fieldbrief add`` with facts against raw Whoosh plus fact extraction, in rounds.

    python bench/add_ratio.py [--rounds 2] [--out F.json] CORPUS…

The issue-18 target: a bulk add with facts costs at most 1.2× indexing the
same articles with raw Whoosh (plain schema, one writer) plus extracting their
facts alone (the extraction pool a bulk add uses), each timed apart. Each
round runs the three as separate processes, one after the other (``bench/steps.py``
``add``, ``whoosh-raw``, ``facts``), so a round's ratio compares runs under
about the same load; on a shared machine say the range over rounds.

Prints JSON per round: the add's wall seconds (``add_s``), raw Whoosh's
(``index_s``) and extraction's (``extract_s``), the ratio
``add_s / (index_s + extract_s)``; and each process's CPU seconds (its own
and its workers'), with the CPU ratio, which a loaded machine moves least
(with both cores busy elsewhere, the add's overlap of extraction and indexing
buys nothing and wall time tends to CPU time).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import emit, run_step


def cpu(result: dict[str, Any]) -> float:
    process = result.get("process", {})
    return float(process.get("user_s", 0.0)) + float(process.get("sys_s", 0.0))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="+")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()

    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    rounds: list[dict[str, Any]] = []
    work = Path(tempfile.mkdtemp(prefix="fieldbrief-add-ratio-"))
    try:
        for number in range(1, args.rounds + 1):
            library, raw = work / f"lib{number}", work / f"raw{number}"
            load_before = os.getloadavg()
            add = run_step("add", "--library", str(library), *args.corpus, env=env)
            whoosh = run_step("whoosh-raw", "--dir", str(raw), "--reps", "0", *args.corpus, env=env)
            # --sample 10: the step's one-core sample pass is not part of the comparison
            facts = run_step("facts", "--sample", "10", *args.corpus, env=env)
            for result in (add, whoosh, facts):
                if "error" in result:
                    raise SystemExit(json.dumps(result, indent=2))
            floor_s = whoosh["index_s"] + facts["extract_s"]
            floor_cpu = cpu(whoosh) + cpu(facts)
            rounds.append(
                {
                    "round": number,
                    "load_avg_before": [round(x, 2) for x in load_before],
                    "load_avg_after": [round(x, 2) for x in os.getloadavg()],
                    "articles_added": add["added"],
                    "add_s": add["add_s"],
                    "whoosh_raw_index_s": whoosh["index_s"],
                    "facts_extract_s": facts["extract_s"],
                    "wall_ratio": round(add["add_s"] / floor_s, 2),
                    "add_cpu_s": round(cpu(add), 1),
                    "whoosh_raw_cpu_s": round(cpu(whoosh), 1),
                    "facts_cpu_s": round(cpu(facts), 1),
                    "cpu_ratio": round(cpu(add) / floor_cpu, 2),
                    "add_phases": add.get("phases"),
                    "index_mb": add.get("index_mb"),
                    "whoosh_raw_index_mb": whoosh.get("index_mb"),
                }
            )
            shutil.rmtree(library, ignore_errors=True)
            shutil.rmtree(raw, ignore_errors=True)
            print(json.dumps(rounds[-1]), file=sys.stderr)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    out = {
        "rounds": rounds,
        "wall_ratio": [min(r["wall_ratio"] for r in rounds), max(r["wall_ratio"] for r in rounds)],
        "cpu_ratio": [min(r["cpu_ratio"] for r in rounds), max(r["cpu_ratio"] for r in rounds)],
        "add_s": [min(r["add_s"] for r in rounds), max(r["add_s"] for r in rounds)],
    }
    emit(out, args.out)


if __name__ == "__main__":
    main()
