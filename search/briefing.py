"""Collecting a briefing: pins, notes, several briefings, saved searches.

Everything lives in the library database next to the articles, in tables of
its own. The store is never rebuilt (only the Whoosh index is), so pins survive
``Library.rebuild()``. Each action is one committed transaction; with WAL a
crash loses at most the action in flight.

Pins reference articles by id and body offsets, and also keep the quoted text
and the article title as they were when pinned: an article replaced by an
edited version gets a new id, and the briefing must still be able to show and
export what the analyst chose.
"""

from __future__ import annotations

import builtins
import json
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from .model import Fact

if TYPE_CHECKING:
    from .library import Library

PinKind = Literal["article", "passage", "fact"]

_NOW = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"

_SCHEMA = f"""
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

_CURRENT_KEY = "briefing.current"
SORTS = ("relevance", "date")


class BriefingError(Exception):
    """A briefing action that cannot be done; the message says why."""


@dataclass(slots=True, frozen=True)
class Briefing:
    id: int
    title: str
    summary: str
    created_at: str
    updated_at: str
    pin_count: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "summary": self.summary,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "pins": self.pin_count,
        }


@dataclass(slots=True, frozen=True)
class Pin:
    """One item of a briefing.

    ``quote`` is the pinned passage (passage pins), the fact's text (fact pins)
    or empty (article pins); ``title`` is the article's title when pinned.
    """

    id: int
    briefing_id: int
    position: int
    kind: PinKind
    article_id: str
    start: int | None
    end: int | None
    quote: str
    title: str
    note: str
    created_at: str
    fact: dict[str, Any] | None = None

    def fact_object(self) -> Fact | None:
        if self.fact is None:
            return None
        known = {k: v for k, v in self.fact.items() if k in Fact.__dataclass_fields__}
        sentence = known.pop("sentence", None)
        return Fact(**known, sentence=tuple(sentence) if sentence else None)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "briefing_id": self.briefing_id,
            "position": self.position,
            "kind": self.kind,
            "article_id": self.article_id,
            "start": self.start,
            "end": self.end,
            "quote": self.quote,
            "title": self.title,
            "note": self.note,
            "created_at": self.created_at,
            "fact": self.fact,
        }


def ensure_schema(library: Library) -> None:
    # executescript commits on its own, so it must not run inside a transaction.
    library.store.db.executescript(_SCHEMA)


def _briefing(row: sqlite3.Row) -> Briefing:
    return Briefing(
        id=row["id"],
        title=row["title"],
        summary=row["summary"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        pin_count=row["pin_count"],
    )


def _pin(row: sqlite3.Row) -> Pin:
    return Pin(
        id=row["id"],
        briefing_id=row["briefing_id"],
        position=row["position"],
        kind=row["kind"],
        article_id=row["article_id"],
        start=row["start"],
        end=row["end"],
        quote=row["quote"],
        title=row["title"],
        note=row["note"],
        created_at=row["created_at"],
        fact=json.loads(row["fact"]) if row["fact"] else None,
    )


_BRIEFING_SELECT = (
    "SELECT b.*, (SELECT count(*) FROM briefing_pins p WHERE p.briefing_id = b.id) AS pin_count"
    " FROM briefings b"
)


def default_title(today: date | None = None) -> str:
    return f"Briefing {(today or date.today()).isoformat()}"


class Briefings:
    """The library's briefings; one of them is current (where pins go)."""

    def __init__(self, library: Library) -> None:
        self.library = library
        ensure_schema(library)

    @property
    def _db(self) -> sqlite3.Connection:
        return self.library.store.db

    # --- briefings ------------------------------------------------------------

    def create(self, title: str | None = None, *, make_current: bool = True) -> Briefing:
        title = " ".join((title or "").split()) or default_title()
        with self.library.store.transaction() as db:
            cursor = db.execute("INSERT INTO briefings(title) VALUES (?)", (title,))
            new_id = int(cursor.lastrowid or 0)
            if make_current:
                self._set_current(db, new_id)
        return self.get(new_id)

    def get(self, briefing_id: int) -> Briefing:
        row = self._db.execute(f"{_BRIEFING_SELECT} WHERE b.id = ?", (briefing_id,)).fetchone()
        if row is None:
            raise BriefingError(f"no briefing with id {briefing_id}")
        return _briefing(row)

    def list(self) -> list[Briefing]:
        rows = self._db.execute(f"{_BRIEFING_SELECT} ORDER BY b.id").fetchall()
        return [_briefing(r) for r in rows]

    def find(self, ref: str | int) -> Briefing:
        """A briefing by id, or by title (case-insensitive, must be unambiguous)."""
        if isinstance(ref, int) or str(ref).strip().isdigit():
            return self.get(int(ref))
        want = " ".join(str(ref).split()).casefold()
        matches = [b for b in self.list() if b.title.casefold() == want]
        if len(matches) == 1:
            return matches[0]
        if not matches:
            raise BriefingError(f"no briefing called {ref!r}")
        ids = ", ".join(str(b.id) for b in matches)
        raise BriefingError(f"several briefings are called {ref!r} (ids {ids}); use the id")

    def current_id(self) -> int | None:
        raw = self.library.store.get_meta(_CURRENT_KEY)
        if raw is None or not raw.isdigit():
            return None
        row = self._db.execute("SELECT 1 FROM briefings WHERE id = ?", (int(raw),)).fetchone()
        return int(raw) if row else None

    def current(self, *, create: bool = True) -> Briefing | None:
        """The current briefing; with ``create``, a fresh one if there is none yet."""
        current = self.current_id()
        if current is not None:
            return self.get(current)
        existing = self.list()
        if existing:
            # The current one was deleted (maybe by another process): fall back
            # to the newest rather than silently starting an empty briefing.
            self.set_current(existing[-1].id)
            return existing[-1]
        return self.create() if create else None

    def _require_current(self) -> Briefing:
        briefing = self.current(create=True)
        assert briefing is not None
        return briefing

    def set_current(self, briefing_id: int) -> Briefing:
        briefing = self.get(briefing_id)
        with self.library.store.transaction() as db:
            self._set_current(db, briefing.id)
        return briefing

    @staticmethod
    def _set_current(db: sqlite3.Connection, briefing_id: int) -> None:
        db.execute(
            "INSERT INTO meta(key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (_CURRENT_KEY, str(briefing_id)),
        )

    def rename(self, briefing_id: int, title: str) -> Briefing:
        title = " ".join(title.split())
        if not title:
            raise BriefingError("a briefing needs a title")
        with self.library.store.transaction() as db:
            db.execute(
                f"UPDATE briefings SET title = ?, updated_at = {_NOW} WHERE id = ?",
                (title, briefing_id),
            )
        return self.get(briefing_id)

    def delete(self, briefing_id: int) -> None:
        self.get(briefing_id)
        with self.library.store.transaction() as db:
            db.execute("DELETE FROM briefing_pins WHERE briefing_id = ?", (briefing_id,))
            db.execute("DELETE FROM briefings WHERE id = ?", (briefing_id,))

    def set_summary(self, text: str, briefing_id: int | None = None) -> Briefing:
        target = briefing_id if briefing_id is not None else self._require_current().id
        self.get(target)
        with self.library.store.transaction() as db:
            db.execute(
                f"UPDATE briefings SET summary = ?, updated_at = {_NOW} WHERE id = ?",
                (text.strip(), target),
            )
        return self.get(target)

    # --- pins -----------------------------------------------------------------

    def pins(self, briefing_id: int | None = None) -> builtins.list[Pin]:
        target = briefing_id if briefing_id is not None else self.current_id()
        if target is None:
            return []
        rows = self._db.execute(
            "SELECT * FROM briefing_pins WHERE briefing_id = ? ORDER BY position, id", (target,)
        ).fetchall()
        return [_pin(r) for r in rows]

    def pin(self, pin_id: int) -> Pin:
        row = self._db.execute("SELECT * FROM briefing_pins WHERE id = ?", (pin_id,)).fetchone()
        if row is None:
            raise BriefingError(f"no pin with id {pin_id}")
        return _pin(row)

    def _article(self, article_id: str) -> Any:
        found = self.library.get(article_id)
        if found is None:
            raise BriefingError(f"no article with id {article_id!r}")
        return found

    def _add_pin(
        self,
        *,
        kind: PinKind,
        article_id: str,
        title: str,
        start: int | None,
        end: int | None,
        quote: str,
        fact: dict[str, Any] | None,
        note: str | None,
        briefing_id: int | None,
    ) -> Pin:
        target = briefing_id if briefing_id is not None else self._require_current().id
        self.get(target)
        with self.library.store.transaction() as db:
            # Pinning the same thing twice keeps one pin (and its place in the
            # order): a double key press must not clutter the briefing.
            row = db.execute(
                "SELECT id FROM briefing_pins WHERE briefing_id = ? AND kind = ? AND article_id = ?"
                ' AND start IS ? AND "end" IS ?',
                (target, kind, article_id, start, end),
            ).fetchone()
            if row is not None:
                pin_id = int(row[0])
                if note is not None:
                    db.execute("UPDATE briefing_pins SET note = ? WHERE id = ?", (note, pin_id))
            else:
                position = db.execute(
                    "SELECT coalesce(max(position) + 1, 0) FROM briefing_pins"
                    " WHERE briefing_id = ?",
                    (target,),
                ).fetchone()[0]
                cursor = db.execute(
                    "INSERT INTO briefing_pins(briefing_id, position, kind, article_id, start,"
                    ' "end", quote, title, fact, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
                    (
                        target,
                        position,
                        kind,
                        article_id,
                        start,
                        end,
                        quote,
                        title,
                        json.dumps(fact, ensure_ascii=False) if fact is not None else None,
                        (note or "").strip(),
                    ),
                )
                pin_id = int(cursor.lastrowid or 0)
            db.execute(f"UPDATE briefings SET updated_at = {_NOW} WHERE id = ?", (target,))
        return self.pin(pin_id)

    def pin_article(
        self, article_id: str, note: str | None = None, *, briefing_id: int | None = None
    ) -> Pin:
        article, _facts = self._article(article_id)
        return self._add_pin(
            kind="article",
            article_id=article.id,
            title=article.title,
            start=None,
            end=None,
            quote="",
            fact=None,
            note=note,
            briefing_id=briefing_id,
        )

    def pin_passage(
        self,
        article_id: str,
        start: int,
        end: int,
        note: str | None = None,
        *,
        text: str | None = None,
        briefing_id: int | None = None,
    ) -> Pin:
        """Pin ``body[start:end]``; ``text``, if given, must be exactly that span.

        The check catches offsets computed against another version of the body
        (a stale TUI view, a rendered Markdown string) before a wrong quote is
        attributed to a source.
        """
        article, _facts = self._article(article_id)
        if not 0 <= start < end <= len(article.body):
            raise BriefingError(
                f"passage {start}:{end} is outside the article (0:{len(article.body)})"
            )
        quote = article.body[start:end]
        if text is not None and text != quote:
            raise BriefingError("the quoted text does not match the article at those offsets")
        if not quote.strip():
            raise BriefingError("the passage is empty")
        return self._add_pin(
            kind="passage",
            article_id=article.id,
            title=article.title,
            start=start,
            end=end,
            quote=quote,
            fact=None,
            note=note,
            briefing_id=briefing_id,
        )

    def pin_fact(
        self,
        article_id: str,
        fact: Fact | Mapping[str, Any],
        note: str | None = None,
        *,
        briefing_id: int | None = None,
    ) -> Pin:
        article, _facts = self._article(article_id)
        data = fact.to_json() if isinstance(fact, Fact) else dict(fact)
        start, end = int(data["start"]), int(data["end"])
        if not 0 <= start <= end <= len(article.body):
            raise BriefingError("the fact's offsets are outside the article")
        return self._add_pin(
            kind="fact",
            article_id=article.id,
            title=article.title,
            start=start,
            end=end,
            quote=str(data.get("text") or article.body[start:end]),
            fact=data,
            note=note,
            briefing_id=briefing_id,
        )

    def set_note(self, pin_id: int, text: str) -> Pin:
        pin = self.pin(pin_id)
        with self.library.store.transaction() as db:
            db.execute("UPDATE briefing_pins SET note = ? WHERE id = ?", (text.strip(), pin_id))
            db.execute(f"UPDATE briefings SET updated_at = {_NOW} WHERE id = ?", (pin.briefing_id,))
        return self.pin(pin_id)

    def move(self, pin_id: int, new_index: int) -> builtins.list[Pin]:
        """Move a pin to ``new_index`` (0-based, clamped); returns the new order."""
        pin = self.pin(pin_id)
        with self.library.store.transaction() as db:
            ids = [
                int(r[0])
                for r in db.execute(
                    "SELECT id FROM briefing_pins WHERE briefing_id = ? ORDER BY position, id",
                    (pin.briefing_id,),
                )
            ]
            ids.remove(pin_id)
            index = max(0, min(new_index, len(ids)))
            ids.insert(index, pin_id)
            db.executemany(
                "UPDATE briefing_pins SET position = ? WHERE id = ?",
                [(i, p) for i, p in enumerate(ids)],
            )
            db.execute(f"UPDATE briefings SET updated_at = {_NOW} WHERE id = ?", (pin.briefing_id,))
        return self.pins(pin.briefing_id)

    def move_by(self, pin_id: int, delta: int) -> builtins.list[Pin]:
        pin = self.pin(pin_id)
        order = [p.id for p in self.pins(pin.briefing_id)]
        return self.move(pin_id, max(0, order.index(pin_id) + delta))

    def remove(self, pin_id: int) -> None:
        pin = self.pin(pin_id)
        with self.library.store.transaction() as db:
            db.execute("DELETE FROM briefing_pins WHERE id = ?", (pin_id,))
            db.execute(f"UPDATE briefings SET updated_at = {_NOW} WHERE id = ?", (pin.briefing_id,))


