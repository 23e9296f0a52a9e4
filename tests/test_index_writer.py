"""The index writer's own pool spills runs differently from Whoosh's, never writes differently."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from whoosh.writing import SegmentWriter

from fieldbrief.search.index import schema as index_schema
from fieldbrief.search.index import trust
from fieldbrief.search.index import writer as index_writer
from fieldbrief.search.ingest import read_path
from fieldbrief.search.model import Article, Fact


def documents(seed_paths: list[Path]) -> list[dict[str, Any]]:
    docs = [index_schema.document(a, []) for p in seed_paths for a in read_path(p).articles]
    for n in range(40):
        article = Article(
            id=f"{n:016x}",
            title=f"Report {n}: rates and oil",
            body=" ".join(f"word{(n * k) % 97} oil rates Niamey" for k in range(60)),
            path=f"/news/{n}.txt",
            origin=f"/news/{n}.txt",
        )
        facts = [
            Fact("person", "Mohamed Bazoum", 0, 14, value="Mohamed Bazoum"),
            Fact("organization", f"Org {n % 5}", 0, 5, value=f"Org {n % 5}"),
            Fact("figure", "1,100", 0, 5, value=1100.0, key=f"troops, {n % 3}"),
        ]
        docs.append(index_schema.document(article, facts))
    return docs


def written(folder: Path, writer_class: type, docs: list[dict[str, Any]], **tune: Any) -> Any:
    trust.create(folder)
    ix = trust.open_unchecked(folder)
    writer = writer_class(ix, codec=index_writer.codec())
    for name, value in tune.items():
        setattr(writer.pool, name, value)
    for doc in docs:
        writer.add_document(**doc)
    spilled = writer.pool.runs
    writer.commit()
    return ix, spilled


def contents(ix: Any) -> tuple[list[Any], list[Any], list[Any]]:
    with ix.reader() as reader:
        postings = []
        for field, text in reader.all_terms():
            matcher = reader.postings(field, text)
            while matcher.is_active():
                postings.append((field, text, matcher.id(), matcher.weight(), matcher.value()))
                matcher.next()
        stored = [reader.stored_fields(n) for n in range(reader.doc_count_all())]
        lengths = [
            reader.doc_field_length(n, field)
            for n in range(reader.doc_count_all())
            for field in ("title", "body", "person", "org", "place", "tag")
        ]
    return postings, stored, lengths


def test_spilled_runs_give_the_same_index_as_whoosh_in_memory(
    tmp_path: Path, seed_paths: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    docs = documents(seed_paths)
    whoosh, spilled_by_whoosh = written(tmp_path / "whoosh", SegmentWriter, docs)
    # A pool of a few kB spills many runs, each written in several pieces.
    monkeypatch.setattr(index_writer, "RUN_CHUNK", 7)
    ours, spilled = written(tmp_path / "ours", index_writer.QuickFlushWriter, docs, limit=4000)
    assert not spilled_by_whoosh and len(spilled) > 10
    assert contents(ours) == contents(whoosh)
    postings = contents(ours)[0]
    assert any(value for *_, value in postings) and len(postings) > 1000
