"""An entity's profile screen: who or what it is, and everything the library says of it.

Opened with ``e`` on a person, organisation or place in the fact sidebar
(enter there still filters the results by it; ``s`` here does the same).
Every row that points into an article opens it there: an article at its top,
a quote, figure or event at its text. A name in "Named alongside" opens that
entity's profile.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from fieldbrief.search.wording import plural

from . import overview as ov
from .footer import KeyFooter
from .hanging import Hanging
from .keymap import list_keys
from .safe import one_line

if TYPE_CHECKING:
    from fieldbrief.search.library import Library
    from fieldbrief.search.profile import Profile


@dataclass
class ProfileChoice:
    """What the analyst chose on a profile: an article (at a span), a search, or another entity."""

    article_id: str | None = None
    span: tuple[int, int] | None = None
    query: str | None = None
    entity: tuple[str, str] | None = None


class ProfileList(OptionList):
    inherit_bindings = False
    BINDINGS: ClassVar[list[BindingType]] = [
        *list_keys("entity"),
        Binding("enter", "select", "Open", id="fieldbrief.entity.open"),
    ]


class EntityScreen(Screen[ProfileChoice | None]):
    """The profile of one entity (see the module docstring)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "close", "Back", id="fieldbrief.entity.close"),
        Binding("s", "search", "Search its articles", id="fieldbrief.entity.search"),
    ]

    def __init__(self, library: Library, kind: str, name: str) -> None:
        super().__init__()
        self.library = library
        self.entity_kind = kind
        self.entity_name = name
        self.profile: Profile | None = None
        self.choices: dict[str, ProfileChoice] = {}

    def compose(self) -> ComposeResult:
        yield Static(
            Content.assemble(
                (one_line(self.entity_name, 60), "bold $text-primary"),
                (f"  {self.entity_kind}", "$text-muted"),
            ),
            id="entity-title",
        )
        yield Static(Content.styled("Reading the library…", "$text-muted"), id="entity-summary")
        yield ProfileList(id="entity-rows")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one(ProfileList).loading = True
        self._load()

    @work(thread=True, exclusive=True, group="entity")
    def _load(self) -> None:
        from fieldbrief.search.profile import entity_profile

        profile = entity_profile(self.library, self.entity_name, self.entity_kind)
        self.app.call_from_thread(self._show, profile)

    def _show(self, profile: Profile | None) -> None:
        listing = self.query_one(ProfileList)
        listing.loading = False
        summary = self.query_one("#entity-summary", Static)
        self.profile = profile
        if profile is None:
            summary.update(Content.styled("Not found in the library.", "italic $text-muted"))
            return
        self.query_one("#entity-title", Static).update(
            Content.assemble(
                (one_line(profile.name, 60), "bold $text-primary"),
                (f"  {profile.kind}", "$text-muted"),
            )
        )
        aliases = [one_line(a, 40) for a in profile.aliases if a != profile.name]
        parts = [plural(profile.article_count, "article")]
        if aliases:
            parts.append("also written " + ", ".join(aliases[:6]))
        summary.update(Content.styled(" · ".join(parts), "$text-muted"))
        options: list[Option] = []
        self.choices = {}

        def header(label: str, count: int) -> None:
            options.append(
                Option(
                    Content.styled(f"{label} ({count})", "bold $text-primary underline"),
                    disabled=True,
                )
            )

        def row(prompt: Content | Hanging, choice: ProfileChoice | None) -> None:
            if choice is None:
                options.append(Option(prompt, disabled=True))
                return
            key = f"row:{len(self.choices)}"
            self.choices[key] = choice
            options.append(Option(prompt, id=key))

        header("Roles", len(profile.roles))
        for role in profile.roles:
            when = role.first if role.first == role.last else f"{role.first} to {role.last}"
            row(
                Content.assemble(
                    ("  " + one_line(role.role, 60), "bold"),
                    (
                        f"  {one_line(when) or 'undated'} · {plural(len(role.article_ids), 'article')}",
                        "$text-muted",
                    ),
                ),
                None,
            )
        header("Quotes", len(profile.quotes))
        for quote in profile.quotes:
            row(
                Hanging.under(
                    Content("  "),
                    Content.assemble(
                        ("“" + one_line(quote.text, 300) + "”", "italic"),
                        (f"  {one_line(quote.source, 30) or 'unknown source'}", "bold"),
                        (f" {quote.date or 'undated'}", "$text-muted"),
                    ),
                ),
                ProfileChoice(quote.article_id, (quote.start, quote.end)),
            )
        header("Figures attributed", len(profile.figures))
        for figure in profile.figures:
            said = (figure.attribution or {}).get("text") or ""
            row(
                Content.assemble(
                    ("  " + one_line(figure.text, 80), "bold $text-warning"),
                    (f"  {one_line(figure.subject, 40)}", ""),
                    (f"  {one_line(str(said), 60)}", "italic $text-muted"),
                ),
                ProfileChoice(figure.article_id, (figure.start, figure.end)),
            )
        header("Events", len(profile.events))
        for event in profile.events:
            first = event.sources[0]
            row(
                Hanging.under(
                    Content.styled(f"  {one_line(event.date, 10):<10}  ", "bold $text-accent"),
                    Content.assemble(
                        one_line(event.text, 300),
                        (f"  — {plural(len(event.sources), 'source')}", "$text-muted"),
                    ),
                ),
                ProfileChoice(first.article_id, (first.start, first.end)),
            )
        header("Articles", len(profile.articles))
        for article in profile.articles:
            row(
                Hanging.under(
                    Content.styled(f"  {article.date or 'undated':<10}  ", "$text-muted"),
                    Content.assemble(
                        (one_line(article.title, 120), "bold"),
                        (f"  {one_line(article.source, 30) or ''}", "$text-muted"),
                    ),
                ),
                ProfileChoice(article.id),
            )
        header("Named alongside", len(profile.co_mentioned))
        for other, kind, count in profile.co_mentioned:
            row(
                Content.assemble(
                    ("  " + one_line(other, 60), "bold"),
                    (f"  {kind} · {plural(count, 'article')}", "$text-muted"),
                ),
                ProfileChoice(entity=(kind, other)),
            )
        listing.set_options(options)
        first_row = next(iter(self.choices), None)
        if first_row is not None:
            listing.highlighted = listing.get_option_index(first_row)
        listing.focus()

    @on(OptionList.OptionSelected, "#entity-rows")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        choice = self.choices.get(event.option.id or "")
        if choice is not None:
            self.dismiss(choice)

    def action_search(self) -> None:
        name = self.profile.name if self.profile is not None else self.entity_name
        kind = self.profile.kind if self.profile is not None else self.entity_kind
        self.dismiss(ProfileChoice(query=ov.entity_query(kind, name)))

    def action_close(self) -> None:
        self.dismiss(None)
