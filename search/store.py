"""The library's source of truth: a SQLite database of articles and their facts.

The Whoosh index is derived from this store and can always be rebuilt from it,
so a damaged or foreign index never costs the analyst their library. SQLite in
WAL mode with ``synchronous=NORMAL`` gives crash safety (a kill at any moment
loses at most the transaction in flight) and lets a reader (the TUI) run while
another process (``fieldbrief add``) writes.

Everything the analyst makes lives here too (tags, briefings, pins, saved
searches), in one schema with one migration path: ``meta.schema_version``
says which version a file has, and opening it applies the missing steps of
``_MIGRATIONS`` in order, each in one transaction. A new file is made by the
same steps, so a fresh library and an upgraded one cannot drift apart. To
change the schema, append a step; never edit one that has shipped.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from .model import Article, Fact

if TYPE_CHECKING:
    from .events import EventMention

SCHEMA_VERSION = 5
"""The newest schema this code writes; ``meta.schema_version`` says which one a file has."""

LEAD_CHARS = 400
"""How much of a body ``newest`` reads: enough for a listing's two-line lead."""

MIN_PREFIX = 4
"""Shortest id prefix accepted for an article (ids are 16+ hex characters)."""


class StoreError(Exception):
    """The library database cannot be used as it is; the message says what to do."""


class ArticleNotFound(LookupError):
    """No article, or no single article, answers to a reference; the message says which."""


_NOW = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"

# Version 1, as the first releases wrote it. Kept verbatim: a new database is
# created by the same migrations that upgrade an old one, so there is one path.
_V1 = """
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

# Version 1 libraries got these tables from briefing.py the first time a
# briefing or saved search was used, so an old file may or may not have them.
_V1_BRIEFINGS = f"""
CREATE TABLE IF NOT EXISTS briefings (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    title TEXT NOT NULL,
    summary TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL DEFAULT ({_NOW}),
    updated_at TEXT NOT NULL DEFAULT ({_NOW})
);
CREATE TABLE IF NOT EXISTS briefing_pins (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    briefing_id INTEGER NOT NULL REFERENCES briefings(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('article', 'passage', 'fact')),
    article_id TEXT NOT NULL,
    start INTEGER,
    "end" INTEGER,
    quote TEXT NOT NULL DEFAULT '',
    title TEXT NOT NULL DEFAULT '',
    fact TEXT,
    note TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL DEFAULT ({_NOW})
);
CREATE INDEX IF NOT EXISTS briefing_pins_order ON briefing_pins(briefing_id, position);
CREATE TABLE IF NOT EXISTS saved_searches (
    name TEXT PRIMARY KEY,
    query TEXT NOT NULL,
    sort TEXT NOT NULL DEFAULT 'relevance',
    created_at TEXT NOT NULL DEFAULT ({_NOW}),
    last_opened_at TEXT NOT NULL DEFAULT ({_NOW})
);
"""

# Version 2: one store for everything. Tags belong to an article (a foreign key:
# removing an article takes its tags along; version 1 left orphans). Articles
# carry ``added_seq``, a number that only grows and that an edited article keeps,
# so "new since" is exact (no clock ties) and an edit is not news. Saved
# searches remember the last ``added_seq`` they showed. ``superseded`` maps the
# ids of earlier versions of an edited article to the current one, and a pin
# whose quoted text is gone from the current version is flagged ``stale``.
_V2 = f"""
{_V1_BRIEFINGS}
ALTER TABLE articles ADD COLUMN added_seq INTEGER NOT NULL DEFAULT 0;
UPDATE articles SET added_seq = (
    SELECT n FROM (SELECT id, row_number() OVER (ORDER BY added_at, id) AS n FROM articles) o
    WHERE o.id = articles.id
);
INSERT INTO meta(key, value)
    SELECT 'article_seq', CAST(coalesce(max(added_seq), 0) AS TEXT) FROM articles WHERE true
    ON CONFLICT(key) DO UPDATE SET value = excluded.value;
