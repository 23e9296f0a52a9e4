"""Phrase queries against single-word queries, in process, on one library.

    python bench/phrases.py --library /tmp/lib22k [--reps 15] [--out F.json]

Each query runs as the CLI runs it (a page of 20 with snippets and the exact
total), once to warm up and then ``--reps`` times, interleaved: term, phrase,
term, … so a change in the machine's load hits both kinds alike. Prints JSON:
p50/p95 per kind, the ratio phrase/term, and each query's median and total.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import emit, latency, load_queries

EXTRA_PHRASES = ['"stock market"', '"central bank"', '"oil prices"', '"united states"']
"""Common two-word phrases besides queries.txt's (thousands of candidates each)."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--library", type=Path, required=True)
    parser.add_argument("--reps", type=int, default=15)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()

    from fieldbrief.search.library import Library

    queries = load_queries()
    terms = [q for kind, q in queries if kind == "term"]
    phrases = [q for kind, q in queries if kind == "phrase"] + EXTRA_PHRASES
    library = Library.open(args.library, create=False)
    per_query: dict[str, list[float]] = {q: [] for q in terms + phrases}
    totals: dict[str, int] = {}
    took: dict[str, list[float]] = {"term": [], "phrase": []}

    def one(text: str, kind: str) -> None:
        started = time.perf_counter()
        results = library.search(text, limit=20, snippets=20)
        per_query[text].append((time.perf_counter() - started) * 1000)
        totals[text] = results.total
        took[kind].append(results.elapsed_ms)

    for text in terms + phrases:  # warm-up: readers, caches, parsers
        library.search(text)
    longest = max(len(terms), len(phrases))
    for _ in range(args.reps):
        for i in range(longest):
            one(terms[i % len(terms)], "term")
            one(phrases[i % len(phrases)], "phrase")
    library.close()

    term_ms = [ms for q in terms for ms in per_query[q]]
    phrase_ms = [ms for q in phrases for ms in per_query[q]]
    term, phrase = latency(term_ms), latency(phrase_ms)
    out: dict[str, Any] = {
        "library": str(args.library),
        "reps": args.reps,
        "term": term,
        "phrase": phrase,
        "phrase_over_term_p50": round(phrase["p50_ms"] / term["p50_ms"], 2),
        "phrase_over_term_p95": round(phrase["p95_ms"] / term["p95_ms"], 2),
        "took_ms": {kind: latency(ms) for kind, ms in took.items()},
        "per_query": {
            q: {"median_ms": round(sorted(ms)[len(ms) // 2], 2), "total": totals[q]}
            for q, ms in per_query.items()
        },
    }
    emit(out, args.out)


if __name__ == "__main__":
    main()
