"""What ingest recovers from each bundled seed: title, date, source, body bounds."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from fieldbrief.search.ingest import read_path

SEEDS = Path(__file__).resolve().parent.parent / "seeds"

EXPECTED = {
    "000_18f8ee316b8f3e9d.txt": dict(
        title="The Pentagon reportedly plans to pull out some of its troops from the African country",
        date=date(2023, 9, 8),
        source=None,
        starts="The US has begun “repositioning” the troops",
        ends="failed to sway them into restoring Bazoum.",
    ),
    "001_a49b9e0f7d0eb00b.txt": dict(
        title_prefix="The Pentagon is repositioning some troops and equipment within Niger",
        date=date(2023, 9, 8),
        source="Reuters",
        starts="The Pentagon is repositioning some troops and equipment within Niger",
        ends="rejected calls by the coup leaders to withdraw their 1,500 troops.",
    ),
    "002_63a843cedee9e449.txt": dict(
        title_prefix="American troops ordered to leave Niger by the junta",
        date=date(2024, 5, 20),
        source="AP",
        starts="WASHINGTON American troops ordered to leave Niger",
        ends="authorizing the deployment of American troops in Chad.",
    ),
    "003_4aeac8238ecdb9d1.txt": dict(
        title="US Troops Repositioning in Niger Following French Exit Demand",
        date=date(2023, 9, 8),
        source="Asian Lite News",
        starts="The United States is shifting troops from Niger’s capital, Niamey",
        ends="Niger became a crucial hub for France, Al Jazeera reported.",
    ),
    "004_9025b684f52d2ec7.txt": dict(
        title="The Pentagon confirms talks to withdraw US troops from Niger",
        date=None,
        source=None,
        starts="WASHINGTON – The United States is in talks to withdraw troops from Niger",
        ends="US officials refused to acknowledge any timeline for the withdrawal.",
    ),
}

JUNK = [
    "close",
    "switch caption",
    "Sam Mednick/AP",
    "1 min read",
    "Today:",
    "ALSO READ",
    "Previous Story",
    "Next Story",
    "Latest from",
    "Don't Miss",
    "Go toTop",
    "Trump",
    "Modi",
    "Zelenskyy",
    "Gaza",
    "Rajasthan",
    "date 2023",
]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_seed_fields(name: str) -> None:
    result = read_path(SEEDS / name)
    assert not result.problems
    assert len(result.articles) == 1
    article = result.articles[0]
    want = EXPECTED[name]
    if "title" in want:
        assert article.title == want["title"]
    else:
        assert article.title.startswith(want["title_prefix"])
        assert len(article.title) <= 111
    assert article.date == want["date"]
    assert article.source == want["source"]
    assert article.body.startswith(want["starts"])
    assert article.body.endswith(want["ends"])
    lines = [line.strip() for line in article.body.split("\n")]
    for junk in JUNK:
        assert not any(line.startswith(junk) for line in lines), junk


def test_seed_003_trailer_is_cut_entirely() -> None:
    body = read_path(SEEDS / "003_4aeac8238ecdb9d1.txt").articles[0].body
    for word in (
        "Trump",
        "Modi",
        "Zelenskyy",
        "Gaza",
        "Kerala",
        "Wildfires",
        "Uganda",
        "Previous Story",
    ):
        assert word not in body
    # The standfirst repeated later in the story appears once, without the credit.
    assert body.count("should not be seen as a recognition of the coup leaders") == 1
    assert "reports Asian Lite News" not in body


def test_seed_002_caption_and_credit_removed() -> None:
    body = read_path(SEEDS / "002_63a843cedee9e449.txt").articles[0].body
    assert "switch caption" not in body
    assert "Mednick" not in body
    assert not body.startswith("Supporters of Niger's ruling junta")


def test_seed_ids_are_stable_and_distinct() -> None:
    first = [read_path(p).articles[0].id for p in sorted(SEEDS.glob("*.txt"))]
    second = [read_path(p).articles[0].id for p in sorted(SEEDS.glob("*.txt"))]
    assert first == second
    assert len(set(first)) == 5
