"""Snippets: the passages of an article around the words a query matched.

The index holds stems ("troop", "technolog"), so a matched term is found in the
text as a word beginning with it. Doing this with one regular expression per
hit replaced Whoosh's highlighter, which re-tokenised and re-stemmed every
article body in Python and was half of all query time on a small library.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from .results import Hit
from .store import LEAD_CHARS

Span = tuple[int, int]

STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "can",
        "for",
        "from",
        "have",
        "if",
        "in",
        "is",
        "it",
        "may",
        "not",
        "of",
        "on",
        "or",
        "tbd",
        "that",
        "the",
        "this",
        "to",
        "us",
        "we",
        "when",
        "will",
        "with",
        "yet",
        "you",
        "your",
    ]
)
"""Whoosh's English stop words (``whoosh.analysis.STOP_WORDS``, held to it by a
test): the title and body analyzer leaves them out, so a phrase's words may
stand apart by one of them in the text."""

SNIPPET_CHARS = 240
"""Longest passage in a snippet."""
LEAD_IN = 70
"""Characters of context kept before the first matched word of a passage."""
BETWEEN = " … "


def term_pattern(
    terms: Iterable[str], phrases: Iterable[Sequence[str]] = (), skipped: Iterable[str] = ()
) -> re.Pattern[str] | None:
    """Words starting with any of ``terms`` (index stems), case-insensitively;
    and, tried first, each of ``phrases`` (lists of stems) as its words side
    by side, with only ``skipped`` words (the analyzer's stop words) or
    one-letter words between, as the index reads a phrase."""
    words = sorted({t.strip() for t in terms if t and t.strip() and not t.startswith("*")}, key=len)
    runs = [[w for w in phrase if w.strip()] for phrase in phrases]
    runs = [run for run in runs if len(run) > 1]
    if not words and not runs:
        return None
    # Longest first, so "oilfield" is not cut short at "oil".
    alternatives = [_stem_start(w) for w in reversed(words)]
    if runs:
        stops = "|".join(sorted((re.escape(w) for w in skipped), key=len, reverse=True))
        # Possessive: a run of spaces and marks is taken whole, never retried
        # split in two (a snippet is cut for every hit of every page).
        gap = rf"(?:\W++(?:{stops + '|' if stops else ''}\w)\b)*+\W++"
        alternatives[:0] = [gap.join(rf"{_stem_start(w)}\w*" for w in run) for run in runs]
    return re.compile(rf"\b(?:{'|'.join(alternatives)})\w*", re.I)


def _stem_start(stem: str) -> str:
    """How a word with ``stem`` begins, as a pattern: the stem itself, except
    that Porter's stemmer writes a final y as i ("money" → "monei", "supply"
    → "suppli"), which no word of the text starts with."""
    if len(stem) > 2 and stem.endswith("i"):
        return re.escape(stem[:-1]) + "[iy]"
    return re.escape(stem)


def _passage(text: str, first: int) -> Span:
    """A passage of at most SNIPPET_CHARS around the match at ``first``, cut at spaces."""
    start = max(0, first - LEAD_IN)
    if start:
        space = text.find(" ", start, first)
        start = space + 1 if space >= 0 else first
    end = min(len(text), start + SNIPPET_CHARS)
    if end < len(text):
        space = text.rfind(" ", first, end)
        end = space if space > first else end
    return start, end


def snippet(
    text: str, pattern: re.Pattern[str] | None, passages: int = 2
) -> tuple[str, list[Span]]:
    """The best ``passages`` passages of ``text`` (most matched words, then earliest),
    in text order, with whitespace collapsed; and the matched words' spans in it.

    Returns ``("", [])`` when nothing matches.
    """
    if pattern is None:
        return "", []
    matches: list[Span] = []
    weights = [0]  # running total of what each match is worth to a passage
    for m in pattern.finditer(text):
        if _SPACE_OR_MARK.search(m.group()):
            # A phrase found whole: a passage that shows one beats any number
            # of its words apart. Its words are highlighted, not what lies
            # between them.
            parts = _phrase_words(m.group(), pattern)
            matches += [(m.start() + s, m.start() + e) for s, e in parts]
            weights += [weights[-1] + _PHRASE_WORTH + n + 1 for n in range(len(parts))]
            continue
        matches.append((m.start(), m.end()))
        weights.append(weights[-1] + 1)
    if not matches:
        return "", []
    ends = [e for _, e in matches]  # ascending, as the matches are
    candidates: list[tuple[int, int, Span]] = []
    for i, (first, _) in enumerate(matches):
        start, end = _passage(text, first)
        inside = weights[bisect.bisect_right(ends, end)] - weights[i]
        candidates.append((-inside, start, (start, end)))
    chosen: list[Span] = []
    for _, _, span in sorted(candidates):
        if all(span[1] <= s or span[0] >= e for s, e in chosen):
            chosen.append(span)
            if len(chosen) == passages:
                break
    chosen.sort()
    out: list[str] = []
    spans: list[Span] = []
    length = 0
    for n, (start, end) in enumerate(chosen):
        if n:
            out.append(BETWEEN)
            length += len(BETWEEN)
        # Words joined by single spaces; a match never contains whitespace, so
        # each lies inside one word and keeps its offset within it.
        words = [(m.start(), m.group()) for m in re.finditer(r"\S+", text[start:end])]
        inner = [(s - start, e - start) for s, e in matches if start <= s and e <= end]
        k = 0
        for w, (offset, word) in enumerate(words):
            if w:
                out.append(" ")
                length += 1
            while k < len(inner) and inner[k][0] < offset + len(word):
                s, e = inner[k]
                if s >= offset:
                    spans.append((length + s - offset, length + e - offset))
                k += 1
            out.append(word)
            length += len(word)
    return "".join(out), spans


_SPACE_OR_MARK = re.compile(r"\W")
_PHRASE_WORTH = 1000


def _phrase_words(matched: str, pattern: re.Pattern[str]) -> list[Span]:
    """The spans, within a phrase's match, of the words that make the phrase
    (the first and every word after a gap that is not a skipped word)."""
    words = [(m.start(), m.end()) for m in re.finditer(r"\w+", matched)]
    keep = [words[0], words[-1]]
    for start, end in words[1:-1]:
        if pattern.fullmatch(matched[start:end]) and end - start > 1:
            keep.append((start, end))
    return sorted(set(keep))


def lead(body: str, limit: int = LEAD_CHARS // 2) -> str:
    """A body's first words, up to ``limit`` characters: the snippet of a hit
    that has no matched words to show."""
    text = " ".join(body[: limit * 2].split())
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"


def shown_hit(
    stored: Mapping[str, Any],
    *,
    rank: int,
    score: float,
    pattern: re.Pattern[str] | None,
    with_snippet: bool,
) -> Hit:
    """A hit as shown: an indexed document's stored fields, ranked and scored,
    with its snippet (or, without one, its lead). ``rank`` counts from 0."""
    body = stored.get("body", "")
    text, spans = "", list[Span]()
    if with_snippet:
        text, spans = snippet(body, pattern)
    if not text:
        text = lead(body)
    stamp = stored.get("date")
    return Hit(
        id=stored["id"],
        title=stored.get("title", ""),
        date=stamp.date() if isinstance(stamp, datetime) else None,
        source=stored.get("source") or None,
        path=stored.get("path", ""),
        score=score,
        rank=rank + 1,
        snippet=text,
        highlights=spans,
    )
