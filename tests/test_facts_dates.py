"""Date expressions: absolute forms, relative resolution, and no guessing without a date."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from fieldbrief.search.facts.dates import UNRESOLVED, WEEKDAYS, find_dates

FRI = dt.date(2023, 9, 8)  # seed 000/001/003 publication day, a Friday
MON = dt.date(2024, 5, 20)  # seed 002, a Monday


def one(text: str, published: dt.date | None = None) -> tuple[str, str | None, str]:
    found = find_dates(text, published)
    assert len(found) == 1, found
    d = found[0]
    assert text[d.start : d.end] == d.text
    return d.text, d.value, d.resolution


def test_weekday_resolves_to_most_recent_on_or_before_publication() -> None:
    assert one("Singh told reporters on Thursday that", FRI) == (
        "Thursday",
        "2023-09-07",
        "Thursday → 2023-09-07 (relative to 2023-09-08)",
    )
    assert one("Politico reported on Friday citing officials", FRI)[1] == "2023-09-08"
    assert one("the officials announced on Sunday.", MON)[1] == "2024-05-19"
    assert one("the Pentagon said Monday.", MON)[1] == "2024-05-20"


def test_future_clause_resolves_forward_unless_a_report_intervenes() -> None:
    text = "troops will complete their withdrawal by mid-September, officials said"
    assert one(text, MON)[1] == "2024-09"
    # "plans to ... , Politico reported on Friday": the report is in the past.
    text = "plans to cut their number over the coming weeks, Politico reported on Friday"
    assert one(text, FRI)[1] == "2023-09-08"


def test_absolute_forms() -> None:
    assert one("in Niamey, Niger, August 3, 2023.")[1:] == ("2023-08-03", "absolute")
    assert one("8 September 2023")[1] == "2023-09-08"
    assert one("after a July 2023 coup")[1] == "2023-07"
    assert one("since it began operations there in 2013.")[1] == "2013"
    assert one("after the 2011 NATO intervention")[1] == "2011"


def test_yearless_and_relative_forms_with_publication_date() -> None:
    assert one("the crisis that erupted on July 26 when", FRI)[1] == "2023-07-26"
    assert one("ousted President Mohamed Bazoum in late July", FRI)[:2] == ("late July", "2023-07")
    assert one("In October, Washington called it a coup", MON)[1] == "2023-10"
    assert one("follows last July's ouster", MON)[:2] == ("last July", "2023-07")
    assert one("only arrived in the capital last month.", FRI)[1] == "2023-08"
    assert one("negotiations should resume next month", MON)[1] == "2024-06"
    assert one("troops left Mali last year", FRI)[1] == "2022"
    assert one("Earlier this week, the SVR warned", FRI)[:2] == ("Earlier this week", "2023-W36")


def test_month_without_year_is_nearest_not_after_publication() -> None:
    assert one("In October, talks began", MON)[1] == "2023-10"
    assert one("In May, talks began", MON)[1] == "2024-05"
    assert one("In March, talks began", MON)[1] == "2024-03"


def test_nothing_relative_is_guessed_without_publication_date() -> None:
    for text in (
        "the Pentagon said Monday.",
        "said on August 7, less than",
        "in Niamey in February,",
        "Last week, the Kremlin",
        "told lawmakers last month.",
    ):
        _, value, resolution = one(text)
        assert value is None
        assert resolution == UNRESOLVED
    # Absolute dates still resolve.
    assert one("after a July 2023 coup")[1] == "2023-07"


def test_not_dates() -> None:
    assert find_dates("Officials may leave soon.", FRI) == []
    assert find_dates("There were 1,100 US troops and 2,000 French troops.", FRI) == []
    assert find_dates("from Air Base 101 to Air Base 201", FRI) == []
    assert find_dates("It costs $2015 per unit and 2019% more.", FRI) == []


@given(
    published=st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2090, 12, 31)),
    day=st.sampled_from(sorted(WEEKDAYS)),
)
def test_weekday_property(published: dt.date, day: str) -> None:
    (d,) = find_dates(f"Officials said on {day.title()} that", published)
    assert d.value is not None
    when = dt.date.fromisoformat(d.value)
    assert when.weekday() == WEEKDAYS[day]
    assert 0 <= (published - when).days <= 6


WED = dt.date(2017, 12, 20)  # a Wednesday in December


def value(text: str, published: dt.date | None = WED) -> str | None:
    return one(text, published)[1]


def test_the_longest_date_at_a_place_wins() -> None:
    # A preposition before a month must not cut "March 2021" to the month "since March".
    assert one("the lowest since March 2021, officials said", WED)[:2] == ("March 2021", "2021-03")
    assert value("after the coup of July 26, 2023, the") == "2023-07-26"
    assert value("must be ratified by March 29, 2019.") == "2019-03-29"


def test_decades() -> None:
    assert one("have tried to do so since the 1980s.")[:2] == ("1980s", "1980s")
    assert one("in power since the mid-1990s.")[:2] == ("mid-1990s", "1990s")
    assert value("not seen since the late 1980s") == "1980s"
    # Two digits: the latest such decade that began before publication.
    assert value("the '90s were different") == "1990s"
    assert value("back in the ’20s", dt.date(2024, 5, 1)) == "2020s"
    assert value("the '90s were different", None) is None


def test_parts_of_years_and_the_years_end() -> None:
    assert one("was last this weak in mid-2020, during")[:2] == ("mid-2020", "2020")
    assert value("due by end-1986, traders said") == "1986"
    assert value("expect cuts early next year") == "2018"
    assert value("as it did late last year") == "2016"
    assert value("the deal should close by the end of the year") == "2017"
    assert value("year-end bonuses") == "2017"
    assert value("in the current year") == "2017"


def test_quarters_and_halves() -> None:
    assert value("Shipments in the fourth quarter rose", dt.date(2021, 2, 17)) == "2020-Q4"
    assert value("first-quarter profit fell", dt.date(2024, 6, 3)) == "2024-Q1"
    # Results for a quarter are reported in the next one, future tense or not.
    assert value("It will report first-quarter results", dt.date(2024, 5, 3)) == "2024-Q1"
    assert value("It will report fourth-quarter results", dt.date(2024, 1, 9)) == "2023-Q4"
    assert value("sales will rise in the first quarter", dt.date(2024, 12, 3)) == "2025-Q1"
    assert value("in Q3 2023") == "2023-Q3"
    assert value("growth in the second half of 2021") == "2021-H2"
    # A match's halves are no dates.
    assert find_dates("scored early in the second half", WED) == []


def test_holidays_seasons_and_weekends() -> None:
    assert value("wants to sign it before Christmas") == "2017-12-25"
    assert value("after Christmas", dt.date(2018, 1, 9)) == "2017-12-25"
    assert value("over Thanksgiving") == "2017-11-23"
    assert value("on New Year's Eve") == "2017-12-31"
    assert value("toured Europe last summer", dt.date(2005, 2, 21)) == "2004"
    assert value("toured Europe last summer", dt.date(2005, 10, 2)) == "2005"
    assert value("the heaviest since the winter of 2013") == "2013"
    assert value("talks will resume in the spring", dt.date(2005, 2, 21)) == "2005"
    assert value("fighting in the summer killed 40", dt.date(2005, 2, 21)) == "2004"
    assert value("the weekend's talks", dt.date(2023, 9, 8)) == "2023-W35"
    assert value("talks over the weekend", dt.date(2023, 9, 10)) == "2023-W36"
    assert value("next weekend") == "2017-W52"
    for text in ("winter wheat prices", "prices fall sharply", "after the fall of Kabul"):
        assert find_dates(text, WED) == [], text


def test_years_ago_in_any_case() -> None:
    assert value("He left two years ago.") == "2015"
    assert value("Two years ago, he left.") == "2015"
    assert value("three days ago") == "2017-12-17"


def test_a_yearless_day_is_the_nearest_one_with_a_bias_to_the_past() -> None:
    # Two weeks ahead beats eleven months back; a month back beats eleven ahead.
    assert value("Voters go to the polls on May 26", dt.date(2019, 5, 12)) == "2019-05-26"
    assert value("plays London on March 12", dt.date(2005, 2, 21)) == "2005-03-12"
    assert value("the crisis that erupted on July 26", dt.date(2023, 9, 8)) == "2023-07-26"
    assert value("the bill takes effect on Jan. 1") == "2018-01-01"
    # Half a year either way: the past.
    assert value("talks on June 20 failed") == "2017-06-20"
    # "would": a future clause.
    assert value("The measure would take effect on Nov. 1", dt.date(2017, 12, 20)) == "2018-11-01"
    assert find_dates("on February 30", None) == []


def test_iso_weeks_sort_inside_their_month() -> None:
    from fieldbrief.search.facts.dates import date_sort_key

    values = ["2023-10", "2023-W36", "2023-09-08", "2023", "2023-09"]
    ordered = sorted(values, key=lambda v: (date_sort_key(v), v))
    assert ordered == ["2023", "2023-09", "2023-W36", "2023-09-08", "2023-10"]


def test_quarters_halves_and_decades_sort_by_their_start() -> None:
    from fieldbrief.search.facts.dates import date_sort_key

    values = ["2023-10", "2023-Q3", "2023-H2", "2023-06-30", "1990s", "1995", "2023-Q4"]
    ordered = sorted(values, key=lambda v: (date_sort_key(v), v))
    assert ordered == ["1990s", "1995", "2023-06-30", "2023-H2", "2023-Q3", "2023-10", "2023-Q4"]


@given(
    published=st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2090, 12, 31)),
    month=st.integers(min_value=1, max_value=12),
    day=st.integers(min_value=1, max_value=28),
)
def test_yearless_day_property(published: dt.date, month: int, day: int) -> None:
    name = dt.date(2000, month, 1).strftime("%B")
    (d,) = find_dates(f"Officials said on {name} {day} that", published)
    assert d.value is not None
    when = dt.date.fromisoformat(d.value)
    assert (when.month, when.day) == (month, day)
    gap = (when - published).days
    # The past within a year, or the future within about a quarter of one.
    assert -366 <= gap <= 366 // 3 + 1
