"""Small hostile files never cost gigabytes or minutes, and one bad record never stops a batch."""

from __future__ import annotations

import gzip
import io
import json
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fieldbrief.cli import main
from fieldbrief.search import ingest
from fieldbrief.search.facts.extract import extract_facts
from fieldbrief.search.facts.tokenize import MAX_SENTENCE_CHARS, sentences
from fieldbrief.search.ingest import read_path
from fieldbrief.search.library import Library

from .conftest import no_facts

UNSAFE_OUTPUT = ("\x1b", "\x07", "\x9b", "\x9d", "\ud800")


def test_lone_surrogates_are_replaced_and_the_batch_lands(tmp_path: Path) -> None:
    data = tmp_path / "s.jsonl"
    data.write_text(
        json.dumps({"id": "a", "body": "Fine text about Niger."})
        + "\n"
        + '{"id": "b\\udfff", "title": "bad \\ud800 title", "body": "lone \\ud800 body",'
        + ' "tags": ["x\\ud800"], "source": "S\\udc00"}\n'
        + json.dumps({"id": "c", "body": "More text about Mali."})
        + "\n",
        "utf-8",
    )
    with Library.open(tmp_path / "lib", seed=False, fact_extractor=no_facts) as library:
        report = library.add_paths([data])
        assert (report.added, report.skipped) == (3, [])
        hit = library.search("lone").hits[0]
        assert hit.title == "bad \ufffd title"
        article, _ = library.get(hit.id)
        assert "\ufffd" in article.body and article.tags == ["x\ufffd"]


def test_yaml_alias_bomb_is_refused_without_expanding(tmp_path: Path) -> None:
    levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        levels.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    bomb = tmp_path / "bomb.md"
    bomb.write_text("---\n" + "\n".join(levels) + "\ntitle: *i\n---\nThe body.\n", "utf-8")
    result = read_path(bomb)
    assert [a.body for a in result.articles] == ["The body."]
    assert any("front matter ignored (YAMLError)" in n for n in result.notes)


def test_front_matter_without_aliases_still_reads(tmp_path: Path) -> None:
    page = tmp_path / "ok.md"
    page.write_text("---\ntitle: Base handover\ntags: [niger, drawdown]\n---\nText.\n", "utf-8")
    (article,) = read_path(page).articles
    assert (article.title, article.tags) == ("Base handover", ["drawdown", "niger"])


def test_oversized_fields_are_capped(tmp_path: Path) -> None:
    record = {
        "id": "x",
        "title": "word " * 10_000,
        "source": "S" * 5_000,
        "tags": [f"tag{n}" * 50 for n in range(500)],
        "body": "Body text.",
    }
    data = tmp_path / "big.jsonl"
    data.write_text(json.dumps(record) + "\n", "utf-8")
    (article,) = read_path(data).articles
    assert len(article.title) <= ingest.MAX_TITLE_CHARS and article.title.endswith("…")
    assert article.source is not None and len(article.source) <= ingest.MAX_SOURCE_CHARS
    assert len(article.tags) <= ingest.MAX_TAGS
    assert all(len(t) <= ingest.MAX_TAG_CHARS for t in article.tags)


def _reference_lines(data: bytes, cap: int) -> list[tuple[int, bytes | None]]:
    out: list[tuple[int, bytes | None]] = []
    for number, line in enumerate(data.split(b"\n"), start=1):
        if len(line) > cap:
            out.append((number, None))
        elif line.strip():
            out.append((number, line))
    return out


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.just(b""),
            st.binary(max_size=40).map(lambda b: b.replace(b"\n", b"x")),
            st.integers(30, 120).map(lambda n: b"L" * n),
        ),
        max_size=30,
    ),
    st.integers(1, 17),
)
def test_bounded_lines_match_a_plain_split(lines: list[bytes], read_size: int) -> None:
    data = b"\n".join(lines)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(ingest, "MAX_LINE_BYTES", 50)
        mp.setattr(ingest, "_READ_BYTES", read_size)
        got = list(ingest._BoundedLines(io.BytesIO(data)))
    assert got == _reference_lines(data, 50)


