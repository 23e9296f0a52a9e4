"""Across articles: one entity per referent, conflicting figures, same-story clusters.

Entity resolution
    Places and organisations are first canonicalised per mention (ISO country
    names, the alias tables in ``gazetteer``), so "US"/"U.S."/"United States"
    and "Defense Department"/"Defence Department"/"Department of Defense" meet
    on one key. People are then merged when the first names agree and the
    surnames are within a small edit distance (1, or 2 for surnames of eight
    letters or more), which catches misspellings like "Mohamed Barzoum"; a lone
    surname joins the only person with that (fuzzy) surname. The canonical name
    is the spelling used in the most articles.

Conflicts
    Figures are grouped by their ``key`` ("US troops in Niger") and unit. Each
    claim is read as an interval: an exact figure is a point, "about"/"around"
    allows 5 % either way, "nearly" 10 % below, "more than"/"fewer than" are
    open-ended, "between" is its range. Two claims from different articles
    conflict when their intervals do not meet, so "about 1,100" and "1,100"
    agree, "more than 1,100" and "about 1,200" agree, but "around 1,200" and
    "1,100" do not. A range does not automatically agree with a value inside it
    and is not flagged just for being wider: it is compared like any other
    interval. When a group conflicts, every claim in it is listed, so the
    analyst sees the whole spread side by side with source and date (a later
    article may simply report a later state of affairs). Planned figures
    (``aspect`` "target"/"change") and vague ones ("hundreds of") never take
    part.

Stories
    Two articles are the same story when both are dated within two days of each
    other, come from different (or unknown) sources, and their TF-IDF vectors
    over key terms and resolved entities (terms shared by at least two articles)
    have a cosine of at least ``STORY_THRESHOLD`` and they share at least
    ``STORY_MIN_SHARED_ENTITIES`` resolved entities. Articles on one broad topic
    (all the Niger seeds) are similar in content whatever the event, so the date
    window does most of the separating; the content test keeps same-day articles
    about different things apart. An undated article joins only on overwhelming overlap
    (``UNDATED_THRESHOLD``). Clusters are the connected components; only
    clusters of two or more articles are reported.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ..model import ENTITY_FIELD, FIELD_ENTITY, Article, Fact
from . import gazetteer as gz
from . import orgs

__all__ = [
    "Claim",
    "Conflict",
    "Entity",
    "Overview",
    "aliases_for",
    "build_overview",
    "find_conflicts",
    "find_stories",
    "index_terms",
]


def _words(s: str) -> list[str]:
    return s.split()


STORY_DAYS = 2
STORY_THRESHOLD = 0.20
STORY_MIN_SHARED_ENTITIES = 3
UNDATED_THRESHOLD = 0.80
APPROX = 0.05


@dataclass(slots=True)
class Entity:
    kind: str
    name: str
    aliases: list[str] = field(default_factory=list)
    article_ids: list[str] = field(default_factory=list)
    mentions: int = 0
    roles: list[str] = field(default_factory=list)
    article_count: int | None = None
    """Articles mentioning it, when ``article_ids`` is not listed in full (large libraries)."""

    @property
    def articles(self) -> int:
        return self.article_count if self.article_count is not None else len(self.article_ids)

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "name": self.name,
            "aliases": list(self.aliases),
            "article_ids": list(self.article_ids),
            "article_count": self.articles,
            "mentions": self.mentions,
            "roles": list(self.roles),
        }


@dataclass(slots=True)
class Claim:
    value: float | None
    low: float | None
    high: float | None
    qualifier: str | None
    article_id: str
    source: str | None
    date: str | None
    text: str
    start: int
    end: int
    title: str = ""
    as_of: str | None = None
    """The time the figure describes: the article's date unless the text gives one."""
    attribution: dict[str, Any] | None = None
    sentence: str = ""
    """The sentence the claim is made in (empty when the body was not at hand)."""

    def to_json(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of,
            "attribution": self.attribution,
            "sentence": self.sentence,
            "value": self.value,
            "low": self.low,
            "high": self.high,
            "qualifier": self.qualifier,
            "article_id": self.article_id,
            "source": self.source,
            "date": self.date,
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "title": self.title,
        }

    def interval(self) -> tuple[float, float]:
        """The values this claim allows (see the module docstring)."""
        q = self.qualifier
        if q == "between" and self.low is not None and self.high is not None:
            return self.low, self.high
        v = self.value
        if v is None:
            return -math.inf, math.inf
        if q == "approx":
            return v * (1 - APPROX), v * (1 + APPROX)
        if q == "nearly":
            return v * 0.9, v
        if q == "more than":
            return math.nextafter(v, math.inf), math.inf
        if q == "fewer than":
            return -math.inf, math.nextafter(v, -math.inf)
        if q == "at least":
            return v, math.inf
        if q == "up to":
            return 0.0, v
        return v, v


