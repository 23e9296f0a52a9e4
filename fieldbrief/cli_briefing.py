"""Briefing commands: ``export``, ``briefing …``, ``tag``, ``saved …``.

Exit codes are those of ``fieldbrief.cli_common``; engine errors (no such
briefing, pin or article) are turned into them by ``fieldbrief.cli.main``.

Pins are named by their position in the briefing as ``briefing show`` numbers
them, or as ``id:N``; the briefing is the one named with ``--briefing``, or the
current one, and a pin of any other briefing is refused. Every command that
changes something prints what it changed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from fieldbrief.search.wording import plural

from .cli_common import (
    EXIT_NOTHING,
    EXIT_OK,
    EXIT_USAGE,
    dump,
    error,
    line,
    open_library,
    positive_int,
)

if TYPE_CHECKING:
    from fieldbrief.search.briefing import Briefing, Briefings, Pin


# --- export ---------------------------------------------------------------------


def cmd_export(args: argparse.Namespace) -> int:
    from fieldbrief.search.briefing import Briefings
    from fieldbrief.search.export import (
        build_briefing_markdown,
        build_query_briefing,
        save_markdown,
    )

    if args.query and args.briefing:
        return error("give a briefing or --query, not both", EXIT_USAGE)
    target = Path(args.output).expanduser() if args.output else None
    if target is not None and target.exists() and not args.force:
        return error(f"{target} exists; use --force to overwrite it", EXIT_NOTHING)
    with open_library(args) as library:
        if args.query:
            text = build_query_briefing(
                library, args.query, limit=args.limit, sort=args.sort, title=args.title
            )
        else:
            briefings = Briefings(library)
            briefing = briefings.find(args.briefing) if args.briefing else None
            text = build_briefing_markdown(library, briefing)
    if target is None:
        sys.stdout.write(text)
        return EXIT_OK
    try:
        save_markdown(target, text, force=args.force)
    except FileExistsError:
        return error(f"{target} exists; use --force to overwrite it", EXIT_NOTHING)
    except OSError as exc:
        return error(f"cannot write {target}: {exc.strerror or exc}", EXIT_NOTHING)
    print(f"wrote {target}", file=sys.stderr)
    return EXIT_OK


# --- briefing --------------------------------------------------------------------


def _name(briefing: Briefing) -> str:
    return f"briefing {briefing.id} “{line(briefing.title)}”"


def _print_pins(briefing: Briefing, pins: list[Pin]) -> None:
    print(f"{briefing.id}: {line(briefing.title)}")
    if briefing.summary:
        print(f"  summary: {line(briefing.summary)}")
    if not pins:
        print("  (no pins yet: `fieldbrief briefing pin ARTICLE_ID`)")
    for number, pin in enumerate(pins, 1):
        span = f" {pin.start}:{pin.end}" if pin.start is not None else ""
        stale = " · not in the current version" if pin.stale else ""
        print(
            f"{number:>3}. {pin.kind}{span} · {pin.article_id} · {line(pin.title)}"
            f"  [id:{pin.id}]{stale}"
        )
        if pin.kind != "article":
            quote = line(pin.quote)
            print(f"       “{quote[:157] + '…' if len(quote) > 160 else quote}”")
        if pin.note:
            print(f"       note: {line(pin.note)}")


def cmd_briefing(args: argparse.Namespace) -> int:
    from fieldbrief.search.briefing import Briefings

    with open_library(args) as library:
        return int(_BRIEFING_ACTIONS[args.action](Briefings(library), args))


def _target(briefings: Briefings, ref: str | None) -> Briefing:
    """The briefing named (id or title), or the current one."""
    if ref:
        return briefings.find(ref)
    current = briefings.current(create=True)
    assert current is not None
    return current


def _b_new(briefings: Briefings, args: argparse.Namespace) -> int:
    briefing = briefings.create(" ".join(args.title) if args.title else None)
    if args.json:
        dump(briefing.to_json())
    else:
        print(f"created {_name(briefing)} (now current)")
    return EXIT_OK


def _b_list(briefings: Briefings, args: argparse.Namespace) -> int:
    items = briefings.list()
    current = briefings.current_id()
    if args.json:
        dump([dict(b.to_json(), current=b.id == current) for b in items])
        return EXIT_OK
    if not items:
        print("no briefings yet: `fieldbrief briefing new TITLE`")
    for b in items:
        mark = "*" if b.id == current else " "
        print(
            f"{mark} {b.id:>3}  {line(b.title)}  ({plural(b.pin_count, 'pin')}, updated {b.updated_at})"
        )
    return EXIT_OK


def _b_use(briefings: Briefings, args: argparse.Namespace) -> int:
    briefing = briefings.set_current(briefings.find(args.briefing).id)
    print(f"current briefing: {briefing.id}: {line(briefing.title)}")
    return EXIT_OK


def _b_show(briefings: Briefings, args: argparse.Namespace) -> int:
    briefing = _target(briefings, args.briefing)
    pins = briefings.pins(briefing.id)
    if args.json:
        dump(dict(briefing.to_json(), pin_list=[p.to_json() for p in pins]))
    else:
        _print_pins(briefing, pins)
    return EXIT_OK


def _b_note(briefings: Briefings, args: argparse.Namespace) -> int:
    text = " ".join(args.text)
    if text == "-":
        text = sys.stdin.read()
    briefing = _target(briefings, args.briefing)
    if args.pin is None:
        before = briefing.summary
        briefings.set_summary(text, briefing.id)
        print(f"summary of {_name(briefing)} set" + _replaced(before))
        return EXIT_OK
    pin = briefings.resolve_pin(args.pin, briefing.id)
    briefings.set_note(pin.id, text, briefing_id=briefing.id)
    number = _position(briefings, pin)
    print(
        f"note on pin {number} of {_name(briefing)} ({line(pin.describe())}) set{_replaced(pin.note)}"
    )
    return EXIT_OK


def _replaced(before: str) -> str:
    old = line(before)
    if not old:
        return ""
    return f"; it replaced “{old[:77] + '…' if len(old) > 80 else old}”"


def _position(briefings: Briefings, pin: Pin) -> int:
    return [p.id for p in briefings.pins(pin.briefing_id)].index(pin.id) + 1


def _parse_span(text: str) -> tuple[int, int]:
    try:
        start, end = (int(part) for part in text.split(":", 1))
    except ValueError as exc:
        raise argparse.ArgumentTypeError("expected START:END, e.g. 120:340") from exc
    return start, end


def _b_pin(briefings: Briefings, args: argparse.Namespace) -> int:
    if args.passage is not None and args.fact is not None:
        return error("give --passage or --fact, not both", EXIT_USAGE)
    briefing = _target(briefings, args.briefing)
    if args.passage is not None:
        start, end = args.passage
        pin = briefings.pin_passage(args.article_id, start, end, args.note, briefing_id=briefing.id)
    elif args.fact is not None:
        article, facts = briefings.library.lookup(args.article_id)
        if not 0 <= args.fact < len(facts):
            which = f"facts 0…{len(facts) - 1}" if facts else "no facts"
            return error(
                f"the article has {which}; list them with `fieldbrief facts {article.id} --json`",
                EXIT_USAGE,
            )
        pin = briefings.pin_fact(article.id, facts[args.fact], args.note, briefing_id=briefing.id)
    else:
        pin = briefings.pin_article(args.article_id, args.note, briefing_id=briefing.id)
    if args.json:
        dump(pin.to_json())
    else:
        number = _position(briefings, pin)
        print(f"pinned {line(pin.describe())} as pin {number} of {_name(briefing)}")
    return EXIT_OK


def _b_unpin(briefings: Briefings, args: argparse.Namespace) -> int:
    briefing = _target(briefings, args.briefing)
    pin = briefings.resolve_pin(args.pin, briefing.id)
    number = _position(briefings, pin)
    briefings.remove(pin.id, briefing_id=briefing.id)
    note = f"; its note “{line(pin.note)}” went with it" if pin.note else ""
    print(f"removed pin {number} of {_name(briefing)}: {line(pin.describe())}{note}")
    return EXIT_OK


def _b_move(briefings: Briefings, args: argparse.Namespace) -> int:
    briefing = _target(briefings, args.briefing)
    pin = briefings.resolve_pin(args.pin, briefing.id)
    before = _position(briefings, pin)
    # Positions are 1-based on the command line, as `briefing show` numbers them.
    pins = briefings.move(pin.id, args.position - 1, briefing_id=briefing.id)
    if args.json:
        dump([p.to_json() for p in pins])
        return EXIT_OK
    after = [p.id for p in pins].index(pin.id) + 1
    print(f"moved pin {before} of {_name(briefing)} to position {after}")
    _print_pins(briefings.get(briefing.id), pins)
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

    with open_library(args) as library:
        article_id = library.lookup(args.id)[0].id
        before = library.tags_for(article_id)
        if args.remove:
            tags = remove_tags(library, article_id, args.remove)
        elif args.tags:
            tags = add_tags(library, article_id, args.tags)
        else:
            tags = before
    if args.json:
        dump({"id": article_id, "tags": tags})
        return EXIT_OK
    removed = [t for t in before if t not in tags]
    added = [t for t in tags if t not in before]
    changes = [f"+{line(t)}" for t in added] + [f"-{line(t)}" for t in removed]
    change = f" ({' '.join(changes)})" if changes else ""
    print(f"{article_id}: {', '.join(line(t) for t in tags) or '(no tags)'}{change}")
    return EXIT_OK


# --- saved searches ----------------------------------------------------------------


def _when(stamp: str) -> str:
    """SQLite's ``2026-01-01T10:00:00.000Z`` as ``2026-01-01 10:00 UTC``."""
    return f"{stamp[:10]} {stamp[11:16]} UTC" if len(stamp) >= 16 else stamp


