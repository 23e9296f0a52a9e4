"""CLI smoke tests: export (overwrite guard), briefing, tag, saved."""

from __future__ import annotations

import json
import re
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
    assert run(lib, "briefing", "move", "2", "1") == 0  # by position, as shown
    assert run(lib, "briefing", "note", "Two", "lines") == 0
    assert run(lib, "briefing", "note", "--pin", f"id:{passage['id']}", "base", "note") == 0
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
    assert run(lib, "briefing", "unpin", "1") == 0
    capsys.readouterr()
    assert run(lib, "briefing", "show") == 0
    text = capsys.readouterr().out
    assert "Troops leave Niger" in text and "Drone base" not in text


def test_briefing_errors(lib: str, capsys: pytest.CaptureFixture[str]) -> None:
    # 4 is for a missing article only; names that name nothing are usage errors.
    assert run(lib, "briefing", "pin", "nosuchid") == 4
    assert run(lib, "briefing", "unpin", "999") == 2
    assert "has no pins; there is no pin 999" in capsys.readouterr().err
    assert run(lib, "briefing", "unpin", "id:999") == 2
    assert "no pin with id 999" in capsys.readouterr().err
    assert run(lib, "briefing", "unpin", "first") == 2
    assert run(lib, "briefing", "use", "missing") == 2
    assert run(lib, "briefing", "pin", A1, "--passage", "5:500") == 2
    assert run(lib, "briefing", "pin", A1, "--fact", "0") == 2
    assert "the article has no facts" in capsys.readouterr().err
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
    capsys.readouterr()
    # Straight after saving nothing is new, and the output says from when
    # "new" counts and how many match in all, rather than a bare "0 new".
    assert run(lib, "saved", "open", "niger") == 1
    out = capsys.readouterr().out
    assert "Niger [date]: 0 new since you saved it (" in out and "; 2 match in all" in out
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
    assert "deleted saved search 'niger' (query: Niger)" in capsys.readouterr().out
    assert run(lib, "saved", "open", "niger") == 2
    assert "no saved search called 'niger'" in capsys.readouterr().err


def test_seed_export_from_query(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from fieldbrief.search.facts.ner import default_model_path

    if not default_model_path().is_file():
        pytest.skip("the NER model (search/data/ner.crfsuite) is not built yet")
    # The default library seeds itself on first use.
    assert main(["export", "--query", "Niger"]) == 0
    out = capsys.readouterr().out
    assert "US troops in Niger" in out and "| Reuters |" in out
    assert "- **2023-07-26** —" in out
    assert "[^1]: " in out
    # The seeds are cited as the bundled samples, not by their install path.
    sources = out[out.index("## Sources") :]
    assert re.search(
        r'^\[\^1\]: .*", id [0-9a-f]+, bundled sample \d{3}\\_[0-9a-f]+\.txt$', sources, re.M
    )
    assert "/seeds/" not in out and "site-packages" not in out


def test_pinned_conflicting_figure_brings_its_conflict(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from fieldbrief.search.facts.ner import default_model_path

    if not default_model_path().is_file():
        pytest.skip("the NER model (search/data/ner.crfsuite) is not built yet")
    assert main(["search", "source:reuters", "--json"]) == 0
    article_id = json.loads(capsys.readouterr().out)["hits"][0]["id"]
    assert main(["facts", article_id, "--json"]) == 0
    facts = json.loads(capsys.readouterr().out)["articles"][0]["facts"]
    index = next(i for i, f in enumerate(facts) if f.get("key") == "US troops in Niger")
    assert main(["briefing", "pin", article_id, "--fact", str(index)]) == 0
    capsys.readouterr()
    assert main(["export"]) == 0
    out = capsys.readouterr().out
    # One pinned article, but the conflict table cites the other reports too.
    assert "*Generated" in out and "1 pin from 1 article." in out
    conflict = out[out.index("## Figures with conflicts") : out.index("## Pinned")]
    assert "### US troops in Niger" in conflict
    assert len(set(re.findall(r"\[\^(\d+)\]", conflict))) >= 2
