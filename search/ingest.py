"""Reading articles from files: plain text, Markdown, HTML, JSON Lines and feeds.

Every reader returns an ``IngestResult`` instead of raising: a bad file (or a
bad line in a JSON Lines file) becomes a ``Problem`` with a reason a person can
act on, and the rest of the batch still loads.
"""

from __future__ import annotations

import codecs
import gzip
import hashlib
import html
import json
import os
import re
import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from .model import Article
from .scraped import clean_scraped, derive_title, parse_date
from .textsafety import printable, strip_unsafe

MAX_ARTICLE_BYTES = 5 * 1024 * 1024
"""One article larger than this is not news copy; it is skipped with a message."""
MAX_BUNDLE_BYTES = 2 * 1024 * 1024 * 1024
"""JSON Lines and feeds hold many articles and are streamed; cap only absurd sizes.

For a compressed bundle the cap applies to the bytes it decompresses to, as
they are read: 1 MB of gzip can hold gigabytes."""
MAX_LINE_BYTES = MAX_ARTICLE_BYTES + 256 * 1024
"""A JSON Lines record: one article and its fields. A longer line is dropped as it
is read, never held whole."""
MAX_PROBLEMS_PER_FILE = 20
"""Problems listed one by one per file; the rest are counted in one summary line."""
GIVE_UP_AFTER_BAD_LINES = 1000
"""A file whose first this-many records are all unreadable is not JSON Lines."""
MAX_FRONT_MATTER_BYTES = 64 * 1024
MAX_TITLE_CHARS = 500
MAX_SOURCE_CHARS = 200
MAX_TAGS = 50
MAX_TAG_CHARS = 100

TEXT_SUFFIXES = {".txt", ".text"}
MARKDOWN_SUFFIXES = {".md", ".markdown"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSONL_SUFFIXES = {".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz"}
FEED_SUFFIXES = {".xml", ".rss", ".atom"}
SUPPORTED_SUFFIXES = (
    TEXT_SUFFIXES | MARKDOWN_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES | FEED_SUFFIXES
)


@dataclass(slots=True)
class Problem:
    path: str
    reason: str
    line: int | None = None

    def __post_init__(self) -> None:
        # File names are chosen by whoever made the files: never let one carry
        # a control sequence into a report, a terminal or JSON output.
        self.path = printable(self.path)

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.reason}"


@dataclass(slots=True)
class IngestResult:
    articles: list[Article] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def suffix_of(path: Path) -> str:
    name = path.name.lower()
    for double in (".jsonl.gz", ".ndjson.gz"):
        if name.endswith(double):
            return double
    return path.suffix.lower()


def article_id(title: str, body: str) -> str:
    """Content-derived id: the same story ingested twice gets the same id."""
    canonical = re.sub(r"\s+", " ", f"{title}\n{body}").strip().lower()
    return hashlib.blake2b(canonical.encode("utf-8"), digest_size=8).hexdigest()


def decode(data: bytes) -> tuple[str, str]:
    """Decode bytes as text: BOM first, then strict UTF-8, then Windows-1252."""
    for bom, encoding in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(encoding, errors="replace"), encoding
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    # cp1252 leaves five bytes undefined; those (and only those) become U+FFFD.
    return data.decode("cp1252", errors="replace"), "cp1252"


def looks_binary(data: bytes) -> bool:
    """True for data that is not text in any encoding we read."""
    sample = data[:8192]
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    if b"\x00" in sample:
        return True
    # ESC is left out: text with terminal escapes is hostile but still text,
    # and is cleaned rather than rejected.
    controls = sum(1 for b in sample if b < 9 or (13 < b < 32 and b != 27))
    return len(sample) > 0 and controls / len(sample) > 0.05


def make_article(
    *,
    title: str,
    body: str,
    published: date | None,
    source: str | None,
    path: Path,
    origin: str,
    fmt: str,
    tags: Iterable[str] = (),
) -> Article:
    title = _capped(" ".join(strip_unsafe(title).split()), MAX_TITLE_CHARS)
    body = strip_unsafe(body).strip()
    source = _capped(" ".join(strip_unsafe(source).split()), MAX_SOURCE_CHARS) if source else None
    if not title:
        title = _capped(derive_title(body) if body else path.stem, MAX_TITLE_CHARS)
    kept_tags: set[str] = set()
    for tag in tags:
        clean = _capped(" ".join(strip_unsafe(str(tag)).split()), MAX_TAG_CHARS)
        if clean:
            kept_tags.add(clean)
        if len(kept_tags) >= MAX_TAGS:
            break
    return Article(
        id=article_id(title, body),
        title=title,
        body=body,
        date=published,
        source=source or None,
        path=printable(str(path)),
        origin=printable(origin),
        format=fmt,
        tags=sorted(kept_tags),
    )


