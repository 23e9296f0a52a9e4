"""What the terminal can take: ASCII-only output and mouse reporting.

The Linux console and vt100-class terminals (a serial line, an old jump host)
cannot draw Textual's block borders, the ⚠ marks or curly quotes: they show
as diamonds or garbage and can shift the layout. In ASCII mode every
character written to the terminal is replaced by an ASCII look-alike of the
same width, at the driver, so nothing the app or the article text draws can
slip past.

Mouse reporting is off by default: with it on, the terminal hands every drag
to the app and selecting text to copy needs Shift, which analysts copying a
quote into a report hit constantly. ``--mouse`` (or FIELDBRIEF_MOUSE=1)
turns clicks and the wheel on.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping

from rich.cells import cell_len
from textual.driver import Driver

ASCII_TERMS = ("linux", "vt52", "vt100", "vt102", "vt220", "vt320", "dumb", "ansi", "cons25")
_TRUE = ("1", "yes", "on", "true")
_FALSE = ("0", "no", "off", "false")


def _flag(env: Mapping[str, str], name: str) -> bool | None:
    value = env.get(name, "").strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    return None


def ascii_wanted(env: Mapping[str, str]) -> bool:
    """FIELDBRIEF_ASCII decides; otherwise a console or vt-class TERM means ASCII.

    The locale is not consulted: over SSH it is often C while the terminal
    draws UTF-8 perfectly well.
    """
    chosen = _flag(env, "FIELDBRIEF_ASCII")
    if chosen is not None:
        return chosen
    term = env.get("TERM", "").lower()
    return term in ASCII_TERMS or term.startswith(("vt1", "vt2", "vt3"))


def mouse_wanted(env: Mapping[str, str]) -> bool:
    return bool(_flag(env, "FIELDBRIEF_MOUSE"))


# fmt: off
_LOOKALIKES = {
    '·': '-', '•': '*', '…': '.', '–': '-', '—': '-', '―': '-', '‐': '-', '‑': '-', '“': '"',
    '”': '"', '„': '"', '‟': '"', '«': '"', '»': '"', '‘': "'", '’': "'", '‚': "'", '‛': "'",
    '′': "'", '″': '"', '⚠': '!', '≈': '~', '≥': '>', '≤': '<', '≠': '#', '×': 'x', '÷': '/',
    '±': '+', '←': '<', '→': '>', '↑': '^', '↓': 'v', '↳': '>', '↵': '<', '⏎': '<', '⇥': '>',
    '✓': 'v', '✔': 'v', '✗': 'x', '✘': 'x', '▲': '^', '▼': 'v', '►': '>', '◄': '<', '▶': '>',
    '◀': '<', '●': '*', '○': 'o', '◆': '*', '★': '*', '☆': '*', '°': 'o', '\xa0': ' ',
    '\u2009': ' ', '\u200a': ' ', '\u2002': ' ', '\u2003': ' ', '€': 'E', '£': 'L', '¥': 'Y',
    '§': 'S', '¶': 'P', '©': 'c', '®': 'r', '™': 'T', '▔': '-', '▁': '_', '▀': '-', '▄': '_',
    '▂': '_', '▃': '_', '▕': '|', '▏': '|', '▎': '|', '▍': '|', '▌': '|', '▐': '|', '▊': '|',
    '▋': '|', '▉': '|', '█': '#', '▇': '#', '▆': '#', '▅': '#', '▓': '#', '▒': '#', '░': ':',
}
# fmt: on


class _AsciiTable(dict[int, str]):
    """``str.translate`` table built as characters turn up."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        self[code] = replacement = _lookalike(char)
        return replacement


def _lookalike(char: str) -> str:
    if char in _LOOKALIKES:
        return _LOOKALIKES[char]
    width = cell_len(char)
    if width == 0:
        return ""
    if "\u2500" <= char <= "\u257f":  # box drawing
        name = unicodedata.name(char, "")
        if "HORIZONTAL" in name and "VERTICAL" not in name:
            return "-"
        if "VERTICAL" in name and "HORIZONTAL" not in name:
            return "|"
        return "+"
    if "\u2580" <= char <= "\u259f":
        return "#"
    # Accented letters lose their accents (é -> e); anything else keeps its width.
    base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
    if len(base) == 1 and base.isascii() and base.isprintable():
        return base
    return "?" * width


def _ascii_table() -> _AsciiTable:
    table = _AsciiTable()
    for code in range(128):
        table[code] = chr(code)
    return table


_TABLE = _ascii_table()


def to_ascii(text: str) -> str:
    """``text`` with every non-ASCII character replaced by one of its width."""
    return text if text.isascii() else text.translate(_TABLE)


def ascii_driver(base: type[Driver]) -> type[Driver]:
    """``base`` writing ASCII only (escape sequences are ASCII already)."""

    class AsciiDriver(base):  # type: ignore[valid-type,misc]
        def write(self, data: str) -> None:
            super().write(to_ascii(data))

    AsciiDriver.__name__ = f"Ascii{base.__name__}"
    return AsciiDriver
