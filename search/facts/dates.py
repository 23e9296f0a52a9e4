"""Date expressions in news text, resolved against the publication date.

Regex-first by design: one precompiled alternation scans a sentence, and a
cheap keyword pre-check skips sentences that cannot hold a date at all, so the
cost is negligible next to NER.

Resolution rules (news is written in the past tense about the recent past):

* a weekday is the most recent such day on or before publication ("on
  Thursday" in a Friday story is the day before; "on Friday" is the day
  itself), unless the sentence is about the future ("will", "next", "due to"),
  in which case it is the next such day on or after publication;
* a month without a year is the nearest such month not after publication, or
  not before it in a future-tense sentence;
* a day without a year ("March 12") is the nearest such day, the past one
  unless the next is three times nearer (see ``_PAST_BIAS``), or the next one
  in a future-tense sentence;
* periods: a quarter is ``YYYY-Qn`` (without a year the latest one that has
  begun, since results come out after it), a half ``YYYY-Hn``, a decade
  ``1990s``; "early/mid/late 2024", "end-1986", "the end of the year" and a
  season ("last summer") give the year; holidays are their day (Thanksgiving
  the fourth Thursday of November), a weekend its ISO week;
* "last/next/this week|month|year" are calendar-relative: weeks resolve to an
  ISO week (``2023-W36``), months to ``YYYY-MM``, years to ``YYYY``;
* without a publication date nothing relative or yearless is guessed: the value
  stays ``None`` and the resolution says so.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta

from .tokenize import NUMBER_WORDS

MONTHS = {
    "january": 1,
    "february": 2,
    "march": 3,
    "april": 4,
    "may": 5,
    "june": 6,
    "july": 7,
    "august": 8,
    "september": 9,
    "october": 10,
    "november": 11,
    "december": 12,
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
WEEKDAYS = {
    "monday": 0,
    "tuesday": 1,
    "wednesday": 2,
    "thursday": 3,
    "friday": 4,
    "saturday": 5,
    "sunday": 6,
}

UNRESOLVED = "unresolved: no publication date"

_MONTH_FULL = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
)
_MONTH_ABBR = r"(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?"
_MONTH = rf"(?:{_MONTH_FULL}|{_MONTH_ABBR})"
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_YEAR = r"(?:1[89]\d\d|20\d\d)"
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_PART = r"(?P<part>early|mid|late|end of|beginning of|the end of|the beginning of)[\s-]+"
# "three weeks ago", "a year ago": articles and the small numbers.
_NUMWORDS = {"a": 1, "an": 1} | {w: n for w, n in NUMBER_WORDS.items() if n <= 10}
# Case-insensitive: "Two years ago" opens sentences.
_NUMWORD = rf"(?i:{'|'.join(_NUMWORDS)}|\d+)"

# Order matters: longer, more specific forms first so the alternation prefers them.
_PATTERN = re.compile(
    rf"""
    (?P<dmy>\b(?P<dmy_d>{_DAY})\s+(?P<dmy_m>{_MONTH})\s+(?P<dmy_y>{_YEAR})\b)
    |(?P<mdy>\b(?P<mdy_m>{_MONTH})\s+(?P<mdy_d>{_DAY})(?:,?\s+(?P<mdy_y>{_YEAR}))?\b(?![,.]?\d))
    |(?P<dm>\b(?P<dm_d>{_DAY})\s+(?P<dm_m>{_MONTH_FULL})\b)
    |(?P<rel_month>\b(?P<rm_dir>[Ll]ast|[Nn]ext|[Tt]his|[Ee]arly|[Mm]id|[Ll]ate)[\s-]+(?P<rm_m>{_MONTH_FULL})
        (?:['’]s)?\b(?!\s+\d))
    |(?P<my>\b(?P<my_m>{_MONTH_FULL})(?:\s+of)?\s+(?P<my_y>{_YEAR})\b)
    |(?P<decade>(?:\b(?P<dec_part>[Ee]arly|[Mm]id|[Ll]ate)[\s-]+)?(?:\b(?P<dec>(?:1[89]|20)\d0)|
        (?<![\w'’])['’](?P<dec2>\d0))['’]?s\b)
    |(?P<pyear>\b(?P<py_part>[Ee]arly|[Mm]id|[Ll]ate|[Ee]nd)[\s-]+(?P<py_y>{_YEAR})\b(?![,.]?\d))
    |(?P<quarter>\b(?:(?P<q_n>first|second|third|fourth|1st|2nd|3rd|4th)[\s-]+quarter|
        (?<![\w-])[Qq](?P<q_n2>[1-4]))\b(?:(?:\s+of)?\s+(?P<q_y>{_YEAR})\b)?)
    |(?P<half>\b(?P<h_n>first|second)[\s-]+half\s+of\s+(?:(?P<h_y>{_YEAR})\b|
        (?P<h_dir>the|this|last|next)\s+year\b))
    |(?P<yend>\b(?:(?:[Tt]he\s+)?end\s+of\s+(?:the|this)\s+year|year[-\s]end|year['’]s\s+end)\b)
    |(?P<holiday>\b(?P<hol>Christmas(?:\s+Day|\s+Eve)?|New\s+Year['’]s(?:\s+Day|\s+Eve)?|
        Thanksgiving(?:\s+Day)?|Halloween|Valentine['’]s\s+Day)(?!['’]s)\b)
    |(?P<season>\b(?:(?P<se_pre>(?:[Ii]n|[Dd]uring|[Oo]ver|[Ss]ince|[Uu]ntil|[Bb]y|[Tt]hrough|
        [Bb]efore|[Aa]fter)\s+)?(?P<se_dir>[Ll]ast|[Nn]ext|[Tt]his|[Tt]he)\s+)?
        (?P<se>[Ss]pring|[Ss]ummer|[Aa]utumn|[Ff]all|[Ww]inter)\b(?:(?:\s+of)?\s+(?P<se_y>{_YEAR})\b)?)
    |(?P<weekend>\b(?P<we_dir>[Ll]ast|[Nn]ext|[Tt]his|[Tt]he)\s+weekend\b)
    |(?P<month>\b(?P<m_pre>(?:[Ii]n|[Ss]ince|[Uu]ntil|[Bb]y|[Ff]rom|[Dd]uring|[Oo]f|[Ss]ince)\s+)?
        (?P<m_m>{_MONTH_FULL})\b)
    |(?P<weekday>\b(?P<wd_dir>(?:[Ll]ast|[Nn]ext|[Tt]his|[Oo]n)\s+)?(?P<wd>{_WEEKDAY})\b)
    |(?P<rel>\b(?P<rel_pre>(?:[Ee]arlier|[Ll]ater|[Ee]arly|[Ll]ate|[Mm]id)[\s-]+)?(?P<rel_dir>[Ll]ast|[Nn]ext|[Tt]his|[Pp]ast|[Cc]urrent)
        \s+(?P<rel_unit>week|month|year)\b)
    |(?P<ago>\b(?P<ago_n>{_NUMWORD})\s+(?P<ago_unit>day|week|month|year)s?\s+ago\b)
    |(?P<deictic>\b(?:[Yy]esterday|[Tt]oday|[Tt]omorrow)\b)
    |(?P<year>(?<![$€£\d.,-])\b(?P<y_pre>(?:[Ii]n|[Ss]ince|[Bb]y|[Uu]ntil|[Tt]he|[Aa])\s+)?
        (?P<y>{_YEAR})\b(?![,.]?\d|\s*%|\s*-?\s*(?:percent|strong)))
    """,
    re.VERBOSE,
)


# The leading lookahead lets the regex engine skip to plausible first characters
# instead of trying every alternative at every offset (bench/README.md, design figures).
_ANCHOR = re.compile(
    r"(?=[0-9JFMASONDTWwmyYtCHVQqsSaefhdE'’])(?:"
    rf"(?<![\w,.])\d|['’]\d0s|{_MONTH_FULL}|{_MONTH_ABBR}|{_WEEKDAY}|"
    r"\b(?:(?:day|week|weekend|month|year)s?|[Yy]esterday|[Tt]oday|[Tt]omorrow|[Ee]nd|quarter|half|"
    r"[Qq][1-4]|"
    r"Christmas|New Year|Thanksgiving|Halloween|Valentine|[Ss]pring|[Ss]ummer|[Aa]utumn|[Ff]all|"
    r"[Ww]inter)\b)"
)

_FUTURE = re.compile(
    r"\b(?:will|would|shall|won['’]t|is due|are due|due to|scheduled|plans? to|expected to|"
    r"set to|should resume|next|upcoming|later this)\b",
    re.IGNORECASE,
)

_REPORTED = re.compile(
    r"\b(?:said|says|told|reported|announced|confirmed|added|stated|noted|wrote)\b"
)


@dataclass(slots=True)
class DateMatch:
    start: int
    end: int
    text: str
    value: str | None
    resolution: str
    relative: bool


def _day(s: str) -> int:
    return int(re.sub(r"\D", "", s))


def _month(s: str) -> int:
    return MONTHS[s.rstrip(".").lower()]


def _iso(d: dt.date) -> str:
    return d.isoformat()


def _month_str(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def _week_str(d: dt.date) -> str:
    y, w, _ = d.isocalendar()
    return f"{y:04d}-W{w:02d}"


_ISO_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
_PERIOD = re.compile(r"^(\d{4})-([QH])([1-4])$")
_DECADE = re.compile(r"^(\d{3}0)s$")


def date_sort_key(value: str) -> str:
    """A date value's place in time order: an ISO week sorts by its Monday, so
    "2023-W36" falls inside September, not after "2023-10" as its text would;
    a quarter or half by its first month ("2023-Q3" with "2023-07"), a decade
    by its first year; days, months and years are already ISO-ordered (a
    period before its days)."""
    match = _ISO_WEEK.match(value)
    if match:
        try:
            return dt.date.fromisocalendar(int(match[1]), int(match[2]), 1).isoformat()
        except ValueError:
            return value
    period = _PERIOD.match(value)
    if period:
        n = int(period[3])
        month = (n - 1) * 3 + 1 if period[2] == "Q" else (n - 1) * 6 + 1
        if month <= 12:
            return f"{period[1]}-{month:02d}"
    decade = _DECADE.match(value)
    if decade:
        return decade[1]
    return value


def _valid(year: int, month: int, day: int) -> bool:
    try:
        dt.date(year, month, day)
    except ValueError:
        return False
    return True


def _nearest_month(month: int, published: dt.date, future: bool) -> int:
    """Year of the nearest ``month`` not after (or, if future, not before) publication."""
    if future:
        return published.year if month >= published.month else published.year + 1
    return published.year if month <= published.month else published.year - 1


# A yearless day ("March 12") in news is nearly always within a few months of
# publication, and more often past than future: the next occurrence is taken
# only when it is three times nearer than the last one (within about a quarter
# of a year), unless the clause is about the future, where it always is. Months
# keep the plain past rule: "took office in January" in a December story is the
# January before, and nothing but the verb says so.
_PAST_BIAS = 3


def _nearest_day(month: int, day: int, published: dt.date, future: bool) -> dt.date | None:
    """The date ``month``/``day`` nearest publication (see ``_PAST_BIAS``)."""
    years = (published.year - 1, published.year, published.year + 1)
    return _pick(
        [dt.date(y, month, day) for y in years if _valid(y, month, day)], published, future
    )


def _pick(cands: list[dt.date], published: dt.date, future: bool) -> dt.date | None:
    """Of ascending ``cands``, the one a news story means (see ``_PAST_BIAS``)."""
    if future:
        return next((c for c in cands if c >= published), None)
    past = [c for c in cands if c <= published]
    nxt = [c for c in cands if c > published]
    if nxt and (not past or (nxt[0] - published).days * _PAST_BIAS < (published - past[-1]).days):
        return nxt[0]
    return past[-1] if past else None


def _rel(label: str, value: str, published: dt.date) -> str:
    return f"{label} → {value} (relative to {published.isoformat()})"


def find_dates(
    text: str,
    published: dt.date | None = None,
    start: int = 0,
    end: int | None = None,
) -> list[DateMatch]:
    """Date expressions in ``text[start:end]``, offsets into ``text``.

    ``value`` is ISO ``YYYY-MM-DD``, ``YYYY-MM``, ``YYYY`` or an ISO week
    ``YYYY-Www``; ``None`` when the expression needs a publication date that is
    missing (``resolution`` then says so).
    """
    if end is None:
        end = len(text)
    out: list[DateMatch] = []
    for m in _matches(text, start, end):
        got = _resolve(m, published, start)
        if got is None:
            continue
        s, e, value, resolution, relative = got
        out.append(DateMatch(s, e, text[s:e], value, resolution, relative))
    return out


def _matches(text: str, start: int, end: int) -> list[re.Match[str]]:
    """``_PATTERN`` matches, tried only around anchor words.

    Running the full alternation at every offset is the slow part of date
    finding; every date contains a digit, a month, a weekday or a unit word, and
    its optional lead-in ("on", "last", "earlier this") is at most two words
    before that anchor, so the pattern is matched only at those word starts.
    """
    out: list[re.Match[str]] = []
    last_end = start
    for a in _ANCHOR.finditer(text, start, end):
        p = a.start()
        if p < last_end:
            continue
        # Word starts of up to two words before the anchor, earliest first.
        cands = [p]
        q = p
        for _ in range(2):
            lo = max(last_end, start, q - 30)
            k = max(text.rfind(" ", lo, q - 1), text.rfind("\n", lo, q - 1))
            if k < 0:
                break
            q = k + 1
            cands.append(q)
        if cands[-1] != max(last_end, start) and len(cands) < 3:
            cands.append(max(last_end, start))
        # The longest match wins, the earliest on a tie: "since March 2021" must be
        # "March 2021", not the month "since March" the earliest start gives.
        best: re.Match[str] | None = None
        for c in sorted(set(cands)):
            m = _PATTERN.match(text, c, end)
            if (
                m
                and m.end() > p
                and m.start() >= last_end
                and (best is None or m.end() > best.end())
            ):
                best = m
        if best is not None:
            out.append(best)
            last_end = best.end()
    return out


def _is_future(m: re.Match[str], start: int) -> bool:
    """Whether the clause leading up to the date talks about the future.

    Only a cue shortly before the date counts, and a reporting verb after the
    cue ("plans to cut ..., Politico reported on Friday") puts the date back in
    the past.
    """
    text = m.string
    lo = max(start, m.start() - 90)
    cues = list(_FUTURE.finditer(text, lo, m.start()))
    if not cues:
        return False
    cue = cues[-1]
    if cue is None:
        return False
    return not _REPORTED.search(text, cue.end(), m.start())


def _resolve(
    m: re.Match[str], published: dt.date | None, start: int
) -> tuple[int, int, str | None, str, bool] | None:
    g = m.group
    future = _is_future(m, start) if published is not None else False
    s, e = m.start(), m.end()
    if g("dmy"):
        y, mo, d = int(g("dmy_y")), _month(g("dmy_m")), _day(g("dmy_d"))
        if not _valid(y, mo, d):
            return None
        return s, e, _iso(dt.date(y, mo, d)), "absolute", False
    if g("mdy"):
        mo, d = _month(g("mdy_m")), _day(g("mdy_d"))
        if g("mdy_m") == "May" and not g("mdy_y") and d > 31:
            return None
        if g("mdy_y"):
            y = int(g("mdy_y"))
            if not _valid(y, mo, d):
                return None
            return s, e, _iso(dt.date(y, mo, d)), "absolute", False
        return _yearless_day(s, e, g("mdy"), mo, d, published, future)
    if g("dm"):
        return _yearless_day(s, e, g("dm"), _month(g("dm_m")), _day(g("dm_d")), published, future)
    if g("rel_month"):
        direction = g("rm_dir").lower()
        mo = _month(g("rm_m"))
        e = m.end("rm_m")
        s = m.start("rm_dir")
        label = text_of(m, s, e)
        if published is None:
            return s, e, None, UNRESOLVED, True
        if direction == "last":
            # "last July" in May 2024 is July 2023; in August 2023 it is July 2023.
            y = published.year if mo < published.month else published.year - 1
        elif direction == "next":
            y = published.year if mo > published.month else published.year + 1
        elif direction == "this":
            y = published.year
        else:
            y = _nearest_month(mo, published, future)
        value = _month_str(y, mo)
        return s, e, value, _rel(label, value, published), True
    if g("my"):
        y, mo = int(g("my_y")), _month(g("my_m"))
        s = m.start("my_m")
        return s, e, _month_str(y, mo), "absolute", False
    if g("month"):
        name = g("m_m")
        # "May" alone is almost always the modal verb unless a preposition says otherwise.
        if name == "May" and not g("m_pre"):
            return None
        s = m.start("m_m")
        mo = _month(name)
        if published is None:
            return s, e, None, UNRESOLVED, True
        y = _nearest_month(mo, published, future)
        value = _month_str(y, mo)
        return s, e, value, _rel(name, value, published), True
    if g("weekday"):
        wd = WEEKDAYS[g("wd").lower()]
        direction = (g("wd_dir") or "").strip().lower()
        if direction != "on":
            s = m.start("wd_dir") if direction else m.start("wd")
        else:
            s = m.start("wd")
        label = text_of(m, s, e)
        if published is None:
            return s, e, None, UNRESOLVED, True
        back = (published.weekday() - wd) % 7
        if direction == "next" or (future and direction != "last"):
            ahead = (wd - published.weekday()) % 7
            if direction == "next" and ahead == 0:
                ahead = 7
            when = published + dt.timedelta(days=ahead)
        else:
            if direction == "last" and back == 0:
                back = 7
            when = published - dt.timedelta(days=back)
        return s, e, _iso(when), _rel(label, _iso(when), published), True
    if g("rel"):
        unit = g("rel_unit")
        direction = g("rel_dir").lower()
        label = m.group(0)
        if published is None:
            return s, e, None, UNRESOLVED, True
        step = {"last": -1, "past": -1, "next": 1, "this": 0, "current": 0}[direction]
        if unit == "week":
            value = _week_str(published + dt.timedelta(weeks=step))
        elif unit == "month":
            when = published + relativedelta(months=step)
            value = _month_str(when.year, when.month)
        else:
            value = f"{published.year + step:04d}"
        return s, e, value, _rel(label, value, published), True
    if g("ago"):
        raw = g("ago_n").lower()
        n = int(raw) if raw.isdigit() else _NUMWORDS.get(raw, 0)
        unit = g("ago_unit")
        label = m.group(0)
        if published is None:
            return s, e, None, UNRESOLVED, True
        if unit == "day":
            value = _iso(published - dt.timedelta(days=n))
        elif unit == "week":
            value = _week_str(published - dt.timedelta(weeks=n))
        elif unit == "month":
            when = published - relativedelta(months=n)
            value = _month_str(when.year, when.month)
        else:
            value = f"{published.year - n:04d}"
        return s, e, value, _rel(label, value, published), True
    if g("deictic"):
        word = m.group(0).lower()
        if published is None:
            return s, e, None, UNRESOLVED, True
        # "today" is also used loosely ("Africa today"); only the capitalised or
        # clause-level uses reach here, and they are about the publication day.
        shift = {"yesterday": -1, "today": 0, "tomorrow": 1}[word]
        when = published + dt.timedelta(days=shift)
        return s, e, _iso(when), _rel(m.group(0), _iso(when), published), True
    if g("year"):
        s = m.start("y")
        return s, e, g("y"), "absolute", False
    return _resolve_periods(m, published, future)


_ORDINAL = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "1st": 1,
    "2nd": 2,
    "3rd": 3,
    "4th": 4,
}
# The month each season starts in (northern hemisphere, as English news uses them).
_SEASON_START = {"spring": 3, "summer": 6, "autumn": 9, "fall": 9, "winter": 12}
_HOLIDAY = {
    "christmas": (12, 25),
    "christmas day": (12, 25),
    "christmas eve": (12, 24),
    "new year's": (1, 1),
    "new year's day": (1, 1),
    "new year's eve": (12, 31),
    "halloween": (10, 31),
    "valentine's day": (2, 14),
}


def _thanksgiving(year: int) -> dt.date:
    """US Thanksgiving: the fourth Thursday of November."""
    first = dt.date(year, 11, 1)
    return first + dt.timedelta(days=(3 - first.weekday()) % 7 + 21)


def _resolve_periods(
    m: re.Match[str], published: dt.date | None, future: bool
) -> tuple[int, int, str | None, str, bool] | None:
    """Decades, parts of years, quarters, halves, the year's end, holidays,
    seasons and weekends."""
    g = m.group
    s, e = m.start(), m.end()
    if g("decade"):
        s = m.start("dec_part") if g("dec_part") else m.start("dec") if g("dec") else s
        if g("dec"):
            return s, e, f"{g('dec')}s", "absolute", False
        # "the '90s": the latest such decade that began before publication.
        if published is None:
            return s, e, None, UNRESOLVED, True
        tens = int(g("dec2"))
        century = published.year // 100 * 100
        start = century + tens if century + tens <= published.year else century - 100 + tens
        value = f"{start}s"
        return s, e, value, _rel(text_of(m, s, e), value, published), True
    if g("pyear"):
        return s, e, g("py_y"), "absolute", False
    if g("quarter"):
        q = _ORDINAL[g("q_n").lower()] if g("q_n") else int(g("q_n2"))
        if g("q_y"):
            return s, e, f"{g('q_y')}-Q{q}", "absolute", False
        if published is None:
            return s, e, None, UNRESOLVED, True
        # A quarter named without a year is the latest one that has begun
        # (results are reported after it), or the next one in a future clause.
        now = (published.month - 1) // 3 + 1
        if future:
            # Results for a quarter come out in the next one: "will report
            # first-quarter results" in May is about the quarter just ended.
            prev = now - 1 or 4
            if q == prev:
                y = published.year if now > 1 else published.year - 1
            else:
                y = published.year if q >= now else published.year + 1
        else:
            y = published.year if q <= now else published.year - 1
        value = f"{y}-Q{q}"
        return s, e, value, _rel(text_of(m, s, e), value, published), True
    if g("half"):
        h = 1 if g("h_n").lower() == "first" else 2
        if g("h_y"):
            return s, e, f"{g('h_y')}-H{h}", "absolute", False
        if published is None:
            return s, e, None, UNRESOLVED, True
        step = {"last": -1, "next": 1}.get(g("h_dir").lower(), 0)
        value = f"{published.year + step}-H{h}"
        return s, e, value, _rel(text_of(m, s, e), value, published), True
    if g("yend"):
        if published is None:
            return s, e, None, UNRESOLVED, True
        value = f"{published.year:04d}"
        return s, e, value, _rel(text_of(m, s, e), value, published), True
    if g("holiday"):
        name = re.sub(r"\s+", " ", g("hol").lower()).replace("’", "'")
        if published is None:
            return s, e, None, UNRESOLVED, True
        if name.startswith("thanksgiving"):
            years = (published.year - 1, published.year, published.year + 1)
            when = _pick([_thanksgiving(y) for y in years], published, future)
        else:
            when = _nearest_day(*_HOLIDAY[name], published, future)
        if when is None:
            return None
        value = _iso(when)
        return s, e, value, _rel(text_of(m, s, e), value, published), True
    if g("season"):
        return _season(m, published, future)
    if g("weekend"):
        direction = g("we_dir").lower()
        if published is None:
            return s, e, None, UNRESOLVED, True
        # The Saturday of the publication week's weekend (ISO weeks run Monday to Sunday).
        sat = published + dt.timedelta(days=5 - published.weekday())
        if direction == "next":
            sat += dt.timedelta(weeks=1)
        elif direction == "last" or (direction == "the" and not future and published.weekday() < 5):
            # "last weekend", or "the weekend" in a weekday's past-tense story.
            sat -= dt.timedelta(weeks=1)
        value = _week_str(sat)
        return s, e, value, _rel(text_of(m, s, e), value, published), True
    return None


_OF_AFTER = re.compile(r"\s+(?:of|in)\b")


def _season(
    m: re.Match[str], published: dt.date | None, future: bool
) -> tuple[int, int, str | None, str, bool] | None:
    """A season as the year it starts in ("last summer", "the winter of 2013").

    A bare season word is no date ("winter wheat", "prices fall"), nor is "the
    fall" without a preposition before it or with "of" after it ("after the
    fall of Kabul").
    """
    g = m.group
    season = g("se").lower()
    direction = (g("se_dir") or "").lower()
    e = m.end()
    explicit = g("se_y")
    if not explicit and direction in ("", "the") and not g("se_pre"):
        return None
    # "the fall of Kabul", "a fall in prices": the noun, not the season.
    if (
        season == "fall"
        and not explicit
        and ((direction == "the" and not g("se_pre")) or _OF_AFTER.match(m.string, e))
    ):
        return None
    s = m.start("se_dir") if direction in ("last", "next", "this") else m.start("se")
    if direction == "the" and explicit:
        s = m.start("se_dir")
    if explicit:
        return s, e, explicit, "absolute", False
    if published is None:
        return s, e, None, UNRESOLVED, True
    first = _SEASON_START[season]
    if direction == "last":
        # The latest season of that name that is over (seasons last three months).
        y = published.year if first + 3 <= published.month else published.year - 1
    elif direction == "next":
        y = published.year if first > published.month else published.year + 1
    elif direction == "this":
        y = published.year
    else:
        y = _nearest_month(first, published, future)
    value = f"{y:04d}"
    return s, e, value, _rel(text_of(m, s, e), value, published), True


def _yearless_day(
    s: int,
    e: int,
    label: str,
    mo: int,
    d: int,
    published: dt.date | None,
    future: bool,
) -> tuple[int, int, str | None, str, bool] | None:
    if published is None:
        # An impossible day ("February 30") is no date even without a year.
        return (s, e, None, UNRESOLVED, True) if _valid(2000, mo, d) else None
    when = _nearest_day(mo, d, published, future)
    if when is None:
        return None
    value = _iso(when)
    return s, e, value, _rel(label, value, published), True


def text_of(m: re.Match[str], s: int, e: int) -> str:
    return m.string[s:e]
