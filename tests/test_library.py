"""Incremental add, edits replacing old versions, atomic rebuild, recovery, trust."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from fieldbrief.search.index.trust import UntrustedIndexError
from fieldbrief.search.library import Library

from .conftest import write_jsonl


def no_facts(_article: object) -> list:
    return []


def story(path: Path, title: str, body: str) -> Path:
    path.write_text(f"{title}\n\n{body}\n", "utf-8")
    return path


def test_add_report_counts_and_incremental_add(
    bare_library: Library, tmp_path: Path, seed_paths: list[Path]
) -> None:
    report = bare_library.add_paths(seed_paths)
    assert (report.added, report.updated, report.unchanged, len(report.skipped)) == (5, 0, 0, 0)
    again = bare_library.add_paths(seed_paths)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 5)
    assert bare_library.doc_count() == 5
    extra = story(
        tmp_path / "new.txt", "Drone base handed over", "The US handed Air Base 201 to Niger."
    )
    report = bare_library.add_paths([extra, tmp_path / "missing.txt"])
    assert (report.added, len(report.skipped)) == (1, 1)
    assert "no such file" in report.skipped[0].reason
    assert bare_library.doc_count() == 6
    assert bare_library.search("handed").total == 1


def test_edited_file_replaces_its_old_version(bare_library: Library, tmp_path: Path) -> None:
    path = story(tmp_path / "a.txt", "Base talks", "Talks on the Agadez base began.")
    bare_library.add_paths([path])
    old_id = bare_library.search("agadez").hits[0].id
    story(path, "Base talks", "Talks on the Agadez base ended in agreement.")
    report = bare_library.add_paths([path])
    assert (report.added, report.updated) == (0, 1)
    hits = bare_library.search("agadez").hits
    assert len(hits) == 1 and hits[0].id != old_id
    # The old id names the same article: it resolves to the current version.
    assert bare_library.get(old_id)[0].id == hits[0].id  # type: ignore[index]
    assert bare_library.article_count() == 1
    assert bare_library.search("agreement").total == 1


def test_folder_is_read_recursively_and_skips_hidden(bare_library: Library, tmp_path: Path) -> None:
    (tmp_path / "in" / "deep").mkdir(parents=True)
    (tmp_path / "in" / ".git").mkdir()
    story(tmp_path / "in" / "deep" / "x.txt", "Deep story", "Deep text about Chad.")
    story(tmp_path / "in" / ".git" / "y.txt", "Hidden", "Should not load.")
    (tmp_path / "in" / "image.png").write_bytes(b"\x89PNG")
    report = bare_library.add_paths([tmp_path / "in"])
    assert report.added == 1 and not report.skipped


def test_rebuild_swaps_atomically_and_keeps_everything(
    bare_library: Library, seed_paths: list[Path]
) -> None:
    bare_library.add_paths(seed_paths)
    before = bare_library.current_index_dir()
    assert bare_library.search("agadez").total == 5
    bare_library.rebuild()
    after = bare_library.current_index_dir()
    assert after != before and not before.exists()
    assert bare_library.search("agadez").total == 5


def test_crash_mid_rebuild_leaves_old_index_usable(
    tmp_path: Path, seed_paths: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    library = Library.open(tmp_path / "lib", seed=False, fact_extractor=no_facts)
    library.add_paths(seed_paths)
    current = library.current_index_dir()

    from fieldbrief.search.index import schema

    def explode(*args: object, **kwargs: object) -> dict:
        raise RuntimeError("power cut")

    with monkeypatch.context() as patch, pytest.raises(RuntimeError):
        patch.setattr(schema, "document", explode)
        library.rebuild()
    assert library.current_index_dir() == current
    library.close()
    reopened = Library.open(tmp_path / "lib", seed=False, fact_extractor=no_facts)
    assert reopened.search("agadez").total == 5
    assert [p.name for p in reopened.indexes_dir.iterdir()] == [current.name]


def test_interrupted_add_is_resumed_on_next_open(tmp_path: Path, seed_paths: list[Path]) -> None:
    library = Library.open(tmp_path / "lib", seed=False, fact_extractor=no_facts)
    library.add_paths(seed_paths[:2])
    # Simulate a kill after the store commit but before the index commit.
    library.store.mark_all_unindexed()
    library.close()
    reopened = Library.open(tmp_path / "lib", seed=False, fact_extractor=no_facts)
    assert any("resumed" in m for m in reopened.recovered)
    assert reopened.doc_count() == 2


def test_foreign_or_tampered_index_is_refused(
    tmp_path: Path, seed_paths: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    library = Library.open(tmp_path / "lib", seed=False, fact_extractor=no_facts)
    library.add_paths(seed_paths)
    folder = library.current_index_dir()
    library.close()
    segment = next(p for p in folder.iterdir() if p.suffix == ".seg")
    with open(segment, "r+b") as handle:
        handle.seek(10)
        handle.write(b"\xff\xfe")
    damaged = Library.open(tmp_path / "lib", seed=False, fact_extractor=no_facts)
    assert any("damaged" in m for m in damaged.recovered)
    assert damaged.search("agadez").total == 5
    folder = damaged.current_index_dir()
    damaged.close()
    # After a rebuild the index is trusted again …
    shutil.rmtree(folder)
    Library.open(tmp_path / "lib", seed=False, fact_extractor=no_facts).close()
    # … but not by another user, whose key does not verify the manifest.
    monkeypatch.setenv("FIELDBRIEF_HOME", str(tmp_path / "other-user"))
    with pytest.raises(UntrustedIndexError, match="another user"):
        Library.open(tmp_path / "lib", seed=False, fact_extractor=no_facts)
    shutil.rmtree(tmp_path / "lib" / "indexes")
    library = Library.open(tmp_path / "lib", seed=False, fact_extractor=no_facts)
    assert any("rebuilt" in m for m in library.recovered)
    assert library.search("agadez").total == 5


def test_query_features(bare_library: Library, seed_paths: list[Path]) -> None:
    bare_library.add_paths(seed_paths)
    search = bare_library.search
    assert search("agadez").total == 5
    assert search('"air base 201"').total == 2
    assert search("title:pentagon").total == 3
    assert search("source:reuters").total == 1
    assert search("date:[2023-09-01 to 2023-12-31]").total == 3
    assert search("date:>=2024").total == 1
    # ISO days inside a range (Whoosh alone reads "2023-09-01" as all of 2023).
    september = search("date:[2023-09-01 to 2023-09-30] troops")
    assert september.total == 3 and {str(h.date) for h in september.hits} == {"2023-09-08"}
    assert search("date:[2023-09-09 to 2024-05-19] troops").total == 0
    assert search("date:[2004 to 2005] troops").hits == []
    assert search("date:>2024-03 troops").total == 1
    assert search("date:[2023 to] OR niger").total == 5  # a range inside OR is not a filter
    assert search("agadez NOT niamey").total < 5
    assert search("repos*").total >= 2
    assert search("bazom~").total == 3
    dated = [h.date for h in search("troops", sort="date").hits]
    assert dated[-1] is None and dated[0] is not None
    assert dated[:-1] == sorted(dated[:-1], reverse=True)
    page2 = search("troops", limit=2, page=2)
    assert [h.rank for h in page2.hits] == [3, 4]
    hit = search("agadez").hits[0]
    assert hit.highlights and all(hit.snippet[s:e].lower() == "agadez" for s, e in hit.highlights)


def test_date_comparisons_are_strict_at_the_precision_written(
    bare_library: Library, seed_paths: list[Path]
) -> None:
    # The seeds: three articles of 2023-09-08, one of 2024-05-20, one undated.
    bare_library.add_paths(seed_paths)

    def dates(text: str) -> list[str]:
        return sorted(str(h.date) for h in bare_library.search(text, limit=10).hits)

    sept, may = ["2023-09-08"] * 3, ["2024-05-20"]
    # After a year is from the next one; before a month ends the month before.
    assert dates("date:>2023") == may
    assert dates("date:>2024") == []
    assert dates("date:<2023-09") == []
    assert dates("date:<2023-10") == sept
    assert dates("date:>2024-05-20") == []
    assert dates("date:>2024-05-19") == may
    assert dates("date:<2023-09-08") == []
    assert dates('date:>"2023"') == may
    # >= and <= include the year, month or day written.
    assert dates("date:>=2023") == sept + may
    assert dates("date:<=2023-09") == sept
    assert dates("date:>=2024-05-20") == may
    assert dates("date:<=2023-09-08") == sept


def test_the_day_column_is_read_in_one_piece_as_whoosh_reads_it(tmp_path: Path) -> None:
    """Two segments, the last articles of each undated (their days are not
    written), one replaced (a deleted document): each document's day is what
    Whoosh's own column reader gives, and date ranges count from it."""
    from array import array

    from fieldbrief.search import datefilter
    from fieldbrief.search.index import writer

    library = Library.open(tmp_path / "lib", seed=False, fact_extractor=lambda _a: [])
    for batch in range(2):
        bundle = tmp_path / f"b{batch}.jsonl"
        rows = [
            {
                "id": n,
                "title": f"t{batch}-{n}",
                "body": "cocoa",
                "date": f"198{batch}-0{n % 9 + 1}-15",
            }
            for n in range(40)
        ] + [{"id": 40 + n, "title": f"u{batch}-{n}", "body": "cocoa"} for n in range(3)]
        library.add_paths([write_jsonl(bundle, rows)])
    first = tmp_path / "b0.jsonl"
    first.write_text(first.read_text("utf-8").replace('"t0-5"', '"t0-5 again"'), "utf-8")
    library.add_paths([first])
    reader = library.searcher().reader()
    assert len(reader.leaf_readers()) > 1 or writer.MAX_SEGMENTS == 1
    assert reader.has_deletions()
    whooshs = array("I", reader.column_reader("day"))
    ours = datefilter._read_days(reader)
    assert len(ours) == reader.doc_count_all() >= len(whooshs)
    assert ours[: len(whooshs)] == whooshs and not any(ours[len(whooshs) :])
    assert library.search("cocoa date:[1980 to 1980]").total == 40
    assert library.search("cocoa date:>=1981-05").total == 20
    assert library.search("cocoa").total == 86
    library.close()


