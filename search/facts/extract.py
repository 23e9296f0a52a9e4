"""All facts of one article: entities, people with roles, dates and figures.

The NER tagger proposes PER/ORG/LOC spans; everything after that is rules:

* names lose their titles (the title becomes the role), possessives and quotes;
* named bases ("Air Base 201") are places, whatever the tagger said;
* spans on page furniture (menus, share bars, credits, link lists, repeated
  widgets: see ``furniture``) or kicker labels ("Why it matters:") are dropped,
  and so are label-like spans ("Previous Story", "Plan C", a crosshead like
  "Coup label"); headlines, bylines and short lines in general are kept;
* a gazetteer pass adds countries, capitals and regions the tagger missed, and a
  surname pass adds later short mentions of people already named in full;
* within the article a short name ("Bazoum") takes the full name ("Mohamed
  Bazoum") as its value;
* figures get a nationality and a location from their sentence (or the
  article), which makes the conflict key ("US troops in Niger").
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable
from typing import Any, Protocol

from ..model import Fact
from . import gazetteer as gz
from . import orgs
from .dates import find_dates
from .figures import FigureMatch, find_figures
from .furniture import furniture_spans, kicker_spans
from .people import ROLE_HEADS, ROLE_MODIFIERS, clean_name, role_for, split_title, titled_names
from .tokenize import sentences


def _words(s: str) -> list[str]:
    return s.split()


class Tagger(Protocol):
    def entities(
        self, text: str, sentence_spans: Any = None
    ) -> list[tuple[str, int, int, str]]: ...


_LABEL_KIND = {"PER": "person", "ORG": "organization", "LOC": "place"}

# Page furniture and kicker labels that a tagger happily calls entities.
_JUNK_PHRASES = frozenset(
    """
    why it matters|previous story|next story|plan c|plan b|coup label|don't miss|also read|
    latest from|top news|go to top|go totop|read more|related|advertisement|share|subscribe|
    the big picture|between the lines|what's next|the bottom line|zoom in|zoom out|
    driving the news|state of play|yes|no|series of losses|close|switch caption|caption|
    french troops|photo|getty images|newsletter|sign up|more|today
    """.replace("\n", "").split("|")
)
_JUNK_WORDS = frozenset(
    _words(
        "story miss read latest subscribe newsletter caption advertisement share login menu "
        "click cookie cookies"
    )
)
# Words that make a span an organisation's name, not a person's.
_ORG_TAIL_WORDS = frozenset(
    _words("party committee caucus club association council union league group campaign")
)
_MONTH_ABBREVIATIONS = frozenset(_words("jan feb mar apr jun jul aug sep sept oct nov dec"))
# A party word before a name the tagger took into an organisation: "Republican
# Donald Trump", "Democrat Doug Jones" are people with a party.
_PARTY_WORDS = frozenset(
    _words("Republican Democrat Democratic Conservative Labour Liberal Independent Socialist")
)
# Lowercase words allowed inside proper names.
_NAME_GLUE = frozenset(
    _words(
        "of the and for de del della du des la le el al bin ibn van von der da wal on in au y e et"
    )
)
# Words that end a title, not an organisation: "Pentagon Press" cut out of
# "Pentagon Press Secretary". An org before a role ("Security Council President",
# "Cofinec CEO") is a real org.
_TITLE_TAIL = frozenset(
    _words("press deputy vice acting former interim assistant associate senior junior chief")
)
_BASE = re.compile(r"\b(?:Air|Naval|Army|Military|Drone|Airbase|Nigerien Air)\s+Base\s+\d+\b")
_CAPRUN = re.compile(
    r"(?=[A-Z])\b(?:U\.S\.|U\.K\.|[A-Z][\w’'-]*)(?:\s+(?:of\s+(?:the\s+)?)?(?:[A-Z][\w’'-]*))*"
)
_ADJECTIVAL = re.compile(r"U\.?S\.?|U\.?K\.?|USA|EU|E\.U\.")
_LOCATIVE = re.compile(r"(?:\b(?:in|to|from|near|at|outside|around|of|into)\s+(?:the\s+)?)$")
_NEXT_WORD = re.compile(r"\s+([\w.]+)")
_CAPITAL_REF = re.compile(r"\b(?:the|its|their|Niger['’]s|the country['’]s)\s+capital\b")


def _sentence_of(starts: list[int], spans: list[tuple[int, int]], pos: int) -> tuple[int, int]:
    i = bisect.bisect_right(starts, pos) - 1
    if i < 0:
        return spans[0] if spans else (0, 0)
    return spans[i]


class _Mask:
    """Character-level span set: membership tests run in C (``bytearray.find``)."""

    __slots__ = ("bits",)

    def __init__(self, n: int, spans: Iterable[tuple[int, int]] = ()) -> None:
        self.bits = bytearray(n)
        for s, e in spans:
            self.add(s, e)

    def add(self, s: int, e: int) -> None:
        self.bits[s:e] = b"\x01" * (e - s)

    def hits(self, s: int, e: int) -> bool:
        """Whether any character of ``[s, e)`` is in the set."""
        return self.bits.find(1, s, e) >= 0

    def holds(self, s: int, e: int) -> bool:
        """Whether every character of ``[s, e)`` is in the set."""
        return e > s and self.bits.find(0, s, e) < 0


def _is_junk(surface: str, label: str) -> bool:
    folded = gz.fold(surface).strip(" .:")
    if not folded or folded in _JUNK_PHRASES:
        return True
    words = surface.split()
    if any(w.lower() in _JUNK_WORDS for w in words):
        return True
    # Lowercase words are not part of names ("Why it matters", "Coup label").
    for w in words[1:] if label != "PER" else words:
        if w[:1].islower() and w.lower() not in _NAME_GLUE:
            return True
    # "Plan C": a word plus a lone capital letter is a label, not a name.
    if len(words) >= 2 and re.fullmatch(r"[A-Z]", words[-1]):
        return True
    # A month's abbreviation ("Jan." of "Jan. 5") is part of a date.
    if folded in _MONTH_ABBREVIATIONS and surface.endswith("."):
        return True
    # A name has two letters in a row or is a dotted abbreviation ("U.N.", "N.Y.").
    if not re.search(r"[A-Za-z]{2}|(?:[A-Za-z]\.){2}", surface):
        return True
    return label == "PER" and any(w.lower().rstrip(".") in ("said", "says", "told") for w in words)


# A dateline: the all-caps place that opens a story's first line ("WASHINGTON –",
# "NIAMEY, Niger (AP) —", "WASHINGTON American troops ..." when the dash was lost
# in scraping). Only on a line that is not all caps itself (a headline).
_DATELINE = re.compile(
    r"^[ \t]*(?P<place>[A-Z]{2}[A-Z.’'-]*(?:[ \t]+[A-Z]{2}[A-Z.’'-]*){0,3})"
    r"(?=[ \t]*(?:,|\(|[-–—]|[ \t][A-Z][a-z]))",
    re.MULTILINE,
)


def _split_datelines(
    text: str, entities: list[tuple[str, int, int, str]]
) -> list[tuple[str, int, int, str]]:
    """Cut tagger spans that run from a dateline into the story ("WASHINGTON American").

    The dateline part becomes a place candidate; the rest keeps the tagger's
    label and goes through the same filters (a lone "American" is dropped).
    """
    cuts = []
    for m in _DATELINE.finditer(text):
        line_end = text.find("\n", m.end())
        rest = text[m.end() : line_end if line_end >= 0 else len(text)]
        if re.search(r"[a-z]", rest):
            cuts.append((m.start("place"), m.end("place")))
    if not cuts:
        return entities
    out = []
    for label, s, e, surface in entities:
        for cs, ce in cuts:
            if cs <= s < ce < e:
                out.append(("LOC", s, ce, text[s:ce]))
                r = ce
                while r < e and text[r] in " \t,":
                    r += 1
                if r < e:
                    out.append((label, r, e, text[r:e]))
                break
        else:
            out.append((label, s, e, surface))
    return out


# Last words that make a name an organisation's: a company's legal form or an
# institution ("Johnson Controls Inc", "Collins College", "Harrow School").
# Not "Bank" (West Bank) or words that also end place names.
_ORG_HEADS = frozenset(
    _words(
        "inc inc. corp corp. corporation co. ltd ltd. llc plc gmbh company holdings group "
        "university college school institute academy library foundation association "
        "federation society council committee ministry agency commission party"
    )
)


def _org_like(name: str) -> bool:
    words = name.split()
    return len(words) >= 2 and words[-1].lower() in _ORG_HEADS


def _split_conjoined(
    entities: list[tuple[str, int, int, str]],
) -> list[tuple[str, int, int, str]]:
    """Two organisations the tagger ran together ("Johnson Controls Inc and Lear
    Corp", "British Library and Columbia University"): both halves must look like
    organisations on their own, so "Procter and Gamble" stays whole."""
    out = []
    for label, s, e, surface in entities:
        a, sep, b = surface.partition(" and ")
        if (
            label == "ORG"
            and sep
            and " and " not in b
            and (_org_like(a) or orgs.lookup(a) is not None)
            and (_org_like(b) or orgs.lookup(b) is not None)
        ):
            b_start = s + len(a) + len(sep)
            out.append((label, s, s + len(a), a))
            out.append((label, b_start, e, b))
        else:
            out.append((label, s, e, surface))
    return out


def _starts_sentence(text: str, pos: int) -> bool:
    before = text[max(0, pos - 3) : pos].rstrip(" \t\"“‘'(")
    return not before or before[-1] in ".!?\n:"


def _clean_surface(text: str, s: int, e: int, keep_the: bool = False) -> tuple[int, int]:
    """Trim leading articles, quotes and trailing possessives/punctuation off a span.

    ``keep_the`` keeps a capitalised "The" the tagger put inside a name in the
    middle of a sentence ("at The Oval", "in The Hague"): there it is part of
    the name, while a sentence-initial "The" is just the sentence's first word.
    """
    while s < e and text[s] in " \t\"“‘'(":
        s += 1
    m = re.match(r"(?:[Tt]he|THE)\s+", text[s:e])
    if (
        m
        and e - s > m.end()
        and not (keep_the and text[s] == "T" and not _starts_sentence(text, s))
    ):
        s += m.end()
    while e > s and text[e - 1] in " \t\"”’',.;:)":
        # Keep the period of "U.S." and "Gen."-style abbreviations.
        if text[e - 1] == "." and re.search(r"(?:\b[A-Z]\.){2,}$|\b[A-Z][a-z]{0,3}\.$", text[s:e]):
            break
        e -= 1
    for poss in ("’s", "'s"):
        if text[s:e].endswith(poss):
            e -= len(poss)
    return s, e


def _org_value(surface: str) -> str:
    hit = orgs.lookup(surface)
    if hit:
        return hit.canonical
    return " ".join(surface.split())


def _known_org(surface: str, label: str) -> bool:
    """Whether the org table says this span is an organisation (ambiguous names
    like "Ford" only when the tagger did not call them a person)."""
    hit = orgs.lookup(surface)
    return hit is not None and not (hit.ambiguous and label == "PER")


def extract_facts(
    text: str, published: dt.date | None = None, *, tagger: Tagger | None = None
) -> list[Fact]:
    """Every fact in ``text`` (an article body), offsets into ``text``.

    ``published`` resolves relative and yearless dates; without it they stay
    unresolved. ``tagger`` defaults to the shipped NER model.
    """
    if tagger is None:
        from .ner import default_tagger

        tagger = default_tagger()
    spans = sentences(text)
    starts = [s for s, _ in spans]
    n = len(text)
    furniture = _Mask(n, furniture_spans(text))
    for s, e in kicker_spans(text):
        furniture.add(s, e)
    facts: list[Fact] = []
    covered = _Mask(n)

    # Named bases first so a tagger's partial "Base 201" cannot claim them.
    for m in _BASE.finditer(text):
        sent = _sentence_of(starts, spans, m.start())
        facts.append(Fact("place", m.group(0), m.start(), m.end(), value=m.group(0), sentence=sent))
        covered.add(m.start(), m.end())

    entities = _split_conjoined(_split_datelines(text, tagger.entities(text, spans)))
    _table_orgs(text, starts, spans, entities, facts, covered, furniture)
    labels: dict[tuple[int, int], str] = {}
    for label, s0, e0, _surface in entities:
        kind = _LABEL_KIND.get(label)
        if kind is None:
            continue
        s, e = _clean_surface(text, s0, e0, keep_the=True)
        if s >= e or covered.hits(s, e) or furniture.holds(s, e):
            continue
        surface = text[s:e]
        if kind != "person":
            name, title = split_title(surface)
            # "Deputy Pentagon Press Secretary Sabrina Singh" tagged as an org.
            if title and name and all(w[:1].isupper() for w in name.split()):
                kind = "person"
        party = None
        if kind == "organization" and not _known_org(surface, label):
            first, _, rest = surface.partition(" ")
            names = rest.split()
            if (
                first in _PARTY_WORDS
                and 2 <= len(names) <= 4
                and all(w[:1].isupper() for w in names)
                and orgs.lookup(rest) is None
                and not gz.is_known_place(rest)
                and not any(w.lower() in _ORG_TAIL_WORDS for w in names)
            ):
                kind, party, s = "person", first, s + len(first) + 1
                surface = rest
        place = gz.canonical_country(surface) if kind != "person" else None
        # Well-known names override the tagger's label: "Pentagon", "White House"
        # and "Vatican" are orgs, "Niger" a place, whatever the context said.
        if _known_org(surface, label):
            kind = "organization"
        elif place or gz.is_known_place(surface):
            kind = "place"
        elif kind == "place" and _org_like(surface):
            # "Harrow School", "King's College": an institution, not the place.
            kind = "organization"
        elif gz.is_demonym_phrase(surface):
            continue
        if _is_junk(surface, "PER" if kind == "person" else kind):
            continue
        sent = _sentence_of(starts, spans, s)
        if kind == "person":
            fact = _person(text, s, e, sent)
            if fact is None:
                continue
            if party and not fact.role:
                fact.role = party
        elif kind == "place":
            value = gz.canonical_place(surface)
            fact = Fact("place", surface, s, e, value=value, sentence=sent)
        else:
            # A person title swallowed into an org span ("Pentagon spokeswoman") or
            # cut out of one ("Pentagon Press" + "Secretary Sabrina Singh") is not an org.
            if surface.split()[-1].lower() in ROLE_HEADS:
                continue
            nxt = _NEXT_WORD.match(text, e)
            if (
                nxt
                and nxt.group(1)[:1].isupper()
                and nxt.group(1).lower() in ROLE_HEADS
                and surface.split()[-1].lower() in _TITLE_TAIL
                and orgs.lookup(surface) is None
            ):
                continue
            fact = Fact("organization", surface, s, e, value=_org_value(surface), sentence=sent)
        facts.append(fact)
        covered.add(fact.start, fact.end)
        labels[fact.start, fact.end] = label

    # Safety net: people right after a title, even if the tagger missed them.
    for ss, se in spans:
        for ns, ne, _name in titled_names(text, ss, se):
            if covered.hits(ns, ne) or furniture.holds(ns, ne):
                continue
            fact = _person(text, ns, ne, (ss, se))
            if fact:
                facts.append(fact)
                covered.add(ns, ne)

    _consistent_names(text, starts, spans, facts, covered, furniture, labels)

    _gazetteer_places(text, spans, starts, facts, covered, furniture)
    _resolve_people(text, spans, starts, facts, covered, furniture)

    dates: list[Fact] = []
    for ss, se in spans:
        for d in find_dates(text, published, ss, se):
            if furniture.holds(d.start, d.end):
                continue
            dates.append(
                Fact(
                    "date",
                    d.text,
                    d.start,
                    d.end,
                    value=d.value,
                    resolution=d.resolution,
                    sentence=(ss, se),
                )
            )
    date_starts = [d.start for d in dates]
    bare_years: set[int] = set()

    def in_date(fig: FigureMatch) -> bool:
        """Whether a figure's number belongs to a date ("four years ago", "11 four
        years ago"); a bare year the figure starts with ("2000 troops") is the
        figure's number instead, and that date goes."""
        i = bisect.bisect_left(date_starts, fig.end)
        for d in dates[max(0, i - 2) : i]:
            if d.start < fig.end and fig.start < d.end:
                if d.start == fig.start and d.text.isdigit():
                    bare_years.add(d.start)
                    return False
                return True
        return False

    context = _ArticleContext(text, facts)
    # Places by position, so each figure finds its sentence's places by bisection
    # (an article with thousands of figures must not rescan every fact for each).
    places = sorted((f for f in facts if f.kind == "place"), key=lambda f: f.start)
    place_starts = [f.start for f in places]
    for ss, se in spans:
        figures = find_figures(text, ss, se)
        if not figures:
            continue
        here = places[bisect.bisect_left(place_starts, ss) : bisect.bisect_left(place_starts, se)]
        for fig in figures:
            if not in_date(fig):
                facts.append(_figure_fact(text, fig, (ss, se), here, context, starts, spans))
    facts.extend(d for d in dates if d.start not in bare_years)

    _speech(text, spans, facts, furniture, published)
    facts.sort(key=lambda f: (f.start, f.end))
    return facts


# "in 2013", "as of May", "by the end of 2022": the time a figure describes.
_AS_OF_PREP = re.compile(
    r"\b(?:in|as\s+of|by|at\s+the\s+end\s+of|at\s+the\s+time\s+of|during|at\s+the\s+start\s+of)"
    r"\s+(?:(?:early|late|mid)[\s-]+)?$",
    re.IGNORECASE,
)


def _as_of(text: str, figure: Fact, dates: list[Fact], published: dt.date | None) -> str | None:
    """The date a figure's own clause puts it at, when the text gives one."""
    from ..events import date_range

    best: tuple[int, str] | None = None
    for d in dates:
        if not isinstance(d.value, str) or not d.value:
            continue
        span = date_range(d.value)
        if span is None or (published is not None and span[0] > published):
            continue  # a future date is a plan, not the time of a count
        if not _AS_OF_PREP.search(text[max(0, d.start - 24) : d.start]):
            continue
        between = (
            text[figure.end : d.start] if d.start >= figure.end else text[d.end : figure.start]
        )
        if ";" in between or re.search(r"\bsince\b", between, re.IGNORECASE):
            continue
        distance = abs(d.start - figure.start)
        if best is None or distance < best[0]:
            best = (distance, d.value)
    return best[1] if best else None


def _speech(
    text: str,
    spans: list[tuple[int, int]],
    facts: list[Fact],
    furniture: _Mask,
    published: dt.date | None,
) -> None:
    """Attribution and ``as_of`` on figures, and the article's direct quotes as facts."""
    from .speech import attribution_for, find_quotes

    people = [f for f in facts if f.kind == "person"]
    dates: dict[tuple[int, int] | None, list[Fact]] = {}
    for f in facts:
        if f.kind == "date":
            dates.setdefault(f.sentence, []).append(f)
    for f in facts:
        if f.kind != "figure" or f.sentence is None:
            continue
        found = attribution_for(text, f.sentence, f.start, people)
        if found is not None:
            f.attribution = found.to_json()
        f.as_of = _as_of(text, f, dates.get(f.sentence, []), published)
    starts = [s for s, _ in spans]
    for quote in find_quotes(text, spans, people):
        if furniture.holds(quote.start, quote.end):
            continue
        facts.append(
            Fact(
                "quote",
                quote.text,
                quote.start,
                quote.end,
                value=quote.attribution.who if quote.attribution else None,
                attribution=quote.attribution.to_json() if quote.attribution else None,
                # A quote may run over several sentences: the span covers them
                # and the attribution after it.
                sentence=(
                    _sentence_of(starts, spans, quote.start)[0],
                    max(
                        _sentence_of(starts, spans, quote.end)[1],
                        quote.attribution.end if quote.attribution else quote.end,
                        quote.end + 1,
                    ),
                ),
            )
        )


def _table_orgs(
    text: str,
    starts: list[int],
    spans: list[tuple[int, int]],
    entities: list[tuple[str, int, int, str]],
    facts: list[Fact],
    covered: _Mask,
    furniture: _Mask,
) -> None:
    """Well-known organisations from the table, before the tagger's spans.

    A table name claims its text unless a tagger span runs past it (then the
    tagger's longer name stands: "Federal Reserve Bank of New York"); tagger
    fragments inside it give way ("Muslimeen" in "Jama'at Nusrat al-Islam wal
    Muslimeen").
    """
    found = orgs.find_orgs(text)
    if not found:
        return
    ent_starts = sorted((s, e) for _, s, e, _ in entities)
    for s, e, name in found:
        if covered.hits(s, e) or furniture.holds(s, e):
            continue
        i = bisect.bisect_left(ent_starts, (s, s))
        near = ent_starts[max(0, i - 8) : i + 8]
        if any(ts < e and te > s and (ts < s or te > e) for ts, te in near):
            continue
        sent = _sentence_of(starts, spans, s)
        facts.append(Fact("organization", text[s:e], s, e, value=name.canonical, sentence=sent))
        covered.add(s, e)


_ACRONYM_AFTER = re.compile(r"\s*\((?P<acr>[A-Z][A-Za-z&]{1,9})\)")


def _initials(name: str) -> str:
    words = [w for w in re.split(r"[\s-]+", name) if w[:1].isupper()]
    return "".join(w[0] for w in words) if len(words) >= 3 else ""


def _consistent_names(
    text: str,
    starts: list[int],
    spans: list[tuple[int, int]],
    facts: list[Fact],
    covered: _Mask,
    furniture: _Mask,
    labels: dict[tuple[int, int], str],
) -> None:
    """One name, one kind per article.

    * A single word that is the surname of someone named in full is that
      person ("Washington" after "MaliVai Washington") when the tagger called
      it a person somewhere in the article or it is no known place or
      organisation.
    * A name found as an organisation once is one everywhere in the article
      (the tagger's context can say "place" for a company elsewhere), unless
      it is a place name (a city is a team only in its results line),
      and so are the acronym given for it in brackets ("Jama'at Nusrat
      al-Islam wal Muslimeen (JNIM)") and its initials ("Federal Air Traffic
      Control Administration" ... "FATCA"); mentions the tagger missed are added.
    """
    full: dict[str, set[str]] = {}
    for f in facts:
        if f.kind == "person" and len(str(f.value).split()) >= 2:
            full.setdefault(str(f.value).split()[-1], set()).add(str(f.value))
    # Single words the tagger called a person somewhere in the article.
    tagged_person = {text[s:e] for (s, e), label in labels.items() if label == "PER"}
    # "Manafort and Gates" tagged as one organisation: two people named in full.
    pairs = []
    for f in facts:
        if f.kind == "organization" and " and " in f.text:
            a, _, b = f.text.partition(" and ")
            na, nb = full.get(a, set()), full.get(b, set())
            if len(na) == 1 and len(nb) == 1 and orgs.lookup(f.text) is None:
                pairs.append((f, next(iter(na)), next(iter(nb)), len(a)))
    for f, name_a, name_b, len_a in pairs:
        facts.remove(f)
        b_start = f.end - (len(f.text) - len_a - len(" and "))
        facts.append(
            Fact(
                "person",
                text[f.start : f.start + len_a],
                f.start,
                f.start + len_a,
                value=name_a,
                sentence=f.sentence,
            )
        )
        facts.append(
            Fact("person", text[b_start : f.end], b_start, f.end, value=name_b, sentence=f.sentence)
        )
    org_names: dict[str, str] = {}
    for f in facts:
        names = full.get(f.text)
        if (
            f.kind in ("place", "organization")
            and names
            and len(names) == 1
            and (
                f.text in tagged_person
                or not (gz.is_place_name(f.text) or _known_org(f.text, "PER"))
            )
        ):
            f.kind, f.value = "person", next(iter(names))
            continue
        if f.kind == "organization":
            org_names.setdefault(f.text, str(f.value))
    acronyms: dict[str, str] = {}
    for f in facts:
        if f.kind == "organization":
            m = _ACRONYM_AFTER.match(text, f.end)
            if m:
                acronyms.setdefault(m.group("acr"), str(f.value))
            initials = _initials(f.text)
            if initials:
                acronyms.setdefault(initials, str(f.value))
    for f in facts:
        if f.kind in ("organization", "person") and f.text in acronyms and f.text.isupper():
            # The tagger may call an acronym anything; spelled out it is the org.
            f.kind, f.value, f.role = "organization", acronyms[f.text], None
        elif f.kind == "place" and f.text in acronyms | org_names and not gz.is_place_name(f.text):
            f.kind, f.value = "organization", (acronyms | org_names)[f.text]
    for acr, value in acronyms.items():
        org_names.setdefault(acr, value)
    # A city or country is a team in a results table, a place elsewhere.
    wanted = [
        name
        for name in org_names
        if len(name) >= 2 and name[0].isupper() and not gz.is_place_name(name)
    ]
    for s, e, name in orgs.scan_names(text, wanted):
        if covered.hits(s, e) or furniture.holds(s, e):
            continue
        sent = _sentence_of(starts, spans, s)
        facts.append(Fact("organization", name, s, e, value=org_names[name], sentence=sent))
        covered.add(s, e)


_RANKS = frozenset(
    _words(
        "gen. gen general maj. maj major col. col colonel lt. lt lieutenant capt. capt captain "
        "sgt. sgt sergeant adm. adm admiral brig. brig brigadier marshal field air vice rear "
        "cmdr. cmdr commodore cpl. corporal pvt. private"
    )
)


# Honorifics that are not roles elsewhere ("Justice Department", "Lord
# Chancellor"): only taken off a person's name.
_HONORIFICS = frozenset(_words("Sir Dame Lord Lady Justice Baroness Baron"))
# A storm's name is no person ("Cyclone Phailin", "Hurricane Katrina").
_STORM_WORDS = frozenset(_words("hurricane typhoon cyclone storm"))
_WORD_BEFORE = re.compile(r"(\w+)\s+$")
_NON_SPACE = re.compile(r"\S+")


def _is_storm(text: str, s: int, e: int) -> bool:
    words = text[s:e].split(None, 1)
    first = words[0].lower() if words else ""
    before = _WORD_BEFORE.search(text, max(0, s - 20), s)
    return first in _STORM_WORDS or (before is not None and before.group(1).lower() in _STORM_WORDS)


def _person(text: str, s: int, e: int, sent: tuple[int, int]) -> Fact | None:
    if _is_storm(text, s, e):
        return None
    surface = text[s:e]
    name, title = split_title(surface)
    first, _, rest = name.partition(" ")
    if first in _HONORIFICS and rest[:1].isupper():
        title = f"{title} {first}" if title else first
        name = rest
    if title:
        # The name is the span's last words, whatever spaces stand between them.
        word_starts = [m.start() for m in _NON_SPACE.finditer(surface)]
        s = s + word_starts[len(word_starts) - len(name.split())]
    name = clean_name(name)
    if not name or not name[0].isupper():
        return None
    words = name.split()
    # A lone title word or an org/place is not a person.
    if all(w.lower() in ROLE_HEADS or w.lower() in ROLE_MODIFIERS for w in words):
        return None
    if gz.is_known_place(name) or _known_org(name, "PER"):
        return None
    e = s + len(name) if text[s : s + len(name)] == name else e
    role, _ = role_for(text, s, e, sent)
    if title:
        role = f"{role} {title}" if role and not role.endswith(title) else (role or title)
    return Fact("person", text[s:e], s, e, value=name, role=_rank_first(role), sentence=sent)


def _rank_first(role: str | None) -> str | None:
    """ "Pentagon press secretary Maj. Gen." → "Maj. Gen., Pentagon press secretary".

    A military rank before the name is not part of the job before it; glued
    after the job it reads as junk ("junta leader General").
    """
    if not role:
        return role
    words = role.split()
    i = len(words)
    while i > 0 and words[i - 1].lower() in _RANKS:
        i -= 1
    if 0 < i < len(words):
        return f"{' '.join(words[i:])}, {' '.join(words[:i])}"
    return role


def _gazetteer_places(
    text: str,
    spans: list[tuple[int, int]],
    starts: list[int],
    facts: list[Fact],
    covered: _Mask,
    furniture: _Mask,
) -> None:
    """Countries, capitals and regions (and cities after "in/near/to") the tagger missed."""
    firsts = gz.place_first_words()
    for m in _CAPRUN.finditer(text):
        words = [(w.start(), w.end()) for w in re.finditer(r"\S+", m.group(0))]
        base = m.start()
        i = 0
        while i < len(words):
            ws = base + words[i][0]
            if covered.hits(ws, base + words[i][1]):
                i += 1
                continue
            first = gz.fold(text[ws : base + words[i][1]].rstrip(",;:’'\")”"))
            hit = None
            if first in firsts or first.removesuffix("’s").removesuffix("'s") in firsts:
                for j in range(min(len(words), i + 4), i, -1):
                    s, e = _clean_surface(text, ws, base + words[j - 1][1])
                    cand = text[s:e]
                    if cand and (gz.canonical_country(cand) is not None or gz.is_known_place(cand)):
                        hit = (s, e, j)
                        break
            if hit is None and _LOCATIVE.search(text, max(0, ws - 12), ws):
                # Cities are too ambiguous to match anywhere ("Nice", "Reading"); after
                # "in"/"near"/"to" they are almost always places.
                for j in range(min(len(words), i + 2), i, -1):
                    s, e = _clean_surface(text, ws, base + words[j - 1][1])
                    cand = text[s:e]
                    if len(cand) > 3 and gz.city_country(cand) is not None:
                        hit = (s, e, j)
                        break
            if hit is None:
                i += 1
                continue
            s, e, j = hit
            i = j
            if covered.hits(s, e) or furniture.holds(s, e):
                continue
            surface = text[s:e]
            if j < len(words) and _ADJECTIVAL.fullmatch(surface):
                # "U.S. Open", "US Army", "UK Treasury": the abbreviation opens
                # another name; "U.S. President" and "US envoy" keep the place.
                nxt = text[base + words[j][0] : base + words[j][1]].lower()
                if nxt not in ROLE_HEADS and nxt not in ROLE_MODIFIERS:
                    continue
            facts.append(
                Fact(
                    "place",
                    surface,
                    s,
                    e,
                    value=gz.canonical_place(surface),
                    sentence=_sentence_of(starts, spans, s),
                )
            )
            covered.add(s, e)


def _resolve_people(
    text: str,
    spans: list[tuple[int, int]],
    starts: list[int],
    facts: list[Fact],
    covered: _Mask,
    furniture: _Mask,
) -> None:
    """Short names take the full name they refer to; later surname mentions are added."""
    people = [f for f in facts if f.kind == "person"]
    full: dict[str, Fact] = {}
    for f in people:
        name = str(f.value)
        if len(name.split()) >= 2:
            full.setdefault(name, f)
    by_part: dict[str, set[str]] = {}
    for name in full:
        parts = name.split()
        by_part.setdefault(parts[-1], set()).add(name)
        by_part.setdefault(" ".join(parts[1:]), set()).add(name)
    for f in people:
        name = str(f.value)
        if name in full:
            continue
        cands = by_part.get(name, set())
        if len(cands) == 1:
            f.value = next(iter(cands))
    # Surname mentions the tagger missed ("Singh called the situation ..."), all
    # surnames in one pass over the text.
    wanted = {
        surname: next(iter(names))
        for surname, names in by_part.items()
        if len(names) == 1 and len(surname) >= 4 and " " not in surname
    }
    for s, e, surname in orgs.scan_names(text, wanted):
        if covered.hits(s, e) or furniture.holds(s, e):
            continue
        sent = _sentence_of(starts, spans, s)
        facts.append(Fact("person", surname, s, e, value=wanted[surname], sentence=sent))
        covered.add(s, e)


class _ArticleContext:
    """Article-wide fallbacks for figures: the main country and the main nationality."""

    def __init__(self, text: str, facts: list[Fact]) -> None:
        # Only places where something is ("in Niger", "from Niamey") count: "US" in
        # "US troops" is an adjective and would make every US story about the US.
        located: Counter[str] = Counter()
        mentioned: Counter[str] = Counter()
        for f in facts:
            if f.kind == "place" and f.value:
                c = gz.place_country(str(f.value))
                if not c:
                    continue
                mentioned[c] += 1
                if _LOCATIVE_BEFORE.search(text, max(0, f.start - 30), f.start):
                    located[c] += 1
        self.countries = located or mentioned

    def main_country(self, exclude: str | None) -> str | None:
        for c, _ in self.countries.most_common():
            if c != exclude:
                return c
        return None


def _figure_fact(
    text: str,
    fig: FigureMatch,
    sent: tuple[int, int],
    places: list[Fact],
    ctx: _ArticleContext,
    starts: list[int],
    spans: list[tuple[int, int]],
) -> Fact:
    """A figure as a fact; ``places`` are the place facts of its sentence."""
    fact = Fact(
        "figure",
        fig.text,
        fig.start,
        fig.end,
        value=fig.value,
        unit=fig.unit,
        subject=fig.subject,
        qualifier=fig.qualifier,
        low=fig.low,
        high=fig.high,
        sentence=sent,
    )
    fact.aspect = fig.aspect
    fact.orig_value = fig.orig_value
    fact.orig_unit = fig.orig_unit
    if fig.note:
        fact.resolution = fig.note
    if fig.category in ("troops", "count"):
        explicit = gz.nationality_cues(text, fig.start, fig.noun_end)
        if explicit:
            nat: str | None = explicit[-1][2]
        elif fig.category == "troops":
            nat = _nationality(text, fig, sent, places, spans, starts)
        else:
            nat = None
        own = gz.NATIONALITY_COUNTRY.get(nat) if nat else None
        country = _location(text, fig, places, own) or ctx.main_country(own)
        noun = fig.subject or fig.unit
        cues = gz.nationality_cues(noun, 0, len(noun))
        if nat and not cues:
            noun = f"{nat} {noun}"
        elif nat:
            # "U.S. troops", "American troops" → "US troops": one spelling per nationality.
            a, b, _ = cues[0]
            noun = (noun[:a] + nat + noun[b:]).strip()
        fact.subject = noun
        what = "troops" if fig.category == "troops" else fig.unit
        if fig.aspect is None and fig.qualifier != "vague":
            key = f"{nat} {what}" if nat else what
            fact.key = f"{key} in {country}" if country else key
    elif fig.category == "distance":
        ends = _distance_ends(text, fig, places, ctx)
        if len(ends) == 2:
            one, other = sorted(ends)
            fact.subject = f"distance {one}–{other}"
            fact.key = fact.subject
    return fact


def _nationality(
    text: str,
    fig: FigureMatch,
    sent: tuple[int, int],
    places: list[Fact],
    spans: list[tuple[int, int]],
    starts: list[int],
) -> str | None:
    """Whose troops: the nearest nationality cue in the sentence, else the previous one."""
    ss, se = sent
    # The country the troops are "in" is not whose troops they are.
    loc = _location(text, fig, places, None)
    cues = [c for c in gz.nationality_cues(text, ss, se) if gz.NATIONALITY_COUNTRY.get(c[2]) != loc]
    if cues:
        return min(cues, key=lambda c: abs(c[0] - fig.start))[2]
    # The previous sentence often names the actor ("France ... has troops. ... their 1,500").
    i = bisect.bisect_right(starts, ss) - 2
    if i >= 0:
        ps, pe = spans[i]
        prev = [
            c for c in gz.nationality_cues(text, ps, pe) if gz.NATIONALITY_COUNTRY.get(c[2]) != loc
        ]
        if prev:
            return prev[-1][2]
    return None


_LOCATIVE_BEFORE = re.compile(
    r"\b(?:in|to|at|near|inside|within|into|across|left|leave|leaving|from)\s+(?:the\s+)?"
    r"(?:neighbou?ring\s+|nearby\s+|northern\s+|southern\s+|eastern\s+|western\s+|central\s+)?$",
    re.IGNORECASE,
)


def _location(text: str, fig: FigureMatch, places: list[Fact], own: str | None) -> str | None:
    """Country the counted things are in.

    A place after the counted noun within the clause ("1,100 US troops in the
    West African country", "100 forces it has deployed to neighboring Chad"), or a
    place before the figure introduced by a locative ("troops left Mali and a
    13,000-strong force"); never the troops' own country.
    """
    after = [p for p in places if p.start >= fig.noun_end]
    before = [p for p in places if p.end <= fig.start]
    cands = []
    for p in after:
        if _LOCATIVE_BEFORE.search(text, max(0, p.start - 30), p.start):
            cands.append(p)
    for p in reversed(before):
        if _LOCATIVE_BEFORE.search(text, max(0, p.start - 30), p.start):
            cands.append(p)
    for p in cands:
        c = gz.place_country(str(p.value))
        if c and c != own:
            return c
    return None


def _distance_ends(
    text: str, fig: FigureMatch, places: list[Fact], ctx: _ArticleContext
) -> list[str]:
    """The two places a distance is between: cities in the sentence, or "the capital"."""
    cities = []
    for p in places:
        name = str(p.value)
        if gz.canonical_country(name) is not None or name in gz.REGIONS:
            continue
        if name not in cities:
            cities.append(name)
    # Nearest to the figure first.
    cities.sort(key=lambda n: min(abs(p.start - fig.start) for p in places if p.value == n))
    ends = cities[:2]
    if len(ends) < 2:
        m = _CAPITAL_REF.search(text, fig.end, min(len(text), fig.end + 40))
        if m:
            # "the capital" of the country the other end is in, else of the article's.
            country = gz.place_country(ends[0]) if ends else None
            country = country or ctx.main_country(None)
            cap = gz.capital_of(country) if country else None
            if cap and cap not in ends:
                ends.append(cap)
    return ends if len(ends) == 2 else []


def facts_json(facts: list[Fact]) -> list[dict[str, Any]]:
    """Per-article facts as JSON-ready dicts (see ``Fact.to_json``)."""
    return [f.to_json() for f in facts]
