"""Issue 16 through the command line: timeline, facts and entity JSON on the seeds."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date

import pytest

from fieldbrief.cli import EXIT_NOTHING, EXIT_OK, main
from fieldbrief.search.events import sort_key
from fieldbrief.search.library import Library
from fieldbrief.search.model import Article


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    root = tmp_path_factory.mktemp("eventscli")
    patch = pytest.MonkeyPatch()
    patch.setenv("FIELDBRIEF_HOME", str(root / "home"))
    Library.open(root / "lib", seed=True).close()
    patch.undo()
    yield str(root / "lib"), str(root / "home")


@pytest.fixture
def cli(seeded: tuple[str, str], monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("FIELDBRIEF_HOME", seeded[1])
    return seeded[0]


def _troops(data: dict) -> dict:
    return next(c for c in data["conflicts"] if c["subject"] == "US troops in Niger")


def test_timeline_json(cli: str, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["--library", cli, "timeline", "--json"]) == EXIT_OK
    data = json.loads(capsys.readouterr().out)
    first = data["events"][0]
    assert set(first) == {"date", "precision", "text", "sources"}
    assert set(first["sources"][0]) >= {"article_id", "source", "date", "start", "end"}
    keys = [e["date"] for e in data["events"]]
    assert keys == sorted(keys, key=sort_key)


def test_timeline_of_a_query(cli: str, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["--library", cli, "timeline", "Chad", "--json"]) == EXIT_OK
    data = json.loads(capsys.readouterr().out)
    ids = {s["article_id"] for e in data["events"] for s in e["sources"]}
    assert ids and all(i.startswith("b2fc15c3") for i in ids)
    assert main(["--library", cli, "timeline", "zzzunknownword"]) == EXIT_NOTHING


def test_same_day_disagreement_is_told_apart_from_a_change(
    cli: str, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert main(["--library", cli, "facts", "--json"]) == EXIT_OK
    troops = _troops(json.loads(capsys.readouterr().out))
    (disagreement,) = troops["disagreements"]
    assert disagreement["as_of"] == "2023-09-08"
    values = {c["value"] for c in disagreement["claims"]}
    assert {1100.0, 1200.0} <= values and 1000.0 not in values
    assert set(disagreement["claims"][0]) == set(troops["claims"][0])
    trend = [(p["as_of"], p["agree"]) for p in troops["trend"]]
    assert trend == [("2023-09-08", False), ("2024-05-20", True)]
    assert troops["trend"][1]["value"] == 1000.0
    # Every claim says what time it describes; undated articles' claims have none.
    for claim in troops["claims"]:
        assert claim["as_of"] == claim["date"]


def test_claims_json_carries_attribution(cli: str, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["--library", cli, "facts", "--json"]) == EXIT_OK
    troops = _troops(json.loads(capsys.readouterr().out))
    politico = next(c for c in troops["claims"] if c["text"] == "around 1,200")
    assert politico["attribution"]["who"] == "one official"
    assert "Politico" in politico["sentence"]


def test_entity_json(cli: str, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["--library", cli, "entity", "Pentagon", "--json"]) == EXIT_OK
    data = json.loads(capsys.readouterr().out)
    assert data["kind"] == "organization" and "Defense Department" in data["aliases"]
    assert set(data) >= {
        "name",
        "kind",
        "aliases",
        "roles",
        "articles",
        "co_mentioned",
        "quotes",
        "figures",
        "events",
    }
    assert data["articles"] and data["events"]
    assert main(["--library", cli, "entity", "Nobody", "Atall", "--json"]) == EXIT_NOTHING
    assert json.loads(capsys.readouterr().out)["found"] is False
    assert main(["--library", cli, "entity", "Agadez", "--kind", "person"]) == EXIT_NOTHING


def test_hostile_event_text_reaches_the_terminal_inert(
    tmp_path: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "lib"  # type: ignore[operator]
    library = Library.open(root, seed=False)
    body = "On July 26 \x1b]52;c;ZXZpbA==\x07 soldiers \x1b[2J seized power in Niamey [bold]now[/]."
    library.add_articles(
        [Article(id="evil0000000000000", title="T", body=body, date=date(2023, 9, 8))]
    )
    library.close()
    capsys.readouterr()
    assert main(["--library", str(root), "timeline"]) == EXIT_OK
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out
    assert "seized power" in out
