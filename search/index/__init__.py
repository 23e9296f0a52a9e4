"""The Whoosh index: what a document holds, how the index is trusted, how it is written.

- :mod:`.schema`: the schema and the document made from an article and its facts.
- :mod:`.manifest`: sealing an index after each commit and verifying it before it is
  read (Whoosh stores pickles, so an index nobody sealed is never opened); no Whoosh.
- :mod:`.trust`: opening a sealed index with Whoosh, only the files the seal lists.
- :mod:`.folders`: ``indexes/`` and ``CURRENT``, checked before anything there is read
  or deleted; no Whoosh.
- :mod:`.direct` and :mod:`.postings`: reading a sealed index's files without Whoosh
  (the direct search of plain words, :mod:`fieldbrief.search.direct`).
- :mod:`.writer`: writers tuned for fieldbrief's batches and the segment-merge policy.

The library's own index folder (``CURRENT``, recovery, the shared searcher) is
:mod:`fieldbrief.search.current_index`.
"""
