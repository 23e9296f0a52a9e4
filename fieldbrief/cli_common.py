"""What every ``fieldbrief`` command shares: exit codes, safe output, opening a library.

Exit codes (the README's table, relied on by scripts and checked by the tests):

0. success
1. nothing found or nothing done: a search with no hits, ``add`` with files
   skipped, an export whose file exists (no ``--force``) or whose search
   matches nothing, a saved search with nothing new
2. usage error: bad arguments, and names that name nothing (a briefing, a pin
   position, a saved search), a passage outside its article
3. library problem: no library at ``--library``, a damaged or newer-format
   database, an index that must be rebuilt, another process writing
4. no such article: the id (or prefix) names no article, or not just one
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from fieldbrief.search.library import Library

EXIT_OK, EXIT_NOTHING, EXIT_USAGE, EXIT_LIBRARY, EXIT_NOT_FOUND = 0, 1, 2, 3, 4


def safe(text: object) -> str:
    """Text fit for a terminal: no escape sequences or control characters."""
    from fieldbrief.search.textsafety import strip_unsafe

    return strip_unsafe(str(text or ""))


def line(text: object) -> str:
    """``safe`` text on one line."""
    return " ".join(safe(text).split())


def dump(data: Any, out: TextIO | None = None) -> None:
    out = out or sys.stdout
    # One write, not json.dump's one per token: unbuffered (PYTHONUNBUFFERED),
    # a page of hits was 1,300 system calls.
    out.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def error(message: str, code: int) -> int:
    """Print ``message`` as one cleaned line on stderr; return ``code``.

    Messages quote titles and names, which may come from article text.
    """
    print(f"fieldbrief: {line(message)}", file=sys.stderr)
    return code


def positive_int(text: str) -> int:
    """An argparse type: a whole number of at least 1 (argparse then exits 2)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, got {value}")
    return value


def open_library(
    args: argparse.Namespace,
    *,
    create: bool = False,
    seed: bool | None = None,
    repair: bool = False,
) -> Library:
    """The library the command names; only ``create`` commands may make a new one.

    The default library (no ``--library``) is always made on first use, with
    the bundled samples (``seed=None`` leaves that to ``Library.open``); a
    folder named with ``--library`` must already hold a library unless the
    command adds to it, and is never seeded.
    """
    from fieldbrief.search.library import Library

    library = Library.open(
        args.library,
        create=create or args.library is None,
        seed=seed,
        rebuild_untrusted=repair,
        on_wait=lambda message: print(f"fieldbrief: {message}", file=sys.stderr, flush=True),
    )
    for message in library.recovered:
        print(f"fieldbrief: {message}", file=sys.stderr)
    return library
