"""fieldbrief next to other search engines on the same articles, in one run.

    python bench/anchors.py --library /tmp/lib22k --corpus A.jsonl.gz B.jsonl … \\
        [--files /tmp/files22k] [--reps 5] [--out F.json]

Anchors (each skipped, with the reason, when it is not installed; none is a
dependency of fieldbrief):

- SQLite FTS5 (``porter unicode61``), from Python's ``sqlite3``;
- tantivy (``pip install tantivy``: Rust, BM25, ``en_stem``);
- Xapian (Debian's ``python3-xapian``, found in ``/usr/lib/python3/dist-packages``);
- ripgrep ``rg -il -F`` and ``grep -ril -F`` over one file per article
  (``--files``, made from the corpus if missing): terms and phrases only.

Each engine indexes the corpus (title + body) and answers the queries of
``bench/queries.txt`` that mean the same everywhere (kinds term, phrase,
bool) as fieldbrief shows them: the 20 best hits with a snippet each and the
exact number of matches. fieldbrief runs in process on ``--library`` (built
by ``fieldbrief add``). Queries are interleaved (query 1 on every engine,
query 2 on every engine, …) so that a change in the machine's load hits all
alike; the first pass is a warm-up. Prints JSON: per engine the index time,
p50/p95 per kind and overall, totals per query, and each engine's p50/p95 as
a multiple of fieldbrief's.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import COMPARABLE, emit, latency, load_queries
from scale import read_records, write_files

Engine = Callable[[str], int]
"""query -> number of matches (after fetching the page of 20 with snippets)."""


def articles(paths: list[Path]) -> list[tuple[str, str, str]]:
    out = []
    for path in paths:
        for n, record in enumerate(read_records(path)):
            out.append(
                (str(record.get("id") or f"{path.name}-{n}"), record.get("title") or "",
                 record.get("body") or "")
            )  # fmt: skip
    return out


# --- fieldbrief -------------------------------------------------------------------------


def ours(library: Path) -> tuple[Engine, dict[str, Any]]:
    from fieldbrief.search.library import Library

    lib = Library.open(library, create=False)

    def run(q: str) -> int:
        return lib.search(q, limit=20, snippets=20).total

    return run, {"index": "built by `fieldbrief add` (see bench/run.py for its time)"}


# --- SQLite FTS5 ------------------------------------------------------------------------


def fts5(docs: list[tuple[str, str, str]], work: Path) -> tuple[Engine, dict[str, Any]]:
    db = sqlite3.connect(work / "fts5.sqlite3", isolation_level=None, check_same_thread=False)
    db.execute("PRAGMA journal_mode=WAL")
    t = time.perf_counter()
    db.execute(
        "CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, title, body,"
        " tokenize='porter unicode61')"
    )
    db.execute("BEGIN")
    db.executemany("INSERT INTO docs(id, title, body) VALUES (?, ?, ?)", docs)
    db.execute("COMMIT")
    db.execute("INSERT INTO docs(docs) VALUES ('optimize')")
    index_s = time.perf_counter() - t
    page = (
        "SELECT id, title, snippet(docs, 2, char(2), char(3), ' … ', 32)"
        " FROM docs WHERE docs MATCH ? ORDER BY bm25(docs, 2.0, 1.0) LIMIT 20"
    )
    count = "SELECT count(*) FROM docs WHERE docs MATCH ?"

    def run(q: str) -> int:
        db.execute(page, (q,)).fetchall()
        return int(db.execute(count, (q,)).fetchone()[0])

    return run, {"index_s": round(index_s, 2)}


# --- tantivy ----------------------------------------------------------------------------


def tantivy_query(q: str) -> str:
    """Our query syntax in tantivy's: words are ANDed, ``NOT x`` is ``-x``."""
    q = re.sub(r"\bNOT\s+", "-", q)
    tokens = re.findall(r'"[^"]*"|\(|\)|-?[\w]+', q)
    out: list[str] = []
    for tok in tokens:
        prev = out[-1] if out else None
        joinable = prev not in (None, "(", "AND", "OR") and tok not in (")", "AND", "OR")
        if joinable and not tok.startswith("-"):
            out.append("AND")
        out.append(tok)
    return " ".join(out)


def tantivy_engine(docs: list[tuple[str, str, str]], work: Path) -> tuple[Engine, dict[str, Any]]:
    import tantivy

    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw")
    builder.add_text_field("title", stored=True, tokenizer_name="en_stem")
    builder.add_text_field("body", stored=True, tokenizer_name="en_stem")
    schema = builder.build()
    folder = work / "tantivy"
    folder.mkdir()
    index = tantivy.Index(schema, path=str(folder))
    t = time.perf_counter()
    writer = index.writer(heap_size=128_000_000, num_threads=2)
    for doc_id, title, body in docs:
        writer.add_document(tantivy.Document(id=doc_id, title=title, body=body))
    writer.commit()
    writer.wait_merging_threads()
    index.reload()
    index_s = time.perf_counter() - t
    searcher = index.searcher()

    def run(q: str) -> int:
        query = index.parse_query(tantivy_query(q), ["title", "body"], field_boosts={"title": 2.0})
        result = searcher.search(query, 20, count=True)
        snippets = tantivy.SnippetGenerator.create(searcher, query, schema, "body")
        for _score, address in result.hits:
            snippets.snippet_from_doc(searcher.doc(address)).fragment()
        return int(result.count or 0)

    return run, {"index_s": round(index_s, 2), "version": getattr(tantivy, "__version__", "?")}


