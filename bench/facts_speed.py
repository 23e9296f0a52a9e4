#!/usr/bin/env python3
"""End-to-end fact extraction speed on real news: sentences per second on one core.

Runs ``extract_facts`` (the function behind ``fieldbrief facts --jsonl`` and
ingest: sentence splitting, tagging, page furniture, organisations, document
consistency, dates, figures) over articles read in place from the shared
corpora (Reuters-21578, BBC News, ISOT Reuters 2017; research use, never
copied). Articles are taken evenly spread over each corpus. Two disjoint
samples of the same size: the first pass is ``cold`` (the tagger's per-word
feature cache starts empty, as in a fresh process), the second ``warm`` (as in
a bulk add, where the cache is filled by earlier articles). The clock is the
CPU time of this one thread, so the figure is per core even on a busy machine.

Prints JSON: ``sentences``, ``seconds``, ``sentences_per_s`` (warm), the cold
figures, and ``cores_used`` (always 1: one process, one thread).

Usage::

    python bench/facts_speed.py [--per-corpus 1000] [--corpora DIR] [--profile OUT.html]
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
CORPORA = Path(os.environ.get("FIELDBRIEF_CORPORA", REPO.parent / "shared" / "corpora"))
FILES = {
    "reuters21578": "reuters21578/reuters21578.jsonl.gz",
    "bbc-news": "bbc-news/bbc-news.jsonl",
    "isot-reuters-2017": "isot-reuters-2017-sample/isot-reuters-2017-sample.jsonl",
}

try:
    from fieldbrief.search.facts.extract import extract_facts
    from fieldbrief.search.facts.ner import default_tagger
    from fieldbrief.search.facts.tokenize import sentences
except ModuleNotFoundError:  # a source checkout without an install
    sys.path.insert(0, str(REPO))
    from search.facts.extract import extract_facts  # type: ignore[no-redef]
    from search.facts.ner import default_tagger  # type: ignore[no-redef]
    from search.facts.tokenize import sentences  # type: ignore[no-redef]


def _date(raw: object) -> dt.date | None:
    if not isinstance(raw, str) or len(raw) < 10:
        return None
    try:
        return dt.date.fromisoformat(raw[:10])
    except ValueError:
        return None


def read_corpus(path: Path) -> list[tuple[str, dt.date | None]]:
    opener: Any = gzip.open if path.suffix == ".gz" else open
    out = []
    with opener(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            body = rec.get("body") or ""
            if body.strip():
                out.append((body, _date(rec.get("date"))))
    return out


def spread(items: list[Any], n: int, offset: int) -> list[Any]:
    """``n`` items evenly spread over ``items``; offsets 0 and 1 give disjoint samples."""
    if 2 * n >= len(items):
        return items[offset::2][:n]
    stride = len(items) / n
    return [items[int(i * stride + offset * stride / 2)] for i in range(n)]


def run(docs: list[tuple[str, dt.date | None]]) -> tuple[int, float, int]:
    tagger = default_tagger()
    n_sent = sum(len(sentences(text)) for text, _ in docs)
    t0 = time.process_time()
    n_facts = 0
    for text, published in docs:
        n_facts += len(extract_facts(text, published, tagger=tagger))
    return n_sent, time.process_time() - t0, n_facts


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--per-corpus", type=int, default=1000, help="articles per corpus and pass")
    ap.add_argument("--corpora", type=Path, default=CORPORA)
    ap.add_argument(
        "--profile",
        type=Path,
        help="pyinstrument profile of the warm pass (.html, else text); slows that pass",
    )
    args = ap.parse_args(argv)

    cold: list[tuple[str, dt.date | None]] = []
    warm: list[tuple[str, dt.date | None]] = []
    for rel in FILES.values():
        items = read_corpus(args.corpora / rel)
        cold += spread(items, args.per_corpus, 0)
        warm += spread(items, args.per_corpus, 1)
    default_tagger()  # model load is not extraction
    c_sent, c_s, _ = run(cold)
    profiler = None
    if args.profile:
        from pyinstrument import Profiler

        profiler = Profiler()
        profiler.start()
    w_sent, w_s, w_facts = run(warm)
    if profiler:
        profiler.stop()
        html = args.profile.suffix == ".html"
        out = profiler.output_html() if html else profiler.output_text(show_all=False)
        args.profile.write_text(out, encoding="utf-8")
    print(
        json.dumps(
            {
                "corpora": list(FILES),
                "articles": len(warm),
                "sentences": w_sent,
                "seconds": round(w_s, 3),
                "sentences_per_s": round(w_sent / w_s) if w_s else None,
                "facts": w_facts,
                "cold": {
                    "articles": len(cold),
                    "sentences": c_sent,
                    "seconds": round(c_s, 3),
                    "sentences_per_s": round(c_sent / c_s) if c_s else None,
                },
                "cores_used": 1,
                "clock": "process CPU time of one thread (text -> all facts, extract_facts)",
            },
            indent=2,
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
