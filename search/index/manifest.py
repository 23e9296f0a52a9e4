"""The seal on an index directory: written by us after each commit, checked before any read.

Whoosh keeps its schema and stored fields as pickles, so opening an index
directory somebody else made is running their code. fieldbrief therefore only
reads index directories it sealed itself: after each commit it writes a
manifest of every file's size and BLAKE2 digest, authenticated with a secret
key kept in the user's config directory. Before reading, the manifest is
checked against the files; anything foreign, changed or unsigned is refused
with a message that says how to rebuild from the (pickle-free) SQLite store.

Nothing here imports Whoosh: the direct search (:mod:`.direct`) checks the
seal too, in a process that never loads Whoosh. Opening a sealed index with
Whoosh is :mod:`.trust`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import stat
from pathlib import Path
from typing import Any

from ..fsutil import atomic_write, is_real_dir, read_small
from ..locations import config_dir, state_dir
from .version import FORMAT_VERSION

MANIFEST = "fieldbrief-index.json"
OWNER = "fieldbrief-owner.pid"
_LOCK_SUFFIXES = ("WRITELOCK", "_LOCK", ".lock")


class UntrustedIndexError(Exception):
    """The directory is not an index this user's fieldbrief sealed, as sealed."""


class ForeignIndexError(UntrustedIndexError):
    """Not sealed by this user's fieldbrief: never opened, never rebuilt silently."""


class DamagedIndexError(UntrustedIndexError):
    """Sealed by us but changed since (a crash or damage): safe to rebuild."""


def _key() -> bytes:
    path = config_dir() / "index.key"
    try:
        return bytes.fromhex(path.read_text("ascii").strip())
    except (FileNotFoundError, ValueError):
        path.parent.mkdir(parents=True, exist_ok=True)
        key = os.urandom(32)
        tmp = path.with_suffix(f".tmp-{os.getpid()}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(key.hex())
        try:
            os.link(tmp, path)  # never replace a key another process just wrote
        except FileExistsError:
            pass
        finally:
            tmp.unlink(missing_ok=True)
        return bytes.fromhex(path.read_text("ascii").strip())


def _digest_fd(fd: int) -> str:
    h = hashlib.blake2b(digest_size=16)
    offset = 0
    while chunk := os.pread(fd, 1 << 20, offset):
        h.update(chunk)
        offset += len(chunk)
    return h.hexdigest()


def _is_index_name(name: str) -> bool:
    # Dot-files are temporaries (ours and Whoosh's) that no reader opens.
    return (
        not name.startswith(".")
        and name not in (MANIFEST, OWNER)
        and not name.endswith(_LOCK_SUFFIXES)
    )


def _entries(folder: Path) -> dict[str, os.stat_result]:
    """Every entry of ``folder`` as it is, links not followed."""
    with os.scandir(folder) as listing:
        return {entry.name: entry.stat(follow_symlinks=False) for entry in listing}


# Whoosh's own test for a table of contents (``TOC._pattern``, held to it by
# a test). Its dot is unescaped, so
# "_MAIN_99xtoc" is a TOC to Whoosh, and the check must use the same pattern.
TOC_NAME = re.compile("^_MAIN_([0-9]+).toc$")

Identity = tuple[int, int, int, int]
"""(device, inode, size, ctime in ns): which file, in which state."""


def _identity(info: os.stat_result) -> Identity:
    return (info.st_dev, info.st_ino, info.st_size, info.st_ctime_ns)


def _open_regular(path: Path) -> tuple[int, os.stat_result]:
    """Open a regular file for reading without following a link or blocking on a FIFO."""
    fd = os.open(path, os.O_RDONLY | _NOFOLLOW | _NONBLOCK | _CLOEXEC)
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        raise IsADirectoryError(f"{path.name} is not a regular file")
    return fd, info


_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


def _mac(files: dict[str, list[Any]]) -> str:
    payload = json.dumps(files, sort_keys=True).encode()
    return hmac.new(_key(), payload, hashlib.sha256).hexdigest()


MAX_MANIFEST_BYTES = 8 * 1024 * 1024
"""A manifest lists a few dozen files; anything this large was not written by us."""


def _read_manifest(folder: Path) -> dict[str, Any] | None:
    try:
        text = read_small(folder / MANIFEST, MAX_MANIFEST_BYTES)
        data = json.loads(text) if text is not None else None
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def manifest_stamp(folder: Path) -> tuple[int, int, int] | None:
    """Changes whenever the index is sealed again (a commit here or in another process)."""
    try:
        info = os.lstat(folder / MANIFEST)
    except OSError:
        return None
    return (info.st_ino, info.st_mtime_ns, info.st_size)


def seal(folder: Path) -> dict[str, Identity]:
    """Record and sign the current files; return their identities (see :func:`verify`).

    A file already in the manifest is not hashed again while it is provably
    the file hashed before (same name, size and identity in the cache);
    Whoosh never rewrites a segment file in place.
    """
    old = (_read_manifest(folder) or {}).get("files", {})
    files: dict[str, list[Any]] = {}
    sealed: dict[str, Identity] = {}
    cache = _VerifiedCache.load()
    for name, info in sorted(_entries(folder).items()):
        if not _is_index_name(name) or not stat.S_ISREG(info.st_mode):
            continue
        path = folder / name
        previous = old.get(name)
        if (
            previous
            and previous[0] == info.st_size
            and not TOC_NAME.match(name)
            and cache.known(path, info, previous[1])
        ):
            files[name] = previous
        else:
            fd, info = _open_regular(path)
            try:
                files[name] = [info.st_size, _digest_fd(fd)]
            finally:
                os.close(fd)
        cache.remember(path, info, files[name][1])
        sealed[name] = _identity(info)
    manifest = {"format": FORMAT_VERSION, "files": files, "mac": _mac(files)}
    atomic_write(folder / MANIFEST, json.dumps(manifest))
    (folder / OWNER).unlink(missing_ok=True)
    cache.save()
    return sealed


class _VerifiedCache:
    """Digests already checked, keyed by path and the file's identity.

    Hashing a large index at every start would make start-up time grow with the
    library. A file's ctime changes on any write, chmod or rename and cannot be
    set by a user, and a replaced file has another inode, so an unchanged
    (device, inode, size, ctime) means the bytes hashed earlier are still the
    bytes on disk. The cache lives in the user's private state directory, not
    beside the index.
    """

    def __init__(self, path: Path, entries: dict[str, list[Any]]) -> None:
        self.path = path
        self.entries = entries
        self.dirty = False

    @classmethod
    def load(cls) -> _VerifiedCache:
        path = state_dir() / "verified-index-files.json"
        try:
            entries = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError, UnicodeDecodeError):
            entries = {}
        return cls(path, entries if isinstance(entries, dict) else {})

    def known(self, path: Path, info: os.stat_result, digest: str) -> bool:
        return self.entries.get(str(path)) == [*_identity(info), digest]

    def remember(self, path: Path, info: os.stat_result, digest: str) -> None:
        self.entries[str(path)] = [*_identity(info), digest]
        self.dirty = True

    def save(self) -> None:
        if not self.dirty:
            return
        # Forget files that no longer exist so the cache does not grow forever.
        self.entries = {k: v for k, v in self.entries.items() if os.path.exists(k)}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(self.path, json.dumps(self.entries))