@dataclass(slots=True)
class Disagreement:
    """Claims about the same time (``as_of``) whose values cannot all be true."""

    as_of: str | None
    """None for a subject that does not change over time (a distance)."""
    claims: list[Claim]

    def to_json(self) -> dict[str, Any]:
        return {"as_of": self.as_of, "claims": [c.to_json() for c in self.claims]}


@dataclass(slots=True)
class TrendPoint:
    """What the sources said at one time: the middle value and the range claimed."""

    as_of: str
    value: float | None
    low: float | None
    high: float | None
    claims: list[Claim]
    agree: bool

    def to_json(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of,
            "value": self.value,
            "low": self.low,
            "high": self.high,
            "claims": len(self.claims),
            "article_ids": list(dict.fromkeys(c.article_id for c in self.claims)),
            "agree": self.agree,
        }


@dataclass(slots=True)
class Conflict:
    """Claims on one subject that differ: by disagreeing about one time, or by changing.

    ``disagreements`` are the groups of claims about the same time that do not
    agree (the app's ⚠); ``trend`` is the series over time, one point per time.
    A subject whose values only change over time has a trend and no
    disagreements.
    """

    subject: str
    unit: str | None
    claims: list[Claim]
    disagreements: list[Disagreement] = field(default_factory=list)
    trend: list[TrendPoint] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "subject": self.subject,
            "unit": self.unit,
            "claims": [c.to_json() for c in self.claims],
            "disagreements": [d.to_json() for d in self.disagreements],
            "trend": [t.to_json() for t in self.trend],
        }

    def disputes(self, article_id: str, start: int | None = None) -> bool:
        """Whether a claim of ``article_id`` (at ``start``, when given) is in a disagreement."""
        return any(
            c.article_id == article_id and (start is None or c.start == start)
            for d in self.disagreements
            for c in d.claims
        )


@dataclass(slots=True)
class Overview:
    entities: list[Entity] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    stories: list[list[str]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "entities": [e.to_json() for e in self.entities],
            "conflicts": [c.to_json() for c in self.conflicts],
            "stories": [list(s) for s in self.stories],
        }

    def find(self, kind: str, name: str) -> Entity | None:
        """The entity of ``kind`` called ``name`` or having it as an alias or surname."""
        kind = FIELD_ENTITY.get(kind, kind)
        want = gz.fold(name)
        fallback = None
        for e in self.entities:
            if e.kind != kind:
                continue
            names = [e.name, *e.aliases]
            if any(gz.fold(n) == want for n in names):
                return e
            surnames = (gz.fold(n).split()[-1] for n in names if n.split())
            if fallback is None and kind == "person" and want in surnames:
                fallback = e
        return fallback


# ------------------------------------------------------------------- helpers


def edit_distance(a: str, b: str, limit: int = 3) -> int:
    """Levenshtein distance, giving up (returning ``limit + 1``) once it exceeds ``limit``."""
    # Imported here: reading a stored overview needs this module's classes but
    # never merges, and rapidfuzz's import cost the app's start ~40 ms.
    from rapidfuzz.distance import Levenshtein

    return int(Levenshtein.distance(a, b, score_cutoff=limit))


def _surname_close(a: str, b: str) -> bool:
    a, b = gz.fold(a), gz.fold(b)
    if a == b:
        return True
    allowed = 2 if min(len(a), len(b)) >= 8 else 1
    if min(len(a), len(b)) < 5:
        return False
    return edit_distance(a, b, allowed) <= allowed


def _entity_key(fact: Fact) -> str:
    value = str(fact.value or fact.text)
    if fact.kind == "organization":
        key = gz.org_key(orgs.entity_of(value)).replace("defence", "defense")
        return re.sub(r"[^\w ]", "", key)
    return gz.fold(value)


