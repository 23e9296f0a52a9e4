"""The fieldbrief browser application: lifecycle, themes, keymap, persistence.

The panes and everything they do live on ``MainScreen``; this class owns what
outlives a screen: the library (closed on exit when the app opened it), the
saved session (``UIState``), the user's keymap and the themes, and the command
palette's entries.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterable
from contextlib import suppress
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.css.query import NoMatches
from textual.driver import Driver
from textual.screen import Screen
from textual.theme import Theme
from textual.timer import Timer

from .article import ArticleBody
from .commands import FieldbriefCommands
from .keymap import keymap_path, load_keymap
from .main_screen import MainScreen
from .query_bar import QueryInput
from .searching import StoreListing, is_library_view
from .state import UIState, default_state_path
from .terminal import ascii_driver, ascii_wanted, mouse_wanted
from .theming import DEFAULT_THEME, load_themes, stylesheet

if TYPE_CHECKING:
    from fieldbrief.search.library import Library

SAVE_DELAY_SECONDS = 0.5

# Palette entries for actions without a key of their own on the main screen,
# (title, help, action); every other entry comes from a binding.
_EXTRA_COMMANDS = [
    # title, help line, the main screen's action, the binding whose keys it shows
    (
        "Copy passage",
        "Copy the article pane's current sentence or paragraph",
        "copy_passage",
        "fieldbrief.article.copy_passage",
    ),
    ("Export briefing", "Preview the briefing as Markdown and save", "export_briefing", None),
    ("Saved searches", "Reopen a named search and see what is new", "saved_searches", None),
    ("Query syntax", "Phrases, fields, dates, fuzzy words: examples", "query_syntax", None),
    (
        "Switch briefing",
        "Choose the briefing that p, P and F pin into",
        "switch_briefing",
        "fieldbrief.briefing.switch",
    ),
    ("Tag article", "Add or remove the open article's tags", "edit_tags", "fieldbrief.tags"),
    ("View in pager", "The open article as text in $PAGER", "pager", "fieldbrief.pager"),
    ("Edit source file", "The open article's file in $EDITOR", "edit_source", "fieldbrief.editor"),
]
_COMMAND_HELP = {
    "fieldbrief.timeline": "Events by month and every dated fact",
    "fieldbrief.sort": "Re-sort the results (relevance / date)",
    "fieldbrief.sidebar": "Show or hide the fact sidebar",
    "fieldbrief.maximize": "Give the focused pane the whole screen",
    "fieldbrief.copy_citation": "Copy the open article's citation",
    "fieldbrief.overview": "Top entities and conflicting figures",
    "fieldbrief.help": "Show the keys of the focused pane",
    "fieldbrief.pin.article": "Add the open article to the briefing",
    "fieldbrief.pin.passage": "Add the current sentence or paragraph",
    "fieldbrief.pin.fact": "Add the highlighted fact to the briefing",
    "fieldbrief.briefing.open": "Pins in order, notes, export",
}
"""The main screen's bindings offered in the palette, with their help lines."""


def _with_keys(keys: dict[str, str], binding_id: str | None, help_text: str) -> str:
    """``help_text`` led by the keys of ``binding_id``, where it has any."""
    shown = keys.get(binding_id) if binding_id else None
    return f"{shown} · {help_text}" if shown else help_text