def cmd_saved(args: argparse.Namespace) -> int:
    from fieldbrief.search.briefing import SavedSearches

    with open_library(args) as library:
        saved = SavedSearches(library)
        if args.action == "save":
            item = saved.save(args.name, " ".join(args.query), args.sort)
            if args.json:
                dump(item.to_json())
            else:
                print(
                    f"saved search {line(item.name)!r}: {line(item.query)}; articles added"
                    " from now on are new when you open it"
                )
            return EXIT_OK
        if args.action == "list":
            items = saved.list()
            if args.json:
                dump([s.to_json() for s in items])
                return EXIT_OK
            if not items:
                print("no saved searches: `fieldbrief saved save NAME QUERY`")
            for s in items:
                opened = f"opened {_when(s.opened_at)}" if s.opened_at else "never opened"
                print(f"{line(s.name)}: {line(s.query)} [{s.sort}] ({opened})")
            return EXIT_OK
        if args.action == "delete":
            gone = saved.delete(args.name)
            print(f"deleted saved search {line(gone.name)!r} (query: {line(gone.query)})")
            return EXIT_OK
        opened = saved.open(args.name)
        articles = [found[0] for i in opened.new_ids if (found := library.get(i)) is not None]
    if args.json:
        dump(
            {
                "name": args.name,
                "query": opened.query,
                "sort": opened.sort,
                "since": opened.since,
                "first_open": opened.first_open,
                "total": opened.total,
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
        since = "you saved it" if opened.first_open else "you last opened it"
        print(
            f"{line(opened.query)} [{opened.sort}]: {len(articles)} new since {since}"
            f" ({_when(opened.since)}); {opened.total} match in all"
        )
        for a in articles:
            when = a.date.isoformat() if a.date else "undated"
            print(f"  {a.id}  {when}  {line(a.title)}")
    return EXIT_OK if articles else EXIT_NOTHING


# --- parser ------------------------------------------------------------------------


_PIN_HELP = "the pin's number in `briefing show` (1 = first), or id:N"


def _briefing_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--briefing",
        "-b",
        metavar="BRIEFING",
        help="briefing id or title (default: the current one)",
    )


def declare(name: str, p: argparse.ArgumentParser) -> None:
    """The arguments of this module's commands (see ``fieldbrief.cli.COMMANDS``)."""
    declarers = {
        "export": _declare_export,
        "briefing": _declare_briefing,
        "tag": _declare_tag,
        "saved": _declare_saved,
    }
    declarers[name](p)


def _declare_export(p: argparse.ArgumentParser) -> None:
    p.description = "Export the current (or named) briefing, or a briefing built from a search."
    p.add_argument("briefing", nargs="?", metavar="BRIEFING", help="briefing id or title")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE (default: stdout)")
    p.add_argument("--query", "-q", metavar="Q", help="build the briefing from this search")
    p.add_argument(
        "--limit", type=positive_int, default=20, help="articles for --query (default 20)"
    )
    p.add_argument("--sort", choices=("relevance", "date"), default="relevance")
    p.add_argument("--title", help="title for a --query briefing")
    p.add_argument("--force", action="store_true", help="overwrite FILE if it exists")
    p.set_defaults(func=cmd_export)


def _declare_briefing(p: argparse.ArgumentParser) -> None:
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
    a.add_argument("--pin", metavar="PIN", help=_PIN_HELP)
    _briefing_option(a)
    a = actions.add_parser("pin", help="pin an article, a passage or a fact")
    a.add_argument("article_id", metavar="ARTICLE_ID")
    _briefing_option(a)
    a.add_argument("--passage", type=_parse_span, metavar="START:END", help="body offsets")
    a.add_argument(
        "--fact", type=int, metavar="N", help="fact index (`fieldbrief facts ID --json`)"
    )
    a.add_argument("--note", help="note on the pin")
    a.add_argument("--json", action="store_true")
    a = actions.add_parser("unpin", help="remove a pin (and its note)")
    a.add_argument("pin", metavar="PIN", help=_PIN_HELP)
    _briefing_option(a)
    a = actions.add_parser("move", help="move a pin to a position (1 = first)")
    a.add_argument("pin", metavar="PIN", help=_PIN_HELP)
    a.add_argument("position", type=positive_int, metavar="POSITION")
    _briefing_option(a)
    a.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_briefing)


def _declare_tag(p: argparse.ArgumentParser) -> None:
    p.add_argument("id", metavar="ID", help="article id (or unique prefix)")
    p.add_argument("tags", nargs="*", metavar="TAG", help="tags to add")
    p.add_argument("--remove", nargs="+", metavar="TAG", help="tags to remove")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_tag)


def _declare_saved(p: argparse.ArgumentParser) -> None:
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
