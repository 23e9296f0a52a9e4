"""An entity's profile: everything the library says about one person, organisation or place.

Name, kind and spellings (Bazoum = Barzoum) come from the resolver's
overview; the articles are those the index files under the entity (with its
aliases, as an ``person:"…"`` search finds them). From those articles' stored
facts: the roles the texts give it over time, the entities named alongside it
(with how many articles), the quotes it is the speaker of, the figures
attributed to it, and the events whose sentences name it (from the stored
event mentions). Nothing re-reads an article body.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .facts import gazetteer as gz
from .model import Fact

if TYPE_CHECKING:
    from .events import Event
    from .facts.resolve import Entity
    from .library import Library

PROFILE_ARTICLES = 500
"""The most articles a profile is made from (the best-ranked for the entity)."""
CO_MENTIONED = 25

_KINDS = ("person", "organization", "place")
_FIELD = {"person": "person", "organization": "org", "place": "place"}


@dataclass(slots=True)
class Role:
    role: str
    first: str | None
    last: str | None
    article_ids: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "role": self.role,
            "first": self.first,
            "last": self.last,
            "article_ids": list(self.article_ids),
        }


@dataclass(slots=True)
class Said:
    """A quote by the entity, or a figure attributed to it, where it is."""

    kind: str
    text: str
    article_id: str
    source: str | None
    date: str | None
    start: int
    end: int
    attribution: dict[str, Any] | None = None
    value: Any = None
    unit: str | None = None
    subject: str | None = None

    def to_json(self) -> dict[str, Any]:
        data = {
            "text": self.text,
            "article_id": self.article_id,
            "source": self.source,
            "date": self.date,
            "start": self.start,
            "end": self.end,
            "attribution": self.attribution,
        }
        if self.kind == "figure":
            data.update(value=self.value, unit=self.unit, subject=self.subject)
        return data


@dataclass(slots=True)
class ProfileArticle:
    id: str
    title: str
    date: str | None
    source: str | None
    mentions: int

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "date": self.date,
            "source": self.source,
            "mentions": self.mentions,
        }


@dataclass(slots=True)
class Profile:
    name: str
    kind: str
    aliases: list[str]
    roles: list[Role]
    articles: list[ProfileArticle]
    co_mentioned: list[tuple[str, str, int]]
    quotes: list[Said]
    figures: list[Said]
    events: list[Event]
    article_count: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "aliases": list(self.aliases),
            "roles": [r.to_json() for r in self.roles],
            "article_count": self.article_count,
            "articles": [a.to_json() for a in self.articles],
            "co_mentioned": [
                {"name": n, "kind": k, "articles": c} for n, k, c in self.co_mentioned
            ],
            "quotes": [q.to_json() for q in self.quotes],
            "figures": [f.to_json() for f in self.figures],
            "events": [e.to_json() for e in self.events],
        }


def _find(library: Library, name: str, kind: str | None) -> Entity | None:
    overview = library.overview()
    kinds = [kind] if kind else list(_KINDS)
    for k in kinds:
        found = overview.find(k, name)
        if found is not None and gz.fold(found.name) == gz.fold(name):
            return found
    for k in kinds:
        found = overview.find(k, name)
        if found is not None:
            return found
    return None


def _article_ids(library: Library, entity: Entity) -> tuple[list[str], int]:
    # The name as a phrase; a quote or backslash in it would end the phrase early.
    phrase = " ".join(entity.name.replace('"', " ").replace("\\", " ").split())
    query = f'{_FIELD[entity.kind]}:"{phrase}"'
    results = library.search(query, limit=PROFILE_ARTICLES, snippets=0, sort="date")
    ids = [hit.id for hit in results.hits]
    for article_id in entity.article_ids:
        if article_id not in ids and len(ids) < PROFILE_ARTICLES:
            ids.append(article_id)
    return ids, max(results.total, len(ids))


def entity_profile(library: Library, name: str, kind: str | None = None) -> Profile | None:
    """The profile of the entity called ``name`` (any spelling), or None if there is none."""
    from .events import merge_events

    kind = {"org": "organization"}.get(kind or "", kind)
    entity = _find(library, name, kind)
    if entity is None:
        return None
    names = {gz.fold(a) for a in [entity.name, *entity.aliases] if a}
    if entity.kind == "person":
        # Quotes and attributions often give only the surname ("Langley told").
        names |= {n.split()[-1] for n in list(names) if len(n.split()) > 1}
    canon: dict[tuple[str, str], str] = {}
    for other in library.overview().entities:
        for alias in other.aliases:
            canon[(other.kind, alias)] = other.name

    def is_it(fact: Fact) -> bool:
        if fact.kind != entity.kind:
            return False
        return gz.fold(str(fact.value or fact.text)) in names or (
            canon.get((fact.kind, str(fact.value or fact.text))) == entity.name
        )

    def names_it(who: object) -> bool:
        return isinstance(who, str) and gz.fold(who) in names

    ids, total = _article_ids(library, entity)
    roles: dict[str, Role] = {}
    co: Counter[tuple[str, str]] = Counter()
    articles: list[ProfileArticle] = []
    quotes: list[Said] = []
    figures: list[Said] = []
    meta: dict[str, tuple[str | None, str | None, str]] = {}
    for article_id in ids:
        found = library.get(article_id)
        if found is None:
            continue
        article, facts = found
        day = article.date.isoformat() if article.date else None
        meta[article.id] = (article.source, day, article.title)
        mine = [f for f in facts if is_it(f)]
        said = [
            f
            for f in facts
            if f.kind in ("quote", "figure") and names_it((f.attribution or {}).get("who"))
        ]
        if not mine and not said:
            continue
        articles.append(ProfileArticle(article.id, article.title, day, article.source, len(mine)))
        for f in mine:
            if f.role:
                role = roles.setdefault(gz.fold(f.role), Role(f.role, day, day))
                if day and (role.first is None or day < role.first):
                    role.first = day
                if day and (role.last is None or day > role.last):
                    role.last = day
                if article.id not in role.article_ids:
                    role.article_ids.append(article.id)
        others = {
            (f.kind, canon.get((f.kind, str(f.value or f.text)), str(f.value or f.text)))
            for f in facts
            if f.kind in _KINDS and not is_it(f)
        }
        co.update(others)
        for f in said:
            item = Said(
                f.kind,
                f.text,
                article.id,
                article.source,
                day,
                f.start,
                f.end,
                f.attribution,
                f.value,
                f.unit,
                f.subject,
            )
            (quotes if f.kind == "quote" else figures).append(item)
    mentions = [
        m
        for m in library.store.event_mentions([a.id for a in articles])
        if names & {gz.fold(t[1:]) for t in m.terms if t.startswith("@")}
    ]
    articles.sort(key=lambda a: (a.date or "9999", a.id))
    ordered_roles = sorted(roles.values(), key=lambda r: (r.first or "9999", r.role))
    return Profile(
        name=entity.name,
        kind=entity.kind,
        aliases=list(dict.fromkeys([entity.name, *entity.aliases])),
        roles=ordered_roles,
        articles=articles,
        co_mentioned=[
            (n, k, c) for (k, n), c in sorted(co.items(), key=lambda kv: (-kv[1], kv[0]))
        ][:CO_MENTIONED],
        quotes=sorted(quotes, key=lambda q: (q.date or "9999", q.article_id, q.start)),
        figures=sorted(figures, key=lambda q: (q.date or "9999", q.article_id, q.start)),
        events=merge_events(mentions, meta),
        article_count=max(total, len(articles)),
    )
