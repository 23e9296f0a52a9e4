"""The fieldbrief engine: ingest, index, query, facts and briefing export.

Nothing in this package may import Textual: the TUI and the CLI are both thin
layers over it.
"""

from . import leanload

leanload.load()
