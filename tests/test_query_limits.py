"""Queries that would expand or parse without end are bounded, and say so."""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from fieldbrief.cli import main
from fieldbrief.search import query as search_query
from fieldbrief.search.errors import storage_problem
from fieldbrief.search.library import Library

from .conftest import no_facts


@pytest.fixture
def seeded(tmp_path: Path, seed_paths: list[Path]) -> Library:
    library = Library.open(tmp_path / "lib", seed=False, fact_extractor=no_facts)
    library.add_paths(seed_paths)
    return library


@pytest.mark.parametrize("text", ["*", "body:*", "title:*"])
def test_a_bare_star_is_every_article(seeded: Library, text: str) -> None:
    results = seeded.search(text)
    assert results.total == 5 and results.fallback is None


def test_a_wide_prefix_keeps_its_most_common_words_and_says_so(
    seeded: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search_query, "MAX_EXPANSION", 3)
    results = seeded.search("t*")
    assert results.total > 0
    assert results.fallback == "t* matches more than 3 words; searched the 3 most common"
    assert seeded.count("t*") == results.total


def test_a_huge_word_or_word_list_is_cut(seeded: Library) -> None:
    long_word = seeded.search("x" * 100_000)
    assert long_word.fallback == "query cut to its first 1,000 characters"
    many = seeded.search(" ".join(["troops"] + [f"w{i}" for i in range(5000)]))
    assert many.fallback is not None and "query cut" in many.fallback
    few = seeded.search(" ".join(["troops"] * 100))
    assert few.fallback == "query cut to its first 64 words" and few.total == 5


def test_cli_prints_the_note_not_a_traceback(
    seeded: Library, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = str(seeded.paths.root)
    assert main(["--library", folder, "search", "w " * 3000]) == 1
    assert "note: query cut" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("error", "says"),
    [
        (sqlite3.OperationalError("database or disk is full"), "the disk is full"),
        (sqlite3.OperationalError("attempt to write a readonly database"), "read-only"),
        (sqlite3.DatabaseError("file is not a database"), "damaged"),
        (OSError(28, "No space left on device", "/lib/x.seg"), "the disk is full (/lib/x.seg)"),
        (OSError(30, "Read-only file system"), "read-only"),
    ],
)
def test_storage_failures_are_one_line_with_exit_3(
    seeded: Library,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    error: Exception,
    says: str,
) -> None:
    assert says in (storage_problem(error) or "")

    def fail(*_: object, **__: object) -> None:
        raise error

    monkeypatch.setattr(Library, "add_paths", fail)
    story = tmp_path / "s.txt"
    story.write_text("Title\n\nBody about Niger.\n", "utf-8")
    assert main(["--library", str(seeded.paths.root), "add", str(story)]) == 3
    err = capsys.readouterr().err
    assert says in err and "Traceback" not in err and err.count("\n") == 1