@pytest.mark.parametrize(
    "text",
    ["date:99-99-9999", "[[[", "title:(", '"unclosed', "AND OR NOT", ")))", "date:[foo to bar]"],
)
def test_unparseable_queries_never_raise(
    bare_library: Library, seed_paths: list[Path], text: str
) -> None:
    bare_library.add_paths(seed_paths)
    result = bare_library.search(text)
    assert result.total >= 0


def test_fallback_is_reported(bare_library: Library, seed_paths: list[Path]) -> None:
    bare_library.add_paths(seed_paths)
    result = bare_library.search("date:99-99-9999 agadez")
    assert result.fallback and "words instead" in result.fallback


def test_did_you_mean(bare_library: Library, seed_paths: list[Path]) -> None:
    bare_library.add_paths(seed_paths)
    result = bare_library.search("Agadz")
    assert result.total == 0
    assert result.suggestion == "Agadez"
    # The body is stemmed; the suggestion is still a word, not a stem, and the
    # rest of the query is kept as typed.
    result = bare_library.search("withdrawl NOT niamey")
    assert result.total == 0
    assert result.suggestion == "withdrawal NOT niamey"
    # A word ending in y, whose stem ends in i ("militari"), shown as the word.
    assert bare_library.search("miltary").suggestion == "military"
    assert bare_library.search("contry").suggestion == "country"
    # Found by an audit. Stop words are left alone (the search drops them):
    # "the" was offered as "thei".
    assert bare_library.search("the Agadz").suggestion == "the Agadez"
    # A word offered finds what it was chosen for: "releas", the stem, would
    # be read as "relea" and find nothing.
    suggested = bare_library.search("relese").suggestion
    assert suggested == "release" and bare_library.search(suggested).total > 0


