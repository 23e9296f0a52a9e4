"""What the workers report back, as typed messages.

Workers run in threads and never touch the app's state: each posts one of
these to the main screen, whose handler (on the event loop) decides whether
the answer is still wanted. Every request carries a generation number and an
answer for an older generation is dropped, so a slow old worker can never
overwrite what the analyst is looking at now.

``control`` is the widget the answer is for, so handlers can be selected with
``@on(Message, "#results")`` like any widget message.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from textual.message import Message
from textual.widget import Widget

from fieldbrief.search.model import Article, Fact
from fieldbrief.search.results import SearchResults

if TYPE_CHECKING:
    from fieldbrief.search.facts.resolve import Conflict, Overview
    from fieldbrief.search.library import Library

Span = tuple[int, int]


@dataclass(frozen=True)
class SearchRequest:
    query: str
    sort: str
    page: int
    generation: int
    count: bool = True


@dataclass(frozen=True)
class ArticleRequest:
    article_id: str
    generation: int
    focus: bool = False
    focus_span: Span | None = None
    scroll_y: float | None = None


@dataclass(eq=False)
class WorkerMessage(Message):
    widget: Widget

    @property
    def control(self) -> Widget:
        return self.widget


@dataclass(eq=False)
class LibraryOpened(WorkerMessage):
    library: Library


@dataclass(eq=False)
class OverviewReady(WorkerMessage):
    overview: Overview


@dataclass(eq=False)
class SearchPage(WorkerMessage):
    request: SearchRequest
    results: SearchResults
    elapsed_ms: float


@dataclass(eq=False)
class SearchCounted(WorkerMessage):
    request: SearchRequest
    total: int


@dataclass(eq=False)
class StoriesFound(WorkerMessage):
    request: SearchRequest
    story_of: dict[str, int]


@dataclass(eq=False)
class ArticleLoaded(WorkerMessage):
    request: ArticleRequest
    found: tuple[Article, list[Fact]] | None
    conflicts: list[Conflict] = field(default_factory=list)
    counts: dict[tuple[str, str], int] = field(default_factory=dict)


@dataclass(eq=False)
class EntitiesCounted(WorkerMessage):
    generation: int
    counts: dict[tuple[str, str], int]


@dataclass(eq=False)
class TagsSaved(WorkerMessage):
    article_id: str
    tags: list[str]
