"""Pilot tests for reading: the article pane, its highlights, find, facts, copying."""

from __future__ import annotations

import re
import threading
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Static

from fieldbrief.search.briefing import Briefings
from fieldbrief.search.export import build_briefing_markdown
from fieldbrief.search.facts.resolve import Conflict
from fieldbrief.tui.app import FieldbriefApp
from fieldbrief.tui.article import ArticleBody, ArticlePane, FindInput, Paragraph
from fieldbrief.tui.facts import FactList
from fieldbrief.tui.messages import ArticleLoaded
from fieldbrief.tui.query_bar import QueryInput
from fieldbrief.tui.results import ResultsList
from tests.test_tui_support import HOSTILE_TITLE, run, search, settle, wait_for


def test_opening_an_article_shows_text_and_facts(library_path: Path) -> None:
    async def scenario(app: FieldbriefApp, pilot: Pilot) -> None:
        await search(pilot, "Singh Agadez")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.focused, ResultsList)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.focused, ArticleBody)
        pane = app.query_one(ArticlePane)
        assert pane.article is not None
        assert pane.query(Paragraph)
        facts = app.query_one(FactList)
        names = {entry.name: entry for entry in facts.entries.values()}
        assert "Sabrina Singh" in names and "Agadez" in names
        assert "Pentagon spokeswoman" in names["Sabrina Singh"].roles
        assert names["Agadez"].count == 7  # articles mentioning it, counted in a worker

    run(library_path, scenario)


def test_n_and_N_walk_query_hits(library_path: Path) -> None:
    async def scenario(app: FieldbriefApp, pilot: Pilot) -> None:
        await search(pilot, "troops")
        await pilot.press("enter", "enter")
        await settle(pilot)
        pane = app.query_one(ArticlePane)
        assert len(pane.matches) >= 2
        await pilot.press("n")
        assert pane.current == 0
        await pilot.press("n")
        assert pane.current == 1
        await pilot.press("N")
        assert pane.current == 0
        await pilot.press("N")
        assert pane.current == len(pane.matches) - 1

    run(library_path, scenario)


def test_find_in_article(library_path: Path) -> None:
    async def scenario(app: FieldbriefApp, pilot: Pilot) -> None:
        await search(pilot, "troops")
        await pilot.press("enter", "enter")
        await settle(pilot)
        await pilot.press("f")
        assert isinstance(app.focused, FindInput)
        await pilot.press(*"niger")
        pane = app.query_one(ArticlePane)
        assert pane.find_spans and pane.matches is pane.find_spans
        body = pane.article.body  # type: ignore[union-attr]
        assert all(body[s:e].lower() == "niger" for s, e in pane.find_spans)
        assert pane.current == 0
        await pilot.press("enter")
        assert pane.current == 1
        await pilot.press("escape")
        assert isinstance(app.focused, ArticleBody)
        assert not pane.find_spans and not app.query_one(FindInput).display

    run(library_path, scenario)


def test_selecting_a_fact_highlights_mentions_and_enter_filters(library_path: Path) -> None:
    async def scenario(app: FieldbriefApp, pilot: Pilot) -> None:
        await search(pilot, "Singh")
        await pilot.press("enter", "enter")
        await settle(pilot)
        facts = app.query_one(FactList)
        key = next(k for k, e in facts.entries.items() if e.name == "Sabrina Singh")
        await pilot.press("3")
        facts.highlighted = facts.get_option_index(key)
        await pilot.pause()
        pane = app.query_one(ArticlePane)
        body = pane.article.body  # type: ignore[union-attr]
        assert pane.fact_spans and all(body[s:e] == "Sabrina Singh" for s, e in pane.fact_spans)
        await pilot.press("enter")
        await settle(pilot)
        assert app.query_one(QueryInput).value == 'person:"Sabrina Singh"'
        assert app.main.search.results is not None and app.main.search.results.total >= 1

    run(library_path, scenario)


def test_hostile_markup_is_shown_literally_and_fires_nothing(library_path: Path) -> None:
    async def scenario(app: FieldbriefApp, pilot: Pilot) -> None:
        await search(pilot, "boom")
        await pilot.press("enter", "enter")
        await settle(pilot)
        assert app.main.article is not None and app.main.article.title == HOSTILE_TITLE
        header = app.query_one("#article-header", Static).render()
        assert "[bold red]x[/] [link=file:///etc/passwd]pw[/link]" in str(header)
        assert "[b]Evil[/b] Wire" in str(header)
        texts = " ".join(str(p.render()) for p in app.query(Paragraph))
        assert "[@click=app.quit]here[/]" in texts
        assert "\x1b" not in texts and "\x07" not in texts
        # Clicking on the would-be action link does nothing.
        for paragraph in app.query(Paragraph):
            await pilot.click(paragraph, offset=(8, 0))
        await pilot.click("#article-header", offset=(3, 0))
        await settle(pilot)
        assert app.is_running and app.return_code is None
        screen_text = app.export_screenshot()
        assert "[@click=app.quit]" in screen_text or "[@click=app.quit]" in screen_text.replace(
            "&#160;", " "
        )

    run(library_path, scenario)


