"""Numeric figures: number + unit + what it counts, normalised.

What a figure is. A number stated in digits (or a number word from "two"
up) together with what it counts or measures:

* a counted noun right after it, with up to three modifiers: "1,100 US
  troops", "500,000 tickets", "801 points", "12 armed men" (troops and people
  nouns count as "troops"/people kinds, any other plural noun as itself);
* money: a currency sign or code before it ("$5", "US$5", "RM50,000",
  "dlrs 220 million", "EUR 3 billion") or a currency word after it
  ("135.42 yen", "2 kroner", "220 million dlrs"; "28 cents" stays in cents);
* a percentage ("27.5%", "41.77 per cent") or basis points ("25 basis points");
* a distance, a duration or a hyphenated measure ("500 miles", "four days",
  "a nine-year mission", "3,000-meter", "14-story");
* an age: "Savic, 65,", "aged 65", "a 65-year-old", "65 years old";
* a rate: any of the above "a day", "per year", "each week" (the unit says it:
  "letters/day", "USD/year").

Not figures: bare numbers ("Air Base 201", "Resolution 2719", "Chapter 11"),
years and dates (see ``dates``, and "1986 year end"), a number after a
capitalised word unless a unit follows ("Johor 41.77 per cent", "the Olympic
3,000-meter" are figures; a function word opening the sentence, as in "A
65-year-old" or "The 14-story", is no name), a face value ("1,000 franc
bonds" counts no bonds), words for proportions ("half", "nearly half", "a
third": no number is stated), "one", and definite references ("the two
officials"; "the nine-year mission" still states a duration). Vague
magnitudes with a unit ("hundreds of millions of dollars", "thousands of
people") are figures with no value and an order-of-magnitude ``low``/``high``.

Everything is precompiled regex; a sentence without a digit or number word is
skipped by a single search.

Normalisation:

* troops/soldiers/forces/personnel/peacekeepers all count the unit "troops"
  (the noun as written stays in ``subject``), so "1,100 military personnel"
  and "1,100 US troops" can be compared;
* distances are kilometres; "500 miles (739 km)" keeps the stated 739 km as
  the value and records the original 500 mi (``orig_value``/``orig_unit``)
  and its exact conversion in ``note``;
* money is a plain number in an ISO 4217 code (``USD``, ``EUR``, ``JPY``,
  ``MYR``...); a currency word without a country stays as written
  ("kroner", "francs", "pesos"), and so do ``cents`` and ``pence``;
* qualifiers are one of ``approx``, ``nearly``, ``more than``, ``fewer than``,
  ``at least``, ``up to``, ``between`` (a range in ``low``/``high``) and
  ``vague`` ("hundreds of millions of dollars": no value, a ``low``/``high``
  order of magnitude);
* ``aspect`` is ``"target"`` for a figure something is being changed to
  ("reduce ... from around 1,200 to between 500 and 1,000"); such figures
  describe plans, not the state of the world, and are kept out of conflict
  detection.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from .tokenize import NUMBER_WORDS


def _words(s: str) -> list[str]:
    return s.split()


_WORD_VALUES = {w: n for w, n in NUMBER_WORDS.items() if n >= 2} | {
    "hundred": 100,
    "a hundred": 100,
    "one hundred": 100,
    "a dozen": 12,
    "dozen": 12,
    "a thousand": 1000,
}
_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "bn": 1e9}

_TROOPS = {
    "troops",
    "troop",
    "soldiers",
    "forces",
    "force",
    "personnel",
    "servicemembers",
    "service members",
    "marines",
    "peacekeepers",
    "military personnel",
}
_PEOPLE = {
    "people",
    "civilians",
    "refugees",
    "migrants",
    "residents",
    "protesters",
    "fighters",
    "militants",
    "jihadists",
    "insurgents",
    "trainers",
    "contractors",
    "advisers",
    "advisors",
    "instructors",
    "mercenaries",
    "workers",
    "children",
    "women",
    "men",
    "deaths",
    "casualties",
    "hostages",
    "prisoners",
    "diplomats",
    "staff",
    "employees",
    "drones",
    "aircraft",
    "planes",
    "jets",
    "helicopters",
    "vehicles",
    "tanks",
    "bases",
    "attacks",
    "coups",
}
_DISTANCE = {
    "miles": ("mi", 1.609344),
    "mile": ("mi", 1.609344),
    "mi": ("mi", 1.609344),
    "kilometers": ("km", 1.0),
    "kilometres": ("km", 1.0),
    "kilometer": ("km", 1.0),
    "kilometre": ("km", 1.0),
    "km": ("km", 1.0),
    "meters": ("m", 0.001),
    "metres": ("m", 0.001),
    "meter": ("m", 0.001),
    "metre": ("m", 0.001),
    "feet": ("ft", 0.0003048),
    "foot": ("ft", 0.0003048),
    "ft": ("ft", 0.0003048),
    "yards": ("yd", 0.0009144),
    "yard": ("yd", 0.0009144),
}
_DURATION = {
    "day": "days",
    "days": "days",
    "week": "weeks",
    "weeks": "weeks",
    "month": "months",
    "months": "months",
    "year": "years",
    "years": "years",
    "hour": "hours",
    "hours": "hours",
    "decade": "decades",
    "decades": "decades",
    "minute": "minutes",
    "minutes": "minutes",
    "second": "seconds",
    "seconds": "seconds",
}
_CURRENCY_SIGNS = {
    "$": "USD",
    "US$": "USD",
    "A$": "AUD",
    "C$": "CAD",
    "HK$": "HKD",
    "S$": "SGD",
    "NZ$": "NZD",
    "R$": "BRL",
    "€": "EUR",
    "£": "GBP",
    "¥": "JPY",
    "₹": "INR",
    "RM": "MYR",
    "Rs": "INR",
    "Rs.": "INR",
    "dlrs": "USD",
    "DLRS": "USD",
}
# Currency words after a number; a word without a country stays as written.
_CURRENCY_WORDS = {
    "dollars": "USD",
    "dollar": "USD",
    "dlrs": "USD",
    "euros": "EUR",
    "euro": "EUR",
    "pounds": "GBP",
    "sterling": "GBP",
    "yen": "JPY",
    "yuan": "CNY",
    "renminbi": "CNY",
    "rupees": "INR",
    "rupee": "INR",
    "roubles": "RUB",
    "rubles": "RUB",
    "ringgit": "MYR",
    "rand": "ZAR",
    "naira": "NGN",
    "rupiah": "IDR",
    "zlotys": "PLN",
    "zloty": "PLN",
    "forints": "HUF",
    "forint": "HUF",
    "reais": "BRL",
    "shekels": "ILS",
    "hryvnias": "UAH",
    "baht": "THB",
    "riyals": "SAR",
    "dirhams": "AED",
    "lira": "TRY",
    "francs": "francs",
    "kroner": "kroner",
    "krone": "kroner",
    "kronor": "SEK",
    "pesos": "pesos",
    "shillings": "shillings",
    "cents": "cents",
    "pence": "pence",
}
# Country-qualified currency words ("Swiss francs", "Hong Kong dollars").
_CURRENCY_PHRASES = {
    "swiss francs": "CHF",
    "cfa francs": "XOF",
    "french francs": "FRF",
    "danish kroner": "DKK",
    "norwegian kroner": "NOK",
    "swedish kronor": "SEK",
    "australian dollars": "AUD",
    "canadian dollars": "CAD",
    "hong kong dollars": "HKD",
    "singapore dollars": "SGD",
    "new zealand dollars": "NZD",
    "taiwan dollars": "TWD",
    "mexican pesos": "MXN",
    "german marks": "DEM",
    "deutsche marks": "DEM",
    "egyptian pounds": "EGP",
}
# Words that are money only after a scale word ("1.5 billion marks", "10.4
# trillion won"): alone they are ordinary words ("marks", "won").
_SCALED_CURRENCY = {"marks": "DEM", "won": "KRW"}
_SCALED_CURRENCY_AFTER = re.compile(r"\s+(marks|won)\b")
# Singular currency words: "1,000 franc bonds", "Each 1,000 mark bond carries".
_CLOCK = frozenset(_words("am pm a.m p.m gmt utc est edt cst cdt pst pdt bst cet"))
_DENOMINATIONS = frozenset(
    _words(
        "dollar dlr euro ecu pound yen yuan rupee rouble ruble ringgit rand naira zloty "
        "forint baht riyal dirham lira franc krone krona peso shilling cent penny mark crown"
    )
)

_QUALIFIERS = {
    "about": "approx",
    "around": "approx",
    "roughly": "approx",
    "approximately": "approx",
    "some": "approx",
    "an estimated": "approx",
    "estimated": "approx",
    "circa": "approx",
    "nearly": "nearly",
    "almost": "nearly",
    "close to": "nearly",
    "just under": "nearly",
    "more than": "more than",
    "over": "more than",
    "above": "more than",
    "upwards of": "more than",
    "in excess of": "more than",
    "just over": "more than",
    "well over": "more than",
    "fewer than": "fewer than",
    "less than": "fewer than",
    "under": "fewer than",
    "below": "fewer than",
    "at least": "at least",
    "up to": "up to",
    "as many as": "up to",
}

_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_WORDNUM = "|".join(sorted((re.escape(w) for w in _WORD_VALUES), key=len, reverse=True))
# Digits and number words are separate patterns: the digit one starts with a
# character class the regex engine can skip to quickly, and the word one only
# runs when a number word occurs in the sentence at all (a substring test).
_NUMBER = re.compile(
    r"(?=[0-9$€£¥₹UACHSNRdDEGJ])"
    r"(?P<cur>(?:US|A|C|HK|S|NZ|R)?\$|€|£|¥|₹|\b(?:RM|Rs\.?|dlrs|DLRS|(?:USD|EUR|GBP|JPY|CNY|CHF|"
    r"CAD|AUD|INR|MYR|SGD|HKD|ZAR|NGN|XOF|RUB)(?=\s))\s?)?"
    rf"(?P<num>{_NUM})(?P<scale>\s*(?:thousand|million|billion|trillion|bn)\b)?"
)
_NUMBER_WORD = re.compile(rf"\b(?P<word>{_WORDNUM})\b", re.IGNORECASE)
_DIGIT = re.compile(r"[0-9]")
_WORD_HINTS = tuple(sorted({w.split()[-1] for w in _WORD_VALUES}))
_VAGUE_HINTS = ("dozens", "hundreds", "thousands", "millions", "billions")

_QUAL_BEFORE = re.compile(
    r"(?:^|[\s“\"(])(?P<q>"
    + "|".join(sorted((re.escape(q) for q in _QUALIFIERS), key=len, reverse=True))
    + r")\s+(?:somewhere\s+)?$",
    re.IGNORECASE,
)
_BETWEEN_BEFORE = re.compile(r"\bbetween\s+(?:about\s+|around\s+)?$", re.IGNORECASE)
_RANGE_AFTER = re.compile(
    rf"\s*(?:and|to|-|–)\s*(?P<num>{_NUM})(?P<scale>\s*(?:thousand|million|billion)\b)?",
    re.IGNORECASE,
)
_TARGET_BEFORE = re.compile(
    r"\bto\s+(?:somewhere\s+|about\s+|around\s+|roughly\s+|between\s+)*"
    r"(?:(?:about|around|roughly|more than|fewer than|less than)\s+)?$",
    re.IGNORECASE,
)
_CHANGE_VERB = re.compile(
    r"\b(?:reduc|cut|increas|rais|lower|bring|boost|expand|shrink|trim|halv|doubl|slash)\w*",
    re.IGNORECASE,
)
_NUMBER_OF = re.compile(
    r"\bnumber\s+of\s+(?P<mods>(?:[\w.’'-]+\s+){0,2}?)(?P<noun>troops|soldiers|forces|personnel)\b",
    re.IGNORECASE,
)
_MOD_WORDS = {
    "us",
    "u.s.",
    "american",
    "french",
    "russian",
    "british",
    "german",
    "chinese",
    "nigerien",
    "malian",
    "chadian",
    "un",
    "u.n.",
    "military",
    "non-essential",
    "nonessential",
    "additional",
    "more",
    "foreign",
    "special",
    "combat",
    "active-duty",
    "peacekeeping",
    "western",
    "european",
    "african",
    "armed",
    "ground",
    "government",
    "security",
    "international",
    "state",
    "local",
    "senior",
    "defense",
    "defence",
    "department",
    "elite",
    "wagner",
    "mercenary",
}
_TOKEN = re.compile(r"\s*([A-Za-z][\w.’'-]*)")
_PAREN_KM = re.compile(
    rf"\s*\((?P<num>{_NUM})\s*(?P<unit>km|kilometers|kilometres|mi|miles)\)", re.IGNORECASE
)
_OF_PHRASE = re.compile(
    r"\s+of\s+(?:(?:the|a|an|its|their|his|her|this|that)\s+)?"
    r"(?P<np>[A-Za-z][\w’'-]*(?:\s+(?!(?:between|and|or|in|on|at|to|for|from|by|with|since|"
    r"after|before|that|which|who|was|were|is|are|has|have|had)\b)[a-z][\w’'-]*)?)"
)
_MONEY_FOR = re.compile(
    r"\s+(?:in|on|for|into)\s+(?P<np>(?=[A-Za-z])(?:[\w’'-]+\s+){0,3}?[\w’'-]+?)"
    r"(?=\s*[,.;:)]|\s+(?:since|while|after|before|when|and|to|over)\b|$)"
)
_PERCENT = re.compile(r"(?:\s*|-)(?:%|percent\b|per[\s-]+cent\b)", re.IGNORECASE)
_VAGUE = re.compile(
    r"\b(?P<v>dozens|hundreds|thousands|millions|billions|tens of thousands)"
    r"(?:\s+of\s+(?P<v2>thousands|millions|billions))?\s+of\s+"
    r"(?P<mods>(?:[\w.’'-]+\s+){0,2}?)(?P<noun>dollars|euros|troops|soldiers|people|civilians|"
    r"refugees|migrants|fighters|personnel|protesters|residents)\b",
    re.IGNORECASE,
)
_VAGUE_BASE = {
    "dozens": 12.0,
    "hundreds": 100.0,
    "thousands": 1e3,
    "tens of thousands": 1e4,
    "millions": 1e6,
    "billions": 1e9,
}
_BASIS_POINTS = re.compile(r"\s*(?:basis\s+points?|bps?)\b", re.IGNORECASE)
_RATE = re.compile(
    r"\s+(?:a|an|per|each|every)\s+(day|week|month|year|hour|minute|second|annum|quarter)\b",
    re.IGNORECASE,
)
_PERIODS = {"annum": "year"}
_RATE_CATEGORIES = frozenset({"money", "items", "count", "troops", "percent"})
# Hyphenated units: "3,000-meter", "14-story", "a nine-year mission", "65-year-old".
_MEASURES = {
    "story": "stories",
    "storey": "stories",
    "floor": "floors",
    "ton": "tonnes",
    "tonne": "tonnes",
    "pound": "lb",
    "kilogram": "kg",
    "kg": "kg",
    "acre": "acres",
    "hectare": "hectares",
    "megawatt": "MW",
    "seat": "seats",
    "bed": "beds",
    "lane": "lanes",
    "member": "members",
    "inch": "inches",
    "gallon": "gallons",
    "litre": "litres",
    "liter": "litres",
    "point": "points",
    "page": "pages",
}
_HYPHEN_UNIT = re.compile(
    r"-(year|month|week|day|hour|minute|mile|kilometre|kilometer|km|meter|metre|foot|feet|yard|"
    + "|".join(_MEASURES)
    + r")(-old)?\b",
    re.IGNORECASE,
)
_LOWER_WORD = re.compile(r"\s+([a-z][a-z-]+)")
_AGE = re.compile(
    r"(?:\b(?P<name>[A-Z][\w’'-]+)\s*,\s*|\baged\s+)(?P<age>\d{1,3})"
    r"(?=\s*(?:,|;|\)|\.(?:\s|$)|$))"
)
_NOT_NAMES = frozenset(
    _words(
        "january february march april may june july august september october november december "
        "jan feb mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday "
        "friday saturday sunday no number page chapter article section inc corp ltd"
    )
)
_DEFINITE_BEFORE = re.compile(r"\b(?:the|these|those|both|all)\s+$", re.IGNORECASE)
_BASE_NUMBER_BEFORE = re.compile(r"\b[A-Z][\w]*\s+(?:No\.\s*)?$")
# A day of a month ("on Dec. 8 issued guidelines") and an ordinal ("the 7th
# district") count nothing.
_MONTH_BEFORE = re.compile(
    r"\b(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?\s+$"
)
_ORDINAL_AFTER = re.compile(r"(?:st|nd|rd|th)\b")
_YEAR = re.compile(r"^(?:1[89]\d\d|20\d\d)$")


@dataclass(slots=True)
class FigureMatch:
    start: int
    end: int
    text: str
    value: float | None
    unit: str
    # troops | count (people-like nouns) | items (other counted nouns) | distance |
    # duration | measure | money | percent | age
    category: str
    subject: str | None = None
    qualifier: str | None = None
    low: float | None = None
    high: float | None = None
    aspect: str | None = None
    orig_value: float | None = None
    orig_unit: str | None = None
    note: str | None = None
    noun_end: int = 0


def _num(raw: str, scale: str | None) -> float:
    v = float(raw.replace(",", ""))
    if scale:
        v *= _SCALES[scale.strip().lower()]
    return v


def _qualifier_before(text: str, pos: int, lo: int) -> tuple[str | None, int]:
    window = text[max(lo, pos - 30) : pos]
    m = _QUAL_BEFORE.search(window)
    if not m:
        return None, pos
    return _QUALIFIERS[m.group("q").lower()], pos - (len(window) - m.start("q"))


_YEARS_OLD = re.compile(r"\s+old\b")
_CURRENCY_PHRASES_HEADS = frozenset(p.split()[-1] for p in _CURRENCY_PHRASES)
# Words that end in -s without being plural nouns, and words no noun phrase
# after a number runs through ("5 in attacks", "3 of whom").
_NOT_PLURAL = frozenset(
    _words(
        "this has was is does says goes its his hers ours yours theirs yes always perhaps "
        "whereas towards afterwards besides across plus less unless thus news series species "
        "times marks politics economics physics gas bus lens chaos basis crisis analysis thesis "
        "status campus bonus virus census corpus ethos"
    )
)
_FUNCTION = frozenset(
    _words(
        "a an the and or but nor of in on at to for from by with without into onto over "
        "under after before since until than as per via about around among between "
        "during through against within is are was were be been being has have had do does "
        "did will would shall should can could may might must it its he she they we you i "
        "his her their our my your them him us me this that these those who whom whose which "
        "what when where why how all any each every some no not only also more most less "
        "least very so too such other others another same one ones here there then now "
        "said says say told up down out off back away again yet still already just even "
        "percent per cent pct"
    )
)


# A sentence's first word is capitalised for its position, not because it names
# anything: "A 65-year-old man", "The 14-story tower", "In 14-story buildings"
# have no name before the number the way "Air Base 201" has. Function words are
# never such names; "No" is the exception ("No 10 officials" is number 10).
_POSITIONAL_CAPITALS = _FUNCTION - {"no"}
_SENTENCE_OPENER = re.compile(r"[\s\"“‘'(\[]*(?P<w>[A-Z][a-z]*)\s+")


def _opens_sentence(text: str, start: int, pos: int) -> bool:
    """Whether ``text[start:pos]`` is only a sentence's first word, a function word."""
    m = _SENTENCE_OPENER.fullmatch(text, start, pos)
    return m is not None and m.group("w").lower() in _POSITIONAL_CAPITALS