# --- Xapian -----------------------------------------------------------------------------


def xapian_engine(docs: list[tuple[str, str, str]], work: Path) -> tuple[Engine, dict[str, Any]]:
    sys.path.append("/usr/lib/python3/dist-packages")
    import xapian

    db = xapian.WritableDatabase(str(work / "xapian"), xapian.DB_CREATE_OR_OPEN)
    stemmer = xapian.Stem("english")
    indexer = xapian.TermGenerator()
    indexer.set_stemmer(stemmer)
    t = time.perf_counter()
    db.begin_transaction()
    for doc_id, title, body in docs:
        doc = xapian.Document()
        indexer.set_document(doc)
        indexer.index_text(title, 2)  # title weighted double, as ours
        indexer.increase_termpos()
        indexer.index_text(body)
        doc.set_data(body)
        doc.add_boolean_term("Q" + doc_id)
        db.replace_document("Q" + doc_id, doc)
    db.commit_transaction()
    db.commit()
    index_s = time.perf_counter() - t
    parser = xapian.QueryParser()
    parser.set_stemmer(stemmer)
    parser.set_stemming_strategy(xapian.QueryParser.STEM_SOME)
    parser.set_default_op(xapian.Query.OP_AND)
    parser.set_database(db)
    flags = (
        xapian.QueryParser.FLAG_BOOLEAN
        | xapian.QueryParser.FLAG_PHRASE
        | xapian.QueryParser.FLAG_LOVEHATE
    )
    enquire = xapian.Enquire(db)
    every = db.get_doccount()

    def run(q: str) -> int:
        query = parser.parse_query(q, flags)
        enquire.set_query(query)
        # check_at_least = every document: an exact count, as the others give.
        mset = enquire.get_mset(0, 20, every)
        for match in mset:
            mset.snippet(match.document.get_data().decode("utf-8", "replace"), 200)
        return int(mset.get_matches_estimated())

    return run, {"index_s": round(index_s, 2), "version": xapian.version_string()}


# --- rg / grep --------------------------------------------------------------------------


def grep_engine(argv: list[str], files: Path) -> Engine:
    def run(q: str) -> int:
        done = subprocess.run([*argv, q.strip('"'), str(files)], capture_output=True, text=True)
        return len(done.stdout.splitlines())

    return run


# --- run --------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--library", type=Path, required=True)
    parser.add_argument("--corpus", type=Path, nargs="+", required=True)
    parser.add_argument("--files", type=Path, help="one file per article (made if missing)")
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="fb-anchors-"))
    docs = articles(args.corpus)
    queries = [(kind, q) for kind, q in load_queries() if kind in COMPARABLE]
    engines: dict[str, tuple[Engine, set[str]]] = {}
    info: dict[str, Any] = {}
    all_kinds = {kind for kind, _ in queries}

    run, meta = ours(args.library)
    engines["fieldbrief"], info["fieldbrief"] = (run, all_kinds), meta
    run, meta = fts5(docs, work)
    engines["fts5"], info["fts5"] = (run, all_kinds), meta
    for name, make in (("tantivy", tantivy_engine), ("xapian", xapian_engine)):
        try:
            run, meta = make(docs, work)
        except ImportError as exc:
            info[name] = {"skipped": f"not installed ({exc})"}
            continue
        engines[name], info[name] = (run, all_kinds), meta
    files = args.files or work / "files"
    if not files.is_dir():
        t = time.perf_counter()
        write_files(args.corpus, files)
        info["files_written_s"] = round(time.perf_counter() - t, 1)
    for name, argv in (("rg", ["rg", "-il", "-F", "--no-messages", "--"]),
                       ("grep", ["grep", "-ril", "-F", "--"])):  # fmt: skip
        if shutil.which(argv[0]) is None:
            info[name] = {"skipped": f"{argv[0]} not installed"}
            continue
        engines[name], info[name] = (grep_engine(argv, files), {"term", "phrase"}), {}

    times: dict[str, dict[str, list[float]]] = {e: {} for e in engines}
    totals: dict[str, dict[str, int]] = {e: {} for e in engines}
    for rep in range(args.reps + 1):
        for kind, q in queries:
            for name, (run, kinds) in engines.items():
                if kind not in kinds:
                    continue
                t = time.perf_counter()
                totals[name][q] = run(q)
                if rep:  # pass 0 warms caches
                    times[name].setdefault(kind, []).append((time.perf_counter() - t) * 1000)

    report: dict[str, Any] = {"articles": len(docs), "reps": args.reps, "engines": {}}
    for name in engines:
        every = [ms for kind_ms in times[name].values() for ms in kind_ms]
        report["engines"][name] = {
            **info[name],
            "all": latency(every),
            "by_kind": {kind: latency(ms) for kind, ms in times[name].items()},
            "totals": totals[name],
        }
    base = report["engines"]["fieldbrief"]
    for name, data in report["engines"].items():
        # Over the same queries: grep and rg only answer terms and phrases.
        mine = [ms for kind in times[name] for ms in times["fieldbrief"][kind]]
        ref = latency(mine)
        data["p50_over_fieldbrief"] = round(data["all"]["p50_ms"] / ref["p50_ms"], 2)
        data["p95_over_fieldbrief"] = round(data["all"]["p95_ms"] / ref["p95_ms"], 2)
    del base
    for name, value in info.items():
        if name not in report["engines"]:
            report[name] = value
    shutil.rmtree(work, ignore_errors=True)
    emit(report, args.out)


if __name__ == "__main__":
    main()
