"""Markdown briefings: escaping of hostile text, structure, citations that resolve."""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin

from fieldbrief.search.briefing import Briefings
from fieldbrief.search.export import (
    NothingToExport,
    build_briefing_markdown,
    build_query_briefing,
    escape_inline,
    quote_block,
    save_markdown,
)
from fieldbrief.search.library import Library
from fieldbrief.search.model import Article, Fact
from fieldbrief.search.textsafety import strip_unsafe

HOSTILE = [
    "# Breaking: [click](http://evil.example) | a | b |",
    "Title with *stars* and _underscores_ and `code` and ~~strike~~",
    "<script>alert(1)</script><b>bold</b>",
    "---",
    "> not a quote",
    "1. not a list",
    "2) nor this",
    "- nor this",
    "+ nor this",
    "===",
    "Line one\nLine two\n\n# Heading in a title\n|x|y|\n|-|-|\n|1|2|",
    "[^1]: forged footnote",
    "Fake ref [^1] and ![img](x.png) and <http://autolink.example>",
    "&lt;entity&gt; &amp; &#35; &copy;",
    "trailing backslash \\",
    "    indented code",
    "```\nfence\n```",
    "Title #",
    "\x1b[31mred\x1b[0m and \u202eoverride",
]


def parser() -> MarkdownIt:
    return MarkdownIt("commonmark").enable(["table", "strikethrough"]).use(footnote_plugin)


def walk(tokens: list[Token]) -> Iterator[Token]:
    for token in tokens:
        yield token
        if token.children:
            yield from walk(token.children)


def types(markdown: str) -> list[str]:
    return [t.type for t in walk(parser().parse(markdown))]


def inline_text(markdown: str) -> str:
    tokens = parser().parse(markdown)
    return "".join(
        t.content for t in walk(tokens) if t.type in ("text", "text_special", "code_inline")
    )


# --- escaping -------------------------------------------------------------------


@pytest.mark.parametrize("hostile", HOSTILE)
def test_escaped_text_stays_plain_text_in_every_context(hostile: str) -> None:
    escaped = escape_inline(hostile)
    assert "\n" not in escaped
    for doc in (
        f"# {escaped}\n",
        f"- {escaped}\n",
        f"{escaped}\n",
        f"| a | b |\n|---|---|\n| {escaped} | x |\n",
        f"> {escaped}\n",
    ):
        kinds = types(doc)
        inline_kinds = {t.type for t in walk(parser().parse(doc)) if t.type not in _BLOCK_TYPES}
        assert inline_kinds <= {"inline", "text", "text_special"}, (doc, inline_kinds)
        assert kinds.count("heading_open") == doc.startswith("# ")
        assert kinds.count("table_open") == doc.startswith("| a")
        assert kinds.count("bullet_list_open") == doc.startswith("- ")
        assert kinds.count("blockquote_open") == doc.startswith("> ")
        assert "ordered_list_open" not in kinds and "hr" not in kinds
        assert "fence" not in kinds and "code_block" not in kinds
        assert "footnote_block_open" not in kinds


_BLOCK_TYPES = {
    "heading_open",
    "heading_close",
    "paragraph_open",
    "paragraph_close",
    "bullet_list_open",
    "bullet_list_close",
    "list_item_open",
    "list_item_close",
    "blockquote_open",
    "blockquote_close",
    "table_open",
    "table_close",
    "thead_open",
    "thead_close",
    "tbody_open",
    "tbody_close",
    "tr_open",
    "tr_close",
    "th_open",
    "th_close",
    "td_open",
    "td_close",
}


def test_escaped_text_renders_as_written() -> None:
    hostile = "# [a](b) <i>x</i> *y* 1. `z` | &amp;"
    assert inline_text(f"{escape_inline(hostile)}\n") == hostile
    assert escape_inline("Line one\n\n  Line two") == "Line one Line two"
    assert escape_inline("\x1b[31mred") == "red"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="ascii") | st.sampled_from("é—“”…"), max_size=60))
def test_escape_inline_property(text: str) -> None:
    """Whatever the text, it parses as one paragraph of literal text."""
    escaped = escape_inline(text)
    flat = " ".join(strip_unsafe(text).split())
    if not flat:
        assert escaped == ""
        return
    tokens = parser().parse(f"{escaped}\n")
    assert [t.type for t in tokens] == ["paragraph_open", "inline", "paragraph_close"]
    assert {t.type for t in walk(tokens[1].children or [])} <= {"text", "text_special"}
    assert inline_text(f"{escaped}\n") == flat


def test_quote_block_keeps_paragraphs_and_escapes_lines() -> None:
    block = quote_block("First para\n# not heading\n\n---\n\nThird")
    kinds = types(block + "\n")
    assert kinds.count("blockquote_open") == 1
    assert kinds.count("paragraph_open") == 3
    assert "heading_open" not in kinds and "hr" not in kinds


# --- briefings from pins ---------------------------------------------------------------


def no_facts(_article: object) -> list[Fact]:
    return []


HOSTILE_TITLE = "# Pwned | col |\n---\n[link](http://x) <img src=x> `tick` [^9]"


