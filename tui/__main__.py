"""``python -m fieldbrief.tui [LIBRARY]`` — the browser without the CLI wrapper."""

from __future__ import annotations

import sys

from .app import create_app


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    create_app(args[0] if args else None).run()


if __name__ == "__main__":
    main()
