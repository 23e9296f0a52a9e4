"""Presentation helpers over the engine's library-wide facts (``Library.overview()``).

The overview arrives a moment after the library opens (it is computed in a
worker), so every helper accepts ``None`` for "not known yet".
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    # The resolver loads the gazetteer; the app only needs the types.
    from fieldbrief.search.facts.resolve import Claim, Conflict, Overview

QUERY_FIELD = {"person": "person", "organization": "org", "place": "place"}


def entity_query(kind: str, name: str) -> str:
    """The search an entity stands for (what Enter on a fact runs)."""
    from .safe import quote_value

    return f'{QUERY_FIELD[kind]}:"{quote_value(name)}"'


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


def format_number(value: object) -> str:
    if value is None:
        return "?"
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return str(value)
    if number.is_integer():
        return f"{int(number):,}"
    return f"{number:,.2f}".rstrip("0").rstrip(".")


_SIGNS = {"approx": "≈", "more than": ">", "fewer than": "<", "at least": "≥", "up to": "≤"}


def claim_value(claim: Claim) -> str:
    """A claim's value as an analyst writes it: "≈1,200", ">1,100", "500–1,000"."""
    if claim.value is None and claim.low is not None and claim.high is not None:
        shown = f"{format_number(claim.low)}–{format_number(claim.high)}"
    else:
        shown = format_number(claim.value)
    qualifier = claim.qualifier
    if not qualifier or qualifier == "between":
        return shown
    sign = _SIGNS.get(qualifier)
    return f"{sign}{shown}" if sign else f"{qualifier} {shown}"


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


def trend_text(conflict: Conflict) -> str:
    """The series over time as one line: "≈1,100 (2023-09-08) → 1,000 (2024-05-20)"."""
    steps = []
    for point in conflict.trend:
        shown = format_number(point.value)
        if point.low is not None and point.high is not None and point.low != point.high:
            shown += f" [{format_number(point.low)}–{format_number(point.high)}]"
        steps.append(f"{shown} ({point.as_of})")
    return " → ".join(steps)