@pytest.mark.parametrize("engine", [False, True])
def test_no_word_is_offered_that_only_deleted_articles_have(
    bare_library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, engine: bool
) -> None:
    """An article rewritten without a word leaves it in the index's counts until
    a merge; neither the direct search nor the engine offers it (an audit
    found both offering "zebra", which then found nothing)."""
    if engine:
        from fieldbrief.search import direct

        monkeypatch.setattr(direct, "answerable", lambda *_args, **_kwargs: None)
    path = story(tmp_path / "a.txt", "Zoo news", "A zebra escaped from the city zoo.")
    story(tmp_path / "b.txt", "Park news", "The zebu herd grazed in the park.")
    bare_library.add_paths([path, tmp_path / "b.txt"])
    assert bare_library.search("zebar").suggestion == "zebra"
    story(path, "Zoo news", "A giraffe escaped from the city zoo.")
    bare_library.add_paths([path])
    found = bare_library.search("zebar")
    assert found.total == 0 and found.suggestion in (None, "zebu")
    assert bare_library.search("zebra").suggestion != "zebra"


def test_fuzzy_terms_count_a_swapped_pair_as_one_edit(
    bare_library: Library, seed_paths: list[Path]
) -> None:
    bare_library.add_paths(seed_paths)
    assert bare_library.search("agdaez~").total == bare_library.search("agadez").total > 0
    # The typed word is also compared as stemmed with the stemmed index terms.
    assert bare_library.search("withdrawls~").total == bare_library.search("withdrawal").total


