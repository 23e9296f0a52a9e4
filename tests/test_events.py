"""Events, claims over time, attribution, quotes and entity profiles on the seeds (issue 16)."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from datetime import date

import pytest

from fieldbrief.search.events import (
    EventMention,
    date_range,
    event_mentions,
    merge_events,
    sort_key,
)
from fieldbrief.search.facts.extract import extract_facts
from fieldbrief.search.facts.resolve import Claim, _disagree, _same_times, find_conflicts
from fieldbrief.search.library import Library
from fieldbrief.search.model import Article

REUTERS = "7d09eb08"
ASIAN_LITE = "ffcaf862"


@pytest.fixture(scope="module")
def seeds(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Library, str, str]]:
    root = tmp_path_factory.mktemp("events")
    patch = pytest.MonkeyPatch()
    patch.setenv("FIELDBRIEF_HOME", str(root / "home"))
    library = Library.open(root / "lib", seed=True)
    yield library, str(root / "lib"), str(root / "home")
    library.close()
    patch.undo()


@pytest.fixture
def cli(seeds: tuple[Library, str, str], monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("FIELDBRIEF_HOME", seeds[2])
    return seeds[1]


def _article(body: str, day: date | None = date(2023, 9, 8), ident: str = "a1") -> Article:
    return Article(id=ident, title="T", body=body, date=day, source="S")


# --- events --------------------------------------------------------------------


def test_the_coup_is_one_event_citing_every_source(seeds: tuple[Library, str, str]) -> None:
    events = seeds[0].timeline()
    coup = [e for e in events if e.date == "2023-07-26"]
    assert len(coup) == 1
    ids = {s.article_id[:8] for s in coup[0].sources}
    assert {REUTERS, ASIAN_LITE} <= ids
    # Told in its own words, not by an article title.
    assert "seized power" in coup[0].text and "Bazoum" in coup[0].text
    titles = {s.title for s in coup[0].sources}
    assert coup[0].text not in titles
    # "late July" (a month) joined the day it fits rather than making a second coup.
    assert not any(e.date == "2023-07" and "Bazoum" in e.text for e in events)


def test_event_offsets_point_at_the_clause(seeds: tuple[Library, str, str]) -> None:
    library = seeds[0]
    for event in library.timeline():
        for source in event.sources:
            found = library.get(source.article_id)
            assert found is not None
            body = found[0].body
            assert 0 <= source.start < source.end <= len(body)
            # The text is the clause, with "…" where it was cut out of its sentence.
            assert " ".join(body[source.start : source.end].split()) == source.text.strip("…")


def test_events_are_stored_at_ingest(seeds: tuple[Library, str, str]) -> None:
    rows = seeds[0].store.db.execute("SELECT count(*) FROM events").fetchone()[0]
    assert rows >= 15


def test_timeline_sorts_weeks_by_their_monday() -> None:
    values = ["2023-10", "2023-W36", "2023-09-08", "2023"]
    assert sorted(values, key=sort_key) == ["2023", "2023-W36", "2023-09-08", "2023-10"]
    assert date_range("2023-W36") == (date(2023, 9, 4), date(2023, 9, 10))


def test_unrelated_events_of_one_day_stay_apart() -> None:
    body = (
        "On July 26 soldiers seized power in Niamey and deposed the president.\n\n"
        "On July 26 the football league announced its new fixtures for the autumn season."
    )
    article = _article(body)
    mentions = event_mentions(article, extract_facts(body, article.date))
    assert len(mentions) == 2
    assert len(merge_events(mentions)) == 2


def test_a_when_clause_tells_what_happened() -> None:
    body = (
        "The crisis erupted on July 26 when Niger military officers seized power,"
        " deposed President Mohamed Bazoum and placed him under house arrest."
    )
    article = _article(body)
    (mention,) = event_mentions(article, extract_facts(body, article.date))
    assert mention.text.startswith("Niger military officers seized power")


def test_same_article_twice_is_one_source() -> None:
    mentions = [
        EventMention("a", "2023-07-26", "day", "coup one", 0, 5, ["@coup", "niger", "bazoum"]),
        EventMention("a", "2023-07-26", "day", "coup two", 9, 15, ["@coup", "niger", "bazoum"]),
        EventMention("b", "2023-07", "month", "coup", 3, 7, ["@coup", "niger", "bazoum"]),
    ]
    (event,) = merge_events(mentions)
    assert [s.article_id for s in event.sources] == ["a", "b"]
    assert event.precision == "day"


def test_an_upgraded_library_gets_its_events(tmp_path: pytest.TempPathFactory) -> None:
    library = Library.open(tmp_path / "lib", seed=True)  # type: ignore[operator]
    before = len(library.timeline())
    db = sqlite3.connect(library.paths.store)
    db.execute("DELETE FROM events")
    db.execute("INSERT INTO meta(key, value) VALUES ('events_pending', '1')")
    db.commit()
    db.close()
    assert len(library.timeline()) == before
    assert library.store.get_meta("events_pending") is None
    library.close()


def test_export_timeline_cites_every_source_of_an_event(seeds: tuple[Library, str, str]) -> None:
    from fieldbrief.search.export import build_query_briefing

    text = build_query_briefing(seeds[0], "Niger", limit=10, today=date(2025, 1, 2))
    section = text.split("## Timeline", 1)[1].split("\n## ", 1)[0]
    coup = [line for line in section.splitlines() if line.startswith("- **2023-07-26**")]
    assert len(coup) == 1 and "seized power" in coup[0]
    assert len(re.findall(r"\[\^\d+\]", coup[0])) >= 2
    # An article title is never an event.
    assert "Published" not in section


# --- claims over time -------------------------------------------------------------


def _claim(value: float, qualifier: str | None, article: str, as_of: str = "2023-09-08") -> Claim:
    return Claim(value, None, None, qualifier, article, None, as_of, "", 0, 1, as_of=as_of)


def test_approximately_equal_values_agree() -> None:
    assert not _disagree([_claim(1100, None, "a"), _claim(1100, "approx", "b")])
    assert _disagree([_claim(1100, None, "a"), _claim(1200, "approx", "b")])
    groups = _same_times(
        [
            _claim(1100, None, "a"),
            _claim(1000, None, "b", "2024-05-20"),
            _claim(1, None, "c", "2013"),
        ]
    )
    assert [[c.article_id for c in g] for g in groups] == [["c"], ["a"], ["b"]]


def test_as_of_comes_from_the_text_when_it_gives_one() -> None:
    body = (
        "In 2013, about 100 US troops were stationed in Niger.\n\n"
        "About 1,100 US troops are now in Niger, officials said."
    )
    facts = extract_facts(body, date(2023, 9, 8))
    figures = {f.text: f for f in facts if f.kind == "figure"}
    assert figures["about 100 US troops"].as_of == "2013"
    assert figures["About 1,100 US troops"].as_of is None  # the article's date applies


def test_an_old_count_is_a_change_not_a_disagreement() -> None:
    older = _article("In 2013, about 100 US troops were stationed in Niger.", ident="old")
    newer = _article("About 1,100 US troops are in Niger, the Pentagon said.", ident="new")
    items = [(a, extract_facts(a.body, a.date)) for a in (older, newer)]
    (conflict,) = find_conflicts(items)
    assert conflict.disagreements == []
    assert [p.as_of for p in conflict.trend] == ["2013", "2023-09-08"]


# --- attribution and quotes -------------------------------------------------------


def _facts_of(library: Library, prefix: str) -> list:
    return next(f for a, f in library.articles() if a.id.startswith(prefix))


def test_figures_carry_their_attribution(seeds: tuple[Library, str, str]) -> None:
    facts = _facts_of(seeds[0], "8ab6b586")
    figures = {f.text: f for f in facts if f.kind == "figure"}
    around = figures["around 1,200"].attribution
    assert around is not None
    assert around["text"] == "one official told Politico" and around["who"] == "one official"
    distance = figures["about 500 miles (739 km)"].attribution
    assert distance is not None
    assert distance["text"] == "Pentagon spokeswoman Sabrina Singh told reporters"
    assert distance["who"] == "Sabrina Singh"
    body = next(a.body for a, _ in seeds[0].articles() if a.id.startswith("8ab6b586"))
    assert body[around["start"] : around["end"]] == around["text"]


def test_langleys_quote_is_his(seeds: tuple[Library, str, str]) -> None:
    quotes = [f for f in _facts_of(seeds[0], "da8e8815") if f.kind == "quote"]
    nato = next(q for q in quotes if q.text.startswith("That is NATO’s southern flank"))
    assert nato.value == "Michael Langley"
    assert nato.attribution["text"] == "Langley told Senate lawmakers"
    miller = next(q for q in quotes if q.text.startswith("There has been direct contact"))
    assert miller.value == "Matthew Miller"
    # Scare quotes are not quotes.
    assert not any(q.text == "anchor" for q in quotes)


def test_export_shows_disagreements_with_their_sources(seeds: tuple[Library, str, str]) -> None:
    from fieldbrief.search.export import build_query_briefing

    text = build_query_briefing(seeds[0], "troops", limit=10, today=date(2025, 1, 2))
    section = text.split("## Figures with conflicts", 1)[1].split("\n## ", 1)[0]
    (disputed,) = [line for line in section.splitlines() if "Sources disagree about" in line]
    assert "2023-09-08" in disputed and "Reuters" in disputed
    assert len(set(re.findall(r"\[\^\d+\]", disputed))) >= 2
    assert "1,000" not in disputed
    (trend,) = [line for line in section.splitlines() if line.startswith("**Over time:**")]
    assert trend.index("2023-09-08") < trend.index("2024-05-20")


# --- entity profile ---------------------------------------------------------------


def test_profile_of_bazoum_knows_his_spellings_roles_and_events(
    seeds: tuple[Library, str, str],
) -> None:
    from fieldbrief.search.profile import entity_profile

    profile = entity_profile(seeds[0], "Barzoum")
    assert profile is not None
    assert profile.name == "Mohamed Bazoum" and profile.kind == "person"
    assert {"Bazoum", "Mohamed Barzoum"} <= set(profile.aliases)
    assert [r.role for r in profile.roles] == ["President"]
    assert len(profile.articles) >= 4
    assert any(e.date == "2023-07-26" and len(e.sources) >= 2 for e in profile.events)
    names = {name: count for name, _kind, count in profile.co_mentioned}
    assert names["Niamey"] >= 3 and "Mohamed Bazoum" not in names


def test_profile_has_quotes_and_attributed_figures(seeds: tuple[Library, str, str]) -> None:
    from fieldbrief.search.profile import entity_profile

    langley = entity_profile(seeds[0], "Langley")
    assert langley is not None
    assert any(q.text.startswith("That is NATO’s southern flank") for q in langley.quotes)
    singh = entity_profile(seeds[0], "Sabrina Singh")
    assert singh is not None
    assert [f.text for f in singh.figures] == ["about 500 miles (739 km)"]
    roles = {r.role for r in singh.roles}
    assert {"Pentagon spokeswoman", "Deputy Pentagon Press Secretary"} <= roles


def test_a_busy_day_does_not_chain_into_one_event() -> None:
    # Twelve different stories of one day that all name Trump in Washington: the
    # words every story uses say nothing about sameness.
    topics = [
        "tax bill corporate rate",
        "budget shutdown funding",
        "Alabama election Moore",
        "Franken resignation harassment",
        "Jerusalem embassy decision",
        "Russia investigation Mueller",
        "biofuel policy ethanol",
        "nuclear plan Flynn",
        "FBI director testimony",
        "healthcare mandate repeal",
        "immigration visa lottery",
        "net neutrality vote",
    ]
    mentions = [
        EventMention(
            f"a{n}",
            "2017-12-07",
            "day",
            f"story {n}",
            0,
            5,
            ["trump", "washington", "president", "@donald trump", *topic.lower().split()],
        )
        for n, topic in enumerate(topics)
    ]
    assert len(merge_events(mentions)) == len(topics)
    # The same story in two articles still meets.
    twin = EventMention(
        "b0", "2017-12-07", "day", "again", 0, 5, ["trump", "tax", "bill", "corporate", "rate"]
    )
    events = merge_events([*mentions, twin])
    assert len(events) == len(topics)
    assert any({s.article_id for s in e.sources} == {"a0", "b0"} for e in events)


def test_an_edited_article_leaves_no_stale_events(tmp_path: pytest.TempPathFactory) -> None:
    library = Library.open(tmp_path / "lib", seed=False)  # type: ignore[operator]
    first = Article(
        id="v1aaaaaaaaaaaaaa",
        title="T",
        body="On July 26 soldiers seized power in Niamey and deposed the president.",
        date=date(2023, 9, 8),
        source="S",
        origin="feed#1",
    )
    library.add_articles([first])
    assert [e.date for e in library.timeline()] == ["2023-07-26"]
    second = Article(
        id="v2bbbbbbbbbbbbbb",
        title="T",
        body="On August 3 crowds rallied in Niamey in support of the junta.",
        date=date(2023, 9, 8),
        source="S",
        origin="feed#1",
    )
    library.add_articles([second])
    events = library.timeline()
    assert [e.date for e in events] == ["2023-08-03"]
    assert [s.article_id for s in events[0].sources] == [second.id]
    library.close()


def test_a_big_library_times_its_newest_articles(seeds: tuple[Library, str, str]) -> None:
    library = seeds[0]
    newest = library.store.newest_ids(1)
    from fieldbrief.search.store import SCHEMA_VERSION

    assert library.store.get_meta("schema_version") == str(SCHEMA_VERSION)
    events = library.timeline(articles=1)
    assert events and {s.article_id for e in events for s in e.sources} == set(newest)
    assert newest == [next(a.id for a, _ in library.articles() if a.source == "AP")]


def test_an_event_cut_from_a_long_sentence_says_so() -> None:
    from fieldbrief.search.events import _marked_cut

    body = (
        "The Pentagon is repositioning some troops and equipment within Niger and will "
        'withdraw a small number of non-essential personnel "out of an abundance of '
        'caution," US officials told Reuters on Thursday, the first major American '
        "military movement in Niger since a coup in July."
    )
    sentence = (0, len(body))
    start = body.index("caution")
    assert _marked_cut(body, sentence, start, len(body)).startswith("…caution")
    end = body.index(", the first")
    cut = _marked_cut(body, sentence, 0, end)
    assert cut.startswith("The Pentagon") and cut.endswith("Thursday…")
    assert _marked_cut(body, sentence, 0, len(body)) == " ".join(body.split())
