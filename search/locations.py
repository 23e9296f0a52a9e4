"""Where fieldbrief keeps its files.

Everything fieldbrief writes lives under one home directory: the platform's user
data dir by default, or ``$FIELDBRIEF_HOME`` (tests and portable installs use it).
A library is a directory holding the index, the source store and the briefing
database; ``--library DIR`` points at another one (e.g. a team's shared folder).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "fieldbrief"
HOME_ENV = "FIELDBRIEF_HOME"


def home_dir() -> Path:
    override = os.environ.get(HOME_ENV)
    if override:
        return Path(override).expanduser()
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def config_dir() -> Path:
    override = os.environ.get(HOME_ENV)
    if override:
        return Path(override).expanduser() / "config"
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def state_dir() -> Path:
    override = os.environ.get(HOME_ENV)
    if override:
        return Path(override).expanduser() / "state"
    return Path(platformdirs.user_state_dir(APP_NAME, appauthor=False))


@dataclass(frozen=True)
class LibraryPaths:
    """Where one library keeps its files."""

    root: Path

    @property
    def index(self) -> Path:
        return self.root / "index"

    @property
    def store(self) -> Path:
        """SQLite database: pins, notes, tags, saved searches, ingest journal."""
        return self.root / "library.sqlite3"

    @property
    def lock(self) -> Path:
        return self.root / "write.lock"

    def ensure(self) -> LibraryPaths:
        self.root.mkdir(parents=True, exist_ok=True)
        return self


def default_library() -> LibraryPaths:
    return LibraryPaths(home_dir() / "library")


def library_at(path: str | os.PathLike[str] | None) -> LibraryPaths:
    return default_library() if path is None else LibraryPaths(Path(path).expanduser().resolve())
