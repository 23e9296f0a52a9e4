"""The briefing in the browser: pins in order, notes, preview and save.

Presentation only: every change goes through ``fieldbrief.search.briefing``
(one committed transaction per action) and the document comes from
``fieldbrief.search.export``. Titles, quotes and notes are untrusted text, so
they reach widgets as literal ``Content`` or with ``markup=False``; the
preview renders Markdown whose article text was escaped by the exporter.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Footer, Input, Markdown, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from fieldbrief.search.briefing import (
    Briefing,
    BriefingError,
    Briefings,
    Pin,
    SavedSearch,
    SavedSearches,
)
from fieldbrief.search.export import (
    build_briefing_markdown,
    default_export_path,
    plain_citation,
    save_markdown,
)

from .safe import one_line
from .theming import stylesheet

if TYPE_CHECKING:
    from fieldbrief.search.library import Library
    from fieldbrief.search.model import Fact

    from .article import ArticlePane

STYLESHEET = stylesheet("briefing.tcss")

_KIND_LABEL = {"article": "article", "passage": "passage", "fact": "fact"}


def _home_relative(path: Path) -> str:
    try:
        return "~/" + str(path.relative_to(Path.home()))
    except ValueError:
        return str(path)


# --- actions the main app can call -------------------------------------------------


def pin_article(app: Any, library: Library, article_id: str) -> Pin | None:
    return _pin(app, lambda b: b.pin_article(article_id), library, "Article")


def pin_passage(app: Any, library: Library, article_id: str, start: int, end: int) -> Pin | None:
    return _pin(app, lambda b: b.pin_passage(article_id, start, end), library, "Passage")


def pin_fact(app: Any, library: Library, article_id: str, fact: Fact) -> Pin | None:
    return _pin(app, lambda b: b.pin_fact(article_id, fact), library, "Fact")


def _pin(app: Any, action: Callable[[Briefings], Pin], library: Library, what: str) -> Pin | None:
    briefings = Briefings(library)
    try:
        pin = action(briefings)
    except BriefingError as exc:
        app.notify(str(exc), severity="warning", markup=False)
        return None
    briefing = briefings.get(pin.briefing_id)
    app.notify(
        f"{what} pinned to “{one_line(briefing.title, 40)}” ({briefing.pin_count} pins) · B opens it",
        timeout=3,
        markup=False,
    )
    return pin


def passage_span(pane: ArticlePane) -> tuple[int, int] | None:
    """Body offsets of the passage the article pane would copy."""
    return pane.current_passage_span()


# --- dialogs --------------------------------------------------------------------------


class NoteEditor(ModalScreen[str | None]):
    """Edit a note; ctrl+s keeps it, escape leaves it as it was."""

    CSS_PATH = STYLESHEET
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Keep note", id="fieldbrief.briefing.note.save"),
        Binding("escape", "cancel", "Cancel", id="fieldbrief.briefing.note.cancel"),
    ]

    def __init__(self, heading: str, text: str) -> None:
        super().__init__()
        self.heading = heading
        self.text = text

    def compose(self) -> ComposeResult:
        with Vertical(id="briefing-note-dialog", classes="briefing-dialog"):
            yield Static(Content.styled(one_line(self.heading, 80), "bold"), classes="dialog-title")
            yield TextArea(self.text, id="briefing-note-text", soft_wrap=True)
            yield Static(
                Content.styled("ctrl+s keep · esc cancel", "$text-muted"), classes="dialog-foot"
            )

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()

    def action_save(self) -> None:
        self.dismiss(self.query_one(TextArea).text)

    def action_cancel(self) -> None:
        self.dismiss(None)


class TitlePrompt(ModalScreen[str | None]):
    """One line of text (a new briefing's title)."""

    CSS_PATH = STYLESHEET
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="fieldbrief.briefing.prompt.cancel"),
    ]

    def __init__(self, heading: str, value: str = "") -> None:
        super().__init__()
        self.heading = heading
        self.value = value

    def compose(self) -> ComposeResult:
        with Vertical(classes="briefing-dialog"):
            yield Static(Content.styled(self.heading, "bold"), classes="dialog-title")
            yield Input(self.value, id="briefing-prompt-input")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmOverwrite(ModalScreen[bool]):
    CSS_PATH = STYLESHEET
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Overwrite", id="fieldbrief.briefing.overwrite.yes"),
        Binding("n,escape", "answer(False)", "Keep file", id="fieldbrief.briefing.overwrite.no"),
    ]

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path

    def compose(self) -> ComposeResult:
        with Vertical(id="briefing-confirm", classes="briefing-dialog"):
            yield Static(
                Content.assemble(
                    ("Overwrite ", "bold"), (_home_relative(self.path), "bold $text-warning"), "?"
                ),
                classes="dialog-title",
            )
            yield Static(Content("The file exists. y overwrites it, n keeps it."))
            with Horizontal(classes="dialog-buttons"):
                yield Button("Overwrite", variant="warning", id="overwrite-yes")
                yield Button("Keep file", id="overwrite-no")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "overwrite-yes")


