"""Opening a sealed index with Whoosh, and only the files the seal lists.

The seal itself (the manifest, its key, verifying it) is :mod:`.manifest`,
which imports no Whoosh; this module is what needs Whoosh: the storage that
opens only verified files, making a new index folder, and clearing what a
failed commit left.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

from .. import whooshload  # noqa: F401  # isort: skip (before any Whoosh import)
from whoosh import index
from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import StructFile
from whoosh.index import TOC

from .manifest import (
    MANIFEST,
    OWNER,
    TOC_NAME,
    DamagedIndexError,
    ForeignIndexError,
    Identity,
    UntrustedIndexError,
    _entries,
    _identity,
    _open_regular,
    _read_manifest,
    is_index,
    manifest_stamp,
    owner_alive,
    seal,
    verify,
)
from .schema import schema

__all__ = [
    "MANIFEST",
    "OWNER",
    "DamagedIndexError",
    "ForeignIndexError",
    "Identity",
    "UntrustedIndexError",
    "VerifiedStorage",
    "create",
    "discard_unsealed",
    "is_index",
    "manifest_stamp",
    "open_unchecked",
    "open_verified",
    "owner_alive",
    "seal",
    "verify",
]


class VerifiedStorage(FileStorage):
    """Whoosh storage that opens only the files :func:`verify` checked, as checked.

    Each verified file is opened by name without following links and must
    still be the same file (device, inode, size, ctime) that was hashed, so a
    file swapped in after verification is refused instead of unpickled. Files
    this storage writes itself (a writer's new segments and table of contents)
    are its own and may be read back; anything else in the folder does not
    exist as far as Whoosh can tell.
    """

    def __init__(self, folder: Path, verified: dict[str, Identity]) -> None:
        super().__init__(str(folder), supports_mmap=False)
        self._verified = dict(verified)
        self._written: set[str] = set()
        self.stamp = manifest_stamp(folder)

    def list(self) -> list[str]:
        return sorted(self._verified.keys() | self._written)

    def file_exists(self, name: str) -> bool:
        return name in self._verified or name in self._written

    def file_length(self, name: str) -> int:
        known = self._verified.get(name)
        return known[2] if known is not None else int(super().file_length(name))

    def create_file(self, name: str, *args: Any, **kwargs: Any) -> Any:
        self._written.add(name)
        return super().create_file(name, *args, **kwargs)

    def open_file(self, name: str, **kwargs: Any) -> Any:
        kwargs.pop("mapped", None)
        if name not in self._verified and name not in self._written:
            raise DamagedIndexError(f"{name} is not part of the verified index")
        fd, info = _open_regular(Path(self._fpath(name)))
        expected = self._verified.get(name)
        if expected is not None and _identity(info) != expected:
            os.close(fd)
            raise DamagedIndexError(f"{name} was replaced or changed after it was verified")
        return StructFile(os.fdopen(fd, "rb"), name=name, **kwargs)

    def delete_file(self, name: str) -> None:
        if name not in self._verified and name not in self._written:
            return  # never touch what the seal does not know
        self._verified.pop(name, None)
        self._written.discard(name)
        super().delete_file(name)

    def rename_file(self, oldname: str, newname: str, safe: bool = False) -> None:
        super().rename_file(oldname, newname, safe)
        self._written.discard(oldname)
        self._verified.pop(oldname, None)
        self._verified.pop(newname, None)
        self._written.add(newname)


def discard_unsealed(folder: Path) -> None:
    """Delete what a failed write left in ``folder``: Whoosh files the seal does not list.

    Called with the library's write lock held, after a commit failed (a full
    disk, say): those files are in no valid index, and without this each
    failed attempt would keep its partial segments, and the space they hold,
    for good. Only regular files named like Whoosh's own are touched.
    """
    sealed = (_read_manifest(folder) or {}).get("files", {})
    segment = TOC._segment_pattern("MAIN")
    for name, info in _entries(folder).items():
        if name in sealed or not stat.S_ISREG(info.st_mode):
            continue
        if TOC_NAME.match(name) or segment.match(name) or name.startswith("_MAIN_"):
            (folder / name).unlink(missing_ok=True)


def open_verified(folder: Path, sealed: dict[str, Identity] | None = None) -> Any:
    """Open an index through :class:`VerifiedStorage`: checked now, or just ``sealed`` by us."""
    return VerifiedStorage(folder, verify(folder) if sealed is None else sealed).open_index()


def open_unchecked(folder: Path) -> Any:
    """Open an index directory just created by us (a rebuild in progress).

    Without memory-mapping: mapped index pages count as the process's own
    memory, several times the resident size of plain reads, for slightly
    slower searches (bench/README.md, design figures).
    """
    return FileStorage(str(folder), supports_mmap=False).open_index()


def create(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=False)
    (folder / OWNER).write_text(str(os.getpid()), "ascii")
    index.create_in(str(folder), schema())
