"""The library database: migrations from older files, nested transactions, damage."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest

from fieldbrief.search.briefing import Briefings, SavedSearches
from fieldbrief.search.library import Library
from fieldbrief.search.model import Article, Fact
from fieldbrief.search.store import SCHEMA_VERSION, Store, StoreError

# The database as fieldbrief wrote it before schema versions were read (version
# 1): store.py's tables, plus the briefing tables briefing.py created itself.
# Written out here rather than taken from store.py so this stays the old format
# whatever the migrations become.
OLD_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE articles (
    id TEXT PRIMARY KEY, origin TEXT NOT NULL, path TEXT NOT NULL, format TEXT NOT NULL,
    title TEXT NOT NULL, date TEXT, source TEXT, body TEXT NOT NULL, facts TEXT,
    indexed INTEGER NOT NULL DEFAULT 0,
    added_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX articles_origin ON articles(origin);
CREATE INDEX articles_unindexed ON articles(indexed) WHERE indexed = 0;
CREATE TABLE tags (article_id TEXT NOT NULL, tag TEXT NOT NULL, PRIMARY KEY (article_id, tag));
CREATE TABLE pending_deletes (id TEXT PRIMARY KEY);
CREATE TABLE briefings (
    id INTEGER PRIMARY KEY AUTOINCREMENT, title TEXT NOT NULL,
    summary TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE TABLE briefing_pins (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    briefing_id INTEGER NOT NULL REFERENCES briefings(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('article', 'passage', 'fact')),
    article_id TEXT NOT NULL, start INTEGER, "end" INTEGER,
    quote TEXT NOT NULL DEFAULT '', title TEXT NOT NULL DEFAULT '', fact TEXT,
    note TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX briefing_pins_order ON briefing_pins(briefing_id, position);
CREATE TABLE saved_searches (
    name TEXT PRIMARY KEY, query TEXT NOT NULL, sort TEXT NOT NULL DEFAULT 'relevance',
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    last_opened_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
INSERT INTO meta VALUES ('schema_version', '1'), ('seeded', '2026-01-01T00:00:00');
INSERT INTO articles(id, origin, path, format, title, date, source, body, facts, indexed, added_at)
VALUES
    ('old0001aaaaaaaa', '/n/a.txt', '/n/a.txt', 'txt', 'Troops leave Niger', '2024-05-20',
     'AP', 'Troops leave Niger by September.', '[]', 0, '2026-01-01T10:00:00.000Z'),
    ('old0002aaaaaaaa', '/n/b.txt', '/n/b.txt', 'txt', 'Base closes', '2024-05-21',
     'AFP', 'The Agadez base closes.', '[]', 0, '2026-01-02T10:00:00.000Z'),
    ('seed003aaaaaaaaa', '/venv/lib/python3.11/site-packages/fieldbrief/seeds/003_4aeac8238ecdb9d1.txt',
     '/venv/lib/python3.11/site-packages/fieldbrief/seeds/003_4aeac8238ecdb9d1.txt', 'txt',
     'A sample', NULL, NULL, 'Sample body.', '[]', 1, '2025-12-31T10:00:00.000Z');
INSERT INTO tags VALUES ('old0001aaaaaaaa', 'sahel'), ('gone0000aaaaaaaa', 'orphan');
INSERT INTO briefings(id, title, summary) VALUES (1, 'Sahel week', 'Old summary');
INSERT INTO briefing_pins(briefing_id, position, kind, article_id, start, "end", quote, title, note)
VALUES (1, 0, 'passage', 'old0001aaaaaaaa', 0, 6, 'Troops', 'Troops leave Niger', 'lead');
INSERT INTO saved_searches(name, query, sort, created_at, last_opened_at)
VALUES ('niger', 'Niger', 'date', '2026-01-01T09:00:00.000Z', '2026-01-01T12:00:00.000Z');
"""


def no_facts(_article: object) -> list[Fact]:
    return []


def old_library(root: Path) -> Path:
    root.mkdir(parents=True)
    db = sqlite3.connect(root / "library.sqlite3")
    db.executescript(OLD_SCHEMA)
    db.close()
    return root


