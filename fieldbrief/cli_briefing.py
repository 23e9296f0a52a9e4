"""Briefing commands: ``export``, ``briefing …``, ``tag``, ``saved …``.

Exit codes follow ``fieldbrief.cli``: 0 success; 1 nothing done (an export
target exists and ``--force`` was not given, a saved search with nothing new);
2 usage error; 4 no such article, briefing, pin or saved search.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

EXIT_OK, EXIT_NOTHING, EXIT_USAGE, EXIT_NOT_FOUND = 0, 1, 2, 4


def _safe(text: object) -> str:
    from fieldbrief.search.textsafety import strip_unsafe

    return strip_unsafe(str(text or ""))


def _line(text: object) -> str:
    return " ".join(_safe(text).split())


def _dump(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def _error(message: str, code: int) -> int:
    print(f"fieldbrief: {message}", file=sys.stderr)
    return code


def _open(args: argparse.Namespace) -> Any:
    from fieldbrief.search.library import Library

    library = Library.open(args.library)
    for message in library.recovered:
        print(f"fieldbrief: {message}", file=sys.stderr)
    return library


def _briefing_error() -> type[Exception]:
    from fieldbrief.search.briefing import BriefingError

    return BriefingError


# --- export ---------------------------------------------------------------------


def cmd_export(args: argparse.Namespace) -> int:
    from fieldbrief.search.briefing import Briefings
    from fieldbrief.search.export import (
        build_briefing_markdown,
        build_query_briefing,
        save_markdown,
    )

    if args.query and args.briefing:
        return _error("give a briefing or --query, not both", EXIT_USAGE)
    target = Path(args.output).expanduser() if args.output else None
    if target is not None and target.exists() and not args.force:
        return _error(f"{target} exists; use --force to overwrite it", EXIT_NOTHING)
    with _open(args) as library:
        try:
            if args.query:
                text = build_query_briefing(
                    library, args.query, limit=args.limit, sort=args.sort, title=args.title
                )
            else:
                briefings = Briefings(library)
                briefing = briefings.find(args.briefing) if args.briefing else None
                text = build_briefing_markdown(library, briefing)
        except _briefing_error() as exc:
            return _error(str(exc), EXIT_NOT_FOUND)
    if target is None:
        sys.stdout.write(text)
        return EXIT_OK
    try:
        save_markdown(target, text, force=args.force)
    except FileExistsError:
        return _error(f"{target} exists; use --force to overwrite it", EXIT_NOTHING)
    except OSError as exc:
        return _error(f"cannot write {target}: {exc.strerror or exc}", EXIT_NOTHING)
    print(f"wrote {target}", file=sys.stderr)
    return EXIT_OK


# --- briefing --------------------------------------------------------------------


def _print_pins(briefing: Any, pins: list[Any]) -> None:
    current = f"{briefing.id}: {_line(briefing.title)}"
    print(current)
    if briefing.summary:
        print(f"  summary: {_line(briefing.summary)}")
    if not pins:
        print("  (no pins yet: `fieldbrief briefing pin ARTICLE_ID`)")
    for number, pin in enumerate(pins, 1):
        span = f" {pin.start}:{pin.end}" if pin.start is not None else ""
        print(
            f"{number:>3}. [pin {pin.id}] {pin.kind}{span} · {pin.article_id} · {_line(pin.title)}"
        )
        if pin.kind != "article":
            quote = _line(pin.quote)
            print(f"       “{quote[:157] + '…' if len(quote) > 160 else quote}”")
        if pin.note:
            print(f"       note: {_line(pin.note)}")


def cmd_briefing(args: argparse.Namespace) -> int:
    from fieldbrief.search.briefing import Briefings

    with _open(args) as library:
        briefings = Briefings(library)
        try:
            return int(_BRIEFING_ACTIONS[args.action](briefings, args))
        except _briefing_error() as exc:
            return _error(str(exc), EXIT_NOT_FOUND)


def _b_new(briefings: Any, args: argparse.Namespace) -> int:
    briefing = briefings.create(" ".join(args.title) if args.title else None)
    if args.json:
        _dump(briefing.to_json())
    else:
        print(f"created briefing {briefing.id}: {_line(briefing.title)} (now current)")
    return EXIT_OK


def _b_list(briefings: Any, args: argparse.Namespace) -> int:
    items = briefings.list()
    current = briefings.current_id()
    if args.json:
        _dump([dict(b.to_json(), current=b.id == current) for b in items])
        return EXIT_OK
    if not items:
        print("no briefings yet: `fieldbrief briefing new TITLE`")
    for b in items:
        mark = "*" if b.id == current else " "
        print(f"{mark} {b.id:>3}  {_line(b.title)}  ({b.pin_count} pins, updated {b.updated_at})")
    return EXIT_OK


def _b_use(briefings: Any, args: argparse.Namespace) -> int:
    briefing = briefings.set_current(briefings.find(args.briefing).id)
    print(f"current briefing: {briefing.id}: {_line(briefing.title)}")
    return EXIT_OK


def _target(briefings: Any, ref: str | None) -> Any:
    if ref:
        return briefings.find(ref)
    return briefings.current(create=True)


def _b_show(briefings: Any, args: argparse.Namespace) -> int:
    briefing = _target(briefings, args.briefing)
    pins = briefings.pins(briefing.id)
    if args.json:
        _dump(dict(briefing.to_json(), pin_list=[p.to_json() for p in pins]))
    else:
        _print_pins(briefing, pins)
    return EXIT_OK


def _b_note(briefings: Any, args: argparse.Namespace) -> int:
    text = " ".join(args.text)
    if text == "-":
        text = sys.stdin.read()
    if args.pin is not None:
        pin = briefings.set_note(args.pin, text)
        print(f"note set on pin {pin.id}")
    else:
        briefing = briefings.set_summary(text)
        print(f"summary set on briefing {briefing.id}")
    return EXIT_OK


def _parse_span(text: str) -> tuple[int, int]:
    try:
        start, end = (int(part) for part in text.split(":", 1))
    except ValueError as exc:
        raise argparse.ArgumentTypeError("expected START:END, e.g. 120:340") from exc
    return start, end


def _b_pin(briefings: Any, args: argparse.Namespace) -> int:
    if args.passage is not None and args.fact is not None:
        print("fieldbrief: give --passage or --fact, not both", file=sys.stderr)
        return EXIT_USAGE
    if args.passage is not None:
        start, end = args.passage
        pin = briefings.pin_passage(args.article_id, start, end, args.note)
    elif args.fact is not None:
        found = briefings.library.get(args.article_id)
        if found is None:
            return _error(f"no article with id {args.article_id!r}", EXIT_NOT_FOUND)
        facts = found[1]
        if not 0 <= args.fact < len(facts):
            return _error(
                f"the article has {len(facts)} facts (0…{len(facts) - 1});"
                " list them with `fieldbrief facts ID --json`",
                EXIT_NOT_FOUND,
            )
        pin = briefings.pin_fact(found[0].id, facts[args.fact], args.note)
    else:
        pin = briefings.pin_article(args.article_id, args.note)
    if args.json:
        _dump(pin.to_json())
    else:
        briefing = briefings.get(pin.briefing_id)
        print(
            f"pinned {pin.kind} as pin {pin.id} in briefing {briefing.id}: {_line(briefing.title)}"
        )
    return EXIT_OK


def _b_unpin(briefings: Any, args: argparse.Namespace) -> int:
    briefings.remove(args.pin)
    print(f"removed pin {args.pin}")
    return EXIT_OK


def _b_move(briefings: Any, args: argparse.Namespace) -> int:
    # Positions are 1-based on the command line, as `briefing show` numbers them.
    pins = briefings.move(args.pin, max(0, args.position - 1))
    briefing = briefings.get(pins[0].briefing_id)
    if args.json:
        _dump([p.to_json() for p in pins])
    else:
        _print_pins(briefing, pins)
    return EXIT_OK


_BRIEFING_ACTIONS = {
    "new": _b_new,
    "list": _b_list,
    "use": _b_use,
    "show": _b_show,
    "note": _b_note,
    "pin": _b_pin,
    "unpin": _b_unpin,
    "move": _b_move,
}


# --- tags ------------------------------------------------------------------------


def cmd_tag(args: argparse.Namespace) -> int:
    from fieldbrief.search.briefing import add_tags, remove_tags

    with _open(args) as library:
        found = library.get(args.id)
        if found is None:
            return _error(f"no article with id {args.id!r}", EXIT_NOT_FOUND)
        article_id = found[0].id
        if args.remove:
            tags = remove_tags(library, article_id, args.remove)
        elif args.tags:
            tags = add_tags(library, article_id, args.tags)
        else:
            tags = library.tags_for(article_id)
    if args.json:
        _dump({"id": article_id, "tags": tags})
    else:
        print(f"{article_id}: {', '.join(_line(t) for t in tags) or '(no tags)'}")
    return EXIT_OK


# --- saved searches ----------------------------------------------------------------


def cmd_saved(args: argparse.Namespace) -> int:
    from fieldbrief.search.briefing import SavedSearches

    with _open(args) as library:
        saved = SavedSearches(library)
        try:
            if args.action == "save":
                item = saved.save(args.name, " ".join(args.query), args.sort)
                if args.json:
                    _dump(item.to_json())
                else:
                    print(f"saved search {_line(item.name)!r}: {_line(item.query)}")
                return EXIT_OK
            if args.action == "list":
                items = saved.list()
                if args.json:
                    _dump([s.to_json() for s in items])
                    return EXIT_OK
                if not items:
                    print("no saved searches: `fieldbrief saved save NAME QUERY`")
                for s in items:
                    print(
                        f"{_line(s.name)}: {_line(s.query)} [{s.sort}] (opened {s.last_opened_at})"
                    )
                return EXIT_OK
            if args.action == "delete":
                saved.delete(args.name)
                print(f"deleted saved search {_line(args.name)!r}")
                return EXIT_OK
            opened = saved.open(args.name)
            new = [library.get(i) for i in opened.new_ids]
            articles = [found[0] for found in new if found is not None]
        except _briefing_error() as exc:
            return _error(str(exc), EXIT_NOT_FOUND)
    if args.json:
        _dump(
            {
                "name": args.name,
                "query": opened.query,
                "sort": opened.sort,
                "new": [
                    {
                        "id": a.id,
                        "title": a.title,
                        "date": a.date.isoformat() if a.date else None,
                        "source": a.source,
                    }
                    for a in articles
                ],
            }
        )
    else:
        print(f"{_line(opened.query)} [{opened.sort}]: {len(articles)} new since last opened")
        for a in articles:
            when = a.date.isoformat() if a.date else "undated"
            print(f"  {a.id}  {when}  {_line(a.title)}")
    return EXIT_OK if articles else EXIT_NOTHING


# --- parser ------------------------------------------------------------------------


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "export",
        help="write a briefing as Markdown with citations",
        description="Export the current (or named) briefing, or a briefing built from a search.",
    )
    p.add_argument("briefing", nargs="?", metavar="BRIEFING", help="briefing id or title")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE (default: stdout)")
    p.add_argument("--query", "-q", metavar="Q", help="build the briefing from this search")
    p.add_argument("--limit", type=int, default=20, help="articles for --query (default 20)")
    p.add_argument("--sort", choices=("relevance", "date"), default="relevance")
    p.add_argument("--title", help="title for a --query briefing")
    p.add_argument("--force", action="store_true", help="overwrite FILE if it exists")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("briefing", help="collect pins and notes into briefings")
    actions = p.add_subparsers(title="actions", metavar="ACTION", dest="action", required=True)
    a = actions.add_parser("new", help="start a briefing and make it current")
    a.add_argument("title", nargs="*", help="title (default: Briefing YYYY-MM-DD)")
    a.add_argument("--json", action="store_true")
    a = actions.add_parser("list", help="list briefings (* marks the current one)")
    a.add_argument("--json", action="store_true")
    a = actions.add_parser("use", help="make a briefing current")
    a.add_argument("briefing", metavar="BRIEFING", help="briefing id or title")
    a = actions.add_parser("show", help="list a briefing's pins in order")
    a.add_argument("briefing", nargs="?", metavar="BRIEFING", help="id or title (default current)")
    a.add_argument("--json", action="store_true")
    a = actions.add_parser("note", help="set the summary note, or a pin's note with --pin")
    a.add_argument("text", nargs="+", help="note text ('-' reads it from stdin)")
    a.add_argument("--pin", type=int, metavar="PIN_ID", help="note on this pin")
    a = actions.add_parser("pin", help="pin an article, a passage or a fact")
    a.add_argument("article_id", metavar="ARTICLE_ID")
    a.add_argument("--passage", type=_parse_span, metavar="START:END", help="body offsets")
    a.add_argument(
        "--fact", type=int, metavar="N", help="fact index (`fieldbrief facts ID --json`)"
    )
    a.add_argument("--note", help="note on the pin")
    a.add_argument("--json", action="store_true")
    a = actions.add_parser("unpin", help="remove a pin")
    a.add_argument("pin", type=int, metavar="PIN_ID")
    a = actions.add_parser("move", help="move a pin to a position (1 = first)")
    a.add_argument("pin", type=int, metavar="PIN_ID")
    a.add_argument("position", type=int, metavar="POSITION")
    a.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_briefing)

    p = sub.add_parser("tag", help="show, add or remove an article's tags")
    p.add_argument("id", metavar="ID", help="article id (or unique prefix)")
    p.add_argument("tags", nargs="*", metavar="TAG", help="tags to add")
    p.add_argument("--remove", nargs="+", metavar="TAG", help="tags to remove")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_tag)

    p = sub.add_parser("saved", help="named searches; opening one shows what is new")
    actions = p.add_subparsers(title="actions", metavar="ACTION", dest="action", required=True)
    a = actions.add_parser("save", help="save (or replace) a named search")
    a.add_argument("name", metavar="NAME")
    a.add_argument("query", nargs="+", metavar="QUERY")
    a.add_argument("--sort", choices=("relevance", "date"), default="relevance")
    a.add_argument("--json", action="store_true")
    a = actions.add_parser("list", help="list saved searches")
    a.add_argument("--json", action="store_true")
    a = actions.add_parser("open", help="articles matching NAME added since it was last opened")
    a.add_argument("name", metavar="NAME")
    a.add_argument("--json", action="store_true")
    a = actions.add_parser("delete", help="delete a saved search")
    a.add_argument("name", metavar="NAME")
    p.set_defaults(func=cmd_saved)