class SaveDialog(ModalScreen[Path | None]):
    """Ask where to save; confirm before replacing a file. Dismisses with the path written."""

    CSS_PATH = STYLESHEET
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="fieldbrief.briefing.save.cancel"),
    ]

    def __init__(self, markdown: str, default: Path | None = None) -> None:
        super().__init__()
        self.markdown = markdown
        self.default = default or default_export_path()

    def compose(self) -> ComposeResult:
        with Vertical(id="briefing-save", classes="briefing-dialog"):
            yield Static(Content.styled("Save briefing as", "bold"), classes="dialog-title")
            yield Input(_home_relative(self.default), id="briefing-save-path")
            yield Static(Content(""), id="briefing-save-error")
            yield Static(
                Content.styled("enter save · esc cancel", "$text-muted"), classes="dialog-foot"
            )

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Input.Submitted, "#briefing-save-path")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        raw = event.value.strip()
        if not raw:
            self._error("Give a file name")
            return
        path = Path(raw).expanduser()
        if not path.is_absolute():
            # A bare name goes next to the default, not into whatever directory
            # the app happened to be started from.
            path = self.default.parent / path
        if path.is_dir():
            self._error("That is a folder; add a file name")
            return
        if path.exists():

            def answered(yes: bool | None) -> None:
                if yes:
                    self._write(path, force=True)

            self.app.push_screen(ConfirmOverwrite(path), answered)
            return
        self._write(path, force=False)

    def _write(self, path: Path, *, force: bool) -> None:
        try:
            written = save_markdown(path, self.markdown, force=force)
        except FileExistsError:
            self._error("The file appeared meanwhile; press enter again to decide")
            return
        except OSError as exc:
            self._error(f"Cannot write: {exc.strerror or exc}")
            return
        self.dismiss(written)

    def _error(self, message: str) -> None:
        self.query_one("#briefing-save-error", Static).update(
            Content.styled(message, "$text-error")
        )


# --- preview ------------------------------------------------------------------------


class BriefingPreview(Markdown):
    """The exported Markdown, rendered; links never open from here."""

    def __init__(self, markdown: str, **kwargs: Any) -> None:
        super().__init__(markdown, open_links=False, **kwargs)


class PreviewScreen(Screen[None]):
    CSS_PATH = STYLESHEET
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="fieldbrief.briefing.preview.back"),
        Binding("s,ctrl+s", "save", "Save as…", id="fieldbrief.briefing.preview.save"),
        Binding("y", "copy", "Copy Markdown", id="fieldbrief.briefing.preview.copy"),
        Binding("down,j", "scroll(1)", "Down", show=False, id="fieldbrief.briefing.preview.down"),
        Binding("up,k", "scroll(-1)", "Up", show=False, id="fieldbrief.briefing.preview.up"),
    ]

    def __init__(self, markdown: str) -> None:
        super().__init__()
        self.markdown = markdown
        self.saved_to: Path | None = None

    def compose(self) -> ComposeResult:
        yield Static(Content.styled("Briefing preview", "bold"), id="briefing-preview-title")
        with VerticalScroll(id="briefing-preview-scroll"):
            yield BriefingPreview(self.markdown, id="briefing-preview")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#briefing-preview-scroll").focus()

    def action_scroll(self, step: int) -> None:
        scroll = self.query_one("#briefing-preview-scroll", VerticalScroll)
        scroll.scroll_relative(y=step * 3)

    def action_copy(self) -> None:
        self.app.copy_to_clipboard(self.markdown)
        self.notify("Briefing copied as Markdown", timeout=2)

    def action_save(self) -> None:
        def saved(path: Path | None) -> None:
            if path is not None:
                self.saved_to = path
                self.notify(f"Saved {_home_relative(path)}", timeout=4, markup=False)

        self.app.push_screen(SaveDialog(self.markdown), saved)


