"""Opening articles in the article pane.

The worker reads the article with everything the sidebar needs about it (its
conflicts with other sources, how many articles mention each of its entities;
both come from the index, so opening an article costs the same in a library of
any size) and posts it all in one ``ArticleLoaded``. Only the answer to the
newest request is shown: a slow worker for an article the analyst has already
moved past is dropped, its conflicts with it.
"""

from __future__ import annotations

from contextlib import suppress
from functools import partial
from typing import TYPE_CHECKING

from textual.css.query import NoMatches

from fieldbrief.search.model import Article, Fact

from .article import ArticleBody, ArticlePane, Span
from .messages import ArticleLoaded, ArticleRequest
from .safe import one_line

if TYPE_CHECKING:
    from fieldbrief.search.facts.resolve import Conflict
    from fieldbrief.search.library import Library

    from .main_screen import MainScreen


def citation(article: Article) -> str:
    """One line to paste into a report: title, source, date, id and file."""
    when = article.date.isoformat() if article.date else "undated"
    title = one_line(article.title) or "Untitled"
    source = one_line(article.source) or "Unknown source"
    return f"{title.rstrip('.')}. {source}, {when}. fieldbrief:{article.id} {one_line(article.path)}".rstrip()


def load_article(library: Library, request: ArticleRequest, pane: ArticlePane) -> None:
    """Worker body."""
    found = library.get(request.article_id)
    conflicts: list[Conflict] = []
    counts: dict[tuple[str, str], int] = {}
    if found is not None:
        # Both are extras: the article is worth showing without them.
        with suppress(Exception):
            conflicts = library.conflicts_for(request.article_id)
        with suppress(Exception):
            counts = library.mention_counts(found[1])
    pane.post_message(ArticleLoaded(pane, request, found, conflicts, counts))


class ArticleController:
    def __init__(self, screen: MainScreen) -> None:
        self.screen = screen
        self.generation = 0
        self.article: Article | None = None
        self.facts: list[Fact] = []
        self.conflicts: list[Conflict] = []
        """The open article's conflicts with other articles (from the index)."""
        self.opening: str | None = None
        """The article on its way into the pane, if any."""

    @property
    def pane(self) -> ArticlePane:
        return self.screen.query_one(ArticlePane)

    @property
    def shown_id(self) -> str | None:
        return self.article.id if self.article is not None else None

    def open(
        self,
        article_id: str,
        *,
        focus: bool = False,
        focus_span: Span | None = None,
        scroll_y: float | None = None,
    ) -> None:
        self.generation += 1
        library = self.screen.library
        if library is None:
            return
        self.opening = article_id
        request = ArticleRequest(article_id, self.generation, focus, focus_span, scroll_y)
        self.screen.run_in_thread(partial(load_article, library, request, self.pane), "article")

    def close(self) -> None:
        """No article open (the library overview takes the sidebar)."""
        self.generation += 1
        self.article = None
        self.facts = []
        self.conflicts = []

    def loaded(self, message: ArticleLoaded) -> bool:
        """Show the article; False when the answer is stale or the article is gone."""
        request = message.request
        if request.generation != self.generation:
            return False
        self.opening = None
        if message.found is None:
            self.screen.notify(
                f"Article {one_line(request.article_id, 40)} is not in the library", markup=False
            )
            return False
        self.article, self.facts = message.found
        self.conflicts = message.conflicts
        try:
            self.pane.show_article(
                self.article,
                self.facts,
                self.screen.search.terms,
                focus_span=request.focus_span,
                scroll_y=request.scroll_y,
            )
        except NoMatches:
            return False  # the app is closing and the pane's widgets are already gone
        if request.focus:
            self.screen.query_one(ArticleBody).focus()
        return True

    def retag(self, article_id: str, tags: list[str]) -> None:
        """The open article's tags changed (T): show them without reloading it."""
        if self.article is not None and self.article.id == article_id:
            self.article.tags = list(tags)
            self.pane.refresh_header()

    def show_span(self, span: Span) -> None:
        """Re-show the open article scrolled to ``span`` (a fact's sentence)."""
        if self.article is None:
            return
        self.pane.show_article(self.article, self.facts, self.screen.search.terms, focus_span=span)
        self.screen.query_one(ArticleBody).focus()