# --- tags ----------------------------------------------------------------------


def add_tags(library: Library, article_id: str, tags: Iterable[str]) -> list[str]:
    found = library.get(article_id)
    if found is None:
        raise BriefingError(f"no article with id {article_id!r}")
    article = found[0]
    library.set_tags(article.id, [*article.tags, *tags])
    return library.store.tags_for(article.id)


def remove_tags(library: Library, article_id: str, tags: Iterable[str]) -> list[str]:
    found = library.get(article_id)
    if found is None:
        raise BriefingError(f"no article with id {article_id!r}")
    article = found[0]
    drop = {t.strip() for t in tags}
    library.set_tags(article.id, [t for t in article.tags if t not in drop])
    return library.store.tags_for(article.id)


# --- saved searches ------------------------------------------------------------


@dataclass(slots=True, frozen=True)
class SavedSearch:
    name: str
    query: str
    sort: str
    created_at: str
    last_opened_at: str

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "query": self.query,
            "sort": self.sort,
            "created_at": self.created_at,
            "last_opened_at": self.last_opened_at,
        }


class OpenedSearch(NamedTuple):
    query: str
    sort: str
    new_ids: list[str]
    """Matching articles added to the library since the search was last opened."""


class SavedSearches:
    """Named queries. Opening one reports the matching articles added since last time.

    "New" is decided by the articles' ``added_at`` stamp against the moment the
    search was last opened (both from SQLite's clock), so nothing per search
    grows with the library. The comparison is inclusive: an article stamped in
    the same millisecond as the last opening is reported again rather than missed.
    """

    # Enough to cover any realistic batch of new matches without paging.
    NEW_LIMIT = 10_000

    def __init__(self, library: Library) -> None:
        self.library = library
        ensure_schema(library)

    def save(self, name: str, query: str, sort: str = "relevance") -> SavedSearch:
        name = " ".join(name.split())
        if not name:
            raise BriefingError("a saved search needs a name")
        if not query.strip():
            raise BriefingError("a saved search needs a query")
        if sort not in SORTS:
            raise BriefingError(f"sort must be one of {', '.join(SORTS)}")
        with self.library.store.transaction() as db:
            # Re-saving under the same name replaces the query; results seen
            # so far count as seen.
            db.execute(
                "INSERT INTO saved_searches(name, query, sort) VALUES (?, ?, ?) "
                "ON CONFLICT(name) DO UPDATE SET query = excluded.query, sort = excluded.sort,"
                f" last_opened_at = {_NOW}",
                (name, query.strip(), sort),
            )
        return self.get(name)

    def get(self, name: str) -> SavedSearch:
        row = self.library.store.db.execute(
            "SELECT * FROM saved_searches WHERE name = ?", (" ".join(name.split()),)
        ).fetchone()
        if row is None:
            raise BriefingError(f"no saved search called {name!r}")
        return SavedSearch(
            row["name"], row["query"], row["sort"], row["created_at"], row["last_opened_at"]
        )

    def list(self) -> list[SavedSearch]:
        rows = self.library.store.db.execute(
            "SELECT * FROM saved_searches ORDER BY name COLLATE NOCASE"
        ).fetchall()
        return [
            SavedSearch(r["name"], r["query"], r["sort"], r["created_at"], r["last_opened_at"])
            for r in rows
        ]

    def new_since(self, name: str) -> builtins.list[str]:
        """Ids of matching articles added since the search was last opened (no update)."""
        saved = self.get(name)
        fresh = {
            r[0]
            for r in self.library.store.db.execute(
                "SELECT id FROM articles WHERE added_at >= ?", (saved.last_opened_at,)
            )
        }
        if not fresh:
            return []
        results = self.library.search(
            saved.query, limit=self.NEW_LIMIT, sort=saved.sort, snippets=0
        )
        return [hit.id for hit in results.hits if hit.id in fresh]

    def open(self, name: str, *, mark_seen: bool = True) -> OpenedSearch:
        saved = self.get(name)
        new_ids = self.new_since(name)
        if mark_seen:
            with self.library.store.transaction() as db:
                db.execute(
                    f"UPDATE saved_searches SET last_opened_at = {_NOW} WHERE name = ?",
                    (saved.name,),
                )
        return OpenedSearch(saved.query, saved.sort, new_ids)

    def delete(self, name: str) -> None:
        saved = self.get(name)
        with self.library.store.transaction() as db:
            db.execute("DELETE FROM saved_searches WHERE name = ?", (saved.name,))
