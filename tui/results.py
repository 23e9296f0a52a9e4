"""The results pane: one page of hits at a time, grouped by story when known."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import partial
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from fieldbrief.search.results import Hit, SearchResults

from .hanging import Hanging
from .keymap import list_keys
from .safe import one_line, plain, spans_content

PAGE_SIZE = 50
REST_DELAY_SECONDS = 0.2
"""How long after a page's first screenful of rows the others are added."""
LOAD_MORE = "load-more"


@dataclass
class _Row:
    hit: Hit
    children: list[Hit] = field(default_factory=list)


class ResultsList(OptionList):
    """Hits for the current query. Options hold only the loaded page(s)."""

    inherit_bindings = False
    BINDINGS: ClassVar[list[BindingType]] = [
        *list_keys("results", "result"),
        Binding("enter,l", "select", "Open article", id="fieldbrief.results.open"),
        Binding("space", "toggle_story", "Expand story", id="fieldbrief.results.expand"),
        Binding("s", "screen.toggle_sort", "Sort", id="fieldbrief.results.sort"),
    ]

    class Opened(Message):
        """A hit was chosen (enter); ``focus`` says whether to move to the article."""

        def __init__(self, article_id: str, focus: bool) -> None:
            self.article_id = article_id
            self.focus = focus
            super().__init__()

    class MoreWanted(Message):
        """The cursor reached the end of the loaded page and more hits exist."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.results: SearchResults | None = None
        self.hits: list[Hit] = []
        self.story_of: dict[str, int] = {}
        self.expanded: set[int] = set()
        self.loading_more = False
        # Where the cursor goes when a page it asked for by reaching the
        # load-more row arrives: the first new hit (↓), or on through every
        # page to the last hit (end).
        self._to_last = False
        self._rest: Callable[[], None] | None = None
        self._prompts: dict[tuple[str, str], Hanging] = {}

    def watch_show_vertical_scrollbar(self) -> None:
        # The content width changes with the scrollbar, but OptionList's caches
        # are keyed by option, not width: rows kept a stale wrap (blank lines).
        self._clear_caches()

    @property
    def loaded_pages(self) -> int:
        return (len(self.hits) + PAGE_SIZE - 1) // PAGE_SIZE

    @property
    def has_more(self) -> bool:
        results = self.results
        if results is None:
            return False
        # While the total is still being counted, a full page may have more.
        return len(self.hits) < results.total or not results.total_exact

    def show_results(
        self, results: SearchResults, story_of: dict[str, int] | None = None, append: bool = False
    ) -> None:
        keep = self.highlighted_option.id if append and self.highlighted_option else None
        # Where the load-more row was is where the new rows start, should the
        # row kept be inside a collapsed story.
        fallback = (self.highlighted or 0) if append else 0
        self.results = results
        self.hits = [*self.hits, *results.hits] if append else list(results.hits)
        if story_of is not None:
            self.story_of = story_of
        if not append:
            self.expanded.clear()
            self._prompts.clear()
            self._to_last = False
        self.loading_more = False
        if keep == LOAD_MORE and results.hits:
            # Staying on the load-more row would ask for the next page at
            # once, and the one after, and then (the row gone) fall back to
            # the first hit. End goes on while there is more, then to the
            # last row (the row kept is gone: the fallback, past the end).
            if not self._to_last:
                keep = f"hit:{results.hits[0].id}"
            elif not self.has_more:
                self._to_last, fallback = False, len(self.hits)
        self._rebuild(keep, fallback=fallback)

    def set_total(self, total: int) -> None:
        """The exact number of hits, counted after the page was shown."""
        if self.results is None:
            return
        self.results = replace(self.results, total=total, total_exact=True)
        keep = self.highlighted_option.id if self.highlighted_option else None
        self._rebuild(keep)

    def set_story_index(self, story_of: dict[str, int]) -> None:
        self.story_of = story_of
        if self.hits:
            keep = self.highlighted_option.id if self.highlighted_option else None
            self._rebuild(keep)

    def _rows(self) -> list[_Row]:
        rows: list[_Row] = []
        by_story: dict[int, _Row] = {}
        for hit in self.hits:
            story = self.story_of.get(hit.id)
            if story is not None and story in by_story:
                by_story[story].children.append(hit)
                continue
            row = _Row(hit)
            rows.append(row)
            if story is not None:
                by_story[story] = row
        return rows

    def _rebuild(self, keep: str | None, fallback: int = 0) -> None:
        self._rest = None  # rows an earlier build had still to add
        rows = self._rows()
        # Rows are numbered as shown, so a collapsed story never leaves a gap
        # (1, 2, 4); the leader width is fixed per page so every row hangs alike.
        number_width = len(str(len(rows)))
        # A new page's first frame wraps only the rows that can be on screen
        # (OptionList measures every option to lay the list out: wrapping all
        # 50 was 40% of the app's first frame); the rest follow a moment later,
        # after the frame and the footer's keys, or as soon as a key needs them.
        # A rebuild keeping a row (a count, a story) adds them all.
        screenful = self._screenful()
        self.set_class(len(rows) > screenful, "-overflowing")
        now = len(rows) if keep is not None else min(len(rows), screenful)
        options = self._options_for(rows, 0, now, number_width)
        self.set_options(options)
        if now < len(rows):
            self._rest = partial(self._add_rows, rows, now, number_width)
            self.set_timer(REST_DELAY_SECONDS, partial(self._finish_rows, self._rest))
        if not options:
            return
        index = 0
        if keep is not None:
            try:
                index = self.get_option_index(keep)
            except Exception:
                index = min(fallback, self.option_count - 1)
        self.highlighted = index

    def _screenful(self) -> int:
        """How many rows fill the list for certain: each is at least three lines
        high (before it is laid out, the list is at most as high as the screen)."""
        height = self.size.height or self.app.size.height
        return height // 3 + 1

    def _add_rows(self, rows: list[_Row], start: int, number_width: int) -> None:
        self.add_options(self._options_for(rows, start, len(rows), number_width))

    def _finish_rows(self, rest: Callable[[], None] | None = None) -> None:
        """Add the rows the last build left for after its first frame (now, if
        something needs them all); ``rest`` is that build's, None for any."""
        pending = self._rest
        if pending is not None and (rest is None or rest is pending):
            self._rest = None
            pending()

    def _options_for(
        self, rows: list[_Row], start: int, end: int, number_width: int
    ) -> list[Option]:
        """Options for ``rows[start:end]``, with the load-more row after the last row."""
        options: list[Option] = []
        for number, row in enumerate(rows[start:end], start + 1):
            leader = f" {number:>{number_width}}. "
            options.append(Option(self._prompt(row.hit, leader), id=f"hit:{row.hit.id}"))
            if not row.children:
                continue
            story = self.story_of[row.hit.id]
            pad = " " * len(leader)
            if story in self.expanded:
                for child in row.children:
                    options.append(Option(self._prompt(child, pad + "↳ "), id=f"hit:{child.id}"))
            else:
                more = len(row.children)
                label = f"+ {more} more from same story (space to expand)"
                options.append(
                    Option(
                        Hanging.under(Content(pad), Content.styled(label, "italic $text-muted")),
                        id=f"story:{story}",
                    )
                )
        if end == len(rows) and self.has_more and self.results is not None:
            remaining = (
                self.results.total - len(self.hits) if self.results.total_exact else PAGE_SIZE
            )
            options.append(
                Option(
                    Hanging.under(
                        Content("   "),
                        Content.styled(
                            f"↓ load {min(remaining, PAGE_SIZE)} more", "italic $text-muted"
                        ),
                    ),
                    id=LOAD_MORE,
                )
            )
        return options

    @property
    def ranked_by_score(self) -> bool:
        """Whether scores mean anything: not for the library listing or a date sort."""
        results = self.results
        return results is not None and results.sort == "relevance" and bool(results.query.strip())

    def _prompt(self, hit: Hit, leader: str) -> Hanging:
        # Kept per page: a rebuild (the total counted, stories grouped) then
        # reuses each row's wrapped lines instead of wrapping them all again.
        key = (hit.id, leader)
        prompt = self._prompts.get(key)
        if prompt is None:
            prompt = self._prompts[key] = self._new_prompt(hit, leader)
        return prompt

    def _new_prompt(self, hit: Hit, leader: str) -> Hanging:
        title = Content.styled(one_line(hit.title) or "(untitled)", "bold")
        meta_parts = [
            hit.date.isoformat() if hit.date else "undated",
            one_line(hit.source, 30) or "unknown source",
        ]
        if self.ranked_by_score:
            meta_parts.append(f"score {hit.score:.2f}")
        meta = Content.styled(" · ".join(meta_parts), "$text-muted")
        snippet, spans = clip_snippet(*flat_snippet(hit.snippet, hit.highlights))
        body = spans_content(snippet, spans, "bold underline $text-accent")
        return Hanging.under(Content.styled(leader, "$text-muted"), title, meta, body)

    def hit_for(self, option_id: str | None) -> Hit | None:
        if not option_id or not option_id.startswith("hit:"):
            return None
        article_id = option_id[4:]
        return next((h for h in self.hits if h.id == article_id), None)

    def select_article(self, article_id: str) -> bool:
        self._finish_rows()
        try:
            self.highlighted = self.get_option_index(f"hit:{article_id}")
        except Exception:
            return False
        return True

    def action_first(self) -> None:
        if self.option_count:
            self.highlighted = 0

    def action_cursor_down(self) -> None:
        self._finish_rows()
        super().action_cursor_down()

    def action_page_down(self) -> None:
        self._finish_rows()
        super().action_page_down()

    def action_last(self) -> None:
        self._finish_rows()
        if self.option_count:
            self._to_last = True
            self.highlighted = self.option_count - 1

    def action_toggle_story(self) -> None:
        option = self.highlighted_option
        if option is None or option.id is None:
            return
        story: int | None = None
        if option.id.startswith("story:"):
            story = int(option.id.split(":", 1)[1])
        else:
            hit = self.hit_for(option.id)
            story = self.story_of.get(hit.id) if hit else None
        if story is None:
            return
        self.expanded ^= {story}
        members = [h for h in self.hits if self.story_of.get(h.id) == story]
        # Land on the first newly shown article when expanding, on the story's
        # lead when collapsing, so the cursor never jumps away from the group.
        target = members[1] if story in self.expanded and len(members) > 1 else members[0]
        self._rebuild(f"hit:{target.id}")

    def _on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id != LOAD_MORE:
            self._to_last = False  # moved elsewhere (g, ↑): an end under way stops at its page
        if event.option.id == LOAD_MORE and not self.loading_more:
            self.loading_more = True
            self.post_message(self.MoreWanted())

    def _on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        option_id = event.option.id or ""
        event.stop()
        if option_id == LOAD_MORE:
            if not self.loading_more:
                self.loading_more = True
                self.post_message(self.MoreWanted())
        elif option_id.startswith("story:"):
            self.action_toggle_story()
        elif option_id.startswith("hit:"):
            self.post_message(self.Opened(option_id[4:], focus=True))


