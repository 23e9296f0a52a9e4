"""Facts as the CLI and scripts see them: JSON for articles, the library, or a stream."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, TextIO

from .model import Article, Fact

if TYPE_CHECKING:
    from .library import Library

_GROUPS = (
    ("person", "People"),
    ("organization", "Organizations"),
    ("place", "Places"),
    ("date", "Dates"),
    ("figure", "Figures"),
)


def library_facts(library: Library, ids: Iterable[str] = ()) -> dict[str, Any] | None:
    """Per-article facts plus entities, conflicts and stories across them."""
    wanted = list(ids)
    if wanted:
        items: list[tuple[Article, list[Fact]]] = []
        for article_id in wanted:
            found = library.get(article_id)
            if found is None:
                return None
            items.append(found)
        data = library.overview_for(items).to_json()
        rows = [
            (a.id, a.title, a.date.isoformat() if a.date else None, a.source, facts)
            for a, facts in items
        ]
    else:
        data = library.overview().to_json()
        # Facts without bodies: the whole library's text is not needed here.
        rows = [
            (i, title, day, source, facts)
            for i, day, source, title, facts in library.article_facts()
        ]
    data["articles"] = [
        {
            "id": article_id,
            "title": title,
            "date": day,
            "source": source,
            "facts": [f.to_json() for f in facts],
        }
        for article_id, title, day, source, facts in rows
    ]
    return data


def stream_jsonl(source: TextIO, out: TextIO) -> int:
    """Batch interface: ``{"id", "text"}`` lines in, ``{"id", "facts"}`` lines out.

    Offsets refer to exactly the given text: no header parsing or cleaning. A bad
    line produces ``{"id": …, "error": …}`` and the stream goes on.
    """
    from .facts.extract import extract_facts
    from .facts.ner import default_tagger

    tagger = default_tagger()
    failures = 0
    for number, line in enumerate(source, 1):
        if not line.strip():
            continue
        record: Any = None
        try:
            record = json.loads(line)
            text = record["text"]
            if not isinstance(text, str):
                raise TypeError("text must be a string")
        except (ValueError, KeyError, TypeError) as exc:
            failures += 1
            ident = record.get("id") if isinstance(record, dict) else None
            out.write(json.dumps({"id": ident, "line": number, "error": str(exc)}) + "\n")
            continue
        facts = extract_facts(text, None, tagger=tagger)
        out.write(
            json.dumps(
                {"id": record.get("id"), "facts": [f.to_json() for f in facts]}, ensure_ascii=False
            )
            + "\n"
        )
    out.flush()
    if failures:
        print(f"fieldbrief: {failures} input lines could not be read", file=sys.stderr)
    return 1 if failures else 0


def print_facts(data: dict[str, Any], out: TextIO, safe: Callable[[str | None], str]) -> None:
    for entity_kind, heading in _GROUPS[:3]:
        entities = [e for e in data["entities"] if e["kind"] == entity_kind]
        if not entities:
            continue
        out.write(f"{heading}\n")
        for entity in entities[:25]:
            roles = f" — {', '.join(entity.get('roles') or [])}" if entity.get("roles") else ""
            aliases = [a for a in entity["aliases"] if a != entity["name"]]
            alias_text = f" (also: {', '.join(aliases)})" if aliases else ""
            out.write(
                f"  {safe(entity['name'])}{safe(roles)}{safe(alias_text)}"
                f" · {len(entity['article_ids'])} articles\n"
            )
    if data["conflicts"]:
        out.write("Conflicting figures\n")
        for conflict in data["conflicts"]:
            out.write(f"  {safe(conflict['subject'])} ({safe(conflict.get('unit') or '')})\n")
            for claim in conflict["claims"]:
                out.write(
                    f"    {safe(claim['text'])!s:40} {safe(claim.get('source') or '?')}"
                    f" {claim.get('date') or 'undated'} [{claim['article_id']}]\n"
                )
    if data["stories"]:
        out.write("Same-story clusters\n")
        for story in data["stories"]:
            out.write(f"  {', '.join(story)}\n")
