"""The briefing screens, driven with Textual's Pilot on a minimal host app."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Input, Markdown, OptionList, TextArea

from fieldbrief.search.briefing import Briefings
from fieldbrief.search.library import Library
from fieldbrief.search.model import Article, Fact
from fieldbrief.tui.briefing import BriefingScreen, pin_article
from fieldbrief.tui.briefing_dialogs import ConfirmOverwrite, NoteEditor, PreviewScreen, SaveDialog
from tests.test_tui_support import settle

HOSTILE = "[bold]Loud[/bold] [link=http://evil.example]click[/link] $var"


def no_facts(_article: object) -> list[Fact]:
    return []


@pytest.fixture
def library(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Library]:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    (tmp_path / "home").mkdir()
    lib = Library.open(tmp_path / "lib", seed=False, fact_extractor=no_facts)
    lib.add_articles(
        [
            Article(
                id=f"tui{n}aaaaaaaaaaaaa",
                title=HOSTILE if n == 1 else f"Article {n}",
                body=f"Sentence one of {n}. Sentence two of {n}.",
                date=date(2024, 2, n),
                source="Wire",
                path=f"/tmp/tui{n}.txt",
            )
            for n in (1, 2, 3)
        ]
    )
    briefings = Briefings(lib)
    briefings.create("Pilot briefing")
    for n in (1, 2, 3):
        briefings.pin_article(f"tui{n}aaaaaaaaaaaaa")
    yield lib
    lib.close()


class Host(App[None]):
    def __init__(self, library: Library) -> None:
        super().__init__()
        self.library = library
        self.opened: list[str | None] = []

    def on_mount(self) -> None:
        self.push_screen(BriefingScreen(self.library), self.opened.append)


def drive(library: Library, script: Callable[[Host, Pilot[None]], Awaitable[None]]) -> Host:
    host = Host(library)

    async def main() -> None:
        async with host.run_test(size=(110, 36)) as pilot:
            await pilot.pause()
            await script(host, pilot)

    asyncio.run(main())
    return host


def order(library: Library) -> list[str]:
    return [p.article_id[:4] for p in Briefings(library).pins()]


def test_reorder_remove_and_notes(library: Library) -> None:
    async def script(host: Host, pilot: Pilot[None]) -> None:
        screen = host.screen
        assert isinstance(screen, BriefingScreen)
        prompt = screen.query_one(OptionList).get_option_at_index(0).prompt
        assert HOSTILE in str(getattr(prompt, "plain", prompt))  # shown literally

        await pilot.press("J")
        assert order(library) == ["tui2", "tui1", "tui3"]
        await pilot.press("ctrl+down")
        assert order(library) == ["tui2", "tui3", "tui1"]
        await pilot.press("K")
        assert order(library) == ["tui2", "tui1", "tui3"]

        await pilot.press("e")
        assert isinstance(host.screen, NoteEditor)
        host.screen.query_one(TextArea).text = "Check the [red]date[/red]"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert Briefings(library).pins()[1].note == "Check the [red]date[/red]"

        await pilot.press("e")
        host.screen.query_one(TextArea).text = "discarded"
        await pilot.press("escape")
        await pilot.pause()
        assert Briefings(library).pins()[1].note == "Check the [red]date[/red]"

        await pilot.press("S")
        host.screen.query_one(TextArea).text = "Summary for the desk."
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert Briefings(library).current().summary == "Summary for the desk."  # type: ignore[union-attr]

        await pilot.press("d")
        assert order(library) == ["tui2", "tui3"]
        await pilot.press("y")
        assert "id tui3aaaaaaaaaaaaa" in (host.clipboard or "")

        await pilot.press("enter")
        await pilot.pause()

    host = drive(library, script)
    assert host.opened == ["tui3aaaaaaaaaaaaa"]


def test_export_preview_and_save_with_overwrite_confirmation(
    library: Library, tmp_path: Path
) -> None:
    target = tmp_path / "out" / "brief.md"
    target.parent.mkdir()

    async def script(host: Host, pilot: Pilot[None]) -> None:
        await pilot.press("x")
        await settle(pilot)
        preview = host.screen
        assert isinstance(preview, PreviewScreen)
        assert preview.markdown.startswith("# Pilot briefing")
        assert preview.query_one(Markdown)
        await pilot.press("y")
        assert (host.clipboard or "").startswith("# Pilot briefing")

        await pilot.press("s")
        await pilot.pause()
        dialog = host.screen
        assert isinstance(dialog, SaveDialog)
        field = dialog.query_one(Input)
        assert field.value.startswith("~/fieldbrief-briefing-") and field.value.endswith(".md")
        field.value = str(target)
        await pilot.press("enter")
        await pilot.pause()
        assert target.read_text("utf-8") == preview.markdown
        assert host.screen is preview and preview.saved_to == target

        target.write_text("keep me", "utf-8")
        await pilot.press("s")
        await pilot.pause()
        host.screen.query_one(Input).value = str(target)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(host.screen, ConfirmOverwrite)
        await pilot.press("n")
        await pilot.pause()
        assert target.read_text("utf-8") == "keep me"
        assert isinstance(host.screen, SaveDialog)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert target.read_text("utf-8") == preview.markdown
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(host.screen, BriefingScreen)

    drive(library, script)


def test_bare_name_saves_next_to_default_not_cwd(library: Library, tmp_path: Path) -> None:
    async def script(host: Host, pilot: Pilot[None]) -> None:
        await pilot.press("x")
        await settle(pilot)
        await pilot.press("s")
        await pilot.pause()
        host.screen.query_one(Input).value = "mine.md"
        await pilot.press("enter")
        await pilot.pause()

    drive(library, script)
    assert (tmp_path / "home" / "mine.md").is_file()


def test_new_briefing_switch_and_pins_from_outside(library: Library) -> None:
    async def script(host: Host, pilot: Pilot[None]) -> None:
        await pilot.press("n")
        await pilot.pause()
        host.screen.query_one(Input).value = "Second"
        await pilot.press("enter")
        await pilot.pause()
        screen = host.screen
        assert isinstance(screen, BriefingScreen)
        assert screen.briefing is not None and screen.briefing.title == "Second"
        assert screen.pin_items == []
        pin_article(host, library, "tui2aaaaaaaaaaaaa")
        screen.refresh_pins()
        assert [p.article_id for p in screen.pin_items] == ["tui2aaaaaaaaaaaaa"]
        await pilot.press("left_square_bracket")
        assert screen.briefing.title == "Pilot briefing"
        assert len(screen.pin_items) == 3
        await pilot.press("escape")
        await pilot.pause()

    host = drive(library, script)
    assert host.opened == [None]


# --- through the real app ---------------------------------------------------------------


def niger_facts(article: Article) -> list[Fact]:
    start = article.body.find("Niger")
    if start < 0:
        return []
    return [
        Fact(
            kind="place",
            text="Niger",
            start=start,
            end=start + 5,
            value="Niger",
            sentence=(0, article.body.index(".") + 1),
        )
    ]


def test_pinning_from_the_real_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from fieldbrief.tui.app import create_app
    from fieldbrief.tui.article import ArticleBody
    from fieldbrief.tui.facts import FactList

    monkeypatch.setenv("HOME", str(tmp_path))
    library = Library.open(tmp_path / "lib", seed=False, fact_extractor=niger_facts)
    library.add_articles(
        [
            Article(
                id="app1aaaaaaaaaaaaa",
                title="Troops leave Niger",
                body="Troops leave Niger soon. Second sentence here.\n\nAnother paragraph.",
                date=date(2024, 5, 20),
                source="AP",
                path="/tmp/app1.txt",
            )
        ]
    )
    app = create_app(
        library=library, state_path=tmp_path / "state.json", keymap_file=tmp_path / "keys.toml"
    )

    async def main() -> None:
        async with app.run_test(size=(130, 40)) as pilot:
            await settle(pilot)
            app.main.articles.open("app1aaaaaaaaaaaaa", focus=True)
            await settle(pilot)
            app.query_one(ArticleBody).focus()
            await pilot.press("p")
            await pilot.press("P")
            facts = app.query_one(FactList)
            facts.focus()
            entry_index = next(
                i
                for i in range(facts.option_count)
                if not facts.get_option_at_index(i).disabled
                and (facts.get_option_at_index(i).id or "") in facts.entries
            )
            facts.highlighted = entry_index
            await pilot.press("F")
            pins = Briefings(library).pins()
            assert [p.kind for p in pins] == ["article", "passage", "fact"]
            assert pins[1].quote.startswith("Troops leave Niger soon.")
            assert pins[2].quote == "Niger"

            await pilot.press("B")
            await settle(pilot)
            assert isinstance(app.screen, BriefingScreen)
            assert len(app.screen.pin_items) == 3
            await pilot.press("x")
            await settle(pilot)
            assert isinstance(app.screen, PreviewScreen)
            assert "**Fact (place):** Niger [^1]" in app.screen.markdown
            await pilot.press("escape")
            await pilot.press("escape")
            await settle(pilot)
            assert not isinstance(app.screen, BriefingScreen)

    try:
        asyncio.run(main())
    finally:
        library.close()


def test_saved_searches_dialog(library: Library) -> None:
    from fieldbrief.search.briefing import SavedSearches
    from fieldbrief.tui.briefing_dialogs import SavedSearchesScreen, TitlePrompt

    SavedSearches(library).save("sentences", "Sentence")
    library.add_articles(
        [Article(id="tui9aaaaaaaaaaaaa", title="New one", body="Sentence nine.", path="/t9")]
    )
    chosen: list[object] = []

    class SavedHost(App[None]):
        def on_mount(self) -> None:
            self.push_screen(SavedSearchesScreen(library, "Article", "date"), chosen.append)

    async def main() -> None:
        host = SavedHost()
        async with host.run_test(size=(110, 30)) as pilot:
            await pilot.pause()
            prompt = host.screen.query_one(OptionList).get_option_at_index(0).prompt
            assert "1 new" in str(getattr(prompt, "plain", prompt))
            await pilot.press("a")
            await pilot.pause()
            assert isinstance(host.screen, TitlePrompt)
            host.screen.query_one(Input).value = "articles"
            await pilot.press("enter")
            await pilot.pause()
            assert [s.name for s in SavedSearches(library).list()] == ["articles", "sentences"]
            await pilot.press("down", "enter")
            await pilot.pause()

    asyncio.run(main())
    assert chosen == [("Sentence", "relevance", ["tui9aaaaaaaaaaaaa"])]
    assert SavedSearches(library).new_since("sentences") == []