def verify(folder: Path) -> dict[str, Identity]:
    """Raise unless ``folder`` is an index this user sealed, exactly as sealed.

    Returns the identity of every file Whoosh may open, so that opening them
    later can check it holds the very file that was hashed
    (:class:`VerifiedStorage`).

    ``ForeignIndexError``: not ours (no manifest, signed with another key, or
    files owned by another user, who could change them after the check).
    ``DamagedIndexError``: ours, but files are missing, changed, not regular
    files, or there is a table of contents the seal does not know (e.g. a
    crash between Whoosh's commit and the seal); rebuilding from the store
    repairs it.
    """
    how = "Run `fieldbrief index --rebuild` to rebuild it from the library's own store."
    folder_info = os.lstat(folder)
    if not stat.S_ISDIR(folder_info.st_mode):
        raise ForeignIndexError(f"{folder} is not a folder (a link?); it is not opened. {how}")
    if folder_info.st_uid != _euid():
        raise ForeignIndexError(f"{folder} belongs to another user; it is not opened. {how}")
    manifest = _read_manifest(folder)
    if manifest is None:
        raise ForeignIndexError(f"{folder} was not created by this fieldbrief. {how}")
    files = manifest.get("files", {})
    if not isinstance(files, dict) or not hmac.compare_digest(
        str(manifest.get("mac", "")), _mac(files)
    ):
        raise ForeignIndexError(
            f"{folder} was sealed by another user or changed outside fieldbrief; "
            f"it is not opened because Whoosh indexes can carry code. {how}"
        )
    if manifest.get("format") != FORMAT_VERSION:
        raise DamagedIndexError(
            f"{folder} was built by another version of fieldbrief (index format "
            f"{manifest.get('format')}, this version uses {FORMAT_VERSION}). {how}"
        )
    # Whoosh opens the newest table of contents it finds, of whatever kind of
    # file: one the seal does not list would be read unverified.
    unsigned = [n for n in _entries(folder) if TOC_NAME.match(n) and n not in files]
    if unsigned:
        raise DamagedIndexError(f"{folder} has unsigned table-of-contents files. {how}")
    cache = _VerifiedCache.load()
    verified: dict[str, Identity] = {}
    for name, (size, digest) in files.items():
        if not _is_index_name(name) or "/" in name or name in (".", ".."):
            raise DamagedIndexError(f"{folder} lists an impossible file name. {how}")
        path = folder / name
        try:
            fd, info = _open_regular(path)
        except FileNotFoundError:
            raise DamagedIndexError(f"{folder} is incomplete: {name} is missing. {how}") from None
        except OSError:
            raise DamagedIndexError(
                f"{folder} is damaged: {name} is not a regular file. {how}"
            ) from None
        try:
            if info.st_uid != _euid():
                raise ForeignIndexError(
                    f"{folder} holds {name}, which belongs to another user. {how}"
                )
            if info.st_size != size:
                raise DamagedIndexError(f"{folder} is damaged: {name} changed size. {how}")
            if not cache.known(path, info, digest):
                if _digest_fd(fd) != digest or _identity(os.fstat(fd)) != _identity(info):
                    raise DamagedIndexError(f"{folder} is damaged or was changed: {name}. {how}")
                cache.remember(path, info, digest)
        finally:
            os.close(fd)
        verified[name] = _identity(info)
    cache.save()
    return verified


def _euid() -> int:
    return os.geteuid() if hasattr(os, "geteuid") else -1


def is_index(folder: Path) -> bool:
    return is_real_dir(folder) and (folder / MANIFEST).exists()


def owner_alive(folder: Path) -> bool:
    """True while the process building this directory is still running."""
    try:
        pid = int((folder / OWNER).read_text("ascii").strip())
    except (FileNotFoundError, ValueError):
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
