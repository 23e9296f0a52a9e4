"""The entity profile screen: `e` on a sidebar entity; enter still filters by it."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot

from fieldbrief.tui.app import FieldbriefApp
from fieldbrief.tui.article import ArticlePane
from fieldbrief.tui.entity import EntityScreen, ProfileList
from fieldbrief.tui.facts import FactList
from fieldbrief.tui.query_bar import QueryInput
from tests.test_tui_support import run, search, settle


async def _open_profile(app: FieldbriefApp, pilot: Pilot, name: str) -> EntityScreen:
    await search(pilot, name.split()[-1])
    await pilot.press("enter")
    await settle(pilot)
    facts = app.query_one(FactList)
    key = next(k for k, e in facts.entries.items() if e.name == name)
    facts.focus()
    facts.highlighted = facts.get_option_index(key)
    await pilot.press("e")
    await settle(pilot)
    screen = app.screen
    assert isinstance(screen, EntityScreen)
    return screen


def test_e_opens_the_profile_and_enter_opens_an_article(library_path: Path) -> None:
    async def scenario(app: FieldbriefApp, pilot: Pilot) -> None:
        screen = await _open_profile(app, pilot, "Sabrina Singh")
        profile = screen.profile
        assert profile is not None and profile.name == "Sabrina Singh"
        assert profile.articles and profile.roles
        assert "Pentagon spokeswoman" in {r.role for r in profile.roles}
        listing = screen.query_one(ProfileList)
        article_row = next(k for k, c in screen.choices.items() if c.article_id and not c.span)
        listing.highlighted = listing.get_option_index(article_row)
        target = screen.choices[article_row].article_id
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, EntityScreen)
        pane = app.query_one(ArticlePane)
        assert pane.article is not None and pane.article.id == target

    run(library_path, scenario)


def test_profile_s_searches_and_enter_on_a_fact_still_filters(library_path: Path) -> None:
    async def scenario(app: FieldbriefApp, pilot: Pilot) -> None:
        await _open_profile(app, pilot, "Mohamed Bazoum")
        await pilot.press("s")
        await settle(pilot)
        assert not isinstance(app.screen, EntityScreen)
        assert app.query_one(QueryInput).value == 'person:"Mohamed Bazoum"'
        # Enter on the entity in the sidebar is still the filter it was.
        await pilot.press("enter")
        await settle(pilot)
        facts = app.query_one(FactList)
        key = next(k for k, e in facts.entries.items() if e.name == "Niamey")
        facts.focus()
        facts.highlighted = facts.get_option_index(key)
        await pilot.press("enter")
        await settle(pilot)
        assert app.query_one(QueryInput).value == 'place:"Niamey"'
        assert not isinstance(app.screen, EntityScreen)

    run(library_path, scenario)


def test_named_alongside_opens_that_profile_and_e_is_in_the_footer(library_path: Path) -> None:
    async def scenario(app: FieldbriefApp, pilot: Pilot) -> None:
        main = app.screen
        facts = app.query_one(FactList)
        await search(pilot, "Agadez")
        await pilot.press("enter")
        await settle(pilot)
        facts.focus()
        await settle(pilot)
        shown = {b.binding.id for b in main.active_bindings.values() if b.binding.show}
        assert "fieldbrief.facts.profile" in shown
        screen = await _open_profile(app, pilot, "Mohamed Bazoum")
        listing = screen.query_one(ProfileList)
        other = next(k for k, c in screen.choices.items() if c.entity is not None)
        name = screen.choices[other].entity[1]  # type: ignore[index]
        listing.highlighted = listing.get_option_index(other)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, EntityScreen) and app.screen is not screen
        assert app.screen.profile is not None and app.screen.profile.name == name

    run(library_path, scenario, size=(80, 24))