class FieldbriefApp(App[None]):
    CSS_PATH = stylesheet("app.tcss")
    TITLE = "fieldbrief"
    COMMANDS = App.COMMANDS | {FieldbriefCommands}
    ENABLE_COMMAND_PALETTE = True

    def __init__(
        self,
        library_path: str | os.PathLike[str] | None = None,
        *,
        library: Library | None = None,
        state_path: str | os.PathLike[str] | None = None,
        keymap_file: str | os.PathLike[str] | None = None,
        ascii_only: bool | None = None,
        mouse: bool | None = None,
    ) -> None:
        # Read by get_driver_class, which App.__init__ calls.
        self.ascii_only = ascii_wanted(os.environ) if ascii_only is None else ascii_only
        self.mouse = mouse_wanted(os.environ) if mouse is None else mouse
        super().__init__()
        self.library_path = library_path
        self.library: Library | None = library
        self._owns_library = library is None
        self.state_path = Path(state_path) if state_path else default_state_path()
        self.keymap_file = Path(keymap_file) if keymap_file else keymap_path()
        self.state = UIState.load(self.state_path)
        self.store_listing: StoreListing | None = None
        """The first page of the whole library, read while Textual starts (see
        ``StoreListing``); only when the app opens the library and lists it first."""
        if library is None and is_library_view(self.state.query):
            self.store_listing = StoreListing(library_path)
        self._save_timer: Timer | None = None
        self._theme_before_styles = False
        self._saved_on_quit = False
        self.main: MainScreen
        """The screen with the panes (the bottom of the screen stack)."""
        for theme in load_themes():
            self.register_theme(theme)

    def get_driver_class(self) -> type[Driver]:
        base = super().get_driver_class()
        return ascii_driver(base) if self.ascii_only else base

    def get_key_display(self, binding: Binding) -> str:
        shown = super().get_key_display(binding)
        if self.ascii_only and not shown.isascii():
            # "⏎" would become "<": say the key's name instead.
            modifiers, key = binding.parse_key()
            return "+".join([*modifiers, key])
        return shown

    def run(self, *args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("mouse", self.mouse)
        # What exists by now (the modules, Textual's and ours, their classes
        # and tables) lives as long as the process: the collector need not look
        # at it again. Its first full pass came during start-up and walked all
        # of it, 20-35 ms of the first frame on this machine. Until that
        # frame is written the collector is off: what start-up makes is almost
        # all kept, and its passes were another 6-8 ms (on_mount turns it on).
        gc.freeze()
        gc.disable()
        return super().run(*args, **kwargs)

    def get_default_screen(self) -> MainScreen:
        self.main = MainScreen(self.state)
        return self.main

    def on_load(self) -> None:
        # Before the stylesheet is first parsed: set on mount, as usual, the
        # theme made Textual parse every rule again, twice, and restyle the
        # screen before its first frame.
        state = self.state
        theme = state.theme if state.theme in self.available_themes else DEFAULT_THEME
        # Only a change asks for a refresh (see refresh_css).
        self._theme_before_styles = theme != self.theme
        self.theme = theme

    def refresh_css(self, animate: bool = True) -> None:
        if self._theme_before_styles:
            # The refresh that setting the theme on load asks for: nothing has
            # been parsed or styled yet, so the new variables are all it needs
            # (Textual would parse every rule now and again when first styling).
            self._theme_before_styles = False
            self.stylesheet.set_variables(self.get_css_variables())
            return
        super().refresh_css(animate)

    def on_mount(self) -> None:
        self.call_after_refresh(gc.enable)
        self.theme_changed_signal.subscribe(self, self._theme_changed)
        keymap, problem = load_keymap(self.keymap_file)
        if keymap:
            self.set_keymap(keymap)
        if problem:
            self.notify(problem, title="keymap", severity="warning", markup=False)

    # --- command palette -------------------------------------------------------

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        keys = self._keys_by_binding_id(screen)
        for command in super().get_system_commands(screen):
            if command.title == "Keys" and isinstance(screen, MainScreen):
                continue  # fieldbrief's own key help (F1, ?) replaces Textual's key panel
            if command.title == "Quit" and "fieldbrief.quit" in keys:
                command = command._replace(help=f"{keys['fieldbrief.quit']} · {command.help}")
            yield command
        if not isinstance(screen, MainScreen):
            return
        for binding in screen.BINDINGS:
            if isinstance(binding, Binding) and binding.id in _COMMAND_HELP:
                help_text = _with_keys(keys, binding.id, _COMMAND_HELP[binding.id])
                yield SystemCommand(
                    binding.description, help_text, partial(screen.run_action, binding.action)
                )
        for title, help_text, action, binding_id in _EXTRA_COMMANDS:
            yield SystemCommand(
                title, _with_keys(keys, binding_id, help_text), partial(screen.run_action, action)
            )

    def _keys_by_binding_id(self, screen: Screen[Any]) -> dict[str, str]:
        """The keys each binding answers to now (after the user's keymap), as
        the footer shows them, so the palette teaches the shortcut: the
        screen's and the app's, and the focused pane's (the article pane's
        ``c`` while it has the focus, as in the footer)."""
        keys: dict[str, list[str]] = {}
        for active in screen.active_bindings.values():
            binding = active.binding
            if binding.id:
                keys.setdefault(binding.id, []).append(self.get_key_display(binding))
        return {ident: ", ".join(dict.fromkeys(shown)) for ident, shown in keys.items()}

    # --- themes ---------------------------------------------------------------

    def set_theme(self, name: str) -> None:
        self.theme = name

    def _theme_changed(self, theme: Theme) -> None:
        self.state.theme = self.theme
        self.save_state_soon()

    # --- state ----------------------------------------------------------------

    def save_state_soon(self) -> None:
        if self._save_timer is not None:
            self._save_timer.stop()
        self._save_timer = self.set_timer(SAVE_DELAY_SECONDS, self.save_state)

    def save_state(self, *, from_widgets: bool = True) -> None:
        state = self.state
        main = self.main
        if not main.restored and state.article_id:
            # Nothing restored yet: keep what the last run saved.
            return
        if from_widgets:
            try:
                query = main.query_one(QueryInput).value
                scroll_y = float(main.query_one(ArticleBody).scroll_y)
            except NoMatches:
                pass  # the screen is being torn down: keep the session as last recorded
            else:
                state.query = query
                state.article_id = main.article.id if main.article else None
                state.scroll_y = scroll_y
        state.theme = self.theme
        state.sidebar = main.show_sidebar
        state.sort = main.sort
        try:
            state.save(self.state_path)
        except OSError as exc:
            self.notify(f"Could not save state: {exc}", severity="warning", markup=False)

    async def action_quit(self) -> None:
        self.save_state()
        self._saved_on_quit = True
        self.exit()

    def on_unmount(self) -> None:
        # However else the app ends (ctrl+c, the test harness), keep the session
        # as last recorded: the widgets are being torn down and read as empty.
        if not self._saved_on_quit:
            with suppress(Exception):
                self.save_state(from_widgets=False)
        if self._owns_library and self.library is not None:
            self.library.close()


def create_app(
    library_path: str | os.PathLike[str] | None = None,
    *,
    library: Library | None = None,
    state_path: str | os.PathLike[str] | None = None,
    keymap_file: str | os.PathLike[str] | None = None,
    ascii_only: bool | None = None,
    mouse: bool | None = None,
) -> FieldbriefApp:
    """The one factory used by the CLI and the tests. ``ascii_only`` and
    ``mouse`` default to what the environment says (see ``terminal``)."""
    return FieldbriefApp(
        library_path,
        library=library,
        state_path=state_path,
        keymap_file=keymap_file,
        ascii_only=ascii_only,
        mouse=mouse,
    )
