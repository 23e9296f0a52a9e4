"""Figure normalisation: value, unit, subject, qualifier, ranges, conversions."""

from __future__ import annotations

import pytest

from fieldbrief.search.facts.extract import extract_facts
from fieldbrief.search.facts.figures import FigureMatch, find_figures


def one(text: str) -> FigureMatch:
    found = find_figures(text)
    assert len(found) == 1, [(f.text, f.value, f.unit) for f in found]
    f = found[0]
    assert text[f.start : f.end] == f.text
    return f


def test_troop_count_with_nationality() -> None:
    f = one("there were 1,100 US troops in the West African country.")
    assert (f.text, f.value, f.unit, f.subject, f.qualifier) == (
        "1,100 US troops",
        1100,
        "troops",
        "US troops",
        None,
    )


@pytest.mark.parametrize(
    ("text", "qualifier", "value", "span"),
    [
        ("from around 1,200 troops", "approx", 1200, "around 1,200 troops"),
        ("about 1,000 soldiers", "approx", 1000, "about 1,000 soldiers"),
        ("the roughly 1,000 troops based there", "approx", 1000, "roughly 1,000 troops"),
        ("more than 100 forces it has deployed", "more than", 100, "more than 100 forces"),
        ("Fewer than 1,000 U.S. troops remain", "fewer than", 1000, "Fewer than 1,000 U.S. troops"),
        ("More than 2,000 French troops left", "more than", 2000, "More than 2,000 French troops"),
    ],
)
def test_qualifiers(text: str, qualifier: str, value: float, span: str) -> None:
    f = one(text)
    assert (f.qualifier, f.value, f.unit, f.text) == (qualifier, value, "troops", span)


def test_personnel_and_forces_count_as_troops_but_keep_their_noun() -> None:
    f = one("With about 1,100 military personnel in Niger")
    assert (f.value, f.unit, f.subject, f.qualifier) == (
        1100,
        "troops",
        "military personnel",
        "approx",
    )
    f = one("withdraw their 1,500 troops.")
    assert (f.value, f.unit, f.subject) == (1500, "troops", "troops")


def test_strong_force() -> None:
    f = one("a 13,000-strong UN peacekeeping force is due to shut down")
    assert (f.value, f.unit, f.subject) == (13000, "troops", "UN peacekeeping force")


def test_distance_keeps_stated_km_and_records_miles() -> None:
    f = one("the smaller base in Agadez, about 500 miles (739 km) away.")
    assert f.text == "about 500 miles (739 km)"
    assert (f.value, f.unit, f.qualifier) == (739, "km", "approx")
    assert (f.orig_value, f.orig_unit) == (500, "mi")
    assert f.note is not None and "804.7 km" in f.note and "739 km" in f.note


def test_distance_conversions() -> None:
    f = one("about 920 kilometers from the capital")
    assert (f.value, f.unit, f.qualifier) == (920, "km", "approx")
    f = one("a town 100 miles north")
    assert (f.value, f.unit, f.orig_value, f.orig_unit) == (160.9, "km", 100, "mi")


def test_money() -> None:
    f = one("built at a cost of more than $100 million.")
    assert (f.value, f.unit, f.qualifier, f.subject) == (100_000_000, "USD", "more than", "cost")
    f = one("invested hundreds of millions of dollars in training Niger's military since")
    assert (f.value, f.unit, f.qualifier) == (None, "USD", "vague")
    assert f.low == 2e8 and f.high == 1e9
    assert f.subject == "training Niger's military"


def test_range_and_target() -> None:
    text = "reduce the overall number of troops in Niger from around 1,200 to somewhere between 500 and 1,000, one official said"
    current, target = find_figures(text)
    assert (current.value, current.unit, current.qualifier, current.aspect) == (
        1200,
        "troops",
        "approx",
        None,
    )
    assert (target.value, target.low, target.high, target.qualifier) == (None, 500, 1000, "between")
    assert target.aspect == "target"
    assert target.text == "between 500 and 1,000"


def test_proportions_in_words_are_not_figures() -> None:
    # No number is stated: "nearly half", "cut in half", "a third of".
    assert find_figures("plans to cut their number “nearly in half” over the next weeks") == []
    assert find_figures("nearly half of the troops left and a third of them stayed") == []


@pytest.mark.parametrize(
    ("text", "span", "value", "unit", "subject"),
    [
        (
            "Organisers sold 500,000 tickets for the final.",
            "500,000 tickets",
            5e5,
            "tickets",
            "tickets",
        ),
        ("The Dow fell 801 points on Monday.", "801 points", 801, "points", "points"),
        (
            "It hired 3 million new subscribers.",
            "3 million new subscribers",
            3e6,
            "subscribers",
            "new subscribers",
        ),
        ("Police said 12 armed men attacked.", "12 armed men", 12, "men", "armed men"),
    ],
)
def test_counted_plural_nouns(text: str, span: str, value: float, unit: str, subject: str) -> None:
    f = one(text)
    assert (f.text, f.value, f.unit, f.subject) == (span, value, unit, subject)