def test_a_line_over_the_cap_is_dropped_as_it_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ingest, "MAX_LINE_BYTES", 10_000)
    monkeypatch.setattr(ingest, "_READ_BYTES", 4096)
    data = tmp_path / "long.jsonl.gz"
    with gzip.open(data, "wb") as handle:
        handle.write(json.dumps({"id": "a", "body": "first story"}).encode() + b"\n")
        handle.write(b'{"id": "b", "body": "' + b"a" * 1_000_000 + b'"}\n')
        handle.write(json.dumps({"id": "c", "body": "third story"}).encode() + b"\n")
    result = read_path(data)
    assert [a.body for a in result.articles] == ["first story", "third story"]
    assert [(p.line, p.reason) for p in result.problems] == [(2, "line longer than 0 MB skipped")]


def test_decompressed_size_is_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ingest, "MAX_BUNDLE_BYTES", 1 << 20)
    data = tmp_path / "bomb.jsonl.gz"
    with gzip.open(data, "wb") as handle:
        handle.write(json.dumps({"id": "a", "body": "kept"}).encode() + b"\n")
        handle.write(b"\n" * (8 << 20))
    result = read_path(data)
    assert [a.body for a in result.articles] == ["kept"]
    assert any("decompresses to more than 1 MB" in p.reason for p in result.problems)


def test_many_bad_lines_are_summarised(tmp_path: Path) -> None:
    data = tmp_path / "bad.jsonl"
    good = json.dumps({"id": "g", "body": "one good story"})
    data.write_text(good + "\n" + "not json\n" * 300, "utf-8")
    result = read_path(data)
    assert len(result.articles) == 1
    listed = [p for p in result.problems if p.line is not None]
    assert len(listed) == ingest.MAX_PROBLEMS_PER_FILE
    assert result.problems[-1].reason == "280 more bad lines not listed (from line 22)"


def test_a_file_of_nothing_but_bad_lines_is_given_up_on(tmp_path: Path) -> None:
    data = tmp_path / "notjson.jsonl"
    data.write_text("x\n" * 50_000, "utf-8")
    result = read_path(data)
    assert result.articles == []
    assert any(p.reason.startswith("not JSON Lines") for p in result.problems)
    assert len(result.problems) <= ingest.MAX_PROBLEMS_PER_FILE + 2


def test_an_unforeseen_failure_skips_one_record(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = ingest.make_article

    def flaky(**kwargs: object) -> object:
        if "explode" in str(kwargs["body"]):
            raise MemoryError("simulated")
        return real(**kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(ingest, "make_article", flaky)
    data = tmp_path / "mixed.jsonl"
    lines = [{"id": "1", "body": "fine"}, {"id": "2", "body": "explode"}, {"id": "3", "body": "ok"}]
    data.write_text("".join(json.dumps(r) + "\n" for r in lines), "utf-8")
    result = read_path(data)
    assert [a.body for a in result.articles] == ["fine", "ok"]
    assert [(p.line, p.reason) for p in result.problems] == [(2, "unreadable record (MemoryError)")]


def test_file_names_never_carry_control_characters_to_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    evil = folder / "evil\x1b]0;pwned\x07\u009b2J.txt"
    evil.write_text("Evil title\n\nText about Agadez.\n", "utf-8")
    undecodable = Path(os.fsdecode(os.fsencode(str(folder)) + b"/bad\xff.txt"))
    undecodable.write_text("Other title\n\nMore text about Agadez.\n", "utf-8")
    library = str(tmp_path / "lib")
    assert main(["--library", library, "add", str(folder), "--json"]) == 0
    assert main(["--library", library, "search", "agadez", "--json"]) == 0
    out = capsys.readouterr().out
    assert not any(c in out for c in UNSAFE_OUTPUT)
    paths = [hit["path"] for hit in json.loads(out[out.rindex('{\n  "query"') :])["hits"]]
    assert any("\\x1b]0;pwned\\x07\\x9b2J" in p for p in paths)
    assert any("bad\\udcff.txt" in p for p in paths)


def test_sentences_are_bounded_in_length() -> None:
    text = "word " * 100_000 + "A" + "\u0301" * 50_000
    spans = sentences(text)
    assert max(e - s for s, e in spans) <= MAX_SENTENCE_CHARS
    assert spans[0][0] == 0 and spans[-1][1] == len(text.rstrip())


def test_facts_of_a_long_unpunctuated_article_keep_sentence_bounds() -> None:
    text = " ".join(["The Pentagon said 1,100 US troops remain in Niger"] * 3000)
    facts = extract_facts(text)
    figures = [f for f in facts if f.kind == "figure"]
    assert len(figures) == 3000
    assert all(f.sentence and f.sentence[1] - f.sentence[0] <= MAX_SENTENCE_CHARS for f in facts)
