"""Shared fixtures: every test runs against its own FIELDBRIEF_HOME; the TUI
tests share one deterministic library (see tests/test_tui_support.py), built
once per session and copied into each test."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


@pytest.fixture(autouse=True)
def fieldbrief_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    home = tmp_path_factory.mktemp("fbhome")
    monkeypatch.setenv("FIELDBRIEF_HOME", str(home))
    # Keep child processes (fact extraction pools) out of small test runs.
    monkeypatch.setenv("FIELDBRIEF_WORKERS", "1")
    return home


@pytest.fixture
def seed_paths() -> list[Path]:
    return sorted(SEEDS.glob("*.txt"))


def no_facts(_article: object) -> list:
    return []


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
