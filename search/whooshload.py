"""Import Whoosh without two of its imports that fieldbrief never uses.

Every ``fieldbrief search`` is a new process, and its start is mostly imports.
Two of Whoosh's cost a cold search a fifth of its imports and serve nothing
here:

- ``whoosh.compat`` imports ``urlretrieve`` from ``urllib.request``, which
  loads ``http.client``, ``email``, ``ssl`` and ``socket``. fieldbrief never
  downloads anything (no network at run time).
- ``whoosh.reading`` takes its one ``@cached_property`` from the
  ``cached_property`` package, which imports ``asyncio`` (and with it
  ``concurrent.futures``, ``subprocess`` and ``logging``) to support
  coroutine properties. Whoosh's property is a plain value computed once;
  :class:`functools.cached_property` does exactly that.

:func:`load` imports those two Whoosh modules with stand-ins for the two
imports in ``sys.modules`` for the duration, then takes the stand-ins out
again, so any later ``import urllib.request`` or ``import cached_property``
anywhere in the process gets the real module. Only the two Whoosh modules
ever see a stand-in; ``whoosh.compat.urlretrieve`` still works (it imports
the real function when called).

Every module of this package that imports Whoosh imports this one first.
"""

from __future__ import annotations

import functools
import sys
import types
from typing import Any

__all__ = ["load"]


def _urlretrieve(*args: Any, **kwargs: Any) -> Any:
    from urllib.request import urlretrieve

    return urlretrieve(*args, **kwargs)


def load() -> None:
    """Import ``whoosh.compat`` and ``whoosh.reading`` (once) without their extras."""
    if "whoosh.reading" in sys.modules:
        return
    stand_ins: dict[str, types.ModuleType] = {}
    if "urllib.request" not in sys.modules and "whoosh.compat" not in sys.modules:
        request = types.ModuleType("urllib.request")
        request.urlretrieve = _urlretrieve  # type: ignore[attr-defined]
        stand_ins["urllib.request"] = request
    if "cached_property" not in sys.modules:
        cached = types.ModuleType("cached_property")
        cached.cached_property = functools.cached_property  # type: ignore[attr-defined]
        stand_ins["cached_property"] = cached
    sys.modules.update(stand_ins)
    try:
        import whoosh.compat
        import whoosh.reading  # noqa: F401
    finally:
        for name, module in stand_ins.items():
            if sys.modules.get(name) is module:
                del sys.modules[name]


load()
