"""The browser over the real fact engine on the bundled seeds (no stubs).

The other Pilot tests use a rule-based extractor so they do not move when the
model changes; these check what an analyst actually sees on first run.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from fieldbrief.search.library import Library
from fieldbrief.tui.app import create_app
from fieldbrief.tui.article import ArticlePane
from fieldbrief.tui.facts import FactList
from fieldbrief.tui.query_bar import QueryInput
from fieldbrief.tui.results import ResultsList
from fieldbrief.tui.screens import ClaimList, ConflictScreen
from tests.test_tui_support import settle


@pytest.fixture
def seeds_library(tmp_path: Path) -> Iterator[Library]:
    library = Library.open(tmp_path / "lib", seed=True)
    yield library
    library.close()


def test_real_facts_conflicts_and_story_grouping(seeds_library: Library, tmp_path: Path) -> None:
    reuters = next(a for a, _ in seeds_library.articles() if a.source == "Reuters")

    async def main() -> None:
        app = create_app(library=seeds_library, state_path=tmp_path / "state.json")
        async with app.run_test(size=(160, 48)) as pilot:
            await settle(pilot)
            app.query_one(QueryInput).focus()
            await pilot.press(*"niger")
            await settle(pilot)
            listing = app.query_one(ResultsList)
            # The three reports of 8 September 2023 are one story.
            assert sorted(len(v) for v in _stories(listing.story_of).values()) == [3]
            app.main.articles.open(reuters.id)
            await settle(pilot)
            facts = app.query_one(FactList)
            names = {e.name for e in facts.entries.values()}
            assert {"Agadez", "Niamey", "Mohamed Bazoum", "Kathleen FitzGibbon"} <= names
            flagged = [k for k, e in facts.entries.items() if e.disputed]
            assert flagged, "the 1,100 US troops figure is disputed the same day (⚠)"
            facts.focus()
            facts.highlighted = facts.get_option_index(flagged[0])
            entry = facts.entries[flagged[0]]
            await pilot.press("x")
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, ConflictScreen)
            sources = {claim.source for claim in screen.claim_rows.values()}
            assert {"Reuters", "AP"} <= sources
            # It starts on the claim the analyst came from.
            current = screen.current_claim
            assert current is not None and current.article_id == reuters.id
            assert current.start == entry.spans[0][0]
            assert screen.query_one(ClaimList).has_focus
            await pilot.press("down", "down", "down")
            moved = screen.current_claim
            assert moved is not None and moved is not current
            await pilot.press("enter")
            await settle(pilot)
            assert not isinstance(app.screen, ConflictScreen)
            assert app.main.article is not None and app.main.article.id == moved.article_id
            assert app.query_one(ArticlePane).focus_span == (moved.start, moved.end)
            # The 2024 figures are a change over time, not a disagreement: no ⚠.
            ap = next(a for a, _ in seeds_library.articles() if a.source == "AP")
            app.main.articles.open(ap.id)
            await settle(pilot)
            troops = [e for e in facts.entries.values() if e.conflicts and "1,000" in e.name]
            assert troops and not any(e.disputed for e in troops)

    asyncio.run(main())


def _stories(story_of: dict[str, int]) -> dict[int, list[str]]:
    grouped: dict[int, list[str]] = {}
    for article_id, story in story_of.items():
        grouped.setdefault(story, []).append(article_id)
    return grouped