def test_bulk_add_pipeline_extracts_stores_and_indexes_everything(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large add runs through the extraction pool, several writer processes and
    several commits (thresholds lowered so a small corpus reaches them)."""
    import json

    from fieldbrief.search import adding
    from fieldbrief.search.index import writer

    monkeypatch.setenv("FIELDBRIEF_WORKERS", "2")
    monkeypatch.setattr(adding, "READ_PIECE", 30)
    monkeypatch.setattr(adding, "COMMIT_EVERY", 200)
    monkeypatch.setattr(writer, "BIG_BATCH", 100)
    bundle = tmp_path / "bundle.jsonl"
    with bundle.open("w", encoding="utf-8") as handle:
        for n in range(450):
            body = f"Officials in Niamey said {n + 2} drones left the base. Marker{n} here."
            handle.write(json.dumps({"id": n, "title": f"Story {n}", "body": body}) + "\n")
    library = Library.open(tmp_path / "lib", seed=False)
    report = library.add_paths([bundle])
    assert (report.added, report.unchanged, report.skipped) == (450, 0, [])
    assert library.doc_count() == 450
    assert library.store.unindexed_count() == 0
    assert library.search("marker449").total == 1
    assert library.search("place:niamey").total == 450
    article, facts = library.get(library.search("marker7").hits[0].id) or (None, [])
    assert article is not None and ("place", "Niamey") in {(f.kind, f.value) for f in facts}
    folder = library.current_index_dir()
    assert folder is not None and len(list(folder.glob("*.seg"))) >= 2
    assert library.add_paths([bundle]).unchanged == 450
    library.close()


def test_search_without_counting_then_count(bare_library: Library, seed_paths: list[Path]) -> None:
    bare_library.add_paths(seed_paths)
    # An AND in parentheses: a query the Whoosh engine answers (the direct search
    # answers plain words, counted).
    counted = bare_library.search("(troops NOT zzyzx)", limit=2)
    assert counted.total == 5 and counted.total_exact
    quick = bare_library.search("(troops NOT zzyzx)", limit=2, count=False)
    assert (quick.total, quick.total_exact) == (2, False)
    assert [h.id for h in quick.hits] == [h.id for h in counted.hits]
    assert bare_library.count("(troops NOT zzyzx)") == 5
    plain = bare_library.search("troops", limit=2, count=False)
    assert (plain.total, plain.total_exact) == (5, True)
    assert [h.id for h in plain.hits] == [h.id for h in counted.hits]
    # Fewer hits than the page: the total is exact without a count.
    small = bare_library.search("(troops NOT zzyzx)", limit=20, count=False)
    assert (small.total, small.total_exact) == (5, True)
    assert bare_library.count("date:[2023-09-01 to 2023-09-30] troops") == 3
    assert bare_library.count("date:[2004 to 2005] troops") == 0
    assert bare_library.count("") == 0


def test_highlighted_words_come_from_the_query(
    bare_library: Library, seed_paths: list[Path]
) -> None:
    bare_library.add_paths(seed_paths)
    search = bare_library.search
    # An excluded word is never highlighted.
    excluded = search("troops NOT agadez")
    assert excluded.terms == ["troop"]
    # A fuzzy term shows the words it stands for; a wildcard its literal start.
    assert "agadez" in search("agdaez~").terms
    wildcard = search("repos*").terms
    assert len(wildcard) == 1 and "repos".startswith(wildcard[0])
    # Entity filters select articles but name no words of the text.
    assert search("place:niamey").terms == []
    for hit in search("withdraw* OR pentagon").hits:
        marked = {hit.snippet[s:e].lower()[:8] for s, e in hit.highlights}
        assert marked and marked <= {"withdraw", "pentagon"}


@pytest.mark.usefixtures("engine_only")
def test_sorted_search_counts_from_its_own_pass(
    bare_library: Library, seed_paths: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Sorting by date collects every match anyway: no second pass to count them."""
    from fieldbrief.search import query as query_module

    bare_library.add_paths(seed_paths)
    expected = bare_library.search("troops", limit=2).total

    def second_pass(*_args: object) -> int:
        raise AssertionError("counted twice")

    monkeypatch.setattr(query_module, "_count", second_pass)
    by_date = bare_library.search("troops", limit=2, sort="date")
    assert (by_date.total, by_date.total_exact) == (expected, True) and expected > 2
    in_range = bare_library.search("date:[2023-09-01 to 2023-09-30] troops", limit=1, sort="date")
    assert in_range.total == 3


def test_segments_stay_bounded_over_many_adds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whoosh alone merges only tiny segments; 40-article adds would each leave one."""
    import json

    from fieldbrief.search.index import writer

    def segments(library: Library) -> int:
        folder = library.current_index_dir()
        assert folder is not None
        return len(list(folder.glob("*.seg")))

    def add_batches(library: Library, batches: int) -> None:
        for n in range(batches):
            bundle = tmp_path / f"{library.paths.root.name}-{n}.jsonl"
            lines = [
                json.dumps({"id": k, "title": f"Story {n}-{k}", "body": f"Word{n}x{k} in Agadez."})
                for k in range(40)
            ]
            bundle.write_text("\n".join(lines) + "\n", "utf-8")
            library.add_paths([bundle])

    unbounded = Library.open(tmp_path / "unbounded", seed=False, fact_extractor=no_facts)
    monkeypatch.setattr(writer, "MAX_SEGMENTS", 1000)
    add_batches(unbounded, 6)
    assert segments(unbounded) == 6
    unbounded.close()

    monkeypatch.setattr(writer, "MAX_SEGMENTS", 3)
    library = Library.open(tmp_path / "bounded", seed=False, fact_extractor=no_facts)
    add_batches(library, 6)
    assert segments(library) <= 3
    assert library.search("agadez").total == 240
    assert library.search("word5x39").total == library.search("word0x0").total == 1
    library.close()
