"""fieldbrief benchmark: index build, incremental add, queries, CLI, app, alternatives.

    python bench/run.py [--sizes 22k,50k,100k,200k] [--out FILE] [--baseline FILE]
                        [--no-facts] [--procs N] [--skip-app] [--skip-alternatives]
                        [--writer-settings] [--keep] [--workdir DIR]

Prints one JSON document (and writes it to --out). Every measurement runs in a fresh
subprocess (``bench/steps.py``) so peak RSS is per step. Corpora, libraries and
indexes live in a temp dir, never in the repository. See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import scale
from common import latency, load_queries, run_step, run_timed

TARGETS = {
    "build_22k_with_facts_s": 60,
    "build_200k_s": 600,
    "add_1_s": 1.0,
    "query_p95_ms_22k": 50,
    "query_p95_ms_200k": 100,
    "grep_over_ours_200k": 10,
    "ours_over_raw_plus_facts": 1.3,
    "app_start_s": 1.0,
    "peak_rss_mb": 300,
    "facts_sentences_per_s_per_core": 2000,
}


def parse_size(text: str) -> int:
    text = text.strip().lower()
    if text.endswith("k"):
        return int(float(text[:-1]) * 1000)
    return int(text)


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def ratio(a: Any, b: Any) -> float | None:
    try:
        return round(float(a) / float(b), 2) if a and b else None
    except (TypeError, ValueError, ZeroDivisionError):
        return None


def fieldbrief_cmd() -> list[str]:
    exe = Path(sys.executable).with_name("fieldbrief")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "fieldbrief"]


def cli_cmd(no_facts: bool) -> list[str]:
    """The real ``fieldbrief`` command, or the same CLI with an empty fact extractor."""
    if not no_facts:
        return fieldbrief_cmd()
    steps = str(Path(__file__).resolve().parent / "steps.py")
    return [sys.executable, steps, "cli", "--no-facts", "--result", os.devnull, "--"]


# --- grep / ripgrep ---------------------------------------------------------------------


def grep_queries() -> list[str]:
    """Single terms and phrases: the only queries grep answers the same way."""
    return [q.strip('"') for k, q in load_queries() if k in ("term", "phrase")]


def bench_grep(files_dir: Path, env: dict[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    tools = {"grep": ["grep", "-ril", "-F", "--"]}
    if shutil.which("rg"):
        tools["rg"] = ["rg", "-il", "-F", "--no-messages", "--"]
    else:
        out["rg"] = {"skipped": "ripgrep not installed"}
    queries = grep_queries()
    for name, argv in tools.items():
        run_timed([*argv, queries[0], str(files_dir)], env=env)  # warm the page cache
        times, counts = [], {}
        for q in queries:
            r = run_timed([*argv, q, str(files_dir)], env=env)
            times.append(r["wall_s"] * 1000)
            counts[q] = len(r["stdout"].splitlines())
        out[name] = latency(times) | {"files_matched": counts}
    return out


# --- one corpus size ------------------------------------------------------------------------


def bench_size(
    label: str, paths: list[Path], work: Path, args: argparse.Namespace, env: dict[str, str]
) -> dict[str, Any]:
    res: dict[str, Any] = {"corpus_files": [str(p) for p in paths]}
    str_paths = [str(p) for p in paths]
    nf = ["--no-facts"] if args.no_facts else []

    log(f"{label}: ingest + sentence split")
    res["ingest"] = run_step("ingest", *str_paths, env=env)
    n = res["ingest"].get("articles", 0)
    res["articles"] = n

    log(f"{label}: fact extraction only")
    if args.no_facts:
        res["facts_only"] = run_step("facts", "--sample-only", *str_paths, env=env)
        res["facts_only"]["note"] = "--no-facts: only the per-core sample was timed"
    else:
        res["facts_only"] = run_step("facts", *str_paths, env=env)

    lib = work / f"lib-{label}"
    shutil.rmtree(lib, ignore_errors=True)
    log(f"{label}: full add ({'no facts' if args.no_facts else 'with facts'})")
    res["build"] = run_step("add", "--library", str(lib), *nf, *str_paths, env=env)
    build = res["build"]
    res["build_summary"] = {
        "docs": build.get("docs_in_index"),
        "wall_s": build.get("process", {}).get("wall_s"),
        "add_s": build.get("add_s"),
        "docs_per_s": build.get("docs_per_s"),
        "index_mb": build.get("index_mb"),
        "sqlite_mb": build.get("sqlite_mb"),
        "peak_rss_mb": build.get("process", {}).get("peak_rss_mb"),
        # The add is a pipeline: extraction workers run alongside the main
        # process, so these are the main process's own phases and do not add up.
        "split_s": {
            key: build.get("phases", {}).get(key, {}).get("s")
            for key in (
                "ingest",
                "facts_wait",
                "sqlite_put",
                "whoosh_add_document",
                "whoosh_commit",
                "whoosh_sync_index",
            )
        },
        "cpu_s": build.get("cpu_s"),
    }

    if not args.skip_alternatives:
        log(f"{label}: raw Whoosh (plain schema)")
        res["whoosh_raw"] = run_step(
            "whoosh-raw", "--dir", str(work / f"raw-{label}"), *str_paths, env=env
        )
        shutil.rmtree(work / f"raw-{label}", ignore_errors=True)
        log(f"{label}: SQLite FTS5")
        res["fts5"] = run_step("fts5", "--db", str(work / f"fts-{label}.db"), *str_paths, env=env)
        for p in work.glob(f"fts-{label}.db*"):
            p.unlink()

    log(f"{label}: queries")
    res["queries"] = run_step("queries", "--library", str(lib), "--reps", str(args.reps), env=env)

    log(f"{label}: cold CLI search")
    cli_runs = []
    for q in ("oil", '"interest rates"', "person:reagan", "date:[1987-03-01 to 1987-03-31] oil"):
        r = run_timed([*fieldbrief_cmd(), "--library", str(lib), "search", q], env=env)
        cli_runs.append({"query": q, "wall_s": r["wall_s"], "rc": r["rc"], "rss": r["peak_rss_mb"]})
    version = run_timed([*fieldbrief_cmd(), "--version"], env=env)
    res["cli_search"] = {
        "runs": cli_runs,
        "median_wall_s": sorted(c["wall_s"] for c in cli_runs)[len(cli_runs) // 2],
        "peak_rss_mb": max(c["rss"] for c in cli_runs),
        "fieldbrief_version_wall_s": version["wall_s"],
    }

    if not args.skip_app:
        log(f"{label}: app in tmux")
        res["app"] = run_step("app", "--library", str(lib), env=env)
    else:
        res["app"] = {"skipped": "--skip-app"}

    if not args.skip_alternatives:
        log(f"{label}: grep / ripgrep")
        files = work / f"files-{label}"
        shutil.rmtree(files, ignore_errors=True)
        t = time.perf_counter()
        count = scale.write_files([p for p in paths], files)
        res["grep"] = {"files": count, "write_s": round(time.perf_counter() - t, 1)}
        res["grep"].update(bench_grep(files, env))
        shutil.rmtree(files, ignore_errors=True)

    log(f"{label}: incremental add of 1 and 100")
    inc: dict[str, Any] = {}
    for count in (1, 100):
        cli_file = scale.write_new(
            count, work / f"inc-{label}-cli-{count}.jsonl", seed=7 + count, tag="c"
        )
        lib_file = scale.write_new(
            count, work / f"inc-{label}-lib-{count}.jsonl", seed=9 + count, tag="l"
        )
        r = run_timed(
            [*cli_cmd(args.no_facts), "--library", str(lib), "add", str(cli_file)], env=env
        )
        inproc = run_step("add", "--library", str(lib), *nf, str(lib_file), env=env)
        inc[str(count)] = {
            "cli_wall_s": r["wall_s"],
            "cli_rc": r["rc"],
            "cli_peak_rss_mb": r["peak_rss_mb"],
            "in_process_add_s": inproc.get("add_s"),
            "in_process_open_s": inproc.get("open_s"),
            "in_process_phases": inproc.get("phases"),
            "added": inproc.get("added"),
        }
    res["incremental"] = inc
    res["ratios"] = ratios(res)
    if args.writer_settings and n < 40000:
        res["writer_settings"] = bench_writer_settings(lib, work, env)
    if not args.keep:
        shutil.rmtree(lib, ignore_errors=True)
    return res


def ratios(res: dict[str, Any]) -> dict[str, Any]:
    build = res.get("build", {})
    raw = res.get("whoosh_raw", {})
    fts = res.get("fts5", {})
    q = res.get("queries", {})
    # Fact extraction over the whole corpus on its own, with the same worker
    # pool a bulk add uses.
    facts_s = res.get("facts_only", {}).get("extract_s") or 0.0
    out: dict[str, Any] = {
        "index_ours_over_whoosh_raw": ratio(build.get("add_s"), raw.get("index_s")),
        "index_ours_over_raw_plus_facts": ratio(
            build.get("add_s"), (raw.get("index_s") or 0) + facts_s
        ),
        "index_ours_over_fts5": ratio(build.get("add_s"), fts.get("index_s")),
        "query_p50_ours_over_whoosh_raw": ratio(
            q.get("warm_comparable", {}).get("p50_ms"), raw.get("query", {}).get("p50_ms")
        ),
        "query_p95_ours_over_whoosh_raw": ratio(
            q.get("warm_comparable", {}).get("p95_ms"), raw.get("query", {}).get("p95_ms")
        ),
        "query_p50_ours_over_fts5": ratio(
            q.get("warm_comparable", {}).get("p50_ms"), fts.get("query", {}).get("p50_ms")
        ),
        "query_p95_ours_over_fts5": ratio(
            q.get("warm_comparable", {}).get("p95_ms"), fts.get("query", {}).get("p95_ms")
        ),
    }
    grep = res.get("grep", {})
    per_query = q.get("per_query", {})
    ours_tp = [v["median_ms"] for k, v in per_query.items() if v["kind"] in ("term", "phrase")]
    if ours_tp and "grep" in grep and "p50_ms" in grep["grep"]:
        ours = latency(ours_tp)["p50_ms"]
        out["grep_p50_over_ours_p50"] = ratio(grep["grep"]["p50_ms"], ours)
        if "p50_ms" in grep.get("rg", {}):
            out["rg_p50_over_ours_p50"] = ratio(grep["rg"]["p50_ms"], ours)
        cli = res.get("cli_search", {}).get("median_wall_s")
        out["grep_p50_over_ours_cold_cli"] = ratio(grep["grep"]["p50_ms"], (cli or 0) * 1000)
    return out


# --- writer settings -------------------------------------------------------------------------


def bench_writer_settings(lib: Path, work: Path, env: dict[str, str]) -> dict[str, Any]:
    variants = [
        ("procs1_limit128", ["--procs", "1", "--limitmb", "128"]),
        ("procs1_limit256", ["--procs", "1", "--limitmb", "256"]),
        ("procs2_multiseg_limit256", ["--procs", "2", "--multisegment", "--limitmb", "256"]),
        ("procs2_merge_limit256", ["--procs", "2", "--limitmb", "256"]),
        ("procs2_multiseg_limit128", ["--procs", "2", "--multisegment", "--limitmb", "128"]),
    ]
    out: dict[str, Any] = {}
    for name, extra in variants:
        log(f"writer settings: {name}")
        target = work / f"writer-{name}"
        out[name] = run_step(
            "writer", "--library", str(lib), "--dir", str(target), "--reps", "2", *extra, env=env
        )
        shutil.rmtree(target, ignore_errors=True)
    for procs in (1, 2):
        log(f"writer settings: Library.rebuild(procs={procs})")
        out[f"library_rebuild_procs{procs}"] = run_step(
            "rebuild", "--library", str(lib), "--procs", str(procs), env=env
        )
    scored = {k: v.get("index_s") for k, v in out.items() if isinstance(v.get("index_s"), float)}
    if scored:
        out["fastest_build"] = min(scored, key=lambda k: scored[k])
    return out


# --- baseline comparison -----------------------------------------------------------------


LOWER_IS_BETTER = (
    ("build_summary", "add_s"),
    ("queries", "warm", "p50_ms"),
    ("queries", "warm", "p95_ms"),
    ("cli_search", "median_wall_s"),
    ("incremental", "1", "cli_wall_s"),
    ("incremental", "100", "cli_wall_s"),
    ("build_summary", "peak_rss_mb"),
    ("app", "summary", "interactive_ms", "median"),
)


def _dig(data: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def compare(
    current: dict[str, Any], baseline: dict[str, Any], tolerance: float = 0.2
) -> dict[str, Any]:
    out: dict[str, Any] = {"tolerance": tolerance, "regressions": [], "compared": []}
    for size, res in current.get("sizes", {}).items():
        base = baseline.get("sizes", {}).get(size)
        if not base:
            continue
        for path in LOWER_IS_BETTER:
            now, then = _dig(res, path), _dig(base, path)
            if not isinstance(now, int | float) or not isinstance(then, int | float) or not then:
                continue
            change = now / then - 1
            row = {
                "size": size,
                "metric": ".".join(path),
                "baseline": then,
                "now": now,
                "change": f"{change:+.0%}",
            }
            out["compared"].append(row)
            if change > tolerance:
                out["regressions"].append(row)
    out["ok"] = not out["regressions"]
    return out


# --- targets ----------------------------------------------------------------------------------


def targets(report: dict[str, Any]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []

    def check(
        name: str, value: Any, target: float, *, higher_is_better: bool = False, note: str = ""
    ) -> None:
        if value is None:
            rows.append({"target": name, "goal": target, "value": None, "met": None, "note": note})
            return
        met = value >= target if higher_is_better else value <= target
        rows.append({"target": name, "goal": target, "value": value, "met": met, "note": note})

    facts_note = "built WITHOUT facts (--no-facts)" if report["no_facts"] else ""
    for label, res in report["sizes"].items():
        n = res.get("articles", 0)
        build_s = res.get("build_summary", {}).get("add_s")
        if n < 40000:
            check(
                f"{label}: build with facts (s)",
                build_s,
                TARGETS["build_22k_with_facts_s"],
                note=facts_note,
            )
            check(
                f"{label}: query+20 snippets p95 (ms)",
                res["queries"].get("warm", {}).get("p95_ms"),
                TARGETS["query_p95_ms_22k"],
            )
        if n >= 150000:
            check(f"{label}: build (s)", build_s, TARGETS["build_200k_s"], note=facts_note)
            check(
                f"{label}: query+20 snippets p95 (ms)",
                res["queries"].get("warm", {}).get("p95_ms"),
                TARGETS["query_p95_ms_200k"],
            )
            check(
                f"{label}: page+20 snippets p95, total counted after (ms)",
                res["queries"].get("warm_page_before_count", {}).get("p95_ms"),
                TARGETS["query_p95_ms_200k"],
                note="what the app shows first; the exact total follows",
            )
            check(
                f"{label}: grep p50 / ours p50",
                res["ratios"].get("grep_p50_over_ours_p50"),
                TARGETS["grep_over_ours_200k"],
                higher_is_better=True,
            )
        check(
            f"{label}: incremental add of 1, CLI (s)",
            _dig(res, ("incremental", "1", "cli_wall_s")),
            TARGETS["add_1_s"],
        )
        check(
            f"{label}: ours / (raw Whoosh + facts)",
            res["ratios"].get("index_ours_over_raw_plus_facts"),
            TARGETS["ours_over_raw_plus_facts"],
        )
        app_ms = _dig(res, ("app", "summary", "interactive_ms", "median"))
        check(
            f"{label}: app start to interactive (s)",
            app_ms / 1000 if app_ms else None,
            TARGETS["app_start_s"],
        )
        rss = [
            res.get("build_summary", {}).get("peak_rss_mb"),
            # the extraction workers and Whoosh's writer processes of the add
            _dig(res, ("build", "peak_rss_children_mb")),
            _dig(res, ("queries", "process", "peak_rss_mb")),
            _dig(res, ("cli_search", "peak_rss_mb")),
            _dig(res, ("incremental", "1", "cli_peak_rss_mb")),
            _dig(res, ("incremental", "100", "cli_peak_rss_mb")),
        ]
        check(
            f"{label}: peak RSS, any step (MB)",
            max((r for r in rss if r), default=None),
            TARGETS["peak_rss_mb"],
        )
        check(
            f"{label}: fact extraction sentences/s/core",
            _dig(res, ("facts_only", "sentences_per_s_per_core")),
            TARGETS["facts_sentences_per_s_per_core"],
            higher_is_better=True,
            note=str(_dig(res, ("facts_only", "skipped")) or ""),
        )
    return rows


# --- main ---------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="22k")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--baseline", type=Path)
    parser.add_argument("--no-facts", action="store_true", help="index without fact extraction")
    parser.add_argument("--procs", type=int, help="FIELDBRIEF_WORKERS for fact extraction")
    parser.add_argument("--skip-app", action="store_true")
    parser.add_argument("--skip-alternatives", action="store_true")
    parser.add_argument(
        "--writer-settings",
        action="store_true",
        help="also compare Whoosh writer settings on the real corpora",
    )
    parser.add_argument("--reps", type=int, default=3, help="warm repetitions of the query list")
    parser.add_argument("--workdir", type=Path, help="temp dir to use (default: a new one)")
    parser.add_argument("--keep", action="store_true", help="keep libraries and corpora")
    args = parser.parse_args()

    work = args.workdir or Path(tempfile.mkdtemp(prefix="fieldbrief-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env["FIELDBRIEF_HOME"] = str(work / "home")
    if args.procs:
        env["FIELDBRIEF_WORKERS"] = str(args.procs)
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        cwd=Path(__file__).parent,
    ).stdout.strip()
    report: dict[str, Any] = {
        "started": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "commit": commit,
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_avg_at_start": [round(x, 2) for x in os.getloadavg()],
        },
        "no_facts": args.no_facts,
        "fact_workers": args.procs or "default (FIELDBRIEF_WORKERS or min(4, cpus))",
        "workdir": str(work),
        "sizes": {},
    }
    real_n = scale.real_count()
    for text in args.sizes.split(","):
        size = parse_size(text)
        label = text.strip().lower()
        if size <= real_n + 1000:
            paths = sorted(scale.real_files().values())
        else:
            log(f"{label}: generating scaled corpus of {size}")
            paths = scale.write_scaled(size, work / f"corpus-{label}")
        report["sizes"][label] = bench_size(label, paths, work, args, env)
        if args.out:  # partial results survive a long run being stopped
            args.out.write_text(json.dumps(report, indent=1, default=str), "utf-8")
        if size > real_n + 1000 and not args.keep:
            shutil.rmtree(work / f"corpus-{label}", ignore_errors=True)
    report["targets"] = targets(report)
    if args.baseline:
        report["baseline"] = compare(report, json.loads(args.baseline.read_text("utf-8")))
    report["finished"] = time.strftime("%Y-%m-%dT%H:%M:%S")
    report["machine"]["load_avg_at_end"] = [round(x, 2) for x in os.getloadavg()]
    text = json.dumps(report, indent=1, default=str)
    if args.out:
        args.out.write_text(text, "utf-8")
    print(text)
    if not args.keep and not args.workdir:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if args.baseline and not report["baseline"]["ok"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
