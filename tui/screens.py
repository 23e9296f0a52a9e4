"""Overlays and secondary screens: help, conflicting claims, timeline."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.widgets import OptionList, Sparkline, Static
from textual.widgets.option_list import Option

from fieldbrief.search.syntax import QUERY_SYNTAX
from fieldbrief.search.wording import claim_value

from . import overview as ov
from .article import ArticleBody, FindInput
from .facts import FactList
from .footer import KeyFooter
from .hanging import Hanging
from .keymap import list_keys
from .query_bar import QueryInput
from .results import ResultsList
from .safe import one_line

if TYPE_CHECKING:
    from fieldbrief.search.events import Event, EventSource
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


class ClaimList(OptionList):
    """Every claim of a conflict, grouped by the time it describes; enter opens one."""

    inherit_bindings = False
    BINDINGS: ClassVar[list[BindingType]] = [
        *list_keys("conflict", "claim"),
        Binding("enter", "select", "Open at claim", id="fieldbrief.conflict.open"),
    ]


def claim_groups(conflict: Conflict) -> list[tuple[str, bool | None, list[Claim]]]:
    """(label, disputed, claims) per time: disagreements, agreeing times, then undated.

    ``disputed`` is None for claims no time can be given for (an undated article).
    """
    placed: set[int] = set()
    groups: list[tuple[str, bool | None, list[Claim]]] = []
    for disagreement in conflict.disagreements:
        label = disagreement.as_of or "any time"
        groups.append((label, True, list(disagreement.claims)))
        placed.update(id(c) for c in disagreement.claims)
    for point in conflict.trend:
        rest = [c for c in point.claims if id(c) not in placed]
        if rest:
            groups.append((point.as_of, False, rest))
            placed.update(id(c) for c in rest)
    left = [c for c in conflict.claims if id(c) not in placed]
    if left:
        groups.append(("no date", None, left))
    groups.sort(key=lambda g: (g[2][0].as_of is None, g[2][0].as_of or "", g[1] is not True))
    return groups


class ConflictScreen(ModalScreen["Claim | None"]):
    """Every claim on one figure: value, source, date, as-of time, who said it, the sentence.

    Claims about the same time that do not agree are grouped under a ⚠; a
    change over time shows as the trend line. Dismisses with the chosen claim.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "close", "Back", id="fieldbrief.conflict.close"),
    ]

    def __init__(self, conflict: Conflict, origin: tuple[str, int] | None = None) -> None:
        super().__init__()
        self.conflict = conflict
        self.origin = origin
        self.claim_rows: dict[str, Claim] = {}

    def compose(self) -> ComposeResult:
        conflict = self.conflict
        claims = conflict.claims
        sources = len({c.article_id for c in claims})
        if conflict.disagreements:
            head = ("⚠ Sources disagree: ", "bold $text-warning")
        else:
            head = ("↗ Changes over time: ", "bold $text-secondary")
        with Vertical(id="conflict-dialog"):
            yield Static(
                Content.assemble(
                    head,
                    (one_line(ov.conflict_label(conflict), 50), "bold"),
                    (f"  {len(claims)} claims, {sources} sources", "$text-muted"),
                ),
                id="conflict-title",
            )
            if len(conflict.trend) > 1:
                # The change over time at a glance: one bar per time, oldest first.
                yield Sparkline([p.value or 0.0 for p in conflict.trend], id="conflict-sparkline")
            if conflict.trend:
                yield Static(
                    Content.assemble(
                        ("Trend ", "bold"), (one_line(ov.trend_text(conflict), 200), "$text-muted")
                    ),
                    id="conflict-trend",
                )
            yield ClaimList(*self._options(), id="conflict-claims")
            yield Static(
                Content.styled(
                    "↑/↓ choose · enter opens the article at the claim · esc back", "$text-muted"
                ),
                id="conflict-foot",
            )

    def _options(self) -> list[Option]:
        options: list[Option] = []
        for label, disputed, claims in claim_groups(self.conflict):
            if disputed is True:
                header = Content.assemble(
                    ("⚠ ", "bold $text-warning"),
                    (one_line(label, 20), "bold"),
                    ("  these do not agree", "$text-warning"),
                )
            elif disputed is False:
                header = Content.assemble(
                    (one_line(label, 20), "bold"), ("  in agreement", "$text-muted")
                )
            else:
                header = Content.assemble(
                    ("Undated", "bold"), ("  the time is not known", "$text-muted")
                )
            options.append(Option(header, disabled=True))
            for claim in claims:
                key = f"claim:{len(self.claim_rows)}"
                self.claim_rows[key] = claim
                options.append(Option(self._claim_prompt(claim), id=key))
        return options

    @staticmethod
    def _claim_prompt(claim: Claim) -> Hanging:
        # Wrapped lines hang under their text, so each claim reads as one block.
        meta = [one_line(claim.source, 30) or "unknown source", one_line(claim.date) or "undated"]
        if claim.as_of and claim.as_of != claim.date:
            meta.append(f"as of {one_line(claim.as_of, 12)}")
        pad = Content("    ")
        lines: list[tuple[Content, Content]] = [
            (
                Content("  "),
                Content.assemble(
                    (claim_value(claim), "bold $text-warning"),
                    ("  " + " · ".join(meta), "bold"),
                ),
            )
        ]
        said = claim.attribution.get("text") if claim.attribution else None
        if said:
            lines.append(
                (pad, Content.styled("— " + one_line(str(said), 80), "italic $text-muted"))
            )
        sentence = claim.sentence or claim.text
        lines.append((pad, Content("“" + one_line(sentence, 400) + "”")))
        return Hanging(lines)

    def on_mount(self) -> None:
        listing = self.query_one(ClaimList)
        start = next(
            (
                key
                for key, claim in self.claim_rows.items()
                if self.origin is not None and (claim.article_id, claim.start) == self.origin
            ),
            next(iter(self.claim_rows), None),
        )
        if start is not None:
            listing.highlighted = listing.get_option_index(start)
        listing.focus()

    @property
    def current_claim(self) -> Claim | None:
        option = self.query_one(ClaimList).highlighted_option
        return self.claim_rows.get(option.id or "") if option is not None else None

    @on(OptionList.OptionSelected, "#conflict-claims")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.claim_rows.get(event.option.id or ""))

    def action_close(self) -> None:
        self.dismiss(None)


