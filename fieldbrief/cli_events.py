"""What happened and who said it: ``timeline`` and ``entity``.

Exit codes are those of ``fieldbrief.cli_common``: ``1`` when there is
nothing to show (no dated events, no such entity).
"""

from __future__ import annotations

import argparse
import sys

from .cli_common import EXIT_NOTHING, EXIT_OK, dump, open_library, safe


def cmd_timeline(args: argparse.Namespace) -> int:
    from fieldbrief.search.events import timeline_json

    query = " ".join(args.query) if args.query else None
    with open_library(args) as library:
        events = library.timeline(query)
    if args.json:
        dump(timeline_json(events))
        return EXIT_OK if events else EXIT_NOTHING
    if not events:
        print("no dated events" + (f" in articles matching {safe(query)}" if query else ""))
        return EXIT_NOTHING
    for event in events:
        sources = ", ".join(
            dict.fromkeys(safe(s.source or s.article_id[:8]) for s in event.sources)
        )
        sys.stdout.write(f"{event.date:<10}  {safe(event.text)}\n{'':12}[{sources}]\n")
    return EXIT_OK


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "timeline",
        help="dated events across the library, each citing every source",
        description="Events (a date and the clause that tells what happened), oldest first;"
        " the same event reported by several articles is listed once with all of them.",
    )
    p.add_argument("query", nargs="*", help="only articles matching this search")
    p.add_argument("--json", action="store_true", help="print the events as JSON")
    p.set_defaults(func=cmd_timeline)