@pytest.mark.parametrize(
    ("text", "span", "value", "unit"),
    [
        ("net profit rose to dlrs 220 million in 1996.", "dlrs 220 million", 220e6, "USD"),
        ("profit was 220 million dlrs.", "220 million dlrs", 220e6, "USD"),
        ("The dollar was at 135.42 yen.", "135.42 yen", 135.42, "JPY"),
        ("a fine of RM50,000 was imposed", "RM50,000", 50000, "MYR"),
        ("a stamp costs 2 kroner now", "2 kroner", 2, "kroner"),
        ("shares fell 28 cents.", "28 cents", 28, "cents"),
        ("He paid 5 Swiss francs.", "5 Swiss francs", 5, "CHF"),
        ("a loan of EUR 3 billion", "EUR 3 billion", 3e9, "EUR"),
        ("the Bundesbank spent 1.5 billion marks", "1.5 billion marks", 1.5e9, "DEM"),
        ("about HK$2 billion in debt", "about HK$2 billion", 2e9, "HKD"),
    ],
)
def test_currencies(text: str, span: str, value: float, unit: str) -> None:
    f = one(text)
    assert (f.text, f.value, f.unit, f.category) == (span, value, unit, "money")


def test_percent_after_a_name_and_basis_points() -> None:
    f = one("Barisan won Johor with 41.77 per cent of the vote")
    assert (f.text, f.value, f.unit, f.subject) == ("41.77 per cent", 41.77, "%", "vote")
    f = one("The Fed raised rates by 25 basis points.")
    assert (f.text, f.value, f.unit) == ("25 basis points", 25, "bp")
    # A capitalised word before a bare number still names a thing.
    assert find_figures("Article 5 guarantees and Chapter 11 protection") == []


def test_hyphenated_measures_ages_and_rates() -> None:
    a, b = find_figures("the 3,000-meter steeplechase next to a 14-story building")
    assert (a.text, a.value, a.unit, a.orig_value, a.orig_unit) == (
        "3,000-meter",
        3,
        "km",
        3000,
        "m",
    )
    assert (b.text, b.value, b.unit, b.subject) == ("14-story", 14, "stories", "building")
    f = one("Zoran Savic, 65, said he would retire.")
    assert (f.text, f.value, f.unit, f.category, f.subject) == ("65", 65, "years", "age", "Savic")
    ages = find_figures("a 65-year-old man, aged 70, was 40 years old")
    assert [(f.text, f.value, f.category) for f in ages] == [
        ("65-year-old", 65, "age"),
        ("aged 70", 70, "age"),
        ("40 years old", 40, "age"),
    ]
    f = one("the office receives 2,000 letters a day")
    assert (f.text, f.value, f.unit, f.category) == (
        "2,000 letters a day",
        2000,
        "letters/day",
        "rate",
    )
    # Dates with commas are not ages.
    assert find_figures("On Aug. 8, 1996, he spoke; on September 7, 12 people died.")[0].text == (
        "12 people"
    )


def test_durations() -> None:
    f = one("the result of four days of negotiations between")
    assert (f.value, f.unit, f.subject) == (4, "days", "negotiations")
    f = one("ousted a nine-year French counter-terrorism mission after")
    assert (f.value, f.unit, f.subject) == (9, "years", "French counter-terrorism mission")
    f = one("less than two weeks after the coup")
    assert (f.value, f.unit, f.qualifier) == (2, "weeks", "fewer than")


def test_percent() -> None:
    f = one("turnout fell to 27.5% of registered voters")
    assert (f.value, f.unit) == (27.5, "%")
    f = one("about 40 percent of the budget")
    assert (f.value, f.unit, f.qualifier) == (40, "%", "approx")


def test_not_figures() -> None:
    assert find_figures("from Air Base 101 in Niamey to Air Base 201 in Agadez") == []
    assert find_figures("since it began operations there in 2013.") == []
    assert find_figures("after the 2011 NATO regime-change intervention") == []
    # A definite reference is not a count claim.
    assert find_figures("the two officials said.") == []
    # Years before a plural noun, and numbers before prepositions, count nothing.
    assert find_figures("in 2013 protests erupted; 5 in attacks; 10 times more") == []


def test_a_day_of_a_month_and_an_ordinal_count_nothing() -> None:
    assert find_figures("The Pentagon on Dec. 8 issued guidelines to recruiters") == []
    assert find_figures("a bill to fund the government until Jan. 19 while Congress works") == []
    assert find_figures("The House bill passed on November 16 let homeowners deduct it") == []
    assert find_figures("voters in the 6th and 7th districts agreed") == []
    # The count after a date is still one.
    assert one("sent 1,100 troops on May 3").text == "1,100 troops"


