"""One benchmark step per process, so each gets its own clean peak RSS.

``python bench/steps.py STEP --result FILE ...`` writes the step's figures as JSON
to FILE. ``bench/run.py`` drives these; they can also be run by hand.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import resource
import shutil
import sqlite3
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (
    COMPARABLE,
    dir_bytes,
    latency,
    load_queries,
    self_rss_mb,
)


def no_facts(_article: Any) -> list[Any]:
    return []


def facts_available() -> str | None:
    """None when the fact engine loads, else why not."""
    try:
        from fieldbrief.search.model import Article
        from fieldbrief.search.parallel import default_fact_extractor

        default_fact_extractor()(Article(id="x", title="t", body="Reagan met IBM in Paris."))
    except Exception as exc:  # a missing model, a half-landed package …
        return f"{type(exc).__name__}: {exc}"
    return None


def read_all(paths: list[str]) -> list[Any]:
    from fieldbrief.search.ingest import read_path

    articles = []
    for path in paths:
        articles.extend(read_path(path).articles)
    return articles


# --- ingest / facts ------------------------------------------------------------


def step_ingest(args: argparse.Namespace) -> dict[str, Any]:
    from fieldbrief.search.facts.tokenize import sentences

    t = time.perf_counter()
    articles = read_all(args.paths)
    ingest_s = time.perf_counter() - t
    t = time.perf_counter()
    n_sent = sum(len(sentences(a.body)) for a in articles)
    sent_s = time.perf_counter() - t
    chars = sum(len(a.body) for a in articles)
    return {
        "articles": len(articles),
        "body_mb": round(chars / 1e6, 1),
        "sentences": n_sent,
        "ingest_s": round(ingest_s, 3),
        "ingest_docs_per_s": round(len(articles) / ingest_s),
        "sentence_split_s": round(sent_s, 3),
    }


def step_facts(args: argparse.Namespace) -> dict[str, Any]:
    """Fact extraction alone: per-core sentences/s on a sample, then the whole batch."""
    reason = facts_available()
    if reason:
        return {"skipped": f"facts not available ({reason})"}
    from fieldbrief.search.facts.tokenize import sentences
    from fieldbrief.search.parallel import default_fact_extractor, extract_stream, worker_count

    articles = read_all(args.paths)
    extractor = default_fact_extractor()
    stride = max(1, len(articles) // args.sample)
    sample = articles[::stride][: args.sample]
    # A disjoint sample, run first: the tagger caches each word's features, so
    # the first few hundred articles in a process run slower than the rest of
    # a bulk add. Both rates are reported; "steady" is what a bulk add sees.
    warmup = articles[stride // 2 :: stride][: args.sample] if stride > 1 else []
    n_sent = sum(len(sentences(a.body)) for a in sample)
    n_warm = sum(len(sentences(a.body)) for a in warmup)
    t = time.perf_counter()
    for a in warmup:
        extractor(a)
    cold = time.perf_counter() - t
    t = time.perf_counter()
    n_facts = sum(len(extractor(a)) for a in sample)
    one_core = time.perf_counter() - t
    out: dict[str, Any] = {
        "sample_articles": len(sample),
        "sample_sentences": n_sent,
        "sample_facts": n_facts,
        "one_core_s": round(one_core, 3),
        "sentences_per_s_per_core": round(n_sent / one_core),
        "sentences_per_s_per_core_cold": round(n_warm / cold) if cold else None,
        "articles_per_s_per_core": round(len(sample) / one_core, 1),
    }
    if not args.sample_only:
        t = time.perf_counter()
        # The pool, as a bulk add runs it (FIELDBRIEF_WORKERS processes).
        for _ in extract_stream(articles, extractor, use_pool=True):
            pass
        full = time.perf_counter() - t
        out.update(
            {
                "articles": len(articles),
                "workers": worker_count(),
                "extract_s": round(full, 3),
                "extract_docs_per_s": round(len(articles) / full, 1),
            }
        )
    return out


# --- our full add ----------------------------------------------------------------


class _Timers:
    def __init__(self) -> None:
        self.spent: dict[str, float] = {}
        self.calls: dict[str, int] = {}

    def wrap(self, owner: Any, name: str, label: str) -> None:
        original: Callable[..., Any] | None = getattr(owner, name, None)
        if original is None:  # the library changed shape; time what still exists
            return

        @functools.wraps(original)
        def timed(*a: Any, **k: Any) -> Any:
            t = time.perf_counter()
            try:
                return original(*a, **k)
            finally:
                self.spent[label] = self.spent.get(label, 0.0) + time.perf_counter() - t
                self.calls[label] = self.calls.get(label, 0) + 1

        setattr(owner, name, timed)

    def wrap_iter(self, owner: Any, name: str, label: str) -> None:
        """Time producing each item of a generator function's result."""
        original: Callable[..., Any] | None = getattr(owner, name, None)
        if original is None:
            return

        @functools.wraps(original)
        def timed(*a: Any, **k: Any) -> Any:
            it = iter(original(*a, **k))
            while True:
                t = time.perf_counter()
                try:
                    item = next(it)
                except StopIteration:
                    return
                finally:
                    self.spent[label] = self.spent.get(label, 0.0) + time.perf_counter() - t
                    self.calls[label] = self.calls.get(label, 0) + 1
                yield item

        setattr(owner, name, timed)

    def report(self) -> dict[str, Any]:
        return {k: {"s": round(v, 3), "calls": self.calls[k]} for k, v in self.spent.items()}


