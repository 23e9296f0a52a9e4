"""User key overrides from ``config_dir()/keymap.toml``.

The file maps binding ids to keys, either at top level or under ``[keymap]``::

    [keymap]
    "fieldbrief.search" = "slash,ctrl+f"
    "fieldbrief.quit" = "ctrl+q"

Every binding fieldbrief declares has an id (listed in the help overlay), so
any of them can be rebound.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from fieldbrief.search.locations import config_dir


def keymap_path() -> Path:
    return config_dir() / "keymap.toml"


def load_keymap(path: Path | None = None) -> tuple[dict[str, str], str | None]:
    """(keymap, problem): a broken file yields an empty keymap and a message."""
    path = path or keymap_path()
    try:
        raw = tomllib.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        return {}, None
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        return {}, f"{path}: {exc}"
    table = raw.get("keymap", raw)
    if not isinstance(table, dict):
        return {}, f"{path}: [keymap] must be a table"
    keymap: dict[str, str] = {}
    bad: list[str] = []
    for key, value in table.items():
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            value = ",".join(value)
        if isinstance(key, str) and isinstance(value, str) and value.strip():
            keymap[key] = value.replace(" ", "")
        else:
            bad.append(str(key))
    problem = f"{path}: ignored entries {', '.join(bad)}" if bad else None
    return keymap, problem
