"""Hostile files through the whole engine: every one indexed safely or refused with a reason."""

from __future__ import annotations

import json
import re
import socket
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fieldbrief.cli import main
from fieldbrief.search.library import Library

from .fixtures.hostile import build

UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200b-\u200f\ufeff]")


def no_facts(_article: object) -> list:
    return []


@pytest.fixture(scope="module")
def hostile_library(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Library, dict[str, str], object]:
    root = tmp_path_factory.mktemp("hostile")
    expect = build(root / "corpus")
    mp = pytest.MonkeyPatch()
    mp.setenv("FIELDBRIEF_HOME", str(root / "home"))
    library = Library.open(root / "lib", seed=False, fact_extractor=no_facts)
    report = library.add_paths([root / "corpus"])
    yield library, expect, report
    library.close()
    mp.undo()


def test_each_hostile_file_is_indexed_or_skipped_with_reason(hostile_library: tuple) -> None:
    _, expect, report = hostile_library
    skipped = {Path(p.path).name for p in report.skipped}
    for name, expectation in expect.items():
        if expectation == "skip":
            assert name in skipped, name
        elif expectation == "index":
            assert name not in skipped or name == "malformed.jsonl", name
        else:
            assert name in skipped, name
    assert all(p.reason for p in report.skipped)
    lines = {p.line for p in report.skipped if Path(p.path).name == "malformed.jsonl"}
    assert lines == {2, 3, 4}
    assert report.added >= 12


@pytest.mark.parametrize(
    "marker",
    [
        "escapemarker",
        "controlmarker",
        "bidimarker",
        "markupmarker",
        "mdmarker",
        "htmlmarker",
        "manywordsmarker",
        "invalidmarker",
        "utf16marker",
        "baddatemarker",
        "jsonlmarker",
    ],
)
def test_indexed_hostile_articles_are_clean(hostile_library: tuple, marker: str) -> None:
    library = hostile_library[0]
    hits = library.search(marker).hits
    assert len(hits) == 1, marker
    article, _ = library.get(hits[0].id)
    for text in (article.title, article.body, article.source or "", hits[0].snippet):
        assert not UNSAFE.search(text), (marker, UNSAFE.search(text))


def test_markup_is_kept_as_literal_text(hostile_library: tuple) -> None:
    library = hostile_library[0]
    article, _ = library.get(library.search("markupmarker").hits[0].id)
    assert "[@click=app.quit]markup-click[/]" in article.body
    assert article.title.startswith("[bold red]markup-bold[/bold red]")


def test_cli_output_never_carries_escapes(
    hostile_library: tuple, capsys: pytest.CaptureFixture[str]
) -> None:
    library = hostile_library[0]
    folder = str(library.paths.root)
    for query in ("escapemarker", "controlmarker", "bidimarker"):
        main(["--library", folder, "search", query])
        main(["--library", folder, "show", library.search(query).hits[0].id])
        out = capsys.readouterr().out
        assert "\x1b" not in out and "\x9b" not in out and "\x07" not in out


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    words=st.text(max_size=40),
    field=st.sampled_from(
        ["", "title:", "person:", "org:", "place:", "tag:", "source:", "date:", "date:>", "nosuch:"]
    ),
    op=st.sampled_from(
        ["", " AND ", " OR ", " NOT ", " ", "~", "*", '"', "(", ")", "[", " to ", "^2"]
    ),
    sort=st.sampled_from(["relevance", "date"]),
)
def test_random_queries_never_raise(
    hostile_library: tuple, words: str, field: str, op: str, sort: str
) -> None:
    library = hostile_library[0]
    result = library.search(f"{field}{words}{op}{words[::-1]}", sort=sort, limit=5)
    assert result.total >= len(result.hits)
    assert result.fallback is None or (
        "instead" in result.fallback or "nothing to search" in result.fallback
    )
    json.dumps(result.to_json())


def test_engine_works_with_network_blocked(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, seed_paths: list[Path]
) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError("network access attempted")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    corpus = tmp_path / "corpus"
    build(corpus)
    library = Library.open(tmp_path / "lib", seed=False)
    library.add_paths([*seed_paths, corpus / "escapes.txt", corpus / "structure.md"])
    (tmp_path / "feed.rss").write_text(
        "<rss><channel><title>T</title><item><title>x</title><link>http://example.invalid/x</link>"
        "<description>Feed body about Niamey.</description></item></channel></rss>",
        "utf-8",
    )
    library.add_paths([tmp_path / "feed.rss"])
    assert library.search("agadez").total == 5
    assert library.search("niamey").total >= 5
    _, facts = library.get(library.search("source:reuters").hits[0].id)
    assert facts
    assert library.overview().to_json()["entities"]


def test_export_and_app_work_with_network_blocked(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, seed_paths: list[Path]
) -> None:
    import asyncio

    from fieldbrief.search.export import build_query_briefing
    from fieldbrief.tui.app import create_app
    from fieldbrief.tui.results import ResultsList
    from tests.test_tui_support import settle, wait_for

    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError("network access attempted")

    real_socket = socket.socket

    class LocalOnlySocket(real_socket):  # type: ignore[misc,valid-type]
        """asyncio's event loop needs a local socketpair; anything else is refused."""

        def __init__(self, family: int = -1, *args: object, **kwargs: object) -> None:
            if family in (-1, socket.AF_INET, socket.AF_INET6) and kwargs.get("fileno") is None:
                raise OSError("network access attempted")
            super().__init__(family, *args, **kwargs)

    library = Library.open(tmp_path / "lib", seed=True)
    monkeypatch.setattr(socket, "socket", LocalOnlySocket)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    with pytest.raises(OSError, match="network"):
        socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    briefing = build_query_briefing(library, "place:Niger")
    assert "US troops in Niger" in briefing and "[^1]:" in briefing

    async def drive() -> None:
        app = create_app(library=library, state_path=tmp_path / "state.json")
        async with app.run_test(size=(120, 40)) as pilot:
            # On a loaded machine the screen may still be composing.
            await wait_for(pilot, lambda: app.screen.query(ResultsList))
            app.main.search_for("agadez")
            listing = app.screen.query_one(ResultsList)
            await settle(
                pilot,
                until=lambda: (
                    listing.results is not None
                    and listing.results.query == "agadez"
                    and listing.results.total_exact
                ),
            )
            assert listing.results is not None and listing.results.total == 5

    asyncio.run(drive())
    library.close()
