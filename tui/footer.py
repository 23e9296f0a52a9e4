"""The key hint line: Textual's footer, rebuilt only when the keys it shows change."""

from __future__ import annotations

from collections.abc import Hashable

from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey


class KeyFooter(Footer):
    """Textual's ``Footer``, recomposed only when what it would show differs.

    The footer is a dozen widgets, rebuilt (removed, composed, styled, mounted)
    on every bindings refresh, and Textual asks for one when a screen resumes
    and two per focus change (at once and after the next refresh). At start
    that was three rebuilds of the same keys, 35-100 ms each on a loaded
    2-core machine, between the first frame and the keys showing.
    """

    def __init__(self, *args: object, keys_now: bool = False, **kwargs: object) -> None:
        """``keys_now``: compose the keys as the footer mounts. ``Footer`` shows
        none until the screen's first bindings refresh, which comes after the
        first frame, so the keys took a second frame (and a rebuild) before the
        app looked ready. A screen that has settled its focus before its first
        frame mounts its footer then, with this set, so that frame has them.
        """
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._shown: Hashable | None = None
        self.set_reactive(Footer._bindings_ready, keys_now)

    def _keys(self) -> Hashable:
        """Everything ``Footer.compose`` reads, as a comparable value."""
        app = self.app
        return (
            self.show_command_palette,
            app.ENABLE_COMMAND_PALETTE,
            app.COMMAND_PALETTE_BINDING,
            tuple(
                (
                    key,
                    binding.key,
                    app.get_key_display(binding),
                    binding.description,
                    binding.action,
                    binding.show,
                    binding.group,
                    binding.tooltip,
                    enabled,
                    tooltip,
                )
                for key, (_node, binding, enabled, tooltip) in self.screen.active_bindings.items()
            ),
        )

    def compose(self) -> ComposeResult:
        if self._bindings_ready:
            self._shown = self._keys()
        for widget in super().compose():
            if isinstance(widget, FooterKey):
                # A key starts compact (its own default) and Textual then binds
                # it to the footer's setting, all but the palette's key: two
                # class changes as it mounts, each restyling it, a third of the
                # footer's cost. Starting each key as it will end makes both
                # no-ops.
                compact = True if widget.has_class("-command-palette") else self.compact
                widget.set_reactive(FooterKey.compact, compact)
                widget.set_class(compact, "-compact", update=False)
            yield widget

    async def recompose(self) -> None:
        if not self.is_attached:
            return
        keys = self._keys()
        if keys == self._shown:
            return
        self._shown = keys
        await super().recompose()
