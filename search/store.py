"""The library's source of truth: a SQLite database of articles and their facts.

The Whoosh index is derived from this store and can always be rebuilt from it,
so a damaged or foreign index never costs the analyst their library. SQLite in
WAL mode with ``synchronous=NORMAL`` gives crash safety (a kill at any moment
loses at most the transaction in flight) and lets a reader (the TUI) run while
another process (``fieldbrief add``) writes.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

from .model import Article, Fact

SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS articles (
    id TEXT PRIMARY KEY,
    origin TEXT NOT NULL,
    path TEXT NOT NULL,
    format TEXT NOT NULL,
    title TEXT NOT NULL,
    date TEXT,
    source TEXT,
    body TEXT NOT NULL,
    facts TEXT,
    indexed INTEGER NOT NULL DEFAULT 0,
    added_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX IF NOT EXISTS articles_origin ON articles(origin);
CREATE INDEX IF NOT EXISTS articles_unindexed ON articles(indexed) WHERE indexed = 0;
CREATE TABLE IF NOT EXISTS tags (
    article_id TEXT NOT NULL,
    tag TEXT NOT NULL,
    PRIMARY KEY (article_id, tag)
);
-- Ids removed from the store whose removal has not reached the index yet.
CREATE TABLE IF NOT EXISTS pending_deletes (id TEXT PRIMARY KEY);
"""


def facts_to_json(facts: Iterable[Fact]) -> str:
    return json.dumps([f.to_json() for f in facts], ensure_ascii=False, separators=(",", ":"))


def facts_from_json(raw: str | None) -> list[Fact]:
    if not raw:
        return []
    facts = []
    for item in json.loads(raw):
        sentence = item.pop("sentence", None)
        known = {k: v for k, v in item.items() if k in Fact.__dataclass_fields__}
        facts.append(Fact(**known, sentence=tuple(sentence) if sentence else None))
    return facts


