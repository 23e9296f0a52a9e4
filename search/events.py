"""Events: what happened when, told in the article's own words, merged across sources.

Every resolved date mention in an article becomes an *event mention*: the date
(at the precision the text gave it: day, week, month or year), the clause that
carries it ("Niger military officers seized power, deposed President Mohamed
Bazoum and placed him under house arrest" rather than the article's title),
its offsets in the body, and a bag of terms (content words, the names in the
sentence, and a few concept words, so "ousted" and "coup" meet).

Mentions are made once, when an article is stored (``Store.put``), and kept in
the ``events`` table. The timeline merges them on request: mentions of the same
date at a compatible precision ("July 26" and "late July" both fit July 2023)
with enough terms in common are ONE event citing every article that reports
it. Merging only ever compares mentions inside one calendar month (or year, for
year-precision dates), so the cost follows how busy a month is, not the library.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from itertools import pairwise
from typing import Any

from .facts.dates import date_sort_key
from .facts.resolve import STOPWORDS
from .model import Article, Fact

PRECISIONS = ("day", "week", "month", "year")
MAX_EVENT_TEXT = 240
SAME_DAY_SHARED = 2
"""Terms two mentions of the very same day must share to be one event."""
COARSE_SHARED = 3
"""Terms a coarser mention ("late July") must share with an event to join it."""
OVERLAP = 0.2
"""…and at least this share of the shorter of the two term sets."""
COMMON_MIN, COMMON_SHARE = 4, 0.15
"""A term in more than max(COMMON_MIN, COMMON_SHARE × articles) of a month's articles is
ignored when comparing that month's mentions."""

_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
_MONTH = re.compile(r"^\d{4}-\d{2}$")
_YEAR = re.compile(r"^\d{4}$")


def precision_of(value: str) -> str | None:
    """``day``/``week``/``month``/``year`` for a resolved date value, None otherwise."""
    if _DAY.match(value):
        return "day"
    if _WEEK.match(value):
        return "week"
    if _MONTH.match(value):
        return "month"
    if _YEAR.match(value):
        return "year"
    return None


@lru_cache(maxsize=8192)
def date_range(value: str) -> tuple[date, date] | None:
    """The first and last day a resolved date value covers."""
    try:
        if _DAY.match(value):
            day = date.fromisoformat(value)
            return day, day
        week = _WEEK.match(value)
        if week:
            monday = date.fromisocalendar(int(week[1]), int(week[2]), 1)
            return monday, date.fromordinal(monday.toordinal() + 6)
        if _MONTH.match(value):
            y, m = int(value[:4]), int(value[5:7])
            first = date(y, m, 1)
            nxt = date(y + (m == 12), m % 12 + 1, 1)
            return first, date.fromordinal(nxt.toordinal() - 1)
        if _YEAR.match(value):
            return date(int(value), 1, 1), date(int(value), 12, 31)
    except ValueError:
        return None
    return None


# Time order of date values (weeks at their Monday): one helper for the engine.
sort_key = date_sort_key


# --------------------------------------------------------------------- mentions


@dataclass(slots=True)
class EventMention:
    article_id: str
    date: str
    precision: str
    text: str
    start: int
    end: int
    terms: list[str] = field(default_factory=list)


# Time words too: the date is what brought the mentions together already.
_STOP = STOPWORDS | frozenset(
    """
    early late mid earlier later ago
    january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec
    """.split()  # noqa: SIM905 -- a word list reads better as prose
)
_TERM = re.compile(r"[a-z][a-z'-]{2,}")
# Words reporters use for the same happening; each maps to one concept term.
_CONCEPTS = {
    "coup": "coup",
    "coups": "coup",
    "putsch": "coup",
    "ousted": "coup",
    "ouster": "coup",
    "oust": "coup",
    "toppled": "coup",
    "deposed": "coup",
    "overthrow": "coup",
    "overthrew": "coup",
    "takeover": "coup",
    "seized": "coup",
    "withdrawal": "withdraw",
    "withdraw": "withdraw",
    "withdrawing": "withdraw",
    "pull": "withdraw",
    "leave": "withdraw",
    "leaving": "withdraw",
    "departure": "withdraw",
    "killed": "kill",
    "dead": "kill",
    "died": "kill",
    "deaths": "kill",
    "elected": "election",
    "election": "election",
    "vote": "election",
    "signed": "agreement",
    "agreement": "agreement",
    "deal": "agreement",
}


def _terms(text: str, names: Iterable[str]) -> list[str]:
    out: dict[str, None] = {}
    for w in _TERM.findall(text.lower().replace("’", "'")):
        w = w.strip("'-")
        if w.endswith("'s"):
            w = w[:-2]
        if w in _STOP or len(w) < 3:
            continue
        concept = _CONCEPTS.get(w)
        if concept:
            out["@" + concept] = None
        for suf in ("ing", "es", "s", "ed"):
            if w.endswith(suf) and len(w) - len(suf) >= 4:
                w = w[: -len(suf)]
                break
        out[w] = None
    for name in names:
        out["@" + name.casefold()] = None
    return list(out)