CREATE INDEX articles_added ON articles(added_seq);

CREATE TABLE tags_v2 (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    tag TEXT NOT NULL,
    PRIMARY KEY (article_id, tag)
);
INSERT INTO tags_v2 SELECT article_id, tag FROM tags WHERE article_id IN (SELECT id FROM articles);
DROP TABLE tags;
ALTER TABLE tags_v2 RENAME TO tags;
CREATE INDEX tags_by_tag ON tags(tag);

CREATE TABLE superseded (
    old_id TEXT PRIMARY KEY,
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE
);
CREATE INDEX superseded_current ON superseded(article_id);

ALTER TABLE briefing_pins ADD COLUMN stale INTEGER NOT NULL DEFAULT 0;
CREATE INDEX briefing_pins_article ON briefing_pins(article_id);

CREATE TABLE saved_searches_v2 (
    name TEXT PRIMARY KEY,
    query TEXT NOT NULL,
    sort TEXT NOT NULL DEFAULT 'relevance',
    created_at TEXT NOT NULL DEFAULT ({_NOW}),
    opened_at TEXT,
    seen_seq INTEGER NOT NULL DEFAULT 0
);
INSERT INTO saved_searches_v2(name, query, sort, created_at, opened_at, seen_seq)
    SELECT s.name, s.query, s.sort, s.created_at,
        CASE WHEN s.last_opened_at > s.created_at THEN s.last_opened_at END,
        (SELECT coalesce(max(a.added_seq), 0) FROM articles a WHERE a.added_at <= s.last_opened_at)
    FROM saved_searches s;
DROP TABLE saved_searches;
ALTER TABLE saved_searches_v2 RENAME TO saved_searches;

-- The bundled samples were stored under their install path (a site-packages
-- path in exported citations); label them as samples, as new libraries do,
-- and let the index pick up the new path.
UPDATE articles SET
    path = 'bundled sample ' || substr(path, -24),
    origin = 'fieldbrief-sample:' || substr(path, -24),
    indexed = 0
WHERE path GLOB '*/seeds/[0-9][0-9][0-9]_[0-9a-f]*.txt' AND length(path) > 24
    AND substr(path, -25, 1) = '/'
    AND EXISTS (SELECT 1 FROM meta WHERE key = 'seeded');
"""

# Version 3: the events each article dates (``search.events``), made when the
# article is stored so the timeline never re-reads bodies. A library upgraded
# from version 2 has articles without rows here: ``events_pending`` makes the
# first timeline fill them in (``Store.fill_events``).
_V3 = """
CREATE TABLE events (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    date TEXT NOT NULL,
    precision TEXT NOT NULL,
    text TEXT NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    terms TEXT NOT NULL
);
CREATE INDEX events_by_date ON events(date);
CREATE INDEX events_by_article ON events(article_id);
INSERT INTO meta(key, value) SELECT 'events_pending', '1' FROM articles LIMIT 1;
"""

# Version 4: per-term article counts for the facets (search/facets.py), kept
# by ``put`` and ``remove``, so the library overview needs no pass over the
# library; and its last result, so the app starts without computing it.
_V4 = """
CREATE TABLE facet_counts (
    field TEXT NOT NULL,
    term TEXT NOT NULL,
    articles INTEGER NOT NULL,
    -- Bumped on every change to the term's articles (rows are kept at 0 so it
    -- never restarts): a piece of the overview made from them is current while
    -- it was made at this version.
    version INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (field, term)
) WITHOUT ROWID;
CREATE INDEX facet_counts_top ON facet_counts(field, articles);
CREATE TABLE overview_parts (
    key TEXT PRIMARY KEY,
    generation INTEGER NOT NULL,
    data TEXT NOT NULL
);
"""

# Version 5: the whole library newest first from an index (search/listing.py),
# so the app's first screen reads one page of rows instead of sorting them all.
_V5 = """
CREATE INDEX articles_newest ON articles(date DESC, added_seq);
"""


def _count_existing_facets(db: sqlite3.Connection) -> None:
    """Version 4's counts for the articles a library already holds (once, on upgrade)."""
    from .facets import facet_terms

    counts: Counter[tuple[str, str]] = Counter()
    for (raw,) in db.execute("SELECT facts FROM articles"):
        counts.update(facet_terms(facts_from_json(raw)))
    db.executemany(
        "INSERT INTO facet_counts(field, term, articles) VALUES (?, ?, ?)",
        [(field, term, n) for (field, term), n in counts.items()],
    )