def _is_plural(low: str) -> bool:
    if low in _IRREGULAR_PLURALS:
        return True
    return (
        len(low) > 3
        and low.endswith("s")
        and not low.endswith(("ss", "us", "is", "ous"))
        and low not in _NOT_PLURAL
        and low not in _FUNCTION
        and low.isalpha()
    )


_IRREGULAR_PLURALS = frozenset(
    _words(
        "people men women children police cattle sheep fish livestock feet teeth mice geese crew"
    )
)


def _unit_after(text: str, pos: int, end: int) -> tuple[str, str, int, int, str] | None:
    """(category, unit, noun_start, noun_end, subject-as-written) of the noun after ``pos``."""
    mods: list[str] = []
    p = pos
    first = None
    for _ in range(4):
        m = _TOKEN.match(text, p, end)
        if not m:
            return None
        tok = m.group(1).rstrip(",;:")
        if tok.endswith(".") and not re.fullmatch(r"(?:[A-Z]\.)+", tok):
            tok = tok[:-1]
        low = tok.lower()
        if first is None:
            first = m.start(1)
            if first == pos and tok[:1].isupper() and low not in _DISTANCE:
                # A capital against the number makes a name, not a count: "3G
                # networks", "the 7E7 planes" (lowercase "77m euros" stays).
                return None
        if low in _CLOCK:
            # "By 1228 gmt Norcros shares rose", "at 5 pm troops left": a time of day.
            return None
        if low in _DISTANCE and not mods:
            return "distance", low, m.start(1), m.start(1) + len(tok), tok
        if low in _DURATION and not mods:
            old = _YEARS_OLD.match(text, m.end(1), end) if low.startswith("year") else None
            if old:
                return "age", "years", m.start(1), old.end(), tok
            return "duration", _DURATION[low], m.start(1), m.start(1) + len(tok), tok
        if low in _CURRENCY_WORDS and all(w[:1].isupper() for w in mods) and len(mods) <= 2:
            phrase = " ".join([*mods, low]).lower()
            code = _CURRENCY_PHRASES.get(phrase, _CURRENCY_WORDS[low])
            return "money", code, first, m.start(1) + len(tok), phrase
        two = f"{low} {text[m.end(1) :].split(' ', 1)[0].lower()}" if m.end(1) < end else ""
        if two.rstrip(".,;:") in ("service members",):
            stop = m.end(1) + 1 + len("members")
            return "troops", "troops", first, stop, " ".join([*mods, "service members"])
        if low in _TROOPS:
            subj = " ".join([*mods, tok])
            return "troops", "troops", first, m.start(1) + len(tok), subj
        if low in _PEOPLE:
            subj = " ".join([*mods, tok])
            return "count", low, first, m.start(1) + len(tok), subj
        if low in _CURRENCY_PHRASES_HEADS and mods:
            return None
        if mods and mods[0].lower() in _DENOMINATIONS:
            # "1,000 franc denominations", "Each 1,000 mark bond carries": the number
            # is the face value of one thing, not a count of the words that follow.
            return None
        if tok[:1].islower() and _is_plural(low):
            # Any other counted noun: "500,000 tickets", "801 points".
            subj = " ".join([*mods, tok])
            return "items", low, first, m.start(1) + len(tok), subj
        # Modifiers: nationality and military adjectives, capitalised words ("two
        # Defense Department officials") and other lowercase words that are no
        # function words ("12 armed men", "3 million new tickets").
        if (
            low in _MOD_WORDS
            or (tok[:1].isupper() and len(mods) < 3)
            or (tok[:1].islower() and len(mods) < 2 and low.isalpha() and low not in _FUNCTION)
        ):
            mods.append(tok)
            p = m.end(1)
            continue
        return None
    return None


