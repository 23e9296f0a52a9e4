"""The one-pass stemming tokenizer gives exactly Whoosh's StemmingAnalyzer tokens."""

from __future__ import annotations

import pickle
import re

import pytest
from whoosh.analysis import StemmingAnalyzer

from fieldbrief.search.analysis import StemmingTokenizer

TEXTS = [
    "The U.S. troops in Niger's capital, Niamey, are leaving; 1,100 of them by Sept. 15.",
    "A a I of the THE And: it's e-mail re-use 3.5% x y z wasn't Côte d'Ivoire naïve",
    "",
    "   ",
    "the of and",
    "Stock markets fell. Rates, rates and RATES rose; the interest-rate outlook...",
    "Агадес и Ниамей — 739 km; 北京 2024年",
]
OPTIONS = [
    {},
    {"positions": True},
    {"positions": True, "chars": True, "start_pos": 7, "start_char": 100},
    {"positions": True, "chars": True, "removestops": False},
    {"chars": True, "keeporiginal": True, "mode": "query"},
    {"tokenize": False, "positions": True, "chars": True},
    {"tokenize": False, "removestops": False},
]


def stream(analyzer: object, text: str, options: dict[str, object]) -> list[tuple[object, ...]]:
    names = ("text", "pos", "startchar", "endchar", "stopped", "original", "boost")
    return [tuple(getattr(t, n, None) for n in names) for t in analyzer(text, **options)]  # type: ignore[operator]


@pytest.mark.parametrize("options", OPTIONS)
@pytest.mark.parametrize("text", TEXTS)
def test_same_tokens_as_whoosh(text: str, options: dict[str, object]) -> None:
    assert stream(StemmingTokenizer(), text, options) == stream(StemmingAnalyzer(), text, options)


def test_seed_articles_tokenise_identically(seed_paths: list) -> None:
    whoosh, ours = StemmingAnalyzer(), StemmingTokenizer()
    for path in seed_paths:
        text = path.read_text("utf-8")
        assert stream(ours, text, {"positions": True, "chars": True}) == stream(
            whoosh, text, {"positions": True, "chars": True}
        )


def test_survives_the_schema_pickle() -> None:
    tokenizer = pickle.loads(pickle.dumps(StemmingTokenizer(minsize=3)))
    assert tokenizer == StemmingTokenizer(minsize=3) != StemmingTokenizer()
    words = "Running at the races"
    assert [t.text for t in tokenizer(words)] == [
        t.text for t in StemmingAnalyzer(minsize=3)(words)
    ]
    assert [t.text for t in tokenizer(words)] == ["runn", "race"]  # Whoosh's Porter stemmer


def test_packed_positions_read_back_as_whoosh_positions() -> None:
    """What Whoosh's matchers, highlighting and segment merges ask of a
    positions format: positions, frequency, weight, combined postings."""
    from whoosh.formats import Positions

    from fieldbrief.search.index.positions import PackedPositions

    ours, whoosh = PackedPositions(field_boost=2.0), Positions(field_boost=2.0)
    for poslist in ([0], [3, 3, 9], [5, 70_000, 70_001, 200_000], list(range(0, 5000, 7))):
        value = ours.encode(poslist)
        assert ours.decode_positions(value) == whoosh.decode_positions(whoosh.encode(poslist))
        assert ours.decode_positions(value) == poslist
        assert ours.decode_frequency(value) == len(poslist)
        assert ours.decode_weight(value) == 2.0 * len(poslist)
    assert ours.encode([1, 2])[:1] == b"H" and ours.encode([1, 70_000])[:1] == b"I"
    assert ours.decode_positions(ours.combine([ours.encode([4, 9]), ours.encode([1, 9])])) == [
        1,
        4,
        9,
    ]
    text = "Rates, rates and RATES rose; the interest-rate outlook"
    assert [(w, n, wt) for w, n, wt, _ in ours.word_values(text, StemmingTokenizer())] == [
        (w, n, wt) for w, n, wt, _ in whoosh.word_values(text, StemmingTokenizer())
    ]


def test_pair_adjacent_agrees_with_the_positions() -> None:
    """The two-word phrase check, with its shortcuts for a word that stands once
    and for short gaps read in place, against the positions read back whole."""
    import random

    from fieldbrief.search.index.positions import PackedPositions
    from fieldbrief.search.index.postings import pair_adjacent

    encode = PackedPositions().encode
    rng = random.Random(7)
    shapes = [1, 1, 2, 3, 8, 40]
    checked = {True: 0, False: 0}
    for _ in range(4000):
        lists = []
        for _word in range(2):
            wide = rng.random() < 0.1  # a gap past 65,535: four-byte gaps
            top = 200_000 if wide else 300
            lists.append(sorted(rng.sample(range(top), rng.choice(shapes))))
        first, second = lists
        expected = any(p + 1 in set(second) for p in first)
        assert pair_adjacent(encode(first), encode(second)) is expected, (first, second)
        checked[expected] += 1
    assert min(checked.values()) > 300  # both answers tried often


def test_a_word_alone_is_read_as_the_title_and_body_analyzer_reads_it() -> None:
    """A "did you mean" reads a typed word without Whoosh (:func:`.spelling.analysed`):
    the same single term as the schema's body analyzer, or the word itself
    where the analyzer makes none or several."""
    from whoosh.analysis.tokenizers import default_pattern

    from fieldbrief.search.index.schema import schema
    from fieldbrief.search.spelling import WORD_PATTERN, analysed, terms_of

    assert re.compile(WORD_PATTERN).pattern == default_pattern.pattern
    assert re.compile(WORD_PATTERN).flags == default_pattern.flags
    analyzer = schema()["body"].analyzer
    words = [
        "Withdrawal", "troops", "the", "a", "x", "don't", "anti-war", "U.S.", "u.s",
        "1,100", "Niamey's", "re-deployment", "e.g.", "Bazoum", "niger.", "ÉCOLE", "café",
        "it's", "co-operation", "sahel-based", "O'Neill", "3rd", "...", "withdrawl",
    ]  # fmt: skip
    for word in words:
        tokens = [t.text for t in analyzer(word)]
        assert terms_of(word) == tokens, word
        expected = tokens[0] if len(tokens) == 1 else word
        assert analysed(word) == expected, word
