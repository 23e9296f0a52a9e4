"""The fact sidebar's content: the open article's facts or the library overview.

The library-wide overview comes from a worker once the library is open;
entity counts the overview and the article's own load did not supply are
counted in a worker of their own, after the cursor has rested on an article.
"""

from __future__ import annotations

import time
from functools import partial
from typing import TYPE_CHECKING

from textual.content import Content
from textual.widgets import Static
from textual.worker import get_current_worker

from fieldbrief.search.model import ENTITY_FIELD, Article, Fact

from . import overview as ov
from .facts import FactEntry, FactList, group_facts
from .messages import EntitiesCounted, OverviewReady

if TYPE_CHECKING:
    from fieldbrief.search.facts.resolve import Conflict, Overview
    from fieldbrief.search.library import Library

    from .main_screen import MainScreen

COUNT_DELAY_SECONDS = 0.3
"""Counting costs an index look-up per entity and shares the index lock with the
analyst's own searches: wait until the cursor rests on an article."""


def load_overview(library: Library, facts: FactList) -> None:
    """Worker body."""
    facts.post_message(OverviewReady(facts, library.overview()))


def count_entities(
    library: Library, entries: list[FactEntry], generation: int, facts: FactList
) -> None:
    """Worker body."""
    time.sleep(COUNT_DELAY_SECONDS)
    worker = get_current_worker()
    counts: dict[tuple[str, str], int] = {}
    for entry in entries:
        if worker.is_cancelled:
            return
        try:
            counts[entry.key] = library.entity_counts(entry.kind, entry.name)
        except Exception:
            continue  # that one entity stays without a count
    facts.post_message(EntitiesCounted(facts, generation, counts))


class FactsController:
    def __init__(self, screen: MainScreen) -> None:
        self.screen = screen
        self.overview: Overview | None = None
        self.counts: dict[tuple[str, str], int] = {}
        """(kind, name) -> articles mentioning it, from every source so far."""
        self.generation = 0

    @property
    def fact_list(self) -> FactList:
        return self.screen.query_one(FactList)

    def load_overview(self) -> None:
        library = self.screen.library
        if library is not None:
            self.screen.run_in_thread(partial(load_overview, library, self.fact_list), "overview")

    def overview_ready(self, overview: Overview) -> None:
        self.overview = overview
        self.counts.update(ov.entity_counts(overview))

    def show_overview(self, article_open: bool = False) -> None:
        self.generation += 1
        title = Content.styled("Library overview", "bold")
        if article_open:
            title += Content.styled("  (o: article facts)", "$text-muted")
        self.screen.query_one("#sidebar-title", Static).update(title)
        doc_count = None
        library = self.screen.library
        if library is not None:
            try:
                doc_count = library.article_count()
            except Exception:
                doc_count = None
        self.fact_list.show_overview(self.overview, doc_count)

    def show_article(self, article: Article, facts: list[Fact], conflicts: list[Conflict]) -> None:
        self.generation += 1
        # The article's own conflicts (from the index) are complete for it; the
        # overview's may add subjects only a library-wide pass connects.
        library_wide = self.overview.conflicts if self.overview is not None else []
        grouped = group_facts(article.id, facts, [*conflicts, *library_wide])
        self.screen.query_one("#sidebar-title", Static).update(
            Content.assemble(("Facts", "bold"), ("  (o: library overview)", "$text-muted"))
        )
        listing = self.fact_list
        listing.show_article(grouped)
        entities = [e for kind in ENTITY_FIELD for e in grouped[kind]]
        known = {e.key: self.counts[e.key] for e in entities if e.key in self.counts}
        if known:
            listing.set_counts(known)
        missing = [e for e in entities if e.key not in known]
        library = self.screen.library
        if missing and library is not None:
            self.screen.run_in_thread(
                partial(count_entities, library, missing, self.generation, listing), "counts"
            )

    def counted(self, message: EntitiesCounted) -> None:
        self.counts.update(message.counts)
        if message.generation == self.generation:
            self.fact_list.set_counts(message.counts)