# A clause boundary inside a sentence: semicolons, dashes set off by spaces,
# and the comma before a new clause's subordinator.
_CLAUSE_BREAK = re.compile(r";\s+|\s[—–-]\s|—|,\s+(?=(?:but|while|although|whereas|which)\b)")
# "on July 26 when officers seized power": the when-clause says what happened.
_WHEN = re.compile(r"\s*,?\s*(?:when|as)\s+(?P<what>[^.;]{20,})", re.IGNORECASE)


def _clause(body: str, sentence: tuple[int, int], fact: Fact) -> tuple[int, int]:
    """The span of the clause that tells what happened on the date ``fact`` names."""
    s, e = sentence
    s = max(0, min(s, fact.start))
    e = min(len(body), max(e, fact.end))
    # A sentence span that starts inside a word still quotes the whole word.
    while s > 0 and body[s - 1].isalnum():
        s -= 1
    while s < e and body[s].isspace():
        s += 1
    while e > s and body[e - 1].isspace():
        e -= 1
    when = _WHEN.match(body, fact.end, e)
    if when:
        ws, we = when.span("what")
        return ws, we
    if e - s <= MAX_EVENT_TEXT:
        return s, e
    # A long sentence: the clause around the date, widened to neighbouring
    # clauses until it says enough.
    cuts = [s] + [m.end() for m in _CLAUSE_BREAK.finditer(body, s, e)] + [e]
    pieces = list(pairwise(cuts))
    i = next((n for n, (a, b) in enumerate(pieces) if a <= fact.start < b), 0)
    lo, hi = pieces[i]
    j, k = i, i
    while hi - lo < 60 and (j > 0 or k < len(pieces) - 1):
        if k < len(pieces) - 1:
            k += 1
            hi = pieces[k][1]
        elif j > 0:
            j -= 1
            lo = pieces[j][0]
    if hi - lo > MAX_EVENT_TEXT:
        # Keep the clause's opening when the date is near it; else centre on the date.
        if fact.end - lo > MAX_EVENT_TEXT:
            lo = max(lo, fact.start - MAX_EVENT_TEXT // 2)
        hi = min(hi, lo + MAX_EVENT_TEXT)
        space = body.find(" ", lo, fact.start)
        lo = space + 1 if lo > s and space >= 0 else lo
        space = body.rfind(" ", fact.end, hi)
        hi = space if hi < e and space > 0 else hi
    return lo, hi


def _marked_cut(body: str, sentence: tuple[int, int], start: int, end: int) -> str:
    """The clause's text, with "…" where it was cut out of the middle of its
    sentence, so a timeline row never reads as if the sentence began there."""
    text = " ".join(body[start:end].split())
    before = body[sentence[0] : start].strip()
    after = body[end : sentence[1]].strip()
    if before and not before.endswith((";", "—", "–", ":")) and not text[:1].isupper():
        text = "…" + text
    if after and not text.endswith((".", "!", "?", '"', "”", "’", ";")):
        text += "…"
    return text


def event_mentions(article: Article, facts: Iterable[Fact]) -> list[EventMention]:
    """The events an article dates, one per resolved date mention (see module docstring)."""
    facts = list(facts)
    body = article.body
    names_by_sentence: dict[tuple[int, int], list[str]] = defaultdict(list)
    for f in facts:
        if f.kind in ("person", "organization", "place") and f.sentence:
            names_by_sentence[f.sentence].append(str(f.value or f.text))
    out: list[EventMention] = []
    seen: set[tuple[str, int, int]] = set()
    for f in facts:
        if f.kind != "date" or not isinstance(f.value, str) or not f.value:
            continue
        precision = precision_of(f.value)
        if precision is None:
            continue
        sentence = f.sentence or (f.start, f.end)
        start, end = _clause(body, sentence, f)
        if (f.value, start, end) in seen or end <= start:
            continue
        seen.add((f.value, start, end))
        text = _marked_cut(body, sentence, start, end)
        sentence_text = body[sentence[0] : sentence[1]]
        out.append(
            EventMention(
                article_id=article.id,
                date=f.value,
                precision=precision,
                text=text,
                start=start,
                end=end,
                terms=_terms(sentence_text, names_by_sentence.get(sentence, ())),
            )
        )
    return out


# ---------------------------------------------------------------------- merging


@dataclass(slots=True)
class EventSource:
    article_id: str
    source: str | None
    date: str | None
    start: int
    end: int
    title: str = ""
    text: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "article_id": self.article_id,
            "source": self.source,
            "date": self.date,
            "start": self.start,
            "end": self.end,
            "title": self.title,
        }


@dataclass(slots=True)
class Event:
    date: str
    precision: str
    text: str
    sources: list[EventSource]
    terms: set[str] = field(default_factory=set, repr=False)

    def to_json(self) -> dict[str, Any]:
        return {
            "date": self.date,
            "precision": self.precision,
            "text": self.text,
            "sources": [s.to_json() for s in self.sources],
        }

    @property
    def article_ids(self) -> list[str]:
        return list(dict.fromkeys(s.article_id for s in self.sources))