class _Group:
    __slots__ = ("aliases", "articles", "kind", "mentions", "names", "roles", "uses")

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.names: Counter[str] = Counter()  # canonical values → articles using them
        self.uses: Counter[str] = Counter()  # canonical values → mentions
        self.aliases: dict[str, None] = {}
        self.articles: dict[str, None] = {}
        self.mentions = 0
        self.roles: dict[str, str] = {}

    def absorb(self, other: _Group) -> None:
        self.names.update(other.names)
        self.uses.update(other.uses)
        self.aliases.update(other.aliases)
        self.articles.update(other.articles)
        self.mentions += other.mentions
        for k, v in other.roles.items():
            self.roles.setdefault(k, v)

    def best_name(self) -> str:
        # A full name over a surname, then the spelling most articles use, then the
        # most mentioned, then the longer one; alphabetical only to be deterministic.
        return max(
            self.names.items(),
            key=lambda kv: (
                self.kind != "person" or " " in kv[0],
                kv[1],
                self.uses[kv[0]],
                len(kv[0]),
                kv[0],
            ),
        )[0]


def _resolve_entities(items: list[tuple[Article, list[Fact]]]) -> list[Entity]:
    groups: dict[tuple[str, str], _Group] = {}
    seen_name_in: set[tuple[str, str, str]] = set()
    for article, facts in items:
        for f in facts:
            if f.kind not in ENTITY_FIELD:
                continue
            key = (f.kind, _entity_key(f))
            g = groups.get(key)
            if g is None:
                g = groups[key] = _Group(f.kind)
            value = str(f.value or f.text)
            if (f.kind, value, article.id) not in seen_name_in:
                seen_name_in.add((f.kind, value, article.id))
                g.names[value] += 1
            g.uses[value] += 1
            g.aliases[value] = None
            g.aliases[" ".join(f.text.split())] = None
            g.articles[article.id] = None
            g.mentions += 1
            if f.role:
                g.roles.setdefault(gz.fold(f.role), f.role)

    merged = _merge_people([g for (k, _), g in groups.items() if k == "person"])
    merged += _merge_orgs([g for (k, _), g in groups.items() if k == "organization"])
    merged += [g for (k, _), g in groups.items() if k == "place"]

    order = {a.id: i for i, (a, _) in enumerate(items)}
    out = []
    for g in merged:
        name = g.best_name()
        aliases = [name, *(a for a in g.aliases if a != name)]
        out.append(
            Entity(
                kind=g.kind,
                name=name,
                aliases=aliases,
                article_ids=sorted(g.articles, key=lambda a: order.get(a, 0)),
                mentions=g.mentions,
                roles=list(g.roles.values()),
            )
        )
    out.sort(key=lambda e: (-len(e.article_ids), -e.mentions, e.kind, e.name))
    return out


def _merge_people(groups: list[_Group]) -> list[_Group]:
    full = [g for g in groups if len(g.best_name().split()) >= 2]
    short = [g for g in groups if len(g.best_name().split()) < 2]
    # Fuller names first so "Mohamed Bazoum" becomes the anchor for "Mohamed Barzoum".
    full.sort(key=lambda g: (-sum(g.names.values()), -len(g.best_name())))
    kept: list[_Group] = []
    # Each kept group's name parts, worked out again only when it absorbs
    # another: asking every kept group for its best name for every new one made
    # merging quadratic in names (a page of 50 articles: 22,000 best_name calls).
    kept_parts: list[list[str]] = []
    for g in full:
        parts = g.best_name().split()
        for n, k in enumerate(kept):
            kparts = kept_parts[n]
            if gz.fold(parts[0]) == gz.fold(kparts[0]) and _surname_close(parts[-1], kparts[-1]):
                k.absorb(g)
                kept_parts[n] = k.best_name().split()
                break
        else:
            kept.append(g)
            kept_parts.append(parts)
    for g in short:
        name = g.best_name()
        matches = [n for n, kparts in enumerate(kept_parts) if _surname_close(name, kparts[-1])]
        if len(matches) == 1:
            kept[matches[0]].absorb(g)
            kept_parts[matches[0]] = kept[matches[0]].best_name().split()
        else:
            kept.append(g)
            kept_parts.append(name.split())
    return kept


def _merge_orgs(groups: list[_Group]) -> list[_Group]:
    def key_of(g: _Group) -> str:
        return re.sub(r"[^a-z0-9]", "", gz.fold(g.best_name()))

    kept: list[_Group] = []
    kept_keys: list[str] = []  # as in _merge_people: updated when a group absorbs
    for g in sorted(groups, key=lambda g: -g.mentions):
        key = key_of(g)
        for n, k in enumerate(kept):
            kkey = kept_keys[n]
            if min(len(key), len(kkey)) >= 7 and edit_distance(key, kkey, 1) <= 1:
                k.absorb(g)
                kept_keys[n] = key_of(k)
                break
        else:
            kept.append(g)
            kept_keys.append(key)
    return kept


