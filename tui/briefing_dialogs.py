"""The briefing's dialogs: notes, titles, save-as with overwrite check, the
Markdown preview and saved searches.

Titles, quotes, notes and queries are untrusted text: they reach widgets as
literal ``Content`` or with ``markup=False``; the preview renders Markdown
whose article text was escaped by the exporter.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Input, Markdown, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from fieldbrief.search.briefing import Briefing, BriefingError, SavedSearch, SavedSearches
from fieldbrief.search.export import default_export_path, save_markdown
from fieldbrief.search.wording import plural

from .footer import KeyFooter
from .safe import one_line
from .theming import stylesheet

if TYPE_CHECKING:
    from fieldbrief.search.library import Library

STYLESHEET = stylesheet("briefing.tcss")


def _home_relative(path: Path) -> str:
    try:
        return "~/" + str(path.relative_to(Path.home()))
    except ValueError:
        return str(path)


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
        yield KeyFooter()

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


# --- saved searches --------------------------------------------------------------------


class _ListDialog(ModalScreen[Any]):
    """A dialog around one OptionList: j/k move in it, escape closes."""

    def action_cursor(self, step: int) -> None:
        options = self.query_one(OptionList)
        if step > 0:
            options.action_cursor_down()
        else:
            options.action_cursor_up()

    def action_close(self) -> None:
        self.dismiss(None)


class BriefingPicker(_ListDialog):
    """Every briefing, the current one marked; enter makes the chosen one
    current (where p/P/F pin from now on). Dismisses with its id, or None."""

    CSS_PATH = STYLESHEET
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="fieldbrief.briefing.picker.close"),
        Binding("down,j", "cursor(1)", "Next", show=False, id="fieldbrief.briefing.picker.down"),
        Binding("up,k", "cursor(-1)", "Previous", show=False, id="fieldbrief.briefing.picker.up"),
    ]

    def __init__(self, briefings: list[Briefing], current: int | None) -> None:
        super().__init__()
        self.briefings = briefings
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="briefing-picker", classes="briefing-dialog"):
            yield Static(Content.styled("Switch briefing", "bold"), classes="dialog-title")
            yield OptionList(id="briefing-picker-list")
            yield Static(
                Content.styled("enter make current · esc close", "$text-muted"),
                classes="dialog-foot",
            )

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        for briefing in self.briefings:
            mark = "● " if briefing.id == self.current else "  "
            options.add_option(
                Option(
                    Content.assemble(
                        (mark, "bold $text-accent"),
                        (one_line(briefing.title, 60) or "Briefing", "bold"),
                        (
                            f"  {plural(briefing.pin_count, 'pin')} · updated"
                            f" {one_line(briefing.updated_at, 20)}",
                            "$text-muted",
                        ),
                    ),
                    id=f"briefing-{briefing.id}",
                )
            )
        ids = [b.id for b in self.briefings]
        options.highlighted = ids.index(self.current) if self.current in ids else 0
        options.focus()

    @on(OptionList.OptionSelected, "#briefing-picker-list")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.briefings[event.option_index].id)


class SavedSearchesScreen(_ListDialog):
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