def instrument() -> _Timers:
    """Time the phases of ``Library.add_paths`` without changing what it does."""
    from fieldbrief.search import adding, current_index, store
    from fieldbrief.search.index import trust, writer

    timers = _Timers()
    # Since the streaming add, extraction overlaps with everything else: these
    # are the main process's own phases, and "waiting for facts" is what the
    # main process spent blocked on the extraction workers.
    timers.wrap_iter(adding, "iter_read", "ingest")
    timers.wrap_iter(adding, "extract_stream", "facts_wait")
    timers.wrap(current_index.CurrentIndex, "sync", "whoosh_sync_index")
    timers.wrap(store.Store, "put", "sqlite_put")
    timers.wrap(trust, "seal", "seal_manifest")
    timers.wrap(trust, "verify", "verify_manifest")
    original_writer_for = writer.writer_for

    def writer_for(*a: Any, **k: Any) -> Any:
        writer = original_writer_for(*a, **k)
        timers.wrap(writer, "commit", "whoosh_commit")
        timers.wrap(writer, "add_document", "whoosh_add_document")
        return writer

    writer.writer_for = writer_for  # type: ignore[assignment]
    return timers


def step_add(args: argparse.Namespace) -> dict[str, Any]:
    from fieldbrief.search.library import Library

    timers = instrument()
    lib_path = Path(args.library)
    extractor = no_facts if args.no_facts else None
    t = time.perf_counter()
    library = Library.open(lib_path, seed=False, fact_extractor=extractor)
    open_s = time.perf_counter() - t
    t = time.perf_counter()
    report = library.add_paths(args.paths)
    add_s = time.perf_counter() - t
    docs = library.doc_count()
    current = library.current_index_dir()
    library.close()
    phases = timers.report()
    accounted = sum(
        phases.get(k, {}).get("s", 0.0)
        for k in ("facts", "facts_wait", "whoosh_sync_index", "whoosh_commit")
    )
    usage = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    own_cpu = usage.ru_utime + usage.ru_stime
    child_cpu = children.ru_utime + children.ru_stime
    n = report.added + report.updated
    return {
        "added": report.added,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "skipped": len(report.skipped),
        "docs_in_index": docs,
        "open_s": round(open_s, 3),
        "add_s": round(add_s, 3),
        "docs_per_s": round(n / add_s, 1) if add_s else None,
        "phases": phases,
        "cpu_s": {
            "main": round(own_cpu, 1),
            "workers": round(child_cpu, 1),
            "cores_busy": round((own_cpu + child_cpu) / add_s, 2) if add_s else None,
        },
        "other_s": round(add_s - accounted, 3),
        "index_mb": round(dir_bytes(current) / 1e6, 1) if current else 0,
        "index_segments": len(list(current.glob("*.seg"))) if current else 0,
        "sqlite_mb": round(sum(dir_bytes(p) for p in lib_path.glob("library.sqlite3*")) / 1e6, 1),
        **self_rss_mb(),
    }