def test_markdown_article_renders_without_live_links(library_path: Path) -> None:
    async def scenario(app: FieldbriefApp, pilot: Pilot) -> None:
        await search(pilot, "title:markdown")
        await pilot.press("enter", "enter")
        await settle(pilot)
        assert app.main.article is not None and app.main.article.format == "md"
        pane = app.query_one(ArticlePane)
        assert pane.rendered_markdown
        from textual.widgets import Markdown

        markdown = pane.query_one(Markdown)
        markdown.post_message(Markdown.LinkClicked(markdown, "file:///etc/passwd"))
        await settle(pilot)
        assert app.is_running
        await pilot.press("m")
        assert not pane.rendered_markdown and pane.query(Paragraph)

    run(library_path, scenario)


def test_copy_citation_and_passage(library_path: Path) -> None:
    copied: list[str] = []

    async def scenario(app: FieldbriefApp, pilot: Pilot) -> None:
        app.copy_to_clipboard = copied.append  # type: ignore[method-assign]
        await search(pilot, "Singh")
        await pilot.press("enter", "enter")
        await settle(pilot)
        article = app.main.article
        assert article is not None
        await pilot.press("y")
        assert f"id {article.id}" in copied[-1] and article.date.isoformat() in copied[-1]  # type: ignore[union-attr]
        # The exported briefing cites the article in exactly the words `y` copied.
        briefings = Briefings(app.library)
        briefing = briefings.create("citations", make_current=False)
        briefings.pin_article(article.id, briefing_id=briefing.id)
        markdown = build_briefing_markdown(app.library, briefing.id)
        footnote = next(line for line in markdown.splitlines() if line.startswith("[^1]: "))
        assert re.sub(r"\\(.)", r"\1", footnote.removeprefix("[^1]: ")) == copied[-1]
        await pilot.press("n", "c")
        assert "Singh" in copied[-1] and len(copied[-1]) < 600

    run(library_path, scenario)


def test_maximise_focused_pane(library_path: Path) -> None:
    async def scenario(app: FieldbriefApp, pilot: Pilot) -> None:
        await search(pilot, "Agadez")
        await pilot.press("enter", "2", "z")
        assert app.screen.maximized is app.query_one(ArticlePane)
        await pilot.press("escape")
        assert app.screen.maximized is None

    run(library_path, scenario)


def test_a_slow_old_article_load_cannot_overwrite_the_current_article(
    library_path: Path,
) -> None:
    """The conflicts of an article the analyst has moved past arrive late and are
    dropped; the open article keeps its own (they were once written from the
    worker thread, so the slow load replaced them)."""
    gate = threading.Event()
    answered: list[tuple[str, bool]] = []

    async def scenario(app: FieldbriefApp, pilot: Pilot) -> None:
        main = app.main
        library = app.library
        assert library is not None
        slow, current = sorted(a.id for a, _ in library.articles())[:2]
        stale = Conflict("stale", "troops", [])
        own = Conflict("own", "troops", [])

        def conflicts_for(article_id: str) -> list[Conflict]:
            if article_id == slow:
                gate.wait(20)
                return [stale]
            return [own]

        library.conflicts_for = conflicts_for  # type: ignore[method-assign]
        loaded = main.articles.loaded

        def record(message: ArticleLoaded) -> bool:
            shown = loaded(message)
            answered.append((message.request.article_id, shown))
            return shown

        main.articles.loaded = record  # type: ignore[method-assign]
        main.articles.open(slow)
        await pilot.pause()
        main.articles.open(current)
        await wait_for(pilot, lambda: main.article is not None and main.article.id == current)
        assert main.articles.conflicts == [own]
        gate.set()
        await settle(pilot, until=lambda: any(aid == slow for aid, _ in answered))
        assert (slow, False) in answered and (current, True) in answered
        assert main.article is not None and main.article.id == current
        assert main.articles.conflicts == [own]

    run(library_path, scenario)


def test_a_failing_worker_is_reported_and_the_app_keeps_running(library_path: Path) -> None:
    async def scenario(app: FieldbriefApp, pilot: Pilot) -> None:
        library = app.library
        assert library is not None

        def broken(*_args: object, **_kwargs: object) -> None:
            raise RuntimeError("index \x1b[31mgone[/] away")

        library.search = broken  # type: ignore[method-assign]
        app.main.query_one(QueryInput).focus()
        await pilot.press(*"Agadez")

        def status_text() -> str:
            return str(app.query_one("#results-status", Static).render())

        # The worker's error arrives as a state change after the worker ends.
        # Not settle(): waiting for a worker that failed re-raises its error,
        # and whether it is still listed by then was a race.
        await wait_for(pilot, lambda: status_text().startswith("Search failed"))
        status = status_text()
        assert status.startswith("Search failed: index") and "\x1b" not in status
        assert app.is_running and app.return_code is None

    run(library_path, scenario)


