"""Exact sets of matching documents, computed from whole posting blocks.

Whoosh counts the matches of ``oil AND prices`` by running the query again,
stepping its matchers through the postings one document at a time in Python
(``skip_to``, ``next``): on a large library an AND of common words took
longer than the ranked page itself. Reading each term's postings a block (up
to 128 documents) at a time into a ``set`` and combining the sets with set
operations gives the same documents faster. The ranked page stays with
Whoosh, whose block-skipping avoids reading most postings at all; ranking
from the sets was tried and was slower (figures: bench/README.md, design
figures).

Only queries made of terms, word patterns (fuzzy, wildcard, prefix),
phrases found by :func:`known_phrases` and AND / OR / NOT are evaluated this
way; anything else returns ``None`` and the caller uses Whoosh.

Phrases: Whoosh matches ``"interest rates"`` by stepping through the
intersection of the two words' postings and building span objects from every
candidate's positions, and then, for the exact total, does it all a second
time. :func:`known_phrases` finds a phrase's documents once per search: the
candidates from whole posting blocks (as above), then the positions of only
those candidates, checked as sets of possible starting positions. The phrase
then ranks from those documents alone with the very scorers Whoosh's phrase
uses (the sum of its words' BM25F scores, each hit's field length read from
the segment's length column in one piece), and counts from the same set; a
query of phrases alone takes its page straight from those scores
(:func:`rank_phrases`) rather than through Whoosh's collector. Reading a
common word's blocks and its candidates' positions is cheap only because the
index packs positions as integers (``index.positions``), pickles blocks with
protocol 4 (``index.writer.BLOCK_PICKLE_PROTOCOL``) and each posting list is
read in one piece (:func:`_blocks`).
Figures: bench/README.md ("Speed as the user feels it", phrases).
"""

from __future__ import annotations

import heapq
import pickle
from itertools import accumulate
from typing import Any

from . import whooshload  # noqa: F401  # isort: skip (before any Whoosh import)
from whoosh import formats, matching, query, scoring
from whoosh.matching import ListMatcher
from whoosh.reading import TermNotFound

from .index.lengths import lengths as field_lengths
from .index.positions import PackedPositions
from .index.postings import adjacent, packed_positions
from .index.postings import blocks as _blocks

Segments = list[tuple[Any, frozenset[int]]]
"""(leaf searcher, its matching local document numbers), one per segment."""


class Unsupported(Exception):
    """A query node whose documents cannot be read from postings alone."""


def _posting_ids(reader: Any, fieldname: str, text: Any) -> set[int]:
    """Every live document with the term, its posting list read as :func:`_postings` reads it."""
    written = _written_postings(reader, fieldname, text)
    if written is None:
        return set(_postings_from_matcher(reader, fieldname, text))
    ids: set[int] = set()
    for block_ids, _weights, _values in _blocks(*written, None):
        ids.update(block_ids)
    if reader.has_deletions():
        ids.difference_update(reader.deleted_docs_set)
    return ids


def _live(reader: Any) -> set[int]:
    return set(reader.all_doc_ids())


def _evaluate(q: Any, reader: Any) -> set[int]:
    if isinstance(q, type(query.NullQuery)):
        return set()
    if isinstance(q, query.Every):
        if q.fieldname not in (None, "", "*"):
            raise Unsupported(q)
        return _live(reader)
    if isinstance(q, query.MultiTerm):  # fuzzy, wildcard, prefix, regex, ranges of terms
        if q.fieldname not in reader.schema:
            return set()
        found: set[int] = set()
        for text in q._btexts(reader):
            found |= _posting_ids(reader, q.fieldname, text)
        return found
    if isinstance(q, KnownPhrase):
        phrase = q.found.get(reader)
        if phrase is None:
            raise Unsupported(q)
        return set(phrase.ids)
    if type(q) is query.Term:
        if q.fieldname not in reader.schema:
            return set()
        return _posting_ids(reader, q.fieldname, q.text)
    if isinstance(q, query.AndNot):
        return _evaluate(q.a, reader) - _evaluate(q.b, reader)
    if isinstance(q, query.AndMaybe):
        return _evaluate(q.a, reader)
    if isinstance(q, query.And | query.Require):
        positive = [s for s in q.subqueries if not isinstance(s, query.Not)]
        negative = [s.query for s in q.subqueries if isinstance(s, query.Not)]
        if not positive:
            raise Unsupported(q)
        sets = sorted((_evaluate(s, reader) for s in positive), key=len)
        result = sets[0].intersection(*sets[1:])
        for s in negative:
            result -= _evaluate(s, reader)
        return result
    if isinstance(q, query.Or | query.DisjunctionMax):
        if isinstance(q, query.Or) and getattr(q, "minmatch", 0) > 1:
            raise Unsupported(q)
        union: set[int] = set()
        for s in q.subqueries:
            if isinstance(s, query.Not):
                raise Unsupported(q)
            union |= _evaluate(s, reader)
        return union
    raise Unsupported(q)


