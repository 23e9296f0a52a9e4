"""Shared helpers for the TUI tests: a small deterministic library and the
helpers that drive the app (``run``, ``settle``, ``search``); the fixtures that
use them are in conftest.py.

The library holds the five bundled seed articles plus hostile articles, with
facts from a tiny rule-based extractor instead of the trained model, so the
tests and snapshots do not move when the fact engine improves; ``overview()``
is built from the same stub facts (real engine ``Overview`` objects) with
stories and one conflicting figure.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from textual.app import App
from textual.pilot import Pilot
from textual.worker import WorkerCancelled, WorkerState

from fieldbrief.search.adding import bundled_seed_files
from fieldbrief.search.facts.resolve import Claim, Conflict, Disagreement, Entity, Overview
from fieldbrief.search.library import Library
from fieldbrief.search.model import Article, Fact
from fieldbrief.tui.app import FieldbriefApp, create_app
from fieldbrief.tui.main_screen import MainScreen
from fieldbrief.tui.query_bar import QueryInput

PEOPLE = {"Sabrina Singh": "Pentagon spokeswoman", "Mohamed Bazoum": "President"}
ORGS = ["Pentagon", "Defense Department", "Politico", "Reuters"]
PLACES = ["Agadez", "Niamey", "Niger", "Washington"]
WEEKDAYS = {"Monday": 0, "Tuesday": 1, "Wednesday": 2, "Thursday": 3, "Friday": 4}
_FIGURE = re.compile(r"\b(\d{1,3}(?:,\d{3})+|\d+)\s+(?:US\s+|American\s+)?(troops|soldiers)\b")

HOSTILE_TITLE = "[bold red]x[/] [link=file:///etc/passwd]pw[/link] [@click=app.quit]boom[/] Agadez"
HOSTILE_BODY = (
    "Agadez report [bold red]x[/] with [link=file:///etc/passwd]a link[/link] inside.\n\n"
    "Click [@click=app.quit]here[/] to quit, says Sabrina Singh in Agadez.\n\n"
    "Escape \x1b[31mred\x1b[0m and \x1b]52;c;ZXZpbA==\x07 clipboard attempts."
)
HOSTILE_MD = """---
title: "Markdown [@click=app.quit]brief[/] on Agadez"
source: "[b]Evil[/b] Wire"
date: 2023-10-02
---
# Heading about Agadez

