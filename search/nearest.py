"""The words of an index nearest to a misspelt one, by edit distance.

Whoosh-free, so that the engine's fuzzy terms and suggestions
(:mod:`.fuzzy`) and the direct search (:mod:`.direct`) expand ``word~``
the same way: the candidates are the terms sharing the word's first letters,
and the distance to each is measured (up to two edits here, with string
comparisons; more, or among many candidates, by RapidFuzz, whose import
alone would be a quarter of a cold search). The distance is optimal string
alignment, so a swapped pair of letters ("tehcnology") counts as one edit.
"""

from __future__ import annotations

import sys
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
    best: dict[str, int] = {}
    listed: dict[str, list[str]] = {}  # the forms mostly share their first letters
    for form in dict.fromkeys(forms):  # in the order given: the same ties in every process
        head = form[:prefix]
        if head not in listed:
            listed[head] = candidates(head)
        for term, distance in _within(form, listed[head], maxdist):
            if distance < best.get(term, maxdist + 1):
                best[term] = distance
    ranked = sorted(best.items(), key=lambda item: (item[1], -frequency(item[0])))
    return ranked[:MAX_EXPANSIONS]


TWO_EDITS_HERE = 20_000
"""Up to this many candidates, two edits are measured here, in Python (about
0.8 us a candidate); past it, RapidFuzz's C is quicker even counting its
import, about 17 ms of a cold search (bench/README.md)."""


def _within(form: str, choices: list[str], maxdist: int) -> list[tuple[str, int]]:
    """The choices within ``maxdist`` edits of ``form``, nearest first, in
    their order at equal distances. One edit (``word~``) and two (``word~2``,
    a suggestion) are measured here with string comparisons; RapidFuzz (C)
    measures more, and two among many candidates or in a process that has
    already imported it."""
    if maxdist == 1:
        found = [(term, distance) for term in choices if (distance := one_edit(form, term)) <= 1]
        return sorted(found, key=lambda item: item[1])
    if maxdist == 2 and len(choices) <= TWO_EDITS_HERE and "rapidfuzz" not in sys.modules:
        found = [(term, distance) for term in choices if (distance := two_edits(form, term)) <= 2]
        return sorted(found, key=lambda item: item[1])
    from rapidfuzz import process
    from rapidfuzz.distance import OSA

    return [
        (term, int(distance))
        for term, distance, _ in process.extract(
            form, choices, scorer=OSA.distance, score_cutoff=maxdist, limit=None
        )
    ]


_CHANGE, _DROP, _ADD, _SWAP = (1, 1), (1, 0), (0, 1), (2, 2)
"""An edit as the letters it takes of each word (of ``a``, of ``b``)."""


def _edit_pairs() -> dict[int, list[tuple[tuple[int, int], tuple[int, int]]]]:
    """Pairs of edits, one at each end, by how many more letters they take of ``a``."""
    pairs: dict[int, list[tuple[tuple[int, int], tuple[int, int]]]] = {}
    for first in (_CHANGE, _DROP, _ADD, _SWAP):
        for last in (_CHANGE, _DROP, _ADD, _SWAP):
            pairs.setdefault(first[0] + last[0] - first[1] - last[1], []).append((first, last))
    return pairs


_FIRST_AND_LAST = _edit_pairs()


def two_edits(a: str, b: str) -> int:
    """The optimal string alignment distance of ``a`` and ``b`` if it is at
    most 2, else 3. What the words share at both ends takes no edit, so only
    their cores are compared; cores that differ at both ends take an edit at
    each (a letter changed, dropped, added, or two swapped), with the letters
    between alike: a few slice comparisons, where a loop of
    :func:`one_edit` calls took half as long again."""
    la, lb = len(a), len(b)
    if la - lb > 2 or lb - la > 2:
        return 3
    if a == b:
        return 0
    shorter = min(la, lb)
    i = 0
    while i < shorter and a[i] == b[i]:
        i += 1
    j = 0
    while j < shorter - i and a[la - 1 - j] == b[lb - 1 - j]:
        j += 1
    x, y = a[i : la - j], b[i : lb - j]
    n, m = len(x), len(y)
    if not n or not m:
        return n + m  # letters added or dropped only (at most 2: the lengths)
    if n == m == 1:
        return 1
    swapped_first = n > 1 and m > 1 and x[0] == y[1] and x[1] == y[0]
    if n == m == 2 and swapped_first:
        return 1
    swapped_last = n > 1 and m > 1 and x[-1] == y[-2] and x[-2] == y[-1]
    for (first_a, first_b), (last_a, last_b) in _FIRST_AND_LAST[n - m]:
        if (first_a == 2 and not swapped_first) or (last_a == 2 and not swapped_last):
            continue
        if first_a + last_a <= n and x[first_a : n - last_a] == y[first_b : m - last_b]:
            return 2
    return 3


def osa_distance(a: str, b: str) -> int:
    """The optimal string alignment distance of ``a`` and ``b``, unbounded
    (a suggestion's few candidate endings, :mod:`.fuzzy`): the textbook
    table, row by row."""
    before: list[int] = []
    above = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            row[j] = min(above[j] + 1, row[j - 1] + 1, above[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], before[j - 2] + 1)
        before, above = above, row
    return above[len(b)]


def one_edit(a: str, b: str, *, swaps: bool = True) -> int:
    """The optimal string alignment distance of ``a`` and ``b`` if it is 0 or 1
    (one letter changed, added, dropped, or two side by side swapped), else 2;
    without ``swaps``, the Levenshtein distance (a swap is two edits)."""
    if a == b:
        return 0
    if abs(len(a) - len(b)) > 1:
        return 2
    i = 0
    shorter = min(len(a), len(b))
    while i < shorter and a[i] == b[i]:
        i += 1
    if len(a) == len(b):
        if a[i + 1 :] == b[i + 1 :]:
            return 1  # changed
        swapped = swaps and i + 1 < len(a) and a[i] == b[i + 1] and a[i + 1] == b[i]
        return 1 if swapped and a[i + 2 :] == b[i + 2 :] else 2
    if len(a) > len(b):
        return 1 if a[i + 1 :] == b[i:] else 2  # dropped from b
    return 1 if a[i:] == b[i + 1 :] else 2  # added in b
