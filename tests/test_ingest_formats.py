"""Every input format, and every kind of bad input, through ``read_path``."""

from __future__ import annotations

import gzip
import json
from datetime import date
from pathlib import Path

from fieldbrief.search.ingest import MAX_ARTICLE_BYTES, read_path


def write(path: Path, content: str | bytes) -> Path:
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, "utf-8")
    return path


def test_markdown_with_yaml_front_matter(tmp_path: Path) -> None:
    path = write(
        tmp_path / "a.md",
        "---\ntitle: Drone base handed over\ndate: 2024-08-05\nsource: Field notes\ntags: [niger, bases]\n---\n"
        "# Ignored heading\n\nThe base at *Agadez* was handed over.\n",
    )
    (article,) = read_path(path).articles
    assert article.title == "Drone base handed over"
    assert article.date == date(2024, 8, 5)
    assert article.source == "Field notes"
    assert article.tags == ["bases", "niger"]
    assert "*Agadez*" in article.body
    assert article.format == "md"


def test_markdown_with_toml_front_matter_and_heading_title(tmp_path: Path) -> None:
    path = write(
        tmp_path / "b.md",
        "+++\ndate = 2023-07-26\n+++\n# Coup in Niamey\n\nSoldiers seized power.\n",
    )
    (article,) = read_path(path).articles
    assert article.title == "Coup in Niamey"
    assert article.date == date(2023, 7, 26)
    assert article.body == "Soldiers seized power."


def test_markdown_with_broken_front_matter_still_loads(tmp_path: Path) -> None:
    path = write(tmp_path / "c.md", "---\ntitle: [unclosed\n---\nBody text here.\n")
    result = read_path(path)
    assert len(result.articles) == 1
    assert any("front matter" in note for note in result.notes)


def test_html_article_meta_and_main_text(tmp_path: Path) -> None:
    html = """<!doctype html><html><head><title>Site | Page</title>
    <meta property="og:title" content="Troops leave Niger">
    <meta property="article:published_time" content="2024-05-20T08:00:00Z">
    <meta property="og:site_name" content="Example News">
    <script>var x = "<p>not text</p>";</script></head>
    <body><nav>Home | World</nav><article><h1>Troops leave Niger</h1>
    <p>The withdrawal &amp; handover began.</p><p>Officials said so.</p></article>
    <footer>Copyright</footer></body></html>"""
    (article,) = read_path(write(tmp_path / "a.html", html)).articles
    assert article.title == "Troops leave Niger"
    assert article.date == date(2024, 5, 20)
    assert article.source == "Example News"
    assert article.body == "The withdrawal & handover began.\n\nOfficials said so."


def test_jsonl_and_gzip_with_malformed_line(tmp_path: Path) -> None:
    lines = [
        json.dumps(
            {
                "id": "a1",
                "title": "One",
                "date": "2017-10-19",
                "source": "Reuters",
                "body": "First body.",
            }
        ),
        "{not json",
        json.dumps(
            {"id": "a2", "title": "Two", "date": None, "source": "BBC News", "body": "Second body."}
        ),
        json.dumps({"id": "a3", "title": "No body"}),
    ]
    for name, opener in (("x.jsonl", open), ("x.jsonl.gz", gzip.open)):
        path = tmp_path / name
        with opener(path, "wt", encoding="utf-8") as handle:
            handle.write("\n".join(lines) + "\n")
        result = read_path(path)
        assert [a.title for a in result.articles] == ["One", "Two"]
        assert result.articles[0].date == date(2017, 10, 19)
        assert result.articles[1].date is None
        assert result.articles[0].origin.endswith("#a1")
        assert [(p.line, p.reason.split(" (")[0]) for p in result.problems] == [
            (2, "malformed JSON"),
            (4, "no body text"),
        ]


RSS = """<?xml version="1.0"?><rss version="2.0"><channel><title>Sahel Wire</title>
<item><title>Base handover</title><guid>g1</guid><pubDate>Mon, 05 Aug 2024 10:00:00 GMT</pubDate>
<description>&lt;p&gt;The US handed over Air Base 201.&lt;/p&gt;</description></item>
<item><title>Second</title><guid>g2</guid><description>Another story.</description></item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">
<title>Atom Desk</title><id>urn:x</id><updated>2023-09-08T00:00:00Z</updated>
<entry><title>Repositioning</title><id>urn:e1</id><updated>2023-09-08T12:00:00Z</updated>
<content type="html">&lt;p&gt;Troops moved to Agadez.&lt;/p&gt;</content></entry></feed>"""


