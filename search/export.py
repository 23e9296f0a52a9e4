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
footnotes of its own. The analyst's own words (the summary and pin notes) are
theirs to format: they are written as Markdown, only cleaned of control
characters.

A pinned figure that conflicts with other articles brings its conflict along:
the export shows the same ⚠ the app does, with every source cited.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from .briefing import Briefing, Briefings, Pin
from .fsutil import atomic_write
from .model import SECTIONS, Article, Fact
from .textsafety import strip_unsafe
from .wording import citation, claim_value, format_number, plural

if TYPE_CHECKING:
    from .facts.resolve import Conflict, Overview
    from .library import Library

# Characters that start inline syntax anywhere in a line: code spans, emphasis,
# links/images/footnotes, autolinks and HTML, table cells, entities,
# strikethrough, and the escape character itself.
_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]<>|&~^])")
# Characters that only matter at the start of a line: headings, block quotes,
# bullets, setext underlines, thematic breaks, ordered-list numbers.
_LEADING_SPECIAL = re.compile(r"^([#>+\-=])")
_LEADING_NUMBER = re.compile(r"^(\d{1,9})([.)])")


class NothingToExport(Exception):
    """The briefing asked for would have no content; the message says why."""


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


def own_markdown(text: str) -> list[str]:
    """The analyst's text as Markdown paragraphs, cleaned but not escaped."""
    cleaned = strip_unsafe(text).replace("\r\n", "\n")
    return [p.strip("\n") for p in re.split(r"\n\s*\n", cleaned) if p.strip()]


def _clip(text: str, limit: int = MAX_SENTENCE) -> str:
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    return flat[: limit - 1].rsplit(" ", 1)[0] + " …"


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
            lines.append(f"[^{number}]: {citation(article, escape_inline)}")
        return lines


# --- sections -------------------------------------------------------------------


def _sentence(source: Source, fact: Fact) -> str:
    article = source.article
    if article is None:
        return fact.text
    start, end = fact.sentence if fact.sentence else (fact.start, fact.end)
    return _clip(article.body[start:end])


def _key_facts(overview: Overview, cites: Citations) -> list[str]:
    lines: list[str] = []
    limits = {"person": KEY_PEOPLE, "organization": KEY_ORGS, "place": KEY_PLACES}
    for kind, heading in SECTIONS[:3]:
        limit = limits[kind]
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


def _conflicts(conflicts: Iterable[Conflict], cites: Citations) -> list[str]:
    """Each subject's claims, then where sources disagree about one time, then the trend."""
    lines: list[str] = []
    for conflict in conflicts:
        unit = f" ({escape_inline(conflict.unit)})" if conflict.unit else ""
        lines += [f"### {escape_inline(conflict.subject)}{unit}", ""]
        lines += [
            "| Value | As written | Source | Date | Cite | As of | Said by |",
            "|---|---|---|---|---|---|---|",
        ]
        for claim in conflict.claims:
            said = (claim.attribution or {}).get("text") or ""
            lines.append(
                f"| {escape_inline(claim_value(claim))} | {escape_inline(claim.text)}"
                f" | {escape_inline(claim.source or 'Unknown source')}"
                f" | {claim.date or 'undated'} | {cites.cite(claim.article_id)}"
                f" | {escape_inline(claim.as_of or 'unknown')} | {escape_inline(said)} |"
            )
        lines.append("")
        for group in conflict.disagreements:
            when = f" about {escape_inline(group.as_of)}" if group.as_of else ""
            said = " vs ".join(
                f"{escape_inline(claim_value(c))}"
                f" ({escape_inline(c.source or 'unknown source')}) {cites.cite(c.article_id)}"
                for c in group.claims
            )
            lines += [f"⚠ **Sources disagree{when}:** {said}", ""]
        if len(conflict.trend) > 1:
            steps = " → ".join(
                f"{escape_inline(format_number(p.value))} ({escape_inline(p.as_of)})"
                f" {cites.cite_many(c.article_id for c in p.claims)}"
                for p in conflict.trend
            )
            lines += [f"**Over time:** {steps}", ""]
    return lines


