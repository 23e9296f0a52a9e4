"""The library's single writer, across processes and threads."""

from __future__ import annotations

import fcntl
import os
import threading
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import datetime
from pathlib import Path

from .errors import LibraryBusyError, LibraryError, UnsafeLayoutError
from .fsutil import read_small
from .textsafety import strip_unsafe

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


class WriteLock:
    """The library's one writer: an ``flock`` across processes, an RLock across threads.

    The kernel drops an ``flock`` when its holder dies, so a killed ``add``
    never leaves the library locked, and holding the lock proves that any
    articles stored but not yet indexed belong to a writer that is gone.
    The lock file names the holder so a waiting process can say who it waits
    for. Worker processes forked while the lock is held close their copy of
    the descriptor, so the lock ends with the process that took it.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._thread_lock = threading.RLock()
        self._fd: int | None = None
        self._depth = 0
        _LOCKS.add(self)

    def _forget_in_child(self) -> None:
        if self._fd is not None:
            with suppress(OSError):
                os.close(self._fd)
            self._fd = None
            self._depth = 0

    def holder(self) -> str:
        try:
            text = read_small(self.path, 512) or ""
        except (OSError, ValueError):
            return "another fieldbrief process"
        return " ".join(strip_unsafe(text).split()) or "another fieldbrief process"

    @contextmanager
    def hold(
        self, what: str, *, wait: bool = True, on_wait: Callable[[str], None] | None = None
    ) -> Iterator[None]:
        if not self._thread_lock.acquire(blocking=wait):
            raise LibraryBusyError(f"this library is busy ({what} in another thread)")
        try:
            if self._depth == 0:
                self._acquire(what, wait, on_wait)
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
                if self._depth == 0 and self._fd is not None:
                    os.close(self._fd)  # releases the flock
                    self._fd = None
        finally:
            self._thread_lock.release()

    def _acquire(self, what: str, wait: bool, on_wait: Callable[[str], None] | None) -> None:
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | _NOFOLLOW | _CLOEXEC, 0o644)
        except OSError as exc:
            if self.path.is_symlink():
                raise UnsafeLayoutError(
                    f"{self.path} is a symbolic link; remove it (fieldbrief makes its own)."
                ) from None
            raise LibraryError(f"cannot lock the library ({exc.strerror or exc})") from exc
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = self.holder()
                if not wait:
                    raise LibraryBusyError(f"{holder} is writing this library") from None
                if on_wait is not None:
                    on_wait(f"waiting for {holder} to finish writing this library…")
                fcntl.flock(fd, fcntl.LOCK_EX)
            stamp = datetime.now().isoformat(timespec="seconds")
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"pid {os.getpid()} ({what}, since {stamp})\n".encode(), 0)
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd


_LOCKS: weakref.WeakSet[WriteLock] = weakref.WeakSet()


def _forget_locks_in_child() -> None:
    for lock in list(_LOCKS):
        lock._forget_in_child()


os.register_at_fork(after_in_child=_forget_locks_in_child)
