"""``fieldbrief facts``: facts of articles or of the whole library, or a JSON Lines stream."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any, TextIO

from fieldbrief.search.model import SECTIONS
from fieldbrief.search.wording import figure_value, plural

from .cli_common import EXIT_NOT_FOUND, EXIT_NOTHING, EXIT_OK, dump, error, open_library, safe


def cmd_facts(args: argparse.Namespace) -> int:
    from fieldbrief.search import factsapi

    if args.jsonl:
        failures = factsapi.stream_jsonl(sys.stdin, sys.stdout)
        if failures:
            return error(f"{failures} input lines could not be read", EXIT_NOTHING)
        return EXIT_OK
    with open_library(args) as library:
        # Each id is looked up first so the message names the one that is wrong.
        ids = [library.lookup(ref)[0].id for ref in args.ids]
        data = factsapi.library_facts(library, ids)
    if data is None:
        return error("an article went away while its facts were read", EXIT_NOT_FOUND)
    if args.json:
        dump(data)
    else:
        print_facts(data, sys.stdout, safe)
    return EXIT_OK


def print_facts(data: dict[str, Any], out: TextIO, safe: Callable[[str | None], str]) -> None:
    for entity_kind, heading in SECTIONS[:3]:
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
                f" · {plural(len(entity['article_ids']), 'article')}\n"
            )
    if data["conflicts"]:
        out.write("Conflicting figures\n")
        for conflict in data["conflicts"]:
            out.write(f"  {safe(conflict['subject'])} ({safe(conflict.get('unit') or '')})\n")
            for claim in conflict["claims"]:
                value = figure_value(
                    claim.get("value"), claim.get("low"), claim.get("high"), claim.get("qualifier")
                )
                out.write(
                    f"    {value:>12}  {safe(claim['text'])!s:40} {safe(claim.get('source') or '?')}"
                    f" {claim.get('date') or 'undated'} [{claim['article_id']}]\n"
                )
    if data["stories"]:
        out.write("Same-story clusters\n")
        for story in data["stories"]:
            out.write(f"  {', '.join(story)}\n")
