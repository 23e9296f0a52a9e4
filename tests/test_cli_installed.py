"""The installed ``fieldbrief`` command: the issue-14 cases as a shell sees them.

Each exit code of the README's table is checked here through the real entry
point (a subprocess), and the table itself is checked against the codes.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from fieldbrief.cli_common import (
    EXIT_LIBRARY,
    EXIT_NOT_FOUND,
    EXIT_NOTHING,
    EXIT_OK,
    EXIT_USAGE,
)
from fieldbrief.search.library import Library
from fieldbrief.search.model import Article

README = Path(__file__).resolve().parent.parent / "README.md"


def installed_command() -> str:
    beside = Path(sys.executable).with_name("fieldbrief")
    found = str(beside) if beside.is_file() else shutil.which("fieldbrief")
    if found is None:
        pytest.fail("the fieldbrief command is not installed (pip install -e .)")
    return found


@pytest.fixture(scope="module")
def shared_home(tmp_path_factory: pytest.TempPathFactory) -> str:
    """One home for the module: its key seals the index the commands verify."""
    return str(tmp_path_factory.mktemp("installed-home"))


@pytest.fixture(autouse=True)
def same_home(shared_home: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FIELDBRIEF_HOME", shared_home)


@pytest.fixture(scope="module")
def lib(tmp_path_factory: pytest.TempPathFactory, shared_home: str) -> str:
    root = tmp_path_factory.mktemp("installed") / "lib"
    patch = pytest.MonkeyPatch()
    patch.setenv("FIELDBRIEF_HOME", shared_home)
    with Library.open(root, seed=False, fact_extractor=lambda _a: []) as library:
        library.add_articles(
            [
                Article(
                    id=f"inst000{n}aaaaaaaaaa",
                    title=title,
                    body=body,
                    date=date(2024, 5, n),
                    source="AP",
                    path=f"/n/{n}.txt",
                    origin=f"/n/{n}.txt",
                )
                for n, (title, body) in enumerate(
                    [("Troops leave Niger", "Troops leave Niger."), ("Base", "Agadez base.")], 1
                )
            ]
        )
    patch.undo()
    return str(root)


def fieldbrief(lib: str, *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [installed_command(), "--library", lib, *argv],
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
        timeout=120,
    )


def test_pins_by_position_and_what_changed(lib: str) -> None:
    assert fieldbrief(lib, "briefing", "new", "Shell").returncode == EXIT_OK
    assert fieldbrief(lib, "briefing", "pin", "inst0001aaaaaaaaaa").returncode == EXIT_OK
    assert fieldbrief(lib, "briefing", "pin", "inst0002").returncode == EXIT_OK
    done = fieldbrief(lib, "briefing", "unpin", "2")
    assert done.returncode == EXIT_OK
    assert done.stdout.strip() == "removed pin 2 of briefing 1 “Shell”: article “Base”"
    listed = json.loads(fieldbrief(lib, "briefing", "show", "--json").stdout)
    assert [p["article_id"] for p in listed["pin_list"]] == ["inst0001aaaaaaaaaa"]


@pytest.mark.parametrize(
    ("argv", "code", "says"),
    [
        (["search", "Niger"], EXIT_OK, "1 hit\n"),
        (["search", "zzyzx"], EXIT_NOTHING, "0 hits"),
        (["export", "--query", "zzyzx"], EXIT_NOTHING, "matches no articles"),
        (["search", "x", "--limit", "0"], EXIT_USAGE, "must be 1 or more"),
        (["search", "x", "--page", "0"], EXIT_USAGE, "must be 1 or more"),
        (["saved", "open", "nope"], EXIT_USAGE, "no saved search called 'nope'"),
        (["export", "nope"], EXIT_USAGE, "no briefing called 'nope'"),
        (["show", "8a"], EXIT_NOT_FOUND, "too short"),
        (["show", "inst000"], EXIT_NOT_FOUND, "ambiguous"),
        (["show", "ffffffffffffffff"], EXIT_NOT_FOUND, "no article with id"),
    ],
    ids=lambda v: " ".join(v) if isinstance(v, list) else None,
)
def test_exit_codes(lib: str, argv: list[str], code: int, says: str) -> None:
    done = fieldbrief(lib, *argv)
    assert done.returncode == code, done.stderr
    assert says in done.stdout + done.stderr
    assert "Traceback" not in done.stderr


def test_library_problems_are_exit_3(tmp_path: Path) -> None:
    missing = tmp_path / "mistyped"
    done = fieldbrief(str(missing), "search", "troops")
    assert done.returncode == EXIT_LIBRARY and "no fieldbrief library at" in done.stderr
    assert not missing.exists()
    corrupt = tmp_path / "corrupt"
    corrupt.mkdir()
    (corrupt / "library.sqlite3").write_bytes(b"not a database" * 300)
    done = fieldbrief(str(corrupt), "briefing", "show")
    assert done.returncode == EXIT_LIBRARY
    assert len(done.stderr.strip().splitlines()) == 1 and "Move it aside" in done.stderr


def test_readme_exit_code_table_matches_the_codes() -> None:
    text = README.read_text("utf-8")
    section = text[text.index("### Exit codes") :]
    rows = re.findall(r"^\| `(\d)` \| ([^|]+) \|", section, re.M)
    table = {int(code): meaning.strip() for code, meaning in rows}
    assert table.keys() == {EXIT_OK, EXIT_NOTHING, EXIT_USAGE, EXIT_LIBRARY, EXIT_NOT_FOUND}
    assert table[EXIT_OK] == "success"
    assert table[EXIT_NOTHING].startswith("nothing found or nothing done")
    assert table[EXIT_USAGE].startswith("usage error")
    assert table[EXIT_LIBRARY].startswith("library problem")
    assert table[EXIT_NOT_FOUND] == "no such article"
