"""The fieldbrief browser: search bar, results, article and fact sidebar.

Everything slow (opening the library, searching, loading an article, counting
entity mentions, the library overview) runs in thread workers. Each kind of
request carries a generation number and answers for an older generation are
dropped, so a slow search can never overwrite the results of a newer one.
"""

from __future__ import annotations

import os
import time
from contextlib import suppress
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.css.query import NoMatches
from textual.events import Resize
from textual.widget import Widget
from textual.widgets import Footer, Input, Static
from textual.worker import get_current_worker

from fieldbrief.search.model import Article, Fact
from fieldbrief.search.results import SearchResults

from . import briefing as briefing_ui
from . import overview as ov
from .article import ArticleBody, ArticlePane, FindInput, MatchMoved
from .commands import FieldbriefCommands
from .facts import FactEntry, FactList, group_facts
from .keymap import keymap_path, load_keymap
from .results import PAGE_SIZE, ResultsList
from .safe import one_line, quote_value
from .screens import ConflictScreen, DatedFact, HelpRow, HelpScreen, TimelineScreen
from .state import UIState, default_state_path
from .theming import DEFAULT_THEME, load_themes, stylesheet

if TYPE_CHECKING:
    # Imported where the library is opened (in a worker): loading Whoosh must
    # not delay the first frame.
    from fieldbrief.search.library import Library

DEBOUNCE_SECONDS = 0.15
NARROW_WIDTH = 110
"""Below this many columns the sidebar collapses to a toggle."""


