"""The words of an index nearest to a misspelt one, by edit distance computed in C.

Whoosh-free, so that the engine's fuzzy terms and suggestions
(:mod:`.fuzzy`) and the direct search (:mod:`.direct`) expand ``word~``
the same way: the candidates are the terms sharing the word's first letters,
and RapidFuzz measures the distance to each. The distance is optimal string
alignment, so a swapped pair of letters ("tehcnology") counts as one edit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

MAX_EXPANSIONS = 40
"""A fuzzy term matches at most this many words, nearest (then commonest) first."""


def nearest(
    forms: Iterable[str],
    candidates: Callable[[str], list[str]],
    frequency: Callable[[str], int],
    maxdist: int,
    prefix: int,
) -> list[tuple[str, int]]:
    """Terms within ``maxdist`` edits of any of ``forms`` (a word as typed and
    as its field's analyzer reads it), nearest first, ties to the term in more
    documents (``frequency``), then to the first found; ``candidates(head)``
    lists the terms starting with ``head``, a form's first ``prefix``
    letters, in order."""
    # Imported when a fuzzy term or a suggestion needs it, not by every search.
    from rapidfuzz import process
    from rapidfuzz.distance import OSA

    best: dict[str, int] = {}
    for form in dict.fromkeys(forms):  # in the order given: the same ties in every process
        for term, distance, _ in process.extract(
            form, candidates(form[:prefix]), scorer=OSA.distance, score_cutoff=maxdist, limit=None
        ):
            if distance < best.get(term, maxdist + 1):
                best[term] = int(distance)
    ranked = sorted(best.items(), key=lambda item: (item[1], -frequency(item[0])))
    return ranked[:MAX_EXPANSIONS]
