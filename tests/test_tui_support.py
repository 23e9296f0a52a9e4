"""Shared helpers for the TUI tests: a small deterministic library.

The library holds the five bundled seed articles plus hostile articles, with
facts from a tiny rule-based extractor instead of the trained model, so the
tests and snapshots do not move when the fact engine improves. A fake
``overview()`` supplies stories and one conflicting figure.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from fieldbrief.search.library import Library, bundled_seed_files
from fieldbrief.search.model import Article, Fact

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


@dataclass
class FakeEntity:
    kind: str
    name: str
    aliases: list[str] = field(default_factory=list)
    article_ids: list[str] = field(default_factory=list)
    mentions: int = 0
    roles: list[str] = field(default_factory=list)


@dataclass
class FakeConflict:
    subject: str
    unit: str
    claims: list[dict[str, Any]]


@dataclass
class FakeOverview:
    entities: list[FakeEntity]
    conflicts: list[FakeConflict]
    stories: list[list[str]]


def fake_overview(library: Library) -> FakeOverview:
    entities: dict[tuple[str, str], FakeEntity] = {}
    claims: list[dict[str, Any]] = []
    dated: dict[str, list[str]] = {}
    for article, facts in library.articles():
        if article.date:
            dated.setdefault(article.date.isoformat(), []).append(article.id)
        for fact in facts:
            if fact.kind in ("person", "organization", "place"):
                entity = entities.setdefault(
                    (fact.kind, str(fact.value)), FakeEntity(fact.kind, str(fact.value))
                )
                entity.mentions += 1
                if article.id not in entity.article_ids:
                    entity.article_ids.append(article.id)
                if fact.role and fact.role not in entity.roles:
                    entity.roles.append(fact.role)
            elif fact.kind == "figure" and fact.unit == "troops":
                claims.append(
                    {
                        "value": fact.value,
                        "low": None,
                        "high": None,
                        "qualifier": None,
                        "article_id": article.id,
                        "source": article.source,
                        "date": article.date,
                        "text": body_sentence(article, fact),
                        "start": fact.start,
                        "end": fact.end,
                    }
                )
    conflicts = []
    if len({c["value"] for c in claims}) > 1:
        claims.sort(key=lambda c: (c["value"], c["article_id"]))
        conflicts.append(FakeConflict("troops", "troops", claims[:4]))
    stories = [sorted(ids) for _, ids in sorted(dated.items()) if len(ids) > 1]
    return FakeOverview(
        sorted(entities.values(), key=lambda e: (e.kind, e.name)), conflicts, stories
    )


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
    library.overview = lambda: fake_overview(library)  # type: ignore[attr-defined]
    return library


@pytest.fixture(scope="session")
def home_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_home(tmp_path_factory.mktemp("tui-template"))


@pytest.fixture
def fb_home(home_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    shutil.copytree(home_template, home)
    monkeypatch.setenv("FIELDBRIEF_HOME", str(home))
    return home


@pytest.fixture
def library_path(fb_home: Path) -> Path:
    return fb_home / "library"


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