def test_won_and_marks_are_money_only_after_a_scale_word() -> None:
    f = one("operating profit fell to 10.4 trillion won, down 38")
    assert (f.text, f.value, f.unit) == ("10.4 trillion won", 10.4e12, "KRW")
    assert one("It raised 1.5 billion marks").unit == "DEM"
    assert [x.unit for x in find_figures("The team won 3 games")] == ["games"]
    assert one("a 40 billion rupiah loan").unit == "IDR"


def test_a_hyphenated_percentage() -> None:
    f = one("The bill creates a 20-percent business income deduction")
    assert (f.text, f.value, f.unit) == ("20-percent", 20.0, "%")


class _NoEntities:
    """A tagger that finds nothing, so only the figure rules speak."""

    def entities(self, text: str, sentence_spans: object = None) -> list[tuple[str, int, int, str]]:
        return []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "A 65-year-old man was arrested in Lagos on Monday.",
            [("65-year-old", 65, "years", "age")],
        ),
        ("A 14-story tower collapsed in Lagos.", [("14-story", 14, "stories", "measure")]),
        (
            "The 65-year-old minister, aged 70, spoke.",
            [("65-year-old", 65, "years", "age"), ("aged 70", 70, "years", "age")],
        ),
    ],
)
def test_a_sentence_opening_article_names_no_number(
    text: str, expected: list[tuple[str, float, str, str]]
) -> None:
    # "A"/"The" are capitalised for their position, unlike "Air Base" in "Air Base 201".
    found = [(f.text, f.value, f.unit, f.category) for f in find_figures(text)]
    assert found == expected
    # The same through the whole pipeline, as `fieldbrief facts --jsonl` runs it.
    facts = extract_facts(text, None, tagger=_NoEntities())
    assert [(f.text, f.value, f.unit) for f in facts if f.kind == "figure"] == [
        (t, v, u) for t, v, u, _ in expected
    ]


@pytest.mark.parametrize(
    ("text", "span", "value", "unit", "category"),
    [
        ("An 18-year-old student was killed.", "18-year-old", 18, "years", "age"),
        ("A 10-km stretch of road was closed.", "10-km", 10, "km", "distance"),
        ("In 14-story buildings, fires spread.", "14-story", 14, "stories", "measure"),
        ("Its 3,000-meter runway was shut.", "3,000-meter", 3, "km", "distance"),
        ("A 12-year war ended.", "12-year", 12, "years", "duration"),
        ("The 500 troops left on Friday.", "500 troops", 500, "troops", "troops"),
        # A number word after "the" is a back reference, but not before a hyphenated unit.
        ("The nine-year mission ended.", "nine-year", 9, "years", "duration"),
        ("It ended the two-year ban.", "two-year", 2, "years", "duration"),
        # A hyphenated unit measures a number even after a capitalised word.
        ("He won the Olympic 3,000-meter steeplechase.", "3,000-meter", 3, "km", "distance"),
        ("BRAZIL ASKS 60-DAY EXTENSION", "60-DAY", 60, "days", "duration"),
    ],
)
def test_hyphenated_measures_wherever_the_sentence_starts(
    text: str, span: str, value: float, unit: str, category: str
) -> None:
    f = one(text)
    assert (f.text, f.value, f.unit, f.category) == (span, value, unit, category)


def test_a_sentence_after_a_quote() -> None:
    text = "“We saw it fall,” she said. “A 65-year-old man was inside.” The 14-story tower burned."
    second = text.index("“A")
    third = text.index("The 14")
    f = one(text[second : third - 1])
    assert (f.text, f.value, f.category) == ("65-year-old", 65, "age")
    [g] = find_figures(text, third, len(text))
    assert (g.text, g.value, g.unit) == ("14-story", 14, "stories")


def test_a_range_opening_a_sentence() -> None:
    f = one("Between 15,000 and 20,000 couples go to court each year.")
    assert (f.text, f.low, f.high, f.qualifier) == (
        "Between 15,000 and 20,000 couples",
        15000,
        20000,
        "between",
    )


@pytest.mark.parametrize(
    "text",
    [
        "Resolution 2719 passed on Friday.",
        "Air Base 201 was closed.",
        "Chapter 11 filings rose.",
        "Article 5 guarantees hold.",
        # "No" abbreviates "number" even where it opens a sentence.
        "No 10 officials said nothing.",
        "The two officials said so.",
        "The 2019 protests spread.",
        "A 2019 report was published.",
        # A year before "year" is a year, and a face value counts nothing.
        "assets at 1986 year end were higher",
        "it said each 1,000 mark bond carries two warrants",
        "the bonds come in 5,000 franc denominations",
        # A capital against the number names a product or standard.
        "But 3G networks were built.",
        "Boeing will supply 50 of its 7E7 planes.",
        # A time of day before a noun counts nothing.
        "By 1228 gmt Norcros shares were quoted higher.",
        "At 5 pm troops left the base.",
    ],
)
def test_still_not_figures(text: str) -> None:
    assert find_figures(text) == []
