"""The Whoosh index: what a document holds, how the index is trusted, how it is written.

- :mod:`.schema`: the schema and the document made from an article and its facts.
- :mod:`.trust`: sealing an index after each commit and verifying it before it is opened
  (Whoosh stores pickles, so an index nobody sealed is never opened).
- :mod:`.writer`: writers tuned for fieldbrief's batches and the segment-merge policy.

The library's own index folder (``CURRENT``, recovery, the shared searcher) is
:mod:`fieldbrief.search.current_index`.
"""
