"""The article pane: header, paragraphs with highlights, find-in-article."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Input, Static

from fieldbrief.search.facts.tokenize import sentences
from fieldbrief.search.model import Article, Fact
from fieldbrief.search.snippets import STOP_WORDS, term_pattern

from .safe import one_line, plain

TERM_STYLE = "bold underline $text-accent"
FACT_STYLE = "bold underline $text-warning on $warning-muted"
CURRENT_STYLE = "bold reverse"

_PARAGRAPH = re.compile(r"\S.*?(?=\n[ \t]*\n|\s*\Z)", re.S)

Span = tuple[int, int]


def paragraph_spans(body: str) -> list[Span]:
    return [(m.start(), m.end()) for m in _PARAGRAPH.finditer(body)]


def find_all(body: str, needle: str) -> list[Span]:
    needle = needle.strip()
    if not needle:
        return []
    return [(m.start(), m.end()) for m in re.finditer(re.escape(needle), body, re.I)]


def sentence_around(body: str, start: int, end: int) -> Span:
    """The sentence(s) holding body[start:end], as the fact engine splits them.

    A fallback for passages no fact's sentence span covers.
    """
    spans = sentences(body)
    if not spans:
        return start, end
    starts = [s for s, _ in spans]
    first = max(0, bisect.bisect_right(starts, start) - 1)
    last = max(first, bisect.bisect_left(starts, end) - 1)
    return min(spans[first][0], start), max(spans[last][1], end)


class Paragraph(Static):
    """One paragraph of the body; knows its offsets so highlights map onto it."""

    def __init__(self, start: int, end: int, content: Content) -> None:
        super().__init__(content, markup=False, classes="paragraph")
        self.start = start
        self.end = end


class ArticleBody(VerticalScroll, can_focus=True):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down,j", "scroll_down", "Scroll down", show=False, id="fieldbrief.article.down"),
        Binding("up,k", "scroll_up", "Scroll up", show=False, id="fieldbrief.article.up"),
        Binding("home,g", "scroll_home", "Top", show=False, id="fieldbrief.article.top"),
        Binding("end,G", "scroll_end", "Bottom", show=False, id="fieldbrief.article.bottom"),
        Binding(
            "pagedown,ctrl+d,space",
            "page_down",
            "Page down",
            show=False,
            id="fieldbrief.article.page_down",
        ),
        Binding("pageup,ctrl+u", "page_up", "Page up", show=False, id="fieldbrief.article.page_up"),
        Binding("n", "next_match", "Next hit", id="fieldbrief.article.next"),
        Binding("N", "previous_match", "Prev hit", id="fieldbrief.article.previous"),
        # Priority, like / for search: the letters typed after f are the find text.
        Binding("f,ctrl+f", "find", "Find in article", id="fieldbrief.article.find", priority=True),
        Binding(
            "right_square_bracket",
            "next_paragraph",
            "Next paragraph",
            show=False,
            id="fieldbrief.article.next_paragraph",
        ),
        Binding(
            "left_square_bracket",
            "previous_paragraph",
            "Prev paragraph",
            show=False,
            id="fieldbrief.article.previous_paragraph",
        ),
        Binding("c", "screen.copy_passage", "Copy passage", id="fieldbrief.article.copy_passage"),
        Binding(
            "m", "toggle_markdown", "Markdown/source", show=False, id="fieldbrief.article.markdown"
        ),
    ]

    def _pane(self) -> ArticlePane:
        return self.query_ancestor(ArticlePane)

    def action_next_match(self) -> None:
        self._pane().step_match(1)

    def action_previous_match(self) -> None:
        self._pane().step_match(-1)

    def action_find(self) -> None:
        self._pane().open_find()

    def action_next_paragraph(self) -> None:
        self._pane().step_paragraph(1)

    def action_previous_paragraph(self) -> None:
        self._pane().step_paragraph(-1)

    def action_toggle_markdown(self) -> None:
        self._pane().toggle_markdown()


class FindInput(Input):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close find", id="fieldbrief.find.close"),
        Binding("down", "next", "Next match", show=False, id="fieldbrief.find.next"),
        Binding("up", "previous", "Previous match", show=False, id="fieldbrief.find.previous"),
    ]

    def action_close(self) -> None:
        self.query_ancestor(ArticlePane).close_find()

    def action_next(self) -> None:
        self.query_ancestor(ArticlePane).step_match(1)

    def action_previous(self) -> None:
        self.query_ancestor(ArticlePane).step_match(-1)


class ArticlePane(Vertical):
    """Shows one article. All highlight state lives here; paragraphs are re-rendered
    from it, so highlights never drift from the body text they point into."""

    ALLOW_MAXIMIZE = True

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.article: Article | None = None
        self.facts: list[Fact] = []
        self.term_spans: list[Span] = []
        self.find_spans: list[Span] = []
        self.fact_spans: list[Span] = []
        self.focus_span: Span | None = None
        self.current: int = -1
        self.cursor_paragraph: int = 0
        self.rendered_markdown = False
        self._paragraphs: list[Paragraph] = []

    def compose(self) -> ComposeResult:
        yield Static(Content.styled("No article open", "$text-muted"), id="article-header")
        yield ArticleBody(id="article-body")
        yield Static(Content(""), id="article-matches")
        yield FindInput(placeholder="Find in article (enter: next, esc: close)", id="find")

    @property
    def body(self) -> ArticleBody:
        return self.query_one(ArticleBody)

    # --- loading --------------------------------------------------------------

    def show_empty(self, message: str) -> None:
        self.article = None
        self.facts = []
        self._paragraphs = []
        self.query_one("#article-header", Static).update(Content.styled(message, "$text-muted"))
        self.body.remove_children()

    def show_article(
        self,
        article: Article,
        facts: list[Fact],
        terms: Iterable[str] = (),
        focus_span: Span | None = None,
        scroll_y: float | None = None,
        phrases: Sequence[Sequence[str]] = (),
    ) -> None:
        self.article = article
        self.facts = facts
        body = article.body
        self.term_spans = self._term_spans(terms, phrases)
        self._show_matches(None)
        finder = self.query_one(FindInput)
        self.find_spans = find_all(body, finder.value) if finder.display else []
        self.fact_spans = []
        self.focus_span = focus_span
        self.current = -1
        self.cursor_paragraph = 0
        self.rendered_markdown = article.format == "md" and focus_span is None
        self.query_one("#article-header", Static).update(self._header(article))
        self._build_body()
        body_widget = self.body
        if focus_span is not None:
            self.call_after_refresh(self._scroll_to_offset, focus_span[0])
        elif scroll_y:
            self.call_after_refresh(self._restore_scroll, scroll_y, 40)
        else:
            body_widget.scroll_home(animate=False)

    def _term_spans(
        self, terms: Iterable[str], phrases: Sequence[Sequence[str]] = ()
    ) -> list[Span]:
        """Where the query's words stand in the body; a phrase's words only
        where they stand together (the whole phrase is one match)."""
        pattern = term_pattern(terms, phrases, STOP_WORDS)
        if pattern is None or self.article is None:
            return []
        return [(m.start(), m.end()) for m in pattern.finditer(self.article.body)]

    def set_terms(self, terms: Iterable[str], phrases: Sequence[Sequence[str]] = ()) -> None:
        """Highlight (and let n/N walk) a new query's words in the open article."""
        if self.article is None:
            return
        self.term_spans = self._term_spans(terms, phrases)
        if not self.find_spans:
            self.current = -1
            self._show_matches(None)
        if self.term_spans:
            self._source_view()
        self._rerender()

    def _show_matches(self, text: str | None) -> None:
        """The n/N counter under the article ("match 2 of 5"); hidden without one."""
        status = self.query_one("#article-matches", Static)
        status.update(Content.styled(text or "", "$text-muted"))
        status.set_class(text is not None, "-shown")

    def _restore_scroll(self, y: float, attempts: int) -> None:
        """Scroll to ``y`` once the paragraphs are laid out tall enough for it.

        Scrolling earlier clamps to the height known so far (often 0 on a busy
        machine), so wait a few frames for layout, up to two seconds.
        """
        body = self.body
        if body.max_scroll_y >= y or attempts <= 0:
            body.scroll_to(y=y, animate=False)
        else:
            self.set_timer(0.05, lambda: self._restore_scroll(y, attempts - 1))

    def refresh_header(self) -> None:
        if self.article is not None:
            self.query_one("#article-header", Static).update(self._header(self.article))

    def _header(self, article: Article) -> Content:
        title = Content.styled(one_line(article.title) or "(untitled)", "bold $text-primary")
        meta = [
            one_line(article.source, 60) or "unknown source",
            article.date.isoformat() if article.date else "undated",
            f"{article.word_count:,} words",
        ]
        if article.format == "md":
            meta.append("markdown (m: source/rendered)")
        if article.tags:
            meta.append("tags: " + ", ".join(one_line(t, 30) for t in article.tags))
        return Content("\n").join([title, Content.styled(" · ".join(meta), "$text-muted")])

    def _build_body(self) -> None:
        body_widget = self.body
        body_widget.remove_children()
        self._paragraphs = []
        article = self.article
        if article is None:
            return
        if self.rendered_markdown:
            # Textual's Markdown (and markdown-it) load when first shown, not at start.
            from .markdown_view import SafeMarkdown

            body_widget.mount(SafeMarkdown(plain(article.body)))
            return
        self._paragraphs = [
            Paragraph(start, end, Content("")) for start, end in paragraph_spans(article.body)
        ]
        for index in range(len(self._paragraphs)):
            self._render_paragraph(index)
        body_widget.mount_all(self._paragraphs)

    # --- highlights -----------------------------------------------------------

    @property
    def matches(self) -> list[Span]:
        """What n/N walk: find matches, else query hits, else the selected fact."""
        return self.find_spans or self.term_spans or self.fact_spans

    def _render_paragraph(self, index: int) -> None:
        if self.article is None:
            return
        para = self._paragraphs[index]
        start, end = para.start, para.end
        content = Content(plain(self.article.body[start:end]))
        if len(content.plain) != end - start:
            para.update(content)
            return
        current = self.matches[self.current] if 0 <= self.current < len(self.matches) else None
        layers: list[tuple[list[Span], str]] = [
            (self.term_spans, TERM_STYLE),
            (self.find_spans, TERM_STYLE),
            (self.fact_spans, FACT_STYLE),
            ([self.focus_span] if self.focus_span else [], FACT_STYLE),
            ([current] if current else [], CURRENT_STYLE),
        ]
        for spans, style in layers:
            for s, e in spans:
                s, e = max(s, start), min(e, end)
                if e > s:
                    content = content.stylize(style, s - start, e - start)
        para.update(content)
        para.set_class(index == self.cursor_paragraph and self.current >= 0, "-current")

    def _rerender(self) -> None:
        for index in range(len(self._paragraphs)):
            self._render_paragraph(index)

    def _source_view(self) -> None:
        """Highlights need offsets into the text, so rendered Markdown gives way to source."""
        if self.rendered_markdown:
            self.rendered_markdown = False
            self._build_body()

    def highlight_fact(self, spans: list[Span]) -> None:
        self.fact_spans = sorted(spans)
        self.focus_span = None
        if self.article is None:
            return
        self._source_view()
        if not self.find_spans and not self.term_spans and self.fact_spans:
            self.current = 0
        self._rerender()
        if self.fact_spans:
            self._scroll_to_offset(self.fact_spans[0][0])

    def set_find(self, text: str) -> None:
        if self.article is None:
            return
        self.find_spans = find_all(self.article.body, text)
        self.current = -1
        if self.find_spans:
            self._source_view()
        self._rerender()
        if self.find_spans:
            self.step_match(1)

    def step_match(self, direction: int) -> None:
        matches = self.matches
        if self.article is None or not matches:
            self.app.bell()
            return
        self._source_view()
        if self.current < 0:
            self.current = 0 if direction > 0 else len(matches) - 1
        else:
            self.current = (self.current + direction) % len(matches)
        start = matches[self.current][0]
        self.cursor_paragraph = self._paragraph_at(start)
        self._rerender()
        self._scroll_to_offset(start)
        what = "find" if self.find_spans else "query" if self.term_spans else "fact"
        self._show_matches(f"{what} match {self.current + 1} of {len(matches)} · n/N")

    def step_paragraph(self, direction: int) -> None:
        if not self._paragraphs:
            return
        self.cursor_paragraph = max(
            0, min(len(self._paragraphs) - 1, self.cursor_paragraph + direction)
        )
        self.current = -1
        self._rerender()
        para = self._paragraphs[self.cursor_paragraph]
        para.add_class("-current")
        self.body.scroll_to_widget(para, animate=False, top=True)

    def toggle_markdown(self) -> None:
        if self.article is None or self.article.format != "md":
            return
        self.rendered_markdown = not self.rendered_markdown
        self._build_body()

    def _paragraph_at(self, offset: int) -> int:
        for index, para in enumerate(self._paragraphs):
            if para.start <= offset < para.end or offset < para.start:
                return index
        return max(0, len(self._paragraphs) - 1)

    def _scroll_to_offset(self, offset: int) -> None:
        if not self._paragraphs:
            return
        para = self._paragraphs[self._paragraph_at(offset)]
        width = max(10, para.content_region.width or self.body.size.width or 40)
        line = max(0, offset - para.start) // width
        target = para.virtual_region.y + line - max(1, self.body.size.height // 3)
        self.body.scroll_to(y=max(0, target), animate=False)

    # --- find -----------------------------------------------------------------

    def open_find(self) -> None:
        finder = self.query_one(FindInput)
        finder.display = True
        # At once, not after queued keys: the first letters typed are the find text.
        self.screen.set_focus(finder)

    def close_find(self) -> None:
        finder = self.query_one(FindInput)
        finder.value = ""
        finder.display = False
        self._show_matches(None)
        self.find_spans = []
        self.current = -1
        self._rerender()
        self.screen.set_focus(self.body)

    @on(Input.Changed, "#find")
    def _find_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.set_find(event.value)

    @on(Input.Submitted, "#find")
    def _find_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.step_match(1)

    # --- passages -------------------------------------------------------------

    def current_passage_span(self) -> tuple[int, int] | None:
        """Body offsets of the passage in view: the sentence at the current
        match, else the focused span, else the paragraph under the cursor."""
        article = self.article
        if article is None:
            return None
        matches = self.matches
        if 0 <= self.current < len(matches):
            start, end = matches[self.current]
            for fact in self.facts:
                if fact.sentence and fact.sentence[0] <= start and end <= fact.sentence[1]:
                    return fact.sentence
            return sentence_around(article.body, start, end)
        if self.focus_span:
            return self.focus_span
        if self._paragraphs:
            para = self._paragraphs[min(self.cursor_paragraph, len(self._paragraphs) - 1)]
            return para.start, para.end
        return 0, min(len(article.body), 500)

    def current_passage(self) -> str:
        """The text of ``current_passage_span``, on one line (for copying)."""
        span = self.current_passage_span()
        if self.article is None or span is None:
            return ""
        return one_line(self.article.body[span[0] : span[1]])
