"""The index schema and the document each article becomes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from .. import whooshload  # noqa: F401  # isort: skip (before any Whoosh import)
from whoosh import fields
from whoosh.analysis import StandardAnalyzer

from ..analysis import StemmingTokenizer
from ..facets import entity_name, keyword
from ..model import ENTITY_FIELD, Article, Fact
from ..typed_dates import EPOCH
from .positions import PackedPositions
from .version import FORMAT_VERSION

__all__ = ["FORMAT_VERSION", "document", "document_with", "fact_fields", "schema"]


def schema() -> fields.Schema:
    stem = StemmingTokenizer()  # Whoosh's StemmingAnalyzer, in one pass
    names = StandardAnalyzer(stoplist=None)
    return fields.Schema(
        id=fields.ID(stored=True, unique=True),
        origin=fields.ID(stored=True),
        # No separate spelling fields: "did you mean" works on the stemmed terms,
        # which for the words people misspell (names, places) are the words
        # themselves, and skipping them nearly halves indexing work.
        title=_packed(fields.TEXT(stored=True, analyzer=stem, field_boost=2.0)),
        body=_packed(fields.TEXT(stored=True, analyzer=stem)),
        date=fields.DATETIME(stored=True),
        # Days since 1970 for sorting; undated articles get 0 so they sort last
        # when newest-first (Whoosh would otherwise put missing values first).
        day=fields.NUMERIC(int, bits=32, sortable=True, signed=False),
        source=fields.TEXT(stored=True, analyzer=names),
        path=fields.ID(stored=True),
        tag=fields.KEYWORD(stored=True, commas=True, lowercase=True, scorable=True),
        person=_packed(fields.TEXT(analyzer=names, phrase=True)),
        org=_packed(fields.TEXT(analyzer=names, phrase=True)),
        place=_packed(fields.TEXT(analyzer=names, phrase=True)),
        # Exact canonical names and figure keys: document frequencies give the
        # sidebar's "mentioned in N articles" and the top-entity facets straight
        # from the index, with nothing proportional to the library in memory.
        person_k=fields.KEYWORD(commas=True, lowercase=False),
        org_k=fields.KEYWORD(commas=True, lowercase=False),
        place_k=fields.KEYWORD(commas=True, lowercase=False),
        figure_k=fields.KEYWORD(commas=True, lowercase=False),
    )


def _packed(field: fields.TEXT) -> fields.TEXT:
    """``field`` with its positions packed rather than pickled (``index.positions``)."""
    field.format = PackedPositions(field_boost=field.format.field_boost)
    return field


def document(article: Article, facts: list[Fact]) -> dict[str, Any]:
    return document_with(article, fact_fields(facts))


def document_with(article: Article, fact_fields: dict[str, str]) -> dict[str, Any]:
    """The document of ``article`` whose facts gave ``fact_fields`` (see ``fact_fields``)."""
    doc: dict[str, Any] = {
        "id": article.id,
        "origin": article.origin,
        "title": article.title,
        "body": article.body,
        "path": article.path,
        "source": article.source or "",
        "tag": ",".join(article.tags),
    }
    doc["day"] = 0
    if article.date is not None:
        doc["date"] = _midnight(article.date)
        doc["day"] = max(1, (article.date - EPOCH).days)
    doc.update(fact_fields)
    return doc


def fact_fields(facts: list[Fact]) -> dict[str, str]:
    """The fields a document takes from its article's facts: entity names and facet keys.

    Apart from ``document`` so that a bulk add makes them where the facts
    were extracted (``adding.prepare``) and only these strings cross processes.
    """
    out: dict[str, str] = {}
    for kind, name in ENTITY_FIELD.items():
        values = sorted({entity_name(f) for f in facts if f.kind == kind})
        if values:
            # Newline-separated so a phrase query cannot match across two names.
            out[name] = "\n".join(values)
            out[f"{name}_k"] = ",".join(keyword(v) for v in values)
    keys = sorted({keyword(f.key) for f in facts if f.kind == "figure" and f.key})
    if keys:
        out["figure_k"] = ",".join(keys)
    return out


def _midnight(day: Any) -> Any:
    return datetime(day.year, day.month, day.day)