def step_cli(args: argparse.Namespace) -> dict[str, Any]:
    """The ``fieldbrief`` CLI in this process; ``--no-facts`` swaps in an empty extractor."""
    from fieldbrief import cli
    from fieldbrief.search import parallel

    if args.no_facts:

        def empty_extractor() -> Any:
            return no_facts

        parallel.default_fact_extractor = empty_extractor
    t = time.perf_counter()
    rc = cli.main(args.argv)
    return {"rc": rc, "in_process_s": round(time.perf_counter() - t, 4)}


# --- queries -------------------------------------------------------------------


def step_queries(args: argparse.Namespace) -> dict[str, Any]:
    from fieldbrief.search.index import trust
    from fieldbrief.search.library import Library

    queries = load_queries()
    t = time.perf_counter()
    library = Library.open(Path(args.library), seed=False, fact_extractor=no_facts)
    open_s = time.perf_counter() - t
    current = library.current_index_dir()
    assert current is not None
    t = time.perf_counter()
    trust.verify(current)
    verify_s = time.perf_counter() - t
    t = time.perf_counter()
    library.searcher()
    searcher_s = time.perf_counter() - t
    overview_s = None
    if args.overview:
        t = time.perf_counter()
        library.overview()
        overview_s = round(time.perf_counter() - t, 3)

    def one(kind: str, text: str, count: bool = True) -> tuple[float, int, int]:
        t = time.perf_counter()
        results = library.search(
            text,
            limit=20,
            snippets=20,
            sort="date" if kind == "sorted" else "relevance",
            count=count,
        )
        return (time.perf_counter() - t) * 1000, results.total, len(results.hits)

    first: dict[str, float] = {}
    per_query: dict[str, dict[str, Any]] = {}
    for kind, text in queries:
        ms, total, shown = one(kind, text)
        first[text] = ms
        per_query[text] = {"kind": kind, "total": total, "hits": shown, "runs_ms": []}
    all_ms: list[float] = []
    cmp_ms: list[float] = []
    for _ in range(args.reps):
        for kind, text in queries:
            ms, _, _ = one(kind, text)
            per_query[text]["runs_ms"].append(ms)
            all_ms.append(ms)
            if kind in COMPARABLE:
                cmp_ms.append(ms)
    # What the app shows first: the page with its snippets, the exact total
    # counted afterwards (Library.search(count=False), then Library.count).
    page_ms: list[float] = []
    for _ in range(args.reps):
        for kind, text in queries:
            page_ms.append(one(kind, text, count=False)[0])
    by_kind: dict[str, list[float]] = {}
    for q in per_query.values():
        by_kind.setdefault(q["kind"], []).extend(q["runs_ms"])
    for text, q in per_query.items():
        runs = sorted(q.pop("runs_ms"))
        q["median_ms"] = round(runs[len(runs) // 2], 2)
        q["first_ms"] = round(first[text], 2)
    library.close()
    slowest = sorted(per_query.items(), key=lambda kv: -kv[1]["median_ms"])[:5]
    return {
        "queries": len(queries),
        "reps": args.reps,
        "open_s": round(open_s, 3),
        "verify_manifest_s": round(verify_s, 3),
        "open_searcher_s": round(searcher_s, 3),
        "overview_s": overview_s,
        "first_pass": latency(list(first.values())),
        "warm": latency(all_ms),
        "warm_comparable": latency(cmp_ms),
        "warm_page_before_count": latency(page_ms),
        "by_kind_p50_ms": {k: round(sorted(v)[len(v) // 2], 2) for k, v in by_kind.items()},
        "slowest": {t: q for t, q in slowest},
        "per_query": per_query,
        **self_rss_mb(),
    }


# --- alternatives: raw Whoosh, FTS5 -------------------------------------------


def plain_schema() -> Any:
    from whoosh import fields

    return fields.Schema(
        id=fields.ID(stored=True, unique=True),
        title=fields.TEXT(stored=True),
        body=fields.TEXT(stored=True),
    )


def step_whoosh_raw(args: argparse.Namespace) -> dict[str, Any]:
    from whoosh import highlight, index, qparser

    articles = read_all(args.paths)
    target = Path(args.dir)
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    ix = index.create_in(str(target), plain_schema())
    t = time.perf_counter()
    writer = ix.writer(limitmb=args.limitmb, procs=args.procs, multisegment=args.multisegment)
    for a in articles:
        writer.add_document(id=a.id, title=a.title, body=a.body)
    t_add = time.perf_counter() - t
    writer.commit()
    index_s = time.perf_counter() - t
    out: dict[str, Any] = {
        "articles": len(articles),
        "index_s": round(index_s, 3),
        "add_documents_s": round(t_add, 3),
        "commit_s": round(index_s - t_add, 3),
        "docs_per_s": round(len(articles) / index_s, 1),
        "index_mb": round(dir_bytes(target) / 1e6, 1),
    }
    parser = qparser.MultifieldParser(["title", "body"], ix.schema, group=qparser.AndGroup)
    queries = [(k, q) for k, q in load_queries() if k in COMPARABLE]
    ms: list[float] = []
    with ix.searcher() as searcher:
        for rep in range(args.reps + 1):
            for _, text in queries:
                t = time.perf_counter()
                results = searcher.search(parser.parse(text), limit=20, terms=True)
                results.fragmenter = highlight.ContextFragmenter(maxchars=240, surround=70)
                for hit in results:
                    hit.fields()
                    hit.highlights("body", top=2)
                if rep:
                    ms.append((time.perf_counter() - t) * 1000)
    out["query"] = latency(ms)
    out.update(self_rss_mb())
    return out


def fts5_query(text: str) -> str:
    """The comparable queries are already valid FTS5 (terms, "phrases", AND/OR/NOT)."""
    return text


def step_fts5(args: argparse.Namespace) -> dict[str, Any]:
    articles = read_all(args.paths)
    db_path = Path(args.db)
    for p in db_path.parent.glob(db_path.name + "*"):
        p.unlink()
    db = sqlite3.connect(db_path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    t = time.perf_counter()
    db.execute(
        "CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, title, body, "
        "tokenize='porter unicode61')"
    )
    db.execute("BEGIN")
    db.executemany(
        "INSERT INTO docs(id, title, body) VALUES (?, ?, ?)",
        ((a.id, a.title, a.body) for a in articles),
    )
    db.execute("COMMIT")
    index_s = time.perf_counter() - t
    t = time.perf_counter()
    db.execute("INSERT INTO docs(docs) VALUES ('optimize')")
    optimize_s = time.perf_counter() - t
    out: dict[str, Any] = {
        "articles": len(articles),
        "index_s": round(index_s, 3),
        "optimize_s": round(optimize_s, 3),
        "docs_per_s": round(len(articles) / index_s, 1),
        "db_mb": round(sum(dir_bytes(p) for p in db_path.parent.glob(db_path.name + "*")) / 1e6, 1),
    }
    sql = (
        "SELECT id, title, snippet(docs, 2, char(2), char(3), ' … ', 32), "
        "highlight(docs, 1, char(2), char(3)), (SELECT count(*) FROM docs WHERE docs MATCH ?1) "
        "FROM docs WHERE docs MATCH ?1 ORDER BY rank LIMIT 20"
    )
    queries = [(k, q) for k, q in load_queries() if k in COMPARABLE]
    ms: list[float] = []
    totals: dict[str, int] = {}
    for rep in range(args.reps + 1):
        for _, text in queries:
            t = time.perf_counter()
            rows = db.execute(sql, (fts5_query(text),)).fetchall()
            if rep:
                ms.append((time.perf_counter() - t) * 1000)
            totals[text] = rows[0][4] if rows else 0
    db.close()
    out["query"] = latency(ms)
    out["totals"] = totals
    out.update(self_rss_mb())
    return out


# --- Whoosh writer settings (our schema, from our store) ------------------------


def step_writer(args: argparse.Namespace) -> dict[str, Any]:
    """Index the library's stored articles+facts into a new dir with given writer settings."""
    from whoosh import index

    from fieldbrief.search.index import schema as index_schema
    from fieldbrief.search.query import run_search
    from fieldbrief.search.store import Store

    store = Store(Path(args.library) / "library.sqlite3")
    t = time.perf_counter()
    items = list(store.iter_all())
    read_s = time.perf_counter() - t
    docs = [index_schema.document(a, f) for a, f in items]
    target = Path(args.dir)
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    ix = index.create_in(str(target), index_schema.schema())
    t = time.perf_counter()
    kwargs: dict[str, Any] = {"limitmb": args.limitmb}
    if args.procs > 1:
        kwargs.update(procs=args.procs, multisegment=args.multisegment)
    writer = ix.writer(**kwargs)
    for doc in docs:
        writer.add_document(**doc)
    add_s = time.perf_counter() - t
    writer.commit()
    index_s = time.perf_counter() - t
    ix = index.open_dir(str(target))
    queries = load_queries()
    ms: list[float] = []
    with ix.searcher() as searcher:
        for rep in range(args.reps + 1):
            for kind, text in queries:
                t = time.perf_counter()
                run_search(searcher, text, sort="date" if kind == "sorted" else "relevance")
                if rep:
                    ms.append((time.perf_counter() - t) * 1000)
    return {
        "settings": kwargs,
        "articles": len(docs),
        "store_read_s": round(read_s, 3),
        "index_s": round(index_s, 3),
        "add_documents_s": round(add_s, 3),
        "commit_s": round(index_s - add_s, 3),
        "docs_per_s": round(len(docs) / index_s, 1),
        "segments": len(list(target.glob("*.seg"))),
        "index_mb": round(dir_bytes(target) / 1e6, 1),
        "query": latency(ms),
        **self_rss_mb(),
    }


def step_rebuild(args: argparse.Namespace) -> dict[str, Any]:
    from fieldbrief.search.library import Library

    timers = instrument()
    library = Library.open(Path(args.library), seed=False, fact_extractor=no_facts)
    t = time.perf_counter()
    library.rebuild(procs=args.procs)
    rebuild_s = time.perf_counter() - t
    n = library.doc_count()
    library.close()
    return {
        "procs": args.procs,
        "articles": n,
        "rebuild_s": round(rebuild_s, 3),
        "docs_per_s": round(n / rebuild_s, 1),
        "phases": timers.report(),
        **self_rss_mb(),
    }


# --- the app ---------------------------------------------------------------------


def step_app(args: argparse.Namespace) -> dict[str, Any]:
    import importlib.util

    if importlib.util.find_spec("fieldbrief.tui.app") is None:
        return {"skipped": "app not available (fieldbrief.tui.app missing)"}
    import asyncio

    from app_probe import probe_app

    result = asyncio.run(
        probe_app(
            Path(args.library),
            args.query,
            stub_overview=args.stub_overview,
            overview_timeout=args.overview_timeout,
        )
    )
    return result | self_rss_mb()


# --- dispatch -------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("step")
    parser.add_argument("--result", required=True)
    parser.add_argument("--library")
    parser.add_argument("--dir")
    parser.add_argument("--db")
    parser.add_argument("--no-facts", action="store_true")
    parser.add_argument("--overview", action="store_true")
    parser.add_argument("--stub-overview", action="store_true")
    parser.add_argument("--overview-timeout", type=float, default=60.0)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--sample", type=int, default=300)
    parser.add_argument("--sample-only", action="store_true")
    parser.add_argument("--procs", type=int, default=1)
    parser.add_argument("--multisegment", action="store_true")
    parser.add_argument("--limitmb", type=int, default=256)
    parser.add_argument("--query", default="oil")
    parser.add_argument("paths", nargs="*")
    argv = sys.argv[1:]
    cli_argv: list[str] = []
    if "--" in argv:
        cut = argv.index("--")
        argv, cli_argv = argv[:cut], argv[cut + 1 :]
    args = parser.parse_intermixed_args(argv)
    args.argv = cli_argv
    steps: dict[str, Callable[[argparse.Namespace], dict[str, Any]]] = {
        "ingest": step_ingest,
        "facts": step_facts,
        "add": step_add,
        "cli": step_cli,
        "queries": step_queries,
        "whoosh-raw": step_whoosh_raw,
        "fts5": step_fts5,
        "writer": step_writer,
        "rebuild": step_rebuild,
        "app": step_app,
    }
    result = steps[args.step](args)
    Path(args.result).write_text(json.dumps(result, indent=1, default=str), "utf-8")
    if args.step in ("cli", "app"):
        # "app": an overview thread still computing must not keep the process alive.
        sys.stdout.flush()
        os._exit(int(result.get("rc", 0)))


if __name__ == "__main__":
    main()