def _timeline(library: Library, sources: Sequence[Source], cites: Citations) -> list[str]:
    """The events the briefing's articles date, each once, citing every article reporting it."""
    from .events import merge_events

    present = [s for s in sources if s.article is not None]
    mentions = library.store.event_mentions([s.article_id for s in present])
    meta = {
        s.article_id: (
            s.article.source,
            s.article.date.isoformat() if s.article.date else None,
            s.article.title,
        )
        for s in present
        if s.article is not None
    }
    events = merge_events(mentions, meta)
    lines = [
        f"- **{escape_inline(e.date)}** — {escape_inline(_clip(e.text))}"
        f" {cites.cite_many(e.article_ids)}"
        for e in events[:MAX_TIMELINE]
    ]
    if len(events) > MAX_TIMELINE:
        lines.append(f"- … and {len(events) - MAX_TIMELINE} more events")
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
            # A stale pin's offsets point into an older text: no sentence from them.
            if (
                source is not None
                and fact_obj is not None
                and source.article is not None
                and not pin.stale
            ):
                lines += ["", quote_block(_sentence(source, fact_obj))]
        if pin.stale:
            what = "passage" if pin.kind == "passage" else "fact"
            lines += ["", f"*(This {what} is not in the current version of the article.)*"]
        if pin.note:
            first, *rest = own_markdown(pin.note) or [""]
            lines += ["", f"*Note:* {first}"]
            for paragraph in rest:
                lines += ["", paragraph]
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
    pinned_conflicts: Sequence[tuple[Conflict, list[Source]]] = (),
) -> str:
    cites = Citations({s.article_id: s for s in sources})
    present = [(s.article, s.facts) for s in sources if s.article is not None]
    overview = library.overview_for(present)
    generated = (today or datetime.now().date()).isoformat()

    out = [f"# {escape_inline(title) or 'Briefing'}", "", f"*Generated {generated}. {scope}*", ""]
    paragraphs = own_markdown(summary)
    if paragraphs:
        out += ["## Summary", ""]
        for paragraph in paragraphs:
            out += [paragraph, ""]

    key_facts = _key_facts(overview, cites)
    if key_facts:
        out += ["## Key facts", "", *key_facts]
    # One section per subject and unit. A pinned figure's conflict is the
    # library-wide one, every claim on it; the same conflict found among the
    # briefing's own articles holds only their claims, so the wider one takes
    # its place rather than following it as a second table.
    sections: dict[tuple[str, str | None], Conflict] = {
        (c.subject, c.unit): c for c in overview.conflicts
    }
    for conflict, others in pinned_conflicts:
        known = sections.get((conflict.subject, conflict.unit))
        if known is not None and len(known.claims) >= len(conflict.claims):
            continue
        sections[(conflict.subject, conflict.unit)] = conflict
        # The other side's articles are cited, not added to the briefing's scope.
        for other in others:
            cites.sources.setdefault(other.article_id, other)
    conflicts = _conflicts(sections.values(), cites)
    if conflicts:
        out += ["## Figures with conflicts", "", *conflicts]
    timeline = _timeline(library, sources, cites)
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
    scope = f"{plural(len(pins), 'pin')} from {plural(len(sources), 'article')}."
    return _document(
        library,
        title=briefing.title,
        scope=scope,
        summary=briefing.summary,
        sources=sources,
        pins=pins,
        today=today,
        pinned_conflicts=_pinned_conflicts(library, pins),
    )


def conflicts_for_fact(
    article_id: str, fact: Fact, conflicts: Iterable[Conflict]
) -> list[Conflict]:
    """The conflicts a figure of ``article_id`` takes part in (the app's ⚠).

    A claim of the same article at the same span, or a conflict on the same
    subject in the same unit, counts.
    """
    found = []
    for conflict in conflicts:
        for claim in conflict.claims:
            if claim.article_id != article_id:
                continue
            same_span = (claim.start, claim.end) == (fact.start, fact.end)
            same_measure = conflict.unit == fact.unit and conflict.subject in (None, fact.subject)
            if same_span or same_measure:
                found.append(conflict)
                break
    return found


def _pinned_conflicts(library: Library, pins: Sequence[Pin]) -> list[tuple[Conflict, list[Source]]]:
    """Conflicts of pinned figures with the rest of the library, and their sources."""
    out: list[tuple[Conflict, list[Source]]] = []
    by_article: dict[str, list[Conflict]] = {}
    for pin in pins:
        fact = pin.fact_object()
        if pin.kind != "fact" or pin.stale or fact is None or fact.kind != "figure":
            continue
        if pin.article_id not in by_article:
            by_article[pin.article_id] = library.conflicts_for(pin.article_id)
        for conflict in conflicts_for_fact(pin.article_id, fact, by_article[pin.article_id]):
            refs = [(c.article_id, c.title) for c in conflict.claims]
            out.append((conflict, _sources_for(library, refs)))
    return out


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
    """The same briefing straight from a search: its top ``limit`` hits, no pins.

    Raises ``NothingToExport`` when the search matches nothing: an empty
    briefing would look like a finished one.
    """
    results = library.search(query, limit=limit, sort=sort, snippets=0)
    if not results.hits:
        raise NothingToExport(f"the search “{query}” matches no articles; nothing to export")
    sources = _sources_for(library, ((h.id, h.title) for h in results.hits))
    shown = len(results.hits)
    scope = (
        f"From the search “{escape_inline(query)}”:"
        f" {plural(shown, 'article')}"
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

    A new file gets the permissions the umask allows, like any file the
    analyst's tools write (mkstemp's 0600 would hide it from a shared folder's
    group); a replaced file keeps the permissions it had.
    """
    target = Path(path).expanduser()
    if not force:
        with open(target, "x", encoding="utf-8") as handle:
            handle.write(text)
        return target
    atomic_write(target, text)
    return target
