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


def test_iso_weeks_sort_inside_their_month() -> None:
    from fieldbrief.search.facts.dates import date_sort_key

    values = ["2023-10", "2023-W36", "2023-09-08", "2023", "2023-09"]
    ordered = sorted(values, key=lambda v: (date_sort_key(v), v))
    assert ordered == ["2023", "2023-09", "2023-W36", "2023-09-08", "2023-10"]