async def _open_first_hit(app: FieldbriefApp, pilot: Pilot, query: str) -> ArticlePane:
    """Search for ``query`` and open its first hit in the article pane."""
    await search(pilot, query)
    await pilot.press("enter", "enter")
    await settle(pilot)
    return app.query_one(ArticlePane)


def test_highlights_and_n_follow_the_current_query(library_path: Path) -> None:
    """Issue 13.2: a second search re-highlights the open article; words whose stem
    is not their prefix (Niamey) and entity-field queries highlight too; the n/N
    counter is in the article pane."""

    async def scenario(app: FieldbriefApp, pilot: Pilot) -> None:
        main = app.main
        pane = await _open_first_hit(app, pilot, "Singh")

        def highlighted() -> set[str]:
            body = pane.article.body  # type: ignore[union-attr]
            return {body[s:e] for s, e in pane.term_spans}

        assert highlighted() == {"Singh"}
        main.search_for("Politico")
        await settle(pilot)
        assert highlighted() == {"Politico"}
        app.query_one(ArticleBody).focus()
        await pilot.press("n")
        counter = str(app.query_one("#article-matches", Static).render())
        assert f"match 1 of {len(pane.term_spans)}" in counter
        assert "match" not in str(app.query_one("#results-status", Static).render())
        main.search_for("Niamey")
        await settle(pilot)
        assert highlighted() == {"Niamey"}
        main.search_for('person:"Sabrina Singh"')
        await settle(pilot)
        assert highlighted() == {"Sabrina", "Singh"}

    run(library_path, scenario)


def test_a_phrase_is_highlighted_where_its_words_stand_together(library_path: Path) -> None:
    """``"air base"`` highlights the phrase, not every "air" and every "base"
    (nor "based"); a word beside the phrase is highlighted alone."""

    async def scenario(app: FieldbriefApp, pilot: Pilot) -> None:
        main = app.main
        pane = await _open_first_hit(app, pilot, '"air base"')
        body = pane.article.body  # type: ignore[union-attr]
        highlighted = [body[s:e] for s, e in pane.term_spans]
        assert highlighted and {h.lower() for h in highlighted} == {"air base"}
        assert re.search(r"\bbase", body.replace("air base", ""), re.IGNORECASE)  # left alone
        main.search_for('"air base" Agadez')
        await settle(pilot)
        assert {body[s:e].lower() for s, e in pane.term_spans} == {"air base", "agadez"}
        # What the query excludes is never highlighted, a phrase's words included
        # (found by an audit in tmux: "base" was).
        main.search_for('Niger NOT "air base"')
        await settle(pilot)
        assert pane.article is not None
        shown = pane.article.body
        assert re.search(r"\bbase\b", shown)
        marked = {shown[s:e].lower() for s, e in pane.term_spans}
        assert "niger" in marked and not any("base" in m for m in marked), marked

    run(library_path, scenario)


@pytest.mark.parametrize("size", [(120, 40), (80, 24), (60, 24)])
def test_article_text_always_wraps_to_its_pane(library_path: Path, size: tuple[int, int]) -> None:
    """Issue 13.3: z made each paragraph one clipped line (358 columns wide on a
    120-column screen), and below ~70 columns paragraphs ran off the screen."""

    async def scenario(app: FieldbriefApp, pilot: Pilot) -> None:
        def check() -> None:
            paragraphs = list(app.query(Paragraph))
            assert paragraphs
            for paragraph in paragraphs:
                region = paragraph.region
                assert region.right <= size[0], region
                assert region.height >= -(-len(paragraph.render().plain) // region.width)

        check()
        await pilot.press("2", "z")
        await settle(pilot)
        assert app.screen.maximized is app.query_one(ArticlePane)
        check()

    run(library_path, scenario, size=size)


def test_passage_fallback_splits_sentences_as_the_fact_engine_does() -> None:
    from fieldbrief.tui.article import sentence_around

    body = "Maj. Gen. Ryder spoke in Niamey. Troops left.\n\nA new paragraph here."
    start = body.index("Ryder")
    assert body[slice(*sentence_around(body, start, start + 5))] == (
        "Maj. Gen. Ryder spoke in Niamey."
    )
    across = sentence_around(body, body.index("Niamey"), body.index("left"))
    assert body[slice(*across)] == "Maj. Gen. Ryder spoke in Niamey. Troops left."
    last = body.index("new")
    assert body[slice(*sentence_around(body, last, last + 3))] == "A new paragraph here."


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ('Niger NOT "air base"', ["Niger"]),
        ("troops NOT title:drone", ["troops"]),
        ("Niger NOT (drone OR junta)", ["Niger"]),
        ("troops ANDNOT drone", ["troops"]),
        ("troops -drone", ["troops"]),
        ("oil NOT gas prices", ["oil", "prices"]),
        ('person:"Sabrina Singh" NOT person:"Mohamed Bazoum"', ["Sabrina", "Singh"]),
    ],
)
def test_typed_words_to_highlight_leave_out_what_is_excluded(query: str, words: list[str]) -> None:
    from fieldbrief.tui.searching import query_words

    assert query_words(query) == words