# --- the briefing ------------------------------------------------------------------


class PinList(OptionList):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down,j", "cursor_down", "Next pin", show=False, id="fieldbrief.briefing.down"),
        Binding("up,k", "cursor_up", "Previous pin", show=False, id="fieldbrief.briefing.up"),
    ]


class BriefingScreen(Screen[str | None]):
    """The current briefing's pins in order. Dismisses with an article id to open, or None."""

    CSS_PATH = STYLESHEET
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
        yield Footer()

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
                    f"  {len(self.pin_items)} pins · briefing {self.briefing.id}"
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
        detail.update(Content.styled(plain_citation(found[0]), "$text-muted"))

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

        self.app.push_screen(NoteEditor(f"Note on pin {pin.id}", pin.note), done)

    def action_edit_summary(self) -> None:
        briefing = self.briefing
        if briefing is None:
            return

        def done(text: str | None) -> None:
            if text is not None:
                self.briefings.set_summary(text, briefing.id)
                self.refresh_pins(keep=self.selected_pin.id if self.selected_pin else None)

        self.app.push_screen(NoteEditor("Briefing summary", briefing.summary), done)

    def action_new_briefing(self) -> None:
        def done(title: str | None) -> None:
            if title is not None:
                self.briefings.create(title)
                self.refresh_pins()

        self.app.push_screen(TitlePrompt("New briefing title"), done)

    def action_switch(self, step: int) -> None:
        items = self.briefings.list()
        if len(items) < 2 or self.briefing is None:
            return
        ids = [b.id for b in items]
        index = ids.index(self.briefing.id) if self.briefing.id in ids else 0
        self.briefings.set_current(ids[(index + step) % len(ids)])
        self.refresh_pins()

    def action_copy_citation(self) -> None:
        pin = self.selected_pin
        if pin is None:
            return
        found = self.library.get(pin.article_id)
        text = plain_citation(found[0]) if found else f'"{pin.title}", id {pin.article_id}'
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
        self.app.call_from_thread(self.app.push_screen, PreviewScreen(markdown))


# --- saved searches --------------------------------------------------------------------


class SavedSearchesScreen(ModalScreen[tuple[str, str, list[str]] | None]):
    """Saved searches with how many new matches each has; enter reopens one.

    Dismisses with ``(query, sort, new_ids)`` for the one opened, or None.
    """

    CSS_PATH = STYLESHEET
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="fieldbrief.saved.close"),
        Binding("a", "save_current", "Save current search", id="fieldbrief.saved.save"),
        Binding("d,delete", "delete", "Delete", id="fieldbrief.saved.delete"),
        Binding("down,j", "cursor(1)", "Next", show=False, id="fieldbrief.saved.down"),
        Binding("up,k", "cursor(-1)", "Previous", show=False, id="fieldbrief.saved.up"),
    ]

    def __init__(self, library: Library, query: str = "", sort: str = "relevance") -> None:
        super().__init__()
        self.library = library
        self.saved = SavedSearches(library)
        self.current_query = query
        self.current_sort = sort
        self.items: list[SavedSearch] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="saved-dialog", classes="briefing-dialog"):
            yield Static(Content.styled("Saved searches", "bold"), classes="dialog-title")
            yield OptionList(id="saved-list")
            yield Static(
                Content.styled(
                    "enter open · a save the current search · d delete · esc close", "$text-muted"
                ),
                classes="dialog-foot",
            )

    def on_mount(self) -> None:
        self.refresh_items()
        self.query_one(OptionList).focus()

    def refresh_items(self) -> None:
        self.items = self.saved.list()
        options = self.query_one(OptionList)
        options.clear_options()
        if not self.items:
            options.add_option(
                Option(Content.styled("None yet: a saves the current search", "$text-muted"))
            )
            return
        for item in self.items:
            try:
                fresh = len(self.saved.new_since(item.name))
            except Exception:  # a query the index cannot run still lists
                fresh = 0
            options.add_option(
                Option(
                    Content.assemble(
                        (one_line(item.name, 40), "bold"),
                        "  ",
                        Content(one_line(item.query, 80)),
                        (f"  [{item.sort}]", "$text-muted"),
                        (f"  {fresh} new", "bold $text-success") if fresh else "",
                    ),
                    id=f"saved-{len(options.options)}",
                )
            )
        options.highlighted = 0

    def _selected_item(self) -> SavedSearch | None:
        index = self.query_one(OptionList).highlighted
        if index is None or not self.items or not 0 <= index < len(self.items):
            return None
        return self.items[index]

    def action_cursor(self, step: int) -> None:
        options = self.query_one(OptionList)
        if step > 0:
            options.action_cursor_down()
        else:
            options.action_cursor_up()

    def action_close(self) -> None:
        self.dismiss(None)

    @on(OptionList.OptionSelected, "#saved-list")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        item = self._selected_item()
        if item is not None:
            opened = self.saved.open(item.name)
            self.dismiss((opened.query, opened.sort, opened.new_ids))

    def action_delete(self) -> None:
        item = self._selected_item()
        if item is not None:
            self.saved.delete(item.name)
            self.refresh_items()

    def action_save_current(self) -> None:
        if not self.current_query.strip():
            self.notify("Search for something first", severity="warning")
            return

        def named(name: str | None) -> None:
            if name and name.strip():
                try:
                    self.saved.save(name, self.current_query, self.current_sort)
                except BriefingError as exc:
                    self.notify(str(exc), severity="warning", markup=False)
                self.refresh_items()

        self.app.push_screen(
            TitlePrompt("Name for this search", one_line(self.current_query)), named
        )


