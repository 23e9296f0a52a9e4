"""Running searches for the results pane.

A page of hits comes first and the exact total follows from the same worker:
counting every match can take as long again on a large library. Loading more
pages, re-sorting and the same-story grouping of a page are requests of their
own; only answers for the newest request reach the screen.
"""

from __future__ import annotations

import time
from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING

from textual.content import Content
from textual.widgets import Static
from textual.worker import get_current_worker

from fieldbrief.search.results import SearchResults

from . import overview as ov
from .messages import SearchCounted, SearchPage, SearchRequest, StoriesFound
from .results import PAGE_SIZE, ResultsList
from .safe import one_line

if TYPE_CHECKING:
    from fieldbrief.search.library import Library

    from .main_screen import MainScreen

EMPTY_STATUS = "Type to search. Enter commits, ↑/↓ history, ? keys."


def fetch_page(library: Library, request: SearchRequest, listing: ResultsList) -> None:
    """Worker body: the page, then (unless cancelled meanwhile) the exact total."""
    started = time.perf_counter()
    results = library.search(
        request.query, limit=PAGE_SIZE, sort=request.sort, page=request.page, count=False
    )
    elapsed = (time.perf_counter() - started) * 1000
    worker = get_current_worker()
    if worker.is_cancelled:
        return
    listing.post_message(SearchPage(listing, request, results, elapsed))
    if results.total_exact or not request.count:
        return
    try:
        total = library.count(request.query)
    except Exception:
        return  # the page is shown; the total stays "N+"
    if not worker.is_cancelled:
        listing.post_message(SearchCounted(listing, request, total))


def group_stories(
    library: Library, request: SearchRequest, ids: list[str], listing: ResultsList
) -> None:
    """Worker body: same-story clusters among the loaded hits, for libraries too
    large to cluster as a whole (the overview then has no stories)."""
    try:
        stories = library.stories_among(ids)
    except Exception:
        return  # grouping is a convenience; the hits are shown ungrouped
    index = {aid: n for n, story in enumerate(stories) for aid in story}
    if index:
        listing.post_message(StoriesFound(listing, request, index))


class SearchController:
    def __init__(self, screen: MainScreen) -> None:
        self.screen = screen
        self.generation = 0
        self.results: SearchResults | None = None
        self.last_search_ms = 0.0

    @property
    def terms(self) -> list[str]:
        """The current query's words, for highlighting them in the article."""
        return self.results.terms if self.results is not None else []

    @property
    def listing(self) -> ResultsList:
        return self.screen.query_one(ResultsList)

    def run(self, query: str, page: int = 1) -> None:
        self.generation += 1
        if self.screen.library is None:
            return
        if not query.strip():
            self.results = None
            self.listing.clear_results()
            self.set_status(EMPTY_STATUS)
            self.screen.query_bar.show_hint(None)
            self.screen.fb.save_state_soon()
            return
        self._start(SearchRequest(query, self.screen.sort, page, self.generation))

    def more(self) -> None:
        listing = self.listing
        if self.results is None or not listing.has_more:
            return
        self.generation += 1
        self._start(
            SearchRequest(
                self.results.query,
                self.screen.sort,
                listing.loaded_pages + 1,
                self.generation,
                count=not self.results.total_exact,
            )
        )

    def _start(self, request: SearchRequest) -> None:
        library = self.screen.library
        assert library is not None
        self.screen.run_in_thread(partial(fetch_page, library, request, self.listing), "search")

    def is_current(self, request: SearchRequest) -> bool:
        return request.generation == self.generation

    def page_arrived(self, message: SearchPage) -> bool:
        """Show the page; False when it answers an older request."""
        request = message.request
        if not self.is_current(request):
            return False
        self.last_search_ms = message.elapsed_ms
        results = message.results
        append = request.page > 1
        previous = self.results
        if (
            append
            and previous is not None
            and previous.total_exact
            and previous.query == results.query
        ):
            results = replace(results, total=previous.total, total_exact=True)
        self.results = results
        listing = self.listing
        overview = self.screen.facts.overview
        listing.show_results(results, ov.story_index(overview), append=append)
        ids = [hit.id for hit in listing.hits]
        if not ov.stories(overview) and len(ids) > 1 and self.screen.library is not None:
            self.screen.run_in_thread(
                partial(group_stories, self.screen.library, request, ids, listing), "stories"
            )
        self.update_status()
        self.screen.query_bar.show_hint(results)
        return True

    def counted(self, message: SearchCounted) -> None:
        results = self.results
        if (
            not self.is_current(message.request)
            or results is None
            or results.query != message.request.query
        ):
            return
        self.results = replace(results, total=message.total, total_exact=True)
        self.listing.set_total(message.total)
        self.update_status()

    def stories_found(self, message: StoriesFound) -> None:
        if self.is_current(message.request):
            self.listing.set_story_index(message.story_of)

    def failed(self, error: BaseException | None) -> None:
        self.set_status(f"Search failed: {one_line(error, 200)}")

    def update_status(self) -> None:
        results = self.results
        if results is None:
            return
        sort = self.screen.sort
        total = results.total
        if not results.total_exact:
            self.set_status(f"{total:,}+ hits · counting… · by {sort} (s)")
            return
        noun = "hit" if total == 1 else "hits"
        loaded = len(self.listing.hits)
        shown = f" · showing {loaded}" if total > loaded else ""
        self.set_status(f"{total:,} {noun}{shown} · by {sort} (s)")

    def set_status(self, text: str) -> None:
        self.screen.query_one("#results-status", Static).update(Content.styled(text, "$text-muted"))
