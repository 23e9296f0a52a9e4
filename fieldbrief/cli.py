"""The ``fieldbrief`` command: a thin layer over ``fieldbrief.search``.

Exit codes are listed in ``fieldbrief.cli_common`` and the README; errors the
engine raises are turned into them in one place, :func:`main`.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import os
import sys
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

from fieldbrief.search.wording import plural

from . import __version__
from .cli_common import (
    EXIT_LIBRARY,
    EXIT_NOT_FOUND,
    EXIT_NOTHING,
    EXIT_OK,
    EXIT_USAGE,
    dump,
    error,
    open_library,
    positive_int,
    safe,
)

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress, TaskID

__all__ = ["EXIT_LIBRARY", "EXIT_NOTHING", "EXIT_NOT_FOUND", "EXIT_OK", "EXIT_USAGE", "main"]


class _ProgressBar:
    """A progress bar on stderr (``rich.progress``), only when stderr is a terminal.

    Called from the thread doing the work; labels name files, so they are
    cleaned and shown as plain text, never read as Rich markup.
    """

    def __init__(self, console: Console | None = None) -> None:
        self.console = console
        self.enabled = console is not None or sys.stderr.isatty()
        self._bar: Progress | None = None
        self._task: TaskID | None = None

    def __call__(self, done: int, total: int, what: str) -> None:
        if not self.enabled or total < 20:
            return
        if self._bar is None:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

            self._bar = Progress(
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.description}", markup=False),
                console=self.console or Console(stderr=True),
                transient=True,
            )
            self._bar.start()
            self._task = self._bar.add_task("", total=total)
        assert self._task is not None
        label = what if len(what) < 40 else "…" + what[-39:]
        self._bar.update(self._task, completed=done, total=total, description=safe(label))

    def finish(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None


# --- commands -----------------------------------------------------------------


def cmd_tui(args: argparse.Namespace) -> int:
    from fieldbrief.search.locations import library_at

    if args.library is not None and not library_at(args.library).store.is_file():
        # Imported only here: the engine (Whoosh) loads in the app's worker, so
        # the first frame does not wait for it.
        from fieldbrief.search.errors import LibraryError

        # The same refusal as the other read commands, before the app starts.
        raise LibraryError(
            f"no fieldbrief library at {library_at(args.library).root}: check the path,"
            f" or create one there with `fieldbrief --library {args.library} add FILE…`"
        )
    from fieldbrief.tui.app import create_app

    create_app(
        library_path=args.library,
        ascii_only=True if args.ascii else None,
        mouse=True if args.mouse else None,
    ).run()
    return EXIT_OK


def cmd_add(args: argparse.Namespace) -> int:
    progress = _ProgressBar()
    with open_library(args, create=True) as library:
        report = library.add_paths(args.paths, progress=progress)
    progress.finish()
    if args.json:
        dump(report.to_json())
    else:
        for problem in report.skipped:
            print(f"skipped {safe(str(problem))}", file=sys.stderr)
        for note in report.notes:
            print(f"note: {safe(note)}", file=sys.stderr)
        print(f"{report.summary()} ({report.files} files, {report.seconds:.1f} s)")
    return EXIT_NOTHING if report.skipped else EXIT_OK


def cmd_index(args: argparse.Namespace) -> int:
    # Timed from before the open: an index of another format is rebuilt while
    # opening, and the report said "in 0.0 s" for that whole rebuild.
    started = time.perf_counter()
    with open_library(args, seed=False, repair=args.rebuild) as library:
        if args.rebuild:
            progress = _ProgressBar()
            if not library.rebuilt_on_open:
                library.rebuild(progress=progress, procs=args.procs)
            progress.finish()
            count = library.doc_count()
            print(
                f"rebuilt index: {plural(count, 'article')} in {time.perf_counter() - started:.1f} s"
            )
        else:
            synced = library.sync_index()
            stats = library.stats()
            if args.json:
                dump(stats)
            else:
                print(
                    f"{plural(stats['articles'], 'article')}; index up to date ({synced} written now)"
                )
    return EXIT_OK


def cmd_search(args: argparse.Namespace) -> int:
    from fieldbrief.search.direct import search as search_directly

    text = " ".join(args.query)
    # Words, phrases and operators in a library that needs no repair are
    # answered from the index files without loading Whoosh; the same page
    # (search.direct).
    results = search_directly(args.library, text, limit=args.limit, sort=args.sort, page=args.page)
    if results is None:
        with open_library(args) as library:
            results = library.search(text, limit=args.limit, sort=args.sort, page=args.page)
    if args.json:
        dump(results.to_json())
        return EXIT_OK if results.hits else EXIT_NOTHING
    color = sys.stdout.isatty() and "NO_COLOR" not in os.environ
    bold, dim, reset = ("\x1b[1m", "\x1b[2m", "\x1b[0m") if color else ("", "", "")
    if results.fallback:
        print(f"note: {results.fallback}", file=sys.stderr)
    if results.suggestion:
        print(f"did you mean: {safe(results.suggestion)}", file=sys.stderr)
    if results.total and not results.hits:
        pages = -(-results.total // args.limit)
        print(
            f"note: page {args.page} is past the last ({pages} at {args.limit} a page)",
            file=sys.stderr,
        )
    shown = len(results.hits)
    print(
        f"{plural(results.total, 'hit')}" + (f" (showing {shown})" if shown < results.total else "")
    )
    for hit in results.hits:
        meta = " · ".join(
            x for x in (hit.date.isoformat() if hit.date else "undated", hit.source) if x
        )
        print(
            f"\n{hit.rank:>3}. {bold}{safe(hit.title)}{reset}  {dim}[{hit.id}] {safe(meta)}{reset}"
        )
        print("     " + _highlight(safe(hit.snippet), hit.highlights, bold, reset))
    return EXIT_OK if results.hits else EXIT_NOTHING


def _highlight(snippet: str, spans: list[tuple[int, int]], on: str, off: str) -> str:
    if not on:
        return snippet
    out, last = [], 0
    for start, end in spans:
        out += [snippet[last:start], on, snippet[start:end], off]
        last = end
    out.append(snippet[last:])
    return "".join(out)


def cmd_show(args: argparse.Namespace) -> int:
    with open_library(args) as library:
        article, facts = library.lookup(args.id)
    if args.json:
        data = article.to_json()
        data["facts"] = [f.to_json() for f in facts]
        dump(data)
        return EXIT_OK
    print(safe(article.title))
    meta = [
        article.date.isoformat() if article.date else "undated",
        article.source or "source unknown",
    ]
    print(f"{' · '.join(safe(m) for m in meta)} · {article.word_count} words · {article.id}")
    print(safe(article.path))
    print()
    print(safe(article.body))
    return EXIT_OK


# --- parser -------------------------------------------------------------------


COMMANDS: dict[str, tuple[str, str]] = {
    "add": ("fieldbrief.cli", "add article files or folders to the library"),
    "index": ("fieldbrief.cli", "check or rebuild the search index"),
    "search": ("fieldbrief.cli", "search the library"),
    "show": ("fieldbrief.cli", "print one article"),
    "facts": ("fieldbrief.cli", "facts for the library or for given articles"),
    "export": ("fieldbrief.cli_briefing", "write a briefing as Markdown with citations"),
    "briefing": ("fieldbrief.cli_briefing", "collect pins and notes into briefings"),
    "tag": ("fieldbrief.cli_briefing", "show, add or remove an article's tags"),
    "saved": ("fieldbrief.cli_briefing", "named searches; opening one shows what is new"),
    "timeline": (
        "fieldbrief.cli_events",
        "dated events across the library, each citing every source",
    ),
    "entity": ("fieldbrief.cli_events", "profile of a person, organization or place"),
}
"""Every command: the module that declares its arguments, and its one-line help.

