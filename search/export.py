"""A briefing as a Markdown document with numbered citations.

Layout: title, generation date and scope, the analyst's summary, key facts
(people with roles, organisations, places), figures that conflict across
sources, a timeline of dated events, the pinned items with their notes, and
the sources as footnotes (``[^1]: Source, YYYY-MM-DD, "Title", id …, path``).
Every quote, figure and event points at a footnote.

Citation numbers are handed out in order of first reference, which is the
order Markdown footnote renderers number them in, so the raw file and the
rendered page agree.

Article text is untrusted: every piece of it goes through ``escape_inline`` (or
``quote_block``) so a title or body cannot add headings, tables, links, HTML or
footnotes of its own.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .briefing import Briefing, Briefings, Pin
from .model import Article, Fact
from .textsafety import strip_unsafe

if TYPE_CHECKING:
    from .library import Library

# Characters that start inline syntax anywhere in a line: code spans, emphasis,
# links/images/footnotes, autolinks and HTML, table cells, entities,
# strikethrough, and the escape character itself.
_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]<>|&~^])")
# Characters that only matter at the start of a line: headings, block quotes,
# bullets, setext underlines, thematic breaks, ordered-list numbers.
_LEADING_SPECIAL = re.compile(r"^([#>+\-=])")
_LEADING_NUMBER = re.compile(r"^(\d{1,9})([.)])")

MAX_SENTENCE = 320
MAX_TIMELINE = 60
KEY_PEOPLE, KEY_ORGS, KEY_PLACES = 8, 8, 10
MAX_ENTITY_CITES = 4


def escape_inline(text: object) -> str:
    """``text`` as one line of literal Markdown text, whatever it contains.

    Newlines and runs of whitespace become single spaces (a newline could
    start a new block); Markdown punctuation is backslash-escaped, which
    CommonMark allows for any ASCII punctuation, so renderers show the
    character itself.
    """
    flat = " ".join(strip_unsafe(str(text or "")).split())
    flat = _INLINE_SPECIAL.sub(r"\\\1", flat)
    flat = _LEADING_SPECIAL.sub(r"\\\1", flat)
    return _LEADING_NUMBER.sub(r"\1\\\2", flat)


def quote_block(text: str) -> str:
    """``text`` as a Markdown block quote, keeping its paragraph breaks."""
    paragraphs = [p for p in re.split(r"\n\s*\n", strip_unsafe(text)) if p.strip()]
    return "\n>\n".join("> " + escape_inline(p) for p in paragraphs) or ">"


def _clip(text: str, limit: int = MAX_SENTENCE) -> str:
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    return flat[: limit - 1].rsplit(" ", 1)[0] + " …"


def format_number(value: float | None) -> str:
    if value is None:
        return "?"
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


_QUALIFIER = {
    "approx": "≈ ",
    "nearly": "nearly ",
    "more than": "> ",
    "fewer than": "< ",
    "at least": "≥ ",
    "up to": "≤ ",
}


def claim_value(claim: Any) -> str:
    if claim.qualifier == "between" and claim.low is not None and claim.high is not None:
        return f"{format_number(claim.low)}–{format_number(claim.high)}"
    return _QUALIFIER.get(claim.qualifier or "", "") + format_number(claim.value)


@dataclass(slots=True)
class Source:
    """An article as cited; ``article`` is None when it left the library."""

    article_id: str
    article: Article | None
    facts: list[Fact]
    title: str

    @property
    def date_text(self) -> str:
        return self.article.date.isoformat() if self.article and self.article.date else "undated"


@dataclass(slots=True)
class Citations:
    """Footnote numbers, handed out in order of first reference."""

    sources: dict[str, Source]
    numbers: dict[str, int] = field(default_factory=dict)

    def cite(self, article_id: str) -> str:
        if article_id not in self.sources:
            return ""
        if article_id not in self.numbers:
            self.numbers[article_id] = len(self.numbers) + 1
        return f"[^{self.numbers[article_id]}]"

    def cite_many(self, article_ids: Iterable[str]) -> str:
        """Several references, in footnote-number order (reads as ``[^1][^3]``)."""
        refs = {self.cite(a): self.numbers.get(a, 0) for a in article_ids}
        return "".join(sorted((r for r in refs if r), key=refs.__getitem__))

    def definitions(self) -> list[str]:
        lines = []
        for article_id, number in sorted(self.numbers.items(), key=lambda kv: kv[1]):
            source = self.sources[article_id]
            article = source.article
            if article is None:
                lines.append(
                    f'[^{number}]: "{escape_inline(source.title)}", id {escape_inline(article_id)}'
                    " (no longer in the library)"
                )
                continue
            lines.append(
                f"[^{number}]: {escape_inline(article.source or 'Unknown source')},"
                f' {source.date_text}, "{escape_inline(article.title)}",'
                f" id {escape_inline(article.id)}, {escape_inline(article.path)}"
            )
        return lines


# --- sections -------------------------------------------------------------------


def _sentence(source: Source, fact: Fact) -> str:
    article = source.article
    if article is None:
        return fact.text
    start, end = fact.sentence if fact.sentence else (fact.start, fact.end)
    return _clip(article.body[start:end])


def _key_facts(overview: Any, cites: Citations) -> list[str]:
    lines: list[str] = []
    groups = (
        ("person", "People", KEY_PEOPLE),
        ("organization", "Organizations", KEY_ORGS),
        ("place", "Places", KEY_PLACES),
    )
    for kind, heading, limit in groups:
        entities = [e for e in overview.entities if e.kind == kind][:limit]
        if not entities:
            continue
        lines += [f"**{heading}**", ""]
        for entity in entities:
            roles = f" — {escape_inline('; '.join(entity.roles))}" if entity.roles else ""
            refs = cites.cite_many(entity.article_ids[:MAX_ENTITY_CITES])
            more = len(entity.article_ids) - MAX_ENTITY_CITES
            extra = f" and {more} more" if more > 0 else ""
            count = len(entity.article_ids)
            lines.append(
                f"- {escape_inline(entity.name)}{roles} ({count} article{'s' * (count != 1)})"
                f" {refs}{extra}"
            )
        lines.append("")
    return lines


def _conflicts(overview: Any, cites: Citations) -> list[str]:
    lines: list[str] = []
    for conflict in overview.conflicts:
        unit = f" ({escape_inline(conflict.unit)})" if conflict.unit else ""
        lines += [f"### {escape_inline(conflict.subject)}{unit}", ""]
        lines += ["| Value | As written | Source | Date | Cite |", "|---|---|---|---|---|"]
        for claim in conflict.claims:
            lines.append(
                f"| {escape_inline(claim_value(claim))} | {escape_inline(claim.text)}"
                f" | {escape_inline(claim.source or 'Unknown source')}"
                f" | {claim.date or 'undated'} | {cites.cite(claim.article_id)} |"
            )
        lines.append("")
    return lines


_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


def _date_sort_key(value: str) -> str:
    """ISO weeks sort by their Monday; everything else is already ISO-ordered."""
    match = _WEEK.match(value)
    if match:
        try:
            return date.fromisocalendar(int(match[1]), int(match[2]), 1).isoformat()
        except ValueError:
            return value
    return value


@dataclass(slots=True, order=True)
class _Event:
    key: str
    when: str
    order: int
    text: str = field(compare=False)
    article_id: str = field(compare=False)


def _timeline(sources: Sequence[Source], cites: Citations) -> list[str]:
    events: list[_Event] = []
    seen: set[tuple[str, str, str]] = set()
    for order, source in enumerate(sources):
        article = source.article
        if article is not None and article.date is not None:
            when = article.date.isoformat()
            events.append(
                _Event(
                    _date_sort_key(when),
                    when,
                    order,
                    f'Published: "{escape_inline(article.title)}"'
                    f" ({escape_inline(article.source or 'unknown source')})",
                    article.id,
                )
            )
        for fact in source.facts:
            if fact.kind != "date" or not isinstance(fact.value, str) or not fact.value:
                continue
            sentence = _sentence(source, fact)
            marker = (fact.value, source.article_id, sentence)
            if marker in seen:
                continue
            seen.add(marker)
            events.append(
                _Event(
                    _date_sort_key(fact.value),
                    fact.value,
                    order,
                    escape_inline(sentence),
                    source.article_id,
                )
            )
    events.sort()
    lines = [
        f"- **{escape_inline(e.when)}** — {e.text} {cites.cite(e.article_id)}"
        for e in events[:MAX_TIMELINE]
    ]
    if len(events) > MAX_TIMELINE:
        lines.append(f"- … and {len(events) - MAX_TIMELINE} more dated mentions")
    return lines


def _pins(pins: Sequence[Pin], cites: Citations) -> list[str]:
    lines: list[str] = []
    for number, pin in enumerate(pins, 1):
        ref = cites.cite(pin.article_id)
        if pin.kind == "article":
            lines.append(f"{number}\\. **Article:** {escape_inline(pin.title)} {ref}")
        elif pin.kind == "passage":
            lines += [f"{number}\\. **Passage** from {escape_inline(pin.title)} {ref}", ""]
            lines.append(quote_block(pin.quote))
        else:
            fact = pin.fact or {}
            kind = escape_inline(fact.get("kind", "fact"))
            lines.append(f"{number}\\. **Fact ({kind}):** {escape_inline(pin.quote)} {ref}")
            source = cites.sources.get(pin.article_id)
            fact_obj = pin.fact_object()
            if source is not None and fact_obj is not None and source.article is not None:
                lines += ["", quote_block(_sentence(source, fact_obj))]
        if pin.note:
            lines += ["", f"*Note:* {escape_inline(pin.note)}"]
        lines.append("")
    return lines


# --- documents -------------------------------------------------------------------


def _sources_for(library: Library, refs: Iterable[tuple[str, str]]) -> list[Source]:
    """(article id, fallback title) → Source, first occurrence wins, order kept."""
    out: dict[str, Source] = {}
    for article_id, title in refs:
        if article_id in out:
            continue
        found = library.get(article_id)
        if found is None:
            out[article_id] = Source(article_id, None, [], title)
        else:
            article, facts = found
            out[article_id] = Source(article_id, article, facts, article.title)
    return list(out.values())


def _document(
    library: Library,
    *,
    title: str,
    scope: str,
    summary: str,
    sources: list[Source],
    pins: Sequence[Pin],
    today: date | None,
) -> str:
    cites = Citations({s.article_id: s for s in sources})
    present = [(s.article, s.facts) for s in sources if s.article is not None]
    overview = library.overview_for(present)
    generated = (today or datetime.now().date()).isoformat()

    out = [f"# {escape_inline(title) or 'Briefing'}", "", f"*Generated {generated}. {scope}*", ""]
    if summary.strip():
        out += ["## Summary", ""]
        paragraphs = [p for p in re.split(r"\n\s*\n", summary) if p.strip()]
        for paragraph in paragraphs:
            out += [escape_inline(paragraph), ""]

    key_facts = _key_facts(overview, cites)
    if key_facts:
        out += ["## Key facts", "", *key_facts]
    conflicts = _conflicts(overview, cites)
    if conflicts:
        out += ["## Figures with conflicts", "", *conflicts]
    timeline = _timeline(sources, cites)
    if timeline:
        out += ["## Timeline", "", *timeline, ""]
    if pins:
        out += ["## Pinned", "", *_pins(pins, cites)]
    # Articles nothing above cited still belong in the source list.
    uncited = [s for s in sources if s.article_id not in cites.numbers]
    if uncited:
        out += ["## Also in this briefing", ""]
        for source in uncited:
            out.append(
                f"- {escape_inline(source.title)} ({source.date_text})"
                f" {cites.cite(source.article_id)}"
            )
        out.append("")
    definitions = cites.definitions()
    if definitions:
        out += ["## Sources", ""]
        for line in definitions:
            # A blank line between definitions keeps them apart in renderers
            # without footnote support, where they would run into one paragraph.
            out += [line, ""]
    return "\n".join(out).rstrip("\n") + "\n"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' * (count != 1)}"


def build_briefing_markdown(
    library: Library,
    briefing: Briefing | int | None = None,
    *,
    today: date | None = None,
) -> str:
    """The briefing (default: the current one) from its pins, as Markdown."""
    briefings = Briefings(library)
    if briefing is None:
        current = briefings.current(create=True)
        assert current is not None
        briefing = current
    elif isinstance(briefing, int):
        briefing = briefings.get(briefing)
    pins = briefings.pins(briefing.id)
    sources = _sources_for(library, ((p.article_id, p.title) for p in pins))
    scope = f"{_plural(len(pins), 'pin')} from {_plural(len(sources), 'article')}."
    return _document(
        library,
        title=briefing.title,
        scope=scope,
        summary=briefing.summary,
        sources=sources,
        pins=pins,
        today=today,
    )


def build_query_briefing(
    library: Library,
    query: str,
    *,
    limit: int = 20,
    sort: str = "relevance",
    title: str | None = None,
    summary: str = "",
    today: date | None = None,
) -> str:
    """The same briefing straight from a search: its top ``limit`` hits, no pins."""
    results = library.search(query, limit=limit, sort=sort, snippets=0)
    sources = _sources_for(library, ((h.id, h.title) for h in results.hits))
    shown = len(results.hits)
    scope = (
        f"From the search “{escape_inline(query)}”:"
        f" {_plural(shown, 'article')}"
        + (f" of {results.total} matching" if results.total > shown else "")
        + "."
    )
    return _document(
        library,
        title=title or f"Briefing: {query}",
        scope=scope,
        summary=summary,
        sources=sources,
        pins=(),
        today=today,
    )


def default_export_path(today: date | None = None) -> Path:
    """Where a briefing is saved unless the analyst says otherwise: home, not the cwd."""
    return Path.home() / f"fieldbrief-briefing-{(today or date.today()).isoformat()}.md"


def save_markdown(path: str | os.PathLike[str], text: str, *, force: bool = False) -> Path:
    """Write ``text`` to ``path``; refuse to replace an existing file unless ``force``.

    Without ``force`` the file is created exclusively, so a file that appears
    between a check and the write is not clobbered either (``FileExistsError``).
    With ``force`` the new content is written beside it and swapped in, so a
    crash never leaves a half-written briefing in place of the old one.
    """
    target = Path(path).expanduser()
    if not force:
        with open(target, "x", encoding="utf-8") as handle:
            handle.write(text)
        return target
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def plain_citation(article: Article) -> str:
    """``Source, YYYY-MM-DD, "Title", id …, path`` as plain text (for the clipboard)."""
    when = article.date.isoformat() if article.date else "undated"
    title = " ".join(strip_unsafe(article.title).split())
    source = " ".join(strip_unsafe(article.source or "Unknown source").split())
    return f'{source}, {when}, "{title}", id {article.id}, {strip_unsafe(article.path)}'
