"""Snippets cut around the matched words, with exact highlight offsets."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from fieldbrief.search.snippets import SNIPPET_CHARS, snippet, term_pattern


def test_passages_with_most_matches_in_text_order() -> None:
    filler = "Nothing to see in this sentence at all. " * 12
    body = (
        f"Troops arrived.\n\n{filler}The troops left Niamey;  troop   numbers fell.\n{filler}"
        "Another troop was sent."
    )
    text, spans = snippet(body, term_pattern(["troop"]))
    # The passage with two matches, then the earliest of those with one.
    assert [text[s:e] for s, e in spans] == ["Troops", "troops", "troop"]
    assert " … " in text and "  " not in text and "\n" not in text
    first, second = text.split(" … ")
    assert first.startswith("Troops arrived.") and "troops left Niamey; troop numbers" in second
    assert "Another" not in text
    assert max(len(first), len(second)) <= SNIPPET_CHARS


def test_no_match_and_no_terms() -> None:
    assert snippet("Nothing here.", term_pattern(["troop"])) == ("", [])
    assert term_pattern([]) is None and snippet("Troops.", None) == ("", [])


def test_longer_terms_win_and_metacharacters_are_literal() -> None:
    pattern = term_pattern(["oil", "oilfield", "a+b"])
    assert pattern is not None
    text, spans = snippet("The oilfields and aab oil.", pattern)
    assert [text[s:e] for s, e in spans] == ["oilfields", "oil"]


@given(
    st.lists(st.sampled_from(["troop", "Troops", "x", "\n\n", "  ", "Niamey,", "é"]), max_size=200)
)
def test_spans_always_point_at_matches(words: list[str]) -> None:
    text, spans = snippet(" ".join(words), term_pattern(["troop"]))
    assert all(text[s:e].lower().startswith("troop") for s, e in spans)
    assert bool(spans) == bool(text)


def test_a_passage_showing_the_phrase_beats_one_with_more_of_its_words_apart() -> None:
    """Only the phrase's words are highlighted, not the stop words and
    one-letter words the index skips between them."""
    filler = "Nothing to see in this sentence at all. " * 12
    body = (
        f"Oil fell, prices rose, oil and more oil, price after price.\n{filler}"
        f"Analysts said the Bank of England and oil prices moved.\n{filler}"
    )
    pattern = term_pattern(
        ["oil", "price", "bank", "england"], [["oil", "price"], ["bank", "england"]], ["of", "the"]
    )
    text, spans = snippet(body, pattern, passages=1)
    assert "Bank of England and oil prices" in text
    assert [text[s:e] for s, e in spans] == ["Bank", "England", "oil", "prices"]
    # Without the phrases, the passage with the most words wins.
    words_only, _ = snippet(body, term_pattern(["oil", "price", "bank", "england"]), passages=1)
    assert words_only.startswith("Oil fell")


def test_a_phrase_across_punctuation_and_a_one_letter_word() -> None:
    pattern = term_pattern(["unit", "state"], [["unit", "state"]], ["of"])
    text, spans = snippet("Troops of the United - a States unit.", pattern)
    assert [text[s:e] for s, e in spans] == ["United", "States", "unit"]


@given(
    st.lists(
        st.sampled_from(["oil", "Oil", "prices", "of", "a", ",", "\n\n", "price.", "é", "x"]),
        max_size=120,
    )
)
def test_phrase_spans_always_point_at_its_words(words: list[str]) -> None:
    text, spans = snippet(
        " ".join(words), term_pattern(["oil", "price"], [["oil", "price"]], ["of"])
    )
    assert all(text[s:e].lower().startswith(("oil", "price")) for s, e in spans)
    assert bool(spans) == bool(text)


def test_stems_that_end_in_i_find_their_words_ending_in_y() -> None:
    """Porter writes a final y as i: "money supply" is indexed as monei suppli."""
    pattern = term_pattern(["monei", "suppli", "militari"], [["monei", "suppli"]], ["of"])
    text, spans = snippet(
        "The military said money supply and the supplies of monies grew.", pattern
    )
    # ("monies" is stemmed moni: another word.)
    assert [text[s:e] for s, e in spans] == ["military", "money", "supply", "supplies"]
