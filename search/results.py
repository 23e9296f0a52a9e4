"""Search results as every layer sees them.

Kept apart from ``query`` (which needs Whoosh) so the app can import the types
it draws without loading the search engine before its first frame.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any


@dataclass(slots=True)
class Hit:
    """One search hit: the article's metadata, its score and rank, and a snippet."""

    id: str
    title: str
    date: date | None
    source: str | None
    path: str
    score: float
    rank: int
    snippet: str
    highlights: list[tuple[int, int]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "date": self.date.isoformat() if self.date else None,
            "source": self.source,
            "path": self.path,
            "score": round(self.score, 4),
            "rank": self.rank,
            "snippet": self.snippet,
            "highlights": [list(span) for span in self.highlights],
        }


@dataclass(slots=True)
class SearchResults:
    """One page of hits for a query, with the total and what the engine did with the query."""

    query: str
    hits: list[Hit]
    total: int
    sort: str = "relevance"
    page: int = 1
    fallback: str | None = None
    suggestion: str | None = None
    terms: list[str] = field(default_factory=list)
    """The stems the query matched in titles and bodies (for highlighting)."""
    phrases: list[list[str]] = field(default_factory=list)
    """The stems of each phrase it asks for there, to highlight phrases whole."""
    elapsed_ms: float = 0.0
    """Engine time for the search (``took_ms`` in JSON, like Elasticsearch's ``took``)."""
    total_exact: bool = True
    """False when ``total`` only counts the hits collected so far (``count=False``)."""

    def to_json(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "total": self.total,
            "sort": self.sort,
            "page": self.page,
            "fallback": self.fallback,
            "suggestion": self.suggestion,
            "took_ms": round(self.elapsed_ms, 2),
            "hits": [h.to_json() for h in self.hits],
        }
