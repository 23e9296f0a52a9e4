"""Shared fixtures: every test runs against its own FIELDBRIEF_HOME."""

from __future__ import annotations

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
