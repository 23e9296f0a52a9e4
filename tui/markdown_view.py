"""The article rendered as Markdown (``m``), apart so that Textual's Markdown
widget and markdown-it are imported when first shown rather than at start."""

from __future__ import annotations

from textual import on
from textual.widgets import Markdown

from .safe import one_line


class SafeMarkdown(Markdown):
    """Rendered Markdown whose links only ever say where they point."""

    def __init__(self, markdown: str) -> None:
        super().__init__(markdown, open_links=False)

    @on(Markdown.LinkClicked)
    def _link_clicked(self, event: Markdown.LinkClicked) -> None:
        event.stop()
        event.prevent_default()
        self.notify(f"Link (not opened): {one_line(event.href, 200)}", markup=False)
