"""Neutralising hostile text before it is stored, indexed or shown.

Article text comes from anywhere. Terminal escape sequences (CSI, OSC, DCS…),
C0/C1 control characters, bidi overrides and zero-width characters could change
the analyst's terminal, spoof what is on screen or hide words from search, so
they are removed once, at ingest, and again defensively at display time.
"""

from __future__ import annotations

import functools
import re

_ESCAPE_SEQUENCE = r"""
    (?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?            # CSI
  | (?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])       # OSC, DCS, SOS, PM, APC …
        [^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?     # … up to BEL or ST
  | \x1b[ -/]*[0-~]?                              # other two-byte escapes
    """


@functools.cache
def _escape_sequences() -> re.Pattern[str]:
    """ESC-introduced sequences: CSI (ESC [ … final), OSC/DCS/SOS/PM/APC strings
    up to BEL or ST, and two-byte escapes. The 8-bit C1 forms (0x9B CSI, 0x9D
    OSC …) are handled the same way.

    Compiled the first time text holds an escape: compiling it was half of
    this module's import, paid by every command, and most text has none.
    """
    return re.compile(_ESCAPE_SEQUENCE, re.VERBOSE)


# C0 controls except tab and newline, DEL, C1 controls; bidi embeddings,
# overrides and isolates; zero-width characters and the BOM.
_UNSAFE_CHARS = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\ufff9-\ufffb]"
)


# Lone UTF-16 surrogates: JSON's "\ud800" escapes and undecodable file names
# (surrogateescape) produce them, and no UTF-8 encoder (SQLite, the terminal)
# accepts them.
_SURROGATES = re.compile("[\ud800-\udfff]")


def strip_unsafe(text: str) -> str:
    """Return ``text`` without escape sequences or invisible/control characters.

    Carriage returns become newlines first so CRLF files keep their line breaks;
    lone surrogates become U+FFFD, the replacement character.
    """
    if not text:
        return text
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\x1b" in text or "\x9b" in text or "\x9d" in text:
        text = _escape_sequences().sub("", text)
    return _SURROGATES.sub("\ufffd", _UNSAFE_CHARS.sub("", text))


def printable(text: str) -> str:
    """``text`` with every unsafe character shown as an escape (``\\x1b``, ``\\u202e``).

    For names that must stay recognisable, such as file paths: stripping would
    make two different names look the same, so they are spelled out instead.
    """

    def escape(match: re.Match[str]) -> str:
        code = ord(match.group())
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"

    return _SURROGATES.sub(escape, _UNSAFE_CHARS.sub(escape, text))
