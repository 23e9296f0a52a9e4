"""Plain data types shared by every layer of the engine."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any, Literal

FactKind = Literal["person", "organization", "place", "date", "figure", "quote"]

SECTIONS: tuple[tuple[FactKind, str], ...] = (
    ("person", "People"),
    ("organization", "Organizations"),
    ("place", "Places"),
    ("date", "Dates"),
    ("figure", "Figures"),
    ("quote", "Quotes"),
)
"""Every fact kind with its heading, in the order the app, the CLI and the export list them."""

ENTITY_FIELD: dict[str, str] = {"person": "person", "organization": "org", "place": "place"}
"""An entity kind's field: the query prefix (``org:"IBM"``) and the index field."""

FIELD_ENTITY: dict[str, str] = {name: kind for kind, name in ENTITY_FIELD.items()}
"""The entity kind a query field names (``org`` -> ``organization``)."""

BUNDLED_SAMPLE = "bundled sample "
"""How a bundled sample article's ``path`` starts: it names no file of the user's."""


@dataclass(slots=True)
class Article:
    """One news article, after cleaning.

    ``id`` is derived from the content (see ``search.ingest.article_id``), so the
    same article ingested twice is recognised; ``origin`` identifies where it came
    from (path, plus ``#line`` or ``#entry`` for multi-article files) so an edited
    file replaces its previous version.
    """

    id: str
    title: str
    body: str
    date: date | None = None
    source: str | None = None
    path: str = ""
    origin: str = ""
    format: str = "txt"
    tags: list[str] = field(default_factory=list)

    @property
    def word_count(self) -> int:
        return len(self.body.split())

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "date": self.date.isoformat() if self.date else None,
            "source": self.source,
            "path": self.path,
            "origin": self.origin,
            "format": self.format,
            "words": self.word_count,
            "tags": list(self.tags),
            "body": self.body,
        }


@dataclass(slots=True)
class Fact:
    """One extracted fact, anchored to ``body[start:end]`` of its article.

    ``value`` is the normalised form: canonical name for entities, ISO date (or
    ``YYYY-MM`` / ``YYYY`` / ISO week ``YYYY-Www``) for dates, a number for figures
    (``low``/``high`` hold a range). ``sentence`` is the (start, end) span of the
    sentence it occurs in.
    """

    kind: FactKind
    text: str
    start: int
    end: int
    value: str | float | None = None
    unit: str | None = None
    subject: str | None = None
    role: str | None = None
    qualifier: str | None = None
    low: float | None = None
    high: float | None = None
    resolution: str | None = None
    sentence: tuple[int, int] | None = None
    # Figures only: ``key`` groups claims about the same thing across articles
    # ("US troops in Niger"); ``aspect`` marks plans and changes ("target",
    # "change") that must not be compared with stated counts; ``orig_value`` /
    # ``orig_unit`` keep a converted measurement as written (500 mi).
    key: str | None = None
    aspect: str | None = None
    orig_value: float | None = None
    orig_unit: str | None = None
    # Figures and quotes: who the text says said it, as
    # ``{"text", "who", "start", "end"}`` ("one official told Politico").
    # A quote's ``value`` is its speaker's name. ``as_of``: the time a figure
    # describes when the text names one ("in 2013"); else the article's date.
    attribution: dict[str, Any] | None = None
    as_of: str | None = None

    def to_json(self) -> dict[str, Any]:
        # Not dataclasses.asdict: it deep-copies every field, and a bulk add
        # serialises millions of facts (it was a third of the add's main process).
        data = {name: getattr(self, name) for name in _FACT_FIELDS}
        data["sentence"] = list(self.sentence) if self.sentence else None
        return {k: v for k, v in data.items() if v is not None or k in _ALWAYS_WRITTEN}


_FACT_FIELDS = tuple(f.name for f in fields(Fact))
_ALWAYS_WRITTEN = frozenset({"value", "unit", "subject"})