@pytest.fixture
def small_library(tmp_path: Path) -> Iterator[Library]:
    library = Library.open(tmp_path / "lib", seed=False, fact_extractor=no_facts)
    library.add_articles(
        [
            Article(
                id="hostile0000000000",
                title=HOSTILE_TITLE,
                body="Para one is here.\n\n> quoted? no\n\n1. Nope\n\nEnd.",
                date=date(2024, 5, 1),
                source="Evil | Source",
                path="/tmp/evil_[1].txt",
            ),
            Article(
                id="calm00000000000000",
                title="Calm title",
                body="Nothing to see.",
                source=None,
                path="/tmp/calm.txt",
            ),
        ]
    )
    yield library
    library.close()


def footnotes(markdown: str) -> tuple[set[str], set[str]]:
    """(labels referenced, labels defined) as markdown-it's footnote plugin reads them."""
    env: dict = {}
    tokens = parser().parse(markdown, env)
    refs = {t.meta["label"] for t in walk(tokens) if t.type == "footnote_ref"}
    defined = set(env.get("footnotes", {}).get("refs", {}))
    return {f":{r}" for r in refs}, defined


def test_briefing_from_pins_structure(small_library: Library) -> None:
    briefings = Briefings(small_library)
    briefings.create("Week 19 | *draft*")
    # The analyst's own words are Markdown as written; only article text is escaped.
    briefings.set_summary("About ~1,000 troops, *two* bases.\n\nAnd a second paragraph.")
    briefings.pin_passage("hostile0000000000", 0, 17, note="see [the memo](memo.md)")
    briefings.pin_article("calm00000000000000")
    briefings.pin_passage("hostile0000000000", 19, 34)
    text = build_briefing_markdown(small_library, today=date(2025, 1, 2))

    tokens = parser().parse(text)
    kinds = [t.type for t in walk(tokens)]
    headings = [
        "".join(c.content for c in tokens[i + 1].children or [])
        for i, t in enumerate(tokens)
        if t.type == "heading_open"
    ]
    assert headings[0] == "Week 19 | *draft*"
    # No dated events: a publication date alone is not an event (no "Timeline").
    assert headings[1:] == ["Summary", "Pinned", "Sources"]
    assert "*Generated 2025-01-02. 3 pins from 2 articles.*" in text
    assert not {"html_inline", "html_block", "image", "hr"} & set(kinds)
    assert kinds.count("link_open") == 1  # the note's, none from the article
    assert "About ~1,000 troops, *two* bases.\n\nAnd a second paragraph." in text
    assert kinds.count("blockquote_open") == 2
    refs, defined = footnotes(text)
    assert refs == defined == {":1", ":2"}
    assert "[^1]: Evil \\| Source, 2024-05-01," in text
    assert '[^2]: Unknown source, undated, "Calm title", id calm00000000000000' in text
    assert "*Note:* see [the memo](memo.md)" in text
    assert text.index("Para one is here.") < text.index("Calm title")


def test_hostile_title_adds_no_structure(small_library: Library) -> None:
    text = build_query_briefing(small_library, "para", today=date(2025, 1, 2))
    kinds = types(text)
    assert kinds.count("heading_open") == 3  # title, Also in this briefing, Sources
    assert "table_open" not in kinds and "link_open" not in kinds
    assert "html_inline" not in kinds and "html_block" not in kinds
    refs, defined = footnotes(text)
    assert refs == defined == {":1"}


def test_uncited_articles_are_still_sources(small_library: Library) -> None:
    text = build_query_briefing(small_library, "nothing", today=date(2025, 1, 2))
    assert "## Also in this briefing\n\n- Calm title (undated) [^1]" in text
    refs, defined = footnotes(text)
    assert refs == defined == {":1"}


def test_missing_article_still_exports(small_library: Library) -> None:
    briefings = Briefings(small_library)
    briefings.pin_passage("calm00000000000000", 0, 7)
    with small_library.store.atomic() as db:
        small_library.store.remove(db, "calm00000000000000")
    text = build_briefing_markdown(small_library)
    assert "> Nothing" in text
    assert "(no longer in the library)" in text
    refs, defined = footnotes(text)
    assert refs == defined


# --- the seeds, through the real fact engine ---------------------------------------------


@pytest.fixture(scope="module")
def seeds(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Library]:
    from fieldbrief.search.facts.ner import default_model_path

    if not default_model_path().is_file():
        pytest.skip("the NER model (search/data/ner.crfsuite) is not built yet")
    home = tmp_path_factory.mktemp("seedhome")
    mp = pytest.MonkeyPatch()
    mp.setenv("FIELDBRIEF_HOME", str(home))
    mp.setenv("FIELDBRIEF_WORKERS", "1")
    library = Library.open(home / "library", seed=True)
    yield library
    library.close()
    mp.undo()


def _section(text: str, heading: str) -> str:
    match = re.search(rf"^## {heading}\n(.*?)(?=^## |\Z)", text, re.S | re.M)
    assert match, heading
    return match.group(1)