# ------------------------------------------------------------------ conflicts


def _find_conflicts(items: list[tuple[Article, list[Fact]]]) -> list[Conflict]:
    groups: dict[tuple[str, str | None], list[Claim]] = defaultdict(list)
    for article, facts in items:
        for f in facts:
            if f.kind != "figure" or not f.key or f.aspect or f.qualifier == "vague":
                continue
            value = float(f.value) if isinstance(f.value, (int, float)) else None
            if value is None and (f.low is None or f.high is None):
                continue
            groups[(f.key, f.unit)].append(
                Claim(
                    value=value,
                    low=f.low,
                    high=f.high,
                    qualifier=f.qualifier,
                    article_id=article.id,
                    source=article.source,
                    date=article.date.isoformat() if article.date else None,
                    text=f.text,
                    start=f.start,
                    end=f.end,
                    title=article.title,
                    as_of=f.as_of or (article.date.isoformat() if article.date else None),
                    attribution=f.attribution,
                    sentence=_claim_sentence(article.body, f),
                )
            )
    out = []
    for (subject, unit), claims in groups.items():
        if len({c.article_id for c in claims}) < 2 or not _disagree(claims):
            continue
        claims.sort(key=lambda c: (_time_key(c.as_of), c.date or "9999", c.article_id, c.start))
        # A distance between two places does not change with time: every
        # claim about it is about the same thing.
        timeless = subject.startswith("distance ")
        times = [claims] if timeless else _same_times(claims)
        disagreements = [
            Disagreement(None if timeless else group[0].as_of, group)
            for group in times
            if len({c.article_id for c in group}) >= 2 and _disagree(group)
        ]
        trend = [] if timeless else [_trend_point(group) for group in times]
        out.append(Conflict(subject, unit, claims, disagreements, trend))
    out.sort(key=lambda c: (-len({x.article_id for x in c.claims}), c.subject))
    return out


MAX_CLAIM_SENTENCE = 400


def _claim_sentence(body: str, fact: Fact) -> str:
    if not body:
        return ""
    s, e = fact.sentence or (fact.start, fact.end)
    text = " ".join(body[s:e].split())
    return text if len(text) <= MAX_CLAIM_SENTENCE else text[: MAX_CLAIM_SENTENCE - 1] + "…"


SAME_TIME_DAYS = 7
"""Claims dated within this many days of each other describe the same time."""


def _time_key(as_of: str | None) -> str:
    # From the dates module itself (the events module's sort_key is this
    # function): the events module compiles its own patterns on import, which
    # an article's first conflicts in the app paid for nothing.
    from .dates import date_sort_key

    return date_sort_key(as_of) if as_of else "9999"


def _same_times(claims: list[Claim]) -> list[list[Claim]]:
    """Claims grouped by the time they describe, oldest first; undated claims apart.

    Day- and week-precise times within ``SAME_TIME_DAYS`` of a group's first
    claim join it; a month or a year is only the same time as itself.
    """
    from ..events import date_range, precision_of

    groups: list[list[Claim]] = []
    fine: list[tuple[Any, Claim]] = []
    coarse: dict[str, list[Claim]] = {}
    for claim in claims:
        span = date_range(claim.as_of) if claim.as_of else None
        if span is None or claim.as_of is None:
            continue
        if precision_of(claim.as_of) in ("day", "week"):
            fine.append((span[0], claim))
        else:
            coarse.setdefault(claim.as_of, []).append(claim)
    fine.sort(key=lambda pair: pair[0])
    anchor = None
    for day, claim in fine:
        if anchor is None or (day - anchor).days > SAME_TIME_DAYS:
            groups.append([])
            anchor = day
        groups[-1].append(claim)
    groups += coarse.values()
    groups.sort(key=lambda g: _time_key(g[0].as_of))
    return groups