def test_other_errors_still_surface(seeded: Library, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Library, "search", lambda *a, **k: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        main(["--library", str(seeded.paths.root), "search", "x"])


def test_a_failed_commit_leaves_no_unsealed_files(
    seeded: Library, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    folder = seeded.current_index_dir()
    assert folder is not None
    before = sorted(p.name for p in folder.iterdir())
    from whoosh.writing import SegmentWriter

    real_commit = SegmentWriter.commit

    def full_disk(self: SegmentWriter, *args: object, **kwargs: object) -> None:
        self._flush_segment() if self._added else None  # segment files reach the disk
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(SegmentWriter, "commit", full_disk)
    story = tmp_path / "new.txt"
    story.write_text("Fresh story\n\nDrone base talks in Agadez.\n", "utf-8")
    with pytest.raises(OSError):
        seeded.add_paths([story])
    assert sorted(p.name for p in folder.iterdir()) == before
    monkeypatch.setattr(SegmentWriter, "commit", real_commit)
    # Space is back: the next open finishes the job.
    seeded.close()
    again = Library.open(seeded.paths.root, seed=False, fact_extractor=no_facts)
    assert any("resumed" in m for m in again.recovered)
    assert again.search("drone").total >= 1


DATED = [
    "date:[2023-09-01 to 2023-12-31]",
    "date:>2023",
    "date:<2023-08",
    "date:>=2023-09-08",
    "date:<=2023-09",
    "date:[2023 to 2024]",
    "date:{20230101 to 20231231}",
    "date:2023",
    "date:202309",
    "date:2023-09",
    "date:2024-02",  # a month's last day: a leap year, February, December
    "date:<=1900-02",
    "date:2023-12",
    "date:>2023-12",
    "date:2023-00",
    "troops date:2023-09-08",
    "troops date:[2023 to]",
    '"air base" date:>2023-09-08',
    "troops AND date:>2023 OR pentagon",
    "NOT date:<2000 niger",
    "troops ANDNOT date:2023",
    "-date:2023 troops",
    "date:[2023 TO 2024] OR date:1987",
    "(troops date:[2023 to])",
    # months by name and year
    "troops date:[september 2023 to october 2023]",
    'troops date:"Sept 2023"',
    "date:[AUG 2023 to] niger",
    "date:[to march 2024] troops",
    "date:{june 2023 TO july 2024}",
    "date:[feb 2024 to february 2024]",  # a leap February
    "date:[dec 2023 to jan 2024] troops",
    "date:[2023 to march 2024]",
    "date:[march 2023 to 2024]",
    "date:[202309 to nov 2023]",
    'troops date:"may 2024" OR drone',
    # left to Whoosh's grammar: words, impossible dates, boosts, other spellings,
    # anything stuck to the date
    "date:[1987 to 1988], oil",
    "date:[1987 to 1988]oil",
    "date:1987* oil",
    "date:1987, oil",
    'date:1987"',
    "date:1987/03",
    "date:[2023 to 2022]",
    "date:2023-13",
    "date:>2023-02-30",
    "date:yesterday",
    "date:[last year to now]",
    "date:[september 2023 to today]",
    "date:[march, 2024 to april 2024]",
    "date:[3 march 2024 to april 2024]",
    'date:"2024 march"',
    "date:march",
    "date:[april 2024 to march 2024]",
    "date:'march 2024'",
    'date:"march 2024 troops"',
    'date:"march 2024"x',
    '"troops date:"sept 2023" leaving"',
    "date:[marc 2024 to april 2024]",
    "DATE:2023",
    "date:2023^2",
    'date:"2023"',
]


@pytest.mark.usefixtures("engine_only")
def test_a_month_or_a_day_as_analysts_write_it(seeded: Library) -> None:
    """``date:2023-09`` is that month (it fell back to the words "2023" and
    "09" and found nothing, found by an audit); an impossible one is still
    reported."""
    month = seeded.search("troops date:2023-09")
    assert month.fallback is None and month.total > 0
    assert month.total == seeded.search("troops date:[2023-09-01 to 2023-09-30]").total
    day = seeded.search("date:2023-09-08 troops")
    assert day.fallback is None and day.total == seeded.search("date:20230908 troops").total
    assert seeded.search("troops date:2023-13").fallback is not None


@pytest.mark.parametrize("text", DATED)
def test_dates_in_digits_parse_as_whoosh_date_grammar_parses_them(text: str) -> None:
    """Ranges of years, months and days written in digits are read without
    building Whoosh's date grammar (a third of a dated cold search), into
    the very query that grammar makes; anything else is left to it."""
    from fieldbrief.search import query as query_module
    from fieldbrief.search.index.schema import schema
    from fieldbrief.search.typed_dates import normalise_dates

    fields = schema()
    grammar = query_module.make_parser(fields, dates=True)
    normalised = query_module._fuzzy_with_prefix(normalise_dates(text))
    try:
        expected = grammar.parse(normalised)
    except Exception:
        expected = None  # the search reports it and searches the words
    own, ranges = query_module._read_dates(normalise_dates(text))
    parser = query_module._parser_for(fields, text)
    if ranges:
        assert parser is not query_module._parser_for(fields, None)  # no date grammar built
        got = query_module._put_dates_back(
            parser.parse(query_module._fuzzy_with_prefix(own)), ranges
        )
        assert got == expected
    else:
        assert "date:" not in text or parser is query_module._parser_for(fields, None)


def test_a_query_whoosh_cannot_run_is_searched_as_its_words(
    bare_library: Library, seed_paths: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whoosh asserts on some queries it parsed (``oil REQUIRE gas`` over 22k
    articles): the words are searched instead, without the operators, one of
    which may be what failed."""
    from fieldbrief.search import query as query_module

    bare_library.add_paths(seed_paths)
    real = query_module._ranked
    ran: list[str] = []

    def fails_once(searcher: object, q: object, **kwargs: object) -> object:
        ran.append(repr(q))
        if len(ran) == 1:
            raise AssertionError
        return real(searcher, q, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(query_module, "_ranked", fails_once)
    results = bare_library.search("troops REQUIRE Niger")
    assert results.fallback and "searched for the words instead" in results.fallback
    assert results.total > 0 and "Require" in ran[0] and "Require" not in ran[1]


def _whoosh_and_ours(text: str) -> tuple[Any, Any]:
    """The query Whoosh's date grammar makes of ``text`` (None where it fails),
    and the one made with the dates read here (None where none is read)."""
    from fieldbrief.search import query as query_module
    from fieldbrief.search.index.schema import schema
    from fieldbrief.search.typed_dates import normalise_dates

    fields = schema()
    grammar = query_module.make_parser(fields, dates=True)
    try:
        expected = grammar.parse(query_module._fuzzy_with_prefix(normalise_dates(text)))
    except Exception:
        expected = None
    own, ranges = query_module._read_dates(normalise_dates(text))
    if not ranges:
        return expected, None
    parser = query_module._parser_for(fields, text)
    return expected, query_module._put_dates_back(
        parser.parse(query_module._fuzzy_with_prefix(own)), ranges
    )


def test_generated_dates_with_months_by_name_read_as_the_grammar_reads_them() -> None:
    """Ranges and months mixing names (every spelling the grammar knows, any
    case) with years, months and days in digits: wherever read here, the very
    query Whoosh's grammar makes, but for one deliberate difference (next test)."""
    from fieldbrief.search.typed_dates import _MONTH_NAMES

    names = [name for spellings in _MONTH_NAMES for name in spellings.split("|")]
    rng = random.Random(17)

    def end() -> tuple[str, str, bool]:
        """An end of a range: as written, its year, whether it names a month or day."""
        year, kind = rng.choice(["1987", "2004", "2023", "2024"]), rng.random()
        if kind < 0.5:
            name = rng.choice(names)
            return f"{rng.choice([name, name.upper(), name.capitalize()])} {year}", year, True
        if kind < 0.7:
            return year, year, False
        month = f"{rng.randint(1, 12):02d}"
        return (
            (year + month if kind < 0.85 else f"{year}{month}{rng.randint(1, 28):02d}"),
            year,
            True,
        )

    read = {"alone": 0, "range": 0, "open": 0}
    for _ in range(1500):
        (first, first_year, first_exact), (last, last_year, last_exact) = end(), end()
        shape = rng.random()
        if shape < 0.25:
            text, kind = (f'date:"{first}"' if " " in first else f"date:{first}"), "alone"
        elif shape < 0.4:
            text, kind = rng.choice([f"date:[{first} to]", f"date:[to {last}]"]), "open"
        else:
            text, kind = f"date:[{first} {rng.choice(['to', 'TO'])} {last}]", "range"
            if first_year == last_year and first_exact != last_exact:
                continue  # read as written here, not narrowed (next test)
        expected, ours = _whoosh_and_ours(f"oil {text}")
        if ours is not None:
            read[kind] += 1
            if expected is None and kind != "alone" and "october" in text.lower():
                continue  # Whoosh's range splits "october" at its "to" (next test)
            assert ours == expected, text
    assert min(read.values()) > 150, read


def test_a_year_and_a_month_of_it_read_as_written() -> None:
    """``date:[1987 to april 1987]`` is January to April here: Whoosh's grammar
    narrows it to April alone, and fails on the other way round (its words
    are then searched instead); it fails on October as a range's start too.
    Read here, the engine and the direct search agree on the span as written."""
    from datetime import datetime

    from fieldbrief.search.typed_dates import read_dates

    for text in ("date:[1987 to april 1987]", "date:[1987 to 198704]"):
        _rest, spans = read_dates(text, "d{}")
        assert spans == {"d0": (datetime(1987, 1, 1), datetime(1987, 4, 30, 23, 59, 59, 999999))}
        expected, _ours = _whoosh_and_ours(text)
        assert "62679830400000000" in str(expected)  # the grammar's start: April the 1st
    _rest, spans = read_dates("date:[march 1987 to 1987]", "d{}")
    assert spans["d0"] == (datetime(1987, 3, 1), datetime(1987, 12, 31, 23, 59, 59, 999999))
    assert _whoosh_and_ours("date:[march 1987 to 1987]")[0] is None
    # Whoosh's range syntax ends the start at the first "to", in "october" too.
    for text in ("date:[october 1987 to 2023]", "date:[to October 1987]"):
        assert _whoosh_and_ours(text)[0] is None and read_dates(text, "d{}")[1], text


def test_a_range_to_now_reads_as_the_grammar_reads_it() -> None:
    """``date:[march 2024 to now]`` ends at this moment, local time, as Whoosh's
    grammar ends a range; where the grammar fails (a start of this very year,
    or no start), this reads the year as written or leaves it to the grammar."""
    from datetime import datetime

    from fieldbrief.search.typed_dates import read_dates

    for start in ("1987", "198703", "19870315", "march 1987", "Sept 2004", "JAN 2004", "2004"):
        whoosh, ours = _whoosh_and_ours(f"date:[{start} to now]")
        assert ours is not None and whoosh is not None, start
        assert ours.startdate == whoosh.startdate, start
        assert ours.enddate.date() == whoosh.enddate.date() == datetime.now().date(), start
    this_year = str(datetime.now().year)
    whoosh, ours = _whoosh_and_ours(f"date:[{this_year} to now]")
    assert whoosh is None and ours.startdate == datetime(int(this_year), 1, 1)
    assert read_dates("date:[to now]", "d{}")[1] == {}  # the grammar's to report
    assert read_dates("date:[2099 to now]", "d{}")[1] == {}  # reversed: the grammar swaps it
