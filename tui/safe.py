"""Turning hostile article text into inert display content.

Titles, bodies, sources and paths come from scraped pages and feeds. They are
never handed to anything that parses markup: every widget gets a ``Content``
built from a plain string, with styles attached as spans. Escape sequences are
stripped at ingest already; stripping again here means a library written by an
older or foreign tool cannot reach the terminal either.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from textual.content import Content

from fieldbrief.search.textsafety import strip_unsafe

_SPACE = re.compile(r"\s+")


def plain(text: object) -> str:
    """A display-safe string (no control characters, no escape sequences)."""
    if text is None:
        return ""
    return strip_unsafe(str(text))


def one_line(text: object, limit: int | None = None) -> str:
    flat = _SPACE.sub(" ", plain(text)).strip()
    if limit is not None and len(flat) > limit:
        flat = flat[: max(0, limit - 1)].rstrip() + "…"
    return flat


def spans_content(
    text: str, spans: Iterable[tuple[int, int]], style: str, base: str = ""
) -> Content:
    """``text`` with ``style`` on each (start, end) span; out-of-range spans are ignored."""
    content = Content(plain(text))
    if base:
        content = content.stylize(base)
    size = len(content.plain)
    for start, end in spans:
        start, end = max(0, start), min(size, end)
        if end > start:
            content = content.stylize(style, start, end)
    return content


def quote_value(text: str) -> str:
    """A string safe to put between double quotes in a query."""
    return one_line(text).replace('"', " ").replace("\\", " ").strip()
