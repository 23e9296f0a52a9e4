"""CLI smoke tests: export (overwrite guard), briefing, tag, saved."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from fieldbrief.cli import main
from fieldbrief.search.library import Library
from fieldbrief.search.model import Article, Fact

A1, A2 = "cli00001aaaaaaaaaa", "cli00002aaaaaaaaaa"


def no_facts(_article: object) -> list[Fact]:
    return []


def article(article_id: str, title: str, body: str) -> Article:
    return Article(
        id=article_id,
        title=title,
        body=body,
        date=date(2024, 5, 20),
        source="AP",
        path=f"/tmp/{article_id}.txt",
        origin=f"/tmp/{article_id}.txt",
    )


@pytest.fixture
def lib(tmp_path: Path) -> str:
    root = tmp_path / "lib"
    with Library.open(root, seed=False, fact_extractor=no_facts) as library:
        library.add_articles(
            [
                article(A1, "Troops leave Niger", "Troops leave Niger by September. More text."),
                article(A2, "Drone base closes", "The Agadez drone base closes. Niger again."),
            ]
        )
    return str(root)


def run(lib: str, *argv: str) -> int:
    return main(["--library", lib, *argv])


def test_briefing_flow(lib: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(lib, "briefing", "new", "Sahel", "week") == 0
    assert run(lib, "briefing", "pin", A1, "--note", "lead") == 0
    assert run(lib, "briefing", "pin", A2, "--passage", "0:29", "--json") == 0
    out = capsys.readouterr().out
    passage = json.loads(out[out.index("{") :])
    assert passage["quote"] == "The Agadez drone base closes."
    assert run(lib, "briefing", "move", str(passage["id"]), "1") == 0
    assert run(lib, "briefing", "note", "Two", "lines") == 0
    assert run(lib, "briefing", "note", "--pin", str(passage["id"]), "base", "note") == 0
    capsys.readouterr()
    assert run(lib, "briefing", "show", "--json") == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["title"] == "Sahel week" and shown["summary"] == "Two lines"
    assert [p["kind"] for p in shown["pin_list"]] == ["passage", "article"]
    assert shown["pin_list"][0]["note"] == "base note"

    assert run(lib, "briefing", "new", "Other") == 0
    assert run(lib, "briefing", "list", "--json") == 0
    listed = json.loads(capsys.readouterr().out.split("\n", 1)[1])
    assert [(b["title"], b["current"]) for b in listed] == [("Sahel week", False), ("Other", True)]
    assert run(lib, "briefing", "use", "sahel week") == 0
    assert run(lib, "briefing", "unpin", str(passage["id"])) == 0
    capsys.readouterr()
    assert run(lib, "briefing", "show") == 0
    text = capsys.readouterr().out
    assert "Troops leave Niger" in text and "Drone base" not in text


def test_briefing_errors(lib: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(lib, "briefing", "pin", "nosuchid") == 4
    assert run(lib, "briefing", "unpin", "999") == 4
    assert run(lib, "briefing", "use", "missing") == 4
    assert run(lib, "briefing", "pin", A1, "--passage", "5:500") == 4
    assert run(lib, "briefing", "pin", A1, "--fact", "0") == 4
    assert "no pin with id 999" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        run(lib, "briefing", "pin", A1, "--passage", "five")


def test_export_overwrite_guard(
    lib: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(lib, "briefing", "pin", A1)
    target = tmp_path / "brief.md"
    assert run(lib, "export", "-o", str(target)) == 0
    first = target.read_text("utf-8")
    assert first.startswith("# Briefing ") and "[^1]: AP, 2024-05-20" in first

    target.write_text("precious notes", "utf-8")
    capsys.readouterr()
    assert run(lib, "export", "-o", str(target)) == 1
    assert "use --force" in capsys.readouterr().err
    assert target.read_text("utf-8") == "precious notes"

    assert run(lib, "export", "-o", str(target), "--force") == 0
    assert target.read_text("utf-8") == first
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".brief")] == []


def test_export_query_to_stdout(lib: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(lib, "export", "--query", "Niger", "--title", "Niger now") == 0
    out = capsys.readouterr().out
    assert out.startswith("# Niger now\n")
    assert "From the search “Niger”: 2 articles." in out
    assert run(lib, "export", "1", "--query", "x") == 2


def test_tags(lib: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(lib, "tag", A1[:8], "sahel", "troops") == 0
    assert run(lib, "tag", A1, "--remove", "troops") == 0
    capsys.readouterr()
    assert run(lib, "tag", A1, "--json") == 0
    assert json.loads(capsys.readouterr().out) == {"id": A1, "tags": ["sahel"]}
    assert run(lib, "search", "tag:sahel", "--json") == 0
    assert [h["id"] for h in json.loads(capsys.readouterr().out)["hits"]] == [A1]
    assert run(lib, "tag", "nosuchid", "x") == 4


def test_saved_searches(lib: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(lib, "saved", "save", "niger", "Niger", "--sort", "date") == 0
    assert run(lib, "saved", "open", "niger") == 1  # nothing new yet
    with Library.open(lib, seed=False, fact_extractor=no_facts) as library:
        library.add_articles([article("cli00003aaaaaaaaaa", "Niger junta", "Niger junta talks.")])
    capsys.readouterr()
    assert run(lib, "saved", "open", "niger", "--json") == 0
    opened = json.loads(capsys.readouterr().out)
    assert opened["query"] == "Niger" and opened["sort"] == "date"
    assert [a["id"] for a in opened["new"]] == ["cli00003aaaaaaaaaa"]
    assert run(lib, "saved", "list", "--json") == 0
    assert [s["name"] for s in json.loads(capsys.readouterr().out)] == ["niger"]
    assert run(lib, "saved", "delete", "niger") == 0
    assert run(lib, "saved", "open", "niger") == 4


def test_seed_export_from_query(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from fieldbrief.search.facts.ner import default_model_path

    if not default_model_path().is_file():
        pytest.skip("the NER model (search/data/ner.crfsuite) is not built yet")
    lib = str(tmp_path / "seedlib")
    assert run(lib, "export", "--query", "Niger") == 0
    out = capsys.readouterr().out
    assert "US troops in Niger" in out and "| Reuters |" in out
    assert "- **2023-07-26** —" in out
    assert "[^1]: " in out