def match_sets(searcher: Any, q: Any) -> Segments | None:
    """Each segment's documents matching ``q``, or ``None`` when ``q`` needs Whoosh."""
    try:
        return [
            (leaf, frozenset(_evaluate(q, leaf.reader()))) for leaf, _ in searcher.leaf_searchers()
        ]
    except Unsupported:
        return None


def total(segments: Segments) -> int:
    return sum(len(ids) for _, ids in segments)


def restrict(segments: Segments, allowed: set[int] | None, searcher: Any) -> Segments:
    """``segments`` keeping only the (global) document numbers in ``allowed``."""
    if allowed is None:
        return segments
    out: Segments = []
    for (leaf, ids), (_, offset) in zip(segments, searcher.leaf_searchers(), strict=True):
        out.append((leaf, frozenset(i for i in ids if i + offset in allowed)))
    return out


# --- phrases ----------------------------------------------------------------------


class _Found:
    """A phrase's documents in one segment, with each word's weight in each."""

    __slots__ = ("ids", "texts", "weights")

    def __init__(self, ids: list[int], texts: list[bytes], weights: list[list[float]]) -> None:
        self.ids = ids
        self.texts = texts
        self.weights = weights


_NOTHING = _Found([], [], [])


class _At:
    """Where a scorer looks: one document and a word's weight in it (the two
    things Whoosh's scorers read from a matcher)."""

    __slots__ = ("docnum", "tf")

    def __init__(self) -> None:
        self.docnum = 0
        self.tf = 0.0

    def id(self) -> int:
        return self.docnum

    def weight(self) -> float:
        return self.tf


class _PhraseMatcher(ListMatcher):
    """The phrase's documents with their scores, bounded as Whoosh bounds its
    phrase matcher: by the sum of its words' best scores, and never replaced
    by a smaller matcher (Whoosh's ``SpanNear2Matcher.replace`` returns
    itself too), so the matchers around it decide exactly as before."""

    def __init__(self, ids: list[int], scores: list[float], bound: float) -> None:
        super().__init__(ids, scores)
        self._bound = bound

    def copy(self) -> _PhraseMatcher:
        m = _PhraseMatcher(self._ids, self._weights, self._bound)
        m._i = self._i
        return m

    def replace(self, minquality: float = 0) -> Any:
        return self if self.is_active() else matching.NullMatcher()

    def max_quality(self) -> float:
        return self._bound

    def supports_block_quality(self) -> bool:
        return False


class KnownPhrase(query.Phrase):
    """A ``Phrase`` whose documents :func:`known_phrases` has already found.

    Matches and scores as Whoosh's phrase does: the sum of its words' scores
    from the searcher's weighting, times the boost. The scores are computed
    for the phrase's documents up front and served from a list, since that
    list is all there is to rank. A searcher it was not prepared for gets
    Whoosh's own phrase matcher.
    """

    found: dict[Any, _Found]

    def matcher(self, searcher: Any, context: Any = None) -> Any:
        found = self.found.get(searcher.reader())
        if found is None:
            return super().matcher(searcher, context)
        if not found.ids:
            return matching.NullMatcher()
        weighting = context.weighting if context is not None else searcher.weighting
        if weighting is None:  # Whoosh asks for unscored matchers too (docs_for_query)
            return ListMatcher(found.ids)
        scores, bound = self.scores(searcher, weighting, found, boosted=False)
        m = _PhraseMatcher(found.ids, scores, bound)
        if self.boost != 1.0:
            m = matching.WrappingMatcher(m, boost=self.boost)
        return m

    def scores(
        self, searcher: Any, weighting: Any, found: _Found, *, boosted: bool = True
    ) -> tuple[list[float], float]:
        """Each of ``found``'s documents' score in a leaf ``searcher``, and their
        bound (the sum of the words' best scores); ``boosted``, times the
        boost as Whoosh's wrapping matcher applies it."""
        scores = [0.0] * len(found.ids)
        bound = 0.0
        at = _At()
        lengths: list[int] | None = None
        for text, weights in zip(found.texts, found.weights, strict=True):
            scorer = weighting.scorer(searcher, self.fieldname, text)
            bound += scorer.max_quality()
            if type(scorer).score is scoring.WeightLengthScorer.score:
                # BM25F and its kin score from (weight, field length): each
                # document's length is looked up once for all the words.
                if lengths is None:
                    lengths = field_lengths(searcher.reader(), self.fieldname, found.ids)
                score = scorer._score
                for i, (tf, dl) in enumerate(zip(weights, lengths, strict=True)):
                    scores[i] += score(tf, dl)
                continue
            for i, (docnum, tf) in enumerate(zip(found.ids, weights, strict=True)):
                at.docnum, at.tf = docnum, tf
                scores[i] += scorer.score(at)
        if boosted and self.boost != 1.0:
            scores = [score * self.boost for score in scores]
        return scores, bound