# --- wiring into the main app ---------------------------------------------------------
#
# The main app calls these from its actions; they only use what it exposes:
# ``library``, ``article``, ``facts``, ``results``, ``sort``, ``open_article``,
# ``search_for``, and the ``ArticlePane`` / ``FactList`` widgets.


def _ready(app: Any, need_article: bool = True) -> Library | None:
    library = getattr(app, "library", None)
    if library is None:
        app.notify("The library is still opening", severity="warning")
        return None
    if need_article and getattr(app, "article", None) is None:
        app.notify("Open an article first", severity="warning")
        return None
    return library


def app_pin_article(app: Any) -> Pin | None:
    library = _ready(app)
    return pin_article(app, library, app.article.id) if library else None


def app_pin_passage(app: Any) -> Pin | None:
    library = _ready(app)
    if library is None:
        return None
    from .article import ArticlePane

    span = passage_span(app.query_one(ArticlePane))
    if span is None or span[1] <= span[0]:
        app.notify("No passage under the cursor", severity="warning")
        return None
    return pin_passage(app, library, app.article.id, span[0], span[1])


def fact_for_entry(facts: list[Fact], entry: Any) -> Fact | None:
    """The article fact a sidebar entry stands for (its first mention)."""
    if entry is None:
        return None
    spans = [tuple(s) for s in getattr(entry, "spans", [])]
    kind = getattr(entry, "kind", None)
    for fact in facts:
        if fact.kind == kind and (fact.start, fact.end) in spans:
            return fact
    return None


def app_pin_fact(app: Any) -> Pin | None:
    library = _ready(app)
    if library is None:
        return None
    from .facts import FactList

    fact = fact_for_entry(app.facts, app.query_one(FactList).current_entry)
    if fact is None:
        app.notify("Highlight one of this article's facts in the sidebar first", severity="warning")
        return None
    return pin_fact(app, library, app.article.id, fact)


def app_open_briefing(app: Any) -> None:
    library = _ready(app, need_article=False)
    if library is None:
        return

    def closed(article_id: str | None) -> None:
        if article_id:
            app.open_article(article_id, focus=True)

    app.push_screen(BriefingScreen(library), closed)


def app_export_briefing(app: Any) -> None:
    library = _ready(app, need_article=False)
    if library is None:
        return
    app.push_screen(PreviewScreen(build_briefing_markdown(library)))


def app_saved_searches(app: Any) -> None:
    library = _ready(app, need_article=False)
    if library is None:
        return
    results = getattr(app, "results", None)
    query = results.query if results is not None else ""

    def chosen(opened: tuple[str, str, list[str]] | None) -> None:
        if opened is None:
            return
        query, sort, new_ids = opened
        if getattr(app, "sort", sort) != sort:
            app.sort = sort
        app.search_for(query)
        app.notify(
            f"{len(new_ids)} new since you last opened it" if new_ids else "Nothing new",
            timeout=4,
        )

    app.push_screen(SavedSearchesScreen(library, query, getattr(app, "sort", "relevance")), chosen)
