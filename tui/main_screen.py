"""The main screen: search bar, results, article and fact sidebar.

The screen lays the panes out and routes between them. Searching, reading and
the fact sidebar each have a controller (``searching``, ``reading``,
``sidebar``) whose workers this screen hosts: they post typed messages (see
``messages``) that the handlers here pass back to the controller, which drops
any answer to an older request. Worker errors all arrive in
``on_worker_state_changed``.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import replace
from functools import cached_property, partial
from typing import TYPE_CHECKING, ClassVar, cast

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.events import Resize
from textual.reactive import reactive
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input, Static
from textual.worker import Worker, WorkerState

from fieldbrief.search.model import Article

from . import overview as ov
from .article import ArticleBody, ArticlePane, FindInput
from .facts import FactList
from .footer import KeyFooter
from .keymap import MAIN_SCREEN_BINDINGS
from .messages import (
    ArticleLoaded,
    EntitiesCounted,
    LibraryOpened,
    OverviewReady,
    SearchCounted,
    SearchPage,
    SearchRequest,
    StoriesFound,
    TagsSaved,
)
from .query_bar import QueryBar, QueryInput
from .reading import ArticleController
from .results import PAGE_SIZE, ResultsList
from .safe import one_line
from .searching import SearchController, is_library_view
from .sidebar import FactsController
from .state import UIState

if TYPE_CHECKING:
    from fieldbrief.search.facts.resolve import Conflict
    from fieldbrief.search.library import Library
    from fieldbrief.search.results import SearchResults

    from .app import FieldbriefApp
    from .briefing import BriefingActions
    from .entity import ProfileChoice

NARROW_WIDTH = 110
"""Below this many columns the sidebar collapses to a toggle."""


def open_library(
    path: str | os.PathLike[str] | None, screen: MainScreen, listing: SearchRequest | None
) -> None:
    """Worker body: with ``listing``, the library's first page straight from its
    store (no Whoosh: 2 ms at 22k articles), then the library itself. Imported
    here, not at the top: loading Whoosh must not delay the first frame."""
    if listing is not None:
        from fieldbrief.search.listing import first_page

        started = time.perf_counter()
        page = first_page(path, PAGE_SIZE)
        if page is not None:
            elapsed = (time.perf_counter() - started) * 1000
            results = screen.query_one(ResultsList)
            results.post_message(SearchPage(results, listing, replace(page, query=""), elapsed))
    from fieldbrief.search.library import Library

    screen.post_message(LibraryOpened(screen, Library.open(path)))


class Pane(Vertical):
    ALLOW_MAXIMIZE = True


class MainScreen(Screen[None]):
    AUTO_FOCUS = ""
    """Not the first focusable widget (the search box): see on_mount."""

    BINDINGS: ClassVar[list[BindingType]] = list(MAIN_SCREEN_BINDINGS)

    sort: reactive[str] = reactive("relevance", init=False)
    show_sidebar: reactive[bool] = reactive(True, init=False)
    """The wide-screen sidebar setting (remembered)."""
    sidebar_peek: reactive[bool] = reactive(False, init=False)
    """The narrow-screen sidebar, sliding over the article (not remembered)."""

    def __init__(self, state: UIState) -> None:
        super().__init__()
        self.state = state
        self.set_reactive(MainScreen.sort, state.sort)
        self.set_reactive(MainScreen.show_sidebar, state.sidebar)
        self.search = SearchController(self)
        self.articles = ArticleController(self)
        self.facts = FactsController(self)
        self.restored = False
        """Whether the last session's article has been reopened (or there was none)."""
        self.overview_in_sidebar = False
        """The sidebar shows the library overview although an article is open (o)."""
        self._overview_wanted = False

    # Screens and dialogs that are not on the first screen load when first
    # wanted: importing them (the briefing's storage and export modules above
    # all) was a third of the app's own import time before the first frame.

    @cached_property
    def pins(self) -> BriefingActions:
        from .briefing import BriefingActions

        return BriefingActions(self)

    @property
    def fb(self) -> FieldbriefApp:
        return cast("FieldbriefApp", self.app)

    @property
    def library(self) -> Library | None:
        return self.fb.library

    @property
    def article(self) -> Article | None:
        return self.articles.article

    @property
    def query_bar(self) -> QueryBar:
        return self.query_one(QueryBar)

    # --- layout ---------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield QueryBar(self.state.history, id="top")
        with Horizontal(id="main"):
            with Pane(id="results-pane"):
                yield Static(Content.styled("Opening library…", "$text-muted"), id="results-status")
                yield ResultsList(id="results")
            yield ArticlePane(id="article-pane")
            with Pane(id="sidebar"):
                yield Static(Content.styled("Facts", "bold"), id="sidebar-title")
                yield FactList(id="facts")

    async def on_mount(self) -> None:
        self._start()
        # Mounted once the focus is settled, so the first frame has the keys
        # where it has put the focus (see KeyFooter).
        await self.mount(KeyFooter(keys_now=self.focused is not None))

    def _start(self) -> None:
        """Show the library, or what it will be, and start opening it."""
        self._apply_layout(self.size.width)
        results = self.query_one(ResultsList)
        self.query_bar.set_text(self.state.query)
        if self.library is not None:
            results.focus()
            self._library_ready()
            return
        # The whole library (the empty query) can be listed before the index opens.
        early = self.search.listing_before_open() if is_library_view(self.state.query) else None
        prefetched = self.fb.store_listing
        page = prefetched.page() if prefetched is not None and early is not None else None
        if early is not None and page is not None:
            # Read while Textual started: the first frame shows the listing with
            # the results focused, and the index (Whoosh's imports, a third of a
            # second of CPU on the same GIL) opens once that frame is painted.
            self.move_focus(results)
            self._search_page(SearchPage(results, early, replace(page, query=""), page.elapsed_ms))
            self.call_after_refresh(
                self.run_in_thread,
                partial(open_library, self.fb.library_path, self, None),
                "library",
            )
            return
        # Focus starts in the results, so the keys in the hint line work at
        # once; / goes to the search box. A loading widget cannot take focus,
        # so while the library opens nothing has it (the screen's keys work)
        # and the results take it once they can (_results_ready).
        results.loading = True
        results.focus()
        self.run_in_thread(partial(open_library, self.fb.library_path, self, early), "library")

    def on_resize(self, event: Resize) -> None:
        self._apply_layout(event.size.width)

    def _apply_layout(self, width: int) -> None:
        main = self.query_one("#main")
        narrow = width < NARROW_WIDTH
        main.set_class(narrow, "-narrow")
        main.set_class(not narrow and not self.show_sidebar, "-hide-sidebar")
        main.set_class(narrow and self.sidebar_peek, "-peek")

    @property
    def narrow(self) -> bool:
        return self.size.width < NARROW_WIDTH

    @property
    def sidebar_visible(self) -> bool:
        return self.sidebar_peek if self.narrow else self.show_sidebar

    def watch_sort(self, sort: str) -> None:
        self.state.sort = sort
        if self.search.results is not None:
            self.search.run(self.search.results.query)
        self.fb.save_state_soon()

    def watch_show_sidebar(self, visible: bool) -> None:
        self.state.sidebar = visible
        self._apply_layout(self.size.width)
        self.fb.save_state_soon()

    def watch_sidebar_peek(self) -> None:
        self._apply_layout(self.size.width)

    def _set_sidebar(self, visible: bool) -> None:
        if self.narrow:
            self.sidebar_peek = visible
        else:
            self.show_sidebar = visible
        if not visible and isinstance(self.focused, FactList):
            self.move_focus(self.query_one(ArticleBody))

    def move_focus(self, widget: Widget) -> None:
        """Focus ``widget`` before the next key is handled.

        ``Widget.focus`` waits until the keys already queued are handled, so a
        quick "/Politico" sent the letters to the results (t opened the
        timeline): type-ahead must land where the analyst just moved.
        """
        self.set_focus(widget)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # In a text box, / is a character (a query or find text may hold one).
        return not (action == "focus_search" and isinstance(self.focused, Input))

    # --- workers --------------------------------------------------------------

    def run_in_thread(self, work: Callable[[], None], group: str) -> None:
        """Start a view worker: a thread, the newest of its group replacing older
        ones, errors reported by ``on_worker_state_changed``."""
        self.run_worker(work, thread=True, exclusive=True, group=group, exit_on_error=False)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The one place worker errors surface (every worker runs with
        ``exit_on_error=False``): the analyst gets a message, not a traceback."""
        worker = event.worker
        if event.state != WorkerState.ERROR or worker.is_cancelled:
            return
        error = worker.error
        if worker.group == "library":
            self.query_one(ResultsList).loading = False
            self.search.set_status(f"Could not open the library: {one_line(error, 200)}")
            self.notify(
                one_line(error, 300), title="library", severity="error", markup=False, timeout=30
            )
        elif worker.group == "search":
            self.search.failed(error)
            self._overview_after_first_page()
        else:
            self.notify(
                f"{worker.group} failed: {one_line(error, 200)}", severity="warning", markup=False
            )

    @on(LibraryOpened)
    def _library_opened(self, message: LibraryOpened) -> None:
        self.fb.library = message.library
        self._library_ready()

    def _library_ready(self) -> None:
        self._results_ready()
        self.facts.show_overview()
        # The overview is loaded once the first page is listed (_overview_after_first_page):
        # started with that search, it shared the GIL with it and delayed it ~150 ms.
        self._overview_wanted = True
        if self.search.library_opened():
            # Listed before the library opened: now open what that page opens
            # (an article the cursor asked for meanwhile, unless a restore replaces it).
            self._overview_after_first_page()
            if self.search.results is not None and not self.restored:
                self._open_from_first_page(self.search.results)
            self.articles.library_opened()
            return
        # The last session's search, or the whole library; its first page
        # reopens the last article (see _search_page).
        self.search.run(self.query_bar.input.value)

    def _results_ready(self) -> None:
        results = self.query_one(ResultsList)
        if results.loading:
            results.loading = False
            if self.focused is None:
                self.move_focus(results)

    def _overview_after_first_page(self) -> None:
        if self._overview_wanted:
            self._overview_wanted = False
            self.facts.load_overview()

    @on(OverviewReady)
    def _overview_ready(self, message: OverviewReady) -> None:
        self.facts.overview_ready(message.overview)
        self.query_one(ResultsList).set_story_index(ov.story_index(message.overview))
        self._show_facts()

    @on(SearchPage)
    def _search_page(self, message: SearchPage) -> None:
        if not self.search.page_arrived(message):
            return
        results = message.results
        self._results_ready()
        if self.library is None:
            return  # listed from the store: the rest waits for the library (_library_ready)
        self._overview_after_first_page()
        if not self.restored:
            self._open_from_first_page(results)
            return
        if message.request.page == 1 and self.article is not None:
            # The open article now highlights (and n/N walks) this query's words.
            self.query_one(ArticlePane).set_terms(self.search.terms, self.search.phrases)
        elif message.request.page == 1 and results.hits:
            self.articles.open(results.hits[0].id)
        self.fb.save_state_soon()

    def _open_from_first_page(self, results: SearchResults) -> None:
        """The first page's article: the last session's, else the first hit."""
        self.restored = True
        if self.state.article_id:
            self.query_one(ResultsList).select_article(self.state.article_id)
            self.articles.open(self.state.article_id, scroll_y=self.state.scroll_y)
            return
        if results.hits and self.article is None and self.articles.opening is None:
            self.articles.open(results.hits[0].id)
        self.fb.save_state_soon()

    @on(SearchCounted)
    def _search_counted(self, message: SearchCounted) -> None:
        self.search.counted(message)

    @on(StoriesFound)
    def _stories_found(self, message: StoriesFound) -> None:
        self.search.stories_found(message)

    @on(ArticleLoaded)
    def _article_loaded(self, message: ArticleLoaded) -> None:
        if message.request.generation == self.articles.generation:
            self.facts.counts.update(message.counts)
        shown_before = self.articles.shown_id
        if self.articles.loaded(message):
            if self.articles.shown_id != shown_before:
                # o showed the overview beside one article; the next brings its own facts.
                self.overview_in_sidebar = False
            self._show_facts()
            self.fb.save_state_soon()

    @on(EntitiesCounted)
    def _entities_counted(self, message: EntitiesCounted) -> None:
        self.facts.counted(message)

    def _show_facts(self) -> None:
        article = self.article
        if article is None or self.overview_in_sidebar:
            self.facts.show_overview(article_open=article is not None)
        else:
            self.facts.show_article(article, self.articles.facts, self.articles.conflicts)

    # --- the query box ----------------------------------------------------------

    @on(QueryBar.Typed)
    def _query_typed(self, message: QueryBar.Typed) -> None:
        self.search.run(message.text)

    @on(QueryBar.Committed)
    def _query_committed(self, message: QueryBar.Committed) -> None:
        self.state.remember(message.text)
        results = self.search.results
        # Enter on the query shown searches again if the library changed meanwhile.
        if results is None or results.query != message.text or self.search.out_of_date():
            self.search.run(message.text)
        self.move_focus(self.query_one(ResultsList))
        self.fb.save_state_soon()

    def search_for(self, query: str) -> None:
        """Run ``query`` as if typed and committed (fact filters, palette, suggestions)."""
        self.query_bar.set_text(query)
        self.state.remember(query)
        self.search.run(query)
        self.move_focus(self.query_one(ResultsList))

    # --- results, facts and article -------------------------------------------------

    @on(ResultsList.MoreWanted)
    def _more_wanted(self) -> None:
        self.search.more()

    @on(ResultsList.OptionHighlighted, "#results")
    def _result_highlighted(self, event: ResultsList.OptionHighlighted) -> None:
        listing = self.query_one(ResultsList)
        if event.option_index != listing.highlighted:
            return  # the cursor has moved on (or a restore re-selected) since this was sent
        hit = listing.hit_for(event.option.id)
        # Not when that article is already shown or on its way: re-opening it
        # would drop a pending restore of its scroll position or focus span.
        if hit is not None and hit.id not in (self.articles.opening, self.articles.shown_id):
            self.articles.open(hit.id)

    @on(ResultsList.Opened)
    def _result_opened(self, event: ResultsList.Opened) -> None:
        if self.articles.shown_id == event.article_id:
            self.move_focus(self.query_one(ArticleBody))
            return
        self.articles.open(event.article_id, focus=True)

    @on(FactList.Highlighted)
    def _fact_highlighted(self, event: FactList.Highlighted) -> None:
        if self.query_one(FactList).mode != "article" or self.article is None:
            return
        spans = event.entry.spans if event.entry else []
        self.query_one(ArticlePane).highlight_fact(spans)

    @on(FactList.Chosen)
    def _fact_chosen(self, event: FactList.Chosen) -> None:
        if event.conflict is not None:
            origin = None
            if event.entry is not None and event.entry.spans and self.article is not None:
                origin = (self.article.id, event.entry.spans[0][0])
            self.show_conflict(event.conflict, origin)
            return
        entry = event.entry
        if entry is None:
            return
        if entry.is_entity:
            self.search_for(ov.entity_query(entry.kind, entry.name))
        elif entry.spans:
            self.articles.show_span(entry.sentence or entry.spans[0])

    @on(FactList.ProfileWanted)
    def _profile_wanted(self, event: FactList.ProfileWanted) -> None:
        self.show_profile(event.entry.kind, event.entry.name)

    def show_profile(self, kind: str, name: str) -> None:
        if self.library is None:
            self.app.bell()
            return

        def chosen(choice: ProfileChoice | None) -> None:
            if choice is None:
                return
            if choice.entity is not None:
                self.show_profile(*choice.entity)
            elif choice.query is not None:
                self.search_for(choice.query)
            elif choice.article_id is not None:
                self.articles.open(choice.article_id, focus=True, focus_span=choice.span)

        from .entity import EntityScreen

        self.app.push_screen(EntityScreen(self.library, kind, name), chosen)

    def show_conflict(self, conflict: Conflict, origin: tuple[str, int] | None = None) -> None:
        from .screens import ConflictScreen

        self.app.push_screen(ConflictScreen(conflict, origin), self.articles.open_claim)

    # --- actions --------------------------------------------------------------

    def action_focus_search(self) -> None:
        self.minimize()
        self.move_focus(self.query_one(QueryInput))

    def action_focus_pane(self, pane: str) -> None:
        if self.maximized is not None:
            self.minimize()
        if pane == "results":
            self.move_focus(self.query_one(ResultsList))
        elif pane == "article":
            self.move_focus(self.query_one(ArticleBody))
        else:
            if not self.sidebar_visible:
                self._set_sidebar(True)
            self.move_focus(self.query_one(FactList))

    def action_back(self) -> None:
        if self.maximized is not None:
            self.minimize()
            return
        focused = self.focused
        if isinstance(focused, FindInput):
            focused.action_close()
        elif isinstance(focused, FactList):
            if self.narrow and self.sidebar_peek:
                self._set_sidebar(False)
            self.move_focus(self.query_one(ArticleBody))
        elif isinstance(focused, ArticleBody):
            self.move_focus(self.query_one(ResultsList))
        elif isinstance(focused, ResultsList):
            self.move_focus(self.query_one(QueryInput))
        elif isinstance(focused, QueryInput):
            self.move_focus(self.query_one(ResultsList))

    def action_toggle_sidebar(self) -> None:
        self._set_sidebar(not self.sidebar_visible)

    def action_toggle_sort(self) -> None:
        self.sort = "date" if self.sort == "relevance" else "relevance"
        self.notify(f"Sorted by {self.sort}", timeout=2)

    def action_accept_suggestion(self) -> None:
        results = self.search.results
        if results is None or not results.suggestion:
            self.app.bell()
            return
        self.search_for(results.suggestion)

    def action_overview(self) -> None:
        """Toggle the sidebar between the open article's facts and the library
        overview; the article stays open either way."""
        self.overview_in_sidebar = not self.overview_in_sidebar or self.article is None
        self._show_facts()
        if not self.sidebar_visible:
            self._set_sidebar(True)
        if self.overview_in_sidebar:
            self.move_focus(self.query_one(FactList))

    def action_maximize(self) -> None:
        if self.maximized is not None:
            self.minimize()
        elif self.focused is not None:
            for node in (self.focused, *self.focused.ancestors):
                if isinstance(node, (Pane, ArticlePane)):
                    self.maximize(node, container=False)
                    break

    def action_timeline(self) -> None:
        if self.library is None:
            self.app.bell()
            return
        from .screens import TimelineScreen

        self.app.push_screen(TimelineScreen(self.library), self.articles.open_dated)

    def action_help(self) -> None:
        # From the search box the question is usually "how do I write this query".
        self._show_help(syntax_first=isinstance(self.focused, QueryInput))

    def action_query_syntax(self) -> None:
        self._show_help(syntax_first=True)

    def _show_help(self, *, syntax_first: bool) -> None:
        from .screens import HelpScreen, help_rows

        self.app.push_screen(
            HelpScreen(help_rows(self), str(self.fb.keymap_file), syntax_first=syntax_first)
        )

    def action_copy_citation(self) -> None:
        self.articles.copy_citation()

    def action_copy_passage(self) -> None:
        self.articles.copy_passage()

    # --- briefing (see briefing.BriefingActions) ---------------------------------

    def action_pin_article(self) -> None:
        self.pins.pin_article()

    def action_pin_passage(self) -> None:
        self.pins.pin_passage()

    def action_pin_fact(self) -> None:
        self.pins.pin_fact()

    def action_briefing(self) -> None:
        self.pins.open_briefing()

    def action_export_briefing(self) -> None:
        self.pins.export_briefing()

    def action_saved_searches(self) -> None:
        self.pins.saved_searches()

    def action_switch_briefing(self) -> None:
        self.pins.switch_briefing()

    # --- tags and the analyst's own programs ------------------------------------

    def action_edit_tags(self) -> None:
        self.articles.edit_tags()

    @on(TagsSaved)
    def _tags_saved(self, message: TagsSaved) -> None:
        self.articles.tags_saved(message)

    def action_pager(self) -> None:
        self.articles.view_in_pager()

    def action_edit_source(self) -> None:
        self.articles.edit_source()
