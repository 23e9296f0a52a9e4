"""The command line as scripts use it: JSON shapes and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from fieldbrief.cli import (
    COMMANDS,
    EXIT_NOT_FOUND,
    EXIT_NOTHING,
    EXIT_OK,
    EXIT_USAGE,
    build_parser,
    chosen_command,
    main,
)
from fieldbrief.search.library import Library


@pytest.fixture
def lib_dir(tmp_path: Path, seed_paths: list[Path]) -> str:
    library = Library.open(tmp_path / "lib", seed=False, fact_extractor=lambda a: [])
    library.add_paths(seed_paths)
    library.close()
    return str(tmp_path / "lib")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_search_json_shape(capsys: pytest.CaptureFixture[str], lib_dir: str) -> None:
    code, out, _ = run(capsys, "--library", lib_dir, "search", "Agadez", "--json", "--limit", "3")
    assert code == EXIT_OK
    data = json.loads(out)
    assert data["total"] == 5 and len(data["hits"]) == 3
    hit = data["hits"][0]
    assert set(hit) >= {"id", "title", "date", "source", "path", "score", "snippet", "highlights"}
    start, end = hit["highlights"][0]
    assert hit["snippet"][start:end].lower() == "agadez"
    assert [h["rank"] for h in data["hits"]] == [1, 2, 3]


def test_search_json_reports_engine_time(
    capsys: pytest.CaptureFixture[str], lib_dir: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``took_ms`` is the engine's own time: it grows with the work the engine does
    (here a snippet builder slowed by 40 ms), on every path, the no-hit one too."""
    import time

    from fieldbrief.search import snippets

    code, out, _ = run(capsys, "--library", lib_dir, "search", "Agadez", "--json")
    quick = json.loads(out)["took_ms"]
    assert code == EXIT_OK and isinstance(quick, float) and quick > 0

    real_snippet = snippets.snippet

    def slow_snippet(*args: object, **kwargs: object) -> object:
        time.sleep(0.01)
        return real_snippet(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(snippets, "snippet", slow_snippet)
    started = time.perf_counter()
    code, out, _ = run(capsys, "--library", lib_dir, "search", "Agadez", "--json", "--limit", "4")
    wall_ms = (time.perf_counter() - started) * 1000
    slow = json.loads(out)["took_ms"]
    assert code == EXIT_OK and 40 <= slow <= wall_ms

    code, out, _ = run(capsys, "--library", lib_dir, "search", "zzyzx", "--json")
    assert code == EXIT_NOTHING and json.loads(out)["took_ms"] > 0


def test_search_text_and_no_hits(capsys: pytest.CaptureFixture[str], lib_dir: str) -> None:
    code, out, _ = run(capsys, "--library", lib_dir, "search", "agadez", "--sort", "date")
    assert code == EXIT_OK and out.startswith("5 hits") and "\x1b" not in out
    code, out, err = run(capsys, "--library", lib_dir, "search", "zzyzx")
    assert code == EXIT_NOTHING and out.startswith("0 hits")
    code, _, err = run(capsys, "--library", lib_dir, "search", "Agadz")
    assert code == EXIT_NOTHING and "did you mean: Agadez" in err
    # Hits, but none on the page asked for (an audit): said, not left to guess.
    code, out, err = run(
        capsys, "--library", lib_dir, "search", "agadez", "--limit", "2", "--page", "9"
    )
    assert code == EXIT_NOTHING and out.startswith("5 hits (showing 0)")
    assert "page 9 is past the last (3 at 2 a page)" in err


def test_show_by_prefix_and_missing(capsys: pytest.CaptureFixture[str], lib_dir: str) -> None:
    _, out, _ = run(capsys, "--library", lib_dir, "search", "source:reuters", "--json")
    article_id = json.loads(out)["hits"][0]["id"]
    code, out, _ = run(capsys, "--library", lib_dir, "show", article_id[:8], "--json")
    data = json.loads(out)
    assert code == EXIT_OK and data["id"] == article_id and data["source"] == "Reuters"
    assert data["date"] == "2023-09-08" and "Air Base 201" in data["body"]
    code, _, err = run(capsys, "--library", lib_dir, "show", "ffffffffffff")
    assert code == EXIT_NOT_FOUND and "no article" in err


def test_add_reports_and_exit_code(
    capsys: pytest.CaptureFixture[str], lib_dir: str, tmp_path: Path
) -> None:
    good = tmp_path / "good.txt"
    good.write_text("A new story\n\nTroops arrived in Chad.\n", "utf-8")
    (tmp_path / "empty.txt").write_text("", "utf-8")
    code, out, _ = run(
        capsys, "--library", lib_dir, "add", str(good), str(tmp_path / "empty.txt"), "--json"
    )
    report = json.loads(out)
    assert code == EXIT_NOTHING
    assert (report["added"], report["unchanged"]) == (1, 0)
    assert report["skipped"][0]["reason"] == "empty file"
    code, out, _ = run(capsys, "--library", lib_dir, "add", str(good))
    assert code == EXIT_OK and "0 added, 0 updated, 1 unchanged, 0 skipped" in out


def test_rebuild_command(capsys: pytest.CaptureFixture[str], lib_dir: str) -> None:
    code, out, _ = run(capsys, "--library", lib_dir, "index", "--rebuild")
    assert code == EXIT_OK and "rebuilt index: 5 articles" in out


def test_every_command_has_help(capsys: pytest.CaptureFixture[str]) -> None:
    parser = build_parser()
    commands = parser._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    for name in commands:
        with pytest.raises(SystemExit) as stop:
            main([name, "--help"])
        assert stop.value.code == 0
        assert "usage: fieldbrief " + name in capsys.readouterr().out
    with pytest.raises(SystemExit) as stop:
        main(["search"])
    assert stop.value.code == EXIT_USAGE


def test_only_the_command_being_run_declares_its_arguments() -> None:
    assert chosen_command(["--library", "search", "show", "8ab6"]) == "show"
    assert chosen_command(["--ascii", "search", "oil", "--json"]) == "search"
    assert chosen_command(["--library", "/x"]) is None
    assert chosen_command(["serach", "oil"]) is None
    parser = build_parser("show")
    commands = parser._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    # Only the chosen command's parser is built; without one, all are listed.
    assert set(commands) == {"show"}
    assert commands["show"]._actions[1:]
    listed = build_parser(None)._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    assert set(listed) == set(COMMANDS)
    assert {name for name, p in listed.items() if p._actions[1:]} == set()
    args = parser.parse_args(["--library", "search", "show", "8ab6", "--json"])
    assert (args.library, args.id, args.json) == ("search", "8ab6", True)


def test_version_and_module_entry_point(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "fieldbrief", "--version"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert done.returncode == 0 and done.stdout.startswith("fieldbrief ")


def test_progress_bar_shows_labels_as_plain_text() -> None:
    """File names reach the bar cleaned and literal: no escapes, no Rich markup."""
    import io

    from rich.console import Console

    from fieldbrief.cli import _ProgressBar

    out = io.StringIO()
    bar = _ProgressBar(Console(file=out, force_terminal=True, width=120))
    bar(3, 50, "\x1b]0;pwned\x07[bold]story[/bold].txt")
    bar.finish()  # stopping draws the last state once more
    shown = out.getvalue()
    assert "\x1b]" not in shown and "\x07" not in shown
    assert "[bold]story[/bold].txt" in shown
    assert "3/50" in shown


def test_json_is_written_in_one_piece() -> None:
    """With PYTHONUNBUFFERED every write is a system call: a page of hits
    written token by token was 1,300 of them."""
    import io

    from fieldbrief.cli_common import dump

    class CountingWrites(io.StringIO):
        writes = 0

        def write(self, text: str) -> int:
            self.writes += 1
            return super().write(text)

    out = CountingWrites()
    data = {"hits": [{"id": "a", "title": "Niger «troops»", "score": 1.5}] * 20, "total": 20}
    dump(data, out)
    assert out.writes == 1
    assert json.loads(out.getvalue()) == data
    assert "«troops»" in out.getvalue()  # not escaped: ensure_ascii=False
