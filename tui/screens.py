"""Overlays and secondary screens: help, conflicting claims, timeline."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, HorizontalScroll, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.widgets import Footer, OptionList, Sparkline, Static
from textual.widgets.option_list import Option

from fieldbrief.search.facts.dates import date_sort_key
from fieldbrief.search.syntax import QUERY_SYNTAX
from fieldbrief.search.wording import claim_value

from . import overview as ov
from .article import ArticleBody, FindInput
from .facts import FactList
from .query_bar import QueryInput
from .results import ResultsList
from .safe import one_line, plural

if TYPE_CHECKING:
    from fieldbrief.search.facts.resolve import Claim, Conflict
    from fieldbrief.search.library import Library


@dataclass
class HelpRow:
    context: str
    keys: str
    description: str
    binding_id: str


class HelpScreen(ModalScreen[None]):
    """Every binding of the context help was opened from, with its id for keymap.toml."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark,f1", "dismiss", "Close help", id="fieldbrief.help.close"),
        Binding("down,j", "scroll_down", "Scroll down", show=False, id="fieldbrief.help.down"),
        Binding("up,k", "scroll_up", "Scroll up", show=False, id="fieldbrief.help.up"),
    ]

    def __init__(
        self, rows: list[HelpRow], keymap_file: str, *, syntax_first: bool = False
    ) -> None:
        super().__init__()
        self.rows = rows
        self.keymap_file = keymap_file
        self.syntax_first = syntax_first

    def compose(self) -> ComposeResult:
        with Vertical(id="help-dialog"):
            yield Static(Content.styled("Keys", "bold $text-primary"), id="help-title")
            with VerticalScroll(id="help-body"):
                yield Static(self._table(), id="help-table")
                yield Static(self._syntax(), id="help-syntax")
            yield Static(
                Content.styled(
                    f"Rebind any key by id in {self.keymap_file} · esc closes", "$text-muted"
                ),
                id="help-foot",
            )

    def _table(self) -> Content:
        lines: list[Content] = []
        context = None
        width = max((len(r.keys) for r in self.rows), default=8)
        for row in self.rows:
            if row.context != context:
                context = row.context
                if lines:
                    lines.append(Content(""))
                lines.append(Content.styled(context, "bold underline $text-accent"))
            lines.append(
                Content.assemble(
                    (f"  {row.keys:<{width}}  ", "bold"),
                    row.description,
                    (f"  {row.binding_id}", "$text-muted"),
                )
            )
        return Content("\n").join(lines)

    @staticmethod
    def _syntax() -> Content:
        width = max(len(example) for example, _ in QUERY_SYNTAX)
        lines = [Content(""), Content.styled("Query syntax", "bold underline $text-accent")]
        for example, meaning in QUERY_SYNTAX:
            lines.append(
                Content.assemble((f"  {example:<{width}}  ", "bold"), (meaning, "$text-muted"))
            )
        return Content("\n").join(lines)

    def on_mount(self) -> None:
        if self.syntax_first:
            self.call_after_refresh(
                self.query_one("#help-body", VerticalScroll).scroll_to_widget,
                self.query_one("#help-syntax"),
                animate=False,
                top=True,
            )

    def action_dismiss(self, result: None = None) -> None:  # type: ignore[override]
        self.dismiss(None)

    def action_scroll_down(self) -> None:
        self.query_one("#help-body", VerticalScroll).scroll_down()

    def action_scroll_up(self) -> None:
        self.query_one("#help-body", VerticalScroll).scroll_up()


_CONTEXT_ORDER = ["Search box", "Find in article", "Results", "Article", "Facts", "Everywhere"]


def help_rows(screen: Screen[Any]) -> list[HelpRow]:
    """The bindings active where focus is now, most specific context first."""
    rows: list[tuple[int, HelpRow]] = []
    seen: set[tuple[str, str]] = set()
    active = screen.active_bindings
    app = screen.app
    for entry in active.values():
        binding = entry.binding
        if not binding.description:
            continue
        node = entry.node
        context = _context_name(node, binding.id)
        ident = binding.id or binding.action
        if (context, ident) in seen:
            continue  # one row per binding: its keys are joined below
        seen.add((context, ident))
        keys = [
            app.get_key_display(other.binding)
            for other in active.values()
            if other.node is node and (other.binding.id or other.binding.action) == ident
        ]
        # Within "Everywhere", Textual's quit key leads and its palette key
        # closes, with fieldbrief's own between, in the order they are declared.
        rank = 1
        if isinstance(node, App):
            rank = 2 if binding.action == "command_palette" else 0
        rows.append(
            (rank, HelpRow(context, ", ".join(dict.fromkeys(keys)), binding.description, ident))
        )
    order = {name: n for n, name in enumerate(_CONTEXT_ORDER)}
    rows.sort(key=lambda r: (order.get(r[1].context, len(order)), r[0]))
    return [row for _, row in rows]


