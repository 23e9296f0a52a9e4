"""The fact sidebar: the open article's facts, or the library-wide overview."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from fieldbrief.search.model import ENTITY_FIELD, SECTIONS, Fact
from fieldbrief.search.wording import claim_value, figure_name, plural

from . import overview as ov
from .hanging import Hanging, Line
from .keymap import list_keys
from .safe import one_line

if TYPE_CHECKING:
    from fieldbrief.search.facts.resolve import Conflict, Entity, Overview

TOP_ENTITIES = 8


@dataclass
class FactEntry:
    kind: str
    name: str
    spans: list[tuple[int, int]] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)
    detail: str = ""
    count: int | None = None
    conflicts: list[Conflict] = field(default_factory=list)
    sentence: tuple[int, int] | None = None
    article_ids: list[str] = field(default_factory=list)
    disputed: bool = False
    """Another source disagrees about the same time (⚠); a change over time is not that."""

    @property
    def key(self) -> tuple[str, str]:
        return (self.kind, self.name)

    @property
    def is_entity(self) -> bool:
        return self.kind in ENTITY_FIELD


def _date_detail(said: str, name: str, resolution: str | None) -> str:
    """What the text said, and how it was resolved when that was not literal."""
    if not resolution or resolution == "absolute":
        return said if said != name else ""
    if "relative to" in resolution:
        anchor = resolution.rsplit("relative to", 1)[1].strip(" )")
        return f"{said} · from {anchor}"
    return f"{said} · {resolution}"


def group_facts(
    article_id: str, facts: Iterable[Fact], conflicts: Iterable[Conflict] = ()
) -> dict[str, list[FactEntry]]:
    """Facts by kind, one entry per distinct entity/date/figure, in reading order."""
    # Here, not at the top: the export module brings the briefing's storage,
    # which the first frame does not need.
    from fieldbrief.search.export import conflicts_for_fact

    conflicts = list(conflicts)
    grouped: dict[str, dict[str, FactEntry]] = {kind: {} for kind, _ in SECTIONS}
    for fact in sorted(facts, key=lambda f: f.start):
        if fact.kind not in grouped:
            continue
        if fact.kind == "figure":
            name = figure_name(fact)
            key = f"{name}@{fact.start}" if fact.subject is None else f"{name}|{fact.subject}"
        elif fact.kind == "date":
            name = str(fact.value) if fact.value else one_line(fact.text)
            key = name
        elif fact.kind == "quote":
            name = "“" + one_line(fact.text, 60) + "”"
            key = f"quote@{fact.start}"
        else:
            name = one_line(fact.value if isinstance(fact.value, str) and fact.value else fact.text)
            key = name.casefold()
        entry = grouped[fact.kind].get(key)
        if entry is None:
            entry = FactEntry(kind=fact.kind, name=name, sentence=fact.sentence)
            if fact.kind == "date":
                entry.detail = _date_detail(one_line(fact.text, 40), name, fact.resolution)
            elif fact.kind == "figure":
                entry.detail = one_line(fact.subject or "", 40)
                entry.conflicts = conflicts_for_fact(article_id, fact, conflicts)
                entry.disputed = any(c.disputes(article_id, fact.start) for c in entry.conflicts)
            elif fact.kind == "quote":
                entry.detail = "— " + (
                    one_line(str(fact.value), 40) if fact.value else "unattributed"
                )
            if fact.kind == "figure" and fact.attribution and fact.attribution.get("text"):
                entry.roles.append("— " + one_line(str(fact.attribution["text"]), 60))
            grouped[fact.kind][key] = entry
        entry.spans.append((fact.start, fact.end))
        if fact.role:
            role = one_line(fact.role, 60)
            if role and role not in entry.roles:
                entry.roles.append(role)
    return {kind: list(entries.values()) for kind, entries in grouped.items()}


class FactList(OptionList):
    inherit_bindings = False
    BINDINGS: ClassVar[list[BindingType]] = [
        *list_keys("facts", "fact"),
        Binding("enter", "select", "Filter / open", id="fieldbrief.facts.choose"),
        Binding("x", "conflict", "Claims across sources", id="fieldbrief.facts.conflict"),
        Binding("e", "profile", "Entity profile", id="fieldbrief.facts.profile"),
    ]

    class Highlighted(Message):
        def __init__(self, entry: FactEntry | None) -> None:
            self.entry = entry
            super().__init__()

    class ProfileWanted(Message):
        """``e`` on a person, organisation or place: open its profile."""

        def __init__(self, entry: FactEntry) -> None:
            self.entry = entry
            super().__init__()

    class Chosen(Message):
        def __init__(self, entry: FactEntry | None, conflict: Conflict | None = None) -> None:
            self.entry = entry
            self.conflict = conflict
            super().__init__()

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.entries: dict[str, FactEntry] = {}
        self.conflict_rows: dict[str, Conflict] = {}
        self.mode = "empty"
        self._quiet_index: int | None = None

    # --- filling --------------------------------------------------------------

    def show_article(self, grouped: dict[str, list[FactEntry]]) -> None:
        was = self.current_entry if self.mode == "article" else None
        self.mode = "article"
        self.entries = {}
        self.conflict_rows = {}
        options: list[Option] = []
        for kind, label in SECTIONS:
            entries = grouped.get(kind, [])
            options.append(self._header(f"{label} ({len(entries)})"))
            if not entries:
                options.append(
                    Option(Content.styled("  none found", "italic $text-muted"), disabled=True)
                )
            for entry in entries:
                option_id = f"fact:{len(self.entries)}"
                self.entries[option_id] = entry
                options.append(Option(self._prompt(entry), id=option_id))
        self.set_options(options)
        if was is not None:
            self._keep_place(was)

    def _keep_place(self, was: FactEntry) -> None:
        """Stay on the same fact in the next article, or in the same section.

        Reading down the results should not throw the sidebar cursor back to
        the top each time; the move is quiet (the article is not scrolled to
        the fact), since the analyst did not move the cursor.
        """
        same_kind: str | None = None
        for option_id, entry in self.entries.items():
            if entry.key == was.key:
                same_kind = option_id
                break
            if same_kind is None and entry.kind == was.kind:
                same_kind = option_id
        if same_kind is None:
            return
        index = self.get_option_index(same_kind)
        self._quiet_index = index
        self.highlighted = index

    def show_overview(self, overview: Overview | None, doc_count: int | None = None) -> None:
        self.mode = "overview"
        self.entries = {}
        self.conflict_rows = {}
        options: list[Option] = []
        if overview is None:
            text = "Library overview not available yet."
            if doc_count is not None:
                text = f"{plural(doc_count, 'article')}. {text}"
            options.append(Option(Content.styled(text, "italic $text-muted"), disabled=True))
            self.set_options(options)
            return
        by_kind: dict[str, list[Entity]] = {}
        for entity in overview.entities:
            by_kind.setdefault(entity.kind, []).append(entity)
        for kind, label in SECTIONS[:3]:
            ranked = sorted(by_kind.get(kind, []), key=lambda e: (-e.articles, e.name))
            options.append(self._header(f"Top {label.lower()}"))
            if not ranked:
                options.append(
                    Option(Content.styled("  none", "italic $text-muted"), disabled=True)
                )
            for entity in ranked[:TOP_ENTITIES]:
                roles = [one_line(r, 60) for r in entity.roles][:2]
                entry = FactEntry(
                    kind=kind,
                    name=one_line(entity.name),
                    roles=[r for r in roles if r],
                    count=entity.articles,
                    article_ids=list(entity.article_ids),
                )
                option_id = f"fact:{len(self.entries)}"
                self.entries[option_id] = entry
                options.append(Option(self._prompt(entry), id=option_id))
        found = overview.conflicts
        options.append(self._header(f"Conflicting figures ({len(found)})"))
        if not found:
            options.append(Option(Content.styled("  none", "italic $text-muted"), disabled=True))
        for conflict in found:
            option_id = f"conflict:{len(self.conflict_rows)}"
            self.conflict_rows[option_id] = conflict
            if conflict.disagreements:
                group = conflict.disagreements[0]
                values = " vs ".join(dict.fromkeys(claim_value(c) for c in group.claims))
                values += f" ({group.as_of})" if group.as_of else ""
                mark = Content.styled("⚠ ", "bold $text-warning")
            else:
                values = ov.trend_text(conflict)
                mark = Content.styled("↗ ", "bold $text-secondary")
            prompt = Hanging(
                [
                    (mark, Content.styled(one_line(ov.conflict_label(conflict), 40), "bold")),
                    (Content("    "), Content.styled(one_line(values, 60), "$text-muted")),
                ]
            )
            options.append(Option(prompt, id=option_id))
        self.set_options(options)

    def _header(self, label: str) -> Option:
        return Option(Content.styled(label, "bold $text-primary underline"), disabled=True)

    def _prompt(self, entry: FactEntry) -> Hanging:
        # Names line up after a two-cell leader (the ⚠ or ↗ mark, or blanks); a
        # wrapped name, count or role continues under its own text. ⚠: another
        # source disagrees about the same time; ↗: other values at other times.
        if entry.disputed:
            leader = Content.styled("⚠ ", "bold $text-warning")
        elif entry.conflicts:
            leader = Content.styled("↗ ", "bold $text-secondary")
        else:
            leader = Content("  ")
        parts: list[str | tuple[str, str] | Content] = [
            (entry.name, "bold" if entry.is_entity else "")
        ]
        if entry.detail:
            parts.append(("  " + entry.detail, "$text-muted"))
        if entry.count is not None:
            parts.append((f"  {plural(entry.count, 'article')}", "$text-secondary"))
        elif len(entry.spans) > 1:
            parts.append((f"  ×{len(entry.spans)}", "$text-muted"))
        lines: list[Line] = [(leader, Content.assemble(*parts))]
        for role in entry.roles[:2]:
            lines.append((Content("    "), Content.styled(role, "italic $text-muted")))
        return Hanging(lines)

    def set_counts(self, counts: dict[tuple[str, str], int]) -> None:
        for option_id, entry in self.entries.items():
            if entry.key in counts and entry.count != counts[entry.key]:
                entry.count = counts[entry.key]
                self.replace_option_prompt(option_id, self._prompt(entry))

    # --- actions --------------------------------------------------------------

    @property
    def current_entry(self) -> FactEntry | None:
        option = self.highlighted_option
        return self.entries.get(option.id or "") if option is not None else None

    def action_first(self) -> None:
        for index in range(self.option_count):
            if not self.get_option_at_index(index).disabled:
                self.highlighted = index
                return

    def action_last(self) -> None:
        for index in reversed(range(self.option_count)):
            if not self.get_option_at_index(index).disabled:
                self.highlighted = index
                return

    def action_profile(self) -> None:
        entry = self.current_entry
        if entry is None or not entry.is_entity:
            self.app.bell()
            return
        self.post_message(self.ProfileWanted(entry))

    def action_conflict(self) -> None:
        option = self.highlighted_option
        if option is None:
            return
        if option.id in self.conflict_rows:
            self.post_message(self.Chosen(None, self.conflict_rows[option.id]))
            return
        entry = self.current_entry
        if entry is not None and entry.conflicts:
            self.post_message(self.Chosen(entry, entry.conflicts[0]))
        else:
            self.app.bell()

    def _on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        if event.option_index == self._quiet_index:
            self._quiet_index = None
            return
        self._quiet_index = None
        self.post_message(self.Highlighted(self.entries.get(event.option.id or "")))

    def _on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        option_id = event.option.id or ""
        if option_id in self.conflict_rows:
            self.post_message(self.Chosen(None, self.conflict_rows[option_id]))
            return
        entry = self.entries.get(option_id)
        if entry is None:
            return
        conflict = entry.conflicts[0] if entry.conflicts else None
        self.post_message(self.Chosen(entry, conflict))
