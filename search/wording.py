"""How numbers, figures, claims and articles are written out.

One set of words for the app, the CLI and the Markdown export, so a figure or
a citation reads the same wherever the analyst meets it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .model import Article, Fact
from .textsafety import strip_unsafe

QUALIFIER_SIGNS = {
    "approx": "≈",
    "more than": ">",
    "fewer than": "<",
    "at least": "≥",
    "up to": "≤",
}
"""Qualifiers written as a sign before the number; any other ("nearly") as its word."""

_FRACTION_WORDS = {0.5: "half", 0.25: "a quarter", 0.75: "three-quarters"}


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """ "1 article", "2 articles", "1,204 articles"."""
    return f"{count:,} {noun if count == 1 else (nouns or noun + 's')}"


def format_number(value: object) -> str:
    """``1,200``, ``2.5``; ``?`` for no value; anything not a number as it is."""
    if value is None:
        return "?"
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return str(value)
    if number.is_integer():
        return f"{int(number):,}"
    return f"{number:,.2f}".rstrip("0").rstrip(".")


def qualified(qualifier: str | None, shown: str) -> str:
    """``shown`` (a number, maybe with its unit) with the qualifier in front: ``≈1,200``."""
    if not qualifier or qualifier == "between":
        return shown
    sign = QUALIFIER_SIGNS.get(qualifier)
    return f"{sign}{shown}" if sign else f"{qualifier} {shown}"


def figure_value(
    value: object, low: object = None, high: object = None, qualifier: str | None = None
) -> str:
    """A claimed number as written in a table of claims: ``≈1,200``, ``1,000–1,200``."""
    if low is not None and high is not None and (value is None or qualifier == "between"):
        return f"{format_number(low)}–{format_number(high)}"
    return qualified(qualifier, format_number(value))


def claim_value(claim: Any) -> str:
    """:func:`figure_value` of a :class:`~.facts.resolve.Claim`."""
    return figure_value(claim.value, claim.low, claim.high, claim.qualifier)


def figure_name(fact: Fact) -> str:
    """A figure as an analyst would write it: "≈1,200 troops", "$100 million", "half"."""
    if fact.value is None and fact.low is not None and fact.high is not None:
        number = f"{format_number(fact.low)}–{format_number(fact.high)}"
    elif isinstance(fact.value, int | float) and fact.unit == "fraction":
        value = float(fact.value)
        word = _FRACTION_WORDS.get(round(value, 2))
        if word is None and abs(value - 1 / 3) < 0.01:
            word = "a third"
        elif word is None and abs(value - 2 / 3) < 0.01:
            word = "two-thirds"
        number = word or f"{value:.0%}"
    elif isinstance(fact.value, int | float) and fact.unit == "USD":
        number = "$" + _large(float(fact.value))
    elif fact.value is not None:
        number = format_number(fact.value)
    else:
        number = " ".join(strip_unsafe(fact.text).split())
    unit = f" {fact.unit}" if fact.unit and fact.unit not in ("fraction", "USD") else ""
    return qualified(fact.qualifier, f"{number}{unit}")


def _large(value: float) -> str:
    for size, word in ((1e12, "trillion"), (1e9, "billion"), (1e6, "million")):
        if abs(value) >= size:
            return f"{format_number(round(value / size, 2))} {word}"
    return format_number(value)


def _plain(text: str) -> str:
    return " ".join(strip_unsafe(text).split())


def citation(article: Article, escape: Callable[[str], str] = _plain) -> str:
    """``Source, YYYY-MM-DD, "Title", id …, path``: how every copy and export cites an article.

    ``escape`` makes each part safe for where it goes (plain one-line text by
    default; the Markdown export passes its inline escaping).
    """
    when = article.date.isoformat() if article.date else "undated"
    source = escape(article.source or "Unknown source")
    return f'{source}, {when}, "{escape(article.title)}", id {escape(article.id)}, {escape(article.path)}'