def _capped(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters at a word boundary, marked with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut).rstrip() + "…"


def _coerce_date(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return parse_date(str(value))


# --- plain text ---------------------------------------------------------------


def read_text(path: Path, text: str, result: IngestResult) -> None:
    text = strip_unsafe(text)
    if not text.strip():
        result.problems.append(Problem(str(path), "empty file (no text)"))
        return
    parsed = clean_scraped(text)
    result.notes.extend(f"{printable(str(path))}: {n}" for n in parsed.notes)
    if not parsed.body.strip():
        result.problems.append(
            Problem(str(path), "no article text left after removing page furniture")
        )
        return
    result.articles.append(
        make_article(
            title=parsed.title,
            body=parsed.body,
            published=parsed.date,
            source=parsed.source,
            path=path,
            origin=str(path),
            fmt="txt",
        )
    )


# --- Markdown -----------------------------------------------------------------

_FRONT_MATTER = re.compile(r"\A(---|\+\+\+)[ \t]*\n(.*?)\n\1[ \t]*(?:\n|\Z)", re.DOTALL)


def read_markdown(path: Path, text: str, result: IngestResult) -> None:
    text = strip_unsafe(text)
    meta: dict[str, Any] = {}
    match = _FRONT_MATTER.match(text)
    if match and len(match.group(2)) > MAX_FRONT_MATTER_BYTES:
        result.notes.append(
            f"{printable(str(path))}: front matter over {MAX_FRONT_MATTER_BYTES // 1024} KB ignored"
        )
        text, match = text[match.end() :], None
    if match:
        try:
            if match.group(1) == "---":
                loaded = _load_yaml(match.group(2))
            else:
                loaded = tomllib.loads(match.group(2))
            if isinstance(loaded, dict):
                meta = loaded
            else:
                result.notes.append(
                    f"{printable(str(path))}: front matter is not a mapping; ignored"
                )
        except Exception as exc:  # YAML and TOML raise many error types
            result.notes.append(
                f"{printable(str(path))}: unreadable front matter ignored ({type(exc).__name__})"
            )
        text = text[match.end() :]
    title = str(meta.get("title") or "").strip()
    body = text.strip()
    if not title:
        heading = re.match(r"\A#\s+(.+)\n+", body)
        if heading:
            title = heading.group(1).strip().strip("#").strip()
            body = body[heading.end() :]
    published = _coerce_date(meta.get("date") or meta.get("published"))
    if published is None and not meta:
        parsed = clean_scraped(body, known_title=title or None)
        title, body, published = parsed.title, parsed.body, parsed.date
    if not body.strip():
        result.problems.append(Problem(str(path), "empty file (no text)"))
        return
    source = meta.get("source") or meta.get("publisher") or meta.get("site")
    tags = meta.get("tags") or []
    if isinstance(tags, str):
        tags = [t.strip() for t in tags.split(",")]
    result.articles.append(
        make_article(
            title=title,
            body=body,
            published=published,
            source=str(source) if source else None,
            path=path,
            origin=str(path),
            fmt="md",
            tags=[str(t) for t in tags] if isinstance(tags, list) else [],
        )
    )


def _load_yaml(text: str) -> Any:
    """YAML front matter, with anchors and aliases refused.

    A few hundred bytes of nested aliases ("billion laughs") expand to
    gigabytes inside PyYAML's safe loader; front matter never needs them.
    """
    import yaml

    class FrontMatterLoader(yaml.SafeLoader):
        def compose_node(self, parent: Any, index: Any) -> Any:
            if self.check_event(yaml.AliasEvent):
                raise yaml.YAMLError("aliases are not allowed in front matter")
            return super().compose_node(parent, index)

    return yaml.load(text, Loader=FrontMatterLoader)


# --- HTML ---------------------------------------------------------------------

_SKIP_TAGS = {
    "script",
    "style",
    "nav",
    "header",
    "footer",
    "aside",
    "form",
    "noscript",
    "svg",
    "button",
    "iframe",
    "template",
    "figure",
    "figcaption",
    "select",
}
_BLOCK_TAGS = {
    "p",
    "div",
    "br",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "section",
    "article",
    "blockquote",
    "tr",
    "pre",
    "ul",
    "ol",
    "table",
    "main",
    "dd",
    "dt",
    "hr",
}
_DATE_META = (
    "article:published_time",
    "datepublished",
    "date",
    "pubdate",
    "publishdate",
    "dc.date",
    "dc.date.issued",
    "sailthru.date",
    "parsely-pub-date",
    "og:published_time",
)
_SOURCE_META = (
    "og:site_name",
    "application-name",
    "publisher",
    "dc.publisher",
    "cxenseparse:recs:publisher",
)
_TITLE_META = ("og:title", "twitter:title", "dc.title", "headline")


class _ArticleHTML(HTMLParser):
    """Collects title, meta and visible text, preferring an <article> element."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self.title = ""
        self.h1 = ""
        self._in_title = False
        self._in_h1 = False
        self._skip_depth = 0
        self._article_depth = 0
        self.saw_article = False
        self.all_text: list[str] = []
        self.article_text: list[str] = []
        self.time_datetime: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {k.lower(): (v or "") for k, v in attrs}
        if tag == "meta":
            key = (attr.get("property") or attr.get("name") or attr.get("itemprop") or "").lower()
            if key and attr.get("content"):
                self.meta.setdefault(key, attr["content"])
            return
        if tag == "time" and attr.get("datetime") and self.time_datetime is None:
            self.time_datetime = attr["datetime"]
        if tag in _SKIP_TAGS:
            self._skip_depth += 1
        elif tag == "title":
            self._in_title = True
        elif tag == "h1":
            self._in_h1 = True
        if tag == "article":
            self._article_depth += 1
            self.saw_article = True
        if tag in _BLOCK_TAGS:
            self._emit("\n\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag in _SKIP_TAGS:
            self._skip_depth = max(0, self._skip_depth - 1)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self._skip_depth = max(0, self._skip_depth - 1)
        elif tag == "title":
            self._in_title = False
        elif tag == "h1":
            self._in_h1 = False
        if tag == "article":
            self._article_depth = max(0, self._article_depth - 1)
        if tag in _BLOCK_TAGS:
            self._emit("\n\n")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
            return
        if self._skip_depth:
            return
        if self._in_h1 and not self.h1:
            self.h1 = data.strip()
            return
        self._emit(data)

    def _emit(self, text: str) -> None:
        self.all_text.append(text)
        if self._article_depth:
            self.article_text.append(text)


def _html_to_text(chunks: list[str]) -> str:
    text = "".join(chunks)
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text)]
    return "\n\n".join(p for p in paragraphs if p)


def html_text(markup: str) -> str:
    """Visible text of an HTML fragment (feed entries), paragraphs kept."""
    parser = _ArticleHTML()
    try:
        parser.feed(markup)
        parser.close()
    except Exception:  # html.parser is lenient, but never let a fragment stop a feed
        return html.unescape(re.sub(r"<[^>]+>", " ", markup))
    return _html_to_text(parser.all_text)


def read_html(path: Path, text: str, result: IngestResult) -> None:
    parser = _ArticleHTML()
    try:
        parser.feed(strip_unsafe(text))
        parser.close()
    except Exception as exc:
        result.problems.append(Problem(str(path), f"unreadable HTML ({exc})"))
        return
    chunks = (
        parser.article_text
        if parser.saw_article and "".join(parser.article_text).strip()
        else parser.all_text
    )
    body_text = _html_to_text(chunks)
    title = next((parser.meta[k] for k in _TITLE_META if parser.meta.get(k)), "") or parser.h1
    title = title or parser.title.strip()
    published = next(
        (d for k in _DATE_META if (d := _coerce_date(parser.meta.get(k))) is not None), None
    ) or _coerce_date(parser.time_datetime)
    source = next((parser.meta[k] for k in _SOURCE_META if parser.meta.get(k)), None)
    parsed = clean_scraped(body_text, known_title=title or None)
    if not parsed.body.strip():
        result.problems.append(Problem(str(path), "no article text found in the HTML"))
        return
    result.articles.append(
        make_article(
            title=parsed.title,
            body=parsed.body,
            published=published or parsed.date,
            source=source or parsed.source,
            path=path,
            origin=str(path),
            fmt="html",
        )
    )


# --- JSON Lines ---------------------------------------------------------------


def read_jsonl_lines(
    path: Path, lines: Iterable[tuple[int, str | None]], piece: int = 0
) -> Iterator[IngestResult]:
    """The file's articles, problems and notes, ``piece`` articles at a time (0: all).

    ``lines`` are ``(line number, text)``, text ``None`` for a line that was
    too long to hold. Past ``MAX_PROBLEMS_PER_FILE`` problems are counted, not
    listed; a file whose first ``GIVE_UP_AFTER_BAD_LINES`` records are all bad
    is given up on. A record that fails in a way nobody foresaw is skipped
    with its line number, never the batch.
    """
    result = IngestResult()
    problems = _ProblemList(path)
    good = 0
    for number, line in lines:
        if piece and len(result.articles) >= piece:
            result.problems = problems.take()
            yield result
            result = IngestResult()
        if line is None:
            problems.add(f"line longer than {MAX_LINE_BYTES // 1048576} MB skipped", number)
        else:
            try:
                article, reason, note = _jsonl_record(path, line, number)
            except Exception as exc:  # hostile input: one record never stops a file
                article, reason, note = None, f"unreadable record ({type(exc).__name__})", None
            if note:
                result.notes.append(note)
            if article is not None:
                good += 1
                result.articles.append(article)
            elif reason:
                problems.add(reason, number)
        if not good and problems.count >= GIVE_UP_AFTER_BAD_LINES:
            problems.add(
                f"not JSON Lines: the first {problems.count} records are all unreadable; "
                "rest of the file skipped",
                None,
                always=True,
            )
            break
    result.problems = problems.take(final=True)
    yield result


class _ProblemList:
    """A file's problems: the first few in full, the rest as one line with a count."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.count = 0
        self.hidden = 0
        self.first_hidden: int | None = None
        self._pending: list[Problem] = []

    def add(self, reason: str, line: int | None, *, always: bool = False) -> None:
        self.count += 1
        if always or self.count <= MAX_PROBLEMS_PER_FILE:
            self._pending.append(Problem(str(self.path), reason, line))
            return
        self.hidden += 1
        if self.first_hidden is None:
            self.first_hidden = line

    def take(self, *, final: bool = False) -> list[Problem]:
        out, self._pending = self._pending, []
        if final and self.hidden:
            out.append(
                Problem(
                    str(self.path),
                    f"{self.hidden:,} more bad lines not listed (from line {self.first_hidden})",
                )
            )
        return out


def _jsonl_record(
    path: Path, line: str, number: int
) -> tuple[Article | None, str | None, str | None]:
    """One JSON Lines record: (article, None, note) or (None, why it was skipped, None)."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        return None, f"malformed JSON ({exc.msg})", None
    except RecursionError:
        return None, "malformed JSON (nested too deeply)", None
    if not isinstance(record, dict):
        return None, "line is not a JSON object", None
    body = record.get("body") or record.get("text") or record.get("content") or ""
    if not isinstance(body, str) or not body.strip():
        return None, "no body text", None
    title = record.get("title") or ""
    record_id = record.get("id")
    origin = f"{path}#{record_id}" if record_id not in (None, "") else f"{path}#L{number}"
    raw_date = record.get("date") or record.get("published")
    published = _coerce_date(raw_date)
    note = None
    if raw_date and published is None:
        shown = strip_unsafe(str(raw_date)[:40])
        note = f"{printable(str(path))}:{number}: unreadable date {shown!r} ignored"
    tags = record.get("tags") or []
    article = make_article(
        title=str(title),
        body=body,
        published=published,
        source=str(record["source"]) if record.get("source") else None,
        path=path,
        origin=origin,
        fmt="jsonl",
        tags=[str(t) for t in tags[:MAX_TAGS]] if isinstance(tags, list) else [],
    )
    return article, None, note


# --- RSS / Atom ---------------------------------------------------------------


def read_feed(path: Path, data: bytes, result: IngestResult) -> None:
    import feedparser

    # Parse bytes, never a path or URL: feedparser fetches URLs, and fieldbrief
    # must never touch the network.
    feed = feedparser.parse(data, resolve_relative_uris=False, sanitize_html=True)
    if not feed.entries:
        reason = "no feed entries found"
        if feed.get("bozo"):
            reason = f"malformed feed ({feed.get('bozo_exception')})"
        result.problems.append(Problem(str(path), reason))
        return
    if feed.get("bozo"):
        result.notes.append(
            f"{printable(str(path))}: feed is not well-formed; read what could be recovered"
        )
    feed_title = feed.feed.get("title") if feed.get("feed") else None
    for number, entry in enumerate(feed.entries, start=1):
        content = ""
        if entry.get("content"):
            content = "\n\n".join(c.get("value", "") for c in entry.content)
        content = content or entry.get("summary", "") or entry.get("description", "")
        body = html_text(content)
        if not body.strip():
            result.problems.append(Problem(str(path), "feed entry without text", number))
            continue
        stamp = entry.get("published_parsed") or entry.get("updated_parsed")
        published = date(stamp.tm_year, stamp.tm_mon, stamp.tm_mday) if stamp else None
        key = entry.get("id") or entry.get("link") or f"entry{number}"
        source = entry.get("source", {}).get("title") if entry.get("source") else None
        result.articles.append(
            make_article(
                title=html_text(entry.get("title", "")),
                body=body,
                published=published,
                source=source or feed_title,
                path=path,
                origin=f"{path}#{key}",
                fmt="feed",
                tags=[t.get("term", "") for t in entry.get("tags", []) if isinstance(t, dict)],
            )
        )


# --- dispatch -----------------------------------------------------------------


def read_path(path: str | Path) -> IngestResult:
    """Read one file into articles. Never raises for bad content."""
    whole = IngestResult()
    for piece in iter_read(path):
        whole.articles.extend(piece.articles)
        whole.problems.extend(piece.problems)
        whole.notes.extend(piece.notes)
    return whole


def iter_read(path: str | Path, piece: int = 0) -> Iterator[IngestResult]:
    """Read one file, a JSON Lines file ``piece`` articles at a time (0: whole).

    A bundle can hold a whole archive; reading it in pieces keeps a bulk add's
    memory flat instead of proportional to the file.
    """
    path = Path(path)
    suffix = suffix_of(path)
    refusal = _refusal(path, suffix)
    if refusal is not None:
        yield IngestResult(problems=[refusal])
        return
    if suffix in JSONL_SUFFIXES:
        try:
            yield from _read_jsonl_file(path, suffix, piece)
        except (OSError, EOFError, gzip.BadGzipFile) as exc:
            yield IngestResult(problems=[Problem(str(path), f"cannot read ({exc})")])
        return
    result = IngestResult()
    try:
        data = path.read_bytes()
    except OSError as exc:
        result.problems.append(Problem(str(path), f"cannot read ({exc})"))
    else:
        _read_document(path, suffix, data, result)
    yield result


def _refusal(path: Path, suffix: str) -> Problem | None:
    """Why the file is not read at all, or None."""
    if suffix not in SUPPORTED_SUFFIXES:
        return Problem(str(path), f"unsupported file type {suffix or '(none)'}")
    try:
        size = path.stat().st_size
    except OSError as exc:
        return Problem(str(path), f"cannot read ({exc.strerror or exc})")
    bundle = suffix in JSONL_SUFFIXES or suffix in FEED_SUFFIXES
    limit = MAX_BUNDLE_BYTES if bundle else MAX_ARTICLE_BYTES
    if size > limit:
        return Problem(
            str(path), f"file is {size / 1048576:.1f} MB, over the {limit // 1048576} MB limit"
        )
    if size == 0:
        return Problem(str(path), "empty file")
    return None


def _read_document(path: Path, suffix: str, data: bytes, result: IngestResult) -> None:
    if suffix in FEED_SUFFIXES:
        read_feed(path, data, result)
        return
    if looks_binary(data):
        result.problems.append(Problem(str(path), "binary data, not text"))
        return
    text, encoding = decode(data)
    if encoding == "cp1252":
        result.notes.append(f"{printable(str(path))}: not valid UTF-8; decoded as Windows-1252")
    if suffix in MARKDOWN_SUFFIXES:
        read_markdown(path, text, result)
    elif suffix in HTML_SUFFIXES:
        read_html(path, text, result)
    else:
        read_text(path, text, result)


def _read_jsonl_file(path: Path, suffix: str, piece: int) -> Iterator[IngestResult]:
    opener = gzip.open if suffix.endswith(".gz") else open
    with opener(path, "rb") as handle:
        lines = _BoundedLines(handle)

        def decoded() -> Iterator[tuple[int, str | None]]:
            for number, raw in lines:
                if raw is None:
                    yield number, None
                    continue
                try:
                    yield number, raw.decode("utf-8")
                except UnicodeDecodeError:
                    yield number, raw.decode("cp1252", errors="replace")

        pieces = read_jsonl_lines(path, decoded(), piece)
        yield from pieces
        if lines.over_limit:
            yield IngestResult(
                problems=[
                    Problem(
                        str(path),
                        f"decompresses to more than {MAX_BUNDLE_BYTES // 1048576} MB; "
                        f"stopped at line {lines.line}",
                    )
                ]
            )


_LINE_CONTENT = re.compile(rb"[^\n]+")
_READ_BYTES = 1 << 20


class _BoundedLines:
    """Non-blank lines of a binary stream as ``(number, bytes)``, in bounded memory.

    A line over ``MAX_LINE_BYTES`` comes out as ``(number, None)``; its bytes
    are dropped as they are read, so a 1 GB line costs one read buffer, not a
    gigabyte. Runs of blank lines are skipped by the regular-expression engine
    rather than one Python iteration each. Reading stops once
    ``MAX_BUNDLE_BYTES`` have come out of the stream (``over_limit``), which
    for a compressed file bounds what it decompresses to.
    """

    def __init__(self, handle: Any) -> None:
        self.handle = handle
        self.line = 1
        self.over_limit = False

    def __iter__(self) -> Iterator[tuple[int, bytes | None]]:
        carry = bytearray()  # the start of a line cut by the end of a read
        skipping = False  # the current line is over the cap: drop its bytes
        total = 0
        while chunk := self.handle.read(_READ_BYTES):
            total += len(chunk)
            if total > MAX_BUNDLE_BYTES:
                self.over_limit = True
                return
            pos = 0
            if carry or skipping:
                newline = chunk.find(b"\n")
                if newline < 0:
                    if not skipping:
                        carry += chunk
                        if len(carry) > MAX_LINE_BYTES:
                            carry.clear()
                            skipping = True
                    continue
                if not skipping:
                    carry += chunk[:newline]
                yield from self._line(None if skipping else bytes(carry))
                carry.clear()
                skipping = False
                self.line += 1
                pos = newline + 1
            for match in _LINE_CONTENT.finditer(chunk, pos):
                self.line += chunk.count(b"\n", pos, match.start())
                pos = match.end()
                if pos == len(chunk):  # the line may go on in the next read
                    carry += match.group()
                    if len(carry) > MAX_LINE_BYTES:
                        carry.clear()
                        skipping = True
                    break
                yield from self._line(match.group())
            self.line += chunk.count(b"\n", pos)
        if skipping:
            yield self.line, None
        elif carry:
            yield from self._line(bytes(carry))

    def _line(self, raw: bytes | None) -> Iterator[tuple[int, bytes | None]]:
        if raw is None or len(raw) > MAX_LINE_BYTES:
            yield self.line, None
        elif raw.strip():
            yield self.line, raw


def iter_input_files(
    paths: Iterable[str | os.PathLike[str]],
) -> Iterator[tuple[Path, Problem | None]]:
    """Expand files and folders (recursively) into the files to read.

    Hidden files and unsupported types inside folders are passed over silently;
    a path named explicitly that cannot be read is reported.
    """
    for raw in paths:
        path = Path(raw).expanduser()
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if any(part.startswith(".") for part in child.relative_to(path).parts):
                    continue
                if child.is_file() and suffix_of(child) in SUPPORTED_SUFFIXES:
                    yield child.resolve(), None
        elif path.is_file():
            yield path.resolve(), None
        else:
            yield path, Problem(str(path), "no such file or folder")
