"""A pooled add hands over prepared facts, and keeps exactly what storing the facts keeps."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from fieldbrief.search.library import Library

from .conftest import write_jsonl

BODY = (
    "President Mohamed Bazoum met IBM officials in Niamey on July {day}, 2023, when"
    " {n} soldiers left the base. The Pentagon said 1,{n:03d} troops would stay until"
    " September 2023. Marker{n} here."
)


def rows(library: Library) -> dict[str, Any]:
    db = sqlite3.connect(library.store.path)
    out = {
        "articles": db.execute(
            "SELECT id, origin, path, title, date, body, facts, indexed, added_seq"
            " FROM articles ORDER BY id"
        ).fetchall(),
        "events": db.execute("SELECT * FROM events ORDER BY article_id, start, date").fetchall(),
        "facets": db.execute(
            "SELECT field, term, articles FROM facet_counts ORDER BY field, term"
        ).fetchall(),
    }
    db.close()
    with library.index._index().reader() as reader:
        ids = {n: reader.stored_fields(n)["id"] for n in reader.all_doc_ids()}
        out["postings"] = sorted(
            (field, text, ids[docnum], weight)
            for field, text in reader.all_terms()
            for docnum, weight in reader.postings(field, text).items_as("weight")
        )
        out["stored"] = sorted(
            json.dumps(reader.stored_fields(n), sort_keys=True, default=str)
            for n in reader.all_doc_ids()
        )
    return out


def test_pooled_add_keeps_what_putting_each_articles_facts_keeps(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fieldbrief.search import adding
    from fieldbrief.search.index import writer
    from fieldbrief.search.ingest import read_path

    bundle = tmp_path / "bundle.jsonl"
    with bundle.open("w", encoding="utf-8") as handle:
        for n in range(450):
            body = BODY.format(day=n % 28 + 1, n=n)
            handle.write(json.dumps({"id": n, "title": f"Story {n}", "body": body}) + "\n")

    # Through the extraction pool and two writer processes: facts prepared in the workers.
    monkeypatch.setenv("FIELDBRIEF_WORKERS", "2")
    monkeypatch.setattr(writer, "BIG_BATCH", 100)
    pooled = Library.open(tmp_path / "pooled", seed=False)
    assert pooled.add_paths([bundle]).added == 450

    # Each article's Fact objects stored as they are, then indexed from the store.
    by_hand = Library.open(tmp_path / "by_hand", seed=False)
    articles = read_path(bundle).articles
    for start in range(0, len(articles), adding.STORE_CHUNK):
        with by_hand.store.atomic() as db:
            for article in articles[start : start + adding.STORE_CHUNK]:
                by_hand.store.put(db, article, by_hand.fact_extractor(article))
    by_hand.index.sync()

    kept = rows(pooled)
    assert kept == rows(by_hand)
    assert len(kept["events"]) == 900
    assert ("org_k", "IBM", 450) in kept["facets"] and ("place_k", "Niamey", 450) in kept["facets"]
    pooled.close()
    by_hand.close()


def test_a_writer_process_that_dies_fails_the_add_and_its_articles_are_indexed_later(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whoosh commits without the segment of a writer process that died (a
    full disk, the OOM killer): the add reported every article indexed while
    searches found none of them. Now the add fails, nothing half-written is
    sealed, and the next open indexes what the store holds."""
    from fieldbrief.search.errors import LibraryError
    from fieldbrief.search.index import writer

    bundle = write_jsonl(
        tmp_path / "bundle.jsonl",
        ({"id": n, "title": f"Story {n}", "body": f"cocoa report {n}"} for n in range(300)),
    )
    monkeypatch.setenv("FIELDBRIEF_WORKERS", "2")
    monkeypatch.setattr(writer, "BIG_BATCH", 100)
    monkeypatch.setattr(writer, "default_procs", lambda: 2)

    def die(self: object) -> None:
        raise OSError(28, "No space left on device")

    # The writer processes are forked from this one and inherit the patch.
    with monkeypatch.context() as patch:
        patch.setattr(writer.QuickFlushWriter, "_flush_segment", die)
        library = Library.open(tmp_path / "lib", seed=False, fact_extractor=lambda _a: [])
        with pytest.raises(LibraryError, match="indexing process failed"):
            library.add_paths([bundle])
        assert library.article_count() == 300  # stored, marked not yet indexed
        library.close()

    reopened = Library.open(tmp_path / "lib", seed=False, fact_extractor=lambda _a: [])
    assert any("resumed indexing of 300" in note for note in reopened.recovered)
    assert reopened.search("cocoa").total == 300
    reopened.close()
