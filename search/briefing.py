"""Collecting a briefing: pins, notes, several briefings, saved searches.

Everything lives in the library database next to the articles (its tables are
defined and migrated by ``search.store``). The store is never rebuilt (only the
Whoosh index is), so pins survive ``Library.rebuild()``. Each action is one
committed transaction; with WAL a crash loses at most the action in flight.

Pins reference articles by id and body offsets, and also keep the quoted text
and the article title as they were when pinned. When an article's file is
edited, the store hands its pins to the new version (re-anchored by their
text, or flagged ``stale`` when the text is gone); an article that leaves the
library entirely is still shown and exported from what the pin kept.

Pins are addressed by their position in their briefing (1 = first, as
``briefing show`` numbers them); an id is only accepted in the explicit form
``id:N`` and only for a pin of the briefing acted on, so a command meant for
one briefing can never change another.
"""

from __future__ import annotations

import builtins
import json
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Literal

from .model import Fact
from .store import ArticleNotFound

if TYPE_CHECKING:
    from .library import Library
    from .store import Store

PinKind = Literal["article", "passage", "fact"]

_NOW = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"

_CURRENT_KEY = "briefing.current"
SORTS = ("relevance", "date")


class BriefingError(Exception):
    """A briefing action that cannot be done; the message says why."""