def _trend_point(group: list[Claim]) -> TrendPoint:
    points = sorted(c.value for c in group if c.value is not None)
    ends = [x for c in group for x in (c.low, c.high, c.value) if x is not None]
    middle = points[len(points) // 2] if points else None
    if points and len(points) % 2 == 0:
        middle = (points[len(points) // 2 - 1] + points[len(points) // 2]) / 2
    return TrendPoint(
        as_of=group[0].as_of or "",
        value=middle,
        low=min(ends) if ends else None,
        high=max(ends) if ends else None,
        claims=group,
        agree=not _disagree(group),
    )


def _disagree(claims: list[Claim]) -> bool:
    spans = [(c.article_id, *c.interval()) for c in claims]
    for i, (a_id, a_lo, a_hi) in enumerate(spans):
        for b_id, b_lo, b_hi in spans[i + 1 :]:
            if a_id != b_id and (a_lo > b_hi or b_lo > a_hi):
                return True
    return False


# -------------------------------------------------------------------- stories

# Words that say nothing about which happening a text is about (shared with
# search.events, which adds time words).
STOPWORDS = frozenset(
    _words(
        """
    a about above after again against all also although am an and any are as at be because
    been before being below between both but by can could did do does doing down during each
    few for from further had has have having he her here hers him his how i if in into is it
    its itself just me more most my no nor not now of off on once only or other our out over
    own same she should so some such than that the their them then there these they this
    those through to too under until up very was we were what when where which while who whom
    why will with would you your said says told according since last next new one two three
    first second year years month months week weeks day days monday tuesday wednesday
    thursday friday saturday sunday recent recently still however may might must us u.s
    officials official reported report reports
    """
    )
)
_TERM = re.compile(r"[a-z][a-z'-]{2,}")


def _terms(article: Article, facts: list[Fact], canon: dict[tuple[str, str], str]) -> Counter[str]:
    text = f"{article.title}\n{article.body}".lower().replace("’", "'")
    terms: Counter[str] = Counter()
    for w in _TERM.findall(text):
        w = w.strip("'-")
        if w.endswith("'s"):
            w = w[:-2]
        if w in STOPWORDS or len(w) < 3:
            continue
        # Cheap stemming: plurals and -ing forms meet their stems.
        for suf in ("ing", "es", "s"):
            if w.endswith(suf) and len(w) - len(suf) >= 4:
                w = w[: -len(suf)]
                break
        terms[w] += 1
    for f in facts:
        if f.kind in ENTITY_FIELD:
            name = canon.get((f.kind, str(f.value or f.text)), str(f.value or f.text))
            terms[f"@{f.kind}:{name}"] += 2
    return terms


def _tfidf(docs: list[Counter[str]]) -> list[dict[str, float]]:
    """Unit TF-IDF vectors over the terms at least two documents share.

    Terms only one article uses cannot show overlap; leaving them in just shrinks
    every cosine, most of all in small batches where nearly every term is unique.
    """
    n = len(docs)
    df: Counter[str] = Counter()
    for d in docs:
        df.update(d.keys())
    out = []
    for d in docs:
        vec = {
            t: (1 + math.log(c)) * math.log((n + 1) / (df[t] + 0.5))
            for t, c in d.items()
            if df[t] >= 2
        }
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        out.append({t: v / norm for t, v in vec.items()})
    return out


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(t, 0.0) for t, v in a.items())


def _candidate_pairs(
    items: list[tuple[Article, list[Fact]]], ents: list[set[str | None]]
) -> tuple[list[tuple[int, int]], dict[int, list[int]]]:
    """Pairs worth comparing, without looking at all n² of them.

    Two articles can only be one story if they share at least
    ``STORY_MIN_SHARED_ENTITIES`` entities, so candidates come from an inverted
    index of entity names. Dated articles then pair only within ``STORY_DAYS``
    of each other; undated ones keep all their candidates.
    """
    postings: dict[str, list[int]] = defaultdict(list)
    for i, names in enumerate(ents):
        for name in names:
            if name is not None:
                postings[name].append(i)
    # Entities in a large share of the library (e.g. "United States") say
    # nothing about sameness and would make this quadratic again.
    common = max(50, len(items) // 20)
    pairs: list[tuple[int, int]] = []
    undated: dict[int, list[int]] = {}
    for i, (article, _) in enumerate(items):
        shared: Counter[int] = Counter()
        for name in ents[i]:
            if name is not None and len(postings[name]) <= common:
                shared.update(postings[name])
        candidates = [j for j, n in shared.items() if j != i and n >= STORY_MIN_SHARED_ENTITIES]
        if article.date is None:
            undated[i] = candidates
            continue
        for j in candidates:
            other = items[j][0].date
            if j > i and other is not None and abs((article.date - other).days) <= STORY_DAYS:
                pairs.append((i, j))
    return pairs, undated


def _canon_map(entities: list[Entity]) -> dict[tuple[str, str], str]:
    canon = {}
    for e in entities:
        for alias in e.aliases:
            canon[(e.kind, alias)] = e.name
    return canon


def _find_stories(
    items: list[tuple[Article, list[Fact]]], entities: list[Entity]
) -> list[list[str]]:
    n = len(items)
    if n < 2:
        return []
    canon = _canon_map(entities)
    ents = [
        {canon.get((f.kind, str(f.value or f.text))) for f in facts if f.kind in ENTITY_FIELD}
        - {None}
        for _, facts in items
    ]
    pairs, undated = _candidate_pairs(items, ents)
    needed = (
        {i for pair in pairs for i in pair}
        | set(undated)
        | {j for js in undated.values() for j in js}
    )
    vecs: dict[int, dict[str, float]] = dict(
        zip(
            sorted(needed),
            _tfidf([_terms(items[i][0], items[i][1], canon) for i in sorted(needed)]),
            strict=True,
        )
    )
    parent = list(range(n))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def similarity(i: int, j: int) -> float:
        return _cosine(vecs[i], vecs[j])

    def linkable(i: int, j: int, threshold: float) -> bool:
        ai, aj = items[i][0], items[j][0]
        if ai.source and aj.source and gz.fold(ai.source) == gz.fold(aj.source):
            return False
        if len(ents[i] & ents[j]) < STORY_MIN_SHARED_ENTITIES:
            return False
        return similarity(i, j) >= threshold

    for i, j in pairs:
        if linkable(i, j, STORY_THRESHOLD):
            parent[root(i)] = root(j)
    # An undated article joins only its single best match, so it can never bridge
    # two stories that the dates keep apart.
    for i, candidates in undated.items():
        best = max(
            (j for j in candidates if linkable(i, j, UNDATED_THRESHOLD)),
            key=lambda j: similarity(i, j),
            default=None,
        )
        if best is not None:
            parent[root(i)] = root(best)
    clusters: dict[int, list[int]] = defaultdict(list)
    for i in range(n):
        clusters[root(i)].append(i)
    out = [[items[i][0].id for i in sorted(c)] for c in clusters.values() if len(c) > 1]
    out.sort(key=lambda c: (-len(c), c))
    return out


# ----------------------------------------------------------------------- API


def build_overview(items: Iterable[tuple[Article, list[Fact]]]) -> Overview:
    """Entities, conflicts and stories across ``(article, facts)`` pairs."""
    listed = list(items)
    entities = _resolve_entities(listed)
    return Overview(
        entities=entities,
        conflicts=_find_conflicts(listed),
        stories=_find_stories(listed, entities),
    )


def find_stories(items: Iterable[tuple[Article, list[Fact]]]) -> list[list[str]]:
    """Same-story clusters (two or more article ids each) among ``items``."""
    listed = list(items)
    return _find_stories(listed, _resolve_entities(listed))


def find_conflicts(items: Iterable[tuple[Article, list[Fact]]]) -> list[Conflict]:
    """Figures on the same subject that disagree across ``items``."""
    return _find_conflicts(list(items))


def index_terms(facts: list[Fact]) -> dict[str, list[str]]:
    """Canonical names per Whoosh field (``person``, ``org``, ``place``), first-seen order."""
    out: dict[str, dict[str, None]] = {"person": {}, "org": {}, "place": {}}
    for f in facts:
        fld = ENTITY_FIELD.get(f.kind)
        if fld is None:
            continue
        name = str(f.value or f.text)
        if name:
            out[fld][name] = None
    return {k: list(v) for k, v in out.items()}


def aliases_for(overview: Overview, kind: str, name: str) -> list[str]:
    """Every spelling of the entity ``name`` (kind ``person``/``org``/``place`` or the fact
    kind), canonical name first, for expanding a query; ``[name]`` if unknown.

    People also get their surnames ("Bazoum", "Barzoum"), since a field query is
    usually a surname.
    """
    entity = overview.find(kind, name)
    if entity is None:
        return [name]
    out: dict[str, None] = {entity.name: None}
    for alias in entity.aliases:
        out[alias] = None
    if entity.kind == "person":
        for alias in list(out):
            parts = alias.split()
            if len(parts) > 1:
                out[parts[-1]] = None
    return list(out)
