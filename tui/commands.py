"""fieldbrief's entries in the command palette (ctrl+p)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from functools import partial
from typing import TYPE_CHECKING, cast

from textual.command import Hit, Hits, Provider
from textual.content import Content

from fieldbrief.search.model import ENTITY_FIELD

from . import overview as ov
from .safe import one_line, quote_value

if TYPE_CHECKING:
    from .app import FieldbriefApp
    from .main_screen import MainScreen


class FieldbriefCommands(Provider):
    """Entities to filter by and articles to open, by name.

    The app's actions and themes come from ``FieldbriefApp.get_system_commands``.

    Titles are untrusted, so their prompts are built as literal Content with the
    fuzzy-match offsets styled by hand: ``Matcher.highlight`` would parse markup.
    """

    @property
    def main(self) -> MainScreen:
        return cast("FieldbriefApp", self.app).main

    async def search(self, query: str) -> Hits:
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
        overview = self.main.facts.overview
        if overview is None or len(query) < 2:
            return
        for entity in overview.entities[:5000]:
            if entity.kind not in ENTITY_FIELD:
                continue
            name = one_line(entity.name, 80)
            score, prompt = self._literal_match(f"Filter by {entity.kind}: ", name, query)
            if score > 0:
                yield Hit(
                    score * 0.9,
                    prompt,
                    partial(self.main.search_for, ov.entity_query(entity.kind, name)),
                    help="Filter the search",
                )

    async def _article_hits(self, query: str) -> AsyncIterator[Hit]:
        library = self.main.library
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
                partial(self.main.articles.open, hit.id, focus=True),
                text=f"Open article {hit.id}",
                help="Open this article",
            )