_CONTEXTS: list[tuple[type, str]] = [
    (QueryInput, "Search box"),
    (FindInput, "Find in article"),
    (ResultsList, "Results"),
    (ArticleBody, "Article"),
    (FactList, "Facts"),
    (App, "Everywhere"),
]


def _context_name(node: object, binding_id: str | None) -> str:
    for cls, name in _CONTEXTS:
        if isinstance(node, cls):
            return name
    if isinstance(node, Screen):
        # fieldbrief's screen-wide keys work everywhere on it; Textual's own
        # (tab, shift+tab) are listed apart, under the screen.
        return "Everywhere" if (binding_id or "").startswith("fieldbrief.") else "Screen"
    return type(node).__name__ if isinstance(node, Widget) else "Screen"


class ClaimCard(Static, can_focus=True):
    """One source's claim; enter opens the article at the claim."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open", "Open at claim", id="fieldbrief.conflict.open")
    ]

    def __init__(self, claim: Claim) -> None:
        self.claim = claim
        super().__init__(self._content(), markup=False, classes="claim")

    def _content(self) -> Content:
        claim = self.claim
        return Content("\n").join(
            [
                Content.styled(claim_value(claim), "bold $text-warning"),
                Content.styled(one_line(claim.source, 40) or "unknown source", "bold"),
                Content.styled(one_line(claim.date) or "undated", "$text-muted"),
                Content(""),
                Content("“" + one_line(claim.text, 400) + "”"),
            ]
        )

    def action_open(self) -> None:
        screen = self.screen
        if isinstance(screen, ConflictScreen):
            screen.dismiss(self.claim)


class ConflictScreen(ModalScreen["Claim | None"]):
    """Side-by-side claims for one conflicting figure. Dismisses with the chosen claim."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "close", "Back", id="fieldbrief.conflict.close"),
        Binding(
            "right,l,tab", "focus_next", "Next claim", show=False, id="fieldbrief.conflict.next"
        ),
        Binding(
            "left,h,shift+tab",
            "focus_previous",
            "Previous claim",
            show=False,
            id="fieldbrief.conflict.previous",
        ),
    ]

    def __init__(self, conflict: Conflict) -> None:
        super().__init__()
        self.conflict = conflict

    def compose(self) -> ComposeResult:
        claims = self.conflict.claims
        with Vertical(id="conflict-dialog"):
            yield Static(
                Content.assemble(
                    ("⚠ Conflicting figures: ", "bold $text-warning"),
                    (one_line(ov.conflict_label(self.conflict), 60), "bold"),
                    (f"  ({len(claims)} claims)", "$text-muted"),
                ),
                id="conflict-title",
            )
            with HorizontalScroll(id="conflict-claims"):
                for claim in claims:
                    yield ClaimCard(claim)
            yield Static(
                Content.styled(
                    "←/→ choose · enter opens the article at the claim · esc back", "$text-muted"
                ),
                id="conflict-foot",
            )

    def on_mount(self) -> None:
        cards = self.query(ClaimCard)
        if cards:
            cards.first().focus()

    def action_close(self) -> None:
        self.dismiss(None)


@dataclass
class DatedFact:
    value: str
    text: str
    article_id: str
    title: str
    sentence: tuple[int, int] | None
    span: tuple[int, int]


def weekly_counts(
    dates: Iterable[date], max_weeks: int = 520
) -> tuple[list[float], date | None, date | None]:
    """Articles per ISO week between the first and last dated article."""
    weeks: dict[date, int] = {}
    for day in dates:
        monday = day - timedelta(days=day.weekday())
        weeks[monday] = weeks.get(monday, 0) + 1
    if not weeks:
        return [], None, None
    first, last = min(weeks), max(weeks)
    span = (last - first).days // 7 + 1
    if span > max_weeks:
        first = last - timedelta(weeks=max_weeks - 1)
        span = max_weeks
    data = [float(weeks.get(first + timedelta(weeks=i), 0)) for i in range(span)]
    return data, first, last