The parser lists every command from this table but has only the one being
run declare its arguments (each module's ``declare``): importing every
command's module and declaring every option was a tenth of a cold
``fieldbrief search``.
"""

_GLOBAL_WITH_VALUE = ("--library",)


def chosen_command(argv: Sequence[str]) -> str | None:
    """The command ``argv`` runs (its first word that is not an option), if it names one."""
    words = iter(argv)
    for word in words:
        if word in _GLOBAL_WITH_VALUE:
            next(words, None)
        elif not word.startswith("-"):
            return word if word in COMMANDS else None
    return None


def build_parser(command: str | None = None, *, every: bool = False) -> argparse.ArgumentParser:
    """The command line's parser, with ``command``'s arguments (or, with ``every``, all)."""
    parser = argparse.ArgumentParser(
        prog="fieldbrief",
        description="Offline terminal briefing browser. With no command, opens the app.",
    )
    parser.add_argument("--version", action="version", version=f"fieldbrief {__version__}")
    parser.add_argument(
        "--library",
        metavar="DIR",
        help="library folder to use (default: your data dir, or $FIELDBRIEF_HOME)",
    )
    parser.add_argument(
        "--ascii",
        action="store_true",
        help="draw with ASCII only (automatic for TERM=linux/vt100; FIELDBRIEF_ASCII=1)",
    )
    parser.add_argument(
        "--mouse",
        action="store_true",
        help="let the app take clicks and the wheel (off by default, so the terminal"
        " selects text; FIELDBRIEF_MOUSE=1)",
    )
    parser.set_defaults(func=cmd_tui)
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")
    for name, (module, summary) in COMMANDS.items():
        if command is not None and name != command and not every:
            # Running one command never needs the others' parsers: each is a
            # whole ArgumentParser, and building all eleven was 4% of a cold
            # search. Without a command (`fieldbrief --help`, a typo) all are
            # listed.
            continue
        p = sub.add_parser(name, help=summary)
        if every or name == command:
            importlib.import_module(module).declare(name, p)
    return parser


def declare(name: str, p: argparse.ArgumentParser) -> None:
    """The arguments of this module's commands (see ``COMMANDS``)."""
    if name == "add":
        p.add_argument(
            "paths", nargs="+", metavar="PATH", help="files or folders (searched recursively)"
        )
        p.add_argument("--json", action="store_true", help="print the report as JSON")
        p.set_defaults(func=cmd_add)
    elif name == "index":
        p.add_argument(
            "--rebuild", action="store_true", help="rebuild the index from the library store"
        )
        p.add_argument(
            "--procs",
            type=positive_int,
            default=None,
            help="indexing processes for --rebuild (default: 2 on 2+ cores)",
        )
        p.add_argument("--json", action="store_true", help="print library statistics as JSON")
        p.set_defaults(func=cmd_index)
    elif name == "search":
        from fieldbrief.search.syntax import QUERY_SYNTAX

        p.formatter_class = argparse.RawDescriptionHelpFormatter
        p.epilog = "query syntax:\n" + "\n".join(
            f"  {example:<40} {meaning}" for example, meaning in QUERY_SYNTAX
        )
        p.add_argument("query", nargs="+", help="query (Whoosh syntax, field filters, date ranges)")
        p.add_argument("--limit", type=positive_int, default=20, help="hits per page (default 20)")
        p.add_argument("--page", type=positive_int, default=1, help="page of results (default 1)")
        p.add_argument("--sort", choices=("relevance", "date"), default="relevance")
        p.add_argument("--json", action="store_true", help="print hits as JSON")
        p.set_defaults(func=cmd_search)
    elif name == "show":
        p.add_argument("id", help="article id (a unique prefix of at least 4 characters is enough)")
        p.add_argument(
            "--json", action="store_true", help="print the article and its facts as JSON"
        )
        p.set_defaults(func=cmd_show)
    elif name == "facts":
        from fieldbrief.cli_facts import cmd_facts

        p.add_argument(
            "ids", nargs="*", metavar="ID", help="article ids (default: the whole library)"
        )
        p.add_argument("--json", action="store_true", help="print JSON")
        p.add_argument(
            "--jsonl",
            action="store_true",
            help='batch mode: read {"id", "text"} JSON lines on stdin, write facts per line',
        )
        p.set_defaults(func=cmd_facts)


_ONE_SHOT = ("search", "show")
"""Read-only commands that print an answer and end the process straight after."""


def main(argv: Sequence[str] | None = None) -> int:
    words = sys.argv[1:] if argv is None else argv
    command = chosen_command(words)
    one_shot = argv is None and command in _ONE_SHOT
    if one_shot:
        # Such a command is mostly imports: thousands of new modules, classes
        # and functions that live until the end, which the cyclic collector
        # walked again and again (4% of a cold search's instructions). It
        # makes little cyclic garbage and ends at once (`_leave`). Only for the
        # real process: tests calling main([...]) keep their collector.
        gc.disable()
    args = build_parser(command).parse_args(words)
    code = _run(args)
    if one_shot:
        _leave(code)
    return code


def _leave(code: int) -> None:
    """End the process now that a read-only command has printed its answer.

    Tearing down the interpreter (every module Whoosh and the engine loaded)
    took 38 ms of a 160 ms cold `fieldbrief search`; these commands hold
    nothing that needs it: the library is closed, nothing was written, and
    what they printed is flushed here. Only for the real process (``argv``
    None): tests calling ``main([...])`` get the code back.
    """
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:
        pass  # `fieldbrief search … | head`: the reader left, as above
    os._exit(code)


def _run(args: argparse.Namespace) -> int:
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        print("fieldbrief: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # `fieldbrief search … | head` closes the pipe early; that is not an error.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except Exception as exc:
        return _failed(exc)


def _failed(exc: Exception) -> int:
    """The exit code for an error the user can act on; anything else is re-raised.

    The engine's error classes are imported only here, once something went
    wrong: importing them up front would load the briefing and export modules
    into every `search` (a cold start is mostly imports).
    """
    from fieldbrief.search.briefing import BriefingError
    from fieldbrief.search.errors import LibraryError, storage_problem
    from fieldbrief.search.export import NothingToExport
    from fieldbrief.search.index.trust import UntrustedIndexError
    from fieldbrief.search.store import ArticleNotFound, StoreError

    if isinstance(exc, ArticleNotFound):
        return error(str(exc), EXIT_NOT_FOUND)
    if isinstance(exc, BriefingError):
        return error(str(exc), EXIT_USAGE)
    if isinstance(exc, NothingToExport):
        return error(str(exc), EXIT_NOTHING)
    if isinstance(exc, UntrustedIndexError | LibraryError | StoreError):
        return error(str(exc), EXIT_LIBRARY)
    problem = storage_problem(exc)
    if problem is None:
        raise exc
    print(f"fieldbrief: {problem}", file=sys.stderr)
    return EXIT_LIBRARY


if __name__ == "__main__":
    raise SystemExit(main())
