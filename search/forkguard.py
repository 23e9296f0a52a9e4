"""Every process this one forks dies when it dies.

Worker processes (the fact-extraction pool, Whoosh's writer processes)
inherit the index's write lock; if a ``kill -9`` of ``fieldbrief add`` or
``index --rebuild`` left them running, they would hold that lock and memory
indefinitely. Importing this module registers the fork hook; the modules that
start workers (``parallel``, ``index.mpwriter``) import it, and nothing else
needs to (a search forks nothing, and loads neither).
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys


def _remember_parent() -> None:
    global _forking_pid
    _forking_pid = os.getpid()


def _die_with_parent() -> None:
    """Make a forked worker die when the process that forked it dies.

    Worker processes (the fact-extraction pool, Whoosh's writer processes)
    inherit the index's write lock; if a ``kill -9`` of ``fieldbrief add``
    left them running, they would hold that lock and memory indefinitely.
    """
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        return
    if os.getppid() != _forking_pid:  # the parent died before prctl took effect
        os._exit(1)


_PR_SET_PDEATHSIG = 1
_forking_pid = os.getpid()
if sys.platform.startswith("linux"):
    os.register_at_fork(before=_remember_parent, after_in_child=_die_with_parent)