def test_rss_and_atom_feeds(tmp_path: Path) -> None:
    rss = read_path(write(tmp_path / "f.rss", RSS))
    assert [a.title for a in rss.articles] == ["Base handover", "Second"]
    assert rss.articles[0].date == date(2024, 8, 5)
    assert rss.articles[0].source == "Sahel Wire"
    assert rss.articles[0].body == "The US handed over Air Base 201."
    atom = read_path(write(tmp_path / "f.atom", ATOM))
    (entry,) = atom.articles
    assert entry.title == "Repositioning"
    assert entry.date == date(2023, 9, 8)
    assert entry.body == "Troops moved to Agadez."


def test_malformed_feed_is_a_problem(tmp_path: Path) -> None:
    result = read_path(write(tmp_path / "bad.xml", "<rss><channel><item><title>x"))
    assert not result.articles or all(a.body for a in result.articles)
    if not result.articles:
        assert result.problems


def test_bad_inputs_each_get_a_reason(tmp_path: Path) -> None:
    cases = {
        "empty.txt": b"",
        "blank.txt": b"   \n\n\t\n",
        "binary.txt": bytes(range(256)) * 20,
        "nul.txt": b"abc\x00def" * 100,
        "huge.txt": b"a" * (MAX_ARTICLE_BYTES + 1),
        "notes.docx": b"PK\x03\x04",
    }
    for name, data in cases.items():
        result = read_path(write(tmp_path / name, data))
        assert not result.articles, name
        assert result.problems and result.problems[0].reason, name
    assert "limit" in read_path(tmp_path / "huge.txt").problems[0].reason
    assert "binary" in read_path(tmp_path / "binary.txt").problems[0].reason
    assert "unsupported" in read_path(tmp_path / "notes.docx").problems[0].reason


def test_encodings(tmp_path: Path) -> None:
    latin = read_path(write(tmp_path / "latin.txt", "Café in Niamey costs £3.\n".encode("cp1252")))
    assert latin.articles[0].body == "Café in Niamey costs £3."
    assert any("Windows-1252" in note for note in latin.notes)
    utf16 = read_path(write(tmp_path / "u16.txt", "Troops in Agadez.\n".encode("utf-16")))
    assert utf16.articles[0].body == "Troops in Agadez."


def test_control_sequences_are_stripped(tmp_path: Path) -> None:
    text = "Title\x1b]0;pwned\x07 here\n\nBody \x1b[31mred\x1b[0m text\u202e and \x9b2J more.\n"
    (article,) = read_path(write(tmp_path / "esc.txt", text)).articles
    assert "\x1b" not in article.title + article.body
    assert "\u202e" not in article.body and "\x9b" not in article.body
    assert article.title == "Title here"
    assert "red text" in article.body


def test_invalid_header_date_stays_undated(tmp_path: Path) -> None:
    result = read_path(
        write(tmp_path / "d.txt", "date 99-99-9999 Strange header\n\nBody sentence here.\n")
    )
    assert result.articles[0].date is None
    assert any("99-99-9999" in note for note in result.notes)


def test_photo_credit_lines_are_removed_and_sentences_kept(tmp_path: Path) -> None:
    text = (
        "Troops leave Niger\n\ndate 2023-09-08\n\n"
        "The first paragraph says troops are moving from Agadez to Niamey over weeks.\n\n"
        "The second paragraph is about the drawdown and how long it will take.\n\n"
        "Photo: Reuters\n\nPhoto: AFP\n\nPhoto: John Doe/Reuters\n\nPHOTO: Jane Roe\n\n"
        "Photo: the base was seen from the air in a picture the army took.\n\n"
        "A final sentence.\n"
    )
    (article,) = read_path(write(tmp_path / "credits.txt", text)).articles
    for credit in ("Photo: Reuters", "Photo: AFP", "John Doe", "Jane Roe"):
        assert credit not in article.body
    # "Photo:" before a sentence is not a credit: the sentence stays.
    assert "Photo: the base was seen from the air" in article.body
    assert "second paragraph" in article.body and article.body.endswith("A final sentence.")