class QueryInput(Input):
    """The search box; ↑/↓ walk the query history."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "history(-1)", "Older query", show=False, id="fieldbrief.query.older"),
        Binding("down", "history(1)", "Newer query", show=False, id="fieldbrief.query.newer"),
    ]

    def action_history(self, step: int) -> None:
        app = self.app
        if isinstance(app, FieldbriefApp):
            app.step_history(step)


class Pane(Vertical):
    ALLOW_MAXIMIZE = True


class MaximisableArticlePane(ArticlePane):
    ALLOW_MAXIMIZE = True


class FieldbriefApp(App[None]):
    CSS_PATH: ClassVar[list[str | Path]] = [stylesheet("app.tcss")]
    TITLE = "fieldbrief"
    COMMANDS = App.COMMANDS | {FieldbriefCommands}
    ENABLE_COMMAND_PALETTE = True

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", id="fieldbrief.quit"),
        Binding("slash", "focus_search", "Search", id="fieldbrief.search"),
        Binding("escape", "back", "Back", show=False, id="fieldbrief.back"),
        Binding(
            "1,f2", "focus_pane('results')", "Results", show=False, id="fieldbrief.focus.results"
        ),
        Binding(
            "2,f3", "focus_pane('article')", "Article", show=False, id="fieldbrief.focus.article"
        ),
        Binding("3,f4", "focus_pane('facts')", "Facts", show=False, id="fieldbrief.focus.facts"),
        Binding("question_mark,f1", "help", "Keys", id="fieldbrief.help"),
        Binding("t", "timeline", "Timeline", id="fieldbrief.timeline"),
        Binding("s", "toggle_sort", "Sort", id="fieldbrief.sort"),
        Binding("b,ctrl+b", "toggle_sidebar", "Sidebar", id="fieldbrief.sidebar"),
        Binding("z", "maximize", "Maximise", show=False, id="fieldbrief.maximize"),
        Binding("y", "copy_citation", "Cite", id="fieldbrief.copy_citation"),
        Binding("o", "overview", "Overview", show=False, id="fieldbrief.overview"),
        Binding("p", "pin_article", "Pin", id="fieldbrief.pin.article"),
        Binding("P", "pin_passage", "Pin passage", show=False, id="fieldbrief.pin.passage"),
        Binding("F", "pin_fact", "Pin fact", show=False, id="fieldbrief.pin.fact"),
        Binding("B", "briefing", "Briefing", id="fieldbrief.briefing.open"),
        Binding(
            "ctrl+y",
            "accept_suggestion",
            "Accept suggestion",
            show=False,
            id="fieldbrief.accept_suggestion",
        ),
    ]

    def __init__(
        self,
        library_path: str | os.PathLike[str] | None = None,
        *,
        library: Library | None = None,
        state_path: str | os.PathLike[str] | None = None,
        keymap_file: str | os.PathLike[str] | None = None,
    ) -> None:
        super().__init__()
        self.library_path = library_path
        self.library: Library | None = library
        self._owns_library = library is None
        self.state_path = Path(state_path) if state_path else default_state_path()
        self.keymap_file = Path(keymap_file) if keymap_file else keymap_path()
        self.state = UIState.load(self.state_path)
        self.overview: Any = None
        self.results: SearchResults | None = None
        self.article: Article | None = None
        self.facts: list[Fact] = []
        self.sort = self.state.sort
        self.show_sidebar = self.state.sidebar
        self.sidebar_peek = False
        self._search_generation = 0
        self._article_generation = 0
        self._debounce: Any = None
        self._suppress_change = False
        self._history_pos: int | None = None
        self._restored = False
        self._save_timer: Any = None
        self.last_search_ms: float = 0.0
        self._entity_counts: dict[tuple[str, str], int] = {}
        self._article_conflicts: tuple[str, list[Any]] | None = None
        self._saved_on_quit = False
        self._opening_article_id: str | None = None
        for theme in load_themes():
            self.register_theme(theme)

    # --- layout ---------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Vertical(id="top"):
            yield QueryInput(
                placeholder="Search (person: org: place: date:[a to b] title: source: tag:)",
                id="query",
            )
            yield Static(Content(""), id="hint")
        with Horizontal(id="main"):
            with Pane(id="results-pane"):
                yield Static(Content.styled("Opening library…", "$text-muted"), id="results-status")
                yield ResultsList(id="results")
            yield MaximisableArticlePane(id="article-pane")
            with Pane(id="sidebar"):
                yield Static(Content.styled("Facts", "bold"), id="sidebar-title")
                yield FactList(id="facts")
        yield Footer()

    def on_mount(self) -> None:
        theme = self.state.theme if self.state.theme in self.available_themes else DEFAULT_THEME
        self.theme = theme
        self.theme_changed_signal.subscribe(self, self._theme_changed)
        keymap, problem = load_keymap(self.keymap_file)
        if keymap:
            self.set_keymap(keymap)
        if problem:
            self.notify(problem, title="keymap", severity="warning", markup=False)
        self._apply_layout(self.size.width)
        self.query_one(ResultsList).loading = True
        self.query_one("#query", QueryInput).focus()
        if self.library is None:
            self._open_library()
        else:
            self._library_ready(self.library)

    def on_resize(self, event: Resize) -> None:
        self._apply_layout(event.size.width)

    def _apply_layout(self, width: int) -> None:
        main = self.query_one("#main")
        narrow = width < NARROW_WIDTH
        main.set_class(narrow, "-narrow")
        main.set_class(not narrow and not self.show_sidebar, "-hide-sidebar")
        main.set_class(narrow and self.sidebar_peek, "-peek")

    @property
    def sidebar_visible(self) -> bool:
        if self.size.width < NARROW_WIDTH:
            return self.sidebar_peek
        return self.show_sidebar

    # --- library --------------------------------------------------------------

    @work(thread=True, exclusive=True, group="library")
    def _open_library(self) -> None:
        try:
            from fieldbrief.search.library import Library

            library = Library.open(self.library_path)
        except Exception as exc:  # the message is for the analyst, not a traceback
            self.call_from_thread(self._library_failed, exc)
            return
        self.call_from_thread(self._library_ready, library)

    def _library_failed(self, exc: Exception) -> None:
        self.query_one(ResultsList).loading = False
        self._set_status(f"Could not open the library: {one_line(exc, 200)}")
        self.notify(one_line(exc, 300), title="library", severity="error", markup=False, timeout=30)

    def _library_ready(self, library: Library) -> None:
        self.library = library
        self.query_one(ResultsList).loading = False
        self._show_overview()
        self._load_overview()
        query = self.state.query
        if query:
            self._set_query_text(query)
            self.run_search(query)
        else:
            self._set_status("Type to search. Enter commits, ↑/↓ history, ? keys.")
            self._restored = True
            if self.state.article_id:
                self.open_article(self.state.article_id, scroll_y=self.state.scroll_y)

    @work(thread=True, exclusive=True, group="overview")
    def _load_overview(self) -> None:
        library = self.library
        compute = getattr(library, "overview", None)
        if compute is None:
            return
        try:
            data = compute()
        except Exception as exc:
            self.call_from_thread(
                self.notify,
                f"overview failed: {one_line(exc, 200)}",
                severity="warning",
                markup=False,
            )
            return
        self.call_from_thread(self._overview_ready, data)

    def _overview_ready(self, data: Any) -> None:
        self.overview = data
        self._entity_counts.update(ov.entity_counts(data))
        self.query_one(ResultsList).set_story_index(ov.story_index(data))
        if self.article is None:
            self._show_overview()
        else:
            self._show_facts()

    # --- searching ------------------------------------------------------------

    def _set_query_text(self, text: str) -> None:
        field = self.query_one("#query", QueryInput)
        self._suppress_change = True
        field.value = text
        field.cursor_position = len(text)

    @on(Input.Changed, "#query")
    def _query_changed(self, event: Input.Changed) -> None:
        if self._suppress_change:
            self._suppress_change = False
            return
        self._history_pos = None
        if self._debounce is not None:
            self._debounce.stop()
        value = event.value
        self._debounce = self.set_timer(DEBOUNCE_SECONDS, lambda: self.run_search(value))

    @on(Input.Submitted, "#query")
    def _query_submitted(self, event: Input.Submitted) -> None:
        if self._debounce is not None:
            self._debounce.stop()
        self.state.remember(event.value)
        self._history_pos = None
        if self.results is None or self.results.query != event.value:
            self.run_search(event.value)
        self.query_one(ResultsList).focus()
        self._save_state_soon()

    def step_history(self, step: int) -> None:
        history = self.state.history
        if not history:
            self.bell()
            return
        if self._history_pos is None:
            self._history_pos = len(history)
        self._history_pos = max(0, min(len(history), self._history_pos + step))
        text = history[self._history_pos] if self._history_pos < len(history) else ""
        self._set_query_text(text)
        if self._debounce is not None:
            self._debounce.stop()
        self._debounce = self.set_timer(DEBOUNCE_SECONDS, lambda: self.run_search(text))

    def search_for(self, query: str) -> None:
        """Run ``query`` as if typed and committed (fact filters, palette, suggestions)."""
        self._set_query_text(query)
        self.state.remember(query)
        self.run_search(query)
        self.query_one(ResultsList).focus()

    def run_search(self, query: str, page: int = 1) -> None:
        self._search_generation += 1
        if self.library is None:
            return
        if not query.strip():
            self.results = None
            self.query_one(ResultsList).clear_results()
            self._set_status("Type to search. Enter commits, ↑/↓ history, ? keys.")
            self._set_hint(None)
            self._save_state_soon()
            return
        self._search(query, self.sort, page, self._search_generation)

    @work(thread=True, exclusive=True, group="search")
    def _search(
        self, query: str, sort: str, page: int, generation: int, count: bool = True
    ) -> None:
        started = time.perf_counter()
        library = self.library
        assert library is not None
        try:
            # The page first; counting every match can take as long again on a
            # large library, so it follows as a second step.
            results = library.search(query, limit=PAGE_SIZE, sort=sort, page=page, count=False)
        except Exception as exc:
            self.call_from_thread(self._search_failed, generation, exc)
            return
        elapsed = (time.perf_counter() - started) * 1000
        worker = get_current_worker()
        if worker.is_cancelled and generation != self._search_generation:
            return
        self.call_from_thread(self._search_done, generation, results, page > 1, elapsed)
        if results.total_exact or not count or worker.is_cancelled:
            return
        try:
            total = library.count(query)
        except Exception:
            return
        if not worker.is_cancelled:
            self.call_from_thread(self._count_done, generation, query, total)

    def _count_done(self, generation: int, query: str, total: int) -> None:
        results = self.results
        if generation != self._search_generation or results is None or results.query != query:
            return
        self.results = replace(results, total=total, total_exact=True)
        self.query_one(ResultsList).set_total(total)
        self._update_status()

    @work(thread=True, exclusive=True, group="stories")
    def _group_stories(self, article_ids: list[str], generation: int) -> None:
        """Same-story clusters among the loaded hits, for libraries too large to
        cluster as a whole (the overview then has no stories)."""
        library = self.library
        if library is None or len(article_ids) < 2:
            return
        try:
            stories = library.stories_among(article_ids)
        except Exception:
            return
        index = {aid: n for n, story in enumerate(stories) for aid in story}
        if index and generation == self._search_generation:
            self.call_from_thread(self._stories_ready, generation, index)

    def _stories_ready(self, generation: int, index: dict[str, int]) -> None:
        if generation == self._search_generation:
            self.query_one(ResultsList).set_story_index(index)

    def _search_failed(self, generation: int, exc: Exception) -> None:
        if generation == self._search_generation:
            self._set_status(f"Search failed: {one_line(exc, 200)}")

    def _search_done(
        self, generation: int, results: SearchResults, append: bool, ms: float
    ) -> None:
        if generation != self._search_generation:
            return
        self.last_search_ms = ms
        previous = self.results
        if (
            append
            and previous is not None
            and previous.total_exact
            and previous.query == results.query
        ):
            results = replace(results, total=previous.total, total_exact=True)
        self.results = results
        listing = self.query_one(ResultsList)
        listing.show_results(results, ov.story_index(self.overview), append=append)
        if not ov.stories(self.overview):
            self._group_stories([hit.id for hit in listing.hits], generation)
        self._update_status()
        self._set_hint(results)
        if not self._restored:
            self._restored = True
            if self.state.article_id:
                listing.select_article(self.state.article_id)
                self.open_article(self.state.article_id, scroll_y=self.state.scroll_y)
                return
        if not append and results.hits and self.article is None:
            self.open_article(results.hits[0].id)
        self._save_state_soon()

    @on(ResultsList.MoreWanted)
    def _more_wanted(self) -> None:
        listing = self.query_one(ResultsList)
        if self.results is None or not listing.has_more:
            return
        self._search_generation += 1
        self._search(
            self.results.query,
            self.sort,
            listing.loaded_pages + 1,
            self._search_generation,
            count=not self.results.total_exact,
        )

    def _update_status(self) -> None:
        listing = self.query_one(ResultsList)
        results = self.results
        if results is None:
            return
        total = results.total
        if not results.total_exact:
            self._set_status(f"{total:,}+ hits · counting… · by {self.sort} (s)")
            return
        noun = "hit" if total == 1 else "hits"
        shown = f" · showing {len(listing.hits)}" if total > len(listing.hits) else ""
        self._set_status(f"{total:,} {noun}{shown} · by {self.sort} (s)")

    def _set_status(self, text: str) -> None:
        self.query_one("#results-status", Static).update(Content.styled(text, "$text-muted"))

    def _set_hint(self, results: SearchResults | None) -> None:
        hint = self.query_one("#hint", Static)
        if results is not None and results.suggestion:
            hint.update(
                Content.assemble(
                    ("Did you mean: ", "$text-warning"),
                    (one_line(results.suggestion, 80), "bold $text-warning"),
                    ("  (ctrl+y to accept)", "$text-muted"),
                )
            )
        elif results is not None and results.fallback:
            hint.update(Content.styled("⚠ " + one_line(results.fallback, 200), "$text-warning"))
        else:
            hint.update(
                Content.styled(
                    "enter: results · 1/2/3: panes · t: timeline · b: sidebar · ?: keys",
                    "$text-muted",
                )
            )

    def action_accept_suggestion(self) -> None:
        if self.results is None or not self.results.suggestion:
            self.bell()
            return
        self.search_for(self.results.suggestion)

    def action_toggle_sort(self) -> None:
        self.sort = "date" if self.sort == "relevance" else "relevance"
        self.state.sort = self.sort
        if self.results is not None:
            self.run_search(self.results.query)
        self.notify(f"Sorted by {self.sort}", timeout=2)
        self._save_state_soon()

    # --- articles -------------------------------------------------------------

    @on(ResultsList.OptionHighlighted, "#results")
    def _result_highlighted(self, event: ResultsList.OptionHighlighted) -> None:
        listing = self.query_one(ResultsList)
        if event.option_index != listing.highlighted:
            return  # the cursor has moved on (or a restore re-selected) since this was sent
        hit = listing.hit_for(event.option.id)
        # Not when that article is already shown or on its way: re-opening it
        # would drop a pending restore of its scroll position or focus span.
        if hit is not None and hit.id not in (self._opening_article_id, self._shown_article_id()):
            self.open_article(hit.id)

    @on(ResultsList.Opened)
    def _result_opened(self, event: ResultsList.Opened) -> None:
        if self.article is not None and self.article.id == event.article_id:
            self.query_one(ArticleBody).focus()
            return
        self.open_article(event.article_id, focus=True)

    def _shown_article_id(self) -> str | None:
        return self.article.id if self.article is not None else None

    def open_article(
        self,
        article_id: str,
        *,
        focus: bool = False,
        focus_span: tuple[int, int] | None = None,
        scroll_y: float | None = None,
    ) -> None:
        self._article_generation += 1
        if self.library is None:
            return
        self._opening_article_id = article_id
        self._load_article(article_id, self._article_generation, focus, focus_span, scroll_y)

    @work(thread=True, exclusive=True, group="article")
    def _load_article(
        self,
        article_id: str,
        generation: int,
        focus: bool,
        focus_span: tuple[int, int] | None,
        scroll_y: float | None,
    ) -> None:
        library = self.library
        assert library is not None
        found = library.get(article_id)
        if found is not None:
            # Both come from the index (document frequencies, figure keys), so
            # opening an article costs the same in a library of any size.
            with suppress(Exception):
                self._article_conflicts = (article_id, library.conflicts_for(article_id))
            with suppress(Exception):
                counts = library.mention_counts(found[1])
                self.call_from_thread(self._entity_counts.update, counts)
        self.call_from_thread(
            self._article_loaded, generation, article_id, found, focus, focus_span, scroll_y
        )

    def _article_loaded(
        self,
        generation: int,
        article_id: str,
        found: tuple[Article, list[Fact]] | None,
        focus: bool,
        focus_span: tuple[int, int] | None,
        scroll_y: float | None,
    ) -> None:
        if generation != self._article_generation:
            return
        self._opening_article_id = None
        pane = self.query_one(ArticlePane)
        if found is None:
            self.notify(f"Article {one_line(article_id, 40)} is not in the library", markup=False)
            return
        self.article, self.facts = found
        terms = self.results.terms if self.results else []
        try:
            pane.show_article(
                self.article, self.facts, terms, focus_span=focus_span, scroll_y=scroll_y
            )
        except NoMatches:
            return  # the app is closing and the pane's widgets are already gone
        self._show_facts()
        if focus:
            self.query_one(ArticleBody).focus()
        self._save_state_soon()

    def _show_facts(self) -> None:
        if self.article is None:
            return
        # The article's own conflicts (from the index) are complete for it; the
        # overview's may add subjects only a library-wide pass connects.
        conflicts = ov.conflicts(self.overview)
        if self._article_conflicts is not None and self._article_conflicts[0] == self.article.id:
            conflicts = [*self._article_conflicts[1], *conflicts]
        grouped = group_facts(self.article.id, self.facts, conflicts)
        self.query_one("#sidebar-title", Static).update(
            Content.assemble(("Facts", "bold"), ("  (o: library overview)", "$text-muted"))
        )
        facts = self.query_one(FactList)
        facts.show_article(grouped)
        entities = [e for kind in ("person", "organization", "place") for e in grouped[kind]]
        known = {
            e.key: self._entity_counts[e.key] for e in entities if e.key in self._entity_counts
        }
        if known:
            facts.set_counts(known)
        missing = [e for e in entities if e.key not in known]
        if missing:
            self._count_entities(missing, self._article_generation)

    @work(thread=True, exclusive=True, group="counts")
    def _count_entities(self, entries: list[FactEntry], generation: int) -> None:
        library = self.library
        if library is None:
            return
        # Counting costs a search per entity and shares the index lock with the
        # analyst's own searches: wait until the cursor rests on an article.
        time.sleep(0.3)
        counter = getattr(library, "entity_counts", None)
        counts: dict[tuple[str, str], int] = {}
        worker = get_current_worker()
        for entry in entries:
            if worker.is_cancelled or generation != self._article_generation:
                return
            try:
                if counter is not None:
                    counts[entry.key] = int(counter(entry.kind, entry.name))
                else:
                    query = f'{ov.QUERY_FIELD[entry.kind]}:"{quote_value(entry.name)}"'
                    counts[entry.key] = library.search(query, limit=1, snippets=0).total
            except Exception:
                continue
        self.call_from_thread(self._counts_ready, generation, counts)

    def _counts_ready(self, generation: int, counts: dict[tuple[str, str], int]) -> None:
        self._entity_counts.update(counts)
        if generation == self._article_generation:
            self.query_one(FactList).set_counts(counts)

    def _show_overview(self) -> None:
        self.query_one("#sidebar-title", Static).update(Content.styled("Library overview", "bold"))
        doc_count = None
        if self.library is not None:
            try:
                doc_count = self.library.article_count()
            except Exception:
                doc_count = None
        self.query_one(FactList).show_overview(self.overview, doc_count)

    @on(FactList.Highlighted)
    def _fact_highlighted(self, event: FactList.Highlighted) -> None:
        facts = self.query_one(FactList)
        if facts.mode != "article" or self.article is None:
            return
        spans = event.entry.spans if event.entry else []
        self.query_one(ArticlePane).highlight_fact(spans)

    @on(FactList.Chosen)
    def _fact_chosen(self, event: FactList.Chosen) -> None:
        if event.conflict is not None:
            self.show_conflict(event.conflict)
            return
        entry = event.entry
        if entry is None:
            return
        if entry.is_entity:
            self.search_for(f'{ov.QUERY_FIELD[entry.kind]}:"{quote_value(entry.name)}"')
        elif entry.spans and self.article is not None:
            span = entry.sentence or entry.spans[0]
            pane = self.query_one(ArticlePane)
            pane.show_article(
                self.article,
                self.facts,
                self.results.terms if self.results else [],
                focus_span=span,
            )
            self.query_one(ArticleBody).focus()

    def show_conflict(self, conflict: Any) -> None:
        def opened(claim: Any) -> None:
            if claim is None:
                return
            start, end = ov.field(claim, "start"), ov.field(claim, "end")
            span = (int(start), int(end)) if start is not None and end is not None else None
            self.open_article(str(ov.field(claim, "article_id")), focus=True, focus_span=span)

        self.push_screen(ConflictScreen(conflict), opened)

    @on(MatchMoved)
    def _match_moved(self, event: MatchMoved) -> None:
        self._set_status(f"match {event.index} of {event.total}")

    # --- actions --------------------------------------------------------------

    def action_focus_search(self) -> None:
        self.screen.minimize()
        field = self.query_one("#query", QueryInput)
        field.focus()

    def action_focus_pane(self, pane: str) -> None:
        if self.screen.maximized is not None:
            self.screen.minimize()
        if pane == "results":
            self.query_one(ResultsList).focus()
        elif pane == "article":
            self.query_one(ArticleBody).focus()
        else:
            if not self.sidebar_visible:
                self._set_sidebar(True)
            self.query_one(FactList).focus()

    def action_back(self) -> None:
        if self.screen.maximized is not None:
            self.screen.minimize()
            return
        focused = self.focused
        if isinstance(focused, FindInput):
            focused.action_close()
        elif isinstance(focused, FactList):
            if self.size.width < NARROW_WIDTH and self.sidebar_peek:
                self._set_sidebar(False)
            self.query_one(ArticleBody).focus()
        elif isinstance(focused, ArticleBody):
            self.query_one(ResultsList).focus()
        elif isinstance(focused, ResultsList):
            self.query_one("#query", QueryInput).focus()

    def action_toggle_sidebar(self) -> None:
        self._set_sidebar(not self.sidebar_visible)

    def _set_sidebar(self, visible: bool) -> None:
        if self.size.width < NARROW_WIDTH:
            self.sidebar_peek = visible
        else:
            self.show_sidebar = visible
            self.state.sidebar = visible
            self._save_state_soon()
        self._apply_layout(self.size.width)
        if not visible and isinstance(self.focused, FactList):
            self.query_one(ArticleBody).focus()

    def action_overview(self) -> None:
        self.article = None
        self.facts = []
        self._article_generation += 1
        self.query_one(ArticlePane).show_empty("No article open — library overview in the sidebar")
        self._show_overview()
        if not self.sidebar_visible:
            self._set_sidebar(True)
        self.query_one(FactList).focus()

    def action_maximize(self) -> None:
        screen = self.screen
        if screen.maximized is not None:
            screen.minimize()
        elif self.focused is not None:
            for node in (self.focused, *self.focused.ancestors):
                if isinstance(node, (Pane, MaximisableArticlePane)):
                    screen.maximize(node, container=False)
                    break

    def action_timeline(self) -> None:
        if self.library is None:
            self.bell()
            return

        def chosen(item: DatedFact | None) -> None:
            if item is not None:
                self.open_article(
                    item.article_id, focus=True, focus_span=item.sentence or item.span
                )

        self.push_screen(TimelineScreen(self.library), chosen)

    def citation(self) -> str | None:
        article = self.article
        if article is None:
            return None
        when = article.date.isoformat() if article.date else "undated"
        title = one_line(article.title) or "Untitled"
        source = one_line(article.source) or "Unknown source"
        return f"{title.rstrip('.')}. {source}, {when}. fieldbrief:{article.id} {one_line(article.path)}".rstrip()

    def action_copy_citation(self) -> None:
        text = self.citation()
        if text is None:
            self.notify("Open an article first", severity="warning")
            return
        self.copy_to_clipboard(text)
        self.notify("Citation copied", timeout=2)

    def action_copy_passage(self) -> None:
        text = self.query_one(ArticlePane).current_passage()
        if not text:
            self.notify("Open an article first", severity="warning")
            return
        self.copy_to_clipboard(text)
        self.notify("Passage copied", timeout=2)

    # Briefing features live in tui/briefing.py; these only delegate.
    def action_pin_article(self) -> None:
        briefing_ui.app_pin_article(self)

    def action_pin_passage(self) -> None:
        briefing_ui.app_pin_passage(self)

    def action_pin_fact(self) -> None:
        briefing_ui.app_pin_fact(self)

    def action_briefing(self) -> None:
        briefing_ui.app_open_briefing(self)

    def action_export_briefing(self) -> None:
        briefing_ui.app_export_briefing(self)

    def action_saved_searches(self) -> None:
        briefing_ui.app_saved_searches(self)

    def action_help(self) -> None:
        rows = self.help_rows()
        self.push_screen(HelpScreen(rows, str(self.keymap_file)))

    def help_rows(self) -> list[HelpRow]:
        """The bindings active where focus is now, most specific context first."""
        rows: list[HelpRow] = []
        seen: set[tuple[str, str]] = set()
        for key, active in self.screen.active_bindings.items():
            binding = active.binding
            if not binding.description:
                continue
            node = active.node
            context = _context_name(node)
            ident = binding.id or binding.action
            if (context, ident) in seen:
                # One row per binding: its keys are already joined.
                continue
            seen.add((context, ident))
            keys = [
                self.get_key_display(b)
                for k, a in self.screen.active_bindings.items()
                for b in [a.binding]
                if a.node is node and (b.id or b.action) == ident
            ]
            del key
            rows.append(
                HelpRow(context, ", ".join(dict.fromkeys(keys)), binding.description, ident)
            )
        order = {name: n for n, name in enumerate(_CONTEXT_ORDER)}
        rows.sort(key=lambda r: order.get(r.context, len(order)))
        return rows

    def set_theme(self, name: str) -> None:
        self.theme = name

    def _theme_changed(self, theme: Any) -> None:
        self.state.theme = self.theme
        self._save_state_soon()

    # --- state ----------------------------------------------------------------

    def _save_state_soon(self) -> None:
        if self._save_timer is not None:
            self._save_timer.stop()
        self._save_timer = self.set_timer(0.5, self.save_state)

    def save_state(self, *, from_widgets: bool = True) -> None:
        if not self._restored and self.state.article_id:
            # Nothing restored yet: keep what the last run saved.
            return
        state = self.state
        if from_widgets:
            state.query = self.query_one("#query", QueryInput).value
            state.article_id = self.article.id if self.article else None
            state.scroll_y = float(self.query_one(ArticleBody).scroll_y)
        state.theme = self.theme
        state.sidebar = self.show_sidebar
        state.sort = self.sort
        try:
            state.save(self.state_path)
        except OSError as exc:
            self.notify(f"Could not save state: {exc}", severity="warning", markup=False)

    async def action_quit(self) -> None:
        self.save_state()
        self._saved_on_quit = True
        self.exit()

    def on_unmount(self) -> None:
        # However else the app ends (ctrl+c, the test harness), keep the session
        # as last recorded: the widgets are being torn down and read as empty.
        if not self._saved_on_quit:
            with suppress(Exception):
                self.save_state(from_widgets=False)
        if self._owns_library and self.library is not None:
            self.library.close()


_CONTEXT_ORDER = ["Search box", "Find in article", "Results", "Article", "Facts", "Everywhere"]


def _context_name(node: Any) -> str:
    if isinstance(node, QueryInput):
        return "Search box"
    if isinstance(node, FindInput):
        return "Find in article"
    if isinstance(node, ResultsList):
        return "Results"
    if isinstance(node, ArticleBody):
        return "Article"
    if isinstance(node, FactList):
        return "Facts"
    if isinstance(node, App):
        return "Everywhere"
    if isinstance(node, Widget):
        return type(node).__name__
    return "Screen"


def create_app(
    library_path: str | os.PathLike[str] | None = None,
    *,
    library: Library | None = None,
    state_path: str | os.PathLike[str] | None = None,
    keymap_file: str | os.PathLike[str] | None = None,
) -> FieldbriefApp:
    """The one factory used by the CLI and the tests."""
    return FieldbriefApp(
        library_path, library=library, state_path=state_path, keymap_file=keymap_file
    )
