"""What the browser remembers between runs.

Stored as JSON in the state directory and written atomically (temp file then
``os.replace``) so a crash or a second instance never leaves half a file; an
unreadable file is treated as no state rather than an error, because losing the
last query is better than refusing to start.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from fieldbrief.search.locations import state_dir

HISTORY_LIMIT = 100


def default_state_path() -> Path:
    return state_dir() / "tui.json"


@dataclass
class UIState:
    query: str = ""
    article_id: str | None = None
    scroll_y: float = 0.0
    theme: str = "fieldbrief-dark"
    sidebar: bool = True
    sort: str = "relevance"
    history: list[str] = field(default_factory=list)

    @classmethod
    def load(cls, path: Path) -> UIState:
        try:
            raw = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError):
            return cls()
        if not isinstance(raw, dict):
            return cls()
        state = cls()
        known = {f.name: f for f in fields(cls)}
        for key, value in raw.items():
            if key in known and _type_ok(key, value):
                setattr(state, key, value)
        state.history = [h for h in state.history if isinstance(h, str)][-HISTORY_LIMIT:]
        if state.sort not in ("relevance", "date"):
            state.sort = "relevance"
        return state

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        data = asdict(self)
        data["history"] = self.history[-HISTORY_LIMIT:]
        fd, tmp = tempfile.mkstemp(prefix=".tui-", suffix=".json", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(data, handle, ensure_ascii=False, indent=1)
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise

    def remember(self, query: str) -> None:
        query = query.strip()
        if not query:
            return
        if query in self.history:
            self.history.remove(query)
        self.history.append(query)
        del self.history[:-HISTORY_LIMIT]


_TYPES: dict[str, Any] = {
    "query": str,
    "article_id": (str, type(None)),
    "scroll_y": (int, float),
    "theme": str,
    "sidebar": bool,
    "sort": str,
    "history": list,
}


def _type_ok(key: str, value: object) -> bool:
    return isinstance(value, _TYPES[key])