class TimelineScreen(Screen[DatedFact | None]):
    """Articles per week plus every dated fact, oldest first."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,t,q", "close", "Back", id="fieldbrief.timeline.close"),
    ]
    MAX_FACTS = 2000

    def __init__(self, library: Library) -> None:
        super().__init__()
        self.library = library
        self.dated: dict[str, DatedFact] = {}

    def compose(self) -> ComposeResult:
        yield Static(Content.styled("Timeline", "bold $text-primary"), id="timeline-title")
        with Horizontal(id="timeline-chart"):
            yield Sparkline([], id="timeline-sparkline")
        yield Static(Content.styled("Counting articles…", "$text-muted"), id="timeline-range")
        yield TimelineList(id="timeline-facts")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(TimelineList).loading = True
        self._load()

    @work(thread=True, exclusive=True, group="timeline")
    def _load(self) -> None:
        days: list[date] = []
        dated: list[DatedFact] = []
        for article_id, day, _source, title, facts in self.library.article_facts():
            if day:
                with contextlib.suppress(ValueError):
                    days.append(date.fromisoformat(day[:10]))
            for fact in facts:
                if fact.kind == "date" and fact.value:
                    dated.append(
                        DatedFact(
                            value=str(fact.value),
                            text=one_line(fact.text, 60),
                            article_id=article_id,
                            title=one_line(title, 80),
                            sentence=fact.sentence,
                            span=(fact.start, fact.end),
                        )
                    )
        dated.sort(key=lambda d: (date_sort_key(d.value), d.value, d.title))
        data, first, last = weekly_counts(days)
        self.app.call_from_thread(self._show, data, first, last, len(days), dated)

    def _show(
        self,
        data: list[float],
        first: date | None,
        last: date | None,
        count: int,
        dated: list[DatedFact],
    ) -> None:
        self.query_one(Sparkline).data = data or [0.0]
        if first and last:
            text = f"{plural(count, 'dated article')}, week of {first.isoformat()} to week of {last.isoformat()}"
            text += f" · peak {int(max(data))} a week"
        else:
            text = "No dated articles"
        shown = dated[: self.MAX_FACTS]
        if len(dated) > len(shown):
            text += f" · first {len(shown):,} of {plural(len(dated), 'dated fact')}"
        else:
            text += f" · {plural(len(dated), 'dated fact')}"
        self.query_one("#timeline-range", Static).update(Content.styled(text, "$text-muted"))
        listing = self.query_one(TimelineList)
        options = []
        for number, item in enumerate(shown):
            key = f"d{number}"
            self.dated[key] = item
            options.append(
                Option(
                    Content.assemble(
                        (f"{item.value:<10}  ", "bold $text-accent"),
                        (item.text, "bold"),
                        ("  — ", "$text-muted"),
                        (item.title, "$text-muted"),
                    ),
                    id=key,
                )
            )
        listing.set_options(options)
        listing.loading = False
        if options:
            listing.highlighted = 0
        listing.focus()

    @on(OptionList.OptionSelected, "#timeline-facts")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.dated.get(event.option.id or ""))

    def action_close(self) -> None:
        self.dismiss(None)


class TimelineList(OptionList):
    inherit_bindings = False
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down,j", "cursor_down", "Next date", show=False, id="fieldbrief.timeline.down"),
        Binding("up,k", "cursor_up", "Previous date", show=False, id="fieldbrief.timeline.up"),
        Binding("home,g", "first", "First", show=False, id="fieldbrief.timeline.first"),
        Binding("end,G", "last", "Last", show=False, id="fieldbrief.timeline.last"),
        Binding(
            "pagedown,ctrl+d",
            "page_down",
            "Page down",
            show=False,
            id="fieldbrief.timeline.page_down",
        ),
        Binding(
            "pageup,ctrl+u", "page_up", "Page up", show=False, id="fieldbrief.timeline.page_up"
        ),
        Binding("enter", "select", "Open at sentence", id="fieldbrief.timeline.open"),
    ]
