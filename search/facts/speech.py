"""Who said it: attributions ("one official told Politico") and direct quotes.

An attribution is a speech verb with its speaker, found in the sentence of a
figure or next to a quote:

* speaker first: "Pentagon spokeswoman Sabrina Singh told reporters",
  ", one official told Politico", "the officials said";
* verb first, after a quote or comma: "…,” said the official";
* "according to Normand's source".

The speaker phrase runs back from the verb to a clause boundary (a comma, a
quotation mark, "that", the sentence start) and must be short: a long run
before "said" is the story's own clause, not a speaker. ``who`` is the person
named in the phrase (their canonical name) when there is one, else the phrase
("one official").

A quote is text in double quotation marks of at least ``MIN_QUOTE_WORDS``
words (shorter ones are scare quotes: “repositioning”, “anchor”); its speaker
is the attribution right after the closing mark, else one before the opening
mark in the same sentence.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..model import Fact

MIN_QUOTE_WORDS = 5
MAX_SPEAKER_WORDS = 8
MAX_QUOTE_CHARS = 1500

_VERBS = (
    r"said|says|told|tells|added|adds|announced|announces|confirmed|confirms|claimed|claims|"
    r"stated|states|reported|reports|warned|warns|noted|notes|explained|insisted|wrote|"
    r"tweeted|briefed|acknowledged|argued|estimated|estimates|testified"
)
# What a "told" is told to: one short capitalised name or a few plain words.
_AUDIENCE = (
    r"(?:(?:(?:the\s+)?(?:[A-Z][\w’'-]*\s+)?(?:reporters|journalists|lawmakers|senators|"
    r"congress|parliament|a\s+news\s+conference|a\s+briefing|the\s+press|state\s+media))"
    r"|(?:(?!(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day\b|Last\b|Next\b|This\b)"
    r"[A-Z][\w’'.&-]*(?:\s+[A-Z][\w’'.&-]*){0,3}))"
)
_SPEAKER_FIRST = re.compile(
    rf"\b(?P<verb>{_VERBS})\b(?:\s+(?P<aud>{_AUDIENCE}))?",
)
_VERB_FIRST = re.compile(
    r"(?:[,”\"]\s*|^\s*)(?P<verb>said|says|added)\s+"
    r"(?P<who>(?:[A-Za-z][\w’'.-]*)(?:\s+[A-Za-z][\w’'.-]*){0,7}?)\s*(?=[,.;]|$)"
)
_ACCORDING = re.compile(
    r"\baccording\s+to\s+(?P<who>[A-Za-z][\w’'.-]*(?:\s+(?!that\b)[A-Za-z][\w’'.-]*){0,6}?)"
    r"\s*(?=[,.;—–]|$)"
)
_BOUNDARY = re.compile(r"[,;:“”\"(—–]|\bthat\b|\bwhich\b|\bwho\b|\band\s+(?=[a-z])")
_PRONOUNS = frozenset(
    ["he", "she", "they", "it", "we", "i", "you", "who", "which", "this", "that", "there"]
)
_BAD_START = frozenset(["but", "and", "as", "so", "if", "while", "when", "because", "or"])
_SPEAKER_WORD = re.compile(r"[A-Za-z]")
_TRAILING_ADVERBS = frozenset(
    ["also", "later", "previously", "reportedly", "again", "then", "separately"]
)
_ABBREVIATION_END = re.compile(r"(?:\b[A-Z]\.)+$|\b(?:Jr|Sr|Inc|Co|Corp|Ltd)\.$")


def _trim_end(text: str, s: int, e: int) -> int:
    """``e`` moved back over trailing punctuation (not an abbreviation's period)."""
    while e > s and text[e - 1] in ".,;:" and not _ABBREVIATION_END.search(text[s:e]):
        e -= 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return e


@dataclass(slots=True)
class Attribution:
    text: str
    who: str
    start: int
    end: int

    def to_json(self) -> dict[str, Any]:
        return {"text": self.text, "who": self.who, "start": self.start, "end": self.end}


def _who(phrase: str, start: int, people: list[Fact]) -> str:
    end = start + len(phrase)
    for person in people:
        if start <= person.start and person.end <= end:
            return str(person.value or person.text)
    return " ".join(phrase.split())


def _speaker_before(
    text: str, lo: int, verb_start: int, people: list[Fact]
) -> tuple[int, str] | None:
    """The speaker phrase that ends right before a speech verb, or None."""
    window = text[lo:verb_start]
    cuts = [(m.start(), m.end(), m.group()) for m in _BOUNDARY.finditer(window)]
    cut = cuts[-1][1] if cuts else 0
    end = len(window)
    if not window[cut:].strip() and cuts and cuts[-1][2] == ",":
        # "…, Deputy Secretary of State Kurt Campbell, told": the appositive speaks.
        end = cuts[-1][0]
        cut = cuts[-2][1] if len(cuts) > 1 else 0
    phrase = window[cut:end]
    stripped = phrase.strip()
    words = stripped.split()
    while words and words[-1].lower() in _TRAILING_ADVERBS:
        words.pop()
    stripped = " ".join(words)
    if not stripped or not _SPEAKER_WORD.search(stripped):
        return None
    named = any(lo + cut <= p.start and p.end <= lo + end for p in people)
    if len(words) > MAX_SPEAKER_WORDS + 4 * named or words[0].lower() in _BAD_START:
        return None
    if len(words) == 1 and words[0].lower() in _PRONOUNS:
        return None
    if any(w.lower() in _PRONOUNS - {"it"} for w in words[1:]):
        return None
    # A speaker is a noun phrase: it does not contain a finite verb of its own.
    if re.search(r"\b(?:is|are|was|were|has|have|had|will|would|can|could)\b", stripped):
        return None
    offset = lo + cut + (len(phrase) - len(phrase.lstrip()))
    return offset, text[offset : offset + len(" ".join(phrase.split()[: len(words)]))]


def attributions_in(text: str, lo: int, hi: int, people: Iterable[Fact] = ()) -> list[Attribution]:
    """Every attribution inside ``text[lo:hi]`` (a sentence or a stretch after a quote)."""
    people = [p for p in people if lo <= p.start and p.end <= hi]
    found: list[Attribution] = []
    segment = text[lo:hi]
    for m in _ACCORDING.finditer(segment):
        s, who_s = lo + m.start(), lo + m.start("who")
        e = _trim_end(text, who_s, lo + m.end("who"))
        found.append(Attribution(text[s:e], _who(text[who_s:e], who_s, people), s, e))
    for m in _VERB_FIRST.finditer(segment):
        who = m.group("who")
        first = who.split()[0].lower()
        if first in _PRONOUNS or len(who.split()) > MAX_SPEAKER_WORDS:
            continue
        s, who_s = lo + m.start("verb"), lo + m.start("who")
        e = _trim_end(text, who_s, lo + m.end("who"))
        found.append(Attribution(text[s:e], _who(text[who_s:e], who_s, people), s, e))
    for m in _SPEAKER_FIRST.finditer(segment):
        vs = lo + m.start("verb")
        if any(a.start <= vs < a.end for a in found):
            continue
        before = _speaker_before(text, lo, vs, people)
        if before is None:
            continue
        s, phrase = before
        e = lo + (m.end("aud") if m.group("aud") else m.end("verb"))
        e = _trim_end(text, s, e)
        found.append(Attribution(text[s:e], _who(phrase, s, people), s, e))
    found.sort(key=lambda a: a.start)
    return found


def attribution_for(
    text: str, sentence: tuple[int, int], pos: int, people: Iterable[Fact] = ()
) -> Attribution | None:
    """Who the sentence says said what is at ``pos``: the nearest attribution in it.

    A claim inside a quotation is the quoted speaker's; outside, an
    attribution covering ``pos`` itself (the figure is part of the speaker's
    name) does not count.
    """
    candidates = [a for a in attributions_in(text, *sentence, people) if not a.start <= pos < a.end]
    if not candidates:
        return None
    return min(candidates, key=lambda a: min(abs(a.start - pos), abs(a.end - pos)))


# ------------------------------------------------------------------ quotes

_QUOTE = re.compile(
    rf"“(?P<q>[^”\n]{{3,{MAX_QUOTE_CHARS}}})”|\"(?P<a>[^\"\n]{{3,{MAX_QUOTE_CHARS}}})\""
)


@dataclass(slots=True)
class Quote:
    text: str
    start: int
    end: int
    attribution: Attribution | None


def find_quotes(
    text: str, spans: list[tuple[int, int]], people: Iterable[Fact] = ()
) -> list[Quote]:
    """Direct quotes of ``MIN_QUOTE_WORDS`` words or more, with their speaker when given."""
    people = list(people)
    out: list[Quote] = []
    for m in _QUOTE.finditer(text):
        group = "q" if m.group("q") is not None else "a"
        inner = m.group(group)
        if len(inner.split()) < MIN_QUOTE_WORDS:
            continue
        qs, qe = m.start(group), m.end(group)
        close = m.end()
        # The speaker after the closing mark, to the end of that sentence.
        after_end = next((e for s, e in spans if s <= close <= e), close)
        if after_end <= close:
            after_end = min(
                len(text), text.find("\n", close) if "\n" in text[close:] else len(text)
            )
        who = None
        tail = attributions_in(text, close, after_end, people)
        if tail and text[close : tail[0].start].strip(" ,") == "":
            who = tail[0]
        if who is None:
            start_sentence = next((s for s, e in spans if s <= m.start() < e), m.start())
            head = attributions_in(text, start_sentence, m.start(), people)
            if head:
                who = head[-1]
        if who is None and out and out[-1].attribution is not None:
            # “…,” the official said. “…” — the next quote of the same paragraph
            # goes on in the same voice.
            between = text[out[-1].end : m.start()]
            if "\n" not in between and len(between) < 200:
                who = out[-1].attribution
        out.append(Quote(inner, qs, qe, who))
    return out