_MIGRATIONS: tuple[tuple[str, Callable[[sqlite3.Connection], None] | None], ...] = (
    (_V1, None),
    (_V2, None),
    (_V3, None),
    (_V4, _count_existing_facets),
    (_V5, None),
)
"""Each step: its SQL, then the Python that fills what SQL cannot compute."""
assert len(_MIGRATIONS) == SCHEMA_VERSION


def _statements(script: str) -> Iterator[str]:
    """The SQL statements of ``script`` one by one.

    Not ``executescript``: it commits on its own, and a migration must be one
    transaction (a crash half-way leaves the old version, not a mix).
    """
    pending = ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            if pending.strip():
                yield pending
            pending = ""
    if pending.strip():
        yield pending


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


EventRow = tuple[str, str, str, int, int, str]
"""An event mention as ``Store`` keeps it: date, precision, text, start, end, terms."""


class StoredFacts(NamedTuple):
    """An article's facts in the forms ``Store.put`` writes them.

    A bulk add makes these in the extraction workers (``adding.prepare``), so
    what crosses to the process that stores is strings and tuples: pickling
    the ``Fact`` objects there and back cost nearly as much CPU as storing
    them (bench/README.md). ``put`` makes them itself from a list of facts.
    """

    json: str
    facets: frozenset[tuple[str, str]]
    events: list[EventRow]

    @classmethod
    def of(cls, article: Article, facts: list[Fact], *, events: bool = True) -> StoredFacts:
        from .facets import facet_terms

        return cls(
            facts_to_json(facts),
            frozenset(facet_terms(facts)),
            _event_rows(article, facts) if events else [],
        )


def _event_rows(article: Article, facts: list[Fact]) -> list[EventRow]:
    from .events import event_mentions

    return [
        (m.date, m.precision, m.text, m.start, m.end, "|".join(m.terms))
        for m in event_mentions(article, facts)
    ]


class ArticleFacts(NamedTuple):
    """An article's facts with its metadata, without the body."""

    id: str
    date: str | None
    source: str | None
    title: str
    facts: list[Fact]


