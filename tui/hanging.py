"""Rows whose wrapped lines hang under their text, not under their leader.

A result's "12. " or a fact's "⚠ " is a leader: when the text after it wraps,
the next line should start under the text, as in a printed index. Content
wraps every line back to column 0, so a numbered list loses its shape in a
narrow pane; this visual wraps each line's text in the width left after its
leader and pads the continuation lines.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.content import Content
from textual.css.types import TextOverflow
from textual.strip import Strip
from textual.style import Style
from textual.visual import RenderOptions, RulesMap, Visual

Line = tuple[Content, Content]
"""A leader and the text that hangs from it."""


class Hanging(Visual):
    def __init__(self, lines: Sequence[Line]) -> None:
        self.lines = list(lines)
        self._wraps: dict[tuple[int, TextOverflow], list[Content]] = {}
        """Lines wrapped per width: a list asks each row's height (to lay out all
        of its rows) and then renders the visible ones, at the same width."""

    @classmethod
    def under(cls, leader: Content, *texts: Content) -> Hanging:
        """``leader`` on the first line; every later line hangs at its width."""
        pad = Content(" " * leader.cell_length)
        return cls([(leader if index == 0 else pad, text) for index, text in enumerate(texts)])

    @property
    def plain(self) -> str:
        return "\n".join(leader.plain + text.plain for leader, text in self.lines)

    def _wrapped(self, width: int, overflow: TextOverflow = "fold") -> list[Content]:
        cached = self._wraps.get((width, overflow))
        if cached is None:
            cached = self._wraps[(width, overflow)] = self._wrap(width, overflow)
        return cached

    def _wrap(self, width: int, overflow: TextOverflow) -> list[Content]:
        out: list[Content] = []
        for leader, text in self.lines:
            indent = leader.cell_length
            # A leader wider than the pane would leave no room: hang at column 0.
            if indent >= width - 1:
                out.extend((leader + text).wrap(max(1, width), overflow=overflow))
                continue
            pad = Content(" " * indent)
            for number, line in enumerate(text.wrap(width - indent, overflow=overflow) or [text]):
                out.append((leader if number == 0 else pad) + line)
        return out

    def render_strips(
        self, width: int, height: int | None, style: Style, options: RenderOptions
    ) -> list[Strip]:
        if not width:
            return []
        # Each line already fits, so Content lays them out unchanged while
        # resolving theme variables ($text-muted) and the selection as usual.
        return Content("\n").join(self._wrapped(width)).render_strips(width, height, style, options)

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        return max(
            (leader.cell_length + text.cell_length for leader, text in self.lines), default=0
        )

    def get_minimal_width(self, rules: RulesMap) -> int:
        return max((leader.cell_length + 1 for leader, _ in self.lines), default=1)

    def get_height(self, rules: RulesMap, width: int) -> int:
        return len(self._wrapped(width)) if width else 0
