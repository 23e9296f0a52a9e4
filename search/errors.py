"""Errors the user can act on, and the one-line explanation of a storage failure."""

from __future__ import annotations

import errno
import sqlite3

from .index.manifest import ForeignIndexError
from .textsafety import printable


class LibraryError(Exception):
    """A problem the user can act on; the message says how."""


class LibraryBusyError(LibraryError):
    """Another process holds the library's write lock (only with ``wait=False``)."""


class UnsafeLayoutError(ForeignIndexError):
    """The library folder points outside itself (a link, or ``CURRENT`` naming a path).

    Never followed and never repaired silently: ``fieldbrief index --rebuild``
    builds a new index inside the library and replaces the pointer.
    """


REBUILD_FIXES = "Run `fieldbrief index --rebuild` to build a new index from the library's store."
REBUILD_FIXES_LINK = (
    "Run `fieldbrief index --rebuild` to replace the link with a real folder "
    "(the link's target is left untouched) and rebuild the index from the store."
)


_STORAGE_ERRNOS = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is used up",
    errno.EFBIG: "a file grew past the size this process may write",
    errno.EROFS: "the file system is read-only",
    errno.EACCES: "permission denied",
    errno.EPERM: "operation not permitted",
    errno.EIO: "the disk reported an input/output error",
}
_RETRY = (
    "Fix that and run the command again: articles already stored are kept, and "
    "the next run finishes indexing them."
)


def storage_problem(exc: BaseException) -> str | None:
    """One line saying what went wrong with the disk or the database and how to fix it.

    None for any other error. The CLI and the app show this instead of a
    traceback: a full disk or a damaged database is the user's to fix, not a bug.
    """
    if isinstance(exc, sqlite3.DatabaseError):
        text = str(exc).lower()
        if "full" in text:
            return f"the disk is full while writing the library database. {_RETRY}"
        if "readonly" in text or "read-only" in text:
            return (
                "the library database is read-only (a read-only folder or disk). "
                "Open a library you can write, or copy this one somewhere writable."
            )
        if "locked" in text or "busy" in text:
            return "another program holds the library database locked; try again shortly."
        return (
            f"the library database library.sqlite3 is damaged ({exc}). Move it aside and "
            "restore a backup, or salvage it with `sqlite3 library.sqlite3 .recover | "
            "sqlite3 recovered.sqlite3`; the index can then be rebuilt with "
            "`fieldbrief index --rebuild`."
        )
    if isinstance(exc, OSError) and exc.errno in _STORAGE_ERRNOS:
        where = f" ({printable(str(exc.filename))})" if exc.filename else ""
        return f"{_STORAGE_ERRNOS[exc.errno]}{where}. {_RETRY}"
    return None