def rank_phrases(
    searcher: Any, q: Any, window: int, allowed: set[int] | None = None
) -> tuple[int, list[tuple[float, int]]] | None:
    """The exact total and the best ``window`` (score, document) of a query
    that is one :class:`KnownPhrase` or an OR of two (a typed phrase is one
    over the title and one over the body), or None for any other query;
    with ``allowed`` (global document numbers, a date range's), only those.

    Whoosh would step a union of the phrases' matchers through every
    document, one Python call per document and matcher, to keep the same
    top documents its collector keeps: scores from the same scorers, a
    document in both phrases scored as their sum (Whoosh's union adds the
    two, and two floats add the same either way round), the best first and
    equal scores by document number. The phrases already hold every
    document and its score, so this adds them up in a dict and takes the
    top with ``heapq``. Tests hold the page and the scores to Whoosh's.
    """
    if isinstance(q, KnownPhrase):
        phrases = [q]
    elif (
        type(q) is query.Or
        and 1 <= len(q.subqueries) <= 2
        and all(isinstance(sub, KnownPhrase) for sub in q.subqueries)
        and q.boost == 1.0
        and not q.minmatch
        and not q.scale
    ):
        phrases = list(q.subqueries)
    else:
        return None
    weighting = searcher.weighting
    if weighting is None or weighting.use_final:
        return None
    scored: dict[int, float] = {}
    for leaf, offset in searcher.leaf_searchers():
        in_leaf: dict[int, float] = {}
        for phrase in phrases:
            found = phrase.found.get(leaf.reader())
            if found is None:
                return None
            if not found.ids:
                continue
            scores, _bound = phrase.scores(leaf, weighting, found)
            if not in_leaf:
                in_leaf = dict(zip(found.ids, scores, strict=True))
                continue
            for doc, score in zip(found.ids, scores, strict=True):
                earlier = in_leaf.get(doc)
                in_leaf[doc] = score if earlier is None else earlier + score
        scored.update((doc + offset, score) for doc, score in in_leaf.items())
    if allowed is not None:
        scored = {doc: score for doc, score in scored.items() if doc in allowed}
    top = heapq.nsmallest(window, scored.items(), key=lambda item: (-item[1], item[0]))
    return len(scored), [(score, doc) for doc, score in top]


def _follows(
    spans: list[tuple[int, int]], positions: list[int], slop: int
) -> list[tuple[int, int]]:
    """The spans extended by a next word at ``positions``, as Whoosh's ordered
    ``SpanNear2`` (``mindist=1``) extends them: 1 to ``slop`` positions after
    a span's end."""
    if slop == 1:
        at = set(positions)
        return [(start, end + 1) for start, end in spans if end + 1 in at]
    out = {(start, p) for start, end in spans for p in positions if 1 <= p - end <= slop}
    return sorted(out)


def _postings(
    reader: Any, fieldname: str, text: bytes, within: list[int] | None = None
) -> dict[int, tuple[float, Any]]:
    """Every live document with the word: its weight and its (still encoded) positions.

    The word's whole posting list is read in one piece and its blocks
    unpickled there (:func:`_blocks`); positions are decoded later, and only
    for the documents that have every word. With ``within`` (sorted
    document numbers), only the blocks that can hold one of them are
    decoded: a block's header gives its last document, so a block between
    two candidates is passed over unread (the result then holds at least
    every document of ``within`` that has the word).
    """
    written = _written_postings(reader, fieldname, text)
    if written is None:
        return _postings_from_matcher(reader, fieldname, text)
    out: dict[int, tuple[float, Any]] = {}
    for ids, weights, values in _blocks(*written, within):
        out.update(zip(ids, zip(weights, values, strict=True), strict=True))
    if reader.has_deletions():
        for doc in reader.deleted_docs_set.intersection(out):
            del out[doc]
    return out