class Store:
    """Thread-safe access to the library database (one connection per thread)."""

    def __init__(self, path: Path, *, migrate: bool = True) -> None:
        """``migrate=False`` opens only a file at this code's schema version, as
        it is (``StoreError`` otherwise): for reading beside another process
        that may be about to upgrade it."""
        self.path = path
        # Whether ``put`` records the article's events (off only to measure
        # what they cost an add: bench/events.py).
        self.record_events = True
        self._local = threading.local()
        try:
            if migrate:
                self._migrate()
            elif (found := self.schema_version()) != SCHEMA_VERSION:
                raise StoreError(f"{path} is at library format {found}, not {SCHEMA_VERSION}")
        except StoreError:
            self.close()
            raise
        except sqlite3.DatabaseError as exc:
            self.close()
            raise StoreError(
                f"{path} is not a usable fieldbrief library database ({exc}). Move it aside"
                " (or restore it from a backup) and re-add your articles with `fieldbrief add`."
            ) from exc

    @property
    def db(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA foreign_keys=ON")
            self._local.conn = conn
            self._local.depth = 0
        return conn

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    # --- schema ---------------------------------------------------------------

    def schema_version(self) -> int:
        has_meta = self.db.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'"
        ).fetchone()
        if not has_meta:
            return 0
        raw = self.get_meta("schema_version", "0") or "0"
        return int(raw) if raw.isdigit() else 0

    def _migrate(self) -> None:
        """Bring the file up to ``SCHEMA_VERSION``, one transaction per step.

        The version is read again inside each step's write transaction, so two
        processes opening an old library at once upgrade it once.
        """
        while (found := self.schema_version()) < SCHEMA_VERSION:
            with self.atomic() as db:
                version = self.schema_version()
                if version != found:
                    continue
                script, fill = _MIGRATIONS[version]
                for statement in _statements(script):
                    db.execute(statement)
                if fill is not None:
                    fill(db)
                self.set_meta("schema_version", str(version + 1))
        if found > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path} was written by a newer fieldbrief (library format {found};"
                f" this one reads up to {SCHEMA_VERSION}). Upgrade fieldbrief to open it."
            )

    # --- transactions ---------------------------------------------------------

    @contextmanager
    def atomic(self) -> Iterator[sqlite3.Connection]:
        """A write transaction; nested ones are savepoints inside it.

        The outermost level takes the write lock at once (``BEGIN IMMEDIATE``),
        so two writers queue instead of one failing half-way. An exception
        undoes only the innermost level it escapes from.
        """
        db = self.db
        depth = self._local.depth
        name = f"fb_{depth}"
        db.execute("BEGIN IMMEDIATE" if depth == 0 else f"SAVEPOINT {name}")
        self._local.depth = depth + 1
        # Facet counts changed inside the transaction, written once at its end.
        pending = self._pending_facets()
        saved = Counter(pending) if depth else None
        try:
            yield db
        except BaseException:
            if depth == 0:
                pending.clear()
                db.execute("ROLLBACK")
            else:
                pending.clear()
                pending.update(saved or {})
                db.execute(f"ROLLBACK TO {name}")
                db.execute(f"RELEASE {name}")
            raise
        else:
            if depth == 0:
                self._write_facets(db)
            db.execute("COMMIT" if depth == 0 else f"RELEASE {name}")
        finally:
            self._local.depth = depth

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

    def generation(self) -> int:
        """Bumped on every change to the library's articles or tags."""
        return int(self.get_meta("generation", "0") or 0)

    def bump_generation(self) -> None:
        with self.atomic() as db:
            db.execute(
                "INSERT INTO meta(key, value) VALUES ('generation', '1') "
                "ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1"
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

    def last_seq(self) -> int:
        """The ``added_seq`` of the newest article ever added (0 for none)."""
        return int(self.get_meta("article_seq", "0") or 0)

    def put(
        self,
        db: sqlite3.Connection,
        article: Article,
        facts: list[Fact] | StoredFacts,
        *,
        replaces: Iterable[str] = (),
    ) -> None:
        """Store ``article``; ``replaces`` are ids of earlier versions from the same origin.

        ``facts`` are the article's facts, or their ``StoredFacts`` made beforehand.

        An earlier version hands the new one everything the analyst attached to
        it (tags, pins, notes, its place in "new since"), and its id keeps
        resolving to the new version; then it is removed. ``article.tags``
        is updated to include the tags handed over.
        """
        old_ids = [i for i in replaces if i != article.id]
        seq = None
        if old_ids:
            marks = ",".join("?" * len(old_ids))
            seq = db.execute(
                f"SELECT min(added_seq) FROM articles WHERE id IN ({marks})", old_ids
            ).fetchone()[0]
        if seq is None:
            seq = int(
                db.execute(
                    "INSERT INTO meta(key, value) VALUES ('article_seq', '1') ON CONFLICT(key)"
                    " DO UPDATE SET value = CAST(value AS INTEGER) + 1 RETURNING value"
                ).fetchone()[0]
            )
        stored = (
            facts
            if isinstance(facts, StoredFacts)
            else StoredFacts.of(article, facts, events=self.record_events)
        )
        previous = db.execute("SELECT facts FROM articles WHERE id = ?", (article.id,)).fetchone()
        if previous is not None:  # the same id stored again: its old facts no longer count
            self._count_facets(db, facts_from_json(previous[0]), -1)
        self._count_terms(db, stored.facets, +1)
        # An upsert, not INSERT OR REPLACE: a replace deletes the row first,
        # and the delete would take the article's tags with it.
        db.execute(
            "INSERT INTO articles(id, origin, path, format, title, date, source, body, facts,"
            " indexed, added_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?)"
            " ON CONFLICT(id) DO UPDATE SET origin = excluded.origin, path = excluded.path,"
            " format = excluded.format, title = excluded.title, date = excluded.date,"
            " source = excluded.source, body = excluded.body, facts = excluded.facts,"
            " indexed = 0",
            (
                article.id,
                article.origin,
                article.path,
                article.format,
                article.title,
                article.date.isoformat() if article.date else None,
                article.source,
                article.body,
                stored.json,
                seq,
            ),
        )
        db.execute("DELETE FROM pending_deletes WHERE id = ?", (article.id,))
        self._put_events(db, article.id, stored.events)
        # A file edited back to an earlier text brings back that version's id:
        # a live id is never an alias of another one.
        db.execute("DELETE FROM superseded WHERE old_id = ?", (article.id,))
        db.executemany(
            "INSERT OR IGNORE INTO tags(article_id, tag) VALUES (?, ?)",
            [(article.id, tag) for tag in article.tags],
        )
        if old_ids:
            # Pins are re-anchored on Fact objects; an edited article is rare.
            fact_list = facts if isinstance(facts, list) else facts_from_json(stored.json)
        for old in old_ids:
            self._hand_over(db, old, article, fact_list)
            self.remove(db, old)
        if old_ids:
            # The caller indexes this same object: the index must see the
            # tags the old version handed over.
            article.tags = self.tags_for(article.id)

    def _put_events(self, db: sqlite3.Connection, article_id: str, rows: list[EventRow]) -> None:
        if not self.record_events:
            return
        db.execute("DELETE FROM events WHERE article_id = ?", (article_id,))
        db.executemany(
            'INSERT INTO events(article_id, date, precision, text, start, "end", terms)'
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(article_id, *row) for row in rows],
        )

    def fill_events(self) -> None:
        """Make the event rows of articles stored before version 3 (once)."""
        if self.get_meta("events_pending") is None:
            return
        with self.atomic() as db:
            if self.get_meta("events_pending") is None:
                return
            for article, facts in self.iter_all():
                self._put_events(db, article.id, _event_rows(article, facts))
            db.execute("DELETE FROM meta WHERE key = 'events_pending'")

    def event_mentions(self, article_ids: Iterable[str] | None = None) -> list[EventMention]:
        """Stored event mentions, of ``article_ids`` only when given."""
        from .events import EventMention

        self.fill_events()
        sql = 'SELECT article_id, date, precision, text, start, "end", terms FROM events'
        if article_ids is None:
            rows = self.db.execute(sql + " ORDER BY date").fetchall()
        else:
            ids = list(dict.fromkeys(article_ids))
            rows = []
            for n in range(0, len(ids), 500):
                part = ids[n : n + 500]
                marks = ",".join("?" * len(part))
                rows += self.db.execute(f"{sql} WHERE article_id IN ({marks})", part).fetchall()
        return [
            EventMention(r[0], r[1], r[2], r[3], r[4], r[5], r[6].split("|") if r[6] else [])
            for r in rows
        ]

    def newest(self, limit: int, offset: int = 0) -> list[sqlite3.Row]:
        """Articles newest first: undated ones last, one day's in the order they were
        added. Each row: id, title, date, source, path and ``lead`` (the body's start)."""
        return self.db.execute(
            "SELECT id, title, date, source, path, substr(body, 1, ?) AS lead FROM articles"
            " ORDER BY date DESC, added_seq LIMIT ? OFFSET ?",
            (LEAD_CHARS, limit, offset),
        ).fetchall()

    def newest_ids(self, limit: int) -> list[str]:
        """The ``limit`` newest articles by publication date (undated ones last)."""
        rows = self.db.execute(
            "SELECT id FROM articles ORDER BY date IS NULL, date DESC, added_seq DESC LIMIT ?",
            (limit,),
        )
        return [r[0] for r in rows]

    def article_meta(
        self, article_ids: Iterable[str]
    ) -> dict[str, tuple[str | None, str | None, str]]:
        """(source, date, title) per article id, for citing events."""
        ids = list(dict.fromkeys(article_ids))
        out: dict[str, tuple[str | None, str | None, str]] = {}
        for n in range(0, len(ids), 500):
            part = ids[n : n + 500]
            marks = ",".join("?" * len(part))
            for row in self.db.execute(
                f"SELECT id, source, date, title FROM articles WHERE id IN ({marks})", part
            ):
                out[row[0]] = (row[1], row[2], row[3])
        return out

    def _hand_over(
        self, db: sqlite3.Connection, old: str, article: Article, facts: list[Fact]
    ) -> None:
        new = article.id
        db.execute(
            "INSERT OR IGNORE INTO tags(article_id, tag) SELECT ?, tag FROM tags"
            " WHERE article_id = ?",
            (new, old),
        )
        db.execute("UPDATE superseded SET article_id = ? WHERE article_id = ?", (new, old))
        db.execute(
            "INSERT INTO superseded(old_id, article_id) VALUES (?, ?)"
            " ON CONFLICT(old_id) DO UPDATE SET article_id = excluded.article_id",
            (old, new),
        )
        pins = db.execute("SELECT * FROM briefing_pins WHERE article_id = ?", (old,)).fetchall()
        for pin in pins:
            start, end, fact, stale = reanchor(
                pin["kind"],
                pin["quote"],
                pin["start"],
                json.loads(pin["fact"]) if pin["fact"] else None,
                article.body,
                facts,
            )
            db.execute(
                'UPDATE briefing_pins SET article_id = ?, title = ?, start = ?, "end" = ?,'
                " fact = ?, stale = ? WHERE id = ?",
                (
                    new,
                    article.title,
                    start,
                    end,
                    json.dumps(fact, ensure_ascii=False) if fact is not None else None,
                    int(stale),
                    pin["id"],
                ),
            )

    def remove(self, db: sqlite3.Connection, article_id: str) -> None:
        row = db.execute("SELECT facts FROM articles WHERE id = ?", (article_id,)).fetchone()
        if row is not None:
            self._count_facets(db, facts_from_json(row[0]), -1)
        db.execute("DELETE FROM articles WHERE id = ?", (article_id,))
        db.execute("INSERT OR IGNORE INTO pending_deletes(id) VALUES (?)", (article_id,))

    # --- facets and the overview ------------------------------------------------

    def _pending_facets(self) -> Counter[tuple[str, str]]:
        pending: Counter[tuple[str, str]] | None = getattr(self._local, "facets", None)
        if pending is None:
            pending = self._local.facets = Counter()
        return pending

    def _count_facets(self, db: sqlite3.Connection, facts: Iterable[Fact], delta: int) -> None:
        """Count the article's facet terms in or out, when its transaction commits.

        Summed over the transaction (a hundred articles while adding) so each
        term is written once per transaction, not once per article. A term
        whose articles came and went still gets its version bumped.
        """
        from .facets import facet_terms

        self._count_terms(db, facet_terms(facts), delta)

    def _count_terms(
        self, db: sqlite3.Connection, terms: Iterable[tuple[str, str]], delta: int
    ) -> None:
        pending = self._pending_facets()
        for term in terms:
            pending[term] += delta
        if getattr(self._local, "depth", 0) == 0:  # not inside a transaction
            self._write_facets(db)

    def _write_facets(self, db: sqlite3.Connection) -> None:
        pending = self._pending_facets()
        if not pending:
            return
        db.executemany(
            "INSERT INTO facet_counts(field, term, articles) VALUES (?, ?, ?)"
            " ON CONFLICT(field, term) DO UPDATE SET"
            " articles = articles + excluded.articles, version = version + 1",
            [(field, term, delta) for (field, term), delta in pending.items()],
        )
        pending.clear()

    def top_facets(self, field: str, limit: int) -> list[tuple[str, int]]:
        """The ``field`` terms (``person_k``, …, ``figure_k``) in the most articles."""
        rows = self.db.execute(
            "SELECT term, articles FROM facet_counts WHERE field = ? AND articles > 0"
            " ORDER BY articles DESC, term DESC LIMIT ?",
            (field, limit),
        ).fetchall()
        return [(str(term), int(n)) for term, n in rows]

    def facet_version(self, field: str, term: str) -> int:
        row = self.db.execute(
            "SELECT version FROM facet_counts WHERE field = ? AND term = ?", (field, term)
        ).fetchone()
        return int(row[0]) if row else -1

    def overview_part(self, key: str) -> tuple[int, str] | None:
        """A stored piece of the library overview: (generation it was made at, its JSON)."""
        row = self.db.execute(
            "SELECT generation, data FROM overview_parts WHERE key = ?", (key,)
        ).fetchone()
        return (int(row[0]), str(row[1])) if row else None

    def set_overview_part(self, key: str, generation: int, data: str) -> None:
        with self.atomic() as db:
            db.execute(
                "INSERT INTO overview_parts(key, generation, data) VALUES (?, ?, ?)"
                " ON CONFLICT(key) DO UPDATE SET generation = excluded.generation,"
                " data = excluded.data",
                (key, generation, data),
            )

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
        """The article with this id, or the current version of an edited one."""
        row = self.db.execute(
            "SELECT * FROM articles WHERE id = coalesce("
            " (SELECT article_id FROM superseded WHERE old_id = ?1), ?1)",
            (article_id,),
        ).fetchone()
        if row is None:
            return None
        return self._article(row), facts_from_json(row["facts"])

    def find_prefix(self, prefix: str, limit: int = 5) -> list[str]:
        """Current ids starting with ``prefix``, counting earlier versions' ids too."""
        rows = self.db.execute(
            "SELECT id FROM articles WHERE id >= ?1 AND id < ?1 || char(65535)"
            " UNION SELECT article_id FROM superseded WHERE old_id >= ?1"
            " AND old_id < ?1 || char(65535) ORDER BY 1 LIMIT ?2",
            (prefix, limit),
        ).fetchall()
        return [r[0] for r in rows]

    def resolve(self, ref: str) -> str:
        """The id of the one article ``ref`` names: a full id, or a prefix of one."""
        ref = ref.strip()
        found = self.get(ref) if ref else None
        if found is not None:
            return found[0].id
        if len(ref) < MIN_PREFIX:
            raise ArticleNotFound(
                f"article id {ref!r} is too short: give the full id, or at least"
                f" {MIN_PREFIX} of its first characters"
            )
        matches = self.find_prefix(ref, limit=6)
        if len(matches) == 1:
            return matches[0]
        if not matches:
            raise ArticleNotFound(f"no article with id {ref!r}")
        listed = ", ".join(matches[:5]) + (", …" if len(matches) > 5 else "")
        raise ArticleNotFound(
            f"article id {ref!r} is ambiguous: it starts {listed}; give more characters"
        )

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

    def iter_facts(self) -> Iterator[ArticleFacts]:
        """Every article's facts and metadata, without bodies, in id order."""
        for row in self.db.execute(
            "SELECT id, date, source, title, facts FROM articles ORDER BY id"
        ):
            yield ArticleFacts(row[0], row[1], row[2], row[3], facts_from_json(row[4]))

    def ids_added_after(self, seq: int) -> set[str]:
        rows = self.db.execute("SELECT id FROM articles WHERE added_seq > ?", (seq,))
        return {r[0] for r in rows}

    def unindexed_count(self) -> int:
        row = self.db.execute(
            "SELECT (SELECT count(*) FROM articles WHERE indexed = 0)"
            " + (SELECT count(*) FROM pending_deletes)"
        ).fetchone()
        return int(row[0])

    def pending_deletes(self) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT id FROM pending_deletes")]

    def mark_indexed(self, ids: Iterable[str], deleted: Iterable[str] = ()) -> None:
        with self.atomic() as db:
            db.executemany("UPDATE articles SET indexed = 1 WHERE id = ?", [(i,) for i in ids])
            db.executemany("DELETE FROM pending_deletes WHERE id = ?", [(i,) for i in deleted])

    def mark_all_unindexed(self) -> None:
        with self.atomic() as db:
            db.execute("UPDATE articles SET indexed = 0")
            db.execute("DELETE FROM pending_deletes")

    # --- tags -----------------------------------------------------------------

    def tags_for(self, article_id: str) -> list[str]:
        rows = self.db.execute(
            "SELECT tag FROM tags WHERE article_id = ? ORDER BY tag", (article_id,)
        ).fetchall()
        return [r[0] for r in rows]

    def set_tags(self, article_id: str, tags: Iterable[str]) -> None:
        with self.atomic() as db:
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