class NoSuchArticle(BriefingError, ArticleNotFound):
    """The article to pin or tag is not in the library."""


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
    stale: bool = False
    """The quoted text is not in the current version of the (edited) article."""

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
            "stale": self.stale,
        }

    def describe(self) -> str:
        """One line naming what the pin holds (for messages about it)."""
        quote = " ".join(self.quote.split())
        if len(quote) > 60:
            quote = quote[:59] + "…"
        what = {"article": "article", "passage": "passage from", "fact": "fact from"}[self.kind]
        text = f" “{quote}”" if quote and self.kind != "article" else ""
        return f"{what} “{' '.join(self.title.split())}”{text}"


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
        stale=bool(row["stale"]),
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
        self._store: Store = library.store

    @property
    def _db(self) -> sqlite3.Connection:
        return self._store.db

    # --- briefings ------------------------------------------------------------

    def create(self, title: str | None = None, *, make_current: bool = True) -> Briefing:
        title = " ".join((title or "").split()) or default_title()
        with self._store.atomic() as db:
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
        raw = self._store.get_meta(_CURRENT_KEY)
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
        with self._store.atomic() as db:
            self._set_current(db, briefing.id)
        return briefing

    @staticmethod
    def _set_current(db: sqlite3.Connection, briefing_id: int) -> None:
        db.execute(
            "INSERT INTO meta(key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (_CURRENT_KEY, str(briefing_id)),
        )

    def delete(self, briefing_id: int) -> None:
        self.get(briefing_id)
        with self._store.atomic() as db:
            db.execute("DELETE FROM briefing_pins WHERE briefing_id = ?", (briefing_id,))
            db.execute("DELETE FROM briefings WHERE id = ?", (briefing_id,))

    def set_summary(self, text: str, briefing_id: int | None = None) -> Briefing:
        target = briefing_id if briefing_id is not None else self._require_current().id
        self.get(target)
        with self._store.atomic() as db:
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

    def pin(self, pin_id: int, *, briefing_id: int | None = None) -> Pin:
        """The pin with this id; with ``briefing_id``, only if it belongs to that briefing."""
        row = self._db.execute("SELECT * FROM briefing_pins WHERE id = ?", (pin_id,)).fetchone()
        if row is None:
            raise BriefingError(f"no pin with id {pin_id}")
        pin = _pin(row)
        if briefing_id is not None and pin.briefing_id != briefing_id:
            owner, here = self.get(pin.briefing_id), self.get(briefing_id)
            raise BriefingError(
                f"pin id {pin_id} belongs to briefing {owner.id} “{owner.title}”, not to"
                f" briefing {here.id} “{here.title}”; name that briefing to change it"
            )
        return pin

    def resolve_pin(self, ref: str | int, briefing_id: int) -> Pin:
        """The pin ``ref`` names in briefing ``briefing_id``.

        ``ref`` is a position as ``briefing show`` numbers them (1 = first), or
        ``id:N`` for the pin with id N, which must belong to the same briefing.
        """
        text = str(ref).strip()
        if text.lower().startswith("id:"):
            number = text[3:].strip()
            if not number.isdigit():
                raise BriefingError(f"{text!r} is not a pin id; write it as id:N")
            return self.pin(int(number), briefing_id=briefing_id)
        if not text.isdigit() or int(text) < 1:
            raise BriefingError(
                f"{text!r} is not a pin position: give its number in `briefing show` (1, 2, …)"
                " or id:N"
            )
        pins = self.pins(briefing_id)
        position = int(text)
        if position > len(pins):
            briefing = self.get(briefing_id)
            held = f"only {len(pins)}" if pins else "no"
            raise BriefingError(
                f"briefing {briefing.id} “{briefing.title}” has {held} pins; there is no pin"
                f" {position}"
            )
        return pins[position - 1]

    def _article(self, article_id: str) -> Any:
        try:
            return self.library.lookup(article_id)
        except ArticleNotFound as exc:
            raise NoSuchArticle(str(exc)) from exc

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
        with self._store.atomic() as db:
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
            self._touch(db, target)
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

    def set_note(self, pin_id: int, text: str, *, briefing_id: int | None = None) -> Pin:
        pin = self.pin(pin_id, briefing_id=briefing_id)
        with self._store.atomic() as db:
            db.execute("UPDATE briefing_pins SET note = ? WHERE id = ?", (text.strip(), pin_id))
            self._touch(db, pin.briefing_id)
        return self.pin(pin_id)

    def move(
        self, pin_id: int, new_index: int, *, briefing_id: int | None = None
    ) -> builtins.list[Pin]:
        """Move a pin to ``new_index`` (0-based, clamped); returns the new order."""
        pin = self.pin(pin_id, briefing_id=briefing_id)
        with self._store.atomic() as db:
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
            self._touch(db, pin.briefing_id)
        return self.pins(pin.briefing_id)

    def move_by(self, pin_id: int, delta: int) -> builtins.list[Pin]:
        pin = self.pin(pin_id)
        order = [p.id for p in self.pins(pin.briefing_id)]
        return self.move(pin_id, max(0, order.index(pin_id) + delta))

    def remove(self, pin_id: int, *, briefing_id: int | None = None) -> Pin:
        """Remove a pin (and its note); returns what was removed."""
        pin = self.pin(pin_id, briefing_id=briefing_id)
        with self._store.atomic() as db:
            db.execute("DELETE FROM briefing_pins WHERE id = ?", (pin_id,))
            self._touch(db, pin.briefing_id)
        return pin

    @staticmethod
    def _touch(db: sqlite3.Connection, briefing_id: int) -> None:
        db.execute(f"UPDATE briefings SET updated_at = {_NOW} WHERE id = ?", (briefing_id,))


# --- tags ----------------------------------------------------------------------


def _tag_target(library: Library, article_id: str) -> Any:
    try:
        return library.lookup(article_id)[0]
    except ArticleNotFound as exc:
        raise NoSuchArticle(str(exc)) from exc


def add_tags(library: Library, article_id: str, tags: Iterable[str]) -> list[str]:
    article = _tag_target(library, article_id)
    library.set_tags(article.id, [*article.tags, *tags])
    return library.tags_for(article.id)


def remove_tags(library: Library, article_id: str, tags: Iterable[str]) -> list[str]:
    article = _tag_target(library, article_id)
    drop = {t.strip() for t in tags}
    library.set_tags(article.id, [t for t in article.tags if t not in drop])
    return library.tags_for(article.id)


# --- saved searches ------------------------------------------------------------


@dataclass(slots=True, frozen=True)
class SavedSearch:
    name: str
    query: str
    sort: str
    created_at: str
    opened_at: str | None
    """When it was last opened; None until the first time."""
    seen_seq: int = 0

    @property
    def seen_since(self) -> str:
        """The moment "new" is counted from: the last opening, or the saving."""
        return self.opened_at or self.created_at

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "query": self.query,
            "sort": self.sort,
            "created_at": self.created_at,
            "opened_at": self.opened_at,
        }


