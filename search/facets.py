"""An article's facet terms: its entities' canonical names and its figures' subjects.

The same terms go into the index (``person_k``, ``org_k``, ``place_k``,
``figure_k``: document frequencies give "mentioned in N articles") and into
the store's ``facet_counts`` table, which keeps the number of articles per
term up to date as articles come and go, so the library overview's top
entities and most reported figures are a lookup, not a pass over every term
in the index (1.8 s at 22k articles).
"""

from __future__ import annotations

from collections.abc import Iterable

from .model import ENTITY_FIELD, Fact


def entity_name(fact: Fact) -> str:
    return str(fact.value or fact.text)


def keyword(value: str) -> str:
    """A value as one KEYWORD term: commas separate terms, so none may remain."""
    return " ".join(value.replace(",", " ").split())


def facet_terms(facts: Iterable[Fact]) -> set[tuple[str, str]]:
    """``(field, term)`` for each distinct facet of one article (``person_k``, …, ``figure_k``)."""
    terms: set[tuple[str, str]] = set()
    for fact in facts:
        field = ENTITY_FIELD.get(fact.kind)
        if field is not None:
            terms.add((f"{field}_k", keyword(entity_name(fact))))
        elif fact.kind == "figure" and fact.key:
            terms.add(("figure_k", keyword(fact.key)))
    # Whoosh drops empty keywords too.
    return {(field, term) for field, term in terms if term}
