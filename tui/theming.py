"""fieldbrief's own themes, shipped as TOML in the ``fieldbrief.themes`` package.

Each file is one ``textual.theme.Theme``; the stylesheets only use theme
variables, so every built-in Textual theme works too.
"""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path

from textual.theme import Theme

import fieldbrief.themes

THEMES_DIR = Path(fieldbrief.themes.__file__).parent
DEFAULT_THEME = "fieldbrief-dark"

_THEME_FIELDS = {
    "name",
    "primary",
    "secondary",
    "warning",
    "error",
    "success",
    "accent",
    "foreground",
    "background",
    "surface",
    "panel",
    "boost",
    "dark",
    "luminosity_spread",
    "text_alpha",
    "variables",
}


def stylesheet(name: str) -> Path:
    return THEMES_DIR / name


def load_themes() -> list[Theme]:
    themes: list[Theme] = []
    for entry in sorted(resources.files("fieldbrief.themes").iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".toml"):
            continue
        data = tomllib.loads(entry.read_text("utf-8"))
        themes.append(Theme(**{k: v for k, v in data.items() if k in _THEME_FIELDS}))
    return themes
