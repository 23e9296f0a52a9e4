"""Shared fixtures: every test runs against its own FIELDBRIEF_HOME; the TUI
tests share one deterministic library (see tests/test_tui_support.py), built
once per session and copied into each test.

Every test belongs to one group, given by its file (``GROUPS``) and usable
as a marker: ``pytest -m unit`` (pure functions, no library), ``-m engine``
(a real library on disk), ``-m cli`` (commands through ``main`` or the
installed script), ``-m tui`` (the app under Textual's Pilot), ``-m e2e``
(the installed command in a real terminal). A new test file must be added to
a group; collection stops until it is.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

SEEDS = Path(__file__).resolve().parent.parent / "seeds"

GROUPS: dict[str, tuple[str, ...]] = {
    "unit": (
        "test_analysis",
        "test_facts_dates",
        "test_facts_extract",
        "test_facts_figures",
        "test_facts_furniture",
        "test_facts_junk_roles",
        "test_facts_orgs",
        "test_facts_resolve",
        "test_facts_seeds",
        "test_ingest_formats",
        "test_ingest_seeds",
        "test_ner",
        "test_snippets",
    ),
    "engine": (
        "test_briefing",
        "test_crash",
        "test_direct",
        "test_docsets",
        "test_events",
        "test_export",
        "test_hostile_ingest",
        "test_adding",
        "test_identity",
        "test_index_lengths",
        "test_index_writer",
        "test_ingest_bounds",
        "test_library",
        "test_library_facts",
        "test_library_safety",
        "test_overview_cache",
        "test_query_limits",
        "test_store",
    ),
    "cli": (
        "test_briefing_cli",
        "test_cli",
        "test_cli_cases",
        "test_cli_facts",
        "test_cold_start",
        "test_cli_installed",
        "test_events_cli",
    ),
    "tui": (
        "test_tui_app",
        "test_tui_briefing",
        "test_tui_conventions",
        "test_tui_entity",
        "test_tui_lists",
        "test_tui_random_keys",
        "test_tui_reading",
        "test_tui_real_engine",
        "test_tui_screens",
        "test_tui_search",
        "test_tui_snapshots",
        "test_tui_support",
        "test_tui_terminal",
    ),
}
_GROUP_OF = {name: group for group, names in GROUPS.items() for name in names}


def group_of(path: Path) -> str | None:
    """The group of a test file: its folder for ``e2e/``, else ``GROUPS``."""
    if path.parent.name == "e2e":
        return "e2e"
    return _GROUP_OF.get(path.stem)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    ungrouped = sorted({item.path.name for item in items if group_of(item.path) is None})
    if ungrouped:
        raise pytest.UsageError(
            f"tests/conftest.py GROUPS: put {', '.join(ungrouped)} in a group "
            "(unit, engine, cli or tui)"
        )
    for item in items:
        item.add_marker(str(group_of(item.path)))


@pytest.fixture(autouse=True)
def fieldbrief_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    home = tmp_path_factory.mktemp("fbhome")
    monkeypatch.setenv("FIELDBRIEF_HOME", str(home))
    # Keep child processes (fact extraction pools) out of small test runs.
    monkeypatch.setenv("FIELDBRIEF_WORKERS", "1")
    return home


@pytest.fixture(scope="session")
def tagger() -> object:
    """The shipped entity tagger (loaded once); skips when the model is not built."""
    from fieldbrief.search.facts.ner import default_model_path, default_tagger

    if not default_model_path().is_file():
        pytest.skip("NER model not built yet (tools/train_ner.py)")
    return default_tagger()


@pytest.fixture
def seed_paths() -> list[Path]:
    return sorted(SEEDS.glob("*.txt"))


def no_facts(_article: object) -> list:
    return []


def write_jsonl(path: Path, rows: Iterable[dict[str, object]]) -> Path:
    """``rows`` as a JSON Lines bundle at ``path`` (one article per line)."""
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), "utf-8")
    return path


@pytest.fixture
def engine_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """``Library.search`` through the Whoosh engine alone: for tests of the
    engine's own ways (plain words and phrases otherwise go to search.direct)."""
    from fieldbrief.search import direct

    monkeypatch.setattr(direct, "search", lambda *_args, **_kwargs: None)  # the CLI's way in
    monkeypatch.setattr(direct, "answerable", lambda *_args, **_kwargs: None)  # Library.search's


@pytest.fixture
def bare_library(tmp_path: Path) -> Iterator[object]:
    """An empty library without fact extraction (fast; for ingest/index tests)."""
    from fieldbrief.search.library import Library

    library = Library.open(tmp_path / "lib", seed=False, fact_extractor=no_facts)
    yield library
    library.close()


# --- the TUI's test library --------------------------------------------------------


@pytest.fixture(scope="session")
def home_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.test_tui_support import build_home

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


@pytest.fixture
def tui_library(library_path: Path) -> Iterator[object]:
    """The test library opened, with the stub overview."""
    from tests.test_tui_support import open_library

    library = open_library(library_path)
    yield library
    library.close()
