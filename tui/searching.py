"""Running searches for the results pane.

A page of hits comes first and the exact total follows from the same worker:
counting every match can take as long again on a large library. Loading more
pages, re-sorting and the same-story grouping of a page are requests of their
own; only answers for the newest request reach the screen.
"""

from __future__ import annotations

import os
import re
import threading
import time
from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING

from textual.content import Content
from textual.timer import Timer
from textual.widgets import Static
from textual.worker import get_current_worker

from fieldbrief.search.listing import LIBRARY_QUERY
from fieldbrief.search.results import SearchResults
from fieldbrief.search.syntax import OPERATORS
from fieldbrief.search.wording import plural

from . import overview as ov
from .messages import SearchCounted, SearchPage, SearchRequest, StoriesFound
from .results import PAGE_SIZE, ResultsList
from .safe import one_line

GROUP_DELAY_SECONDS = 0.3
"""How long a page rests on screen, with no key typed, before its stories are grouped."""
if TYPE_CHECKING:
    from fieldbrief.search.library import Library

    from .main_screen import MainScreen


_FIELD = re.compile(r'(\w+):("[^"]*"|\[[^\]]*\]|\S+)')
_WORD = re.compile(r"\w[\w'’-]*")
_EXCLUDABLE = r'(?:\w+:)?(?:"[^"]*"|\([^()]*\)|\[[^\]]*\]|\S+)'
_NEGATED = re.compile(rf"(?:(?<=\s)|^)-{_EXCLUDABLE}|\b(?:AND)?NOT\s+{_EXCLUDABLE}")
"""What a query excludes, whole: ``-word``, ``NOT``/``ANDNOT`` and a word, a
field's word or phrase, a phrase, or words in parentheses."""
_TEXT_FIELDS = {"person", "org", "place", "title", "body"}
"""Fields whose words can appear in an article's text (not source:, tag:, date:)."""


_QUOTED = re.compile(r'(?<![\w:])"[^"]*"')
"""A phrase typed on its own (not a field's: ``person:"Sabrina Singh"``)."""


def query_words(query: str) -> list[str]:
    """The words of ``query`` as typed, to highlight alongside the engine's stems.

    A stem is not always a prefix of the word it came from ("Niamey" is indexed
    as "niamei"), and the engine's stems leave out entity fields, so a search
    like ``person:"Mohamed Bazoum"`` would highlight nothing without these.
    Excluded words (``-word``, ``NOT word``, ``NOT title:word``, ``NOT "a
    phrase"``, ``NOT (a OR b)``) are left out.
    """
    words: list[str] = []

    def field(match: re.Match[str]) -> str:
        if match.group(1).lower() in _TEXT_FIELDS:
            words.extend(_WORD.findall(match.group(2)))
        return " "

    rest = _FIELD.sub(field, _NEGATED.sub(" ", query))
    words += [w for w in _WORD.findall(rest) if w not in OPERATORS]
    return [w for w in dict.fromkeys(words) if len(w) >= 2]


def is_library_view(query: str) -> bool:
    return not query.strip()


class StoreListing:
    """The library's first page, read from its store in a thread started with the app.

    A plain thread, not a worker: it starts before Textual's event loop does, so
    the store read (a few ms) overlaps Textual's own start-up and the screen's
    first frame can already show the listing, focused, instead of a loading
    state that a second full render then replaces. It touches nothing of the
    app; the screen takes the page only if it is there when the screen mounts,
    and never waits for it (a store locked by a writer must not hold the first
    frame): otherwise the library-opening worker lists it as before.
    """

    def __init__(self, path: str | os.PathLike[str] | None, limit: int = PAGE_SIZE) -> None:
        self._page: SearchResults | None = None
        self._done = threading.Event()
        self._thread = threading.Thread(
            target=self._read, args=(path, limit), name="fieldbrief-listing", daemon=True
        )
        self._thread.start()

    def _read(self, path: str | os.PathLike[str] | None, limit: int) -> None:
        try:
            from fieldbrief.search.listing import first_page

            self._page = first_page(path, limit)
        except Exception:
            self._page = None  # the library-opening worker lists it (and reports a failure)
        finally:
            self._done.set()

    def wait(self, timeout: float | None = None) -> bool:
        """For tests: whether the read has finished (within ``timeout``)."""
        return self._done.wait(timeout)

    def page(self) -> SearchResults | None:
        """The page if it has been read by now; None if not (yet) or unreadable."""
        return self._page if self._done.is_set() else None


