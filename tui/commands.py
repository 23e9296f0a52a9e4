"""fieldbrief's entries in the command palette (ctrl+p)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

from .safe import one_line, quote_value

if TYPE_CHECKING:
    from .app import FieldbriefApp


class FieldbriefCommands(Provider):
    """Actions, themes, entities and article titles.

    Titles are untrusted, so their prompts are built as literal Content with the
    fuzzy-match offsets styled by hand: ``Matcher.highlight`` would parse markup.
    """

    @property
    def fb(self) -> FieldbriefApp:
        return self.app  # type: ignore[return-value]

    def _actions(self) -> list[tuple[str, str, Callable[[], object]]]:
        app = self.fb
        commands: list[tuple[str, str, Callable[[], object]]] = [
            ("Toggle sidebar", "Show or hide the fact sidebar", app.action_toggle_sidebar),
            ("Timeline", "Articles per week and every dated fact", app.action_timeline),
            ("Toggle sort (relevance / date)", "Re-sort the results", app.action_toggle_sort),
            ("Copy citation", "Copy the open article's citation", app.action_copy_citation),
            ("Copy passage", "Copy the current sentence or paragraph", app.action_copy_passage),
            ("Maximise pane", "Give the focused pane the whole screen", app.action_maximize),
            ("Library overview", "Top entities and conflicting figures", app.action_overview),
            ("Keys", "Show the keys of the focused pane", app.action_help),
            ("Pin article", "Add the open article to the briefing", app.action_pin_article),
            ("Pin passage", "Add the current sentence or paragraph", app.action_pin_passage),
            ("Pin fact", "Add the highlighted fact to the briefing", app.action_pin_fact),
            ("Open briefing", "Pins in order, notes, export", app.action_briefing),
            (
                "Export briefing",
                "Preview the briefing as Markdown and save",
                app.action_export_briefing,
            ),
            (
                "Saved searches",
                "Reopen a named search and see what is new",
                app.action_saved_searches,
            ),
        ]
        for name in sorted(app.available_themes):
            commands.append(
                (f"Theme: {name}", "Switch theme (remembered)", partial(app.set_theme, name))
            )
        return commands

    async def discover(self) -> Hits:
        for name, help_text, callback in self._actions():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, callback in self._actions():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)
        async for hit in self._entity_hits(query):
            yield hit
        async for hit in self._article_hits(query):
            yield hit

    def _literal_match(self, prefix: str, candidate: str, query: str) -> tuple[float, Content]:
        matcher = self.matcher(query)
        score, offsets = matcher.fuzzy_search.match(query, candidate)
        content = Content(candidate)
        for offset in offsets:
            content = content.stylize("bold underline $text-accent", offset, offset + 1)
        return score, Content.styled(prefix, "$text-muted") + content

    async def _entity_hits(self, query: str) -> AsyncIterator[Hit]:
        overview = self.fb.overview
        if overview is None or len(query) < 2:
            return
        from . import overview as ov

        for entity in ov.entities(overview)[:5000]:
            kind = str(ov.field(entity, "kind", ""))
            if kind not in ov.QUERY_FIELD:
                continue
            name = one_line(ov.field(entity, "name", ""), 80)
            score, prompt = self._literal_match(f"Filter by {kind}: ", name, query)
            if score > 0:
                search = f'{ov.QUERY_FIELD[kind]}:"{quote_value(name)}"'
                yield Hit(
                    score * 0.9,
                    prompt,
                    partial(self.fb.search_for, search),
                    help="Filter the search",
                )

    async def _article_hits(self, query: str) -> AsyncIterator[Hit]:
        library = self.fb.library
        words = quote_value(query)
        if library is None or len(words) < 2:
            return
        try:
            results = await asyncio.to_thread(
                library.search, f"title:({words}*)", limit=15, snippets=0
            )
        except Exception:
            return
        for hit in results.hits:
            title = one_line(hit.title, 90) or "(untitled)"
            score, prompt = self._literal_match("Open article: ", title, query)
            yield Hit(
                max(score, 0.3) * 0.8,
                prompt,
                partial(self.fb.open_article, hit.id, focus=True),
                text=f"Open article {hit.id}",
                help="Open this article",
            )
