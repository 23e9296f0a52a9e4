"""A pooled add hands over prepared facts, and keeps exactly what storing the facts keeps."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from fieldbrief.search.library import Library

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
