"""`fieldbrief facts`: library JSON, per-article JSON, and the JSON Lines batch mode."""

from __future__ import annotations

import io
import json

import pytest

from fieldbrief.cli import EXIT_NOT_FOUND, EXIT_OK, main
from fieldbrief.search import factsapi
from fieldbrief.search.library import Library


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    root = tmp_path_factory.mktemp("factscli")
    home, library = str(root / "home"), str(root / "lib")
    patch = pytest.MonkeyPatch()
    patch.setenv("FIELDBRIEF_HOME", home)
    # Only `add` makes a library at a --library path from the command line,
    # and unseeded; the engine seeds one when asked to.
    Library.open(library, seed=True).close()
    patch.undo()
    return library, home


@pytest.fixture
def seeds_dir(seeded: tuple[str, str], monkeypatch: pytest.MonkeyPatch) -> str:
    # Same home as the one that sealed the index, so this user's key verifies it.
    monkeypatch.setenv("FIELDBRIEF_HOME", seeded[1])
    return seeded[0]


def test_library_facts_json(seeds_dir: str, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["--library", seeds_dir, "facts", "--json"]) == EXIT_OK
    data = json.loads(capsys.readouterr().out)
    assert set(data) >= {"entities", "conflicts", "stories", "articles"}
    bazoum = next(e for e in data["entities"] if e["name"] == "Mohamed Bazoum")
    assert {"Bazoum", "Mohamed Barzoum"} <= set(bazoum["aliases"])
    assert len(bazoum["article_ids"]) == 4
    troops = next(c for c in data["conflicts"] if c["subject"] == "US troops in Niger")
    assert {c["source"] for c in troops["claims"]} >= {"Reuters", "AP", "Asian Lite News"}
    assert all({"value", "article_id", "text", "start", "end"} <= set(c) for c in troops["claims"])
    assert sorted(len(s) for s in data["stories"]) == [3]


def test_facts_for_one_article_and_missing(
    seeds_dir: str, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["--library", seeds_dir, "search", "source:reuters", "--json"])
    article_id = json.loads(capsys.readouterr().out)["hits"][0]["id"]
    assert main(["--library", seeds_dir, "facts", article_id, "--json"]) == EXIT_OK
    data = json.loads(capsys.readouterr().out)
    (article,) = data["articles"]
    kinds = {f["kind"] for f in article["facts"]}
    assert kinds == {"person", "organization", "place", "date", "figure", "quote"}
    assert main(["--library", seeds_dir, "facts", "nope-nope", "--json"]) == EXIT_NOT_FOUND


def test_facts_text_output(seeds_dir: str, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    main(["--library", seeds_dir, "facts"])
    out = capsys.readouterr().out
    assert "People" in out and "Conflicting figures" in out and "Mohamed Bazoum" in out
    # Counts read as English: an entity in one seed article says so.
    assert " · 1 article\n" in out and " 1 articles" not in out


def test_jsonl_batch_offsets_are_exact() -> None:
    texts = [
        {
            "id": "a",
            "text": "Pentagon spokeswoman Sabrina Singh said 1,100 US troops remain in Niger.",
        },
        {
            "id": "b",
            "text": "date 2023-09-08 Header lines are not parsed here. Agadez is 920 km away.",
        },
    ]
    source = io.StringIO("\n".join(json.dumps(t) for t in texts) + "\n{broken\n")
    out = io.StringIO()
    assert factsapi.stream_jsonl(source, out) == 1  # lines that could not be read
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [line.get("id") for line in lines[:2]] == ["a", "b"]
    assert "error" in lines[2] and lines[2]["line"] == 3
    for record, text in zip(lines[:2], texts, strict=True):
        for fact in record["facts"]:
            assert set(fact) >= {"kind", "text", "value", "unit", "subject", "start", "end"}
            assert text["text"][fact["start"] : fact["end"]] == fact["text"]
    first = {(f["kind"], f["text"]) for f in lines[0]["facts"]}
    assert ("person", "Sabrina Singh") in first and ("place", "Niger") in first
    assert any(f["kind"] == "figure" and f["value"] == 1100 for f in lines[0]["facts"])


def test_jsonl_error_line_does_not_borrow_the_previous_id() -> None:
    source = io.StringIO(
        json.dumps({"id": "ok", "text": "Troops left Niger."}) + '\n{"id": "x", "tex\n'
    )
    out = io.StringIO()
    factsapi.stream_jsonl(source, out)
    good, bad = (json.loads(line) for line in out.getvalue().splitlines())
    assert good["id"] == "ok" and bad["id"] is None and bad["line"] == 2
