"""Recovering title, date, source and body from text as scrapers leave it.

Scraped news arrives with page furniture around the story: a header date line
(``date 2023-09-08``), the page's own date above the article's (``Today: 13 May
2025``), widget text (``close close``, ``switch caption``, ``1 min read``), photo
credits, and a trailer of unrelated headlines after the story (``ALSO READ-``,
``Previous Story``, ``Latest from …``). This module turns such text into an
article's fields. It is deliberately conservative: what it cannot establish (a
date, a source) stays empty rather than guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from dateutil import parser as dateparser

_HEADER_DATE = re.compile(r"^\s*date\s+(\S+)\s*(.*)$", re.IGNORECASE)
_PAGE_DATE = re.compile(r"^\s*(today|updated|last updated|printed)\s*:", re.IGNORECASE)
_PUBLISHED_PREFIX = re.compile(
    r"^\s*(published|posted|first published|date)\s*(on)?\s*:?\s*", re.IGNORECASE
)
_MONTHS = (
    "jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    "sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
# A line that is only a date: "8 September 2023", "September 8, 2023",
# "2023-09-08", "Sep 8, 2023 10:42 AM", optionally with a weekday in front.
_DATE_ONLY_LINE = re.compile(
    rf"""^\s*(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s+)?
    (?:\d{{1,2}}\s+(?:{_MONTHS})\.?,?\s+\d{{4}}
      |(?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}
      |\d{{4}}-\d{{2}}-\d{{2}})
    (?:[T\s,]+\d{{1,2}}[:.]\d{{2}}(?::\d{{2}})?\s*(?:[ap]\.?m\.?)?\s*(?:[A-Z]{{2,4}}|GMT[+-]?\d*|UTC)?)?
    \s*$""",
    re.IGNORECASE | re.VERBOSE,
)
_JUNK_LINE = re.compile(
    r"""^\s*(?:close|open|menu|advertisement|skip\ to\ (?:main\ )?content|share(?:\ this)?(?:\ article)?
    |\d+\s+min(?:ute)?s?\s+read|listen(?:\ to\ this\ article)?|print|email|subscribe|sign\ in
    |toggle\ caption|hide\ caption|switch\ caption.*|enlarge\ this\ image|image\ source,.*|image\ caption,?)\s*$""",
    re.IGNORECASE | re.VERBOSE,
)
# Everything from one of these to the end is site furniture, not the story.
_TRAILER = re.compile(
    r"""^\s*(?:also\ read\b.*|previous\ (?:story|article|post)|next\ (?:story|article|post)
    |latest\ from\b.*|don['’]t\ miss\b.*|go\ ?to\ ?top|related\ (?:articles?|stories|posts|news|coverage)\b.*
    |more\ from\b.*|you\ may\ also\ like\b.*|recommended(?:\ for\ you)?|read\ more\ *:.*|share\ this\ *:?
    |tags\ *:.*|most\ read\b.*|trending(?:\ now)?|more\ stories|read\ next)\s*$""",
    re.IGNORECASE | re.VERBOSE,
)
_KNOWN_OUTLETS = (
    "Reuters|AP|AFP|Associated Press|The Associated Press|Al Jazeera|BBC|CNN|Bloomberg|"
    "Politico|RT|TASS|Xinhua|Anadolu|DPA|UPI|NPR|Axios|Getty Images|EPA"
)
# "Photo:", "PHOTO:", "Photo credit:" as pages write it; only the label is
# case-blind, the name after it must still be capitalised.
_PHOTO_LABEL = r"(?i:photo(?:graph)?(?:\s+credit)?)\s*:\s*"
_CREDIT_NAME = r"[A-Z][\w.'’&-]*(?:\s+[A-Z][\w.'’&-]*){0,3}"
# "Sam Mednick/AP", "Photo: Reuters", "Photo: John Doe/Reuters", "AFP/Getty Images" …
_CREDIT_LINE = re.compile(
    rf"^\s*(?:switch caption)?\s*(?:{_PHOTO_LABEL})?(?:{_CREDIT_NAME}\s*/\s*)?"
    rf"({_KNOWN_OUTLETS})(?:\s+via\s+Getty Images|\s*/\s*Getty Images)?\s*$"
)
# A labelled credit naming no outlet we know ("Photo: John Doe", "Photo:
# Jane Roe/Sahel Wire"). The whole line must be the label and a short run of
# capitalised names, so a caption sentence after "Photo:" is not taken for one.
_PHOTO_CREDIT_LINE = re.compile(rf"^\s*{_PHOTO_LABEL}{_CREDIT_NAME}(?:\s*/\s*{_CREDIT_NAME})?\s*$")
_SWITCH_CAPTION = re.compile(r"^\s*switch caption", re.IGNORECASE)
_REPORTS_SUFFIX = re.compile(
    r"(?:…|\.\.\.)?\s*reports\s+([A-Z][\w&'’.-]*(?:\s+[A-Z][\w&'’.-]*){0,4})\s*$"
)
_DATELINE_AGENCY = re.compile(rf"^[A-Z][A-Za-z .,'-]{{1,40}}\s+\(({_KNOWN_OUTLETS})\)\s+[-–—]")
_TOLD_AGENCY = re.compile(r"\btold (Reuters|The Associated Press|the Associated Press|AFP)\b")
_OUTLET_NAMES = {
    "associated press": "AP",
    "the associated press": "AP",
}
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)]*$")


@dataclass(slots=True)
class ScrapedArticle:
    title: str
    body: str
    date: date | None
    source: str | None
    notes: list[str]


def parse_date(text: str) -> date | None:
    """Parse one date expression strictly; ``None`` for anything doubtful."""
    text = text.strip().rstrip(".,")
    if not text or not re.search(r"\d", text):
        return None
    try:
        parsed = dateparser.parse(text, default=datetime(1, 1, 1), fuzzy=False)
    except (ValueError, OverflowError, TypeError):
        return None
    if parsed.year < 1900 or parsed.year > 2100:
        return None
    return parsed.date()


def _outlet(name: str) -> str:
    name = name.strip().rstrip(".")
    return _OUTLET_NAMES.get(name.lower(), name)


def _is_headline(line: str) -> bool:
    words = line.split()
    return 2 <= len(words) <= 30 and len(line) <= 200 and not _SENTENCE_END.search(line)


def derive_title(paragraph: str, limit: int = 110) -> str:
    """A headline-like title from a lede paragraph: its first clause, shortened."""
    # Not the fact engine's sentence splitter (facts.tokenize), though it is
    # better ("Maj. Gen." is no sentence end): the title is part of the
    # article's id, so a new rule would make every stored untitled article
    # look new when its file is added again.
    sentence = re.split(r"(?<=[.!?])\s+(?=[A-Z\"“])", paragraph.strip(), maxsplit=1)[0]
    sentence = re.sub(r"^[A-Z][A-Z .,'-]{2,40}\s*[-–—]?\s+(?=[A-Z])", "", sentence)  # dateline
    sentence = sentence.rstrip(".")
    for cut in (",", " - ", " – ", " — "):
        head = sentence.split(cut, 1)[0]
        if cut == "," and len(head.split()) >= 6:
            sentence = head
            break
    if len(sentence) <= limit:
        return sentence
    return sentence[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def _paragraphs(lines: list[str]) -> list[str]:
    paragraphs: list[str] = []
    current: list[str] = []
    for line in lines:
        if line.strip():
            current.append(line.strip())
        elif current:
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    return paragraphs


def _find_source(paragraphs: list[str], credits: list[str]) -> str | None:
    for para in paragraphs[:6]:
        match = _REPORTS_SUFFIX.search(para)
        if match:
            return _outlet(match.group(1))
    for para in paragraphs[:3]:
        match = _DATELINE_AGENCY.match(para)
        if match:
            return _outlet(match.group(1))
    if credits:
        return _outlet(credits[0])
    for para in paragraphs[:3]:
        match = _TOLD_AGENCY.search(para)
        if match:
            return _outlet(match.group(1))
    return None


def clean_scraped(text: str, *, known_title: str | None = None) -> ScrapedArticle:
    """Split scraped article text into title, date, source and a clean body."""
    notes: list[str] = []
    lines = text.split("\n")
    found_date: date | None = None
    title = known_title.strip() if known_title else ""
    header_done = False
    kept: list[str] = []
    credits: list[str] = []
    caption_removed = False

    for raw in lines:
        line = raw.strip()
        if not header_done:
            if not line:
                kept.append("")
                continue
            header = _HEADER_DATE.match(line)
            if header and found_date is None:
                found_date = parse_date(header.group(1))
                if found_date is None:
                    notes.append(f"unreadable header date {header.group(1)!r} ignored")
                line = header.group(2).strip()
                if not line:
                    continue
            elif _PAGE_DATE.match(line):
                continue  # the page's date, not the article's
            elif found_date is None and _DATE_ONLY_LINE.match(_PUBLISHED_PREFIX.sub("", line)):
                found_date = parse_date(_PUBLISHED_PREFIX.sub("", line))
                continue
            elif _JUNK_LINE.match(line):
                continue
            header_done = _SENTENCE_END.search(line) is not None or len(line) > 200
            if not header_done and not title and _is_headline(line):
                title = line
                continue
            header_done = True
        if _TRAILER.match(line) and any(k.strip() for k in kept):
            break
        credit = _CREDIT_LINE.match(line)
        if credit or _SWITCH_CAPTION.match(line) or _PHOTO_CREDIT_LINE.match(line):
            if credit:
                credits.append(credit.group(1))
            if not caption_removed:
                # A photo caption sits just above its credit line; it describes
                # the picture, not the story, so it must not become the lede.
                _drop_leading_caption(kept)
                caption_removed = True
            continue
        if _JUNK_LINE.match(line):
            continue
        kept.append(line)

    paragraphs = _paragraphs(kept)
    source = _find_source(paragraphs, credits)
    paragraphs = [
        _REPORTS_SUFFIX.sub("", p).rstrip(" …") if i < 6 else p for i, p in enumerate(paragraphs)
    ]
    paragraphs = _drop_repeated(paragraphs)
    if not title and paragraphs:
        title = derive_title(paragraphs[0])
    body = "\n\n".join(p for p in paragraphs if p)
    return ScrapedArticle(title=title, body=body, date=found_date, source=source, notes=notes)


def _drop_leading_caption(kept: list[str]) -> None:
    """Remove the story's first paragraph in place if it is a short caption."""
    paragraphs = _paragraphs(kept)
    if len(paragraphs) == 1 and len(paragraphs[0]) < 300:
        kept.clear()


def _drop_repeated(paragraphs: list[str]) -> list[str]:
    """Drop an early standfirst that is repeated verbatim later in the story."""
    seen_later = {_norm(p) for p in paragraphs[3:]}
    return [p for i, p in enumerate(paragraphs) if i >= 3 or _norm(p) not in seen_later]


def _norm(paragraph: str) -> str:
    return re.sub(r"\W+", " ", paragraph).strip().lower()