def fetch_page(library: Library, request: SearchRequest, listing: ResultsList) -> None:
    """Worker body: the page, then (unless cancelled meanwhile) the exact total."""
    started = time.perf_counter()
    query = request.query.strip() or LIBRARY_QUERY
    results = library.search(
        query,
        limit=PAGE_SIZE,
        sort=request.sort,
        page=request.page,
        snippets=PAGE_SIZE,  # every row shows where the words are, not its opening lines
        count=False,
    )
    # The results answer what the analyst typed, even when that was nothing.
    results = replace(results, query=request.query)
    elapsed = (time.perf_counter() - started) * 1000
    worker = get_current_worker()
    if worker.is_cancelled:
        return
    listing.post_message(SearchPage(listing, request, results, elapsed))
    if results.total_exact or not request.count:
        return
    try:
        total = library.count(query)
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
        self.searched_version: object = None
        """The library's index as it was when the current results were asked for."""
        self.results: SearchResults | None = None
        self.last_search_ms = 0.0
        self._waiting: tuple[str, int] | None = None
        """A search asked for while the library was opening."""
        self._ungrouped: SearchRequest | None = None
        """A page shown before the library opened, its stories not grouped yet."""
        self._grouping: Timer | None = None
        """The wait before the current page's stories are grouped."""

    @property
    def terms(self) -> list[str]:
        """The current query's words, for highlighting them in the article; a
        phrase's words are not among them (see :attr:`phrases`)."""
        if self.results is None:
            return []
        results = self.results
        if not results.phrases:
            return [*results.terms, *query_words(results.query)]
        in_phrases = {word for phrase in results.phrases for word in phrase}
        typed = query_words(_QUOTED.sub(" ", results.query))
        return [*(t for t in results.terms if t not in in_phrases), *typed]

    @property
    def phrases(self) -> list[list[str]]:
        """The stems of each phrase the current query asks for, highlighted whole."""
        return [] if self.results is None else self.results.phrases

    @property
    def listing(self) -> ResultsList:
        return self.screen.query_one(ResultsList)

    def sort_for(self, query: str) -> str:
        """The whole library reads newest first; a search, as the analyst sorts it."""
        return "date" if is_library_view(query) else self.screen.sort

    def run(self, query: str, page: int = 1) -> None:
        """Search for ``query``; the empty query lists the whole library."""
        self.generation += 1
        if self.screen.library is None:
            self._waiting = (query, page)
            return
        if page == 1:
            self.searched_version = self.screen.library.index_version()
        if is_library_view(query):
            query = ""
        self._start(SearchRequest(query, self.sort_for(query), page, self.generation))

    def listing_before_open(self) -> SearchRequest:
        """The request that the library's first page, read from its store while
        the index opens, answers."""
        self.generation += 1
        self._waiting = None
        return SearchRequest("", self.sort_for(""), 1, self.generation)

    def library_opened(self) -> bool:
        """Finish what waited for the library; False when nothing was listed before
        it opened (the caller then starts the first search)."""
        if self._waiting is not None:
            query, page = self._waiting
            self._waiting = None
            self.run(query, page)
            return True
        request, self._ungrouped = self._ungrouped, None
        if self.results is None:
            return False
        if request is not None and self.is_current(request):
            self._group(request)
        return True

    def more(self) -> None:
        listing = self.listing
        if self.results is None or not listing.has_more or self.screen.library is None:
            return
        self.generation += 1
        self._start(
            SearchRequest(
                self.results.query,
                self.sort_for(self.results.query),
                listing.loaded_pages + 1,
                self.generation,
                count=not self.results.total_exact,
            )
        )

    def _start(self, request: SearchRequest) -> None:
        library = self.screen.library
        assert library is not None
        self.screen.run_in_thread(partial(fetch_page, library, request, self.listing), "search")

    def out_of_date(self) -> bool:
        """Whether the index changed (an add, here or in another process) since
        the current results were asked for."""
        library = self.screen.library
        return library is not None and library.index_version() != self.searched_version

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
        if self.screen.library is None:
            self._ungrouped = request
        else:
            self._group(request)
        self.update_status()
        self.screen.query_bar.show_hint(results)
        return True

    def _group(self, request: SearchRequest) -> None:
        """Group the page's stories once the analyst pauses.

        Grouping is Python work on the GIL the screen renders with: started
        with the page, it slowed drawing that page, the article it opens and
        the keys typed next (a refined query, or a first search typed as the
        library finished opening), often for a page that was replaced before
        its grouping arrived.
        """
        if self._grouping is not None:
            self._grouping.stop()
        self._grouping = self.screen.set_timer(
            GROUP_DELAY_SECONDS, partial(self._group_when_idle, request)
        )

    @property
    def grouping_pending(self) -> bool:
        return self._grouping is not None

    def _group_when_idle(self, request: SearchRequest) -> None:
        self._grouping = None
        if not self.is_current(request):
            return  # the page was replaced: its grouping is not wanted
        if self.screen.query_bar.pending:
            self._group(request)  # still typing: wait for the next pause
            return
        listing = self.listing
        ids = [hit.id for hit in listing.hits]
        library = self.screen.library
        if not ov.stories(self.screen.facts.overview) and len(ids) > 1 and library is not None:
            self.screen.run_in_thread(
                partial(group_stories, library, request, ids, listing), "stories"
            )

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
        # The library-wide stories, if they arrived meanwhile, take precedence:
        # a page's own clusters must not replace them (a race at startup).
        if self.is_current(message.request) and not ov.stories(self.screen.facts.overview):
            self.listing.set_story_index(message.story_of)

    def failed(self, error: BaseException | None) -> None:
        self.set_status(f"Search failed: {one_line(error, 200)}")

    def update_status(self) -> None:
        results = self.results
        if results is None:
            return
        library = is_library_view(results.query)
        order = "newest first · / to search" if library else f"by {self.screen.sort} (s)"
        total = results.total
        if not results.total_exact:
            self.set_status(f"{total:,}+ {'articles' if library else 'hits'} · counting… · {order}")
            return
        loaded = len(self.listing.hits)
        shown = f" · showing {loaded}" if total > loaded else ""
        self.set_status(f"{plural(total, 'article' if library else 'hit')}{shown} · {order}")

    def set_status(self, text: str) -> None:
        self.screen.query_one("#results-status", Static).update(Content.styled(text, "$text-muted"))
