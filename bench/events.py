"""What events, attribution and quotes cost an add, and how fast the timeline is built.

    python bench/events.py --articles 300 [--corpus PATH.jsonl] [--reps 2]

Adds the first N articles of a shared corpus to a fresh library (in a temp
dir) in four set-ups, alternating so machine load hits them alike:
``full`` (everything), ``no-events`` (``Store.record_events`` off: no event
rows), ``no-speech`` (extraction without attribution/quotes/as_of), and
``neither``. Then times ``Library.timeline()`` and an entity profile on the
full library, and in CPU seconds the parts alone: making every article's event
mentions, and extracting 200 articles with and without attribution/quotes.
Prints JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

DEFAULT_CORPUS = "/work/shared/corpora/isot-reuters-2017-sample/isot-reuters-2017-sample.jsonl"


def _subset(corpus: Path, count: int, out: Path) -> Path:
    lines = []
    with corpus.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                lines.append(line)
            if len(lines) >= count:
                break
    out.write_text("".join(lines), encoding="utf-8")
    return out


def _add(data: Path, root: Path, events: bool, speech: bool) -> tuple[float, object]:
    from fieldbrief.search.facts import extract
    from fieldbrief.search.library import Library

    saved = extract._speech
    if not speech:
        extract._speech = lambda *args, **kwargs: None  # type: ignore[assignment]
    try:
        library = Library.open(root, seed=False)
        library.store.record_events = events
        started = time.perf_counter()
        library.add_paths([data])
        took = time.perf_counter() - started
    finally:
        extract._speech = saved
    return took, library


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--corpus", default=os.environ.get("FIELDBRIEF_CORPUS", DEFAULT_CORPUS))
    parser.add_argument("--reps", type=int, default=2)
    args = parser.parse_args()
    # One process: the comparison is of the work, not of pool start-up.
    os.environ.setdefault("FIELDBRIEF_WORKERS", "1")
    work = Path(tempfile.mkdtemp(prefix="fb-events-bench-"))
    os.environ["FIELDBRIEF_HOME"] = str(work / "home")
    data = _subset(Path(args.corpus), args.articles, work / "subset.jsonl")
    setups = {
        "full": (True, True),
        "no-events": (False, True),
        "no-speech": (True, False),
        "neither": (False, False),
    }
    times: dict[str, list[float]] = {name: [] for name in setups}
    full_library = None
    for rep in range(args.reps):
        for name, (events, speech) in setups.items():
            took, library = _add(data, work / f"lib-{name}-{rep}", events, speech)
            times[name].append(took)
            if name == "full" and full_library is None:
                full_library = library
            else:
                library.close()  # type: ignore[attr-defined]
            print(f"{name} rep {rep}: {took:.2f}s", file=sys.stderr)
    assert full_library is not None
    lib = full_library
    started = time.perf_counter()
    events = lib.timeline()  # type: ignore[attr-defined]
    timeline_s = time.perf_counter() - started
    rows = lib.store.db.execute("SELECT count(*) FROM events").fetchone()[0]  # type: ignore[attr-defined]
    top = lib.top_entities("person", 1)  # type: ignore[attr-defined]
    from fieldbrief.search.profile import entity_profile

    profile_s = None
    if top:
        started = time.perf_counter()
        entity_profile(lib, top[0][0], "person")
        profile_s = time.perf_counter() - started
    quotes = sum(
        1
        for _, facts in lib.articles()
        for f in facts
        if f.kind == "quote"  # type: ignore[attr-defined]
    )
    # The parts themselves, in CPU seconds (what load on a shared machine moves least).
    from fieldbrief.search.events import event_mentions
    from fieldbrief.search.facts import extract

    items = list(lib.articles())  # type: ignore[attr-defined]
    started = time.process_time()
    for article, facts in items:
        event_mentions(article, facts)
    mentions_cpu = time.process_time() - started
    sample = items[:200]
    extract.extract_facts(sample[0][0].body, sample[0][0].date)  # loads the tagger
    started = time.process_time()
    for article, _ in sample:
        extract.extract_facts(article.body, article.date)
    with_speech = time.process_time() - started
    saved = extract._speech
    extract._speech = lambda *a, **k: None  # type: ignore[assignment]
    try:
        started = time.process_time()
        for article, _ in sample:
            extract.extract_facts(article.body, article.date)
        without_speech = time.process_time() - started
    finally:
        extract._speech = saved
    result = {
        "articles": args.articles,
        "corpus": args.corpus,
        "add_s": {name: round(statistics.median(v), 3) for name, v in times.items()},
        "add_s_all": {name: [round(x, 3) for x in v] for name, v in times.items()},
        "event_rows": rows,
        "events_merged": len(events),
        "quotes": quotes,
        "timeline_s": round(timeline_s, 3),
        "event_mentions_cpu_s": round(mentions_cpu, 3),
        "extract_200_cpu_s": {
            "with_speech": round(with_speech, 3),
            "without_speech": round(without_speech, 3),
        },
        "profile_entity": top[0][0] if top else None,
        "profile_s": round(profile_s, 3) if profile_s is not None else None,
    }
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
