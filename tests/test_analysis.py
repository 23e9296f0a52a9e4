"""The one-pass stemming tokenizer gives exactly Whoosh's StemmingAnalyzer tokens."""

from __future__ import annotations

import pickle

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
