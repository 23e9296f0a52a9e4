"""Reading the library-wide facts object (``Library.overview()``) defensively.

The overview is computed by the engine; the browser only needs a few fields
and must keep working on libraries (or engine versions) without it, so every
access goes through ``field`` which accepts attributes or mapping keys.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from fieldbrief.search.model import Fact

QUERY_FIELD = {"person": "person", "organization": "org", "place": "place"}


def field(obj: Any, name: str, default: Any = None) -> Any:
    if isinstance(obj, dict):
        return obj.get(name, default)
    return getattr(obj, name, default)


def entities(overview: Any) -> list[Any]:
    return list(field(overview, "entities", None) or [])


def conflicts(overview: Any) -> list[Any]:
    return list(field(overview, "conflicts", None) or [])


def stories(overview: Any) -> list[list[str]]:
    return [list(s) for s in (field(overview, "stories", None) or []) if s]


def story_index(overview: Any) -> dict[str, int]:
    """article id -> story number, for stories of more than one article."""
    index: dict[str, int] = {}
    for number, story in enumerate(stories(overview)):
        if len(story) > 1:
            for article_id in story:
                index.setdefault(str(article_id), number)
    return index


def claims(conflict: Any) -> list[Any]:
    return list(field(conflict, "claims", None) or [])


def conflict_label(conflict: Any) -> str:
    subject = field(conflict, "subject") or ""
    unit = field(conflict, "unit") or ""
    if subject and unit and subject != unit:
        return f"{subject} ({unit})"
    return str(subject or unit or "figure")


def format_number(value: Any) -> str:
    if value is None:
        return "?"
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    if number.is_integer():
        return f"{int(number):,}"
    return f"{number:,.2f}".rstrip("0").rstrip(".")


def claim_value(claim: Any) -> str:
    low, high = field(claim, "low"), field(claim, "high")
    value = field(claim, "value")
    qualifier = field(claim, "qualifier")
    if value is None and low is not None and high is not None:
        shown = f"{format_number(low)}–{format_number(high)}"
    else:
        shown = format_number(value)
    return f"{qualifier} {shown}" if qualifier and qualifier != "between" else shown


def conflicts_for_fact(article_id: str, fact: Fact, all_conflicts: Iterable[Any]) -> list[Any]:
    """Conflicts this figure takes part in: same span, or same subject and unit."""
    found = []
    for conflict in all_conflicts:
        for claim in claims(conflict):
            if str(field(claim, "article_id")) != article_id:
                continue
            same_span = (field(claim, "start"), field(claim, "end")) == (fact.start, fact.end)
            same_measure = field(conflict, "unit") == fact.unit and (
                field(conflict, "subject") in (None, fact.subject)
            )
            if same_span or same_measure:
                found.append(conflict)
                break
    return found


def entity_counts(overview: Any) -> dict[tuple[str, str], int]:
    """(kind, name) -> number of articles, for every name and alias in the overview."""
    counts: dict[tuple[str, str], int] = {}
    for entity in entities(overview):
        kind = str(field(entity, "kind", ""))
        number = field(entity, "article_count", None)
        if number is None:
            number = len(field(entity, "article_ids", None) or [])
        for name in [field(entity, "name", ""), *(field(entity, "aliases", None) or [])]:
            if name:
                counts.setdefault((kind, str(name)), number)
    return counts