def flat_snippet(snippet: str, spans: list[tuple[int, int]]) -> tuple[str, list[tuple[int, int]]]:
    """The snippet on one line, keeping the engine's highlight offsets valid.

    Whitespace is replaced one for one; if sanitising changed the length the
    offsets no longer line up, so the highlights are dropped rather than misplaced.
    """
    cleaned = plain(snippet)
    if len(cleaned) != len(snippet):
        return one_line(cleaned), []
    return re.sub(r"\s", " ", cleaned), list(spans)


SNIPPET_CHARS = 150


def clip_snippet(
    snippet: str, spans: list[tuple[int, int]], limit: int = SNIPPET_CHARS
) -> tuple[str, list[tuple[int, int]]]:
    """At most ``limit`` characters, starting a little before the first match.

    Rows stay two or three lines high, so a page of results is scannable.
    """
    if len(snippet) <= limit:
        return snippet, spans
    start = max(0, (spans[0][0] - 30) if spans else 0)
    start = snippet.rfind(" ", 0, start) + 1 if start else 0
    end = min(len(snippet), start + limit)
    if end < len(snippet):
        cut = snippet.rfind(" ", start, end)
        end = cut if cut > start else end
    prefix = "…" if start else ""
    suffix = "…" if end < len(snippet) else ""
    text = prefix + snippet[start:end] + suffix
    shift = len(prefix) - start
    kept = [(s + shift, min(e, end) + shift) for s, e in spans if s >= start and s < end]
    return text, kept
