"""Presentation helpers over the engine's library-wide facts (``Library.overview()``).

The overview arrives a moment after the library opens (it is computed in a
worker), so every helper accepts ``None`` for "not known yet".
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fieldbrief.search.model import ENTITY_FIELD

if TYPE_CHECKING:
    # The resolver loads the gazetteer; the app only needs the types.
    from fieldbrief.search.facts.resolve import Conflict, Overview


def entity_query(kind: str, name: str) -> str:
    """The search an entity stands for (what Enter on a fact runs)."""
    from .safe import quote_value

    return f'{ENTITY_FIELD[kind]}:"{quote_value(name)}"'


def stories(overview: Overview | None) -> list[list[str]]:
    return [list(s) for s in overview.stories if s] if overview is not None else []


def story_index(overview: Overview | None) -> dict[str, int]:
    """article id -> story number, for stories of more than one article."""
    index: dict[str, int] = {}
    for number, story in enumerate(stories(overview)):
        if len(story) > 1:
            for article_id in story:
                index.setdefault(str(article_id), number)
    return index


def conflict_label(conflict: Conflict) -> str:
    subject = conflict.subject or ""
    unit = conflict.unit or ""
    if subject and unit and subject != unit:
        return f"{subject} ({unit})"
    return str(subject or unit or "figure")


def entity_counts(overview: Overview | None) -> dict[tuple[str, str], int]:
    """(kind, name) -> number of articles, for every name and alias in the overview."""
    counts: dict[tuple[str, str], int] = {}
    if overview is None:
        return counts
    for entity in overview.entities:
        for name in [entity.name, *entity.aliases]:
            if name:
                counts.setdefault((entity.kind, name), entity.articles)
    return counts