ArticleMeta = tuple[str | None, str | None, str]
"""(source, publication date, title) of an article, for citing it."""


def _bucket(value: str) -> str:
    span = date_range(value)
    if span is None or _YEAR.match(value):
        return value[:4]
    return span[0].isoformat()[:7]


def merge_events(
    mentions: Iterable[EventMention], meta: dict[str, ArticleMeta] | None = None
) -> list[Event]:
    """One event per happening: same date at a compatible precision and similar words.

    Finer mentions are placed first, so a day-precision event ("July 26") is
    there for "late July" to join; a coarse mention joins the event of its
    month it shares most terms with, if it shares ``COARSE_SHARED`` of them,
    else starts its own. Year mentions only meet each other.
    """
    meta = meta or {}
    rank = {p: n for n, p in enumerate(PRECISIONS)}
    by_bucket: dict[str, list[EventMention]] = defaultdict(list)
    for m in mentions:
        by_bucket[_bucket(m.date)].append(m)
    events: list[Event] = []
    for bucket in sorted(by_bucket):
        pending = sorted(
            by_bucket[bucket],
            key=lambda m: (
                rank[m.precision],
                (meta.get(m.article_id) or (None, None, ""))[1] or "9",
                m.article_id,
                m.start,
            ),
        )
        # Words most of a month's mentions use ("Trump", "Washington" in a
        # month of US politics) say nothing about sameness; left in, they chain
        # every story of a busy day into one.
        df: Counter[str] = Counter()
        for article_terms in _terms_by_article(pending).values():
            df.update(article_terms)
        articles = len({m.article_id for m in pending})
        common = {t for t, n in df.items() if n > max(COMMON_MIN, COMMON_SHARE * articles)}
        here: list[Event] = []
        # Events by the words they hold, so a mention is compared only with
        # the events it shares a word with (a busy month has thousands).
        # "in 2016" is said of a campaign, a law, a deal: too loose to join one
        # day's event, so a year mention meets only other year mentions.
        pool = _Pool()
        for m in pending:
            terms = set(m.terms) - common
            span = date_range(m.date)
            best: Event | None = None
            best_shared = 0
            # "in 2016" is said of many things: a year joins on more in common.
            share = OVERLAP * (2 if m.precision == "year" else 1)
            for index, shared in pool.overlaps(terms).items():
                event = pool.events[index]
                espan = date_range(event.date)
                if span is None or espan is None or espan[0] < span[0] or espan[1] > span[1]:
                    continue
                need: float = SAME_DAY_SHARED if event.date == m.date else COARSE_SHARED
                need = max(need, share * min(len(terms), len(event.terms)))
                if shared >= need and (shared > best_shared or best is None):
                    best, best_shared = event, shared
            source, published, title = meta.get(m.article_id) or (None, None, "")
            cited = EventSource(m.article_id, source, published, m.start, m.end, title, m.text)
            if best is None:
                event = Event(m.date, m.precision, m.text, [cited], terms)
                here.append(event)
                pool.add(event)
                continue
            # The event keeps its first mention's words: letting each joiner add
            # its own would let the event drift from story to story.
            if all(s.article_id != m.article_id for s in best.sources):
                best.sources.append(cited)
        events += here
    events.sort(key=lambda e: (sort_key(e.date), -len(e.sources), e.text))
    return events


class _Pool:
    """Events with an inverted index from their words."""

    __slots__ = ("events", "postings")

    def __init__(self) -> None:
        self.events: list[Event] = []
        self.postings: dict[str, list[int]] = defaultdict(list)

    def add(self, event: Event) -> None:
        index = len(self.events)
        self.events.append(event)
        for term in event.terms:
            self.postings[term].append(index)

    def overlaps(self, terms: Iterable[str]) -> dict[int, int]:
        """Event index → terms in common with ``terms`` (a name or concept counts twice)."""
        scores: dict[int, int] = defaultdict(int)
        for term in terms:
            weight = 2 if term.startswith("@") else 1
            for index in self.postings.get(term, ()):
                scores[index] += weight
        return scores


def _terms_by_article(mentions: Iterable[EventMention]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for m in mentions:
        out[m.article_id].update(m.terms)
    return out


def timeline_json(events: Iterable[Event]) -> dict[str, Any]:
    return {"events": [e.to_json() for e in events]}


def events_per_month(events: Iterable[Event]) -> tuple[list[float], str | None, str | None]:
    """Events (weighted by their sources) per calendar month, first to last month."""
    counts: dict[tuple[int, int], float] = defaultdict(float)
    for event in events:
        span = date_range(event.date)
        if span is None or event.precision == "year":
            continue
        counts[(span[0].year, span[0].month)] += len(event.sources)
    if not counts:
        return [], None, None
    first, last = min(counts), max(counts)
    data: list[float] = []
    y, m = first
    while (y, m) <= last and len(data) < 1200:
        data.append(counts.get((y, m), 0.0))
        y, m = (y + (m == 12), m % 12 + 1)
    return data, f"{first[0]:04d}-{first[1]:02d}", f"{last[0]:04d}-{last[1]:02d}"
