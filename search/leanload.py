"""Import :mod:`dataclasses` without :mod:`inspect`, which it needs only rarely.

Every ``fieldbrief search`` is a new process whose start is mostly imports
(see ``whooshload`` for the same treatment of Whoosh). ``dataclasses`` imports
``inspect`` at the top, and ``inspect`` brings ``ast`` (whose C module builds
136 classes), ``dis`` and ``tokenize`` with eleven named tuples: together a
tenth of a cold search's instructions. ``dataclasses`` uses it in one place
(Python 3.11-3.13): to write a docstring from the signature of a dataclass that
has none. Every dataclass on the search path has a docstring.

:func:`load` imports ``dataclasses`` with a stand-in for ``inspect`` in
``sys.modules`` for the duration, and takes it out again straight after, so
every later ``import inspect`` in the process gets the real module. The
stand-in stays only as ``dataclasses``' own name for it, and the first time
``dataclasses`` uses it, it imports the real module and hands over. Where
``inspect`` is already loaded (the app: Textual uses it; pytest), nothing
changes.

The package's ``__init__`` calls :func:`load`, so it runs before any engine
module imports ``dataclasses``.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import Any

__all__ = ["load"]


class DeferredModule(types.ModuleType):
    """Stands in for a module, importing the real one when a name is first looked up."""

    def __getattr__(self, name: str) -> Any:
        if sys.modules.get(self.__name__) is self:
            del sys.modules[self.__name__]  # looked up while still standing in
        return getattr(importlib.import_module(self.__name__), name)


def load() -> None:
    """Import ``dataclasses`` (once) with ``inspect`` deferred, unless either is loaded."""
    if "dataclasses" in sys.modules or "inspect" in sys.modules:
        return
    stand_in = DeferredModule("inspect")
    sys.modules["inspect"] = stand_in
    try:
        import dataclasses  # noqa: F401
    finally:
        if sys.modules.get("inspect") is stand_in:
            del sys.modules["inspect"]
