"""Where a library keeps its indexes, checked before anything is read or deleted there.

Layout inside the library folder::

    <library>/indexes/<name>/     index directories
    <library>/CURRENT             name of the index in use, replaced atomically

A library folder may have been crafted, so every path taken from it is
checked: ``indexes/`` must be a real folder (not a link somewhere else), and
``CURRENT`` must name a real folder directly inside it. Whoosh-free, so the
direct search (:mod:`fieldbrief.search.direct`) checks the same as the
library's :class:`~fieldbrief.search.current_index.CurrentIndex`.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from ..errors import REBUILD_FIXES, REBUILD_FIXES_LINK, UnsafeLayoutError
from ..fsutil import is_real_dir, read_small
from .manifest import owner_alive

INDEX_NAME = re.compile(r"ix-[0-9A-Za-z_-]{1,64}")
"""What a rebuild names index folders: one path component, no dots, no slashes."""


def indexes_dir(root: Path) -> Path:
    return root / "indexes"


def current_file(root: Path) -> Path:
    return root / "CURRENT"


def checked_indexes_dir(root: Path, *, create: bool = False) -> Path:
    """``indexes/`` as a real folder of this library, never a link elsewhere.

    Everything below it is ours to delete (abandoned rebuilds, replaced
    indexes), so a link here would let a crafted library folder point
    those deletions at any folder the user can write.
    """
    folder = indexes_dir(root)
    if folder.is_symlink():
        raise UnsafeLayoutError(
            f"{folder} is a symbolic link (to {os.readlink(folder)}); fieldbrief keeps "
            "its indexes in a real folder inside the library and will not write or "
            f"delete through a link. {REBUILD_FIXES_LINK}"
        )
    if create:
        folder.mkdir(parents=True, exist_ok=True)
    if folder.exists() and not is_real_dir(folder):
        raise UnsafeLayoutError(f"{folder} is not a folder. {REBUILD_FIXES_LINK}")
    return folder


def current_dir(root: Path) -> Path | None:
    """The index folder ``CURRENT`` names: a real folder directly inside ``indexes/``.

    ``CURRENT`` is plain text in a folder that may have been crafted, so
    what it names is checked before anything is opened or deleted there:
    a path (``../victim``, ``/home``), a link or anything but a folder is
    refused with ``UnsafeLayoutError``. A name that does not exist yet is
    returned (the index is then rebuilt into a new folder).
    """
    path = current_file(root)
    try:
        name = read_small(path, 256)
    except ValueError as exc:
        raise UnsafeLayoutError(f"{path}: {exc}. {REBUILD_FIXES}") from None
    name = (name or "").strip()
    if not name:
        return None
    indexes = checked_indexes_dir(root)
    if not INDEX_NAME.fullmatch(name):
        raise UnsafeLayoutError(
            f"{path} names {name[:80]!r}, which is not an index folder "
            f"inside {indexes}; it is neither opened nor deleted. {REBUILD_FIXES}"
        )
    folder = indexes / name
    if folder.is_symlink() or (folder.exists() and not is_real_dir(folder)):
        raise UnsafeLayoutError(
            f"{folder} is not a real folder (a link?); it is neither opened nor "
            f"deleted. {REBUILD_FIXES}"
        )
    return folder


def abandoned(root: Path, keep: Path) -> list[Path]:
    """Index folders a killed rebuild left behind (only ours, only real folders)."""
    indexes = checked_indexes_dir(root)
    if not indexes.exists():
        return []
    return [
        child
        for child in indexes.iterdir()
        if child != keep
        and INDEX_NAME.fullmatch(child.name)
        and is_real_dir(child)
        and not owner_alive(child)
    ]
