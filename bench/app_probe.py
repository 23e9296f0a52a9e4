"""Times the TUI through Textual's Pilot: cold start, keystroke-to-results, open article.

Run by ``bench/steps.py app`` in a fresh process (so imports are cold too).
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


async def _wait(pilot: Any, ready: Callable[[], bool], timeout: float = 120.0) -> bool:
    deadline = time.perf_counter() + timeout
    while not ready():
        if time.perf_counter() > deadline:
            return False
        await pilot.pause(0.002)
    return True


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def _rss_mb() -> float:
    try:
        with open("/proc/self/status") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


async def probe_app(
    library_path: Path,
    query: str = "oil",
    *,
    stub_overview: bool = False,
    overview_timeout: float = 60.0,
    rss_limit_mb: float = 4096.0,
) -> dict[str, Any]:
    """``stub_overview`` replaces ``Library.overview`` with an empty one, to time the rest
    of the app when the overview is too slow to finish."""
    started = time.perf_counter()
    from fieldbrief.tui import app as app_module

    if stub_overview:
        from fieldbrief.search.facts.resolve import build_overview
        from fieldbrief.search.library import Library

        empty = build_overview([])
        Library.overview = lambda self: empty  # type: ignore[method-assign]

    imported = time.perf_counter() - started
    scratch = Path(tempfile.mkdtemp(prefix="fb-app-"))
    app = app_module.create_app(
        library_path=library_path,
        state_path=scratch / "state.json",
        keymap_file=scratch / "keymap.toml",
    )
    out: dict[str, Any] = {"import_ms": _ms(imported), "overview_stubbed": stub_overview}
    from fieldbrief.tui.query_bar import DEBOUNCE_SECONDS as debounce

    out["debounce_ms"] = _ms(debounce)
    async with app.run_test(size=(160, 50)) as pilot:
        out["first_frame_ms"] = _ms(time.perf_counter() - started)
        results_list = app.query_one("#results")
        ok = await _wait(pilot, lambda: app.library is not None and not results_list.loading)
        out["interactive_ms"] = _ms(time.perf_counter() - started) if ok else None

        async def type_and_wait(text: str) -> dict[str, Any]:
            # Focus starts in the results (the library's first screen).
            app.query_one("#query").focus()
            for ch in text[:-1]:
                await pilot.press(ch if ch != " " else "space")
            t = time.perf_counter()
            last = text[-1]
            await pilot.press(last if last != " " else "space")
            want = app.query_one("#query").value
            search = app.main.search
            ok = await _wait(
                pilot, lambda: search.results is not None and search.results.query == want, 30
            )
            await pilot.pause()
            total = time.perf_counter() - t
            return {
                "query": want,
                "ok": ok,
                "keystroke_to_results_ms": _ms(total),
                "minus_debounce_ms": _ms(total - debounce),
                "search_ms_in_app": round(search.last_search_ms, 1),
                "hits_total": search.results.total if search.results else None,
            }

        overview_pending = app.main.facts.overview is None
        out["first_search_while_overview_loads"] = overview_pending
        out["first_search"] = await type_and_wait(query)
        t = time.perf_counter()
        peak = [0.0]

        def overview_done() -> bool:
            peak[0] = max(peak[0], _rss_mb())
            return app.main.facts.overview is not None or peak[0] > rss_limit_mb

        ok = await _wait(pilot, overview_done, overview_timeout)
        ok = ok and app.main.facts.overview is not None
        out["overview_ready_ms"] = _ms(time.perf_counter() - started) if ok else None
        out["overview_wait_after_first_search_ms"] = _ms(time.perf_counter() - t)
        if not ok:
            out["overview_gave_up"] = (
                f"RSS reached {peak[0]:.0f} MB"
                if peak[0] > rss_limit_mb
                else f"not ready after {overview_timeout:.0f} s"
            )
        out["refine_search"] = await type_and_wait(" price")
        # Enter commits the query and focuses the results; the app previews the
        # highlighted hit. Then each cursor move opens the next hit with its facts.
        before = app.main.article
        t = time.perf_counter()
        await pilot.press("enter")
        ok = await _wait(
            pilot, lambda: app.main.article is not None and app.main.article is not before, 5
        )
        await pilot.pause()
        out["enter_opens_first_hit_ms"] = _ms(time.perf_counter() - t) if ok else None
        out["article_already_open_before_enter"] = before is not None
        moves = []
        for _ in range(3):
            before = app.main.article
            t = time.perf_counter()
            await pilot.press("down")
            ok = await _wait(pilot, lambda b=before: app.main.article is not b, 30)
            await pilot.pause()
            if not ok:
                break
            moves.append(time.perf_counter() - t)
        out["open_article_ms"] = [_ms(m) for m in moves]
        out["article_facts"] = len(app.main.articles.facts)
        out["rss_now_mb"] = round(_rss_mb(), 1)
        await pilot.press("q")
        if app.main.facts.overview is None:
            # The overview thread cannot be interrupted; leave without waiting for it.

            out["total_ms"] = _ms(time.perf_counter() - started)
            out["exited_early"] = True
            return out
    out["total_ms"] = _ms(time.perf_counter() - started)
    return out