A [link to passwd](file:///etc/passwd) and [@click=app.quit]x[/] in *Agadez*.

- one
- two
"""


def _sentence(body: str, start: int, end: int) -> tuple[int, int]:
    left = max(body.rfind(". ", 0, start) + 2, body.rfind("\n", 0, start) + 1, 0)
    right_candidates = [i for i in (body.find(". ", end), body.find("\n", end)) if i >= 0]
    right = min(right_candidates) + 1 if right_candidates else len(body)
    return left, right


def stub_extractor(article: Article) -> list[Fact]:
    body = article.body
    facts: list[Fact] = []

    def add(kind: str, m: re.Match[str], **extra: Any) -> None:
        facts.append(
            Fact(
                kind=kind,
                text=m.group(0),
                start=m.start(),
                end=m.end(),
                sentence=_sentence(body, m.start(), m.end()),
                **extra,
            )  # type: ignore[arg-type]
        )

    for name, role in PEOPLE.items():
        for m in re.finditer(re.escape(name), body):
            add("person", m, value=name, role=role)
    for name in ORGS:
        for m in re.finditer(rf"\b{re.escape(name)}\b", body):
            add("organization", m, value=name)
    for name in PLACES:
        for m in re.finditer(rf"\b{re.escape(name)}\b", body):
            add("place", m, value=name)
    if article.date:
        from datetime import timedelta

        for day, number in WEEKDAYS.items():
            for m in re.finditer(rf"\bon {day}\b", body):
                back = (article.date.weekday() - number) % 7
                value = (article.date - timedelta(days=back)).isoformat()
                add("date", m, value=value, resolution="day")
    for m in _FIGURE.finditer(body):
        value = float(m.group(1).replace(",", ""))
        add("figure", m, value=value, unit="troops", subject=m.group(2))
    return facts


def stub_overview(library: Library) -> Overview:
    """The overview the engine would give, built from the stub facts: every entity,
    the troop figures as one conflict and same-day articles as stories."""
    entities: dict[tuple[str, str], Entity] = {}
    claims: list[Claim] = []
    dated: dict[str, list[str]] = {}
    for article, facts in library.articles():
        if article.date:
            dated.setdefault(article.date.isoformat(), []).append(article.id)
        for fact in facts:
            if fact.kind in ("person", "organization", "place"):
                entity = entities.setdefault(
                    (fact.kind, str(fact.value)), Entity(fact.kind, str(fact.value))
                )
                entity.mentions += 1
                if article.id not in entity.article_ids:
                    entity.article_ids.append(article.id)
                if fact.role and fact.role not in entity.roles:
                    entity.roles.append(fact.role)
            elif fact.kind == "figure" and fact.unit == "troops":
                claims.append(
                    Claim(
                        value=fact.value,  # type: ignore[arg-type]
                        low=None,
                        high=None,
                        qualifier=None,
                        article_id=article.id,
                        source=article.source,
                        date=article.date.isoformat() if article.date else None,
                        text=body_sentence(article, fact),
                        start=fact.start,
                        end=fact.end,
                        title=article.title,
                    )
                )
    conflicts = []
    if len({c.value for c in claims}) > 1:
        claims.sort(key=lambda c: (c.value or 0, c.article_id))
        # The stub's troop claims are all about one time, and they differ.
        conflicts.append(Conflict("troops", "troops", claims[:4], [Disagreement(None, claims[:4])]))
    stories = [sorted(ids) for _, ids in sorted(dated.items()) if len(ids) > 1]
    return Overview(sorted(entities.values(), key=lambda e: (e.kind, e.name)), conflicts, stories)


def body_sentence(article: Article, fact: Fact) -> str:
    s, e = fact.sentence or (fact.start, fact.end)
    return " ".join(article.body[s:e].split())


def build_home(root: Path) -> Path:
    """Create a FIELDBRIEF_HOME under ``root`` whose default library is the test library.

    The index is sealed with a key from the home's config dir, so the whole
    home (key included) is what gets copied into each test.
    """
    home = root / "home"
    extra = root / "extra"
    extra.mkdir(parents=True)
    (extra / "hostile.jsonl").write_text(
        json.dumps(
            {
                "id": "hostile-1",
                "title": HOSTILE_TITLE,
                "body": HOSTILE_BODY,
                "source": "[b]Evil[/b] Wire",
                "date": "2023-10-01",
            }
        )
        + "\n",
        "utf-8",
    )
    (extra / "brief.md").write_text(HOSTILE_MD, "utf-8")
    previous = os.environ.get("FIELDBRIEF_HOME")
    os.environ["FIELDBRIEF_HOME"] = str(home)
    try:
        library = Library.open(home / "library", seed=False, fact_extractor=stub_extractor)
        library.add_paths([*bundled_seed_files(), extra])
        library.close()
    finally:
        if previous is None:
            del os.environ["FIELDBRIEF_HOME"]
        else:
            os.environ["FIELDBRIEF_HOME"] = previous
    return home


def open_library(path: Path) -> Library:
    library = Library.open(path, seed=False, fact_extractor=stub_extractor)
    library.overview = lambda: stub_overview(library)  # type: ignore[method-assign]
    return library


# --- driving the app ---------------------------------------------------------------


def _idle(app: App[object]) -> bool:
    """No worker pending or running, no search waiting for typing to pause and
    no page waiting to have its stories grouped."""
    if any(w.state in (WorkerState.PENDING, WorkerState.RUNNING) for w in app.workers):
        return False
    main = app.screen_stack[0] if app.screen_stack else None
    return not (
        isinstance(main, MainScreen) and (main.query_bar.pending or main.search.grouping_pending)
    )


async def wait_for(pilot: Pilot[Any], condition: Callable[[], object], timeout: float = 15) -> None:
    """Let the app run until ``condition()`` holds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {condition}")
        await pilot.pause()
        await asyncio.sleep(0.01)


async def settle(
    pilot: Pilot[Any], until: Callable[[], object] | None = None, timeout: float = 15
) -> None:
    """Wait until every worker has finished and posted back (twice in a row, since
    an answer may start the next worker) and, if given, ``until()`` holds."""
    app = pilot.app
    calm = 0
    deadline = time.monotonic() + timeout
    while calm < 2:
        if time.monotonic() > deadline:
            raise AssertionError(f"the app did not settle within {timeout}s")
        # A worker replaced by a newer exclusive one reports itself cancelled.
        with contextlib.suppress(WorkerCancelled):
            await app.workers.wait_for_complete()
        await pilot.pause()
        calm = calm + 1 if _idle(app) and (until is None or until()) else 0
        if calm == 0:
            await asyncio.sleep(0.01)


Scenario = Callable[[FieldbriefApp, Pilot[None]], Awaitable[None]]


def run(
    library_path: Path,
    scenario: Scenario,
    *,
    size: tuple[int, int] = (120, 40),
    state_path: Path | None = None,
    keymap_file: Path | None = None,
) -> FieldbriefApp:
    """Run ``scenario`` against the test library once the app has settled."""

    async def main() -> FieldbriefApp:
        library = open_library(library_path)
        app = create_app(
            library=library,
            state_path=state_path or library_path.parent / "state" / "tui.json",
            keymap_file=keymap_file,
        )
        try:
            async with app.run_test(size=size) as pilot:
                await settle(pilot)
                await scenario(app, pilot)
        finally:
            library.close()
        return app

    return asyncio.run(main())


async def search(pilot: Pilot[Any], text: str) -> None:
    """Type ``text`` into the search box and wait for its results."""
    pilot.app.screen_stack[0].query_one(QueryInput).focus()
    await pilot.press(*text)
    await settle(pilot)


def test_stub_library_has_hostile_and_markdown_articles(library_path: Path) -> None:
    library = open_library(library_path)
    try:
        assert library.store.count() == 7
        results = library.search("Agadez", limit=20)
        titles = [h.title for h in results.hits]
        assert HOSTILE_TITLE in titles
        formats = {library.get(h.id)[0].format for h in results.hits}  # type: ignore[index]
        assert "md" in formats
        overview = library.overview()  # type: ignore[attr-defined]
        assert overview.conflicts and overview.stories
    finally:
        library.close()
