"""Handing an article to the analyst's own tools: ``$PAGER`` and ``$EDITOR``.

The app suspends (the terminal goes back to its normal mode), runs the
program in the foreground, and resumes when it exits. The pager gets the
article as cleaned text, never the raw file: what it shows is what the app
shows, with no escape sequences left to interpret. The editor gets the
source file itself, since editing that is the point.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path

from textual.app import App, SuspendNotSupported

from fieldbrief.search.model import BUNDLED_SAMPLE, Article

from .safe import plain


class ExternalError(Exception):
    """Why the program could not be run; the message is for the analyst."""


def pager_command(env: Mapping[str, str]) -> list[str]:
    return shlex.split(env.get("PAGER") or "less")


def editor_command(env: Mapping[str, str]) -> list[str]:
    return shlex.split(env.get("VISUAL") or env.get("EDITOR") or "vi")


def article_text(article: Article) -> str:
    meta = " · ".join(
        part
        for part in (
            plain(article.source) or "unknown source",
            article.date.isoformat() if article.date else "undated",
            plain(article.path),
        )
        if part
    )
    return f"{plain(article.title)}\n{meta}\n\n{plain(article.body)}\n"


def source_file(article: Article) -> tuple[Path, int | None]:
    """The file the article came from, and its line when the record was found
    by line number (``origin`` is ``path#L12``; ``path#ID`` names a record by
    its id), or ExternalError when it is gone."""
    origin = article.origin or article.path
    # The path itself may hold a "#": only what follows the path is the record.
    where = origin[len(article.path) + 1 :] if origin.startswith(article.path + "#") else ""
    line = int(where[1:]) if where[:1] == "L" and where[1:].isdigit() else None
    if article.path.startswith(BUNDLED_SAMPLE):
        raise ExternalError(
            "A bundled sample has no source file of yours to edit (v shows it in the pager)"
        )
    path = Path(article.path or origin)
    if not path.is_file():
        raise ExternalError(f"The source file is not there any more: {plain(path)}")
    return path, line


def _run(app: App[object], argv: list[str]) -> int:
    if not argv:
        raise ExternalError("No program configured")
    try:
        with app.suspend():
            return subprocess.run(argv, check=False).returncode
    except SuspendNotSupported as exc:
        raise ExternalError("This terminal cannot hand over to another program") from exc
    except FileNotFoundError as exc:
        raise ExternalError(f"{argv[0]}: not found (set $PAGER / $EDITOR)") from exc


def show_in_pager(app: App[object], article: Article, env: Mapping[str, str]) -> int:
    handle, name = tempfile.mkstemp(prefix="fieldbrief-", suffix=".txt")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(article_text(article))
        return _run(app, [*pager_command(env), name])
    finally:
        Path(name).unlink(missing_ok=True)


def edit_source(app: App[object], article: Article, env: Mapping[str, str]) -> Path:
    path, line = source_file(article)
    argv = editor_command(env)
    # vi, vim, nvim, nano, emacs and micro all take +LINE before the file.
    if line is not None and argv:
        argv.append(f"+{line}")
    _run(app, [*argv, str(path)])
    return path
