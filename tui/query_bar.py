"""The search box with its hint line: debounced search-as-you-type and history."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Input, Static

from fieldbrief.search.results import SearchResults

from .safe import one_line

DEBOUNCE_SECONDS = 0.15
PLACEHOLDER = "Search (person: org: place: date:[a to b] title: source: tag:)"
KEYS_HINT = "/: search · 1/2/3: panes · t: timeline · b: sidebar · z: maximise · ?: keys"
TYPING_HINT = "enter or esc: back to the results · ↑/↓: earlier searches · f1: query syntax"


class QueryInput(Input):
    """The search box; ↑/↓ walk the query history."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "history(-1)", "Older query", show=False, id="fieldbrief.query.older"),
        Binding("down", "history(1)", "Newer query", show=False, id="fieldbrief.query.newer"),
    ]

    def action_history(self, step: int) -> None:
        self.query_ancestor(QueryBar).step_history(step)


@dataclass(eq=False)
class _QueryMessage(Message):
    bar: QueryBar
    text: str

    @property
    def control(self) -> QueryBar:
        return self.bar


class QueryBar(Vertical):
    """Posts ``Typed`` once typing pauses and ``Committed`` on enter."""

    class Typed(_QueryMessage):
        """Typing paused on ``text``."""

    class Committed(_QueryMessage):
        """Enter was pressed on ``text``."""

    def __init__(self, history: list[str], **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        # The app state's own list: remembered queries show up here at once.
        self.history = history
        self._history_pos: int | None = None
        self._debounce: Timer | None = None
        self._suppress_change = False
        self._results: SearchResults | None = None

    def compose(self) -> ComposeResult:
        yield QueryInput(placeholder=PLACEHOLDER, id="query")
        yield Static(Content(""), id="hint")

    @property
    def input(self) -> QueryInput:
        return self.query_one(QueryInput)

    @property
    def value(self) -> str:
        return self.input.value

    @property
    def pending(self) -> bool:
        """A search is waiting for typing to pause."""
        return self._debounce is not None

    def set_text(self, text: str) -> None:
        """Show ``text`` in the box without searching for it."""
        field = self.input
        if field.value != text:
            self._suppress_change = True
        field.value = text
        field.cursor_position = len(text)

    def _search_soon(self, text: str) -> None:
        self._cancel_pending()

        def fire() -> None:
            self._debounce = None
            self.post_message(self.Typed(self, text))

        self._debounce = self.set_timer(DEBOUNCE_SECONDS, fire)

    def _cancel_pending(self) -> None:
        if self._debounce is not None:
            self._debounce.stop()
            self._debounce = None

    @on(Input.Changed, "#query")
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        if self._suppress_change:
            self._suppress_change = False
            return
        self._history_pos = None
        self._search_soon(event.value)

    @on(Input.Submitted, "#query")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._cancel_pending()
        self._history_pos = None
        self.post_message(self.Committed(self, event.value))

    def step_history(self, step: int) -> None:
        history = self.history
        if not history:
            self.app.bell()
            return
        if self._history_pos is None:
            self._history_pos = len(history)
        self._history_pos = max(0, min(len(history), self._history_pos + step))
        text = history[self._history_pos] if self._history_pos < len(history) else ""
        self.set_text(text)
        self._search_soon(text)

    def on_mount(self) -> None:
        self.show_hint(None)

    def on_descendant_focus(self) -> None:
        self.show_hint(self._results)

    def on_descendant_blur(self) -> None:
        self.show_hint(self._results)

    def show_hint(self, results: SearchResults | None) -> None:
        """The query's suggestion or fallback, else the keys that work where focus is."""
        self._results = results
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
            typing = self.input.has_focus
            hint.update(Content.styled(TYPING_HINT if typing else KEYS_HINT, "$text-muted"))