def _written_postings(reader: Any, fieldname: str, text: Any) -> tuple[bytes, int | None] | None:
    """A segment's posting list of the term as the W3 codec wrote it, and the
    fixed size of its values; None where Whoosh's matcher must read it (no
    such term, postings inlined in the term's entry, another codec)."""
    try:
        if not isinstance(text, bytes):
            text = reader._text_to_bytes(fieldname, text)
        terminfo = reader._terms.term_info(fieldname, text)
    except (TermNotFound, AttributeError):
        return None
    if terminfo.is_inlined():
        return None
    offset, length = terminfo.extent()
    if isinstance(length, tuple):  # W3TermInfo.from_bytes leaves it as struct's 1-tuple
        (length,) = length
    fixed = reader.schema[fieldname].format.fixed_value_size()
    return reader._terms._postfile.get(offset, length), fixed


def _postings_from_matcher(
    reader: Any, fieldname: str, text: bytes
) -> dict[int, tuple[float, Any]]:
    """:func:`_postings` through Whoosh's matcher, for what is not a W3 posting
    list on disk (postings inlined in the term's entry, another codec)."""
    try:
        m = reader.postings(fieldname, text)
    except TermNotFound:
        return {}
    out: dict[int, tuple[float, Any]] = {}
    while m.is_active():
        out[m.id()] = (m.weight(), m.value())
        m.next()
    return out


def _positions_decoder(fmt: Any) -> Any:
    """``fmt``'s positions decoder: for fieldbrief's packed positions, the
    positions as they are unpacked; for Whoosh's ``Positions``, the same
    decoding with the running sum done by ``itertools.accumulate`` (C) rather
    than a Python loop. Decoding is most of what checking a phrase costs."""
    if isinstance(fmt, PackedPositions):
        return packed_positions
    if type(fmt) is not formats.Positions:
        return fmt.decoder("positions")
    skip = formats._INT_SIZE

    def decode(value: bytes) -> list[int]:
        if not value.endswith(b"."):
            value += b"."
        return list(accumulate(pickle.loads(value[skip:])))

    return decode


def _find_in_segment(reader: Any, fieldname: str, texts: list[bytes], slop: int) -> _Found:
    if any((fieldname, text) not in reader for text in texts):
        return _NOTHING
    # The rarest word first: each further word's postings are read only in
    # the blocks that can hold a document every earlier word has.
    order = sorted(range(len(texts)), key=lambda i: reader.doc_frequency(fieldname, texts[i]))
    postings: list[dict[int, tuple[float, Any]]] = [{} for _ in texts]
    docs: list[int] | None = None  # the documents with every word read so far
    for i in order:
        postings[i] = _postings(reader, fieldname, texts[i], docs)
        docs = sorted(postings[i] if docs is None else set(docs).intersection(postings[i]))
        if not docs:
            return _NOTHING
    assert docs is not None  # a phrase has words
    decode = _positions_decoder(reader.schema[fieldname].format)
    if slop == 1:
        docs = adjacent(decode, postings, docs)
        if not docs:
            return _NOTHING
        return _Found(docs, texts, [[word[doc][0] for doc in docs] for word in postings])
    first = postings[0]
    spans = {doc: [(p, p) for p in decode(first[doc][1])] for doc in docs}
    for word in postings[1:]:
        for doc in docs:
            extended = _follows(spans[doc], list(decode(word[doc][1])), slop)
            if extended:
                spans[doc] = extended
            else:
                del spans[doc]
        docs = sorted(spans)
        if not docs:
            return _NOTHING
    return _Found(docs, texts, [[word[doc][0] for doc in docs] for word in postings])


def known_phrases(searcher: Any, q: Any) -> Any:
    """``q`` with each plain phrase over a positional field made a :class:`KnownPhrase`."""
    from .fuzzy import rewrite

    leaves = [leaf for leaf, _ in searcher.leaf_searchers()]

    def visit(node: Any) -> Any:
        if type(node) is not query.Phrase or len(node.words) < 2:
            return node
        if node.fieldname not in searcher.schema:
            return node
        field = searcher.schema[node.fieldname]
        if not field.format or not field.format.supports("positions"):
            return node
        try:
            texts = [field.to_bytes(word) for word in node.words]
        except ValueError:
            return node
        known = KnownPhrase(
            node.fieldname,
            node.words,
            slop=node.slop,
            boost=node.boost,
            char_ranges=node.char_ranges,
        )
        known.found = {
            leaf.reader(): _find_in_segment(leaf.reader(), node.fieldname, texts, node.slop)
            for leaf in leaves
        }
        return known

    return rewrite(q, visit)
