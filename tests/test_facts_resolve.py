"""Cross-article resolution on hand-made facts: merging, conflicts, stories, JSON."""

from __future__ import annotations

import datetime as dt
import json

from fieldbrief.search.facts.resolve import (
    Claim,
    aliases_for,
    build_overview,
    edit_distance,
    index_terms,
)
from fieldbrief.search.model import Article, Fact


def art(i: str, day: int | None = 8, source: str | None = None, body: str = "") -> Article:
    return Article(
        id=i,
        title=f"t{i}",
        body=body,
        date=dt.date(2023, 9, day) if day else None,
        source=source,
    )


def ent(kind: str, text: str, value: str | None = None, role: str | None = None) -> Fact:
    return Fact(kind, text, 0, len(text), value=value or text, role=role)


def fig(key: str, value: float | None, qualifier: str | None = None, **kw: object) -> Fact:
    f = Fact("figure", f"{value}", 0, 3, value=value, unit="troops", qualifier=qualifier, key=key)
    for k, v in kw.items():
        setattr(f, k, v)
    return f


def test_edit_distance() -> None:
    assert edit_distance("bazoum", "barzoum") == 1
    assert edit_distance("kitten", "sitting") == 3
    assert edit_distance("a", "abcdefgh", limit=2) == 3


def test_people_orgs_places_merge() -> None:
    items = [
        (
            art("a"),
            [
                ent("person", "Mohamed Bazoum", role="President"),
                ent("person", "Bazoum", "Mohamed Bazoum"),
                ent("organization", "Defense Department", "Department of Defense"),
                ent("place", "US", "United States"),
            ],
        ),
        (
            art("b"),
            [
                ent("person", "Mohamed Barzoum", role="President"),
                ent("organization", "Defence Department", "Department of Defense"),
                ent("place", "U.S.", "United States"),
                ent("person", "Mohamed Salah"),
            ],
        ),
        (art("c"), [ent("person", "Bazoum"), ent("place", "USA", "United States")]),
    ]
    ov = build_overview(items)
    (bazoum,) = [e for e in ov.entities if e.name == "Mohamed Bazoum"]
    assert set(bazoum.aliases) == {"Mohamed Bazoum", "Bazoum", "Mohamed Barzoum"}
    assert bazoum.article_ids == ["a", "b", "c"]
    assert bazoum.mentions == 4
    assert bazoum.roles == ["President"]
    # Same first name, different surname: a different person.
    assert any(e.name == "Mohamed Salah" for e in ov.entities)
    (dod,) = [e for e in ov.entities if e.kind == "organization"]
    assert dod.name == "Department of Defense"
    assert {"Defense Department", "Defence Department"} <= set(dod.aliases)
    (us,) = [e for e in ov.entities if e.kind == "place"]
    assert us.name == "United States" and {"US", "U.S.", "USA"} <= set(us.aliases)

    assert aliases_for(ov, "person", "Bazoum")[:1] == ["Mohamed Bazoum"]
    assert "Barzoum" in aliases_for(ov, "person", "Bazoum")
    assert "Barzoum" in aliases_for(ov, "person", "Mohamed Barzoum")
    assert aliases_for(ov, "org", "Defence Department")[0] == "Department of Defense"
    assert aliases_for(ov, "person", "Nobody") == ["Nobody"]


def test_claim_intervals() -> None:
    def c(value: float, q: str | None) -> Claim:
        return Claim(value, None, None, q, "x", None, None, "", 0, 0)

    assert c(1100, None).interval() == (1100, 1100)
    lo, hi = c(1200, "approx").interval()
    assert lo > 1100 and hi < 1300
    lo, hi = c(1100, "more than").interval()
    assert lo > 1100 and hi == float("inf")


def test_conflicts_need_disagreeing_claims_from_different_articles() -> None:
    key = "US troops in Niger"
    items = [
        (art("a"), [fig(key, 1200, "approx")]),
        (art("b", source="Reuters"), [fig(key, 1100)]),
        (art("c"), [fig(key, 1100, "approx")]),
        (art("d"), [fig("French troops in Niger", 1500)]),
        (art("e"), [fig("French troops in Niger", 1500, "approx")]),
        # Planned and vague figures never take part.
        (art("f"), [fig(key, None, "between", low=500, high=1000, aspect="target")]),
        (art("g"), [fig(key, None, "vague", low=200, high=1000)]),
    ]
    ov = build_overview(items)
    assert [c.subject for c in ov.conflicts] == [key]
    claims = ov.conflicts[0].claims
    assert {c.article_id for c in claims} == {"a", "b", "c"}
    assert [c.source for c in claims if c.article_id == "b"] == ["Reuters"]


def test_agreeing_claims_are_not_a_conflict() -> None:
    key = "US troops in Niger"
    items = [
        (art("a"), [fig(key, 1100)]),
        (art("b"), [fig(key, 1100, "approx")]),
        (art("c"), [fig(key, 1000, "more than")]),
        (art("d"), [fig(key, None, "between", low=1000, high=1200)]),
    ]
    assert build_overview(items).conflicts == []
    # Within one article, differences are not cross-source conflicts.
    assert build_overview([(art("a"), [fig(key, 1100), fig(key, 1500)])]).conflicts == []


def test_stories_need_dates_close_together() -> None:
    body = "Troops repositioning Niamey Agadez airbase drones withdrawal counterterrorism."
    shared = [ent("place", "Niamey"), ent("place", "Agadez"), ent("organization", "Pentagon")]
    items = [
        (art("a", 8, "X", body), shared),
        (art("b", 9, "Y", body), shared),
        (art("c", 28, "Z", body), shared),
        (art("d", None, None, body), shared),
    ]
    ov = build_overview(items)
    # Identical content: the undated article joins on overwhelming overlap, but only
    # its best match's story; it never bridges to "c", three weeks later.
    assert len(ov.stories) == 1
    assert {"a", "b"} <= set(ov.stories[0]) and "c" not in ov.stories[0]
    # Same source: updates of one report, not corroboration.
    items[1] = (art("b", 9, "X", body), shared)
    assert ["a", "b"] not in build_overview(items[:2]).stories


def test_json_shapes() -> None:
    key = "US troops in Niger"
    items = [
        (art("a"), [ent("person", "Sabrina Singh", role="Pentagon spokeswoman"), fig(key, 1200)]),
        (art("b"), [ent("person", "Sabrina Singh"), fig(key, 1100)]),
    ]
    data = build_overview(items).to_json()
    json.dumps(data)
    assert set(data) == {"entities", "conflicts", "stories"}
    assert set(data["entities"][0]) == {
        "kind",
        "name",
        "aliases",
        "article_ids",
        "article_count",
        "mentions",
        "roles",
    }
    assert data["entities"][0]["article_count"] == 2
    claim = data["conflicts"][0]["claims"][0]
    for k in ("value", "low", "high", "qualifier", "article_id", "source", "date", "text"):
        assert k in claim
    assert {"start", "end"} <= set(claim)


def test_index_terms() -> None:
    facts = [
        ent("person", "Bazoum", "Mohamed Bazoum"),
        ent("person", "Mohamed Bazoum"),
        ent("organization", "Pentagon"),
        ent("place", "U.S.", "United States"),
        ent("place", "Agadez"),
        Fact("date", "Thursday", 0, 8, value="2023-09-07"),
    ]
    assert index_terms(facts) == {
        "person": ["Mohamed Bazoum"],
        "org": ["Pentagon"],
        "place": ["United States", "Agadez"],
    }
