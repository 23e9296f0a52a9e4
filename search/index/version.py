"""The version of what fieldbrief writes into an index directory."""

FORMAT_VERSION = 4
"""Bumped whenever ``schema()`` or the way postings are written changes (4:
positions packed, ``index.positions``, and posting blocks pickled with
protocol 4, ``index.writer``); an older index is rebuilt from the store."""
