"""Facts across articles: the library-wide overview, mention counts, conflicts, stories.

Small libraries get a full resolution over every article; large ones are
summarised from the index's keyword fields, so nothing here grows with the
library beyond what one query reads.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from . import overviewcache
from .current_index import CurrentIndex
from .facets import entity_name, keyword
from .model import ENTITY_FIELD, FIELD_ENTITY, Article, Fact
from .store import Store

if TYPE_CHECKING:
    from .facts.resolve import Conflict, Overview

OVERVIEW_FULL_LIMIT = 3000
"""Libraries up to this size get a full library-wide resolution of facts."""


def _text(term: object) -> str:
    return term.decode("utf-8") if isinstance(term, bytes) else str(term)


def _lone_names_only(searcher: Any, names: list[str]) -> list[str]:
    """The full names among ``names`` (the name asked for first), and the
    asked name's surname as the index spells it (``person_k``) if some
    articles call the person by it alone and it is nobody else's: no
    article names anyone else with it, nor has it alone beside another
    full name with it ("Chira" beside "Chira Phanupong"). Spelling
    variants of the surname never stand alone: a one-letter difference may
    be someone else ("Markel" for "Merkel")."""
    from whoosh import query
    from whoosh.reading import TermNotFound

    full = [n for n in names if len(n.split()) > 1]
    phrases = query.Or([query.Phrase("person", n.lower().split()) for n in full])
    named = set(searcher.docs_for_query(phrases))
    surname = names[0].split()[-1]
    reader = searcher.reader()
    spelled = next(
        (
            s
            for s in dict.fromkeys((surname, surname.capitalize(), surname.title()))
            if ("person_k", keyword(s)) in reader
        ),
        None,
    )
    if not named or spelled is None:
        return full
    alone = set(searcher.docs_for_query(query.Term("person_k", keyword(spelled))))
    try:
        times = dict(reader.postings("person", surname.lower()).items_as("weight"))
    except TermNotFound:  # the name's words were split otherwise: say nothing more
        return full
    # Outside the articles naming the person in full, the surname must stand
    # alone: in no other name, and once in the article's list of names.
    if any(doc not in alone or times[doc] > 1 for doc in set(times) - named):
        return full
    return [*full, spelled]


class Analytics:
    """Questions about facts across the library, answered from the store and the index."""

    def __init__(
        self, store: Store, index: CurrentIndex, hold: overviewcache.Hold | None = None
    ) -> None:
        self.store = store
        self.index = index
        # Saving what was computed for the next reader (overviewcache) needs the
        # write lock; without one (a bare Analytics), nothing is saved.
        self._hold = hold
        self._overview: tuple[int, Overview] | None = None
        self._names: tuple[Overview, dict[tuple[str, str], int]] | None = None
        self._lock = threading.Lock()

    def overview(self) -> Overview:
        """Entities, conflicts and stories across the whole library (cached).

        Up to ``OVERVIEW_FULL_LIMIT`` articles this is the full resolution over
        every article. Beyond that, reading every article would make the
        overview grow with the library, so it is built from the index instead:
        the most-mentioned entities with their counts, and the conflicts among
        the most-reported figure subjects. Same-story clusters are then found
        per result page (``stories_among``) rather than library-wide.
        """
        generation = self.store.generation()
        overview = self._made(generation)
        if overview is None:
            how = self._how()
            if how == "full":
                overview = self.overview_for(self.store.iter_all())
            else:
                overview = self._overview_from_index()
            if self._hold is not None:
                overviewcache.save(self.store, self._hold, generation, how, overview)
            with self._lock:
                self._overview = (generation, overview)
        return overview

    def ready_overview(self) -> Overview | None:
        """The overview of the library as it is now if it has been made (in this
        process, or kept in the store); never makes one."""
        return self._made(self.store.generation())

    def carry_over(self, before: int) -> None:
        """Keep the overview of generation ``before`` as the current one.

        For a change that leaves every article's facts as they were (tags): the
        overview does not depend on it, and making it again after every tag
        would cost what a first opening costs. Called with the write lock held.
        """
        overview = self._made(before)
        if overview is None:
            return
        generation = self.store.generation()
        with self._lock:
            self._overview = (generation, overview)
        if self._hold is not None:
            overviewcache.save(self.store, self._hold, generation, self._how(), overview)

    def _how(self) -> str:
        return "full" if self.store.count() <= OVERVIEW_FULL_LIMIT else "index"

    def _made(self, generation: int) -> Overview | None:
        """The overview of ``generation`` if already made, in memory or in the store."""
        with self._lock:
            if self._overview is not None and self._overview[0] == generation:
                return self._overview[1]
        # Made when articles were added (overviewcache): opening reads one row.
        overview = overviewcache.stored(self.store, generation, self._how())
        if overview is not None:
            with self._lock:
                self._overview = (generation, overview)
        return overview

    def cached_overview(self) -> Overview | None:
        """The overview last built, if any (possibly of an older generation)."""
        return self._overview[1] if self._overview is not None else None

    def forget(self) -> None:
        """Drop the cached overview (the next :meth:`overview` builds it again)."""
        with self._lock:
            self._overview = None

    def _overview_from_index(self, per_kind: int = 30, subjects: int = 40) -> Overview:
        from .facts.resolve import Entity, Overview, find_conflicts

        entities = [
            Entity(kind=kind, name=name, aliases=[name], article_count=count)
            for kind in ENTITY_FIELD
            for name, count in self.top_entities(kind, per_kind)
        ]
        keys = [term for term, _ in self.store.top_facets("figure_k", subjects)]

        def among(key: str) -> Callable[[], list[Conflict]]:
            def compute() -> list[Conflict]:
                items = self._articles_reporting(key, limit=100)
                return [c for c in find_conflicts(items) if keyword(c.subject) == key]

            return compute

        conflicts = []
        for key in keys:
            if self._hold is None:
                conflicts += among(key)()
            else:
                conflicts += overviewcache.subject_conflicts(
                    self.store, self._hold, key, among(key)
                )
        conflicts.sort(key=lambda c: -len({cl.article_id for cl in c.claims}))
        return Overview(entities=entities, conflicts=conflicts, stories=[])

    def _articles_reporting(self, key: str, limit: int) -> list[tuple[Article, list[Fact]]]:
        from whoosh import query as wq

        with self.index.reading() as searcher:
            hits = searcher.search(wq.Term("figure_k", key), limit=limit)
            ids = [hit["id"] for hit in hits]
        return [found for i in ids if (found := self.store.get(i)) is not None]

    def stories_among(self, article_ids: Iterable[str]) -> list[list[str]]:
        """Same-story clusters among the given articles (e.g. one page of hits)."""
        from .facts.resolve import find_stories

        items = [found for i in article_ids if (found := self.store.get(i)) is not None]
        return find_stories(items) if len(items) > 1 else []

    def overview_for(self, items: Iterable[tuple[Article, list[Fact]]]) -> Overview:
        from .facts.resolve import build_overview

        return build_overview(items)

    def expand_aliases(self, field_name: str, text: str) -> list[str]:
        """Other names of the entity ``text`` names, for ``person:``/``org:``/``place:``.

        Spelling variants come from the index itself (a surname one edit away,
        like "Barzoum" for "Bazoum", as the resolver merges them), for a
        surname alone or a full name ("Mohamed Barzoum" for "Mohamed
        Bazoum"); when the library-wide overview has been built, its alias
        lists are used too. The index is asked either way, so a search finds
        the same articles whether or not this process has built the overview.

        For a full name, a one-word alias (a surname, "Bazoum") stands for the
        articles that name the person by that word alone, and only where no
        article names anyone else by it ("Hadiza Bazoum"): the query expands
        it as that exact entity name (``person_k``), never as the word, which
        would find everyone of the surname. The index decides this, with or
        without the overview.
        """
        aliases: list[str] = []
        words = text.split()
        with self.index.reading() as searcher:
            if field_name == "person" and words and len(words[-1]) >= 6:
                surname = words[-1].lower()
                given = words[:-1]
                reader = searcher.reader()
                aliases += [
                    " ".join([*given, variant])
                    for t in reader.terms_within("person", surname, 1, prefix=1)
                    if (variant := _text(t)) != surname
                ]
            overview = self.cached_overview()
            if overview is not None:
                from .facts.resolve import aliases_for

                aliases += aliases_for(overview, FIELD_ENTITY[field_name], text)
            if field_name == "person" and len(words) > 1:
                aliases = _lone_names_only(searcher, [text, *aliases])[1:]
        return aliases

    def mention_counts(self, facts: Iterable[Fact]) -> dict[tuple[str, str], int]:
        """How many articles mention each entity in ``facts``.

        The count ``facts`` gives the entity (every spelling of it: "Mohamed
        Barzoum" counts Mohamed Bazoum's articles) when the library-wide
        resolution is at hand; otherwise the articles naming it in the index.
        The index is asked for its live documents, not its term statistics:
        Whoosh's document frequency still counts the old version of every
        re-indexed article (a tag rewrites its document) until segments merge.
        """
        from .facts.gazetteer import fold

        entities = self._entities_by_name()
        counts: dict[tuple[str, str], int] = {}
        from_index: list[tuple[tuple[str, str], str]] = []
        for fact in facts:
            field_name = ENTITY_FIELD.get(fact.kind)
            if field_name is None:
                continue
            name = entity_name(fact)
            key = (fact.kind, name)
            if key in counts:
                continue
            found = entities.get((fact.kind, fold(name)))
            if found is not None:
                counts[key] = found
            else:
                counts[key] = 0
                from_index.append((key, f"{field_name}_k"))
        if from_index:
            from whoosh import query as wq

            from . import docsets

            with self.index.reading() as searcher:
                for named, field_name in from_index:
                    term = wq.Term(field_name, keyword(named[1]))
                    counts[named] = docsets.total(docsets.match_sets(searcher, term) or [])
        return counts

    def _entities_by_name(self) -> dict[tuple[str, str], int]:
        """(kind, folded name or alias) -> articles, from a full overview made already.

        An overview made from the index (a large library) lists one spelling
        per entity with its index count, no better than asking the index.
        """
        from .facts.gazetteer import fold

        if self._how() != "full":
            return {}
        overview = self.ready_overview()
        if overview is None:
            return {}
        with self._lock:
            if self._names is not None and self._names[0] is overview:
                return self._names[1]
        names: dict[tuple[str, str], int] = {}
        for entity in overview.entities:
            if entity.article_ids:
                for name in (entity.name, *entity.aliases):
                    # The first entity a name belongs to, as Overview.find chooses.
                    names.setdefault((entity.kind, fold(name)), len(entity.article_ids))
        with self._lock:
            self._names = (overview, names)
        return names

    def entity_counts(self, kind: str, name: str) -> int:
        """Articles mentioning the entity ``name`` of ``kind``."""
        probe = Fact(kind=kind, text=name, start=0, end=0)  # type: ignore[arg-type]
        return self.mention_counts([probe]).get((kind, name), 0)

    def top_entities(self, kind: str, limit: int = 15) -> list[tuple[str, int]]:
        """The entities of ``kind`` mentioned in the most articles, with counts.

        From the store's running counts (search/facets.py): the index's
        ``most_frequent_terms`` reads every name in the field, 1.8 s at 22k.
        """
        return self.store.top_facets(ENTITY_FIELD[kind] + "_k", limit)

    def related_claims(
        self, facts: Iterable[Fact], limit: int = 200
    ) -> list[tuple[Article, list[Fact]]]:
        """Articles reporting figures on the same subjects as ``facts``."""
        keys = sorted({keyword(f.key) for f in facts if f.kind == "figure" and f.key})
        seen: dict[str, tuple[Article, list[Fact]]] = {}
        for key in keys:
            for article, article_facts in self._articles_reporting(key, limit):
                seen.setdefault(article.id, (article, article_facts))
        return list(seen.values())

    def conflicts_for(self, article_id: str) -> list[Conflict]:
        """Conflicts between this article's figures and other articles' figures."""
        found = self.store.get(article_id)
        if found is None:
            return []
        items = self.related_claims(found[1])
        if len(items) < 2:
            return []
        from .facts.resolve import find_conflicts

        return [
            c for c in find_conflicts(items) if any(cl.article_id == article_id for cl in c.claims)
        ]
