"""Issue-14 cases through ``main()``: pins by position, edits, errors and exit codes."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
from pathlib import Path

import pytest

from fieldbrief.cli import main
from fieldbrief.cli_common import (
    EXIT_LIBRARY,
    EXIT_NOT_FOUND,
    EXIT_NOTHING,
    EXIT_OK,
    EXIT_USAGE,
)
from fieldbrief.search.library import Library
from tests.test_briefing_cli import article, no_facts

A1, A2, A3 = "case0001aaaaaaaaaa", "case0002aaaaaaaaaa", "8abc0003aaaaaaaaaa"


@pytest.fixture
def lib(tmp_path: Path) -> str:
    root = tmp_path / "lib"
    with Library.open(root, seed=False, fact_extractor=no_facts) as library:
        library.add_articles(
            [
                article(A1, "Troops leave Niger", "Troops leave Niger by September."),
                article(A2, "Drone base closes", "The Agadez drone base closes."),
                article(A3, "Chad talks", "Talks in Chad went on."),
                article("8abd0004aaaaaaaaaa", "Mali vote", "Mali votes in July."),
            ]
        )
    return str(root)


def run(capsys: pytest.CaptureFixture[str], lib: str, *argv: str) -> tuple[int, str, str]:
    code = main(["--library", lib, *argv])
    out, err = capsys.readouterr()
    return code, out, err


def shown(capsys: pytest.CaptureFixture[str], lib: str, *briefing: str) -> list[dict]:
    code, out, _ = run(capsys, lib, "briefing", "show", *briefing, "--json")
    assert code == EXIT_OK
    return json.loads(out)["pin_list"]


# --- pins by position, one briefing at a time ----------------------------------------


def test_pins_are_addressed_by_their_shown_position(
    lib: str, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, lib, "briefing", "new", "Other")
    run(capsys, lib, "briefing", "pin", A3, "--note", "keep me")
    other = shown(capsys, lib)
    run(capsys, lib, "briefing", "new", "Sahel")
    run(capsys, lib, "briefing", "pin", A1)
    code, out, _ = run(capsys, lib, "briefing", "pin", A2, "--passage", "4:10")
    assert code == EXIT_OK
    assert out.strip() == (
        "pinned passage from “Drone base closes” “Agadez” as pin 2 of briefing 2 “Sahel”"
    )

    code, out, _ = run(capsys, lib, "briefing", "show")
    assert "  1. article · case0001aaaaaaaaaa · Troops leave Niger  [id:2]" in out
    assert "  2. passage 4:10 · case0002aaaaaaaaaa" in out

    # "1" is the first pin of the current briefing, whatever its id.
    code, out, _ = run(capsys, lib, "briefing", "note", "--pin", "1", "the", "lead")
    assert code == EXIT_OK
    assert out.strip() == ("note on pin 1 of briefing 2 “Sahel” (article “Troops leave Niger”) set")
    code, out, _ = run(capsys, lib, "briefing", "move", "2", "1")
    assert code == EXIT_OK and out.startswith("moved pin 2 of briefing 2 “Sahel” to position 1")
    assert [p["article_id"] for p in shown(capsys, lib)] == [A2, A1]

    # The other briefing's pin, by id, is refused and left alone.
    other_id = other[0]["id"]
    code, _, err = run(capsys, lib, "briefing", "unpin", f"id:{other_id}")
    assert code == EXIT_USAGE
    assert f"pin id {other_id} belongs to briefing 1 “Other”, not to briefing 2 “Sahel”" in err
    code, _, err = run(capsys, lib, "briefing", "note", "--pin", "3", "x")
    assert code == EXIT_USAGE and "has only 2 pins; there is no pin 3" in err
    assert shown(capsys, lib, "Other") == other

    # Naming the briefing acts on it, and the removal says what went.
    code, out, _ = run(capsys, lib, "briefing", "unpin", "1", "--briefing", "Other")
    assert code == EXIT_OK
    assert out.strip() == (
        "removed pin 1 of briefing 1 “Other”: article “Chad talks”; its note “keep me” went with it"
    )
    assert shown(capsys, lib, "Other") == []
    assert len(shown(capsys, lib)) == 2


def test_changing_a_note_says_what_it_replaced(
    lib: str, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, lib, "briefing", "note", "First", "draft")
    code, out, _ = run(capsys, lib, "briefing", "note", "Second")
    assert code == EXIT_OK and out.strip().endswith("set; it replaced “First draft”")


# --- an edited file keeps its history ---------------------------------------------------


def test_an_edited_file_keeps_tags_pins_and_old_id(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lib = str(tmp_path / "lib")
    source = tmp_path / "story.txt"
    source.write_text("Base talks\n\nTalks on the Agadez base began. Troops wait.\n", "utf-8")
    with Library.open(lib, seed=False, fact_extractor=no_facts) as library:
        library.add_paths([source])
        old_id = library.search("agadez").hits[0].id
    assert run(capsys, lib, "tag", old_id, "sahel")[0] == EXIT_OK
    assert run(capsys, lib, "briefing", "pin", old_id, "--passage", "0:31", "--note", "n")[0] == 0
    assert run(capsys, lib, "briefing", "pin", old_id, "--passage", "32:44")[0] == 0

    source.write_text("Base talks\n\nTalks on the Agadez base began. Envoys left.\n", "utf-8")
    with Library.open(lib, seed=False, fact_extractor=no_facts) as library:
        assert library.add_paths([source]).updated == 1

    code, out, _ = run(capsys, lib, "show", old_id, "--json")
    assert code == EXIT_OK
    current = json.loads(out)
    assert current["id"] != old_id and current["tags"] == ["sahel"]
    assert "Envoys left." in current["body"]
    pins = shown(capsys, lib)
    assert [(p["article_id"], p["note"], p["stale"]) for p in pins] == [
        (current["id"], "n", False),
        (current["id"], "", True),
    ]
    code, out, _ = run(capsys, lib, "briefing", "show")
    assert "· not in the current version" in out
    code, out, _ = run(capsys, lib, "export")
    assert "no longer in the library" not in out and "Envoys" not in out.split("## Pinned")[1]
    assert "*(This passage is not in the current version of the article.)*" in out
    code, out, _ = run(capsys, lib, "saved", "save", "base", "agadez")
    assert run(capsys, lib, "saved", "open", "base")[0] == EXIT_NOTHING


# --- errors and exit codes ----------------------------------------------------------------


READ_COMMANDS = [
    ["search", "troops"],
    ["show", A1],
    ["facts", "--json"],
    ["index"],
    ["briefing", "show"],
    ["export"],
    ["tag", A1],
    ["saved", "list"],
    [],  # the app
]


@pytest.mark.parametrize("argv", READ_COMMANDS, ids=lambda a: " ".join(a) or "app")
def test_read_commands_refuse_a_missing_library(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    missing = tmp_path / "mistyped"
    code, out, err = run(capsys, str(missing), *argv)
    assert code == EXIT_LIBRARY and out == ""
    assert f"fieldbrief: no fieldbrief library at {missing}" in err
    assert "add FILE" in err and len(err.strip().splitlines()) == 1
    assert not missing.exists()


def test_only_add_creates_a_library(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    story = tmp_path / "s.txt"
    story.write_text("A story\n\nTroops arrived in Chad.\n", "utf-8")
    target = tmp_path / "new"
    # Fact extraction is not what is tested here: the bundled seeds need it.
    code, out, _ = run(capsys, str(target), "add", str(story))
    assert code == EXIT_OK and "1 added" in out
    assert (target / "library.sqlite3").is_file()
    assert run(capsys, str(target), "search", "Chad")[0] == EXIT_OK
    # What was added and nothing else: the bundled samples are the default
    # library's, not every new one's.
    code, out, _ = run(capsys, str(target), "search", "*", "--json")
    assert code == EXIT_OK and json.loads(out)["total"] == 1


def test_a_library_add_made_empty_is_not_seeded_later(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "empty.txt").write_text("", "utf-8")
    target = tmp_path / "new"
    assert run(capsys, str(target), "add", str(tmp_path / "empty.txt"))[0] == EXIT_NOTHING
    # The library exists but holds nothing: opening it must not fill it.
    code, out, _ = run(capsys, str(target), "search", "*", "--json")
    assert code == EXIT_NOTHING and json.loads(out)["total"] == 0


def test_the_default_library_starts_with_the_samples(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    story = tmp_path / "s.txt"
    story.write_text("A story\n\nTroops arrived in Chad.\n", "utf-8")
    assert main(["add", str(story)]) == EXIT_OK
    assert "1 added" in capsys.readouterr().out
    assert main(["search", "*", "--json"]) == EXIT_OK
    assert json.loads(capsys.readouterr().out)["total"] == 6


def test_a_corrupt_database_is_one_line_and_exit_3(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "lib"
    root.mkdir()
    (root / "library.sqlite3").write_bytes(b"\x00garbage" * 1000)
    code, out, err = run(capsys, str(root), "search", "troops")
    assert code == EXIT_LIBRARY and out == ""
    assert len(err.strip().splitlines()) == 1
    assert "is not a usable fieldbrief library database" in err and "Move it aside" in err


def test_a_database_from_a_newer_fieldbrief_is_exit_3(
    lib: str, capsys: pytest.CaptureFixture[str]
) -> None:
    db = sqlite3.connect(Path(lib) / "library.sqlite3")
    db.execute("UPDATE meta SET value = '999' WHERE key = 'schema_version'")
    db.commit()
    db.close()
    code, _, err = run(capsys, lib, "briefing", "list")
    assert code == EXIT_LIBRARY and "Upgrade fieldbrief" in err


@pytest.mark.parametrize(
    "argv",
    [
        ["search", "troops", "--limit", "0"],
        ["search", "troops", "--limit", "-5"],
        ["search", "troops", "--page", "0"],
        ["search", "troops", "--limit", "lots"],
        ["export", "--query", "troops", "--limit", "0"],
        ["briefing", "move", "1", "0"],
    ],
    ids=" ".join,
)
def test_bad_numbers_are_usage_errors(
    lib: str, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["--library", lib, *argv])
    assert stop.value.code == EXIT_USAGE
    err = capsys.readouterr().err
    assert "must be 1 or more" in err or "expected a whole number" in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["saved", "open", "nope"], "no saved search called 'nope'"),
        (["saved", "delete", "nope"], "no saved search called 'nope'"),
        (["export", "nope"], "no briefing called 'nope'"),
        (["export", "42"], "no briefing with id 42"),
        (["briefing", "use", "nope"], "no briefing called 'nope'"),
    ],
)
def test_names_that_name_nothing_are_usage_errors(
    lib: str, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code, out, err = run(capsys, lib, *argv)
    assert code == EXIT_USAGE and out == "" and message in err


@pytest.mark.parametrize(
    ("ref", "message"),
    [
        ("8a", "article id '8a' is too short: give the full id, or at least 4"),
        ("8ab", "article id '8ab' is too short"),
        ("8abc", None),
        ("8ab0", "no article with id '8ab0'"),
        ("case000", "article id 'case000' is ambiguous: it starts case0001aaaaaaaaaa,"),
    ],
)
def test_show_says_why_an_id_names_no_article(
    lib: str, capsys: pytest.CaptureFixture[str], ref: str, message: str | None
) -> None:
    code, out, err = run(capsys, lib, "show", ref)
    if message is None:
        assert code == EXIT_OK and out.startswith("Chad talks")
    else:
        assert code == EXIT_NOT_FOUND and message in err
    assert run(capsys, lib, "tag", ref)[0] == code


def test_exporting_a_search_with_no_hits(
    lib: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "out.md"
    code, out, err = run(capsys, lib, "export", "--query", "zzyzx", "-o", str(target))
    assert code == EXIT_NOTHING and out == ""
    assert "the search “zzyzx” matches no articles; nothing to export" in err
    assert not target.exists()


def test_summary_is_the_analysts_markdown(lib: str, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, lib, "briefing", "pin", A1)
    run(capsys, lib, "briefing", "note", "About ~1,000 troops *remain*.")
    code, out, _ = run(capsys, lib, "export")
    assert code == EXIT_OK and "\nAbout ~1,000 troops *remain*.\n" in out


def test_export_honours_the_umask(
    lib: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, lib, "briefing", "pin", A1)
    old = os.umask(0o022)
    try:
        for name, extra in (("plain.md", []), ("forced.md", ["--force"])):
            assert run(capsys, lib, "export", "-o", str(tmp_path / name), *extra)[0] == 0
            assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o644
    finally:
        os.umask(old)


def test_saved_open_defines_new(lib: str, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, lib, "saved", "save", "sahel", "Niger OR Agadez")
    code, out, _ = run(capsys, lib, "saved", "open", "sahel", "--json")
    data = json.loads(out)
    assert code == EXIT_NOTHING and data["first_open"] and data["total"] == 2
    assert data["new"] == []
    with Library.open(lib, seed=False, fact_extractor=no_facts) as library:
        library.add_articles([article("case0009aaaaaaaaaa", "Niger again", "Niger again.")])
    code, out, _ = run(capsys, lib, "saved", "open", "sahel")
    assert code == EXIT_OK
    assert ": 1 new since you last opened it (" in out and "; 3 match in all" in out
    assert "case0009aaaaaaaaaa" in out
    code, out, _ = run(capsys, lib, "saved", "open", "sahel")
    assert code == EXIT_NOTHING and "0 new since you last opened it" in out


def test_error_messages_are_cleaned(lib: str, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, lib, "briefing", "new", "Evil\x1b]0;pwned\x07 title")
    run(capsys, lib, "briefing", "pin", A1)
    run(capsys, lib, "briefing", "new", "Other")
    pin_id = shown(capsys, lib, "1")[0]["id"]
    code, _, err = run(capsys, lib, "briefing", "unpin", f"id:{pin_id}")
    assert code == EXIT_USAGE and "belongs to briefing 1" in err
    assert "\x1b" not in err and "\x07" not in err