class Store:
    """Thread-safe access to the library database (one connection per thread)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        # executescript commits on its own, so it runs outside a transaction.
        self.db.executescript(_SCHEMA)
        self.db.execute(
            "INSERT OR IGNORE INTO meta(key, value) VALUES ('schema_version', ?)",
            (str(SCHEMA_VERSION),),
        )

    @property
    def db(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA foreign_keys=ON")
            self._local.conn = conn
        return conn

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    class _Tx:
        def __init__(self, db: sqlite3.Connection) -> None:
            self.db = db

        def __enter__(self) -> sqlite3.Connection:
            self.db.execute("BEGIN IMMEDIATE")
            return self.db

        def __exit__(self, kind: object, *_: object) -> None:
            self.db.execute("ROLLBACK" if kind else "COMMIT")

    def transaction(self) -> Store._Tx:
        return Store._Tx(self.db)

    # --- meta -----------------------------------------------------------------

    def get_meta(self, key: str, default: str | None = None) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def set_meta(self, key: str, value: str) -> None:
        self.db.execute(
            "INSERT INTO meta(key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    # --- articles -------------------------------------------------------------

    def count(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM articles").fetchone()[0])

    def has(self, article_id: str) -> bool:
        return (
            self.db.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone()
            is not None
        )

    def ids_for_origin(self, origin: str) -> list[str]:
        rows = self.db.execute("SELECT id FROM articles WHERE origin = ?", (origin,)).fetchall()
        return [r[0] for r in rows]

    def put(self, db: sqlite3.Connection, article: Article, facts: list[Fact]) -> None:
        db.execute(
            "INSERT OR REPLACE INTO articles(id, origin, path, format, title, date, source, body,"
            " facts, indexed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0)",
            (
                article.id,
                article.origin,
                article.path,
                article.format,
                article.title,
                article.date.isoformat() if article.date else None,
                article.source,
                article.body,
                facts_to_json(facts),
            ),
        )
        db.execute("DELETE FROM pending_deletes WHERE id = ?", (article.id,))
        for tag in article.tags:
            db.execute(
                "INSERT OR IGNORE INTO tags(article_id, tag) VALUES (?, ?)", (article.id, tag)
            )

    def remove(self, db: sqlite3.Connection, article_id: str) -> None:
        db.execute("DELETE FROM articles WHERE id = ?", (article_id,))
        db.execute("INSERT OR IGNORE INTO pending_deletes(id) VALUES (?)", (article_id,))

    def _article(self, row: sqlite3.Row) -> Article:
        return Article(
            id=row["id"],
            title=row["title"],
            body=row["body"],
            date=date.fromisoformat(row["date"]) if row["date"] else None,
            source=row["source"],
            path=row["path"],
            origin=row["origin"],
            format=row["format"],
            tags=self.tags_for(row["id"]),
        )

    def get(self, article_id: str) -> tuple[Article, list[Fact]] | None:
        row = self.db.execute("SELECT * FROM articles WHERE id = ?", (article_id,)).fetchone()
        if row is None:
            return None
        return self._article(row), facts_from_json(row["facts"])

    def find_prefix(self, prefix: str, limit: int = 5) -> list[str]:
        rows = self.db.execute(
            "SELECT id FROM articles WHERE id >= ? AND id < ? ORDER BY id LIMIT ?",
            (prefix, prefix + "\uffff", limit),
        ).fetchall()
        return [r[0] for r in rows]

    def iter_all(
        self, *, only_unindexed: bool = False, batch: int = 500
    ) -> Iterator[tuple[Article, list[Fact]]]:
        where = "WHERE indexed = 0" if only_unindexed else ""
        last = ""
        while True:
            rows = self.db.execute(
                f"SELECT * FROM articles {where} {'AND' if where else 'WHERE'} id > ? ORDER BY id LIMIT ?",
                (last, batch),
            ).fetchall()
            if not rows:
                return
            for row in rows:
                yield self._article(row), facts_from_json(row["facts"])
            last = rows[-1]["id"]

    def iter_facts(self) -> Iterator[tuple[str, str | None, str | None, str, list[Fact]]]:
        """(id, date, source, title, facts) for every article, without bodies."""
        for row in self.db.execute(
            "SELECT id, date, source, title, facts FROM articles ORDER BY id"
        ):
            yield row[0], row[1], row[2], row[3], facts_from_json(row[4])

    def unindexed_count(self) -> int:
        row = self.db.execute(
            "SELECT (SELECT count(*) FROM articles WHERE indexed = 0)"
            " + (SELECT count(*) FROM pending_deletes)"
        ).fetchone()
        return int(row[0])

    def pending_deletes(self) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT id FROM pending_deletes")]

    def mark_indexed(self, ids: Iterable[str], deleted: Iterable[str] = ()) -> None:
        with self.transaction() as db:
            db.executemany("UPDATE articles SET indexed = 1 WHERE id = ?", [(i,) for i in ids])
            db.executemany("DELETE FROM pending_deletes WHERE id = ?", [(i,) for i in deleted])

    def mark_all_unindexed(self) -> None:
        with self.transaction() as db:
            db.execute("UPDATE articles SET indexed = 0")
            db.execute("DELETE FROM pending_deletes")

    # --- tags -----------------------------------------------------------------

    def tags_for(self, article_id: str) -> list[str]:
        rows = self.db.execute(
            "SELECT tag FROM tags WHERE article_id = ? ORDER BY tag", (article_id,)
        ).fetchall()
        return [r[0] for r in rows]

    def set_tags(self, article_id: str, tags: Iterable[str]) -> None:
        with self.transaction() as db:
            db.execute("DELETE FROM tags WHERE article_id = ?", (article_id,))
            db.executemany(
                "INSERT OR IGNORE INTO tags(article_id, tag) VALUES (?, ?)",
                [(article_id, t) for t in tags],
            )
            db.execute("UPDATE articles SET indexed = 0 WHERE id = ?", (article_id,))

    def stats(self) -> dict[str, Any]:
        row = self.db.execute(
            "SELECT count(*), min(date), max(date), count(date) FROM articles"
        ).fetchone()
        return {"articles": row[0], "first_date": row[1], "last_date": row[2], "dated": row[3]}