# --- re-anchoring pins on an edited article ---------------------------------------


def _nearest(positions: Iterable[int], target: int | None) -> int | None:
    best = None
    for position in positions:
        if best is None or abs(position - (target or 0)) < abs(best - (target or 0)):
            best = position
    return best


def _occurrences(body: str, text: str) -> Iterator[int]:
    at = body.find(text)
    while at >= 0:
        yield at
        at = body.find(text, at + 1)


def reanchor(
    kind: str,
    quote: str,
    start: int | None,
    fact: dict[str, Any] | None,
    body: str,
    facts: list[Fact],
) -> tuple[int | None, int | None, dict[str, Any] | None, bool]:
    """Where a pin on an earlier version of an article points in ``body``.

    Returns ``(start, end, fact, stale)``. A passage is found again by its text
    (the occurrence nearest its old place); a fact by a fact of the same kind,
    text and value (nearest first). What is no longer there keeps its old
    offsets and quote, flagged ``stale``, so the briefing still shows what was
    chosen and says it is not in the current version.
    """
    if kind == "article":
        return None, None, None, False
    if kind == "fact" and fact is not None:
        same = [
            f
            for f in facts
            if f.kind == fact.get("kind")
            and f.text == fact.get("text")
            and f.value == fact.get("value")
        ]
        nearest = _nearest((f.start for f in same), start)
        if nearest is not None:
            match = next(f for f in same if f.start == nearest)
            return match.start, match.end, match.to_json(), False
        return start, start + len(quote) if start is not None else None, fact, True
    at = _nearest(_occurrences(body, quote), start) if quote else None
    if at is None:
        return start, start + len(quote) if start is not None else None, fact, True
    return at, at + len(quote), fact, False


def open_as_is(path: Path) -> Store | None:
    """The store at ``path`` for reading beside other processes, as it is; None
    when there is none or it is not at this version (opening the library
    creates or upgrades it: the caller leaves that to a full open)."""
    if not path.is_file():
        return None
    try:
        return Store(path, migrate=False)
    except (StoreError, sqlite3.Error):
        return None
