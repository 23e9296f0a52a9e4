"""Dates as typed in a query (``date:>2023``, ``date:[2023-09-01 to 2023-12-31]``),
read into spans of time and of day numbers.

Whoosh-free: the engine (:mod:`.query`, :mod:`.datefilter`) and the direct
search (:mod:`.direct`) read a typed date the same way.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

Moments = tuple[datetime | None, datetime | None]
"""The first and the last moment of a range (None: open at that end)."""

EPOCH = date(1970, 1, 1)

LAST_DAY = 2**32 - 1
"""The day number an open end of a range stands for."""


def day_number(value: datetime | None, default: int) -> int:
    """Days since 1970 of ``value`` (at least 1: 0 is an undated article's, never
    inside a range), or ``default``."""
    if value is None:
        return default
    return max(1, (value.date() - EPOCH).days)


def day_span(start: datetime | None, end: datetime | None) -> tuple[int, int]:
    """The inclusive day numbers of a range from ``start`` to ``end``."""
    return day_number(start, 1), day_number(end, LAST_DAY)


# date:>2024, date:<=2023-08, date:>"2024-05-20" (quoted, Whoosh's GtLt plugin
# would take it and keep the boundary).
_YEAR_COMPARISON = re.compile(r'\bdate:([<>]=?)(")?(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?(2)"|\b)')


def calendar_span(year: str, month: str | None, day: str | None) -> tuple[date, date]:
    """The first and last day of the year, month or day as written."""
    y = int(year)
    if month is None:
        return date(y, 1, 1), date(y, 12, 31)
    m = int(month)
    if day is None:
        return date(y, m, 1), date(y, m, _days_in(y, m))
    exact = date(y, m, int(day))
    return exact, exact


def _days_in(year: int, month: int) -> int:
    """The month's last day (``calendar.monthrange``'s, without importing
    ``calendar`` and ``locale`` into every cold search)."""
    if not 1 <= month <= 12:
        raise ValueError(f"no month {month}")
    if month == 12:
        return 31
    return (date(year, month + 1, 1) - timedelta(days=1)).day


def compact(day: date) -> str:
    return f"{day.year:04d}{day.month:02d}{day.day:02d}"


def normalise_dates(text: str) -> str:
    """Rewrite ``date:>2024`` style comparisons into ranges Whoosh understands.

    ``>``/``<`` are strict at the precision written: after 2023 starts on
    2024-01-01, before 2023-09 ends on 2023-08-31; ``>=``/``<=`` include the
    whole year, month or day. The bounds are written as days because a range
    bound of a bare year or month is inclusive of all of it in Whoosh.
    """

    def repl(match: re.Match[str]) -> str:
        op, _quote, year, month, day = match.groups()
        try:
            first, last = calendar_span(year, month, day)
            if op == ">":
                return f"date:[{compact(last + timedelta(days=1))} to]"
            if op == ">=":
                return f"date:[{compact(first)} to]"
            if op == "<":
                return f"date:[to {compact(first - timedelta(days=1))}]"
            return f"date:[to {compact(last)}]"
        except (ValueError, OverflowError):
            # No such date (2023-13, or past the calendar's ends): Whoosh's
            # own parser gets it as typed and reports it, and the query is
            # searched as words.
            stamp = year + (month or "") + (day or "")
            return f"date:[{stamp} to]" if op.startswith(">") else f"date:[to {stamp}]"

    text = _YEAR_COMPARISON.sub(repl, text)
    text = _ISO_ALONE.sub(_compact_alone, text)
    # Whoosh's date parser reads "1987-03-01" as the year 1987 alone; the
    # compact form "19870301" it reads as the day.
    return _DATE_RANGE.sub(lambda m: _ISO_DAY.sub(r"\1\2\3", m.group(0)), text)


_ISO_ALONE = re.compile(r"\bdate:(\d{4})-(\d{2})(?:-(\d{2}))?(?=\s|\)|$)")
"""A month or a day written as analysts write it (``date:2023-09``), alone:
Whoosh's date grammar does not read it (the search fell back to its words
and found nothing); its compact form is that month or day."""


def _compact_alone(match: re.Match[str]) -> str:
    year, month, day = match.groups()
    try:
        calendar_span(year, month, day)
    except ValueError:
        return match.group(0)  # no such month or day: Whoosh's grammar reports it
    return f"date:{year}{month}{day or ''}"


_DATE_RANGE = re.compile(r"\bdate:[\[{][^\]}]*[\]}]")
_ISO_DAY = re.compile(r"\b(\d{4})-(\d{2})(?:-(\d{2}))?\b")

_MONTH_NAMES = (
    "january|jan",
    "february|febuary|feb",
    "march|mar",
    "april|apr",
    "may",
    "june|jun",
    "july|jul",
    "august|aug",
    "september|sept|sep",
    "october|oct",
    "november|nov",
    "december|dec",
)
"""Whoosh's English date grammar's month names (``dateparse.English``), in
its order: the first name that fits gives the month."""
_MONTH_NUMBER = {
    name: number for number, names in enumerate(_MONTH_NAMES, 1) for name in names.split("|")
}

_COMPACT = r"\d{4}(?:\d{2}(?:\d{2})?)?"
# A month by name and its year ("march 1987", "Sept 2023"), as analysts write
# one; other shapes of words (a day, a comma, "now", a month without its
# year) stay for Whoosh's grammar. Any word is matched here and the name
# checked in _period: the pattern with every month's names in it took a
# cold search 0.7 ms to compile, against 0.3 ms.
_MONTH_YEAR = r"[A-Za-z]+\s+\d{4}"
_END = rf"(?:{_COMPACT}|{_MONTH_YEAR})"
OWN_DATES = re.compile(
    rf"\bdate:(?:[\[{{]\s*(?:(?P<start>{_END})\s+)?(?i:to)\b\s*(?P<end>{_END}|(?i:now))?\s*[\]}}]"
    rf'|(?P<alone>{_COMPACT})|"(?P<quoted>{_MONTH_YEAR})")'
    # Only a date that stands alone: anything stuck to it (a comma, a
    # boost, another word) is Whoosh's grammar's to read or to refuse.
    r"(?=\s|\)|$)"
)


def read_dates(text: str, placeholder: str) -> tuple[str, dict[str, Moments]]:
    """``text`` with each date range in compact digits (what
    :func:`normalise_dates` writes: ``date:[20230909 to]``, ``date:[2023 to
    2024]``, ``date:202309``) or with months by name and year
    (``date:[march 1987 to april 1987]``, ``date:"sept 2023"``) replaced by
    ``id:`` and a name made from ``placeholder`` (a format with one ``{}``),
    and the span each name stands for: from the first moment of the first
    year, month or day to the last of the last, as Whoosh's date grammar
    makes it (Whoosh ignores ``{}``'s exclusion here, and so does this),
    without building that grammar. Other forms stay for it.

    A range may end ``now`` (``date:[march 2024 to now]``): this moment in
    local time, as the grammar reads a range's end.

    Where one end is a year and the other a month or day of that same year
    (``date:[1987 to april 1987]``), this reads the span as written, January
    to April; Whoosh's grammar narrows it to April alone, or fails when the
    year is the end, or is this year and the end is ``now``. Whoosh's range
    syntax also fails on October as a range's start (it ends the start at
    the first "to", in "october" too).
    """
    spans: dict[str, Moments] = {}

    def repl(match: re.Match[str]) -> str:
        start: datetime | None
        end: datetime | None
        if match.group("quoted") and text.count('"', 0, match.start()) % 2:
            return match.group(0)  # inside a phrase: its quotes are the phrase's
        try:
            alone = match.group("alone") or match.group("quoted")
            if alone is not None:  # that whole period
                start, end = _period(alone)
            else:
                first, last = match.group("start"), match.group("end")
                start = _period(first)[0] if first else None
                if last and last.lower() == "now":
                    if start is None:
                        return match.group(0)  # Whoosh's grammar fails on it: reported
                    # As the grammar reads a range's end: this moment, local time.
                    end = datetime.now()
                else:
                    end = _period(last)[1] if last else None
        except (ValueError, OverflowError):
            return match.group(0)  # no such date: Whoosh's grammar reports it
        if start is None and end is None:
            return match.group(0)
        if start is not None and end is not None and start > end:
            return match.group(0)
        name = placeholder.format(len(spans))
        spans[name] = (start, end)
        return f"id:{name}"

    return OWN_DATES.sub(repl, text), spans


def _period(written: str) -> tuple[datetime, datetime]:
    """The first and last moment of a year, month or day in compact digits,
    or of a month by name and year."""
    if written[0].isdigit():
        return moments(written[:4], written[4:6] or None, written[6:8] or None)
    name, year = written.split()
    month = _MONTH_NUMBER.get(name.lower())
    if month is None:
        raise ValueError(f"{name!r} is no month's name")  # Whoosh's grammar reads it, or reports it
    return moments(year, f"{month:02d}", None)


def moments(year: str, month: str | None, day: str | None) -> tuple[datetime, datetime]:
    """The first and the last moment of the year, month or day as written."""
    first, last = calendar_span(year, month, day)
    return (
        datetime(first.year, first.month, first.day),
        datetime(last.year, last.month, last.day, 23, 59, 59, 999999),
    )