def test_a_version_1_library_is_upgraded_in_place(tmp_path: Path) -> None:
    root = old_library(tmp_path / "lib")
    with Library.open(root, create=False, fact_extractor=no_facts) as library:
        assert library.store.schema_version() == SCHEMA_VERSION
        assert library.article_count() == 3
        # The bundled sample is cited as one, not by its old install path,
        # and the index was brought up to date with the new path.
        sample = library.lookup("seed003aaaaaaaaa")[0]
        assert (sample.path, sample.origin) == (
            "bundled sample 003_4aeac8238ecdb9d1.txt",
            "fieldbrief-sample:003_4aeac8238ecdb9d1.txt",
        )
        assert library.store.unindexed_count() == 0
        assert library.lookup("old0002aaaaaaaa")[0].path == "/n/b.txt"
        # The index is rebuilt from the store on open: the old articles are searchable.
        assert library.search("Niger").total == 1
        assert library.tags_for("old0001aaaaaaaa") == ["sahel"]
        orphans = library.store.db.execute(
            "SELECT count(*) FROM tags WHERE article_id = 'gone0000aaaaaaaa'"
        ).fetchone()[0]
        assert orphans == 0
        briefings = Briefings(library)
        briefing = briefings.current()
        assert briefing is not None and briefing.summary == "Old summary"
        [pin] = briefings.pins()
        assert (pin.quote, pin.note, pin.stale) == ("Troops", "lead", False)
        # The saved search was opened after the first article arrived and
        # before the second: only the second is new.
        saved = SavedSearches(library)
        assert saved.get("niger").opened_at == "2026-01-01T12:00:00.000Z"
        assert saved.get("niger").seen_seq == 2
        # New articles number on from the migrated ones.
        library.add_articles(
            [Article(id="new0003aaaaaaaa", title="Niger talks", body="Niger talks resume.")]
        )
        assert saved.new_since("niger") == ["new0003aaaaaaaa"]
    with Library.open(root, create=False, fact_extractor=no_facts) as library:
        assert library.store.schema_version() == SCHEMA_VERSION
        assert library.article_count() == 4


def test_tags_go_with_their_article(tmp_path: Path) -> None:
    with Library.open(tmp_path / "lib", seed=False, fact_extractor=no_facts) as library:
        library.add_articles([Article(id="a" * 16, title="T", body="Body text.", origin="o")])
        library.set_tags("a" * 16, ["x"])
        with pytest.raises(sqlite3.IntegrityError):
            library.store.set_tags("b" * 16, ["orphan"])
        with library.store.atomic() as db:
            library.store.remove(db, "a" * 16)
        assert library.store.db.execute("SELECT count(*) FROM tags").fetchone()[0] == 0


def test_nested_atomic_undoes_only_the_inner_level(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.sqlite3")
    with store.atomic():
        store.set_meta("outer", "1")
        with pytest.raises(RuntimeError), store.atomic():
            store.set_meta("inner", "1")
            raise RuntimeError
        with store.atomic():
            store.set_meta("kept", "1")
    assert (store.get_meta("outer"), store.get_meta("inner"), store.get_meta("kept")) == (
        "1",
        None,
        "1",
    )
    with pytest.raises(RuntimeError), store.atomic():
        store.set_meta("outer2", "1")
        with store.atomic():
            store.set_meta("inner2", "1")
        raise RuntimeError
    assert store.get_meta("outer2") is None and store.get_meta("inner2") is None
    # The connection is usable again: no transaction was left open.
    assert not store.db.in_transaction
    store.close()


def test_a_corrupt_database_is_a_store_error(tmp_path: Path) -> None:
    root = tmp_path / "lib"
    root.mkdir()
    (root / "library.sqlite3").write_bytes(b"this is not sqlite" * 200)
    with pytest.raises(StoreError, match="not a usable fieldbrief library database"):
        Library.open(root)


def test_a_newer_library_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite3"
    Store(path).close()
    db = sqlite3.connect(path)
    db.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    db.commit()
    db.close()
    with pytest.raises(StoreError, match="newer fieldbrief"):
        Store(path)


def test_a_new_store_is_made_by_the_migrations(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.sqlite3")
    assert store.schema_version() == SCHEMA_VERSION
    tables = {r[0] for r in store.db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"articles", "tags", "briefings", "briefing_pins", "saved_searches"} <= tables
    assert {"superseded", "pending_deletes", "meta"} <= tables
    store.close()


def test_dates_and_order_of_arrival(tmp_path: Path) -> None:
    with Library.open(tmp_path / "lib", seed=False, fact_extractor=no_facts) as library:
        library.add_articles(
            [
                Article(id=f"seq{n}aaaaaaaaaaaa", title=f"T{n}", body=f"B {n}.", origin=f"o{n}")
                for n in range(3)
            ]
        )
        library.add_articles(
            [Article(id="seq9aaaaaaaaaaaa", title="T9", body="B 9.", date=date(2020, 1, 1))]
        )
        assert library.store.last_seq() == 4
        assert library.store.ids_added_after(3) == {"seq9aaaaaaaaaaaa"}