@dataclass
class DatedFact:
    """A timeline row the analyst chose: which article to open, and where."""

    value: str
    text: str
    article_id: str
    title: str
    sentence: tuple[int, int] | None
    span: tuple[int, int]


class TimelineScreen(Screen[DatedFact | None]):
    """Events over time (a sparkline by month), then every event with its sources.

    An event reported by several articles is one row, followed by a row per
    source; enter on the event opens its first source, on a source that one,
    each at the clause that dates it.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,t,q", "close", "Back", id="fieldbrief.timeline.close"),
    ]
    MAX_EVENTS = 2000

    def __init__(self, library: Library) -> None:
        super().__init__()
        self.library = library
        self.dated: dict[str, DatedFact] = {}
        self.events: list[Event] = []
        self.newest_only = False

    def compose(self) -> ComposeResult:
        yield Static(Content.styled("Timeline", "bold $text-primary"), id="timeline-title")
        with Horizontal(id="timeline-chart"):
            yield Sparkline([], id="timeline-sparkline")
        yield Static(Content.styled("Collecting events…", "$text-muted"), id="timeline-range")
        yield TimelineList(id="timeline-facts")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one(TimelineList).loading = True
        self._load()

    @work(thread=True, exclusive=True, group="timeline")
    def _load(self) -> None:
        from fieldbrief.search.events import events_per_month
        from fieldbrief.search.library import TIMELINE_ARTICLES

        events = self.library.timeline()
        data, first, last = events_per_month(events)
        self.newest_only = self.library.article_count() > TIMELINE_ARTICLES
        self.app.call_from_thread(self._show, data, first, last, events)

    def _show(
        self, data: list[float], first: str | None, last: str | None, events: list[Event]
    ) -> None:
        self.events = events
        self.query_one(Sparkline).data = data or [0.0]
        if first and last:
            text = f"Events by month, {first} to {last} · peak {int(max(data))} reports a month"
        else:
            text = "No dated events"
        shown = events[: self.MAX_EVENTS]
        sources = sum(len(e.sources) for e in events)
        if len(events) > len(shown):
            text += f" · first {len(shown):,} of {len(events):,} events"
        else:
            text += f" · {len(events):,} events from {sources:,} reports"
        if self.newest_only:
            from fieldbrief.search.library import TIMELINE_ARTICLES

            text += f" · newest {TIMELINE_ARTICLES:,} articles"
        self.query_one("#timeline-range", Static).update(Content.styled(text, "$text-muted"))
        listing = self.query_one(TimelineList)
        options: list[Option] = []
        self.dated = {}
        for number, event in enumerate(shown):
            key = f"e{number}"
            first_source = event.sources[0]
            self.dated[key] = self._target(event, first_source)
            count = len(event.sources)
            cited = one_line(first_source.source or "unknown source", 30)
            options.append(
                Option(
                    Hanging(
                        [
                            (
                                Content.styled(
                                    f"{one_line(event.date, 10):<10}  ", "bold $text-accent"
                                ),
                                Content.assemble(
                                    (one_line(event.text, 300), "bold" if count > 1 else ""),
                                    ("  — ", "$text-muted"),
                                    (
                                        f"{count} sources" if count > 1 else cited,
                                        "$text-secondary" if count > 1 else "$text-muted",
                                    ),
                                ),
                            )
                        ]
                    ),
                    id=key,
                )
            )
            if count > 1:
                for index, source in enumerate(event.sources):
                    source_key = f"{key}s{index}"
                    self.dated[source_key] = self._target(event, source)
                    options.append(
                        Option(
                            Hanging(
                                [
                                    (
                                        Content.styled("            ↳ ", "$text-muted"),
                                        Content.assemble(
                                            (
                                                one_line(source.source or "unknown source", 30),
                                                "bold",
                                            ),
                                            (f"  {source.date or 'undated'}  ", "$text-muted"),
                                            (one_line(source.text, 200), "italic"),
                                        ),
                                    )
                                ]
                            ),
                            id=source_key,
                        )
                    )
        listing.set_options(options)
        listing.loading = False
        if options:
            listing.highlighted = 0
        listing.focus()

    @staticmethod
    def _target(event: Event, source: EventSource) -> DatedFact:
        return DatedFact(
            value=event.date,
            text=one_line(source.text, 200),
            article_id=source.article_id,
            title=one_line(source.title, 80),
            sentence=(source.start, source.end),
            span=(source.start, source.end),
        )

    @on(OptionList.OptionSelected, "#timeline-facts")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.dated.get(event.option.id or ""))

    def action_close(self) -> None:
        self.dismiss(None)


class TimelineList(OptionList):
    inherit_bindings = False
    BINDINGS: ClassVar[list[BindingType]] = [
        *list_keys("timeline", "date"),
        Binding("enter", "select", "Open source at sentence", id="fieldbrief.timeline.open"),
    ]