def _definitions(text: str) -> dict[str, str]:
    return dict(re.findall(r"^\[\^(\d+)\]: (.*)$", text, re.M))


def test_seed_query_briefing(seeds: Library) -> None:
    text = build_query_briefing(seeds, "Niger")
    defs = _definitions(text)
    refs, defined = footnotes(text)
    assert refs == defined and len(defs) == 5

    conflicts = _section(text, "Figures with conflicts")
    assert "US troops in Niger" in conflicts
    rows = [r for r in conflicts.splitlines() if r.startswith("| ") and "[^" in r]
    values = {r.split("|")[1].strip() for r in rows}
    assert {"1,100", "≈1,200", "≈1,000"} <= values
    for row in rows:
        number = re.search(r"\[\^(\d+)\]", row)[1]  # type: ignore[index]
        source = row.split("|")[3].strip()
        assert defs[number].startswith(source + ",")
    reuters = next(r for r in rows if "| Reuters |" in r)
    assert "| 2023-09-08 |" in reuters

    places = _section(text, "Key facts")
    assert re.search(r"^- Agadez .*\[\^\d+\]", places, re.M)
    assert re.search(r"^- Niamey .*\[\^\d+\]", places, re.M)
    assert "Agadez–Niamey" in conflicts

    timeline = _section(text, "Timeline").splitlines()
    coup = [line for line in timeline if line.startswith("- **2023-07-26**")]
    assert coup and all("coup" in line or "seized power" in line for line in coup)
    assert all(re.search(r"\[\^\d+\]$", line) for line in coup)
    dates = [m[1] for line in timeline if (m := re.match(r"- \*\*(\d{4}-\d{2}-\d{2})\*\*", line))]
    assert dates == sorted(dates)


def test_seed_briefing_from_pins(seeds: Library) -> None:
    briefings = Briefings(seeds)
    briefings.create("Niger drawdown")
    hit = seeds.search("coup July 26", limit=1).hits[0]
    article, facts = seeds.get(hit.id)  # type: ignore[misc]
    coup = next(f for f in facts if f.kind == "date" and f.value == "2023-07-26")
    assert coup.sentence is not None
    briefings.pin_passage(article.id, *coup.sentence, note="the coup")
    figure = next(f for f in facts if f.kind == "figure" and f.key == "US troops in Niger")
    briefings.pin_fact(article.id, figure)
    text = build_briefing_markdown(seeds)
    pinned = _section(text, "Pinned")
    assert "> " in pinned and "*Note:* the coup" in pinned
    assert "**Fact (figure):**" in pinned
    assert "2023-07-26" in _section(text, "Timeline")
    # The pinned figure conflicts with other articles (the app's ⚠): the
    # conflict comes along, its other sources cited.
    conflicts = _section(text, "Figures with conflicts")
    assert "US troops in Niger" in conflicts
    rows = [r for r in conflicts.splitlines() if r.startswith("| ") and "[^" in r]
    assert len({r.split("|")[5].strip() for r in rows}) >= 2
    refs, defined = footnotes(text)
    assert refs == defined and ":1" in refs and len(refs) >= 2


def test_pinned_sides_of_a_conflict_give_one_section(seeds: Library) -> None:
    briefings = Briefings(seeds)
    briefing = briefings.create("Both sides")
    pinned = set()
    for article, facts in seeds.articles():
        for fact in facts:
            # Reuters' 1,100 and Politico's "around 1,200": both sides of the
            # conflict are in the briefing's own articles.
            if fact.key == "US troops in Niger" and fact.value in (1100, 1200):
                briefings.pin_fact(article.id, fact)
                pinned.add(article.id)
                break
    assert len(pinned) >= 2
    text = build_briefing_markdown(seeds, briefing)
    conflicts = _section(text, "Figures with conflicts")
    assert conflicts.count("### US troops in Niger") == 1
    # The one section is the library-wide table, every claim on the subject.
    (everywhere,) = [
        c for c in seeds.conflicts_for(next(iter(pinned))) if c.subject == "US troops in Niger"
    ]
    rows = [r for r in conflicts.splitlines() if r.startswith("| ") and "[^" in r]
    assert len(rows) == len(everywhere.claims) > len(pinned)
    refs, defined = footnotes(text)
    assert refs == defined


def test_saved_file_honours_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o027)
    try:
        fresh = save_markdown(tmp_path / "new.md", "# A\n")
        forced = save_markdown(tmp_path / "forced.md", "# B\n", force=True)
    finally:
        os.umask(old)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o640
    assert stat.S_IMODE(forced.stat().st_mode) == 0o640
    # Replacing a file keeps the permissions the analyst gave it.
    private = tmp_path / "private.md"
    private.write_text("old", "utf-8")
    private.chmod(0o600)
    save_markdown(private, "# C\n", force=True)
    assert stat.S_IMODE(private.stat().st_mode) == 0o600 and private.read_text() == "# C\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["forced.md", "new.md", "private.md"]


def test_a_query_with_no_hits_is_not_exported(small_library: Library) -> None:
    with pytest.raises(NothingToExport, match="matches no articles"):
        build_query_briefing(small_library, "zzyzx")
