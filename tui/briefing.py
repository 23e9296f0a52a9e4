"""The briefing in the browser: pinning from the reader and the pins screen.

Presentation only: every change goes through ``fieldbrief.search.briefing``
(one committed transaction per action) and the document comes from
``fieldbrief.search.export``. Titles, quotes and notes are untrusted text, so
they reach widgets as literal ``Content`` or with ``markup=False``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from fieldbrief.search.briefing import Briefing, BriefingError, Briefings, Pin
from fieldbrief.search.export import build_briefing_markdown
from fieldbrief.search.wording import citation, plural

from .article import ArticlePane
from .facts import FactEntry, FactList
from .footer import KeyFooter
from .safe import one_line
from .theming import stylesheet

if TYPE_CHECKING:
    from fieldbrief.search.library import Library
    from fieldbrief.search.model import Fact

    from .main_screen import MainScreen

_KIND_LABEL = {"article": "article", "passage": "passage", "fact": "fact"}


# --- pinning -----------------------------------------------------------------------
# ``node`` is whatever shows the confirmation (the app, or a screen's widget).

Notifier = App[Any] | Widget


def pin_article(node: Notifier, library: Library, article_id: str) -> Pin | None:
    return _pin(node, lambda b: b.pin_article(article_id), library, "Article")


def pin_passage(
    node: Notifier, library: Library, article_id: str, start: int, end: int
) -> Pin | None:
    return _pin(node, lambda b: b.pin_passage(article_id, start, end), library, "Passage")


def pin_fact(node: Notifier, library: Library, article_id: str, fact: Fact) -> Pin | None:
    return _pin(node, lambda b: b.pin_fact(article_id, fact), library, "Fact")


def _pin(
    node: Notifier, action: Callable[[Briefings], Pin], library: Library, what: str
) -> Pin | None:
    briefings = Briefings(library)
    try:
        pin = action(briefings)
    except BriefingError as exc:
        node.notify(str(exc), severity="warning", markup=False)
        return None
    briefing = briefings.get(pin.briefing_id)
    node.notify(
        f"{what} pinned to “{one_line(briefing.title, 40)}” ({plural(briefing.pin_count, 'pin')}) · B opens it",
        timeout=3,
        markup=False,
    )
    return pin


def fact_for_entry(facts: list[Fact], entry: FactEntry | None) -> Fact | None:
    """The article fact a sidebar entry stands for (its first mention)."""
    if entry is None:
        return None
    spans = set(entry.spans)
    for fact in facts:
        if fact.kind == entry.kind and (fact.start, fact.end) in spans:
            return fact
    return None


# --- the briefing ------------------------------------------------------------------


class PinList(OptionList):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down,j", "cursor_down", "Next pin", show=False, id="fieldbrief.briefing.down"),
        Binding("up,k", "cursor_up", "Previous pin", show=False, id="fieldbrief.briefing.up"),
    ]


class BriefingScreen(Screen[str | None]):
    """The current briefing's pins in order. Dismisses with an article id to open, or None."""

    CSS_PATH = stylesheet("briefing.tcss")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Back", id="fieldbrief.briefing.close"),
        Binding("K,ctrl+up", "move(-1)", "Move up", id="fieldbrief.briefing.move_up"),
        Binding("J,ctrl+down", "move(1)", "Move down", id="fieldbrief.briefing.move_down"),
        Binding("e", "edit_note", "Edit note", id="fieldbrief.briefing.note"),
        Binding("d,delete", "remove_pin", "Remove pin", id="fieldbrief.briefing.remove"),
        Binding("S", "edit_summary", "Summary", id="fieldbrief.briefing.summary"),
        Binding("x", "export", "Export", id="fieldbrief.briefing.export"),
        Binding("y", "copy_citation", "Cite", id="fieldbrief.briefing.copy_citation"),
        Binding("n", "new_briefing", "New briefing", id="fieldbrief.briefing.new"),
        Binding(
            "right_square_bracket",
            "switch(1)",
            "Next briefing",
            show=False,
            id="fieldbrief.briefing.next",
        ),
        Binding(
            "left_square_bracket",
            "switch(-1)",
            "Previous briefing",
            show=False,
            id="fieldbrief.briefing.previous",
        ),
        Binding("w", "pick", "Switch briefing", id="fieldbrief.briefing.pick"),
        Binding("enter", "open", "Open article", show=False, id="fieldbrief.briefing.open"),
    ]

    def __init__(self, library: Library) -> None:
        super().__init__()
        self.library = library
        self.briefings = Briefings(library)
        self.briefing: Briefing | None = None
        self.pin_items: list[Pin] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="briefing-main"):
            yield Static(id="briefing-title")
            yield Static(id="briefing-summary", markup=False)
            yield PinList(id="briefing-pins")
            yield Static(id="briefing-detail", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.refresh_pins()
        self.query_one(PinList).focus()

    def on_screen_resume(self) -> None:
        # Pins may have been added from the main screen (or another process).
        self.refresh_pins(keep=self.selected_pin.id if self.selected_pin else None)

    # --- state --------------------------------------------------------------------

    @property
    def selected_pin(self) -> Pin | None:
        index = self.query_one(PinList).highlighted
        if index is None or not 0 <= index < len(self.pin_items):
            return None
        return self.pin_items[index]

    def refresh_pins(self, keep: int | None = None) -> None:
        self.briefing = self.briefings.current(create=True)
        assert self.briefing is not None
        self.pin_items = self.briefings.pins(self.briefing.id)
        count = len(self.briefings.list())
        self.query_one("#briefing-title", Static).update(
            Content.assemble(
                (one_line(self.briefing.title) or "Briefing", "bold $text-primary"),
                (
                    f"  {plural(len(self.pin_items), 'pin')} · briefing {self.briefing.id}"
                    + (f" of {count} ([ ] switch)" if count > 1 else ""),
                    "$text-muted",
                ),
            )
        )
        summary = one_line(self.briefing.summary, 400)
        self.query_one("#briefing-summary", Static).update(
            Content(summary)
            if summary
            else Content.styled("No summary yet — S writes one", "$text-muted")
        )
        pins = self.query_one(PinList)
        pins.clear_options()
        if not self.pin_items:
            pins.add_option(
                Option(
                    Content.styled(
                        "Nothing pinned yet. In the reader: p pins the article,"
                        " P the passage, F the selected fact.",
                        "$text-muted",
                    ),
                    disabled=True,
                )
            )
        else:
            pins.add_options(
                Option(self._prompt(number, pin), id=f"pin-{pin.id}")
                for number, pin in enumerate(self.pin_items, 1)
            )
            index = 0
            if keep is not None:
                index = next((i for i, p in enumerate(self.pin_items) if p.id == keep), 0)
            pins.highlighted = index
        self._show_detail()

    def _prompt(self, number: int, pin: Pin) -> Content:
        parts: list[Content | tuple[str, str] | str] = [
            (f"{number:>2}. ", "bold"),
            (f"[{_KIND_LABEL[pin.kind]}] ", "$text-accent"),
            Content(one_line(pin.title, 90) or "(untitled)"),
        ]
        if pin.kind != "article":
            parts += ["\n    ", Content("“" + one_line(pin.quote, 160) + "”")]
        if pin.note:
            parts += ["\n    ", ("note: ", "$text-muted"), Content(one_line(pin.note, 160))]
        return Content.assemble(*parts)

    def _show_detail(self) -> None:
        pin = self.selected_pin
        detail = self.query_one("#briefing-detail", Static)
        if pin is None:
            detail.update("")
            return
        found = self.library.get(pin.article_id)
        if found is None:
            detail.update(
                Content.styled("This article is no longer in the library", "$text-warning")
            )
            return
        detail.update(Content.styled(citation(found[0]), "$text-muted"))

    @on(OptionList.OptionHighlighted, "#briefing-pins")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._show_detail()

    @on(OptionList.OptionSelected, "#briefing-pins")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_open()

    # --- actions ------------------------------------------------------------------

    def action_close(self) -> None:
        self.dismiss(None)

    def action_open(self) -> None:
        pin = self.selected_pin
        if pin is not None:
            self.dismiss(pin.article_id)

    def action_move(self, step: int) -> None:
        pin = self.selected_pin
        if pin is None:
            return
        self.briefings.move_by(pin.id, step)
        self.refresh_pins(keep=pin.id)

    def action_remove_pin(self) -> None:
        pin = self.selected_pin
        if pin is None:
            return
        index = self.query_one(PinList).highlighted or 0
        self.briefings.remove(pin.id)
        self.refresh_pins()
        if self.pin_items:
            self.query_one(PinList).highlighted = min(index, len(self.pin_items) - 1)
        self.notify("Pin removed", timeout=2)

    def action_edit_note(self) -> None:
        pin = self.selected_pin
        if pin is None:
            return

        def done(text: str | None) -> None:
            if text is not None:
                self.briefings.set_note(pin.id, text)
                self.refresh_pins(keep=pin.id)

        from .briefing_dialogs import NoteEditor  # Markdown loads on first use

        self.app.push_screen(NoteEditor(f"Note on pin {pin.id}", pin.note), done)

    def action_edit_summary(self) -> None:
        briefing = self.briefing
        if briefing is None:
            return

        def done(text: str | None) -> None:
            if text is not None:
                self.briefings.set_summary(text, briefing.id)
                self.refresh_pins(keep=self.selected_pin.id if self.selected_pin else None)

        from .briefing_dialogs import NoteEditor  # Markdown loads on first use

        self.app.push_screen(NoteEditor("Briefing summary", briefing.summary), done)

    def action_new_briefing(self) -> None:
        def done(title: str | None) -> None:
            if title is not None:
                self.briefings.create(title)
                self.refresh_pins()

        from .briefing_dialogs import TitlePrompt  # Markdown loads on first use

        self.app.push_screen(TitlePrompt("New briefing title"), done)

    def action_switch(self, step: int) -> None:
        items = self.briefings.list()
        if len(items) < 2 or self.briefing is None:
            return
        ids = [b.id for b in items]
        index = ids.index(self.briefing.id) if self.briefing.id in ids else 0
        self.briefings.set_current(ids[(index + step) % len(ids)])
        self.refresh_pins()

    def action_pick(self) -> None:
        pick_briefing(self.app, self.briefings, self.refresh_pins)

    def action_copy_citation(self) -> None:
        pin = self.selected_pin
        if pin is None:
            return
        found = self.library.get(pin.article_id)
        text = citation(found[0]) if found else f'"{pin.title}", id {pin.article_id}'
        if pin.kind != "article":
            text = f"“{one_line(pin.quote)}” — {text}"
        self.app.copy_to_clipboard(text)
        self.notify("Citation copied", timeout=2)

    def action_export(self) -> None:
        if self.briefing is None:
            return
        self.notify("Building the briefing…", timeout=1)
        self._build(self.briefing.id)

    @work(thread=True, exclusive=True, group="briefing-export")
    def _build(self, briefing_id: int) -> None:
        # The overview over the briefing's articles can take a moment on a big
        # briefing; keep the screen responsive meanwhile.
        markdown = build_briefing_markdown(self.library, briefing_id)
        from .briefing_dialogs import PreviewScreen  # Markdown loads on first use

        self.app.call_from_thread(self.app.push_screen, PreviewScreen(markdown))


def pick_briefing(
    app: App[object], briefings: Briefings, then: Callable[[], None] | None = None
) -> None:
    """The briefing picker; the chosen briefing becomes current (pins go there)."""
    items = briefings.list()
    if not items:
        app.notify("No briefings yet: p pins the open article into a new one", timeout=4)
        return
    current = briefings.current_id()

    def chosen(briefing_id: int | None) -> None:
        if briefing_id is None:
            return
        briefing = briefings.set_current(briefing_id)
        app.notify(f"Pins now go to “{one_line(briefing.title, 40)}”", timeout=3, markup=False)
        if then is not None:
            then()

    from .briefing_dialogs import BriefingPicker  # Markdown loads on first use

    app.push_screen(BriefingPicker(items, current), chosen)


class BriefingActions:
    """The main screen's briefing keys: pin what is open, open the briefing,
    export it, saved searches."""

    def __init__(self, screen: MainScreen) -> None:
        self.screen = screen

    def _library(self, need_article: bool = True) -> Library | None:
        screen = self.screen
        if screen.library is None:
            screen.notify("The library is still opening", severity="warning")
            return None
        if need_article and screen.article is None:
            screen.notify("Open an article first", severity="warning")
            return None
        return screen.library

    def pin_article(self) -> None:
        library, article = self._library(), self.screen.article
        if library is not None and article is not None:
            pin_article(self.screen.app, library, article.id)

    def pin_passage(self) -> None:
        library, article = self._library(), self.screen.article
        if library is None or article is None:
            return
        span = self.screen.query_one(ArticlePane).current_passage_span()
        if span is None or span[1] <= span[0]:
            self.screen.notify("No passage under the cursor", severity="warning")
            return
        pin_passage(self.screen.app, library, article.id, span[0], span[1])

    def pin_fact(self) -> None:
        library, article = self._library(), self.screen.article
        if library is None or article is None:
            return
        entry = self.screen.query_one(FactList).current_entry
        fact = fact_for_entry(self.screen.articles.facts, entry)
        if fact is None:
            self.screen.notify(
                "Highlight one of this article's facts in the sidebar first", severity="warning"
            )
            return
        pin_fact(self.screen.app, library, article.id, fact)

    def open_briefing(self) -> None:
        library = self._library(need_article=False)
        if library is None:
            return

        def closed(article_id: str | None) -> None:
            if article_id:
                self.screen.articles.open(article_id, focus=True)

        self.screen.app.push_screen(BriefingScreen(library), closed)

    def export_briefing(self) -> None:
        library = self._library(need_article=False)
        if library is not None:
            from .briefing_dialogs import PreviewScreen  # Markdown loads on first use

            self.screen.app.push_screen(PreviewScreen(build_briefing_markdown(library)))

    def switch_briefing(self) -> None:
        library = self._library(need_article=False)
        if library is not None:
            pick_briefing(self.screen.app, Briefings(library))

    def saved_searches(self) -> None:
        library = self._library(need_article=False)
        if library is None:
            return
        screen = self.screen
        results = screen.search.results
        current = results.query if results is not None else ""

        def chosen(opened: tuple[str, str, list[str]] | None) -> None:
            if opened is None:
                return
            query, sort, new_ids = opened
            screen.sort = sort
            screen.search_for(query)
            screen.notify(
                f"{len(new_ids)} new since you last opened it" if new_ids else "Nothing new",
                timeout=4,
            )

        from .briefing_dialogs import SavedSearchesScreen  # Markdown loads on first use

        screen.app.push_screen(SavedSearchesScreen(library, current, screen.sort), chosen)