@dataclass(slots=True, frozen=True)
class OpenedSearch:
    query: str
    sort: str
    new_ids: list[str]
    """Matching articles that entered the library after ``since``, best first."""
    since: str
    """When the search was last opened, or saved if it never was (SQLite UTC time)."""
    first_open: bool
    """True when this is the first opening since the search was saved."""
    total: int = 0
    """Articles matching the query now, new or not."""


def _saved(row: sqlite3.Row) -> SavedSearch:
    return SavedSearch(
        row["name"],
        row["query"],
        row["sort"],
        row["created_at"],
        row["opened_at"],
        int(row["seen_seq"]),
    )


class SavedSearches:
    """Named queries. Opening one reports the matching articles that are new.

    **New since** means: the article entered the library after the search was
    last opened, or, before its first opening, after it was saved. An article
    that was already in the library when the search was saved is never new,
    so opening a search right after saving it shows nothing new (and says how
    many articles match in all). An edited article keeps its place: a changed
    file is not news. The store numbers articles in the order they arrive
    (``added_seq``), and each search remembers the last number it has shown,
    so ties on the clock cannot hide or repeat an article.
    """

    # Enough to cover any realistic batch of new matches without paging.
    NEW_LIMIT = 10_000

    def __init__(self, library: Library) -> None:
        self.library = library
        self._store: Store = library.store

    def save(self, name: str, query: str, sort: str = "relevance") -> SavedSearch:
        name = " ".join(name.split())
        if not name:
            raise BriefingError("a saved search needs a name")
        if not query.strip():
            raise BriefingError("a saved search needs a query")
        if sort not in SORTS:
            raise BriefingError(f"sort must be one of {', '.join(SORTS)}")
        with self._store.atomic() as db:
            # Re-saving under the same name replaces the query and starts
            # "new" afresh from now, like a new search.
            db.execute(
                "INSERT INTO saved_searches(name, query, sort, seen_seq) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(name) DO UPDATE SET query = excluded.query, sort = excluded.sort,"
                f" created_at = {_NOW}, opened_at = NULL, seen_seq = excluded.seen_seq",
                (name, query.strip(), sort, self._store.last_seq()),
            )
        return self.get(name)

    def get(self, name: str) -> SavedSearch:
        row = self._store.db.execute(
            "SELECT * FROM saved_searches WHERE name = ?", (" ".join(name.split()),)
        ).fetchone()
        if row is None:
            raise BriefingError(f"no saved search called {name!r}")
        return _saved(row)

    def list(self) -> builtins.list[SavedSearch]:
        rows = self._store.db.execute(
            "SELECT * FROM saved_searches ORDER BY name COLLATE NOCASE"
        ).fetchall()
        return [_saved(r) for r in rows]

    def new_since(self, name: str) -> builtins.list[str]:
        """Ids of the matching articles that are new (see the class); changes nothing."""
        return self._new(self.get(name))[0]

    def _new(self, saved: SavedSearch) -> tuple[builtins.list[str], int]:
        fresh = self._store.ids_added_after(saved.seen_seq)
        if not fresh:
            return [], self.library.count(saved.query)
        results = self.library.search(
            saved.query, limit=self.NEW_LIMIT, sort=saved.sort, snippets=0
        )
        return [hit.id for hit in results.hits if hit.id in fresh], results.total

    def open(self, name: str, *, mark_seen: bool = True) -> OpenedSearch:
        saved = self.get(name)
        # Read before searching: an article arriving during the search is
        # new next time rather than never.
        upto = self._store.last_seq()
        new_ids, total = self._new(saved)
        if mark_seen:
            with self._store.atomic() as db:
                db.execute(
                    f"UPDATE saved_searches SET opened_at = {_NOW}, seen_seq = ? WHERE name = ?",
                    (upto, saved.name),
                )
        return OpenedSearch(
            saved.query, saved.sort, new_ids, saved.seen_since, saved.opened_at is None, total
        )

    def delete(self, name: str) -> SavedSearch:
        saved = self.get(name)
        with self._store.atomic() as db:
            db.execute("DELETE FROM saved_searches WHERE name = ?", (saved.name,))
        return saved
