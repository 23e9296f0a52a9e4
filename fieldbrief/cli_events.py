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


def cmd_entity(args: argparse.Namespace) -> int:
    from fieldbrief.search.profile import entity_profile

    name = " ".join(args.name)
    with open_library(args) as library:
        profile = entity_profile(library, name, args.kind)
    if profile is None:
        if args.json:
            dump({"name": name, "found": False})
        else:
            print(f"no person, organization or place called {safe(name)} in the library")
        return EXIT_NOTHING
    if args.json:
        dump(profile.to_json())
        return EXIT_OK
    out = sys.stdout
    aliases = [a for a in profile.aliases if a != profile.name]
    out.write(f"{safe(profile.name)} ({profile.kind})\n")
    if aliases:
        out.write(f"  also written: {safe(', '.join(aliases))}\n")
    out.write(f"  {profile.article_count} articles\n")
    if profile.roles:
        out.write("Roles\n")
        for role in profile.roles:
            when = role.first if role.first == role.last else f"{role.first} to {role.last}"
            out.write(f"  {safe(role.role)}  {when or 'undated'}\n")
    if profile.co_mentioned:
        out.write("Named alongside\n")
        for other, kind, count in profile.co_mentioned[:10]:
            out.write(f"  {safe(other)} ({kind}) · {count}\n")
    for heading, items in (("Quotes", profile.quotes), ("Figures attributed", profile.figures)):
        if items:
            out.write(f"{heading}\n")
            for item in items:
                out.write(
                    f"  “{safe(item.text)}” {safe(item.source or '?')} {item.date or 'undated'}"
                    f" [{item.article_id}]\n"
                )
    if profile.events:
        out.write("Events\n")
        for event in profile.events:
            out.write(f"  {event.date:<10}  {safe(event.text)}\n")
    return EXIT_OK


def declare(name: str, p: argparse.ArgumentParser) -> None:
    """The arguments of this module's commands (see ``fieldbrief.cli.COMMANDS``)."""
    if name == "timeline":
        _declare_timeline(p)
    else:
        _declare_entity(p)


def _declare_timeline(p: argparse.ArgumentParser) -> None:
    p.description = (
        "Events (a date and the clause that tells what happened), oldest first;"
        " the same event reported by several articles is listed once with all of them."
    )
    p.add_argument("query", nargs="*", help="only articles matching this search")
    p.add_argument("--json", action="store_true", help="print the events as JSON")
    p.set_defaults(func=cmd_timeline)


def _declare_entity(p: argparse.ArgumentParser) -> None:
    p.description = (
        "Spellings, roles over time, articles, entities named alongside,"
        " quotes, attributed figures and events of one entity (any spelling works)."
    )
    p.add_argument("name", nargs="+", help='the name, e.g. "Mohamed Bazoum" or Bazoum')
    p.add_argument(
        "--kind", choices=("person", "org", "organization", "place"), help="only this kind"
    )
    p.add_argument("--json", action="store_true", help="print the profile as JSON")
    p.set_defaults(func=cmd_entity)
