"""Opening articles in the article pane, and what the analyst does with the open one.

The worker reads the article with everything the sidebar needs about it (its
conflicts with other sources, how many articles mention each of its entities;
both come from the index, so opening an article costs the same in a library of
any size) and posts it all in one ``ArticleLoaded``. Only the answer to the
newest request is shown: a slow worker for an article the analyst has already
moved past is dropped, its conflicts with it.

With an article open: copy its citation or the passage in view, tag it, show
it in ``$PAGER`` or open its source in ``$EDITOR``.
"""

from __future__ import annotations

import os
from contextlib import suppress
from functools import partial
from typing import TYPE_CHECKING

from textual.css.query import NoMatches

from fieldbrief.search.model import Article, Fact
from fieldbrief.search.wording import citation

from .article import ArticleBody, ArticlePane, Span
from .external import ExternalError, edit_source, show_in_pager
from .messages import ArticleLoaded, ArticleRequest, TagsSaved
from .safe import one_line

if TYPE_CHECKING:
    from fieldbrief.search.facts.resolve import Claim, Conflict
    from fieldbrief.search.library import Library

    from .main_screen import MainScreen
    from .screens import DatedFact


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


def save_tags(library: Library, article_id: str, tags: list[str], screen: MainScreen) -> None:
    """Worker body: tagging writes the store and the index under the write lock."""
    library.set_tags(article_id, tags)
    screen.post_message(TagsSaved(screen, article_id, library.tags_for(article_id)))


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
        self._waiting: ArticleRequest | None = None
        """An article asked for while the library was still opening (the results
        are listed from the store before the index is open)."""

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
        self.opening = article_id
        request = ArticleRequest(article_id, self.generation, focus, focus_span, scroll_y)
        if self.screen.library is None:
            self._waiting = request
            return
        self._load(request)

    def _load(self, request: ArticleRequest) -> None:
        library = self.screen.library
        assert library is not None
        self.screen.run_in_thread(partial(load_article, library, request, self.pane), "article")

    def library_opened(self) -> None:
        """Open the article asked for while the library was opening, if still wanted."""
        request, self._waiting = self._waiting, None
        if request is not None and request.generation == self.generation:
            self._load(request)

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
                phrases=self.screen.search.phrases,
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
        self.pane.show_article(
            self.article,
            self.facts,
            self.screen.search.terms,
            focus_span=span,
            phrases=self.screen.search.phrases,
        )
        self.screen.query_one(ArticleBody).focus()

    def open_claim(self, claim: Claim | None) -> None:
        """Open the article a claim (chosen in the conflict view) comes from, at the claim."""
        if claim is not None:
            self.open(claim.article_id, focus=True, focus_span=(claim.start, claim.end))

    def open_dated(self, item: DatedFact | None) -> None:
        """Open the article a timeline entry comes from, at its sentence."""
        if item is not None:
            self.open(item.article_id, focus=True, focus_span=item.sentence or item.span)

    # --- copying ----------------------------------------------------------------

    def _copy(self, text: str | None, what: str) -> None:
        if not text:
            self.screen.notify("Open an article first", severity="warning")
            return
        self.screen.app.copy_to_clipboard(text)
        self.screen.notify(f"{what} copied", timeout=2)

    def copy_citation(self) -> None:
        self._copy(citation(self.article) if self.article else None, "Citation")

    def copy_passage(self) -> None:
        self._copy(self.pane.current_passage(), "Passage")

    # --- tags and the analyst's own programs ------------------------------------

    def _open_article(self) -> Article | None:
        if self.article is None:
            self.screen.notify("Open an article first", severity="warning")
        return self.article

    def edit_tags(self) -> None:
        article, library = self._open_article(), self.screen.library
        if article is None or library is None:
            return

        def entered(text: str | None) -> None:
            if text is not None:
                tags = [t.strip() for t in text.split(",") if t.strip()]
                work = partial(save_tags, library, article.id, tags, self.screen)
                self.screen.run_in_thread(work, "tags")

        current = ", ".join(library.tags_for(article.id))
        from .briefing_dialogs import TitlePrompt  # Markdown loads on first use

        self.screen.app.push_screen(
            TitlePrompt(
                "Tags for this article, separated by commas (tag:NAME finds them)", current
            ),
            entered,
        )

    def tags_saved(self, message: TagsSaved) -> None:
        self.retag(message.article_id, message.tags)
        shown = ", ".join(message.tags) or "none"
        self.screen.notify(f"Tags: {one_line(shown, 80)}", timeout=3, markup=False)

    def view_in_pager(self) -> None:
        article = self._open_article()
        if article is None:
            return
        try:
            show_in_pager(self.screen.app, article, os.environ)
        except ExternalError as exc:
            self.screen.notify(str(exc), severity="warning", markup=False)

    def edit_source(self) -> None:
        article = self._open_article()
        if article is None:
            return
        try:
            path = edit_source(self.screen.app, article, os.environ)
        except ExternalError as exc:
            self.screen.notify(str(exc), severity="warning", markup=False)
            return
        self.screen.notify(
            f"To take in your edits: fieldbrief add {one_line(path, 120)}",
            timeout=8,
            markup=False,
        )
