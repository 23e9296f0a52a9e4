"""Facts as data for scripts: JSON for articles, the library, or a stream.

How the CLI prints them is ``fieldbrief.cli_facts``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, TextIO

from .model import Article, Fact

if TYPE_CHECKING:
    from .library import Library


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
    line produces ``{"id": …, "error": …}`` and the stream goes on. Returns how
    many lines could not be read.
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
    return failures