def find_figures(text: str, start: int = 0, end: int | None = None) -> list[FigureMatch]:
    """Figures in ``text[start:end]`` with offsets into ``text``."""
    if end is None:
        end = len(text)
    low_text = text[start:end].lower()
    has_digit = _DIGIT.search(text, start, end) is not None
    has_word = any(w in low_text for w in _WORD_HINTS)
    has_vague = any(w in low_text for w in _VAGUE_HINTS)
    if not (has_digit or has_word or has_vague):
        return []
    out: list[FigureMatch] = []
    taken: list[tuple[int, int]] = []

    def free(s: int, e: int) -> bool:
        # ``taken`` is sorted and its spans do not overlap: only neighbours can clash.
        i = bisect.bisect_left(taken, (s, s))
        return all(e <= a or s >= b for a, b in taken[max(0, i - 1) : i + 1])

    for m in _VAGUE.finditer(text, start, end) if has_vague else ():
        base = _VAGUE_BASE[m.group("v").lower()]
        if m.group("v2"):
            base *= _VAGUE_BASE[m.group("v2").lower()]
        noun = m.group("noun").lower()
        if noun in _CURRENCY_WORDS:
            cat, unit = "money", _CURRENCY_WORDS[noun]
        elif noun in _TROOPS:
            cat, unit = "troops", "troops"
        else:
            cat, unit = "count", noun
        fig = FigureMatch(
            m.start(),
            m.end(),
            m.group(0),
            None,
            unit,
            cat,
            qualifier="vague",
            low=base * 2,
            high=base * (1000 if m.group("v").lower() in ("thousands", "millions") else 10),
            noun_end=m.end(),
        )
        if cat == "money":
            fm = _MONEY_FOR.match(text, m.end(), end)
            fig.subject = fm.group("np") if fm else None
        else:
            fig.subject = (m.group("mods") + m.group("noun")).strip()
        out.append(fig)
        taken.append((m.start(), m.end()))

    for m in _AGE.finditer(text, start, end) if has_digit else ():
        name = m.group("name")
        age = int(m.group("age"))
        if not 0 < age <= 120 or (name and name.lower().rstrip(".") in _NOT_NAMES):
            continue
        s = m.start("age") if name else m.start()
        fig = FigureMatch(s, m.end("age"), "", float(age), "years", "age", subject=name)
        fig.noun_end = m.end("age")
        _finish(text, fig, out, None, None, end)
        taken.append((s, m.end("age")))

    taken.sort()
    # Where the sentence's first change verb ends: "reduce ... to 500" makes 500 a target.
    change = _CHANGE_VERB.search(text, start, end)
    change_end = change.end() if change else end + 1
    number_of = _NUMBER_OF.search(text, start, end)
    prev_end = start
    numbers: list[re.Match[str]] = []
    if has_digit:
        numbers.extend(_NUMBER.finditer(text, start, end))
    if has_word:
        numbers.extend(_NUMBER_WORD.finditer(text, start, end))
        numbers.sort(key=lambda x: x.start())
    for m in numbers:
        s, e = m.start(), m.end()
        if not free(s, e) or s < prev_end:
            continue
        word = m.groupdict().get("word")
        cur = (m.groupdict().get("cur") or "").strip()
        named = False
        if word:
            # "the two officials" refers back to a count; "the nine-year mission"
            # states a duration whatever its article.
            if _DEFINITE_BEFORE.search(text, max(start, s - 8), s) and not _HYPHEN_UNIT.match(
                text, e, end
            ):
                continue
            value = float(_WORD_VALUES[word.lower()])
            raw = word
        else:
            raw = m.group("num")
            # "Air Base 201", "Resolution 2719": a number naming a thing, unless
            # money or a percentage follows ("Johor 41.77 per cent").
            if not cur and _BASE_NUMBER_BEFORE.search(text, max(start, s - 25), s):
                prev = text[max(start, s - 25) : s].split()
                if (
                    prev
                    and prev[-1][:1].isupper()
                    and prev[-1].lower() not in _QUALIFIERS
                    and not _opens_sentence(text, start, s)
                ):
                    named = True
            if s > start and (text[s - 1].isalnum() or text[s - 1] in "-/"):
                continue
            if _ORDINAL_AFTER.match(text, m.end("num")) or (
                not cur and _MONTH_BEFORE.search(text, max(start, s - 11), s)
            ):
                continue
            value = _num(raw, m.group("scale"))
        qualifier, qs = _qualifier_before(text, s, start)
        fig_start = qs if qualifier else s
        if qualifier and qs < s - 40:
            qualifier, fig_start = None, s
        low = high = None
        range_m = None
        between = None if word else _BETWEEN_BEFORE.search(text, max(start, s - 20), s)
        if between:
            range_m = _RANGE_AFTER.match(text, e, end)
            if range_m:
                low = value
                high = _num(range_m.group("num"), range_m.group("scale") or m.group("scale"))
                qualifier = "between"
                # The match, not a search for "between": a sentence may open with "Between".
                fig_start = between.start()
                e = range_m.end()
        p = e
        # "13,000-strong UN peacekeeping force"
        strong = re.match(r"-strong\b", text[p : p + 8])
        if strong:
            p += strong.end()
        pct = _PERCENT.match(text, p, end) or _BASIS_POINTS.match(text, p, end)
        if pct and not word:
            unit = "bp" if pct.group().strip()[:1] in "bB" else "%"
            fig = FigureMatch(fig_start, pct.end(), "", value, unit, "percent", qualifier=qualifier)
            of = _OF_PHRASE.match(text, pct.end(), end)
            fig.subject = of.group("np") if of else None
            fig.noun_end = pct.end()
            _finish(text, fig, out, low, high, end)
            prev_end = fig.end
            continue
        if cur:
            unit = _CURRENCY_SIGNS.get(cur, cur)
            fig = FigureMatch(fig_start, e, "", value, unit, "money", qualifier=qualifier)
            fm = _MONEY_FOR.match(text, e, end)
            if fm:
                fig.subject = fm.group("np")
            elif re.search(r"\bcost\s+of\s+(?:\w+\s+){0,2}$", text[max(start, s - 30) : s]):
                fig.subject = "cost"
            fig.noun_end = e
            _finish(text, fig, out, low, high, end)
            prev_end = fig.end
            continue
        hyphen_unit = _HYPHEN_UNIT.match(text, p, end)
        # A hyphenated unit measures the number as surely as a currency does: "the
        # Olympic 3,000-meter steeplechase" names no number 3,000.
        if named and not hyphen_unit:
            info = _unit_after(text, p, end)
            if info is None or info[0] != "money":
                continue
        if hyphen_unit and hyphen_unit.group(1).lower().startswith("year") and hyphen_unit.group(2):
            # "a 65-year-old": an age.
            fig = FigureMatch(fig_start, hyphen_unit.end(), "", value, "years", "age")
            fig.noun_end = hyphen_unit.end()
            _finish(text, fig, out, low, high, end)
            prev_end = fig.end
            continue
        if hyphen_unit and hyphen_unit.group(1).lower() not in _DURATION:
            # "3,000-meter", "14-story": a measure of the noun that follows.
            unit_word = hyphen_unit.group(1).lower()
            p2 = hyphen_unit.end()
            if unit_word in _DISTANCE:
                unit_info: tuple[str, str, int, int, str] | None = (
                    "distance",
                    unit_word,
                    p + 1,
                    p2,
                    unit_word,
                )
            else:
                fig = FigureMatch(
                    fig_start, p2, "", value, _MEASURES[unit_word], "measure", qualifier=qualifier
                )
                nxt = _LOWER_WORD.match(text, p2, end)
                fig.subject = nxt.group(1) if nxt else None
                fig.noun_end = p2
                _finish(text, fig, out, low, high, end)
                prev_end = fig.end
                continue
        else:
            unit_info = None
        if hyphen_unit and unit_info is None:
            # "a nine-year mission": duration of the following noun phrase.
            unit_word = hyphen_unit.group(1).lower()
            p2 = hyphen_unit.end()
            np_m = re.match(
                r"\s+((?:[\w’'-]+\s+){0,3}?)(mission|operation|war|conflict|"
                r"presence|deployment|campaign|insurgency|rule|sentence|ban|"
                r"deal|agreement|contract|program|programme|trip|tour)\b",
                text[p2:end],
            )
            if unit_word in _DURATION:
                fig = FigureMatch(
                    fig_start, p2, "", value, _DURATION[unit_word], "duration", qualifier=qualifier
                )
                if np_m:
                    fig.subject = (np_m.group(1) + np_m.group(2)).strip()
                fig.noun_end = p2
                _finish(text, fig, out, low, high, end)
                prev_end = fig.end
                continue
        if unit_info is None:
            unit_info = _unit_after(text, p, end)
        if unit_info is None and not word and m.group("scale"):
            scaled = _SCALED_CURRENCY_AFTER.match(text, p, end)
            if scaled:
                unit_info = (
                    "money",
                    _SCALED_CURRENCY[scaled.group(1)],
                    p,
                    scaled.end(),
                    scaled.group(1),
                )
        if unit_info is None:
            if word or _YEAR.match(raw):
                continue
            # A bare number after "the number of troops ... from X to Y" counts troops.
            if number_of and number_of.end() <= s:
                noun = number_of.group("noun")
                fig = FigureMatch(fig_start, e, "", value, "troops", "troops", qualifier=qualifier)
                fig.subject = (number_of.group("mods") + noun).strip()
                fig.noun_end = number_of.end("noun")
                if _TARGET_BEFORE.search(text, max(start, fig_start - 30), fig_start) and (
                    change_end <= s
                ):
                    fig.aspect = "target"
                _finish(text, fig, out, low, high, end)
                prev_end = fig.end
            continue
        category, unit, _, ne, subject_text = unit_info
        if strong and category not in ("troops", "count"):
            continue
        if category == "items" and (word or _YEAR.match(raw)):
            # "2013 protests", "two sides": years and small words are not counts.
            continue
        if category == "duration" and _YEAR.match(raw) and subject_text.lower() == "year":
            # "at 1986 year end": a year, not 1,986 of them.
            continue
        fig = FigureMatch(fig_start, ne, "", value, unit, category, qualifier=qualifier)
        fig.noun_end = ne
        if category == "distance":
            factor = _DISTANCE[unit][1]
            short = _DISTANCE[unit][0]
            paren = _PAREN_KM.match(text, ne, end)
            km = round(value * factor, 1)
            if paren and paren.group("unit").lower() in ("km", "kilometers", "kilometres"):
                stated = _num(paren.group("num"), None)
                fig.end = paren.end()
                fig.orig_value, fig.orig_unit = value, short
                fig.note = (
                    f"{raw} {short} = {km:g} km; stated as {stated:g} km" if short != "km" else None
                )
                value = stated
            elif short != "km":
                fig.orig_value, fig.orig_unit = value, short
                fig.note = f"{raw} {short} = {km:g} km"
                value = km
            fig.value = value
            fig.unit = "km"
            if low is not None and high is not None:
                low, high = low * factor, high * factor
        elif category == "duration":
            of = _OF_PHRASE.match(text, ne, end)
            fig.subject = of.group("np") if of else None
        elif category == "money":
            fm = _MONEY_FOR.match(text, ne, end)
            fig.subject = fm.group("np") if fm else None
        else:
            fig.subject = subject_text if category != "age" else None
            if strong:
                fig.start = fig_start
        if (
            category in ("troops", "count")
            and _TARGET_BEFORE.search(text, max(start, fig_start - 30), fig_start)
            and change_end <= s
        ):
            fig.aspect = "target"
        _finish(text, fig, out, low, high, end)
        prev_end = fig.end
    out.sort(key=lambda f: f.start)
    return out


def _finish(
    text: str,
    fig: FigureMatch,
    out: list[FigureMatch],
    low: float | None,
    high: float | None,
    end: int,
) -> None:
    if low is not None and high is not None:
        fig.low, fig.high = low, high
        fig.value = None
    if fig.category in _RATE_CATEGORIES:
        rate = _RATE.match(text, fig.end, end)
        if rate:
            # "2,000 letters a day": a rate is not a count, and never conflicts with one.
            fig.unit = f"{fig.unit}/{_PERIODS.get(rate.group(1).lower(), rate.group(1).lower())}"
            fig.category = "rate"
            fig.end = rate.end()
    fig.text = text[fig.start : fig.end]
    out.append(fig)
