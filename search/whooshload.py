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
- ``whoosh.query.terms`` imports ``variations`` from ``whoosh.lang.morph_en``
  (an English morphology table built from hundreds of regular expressions at
  import: the costliest single module of a cold search) for its
  ``Variations`` query, and ``whoosh.analysis.morph`` imports
  ``double_metaphone`` for its ``DoubleMetaphoneFilter``. fieldbrief's
  parser and schema use neither.

:func:`load` imports those Whoosh modules with stand-ins for these imports
in ``sys.modules`` for the duration, then takes the stand-ins out again, so
any later ``import urllib.request`` (or of the others) anywhere in the
process gets the real module. Only Whoosh's own modules ever see a stand-in,
and each stand-in's function still works: it imports the real one when
called.

Every module of this package that imports Whoosh imports this one first.
"""

from __future__ import annotations

import functools
import importlib
import sys
import types
from typing import Any

__all__ = ["load"]


def _deferred(module: str, name: str) -> Any:
    """``module.name``, imported the first time it is called."""

    def call(*args: Any, **kwargs: Any) -> Any:
        real = getattr(importlib.import_module(module), name)
        return real(*args, **kwargs)

    call.__name__ = call.__qualname__ = name
    return call


def load() -> None:
    """Import Whoosh's reading, query and analysis modules (once) without their extras."""
    if "whoosh.reading" in sys.modules:
        return
    stand_ins: dict[str, types.ModuleType] = {}

    def stand_in(module: str, **attributes: Any) -> None:
        if module not in sys.modules:
            fake = types.ModuleType(module)
            fake.__dict__.update(attributes)
            stand_ins[module] = fake

    if "whoosh.compat" not in sys.modules:
        stand_in("urllib.request", urlretrieve=_deferred("urllib.request", "urlretrieve"))
    stand_in("cached_property", cached_property=functools.cached_property)
    if "whoosh.query" not in sys.modules:
        stand_in("whoosh.lang.morph_en", variations=_deferred("whoosh.lang.morph_en", "variations"))
    if "whoosh.analysis" not in sys.modules:
        stand_in(
            "whoosh.lang.dmetaphone",
            double_metaphone=_deferred("whoosh.lang.dmetaphone", "double_metaphone"),
        )
    sys.modules.update(stand_ins)
    try:
        import whoosh.analysis
        import whoosh.compat
        import whoosh.query
        import whoosh.reading  # noqa: F401
    finally:
        for name, module in stand_ins.items():
            if sys.modules.get(name) is module:
                del sys.modules[name]


load()
