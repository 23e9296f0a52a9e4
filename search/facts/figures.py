"""Numeric figures: number + unit + what it counts, normalised.

Only numbers that count something are figures: a number needs a unit (a
counted noun, a distance, a duration, money, a percentage) to qualify, so
"Air Base 201" and bare years (dates) are left alone. Everything is
precompiled regex; a sentence without a digit or number word is skipped by a
single search.

Normalisation:

* troops/soldiers/forces/personnel/peacekeepers all count the unit "troops"
  (the noun as written stays in ``subject``), so "1,100 military personnel"
  and "1,100 US troops" can be compared;
* distances are kilometres; "500 miles (739 km)" keeps the stated 739 km as
  the value and records the original 500 mi (``orig_value``/``orig_unit``)
  and its exact conversion in ``note``;
* money is a plain number in ``USD``/``EUR``/``GBP``;
* qualifiers are one of ``approx``, ``nearly``, ``more than``, ``fewer than``,
  ``at least``, ``up to``, ``between`` (a range in ``low``/``high``) and
  ``vague`` ("hundreds of millions of dollars": no value, a ``low``/``high``
  order of magnitude);
* ``aspect`` is ``"target"`` for a figure something is being changed to
  ("reduce ... from around 1,200 to between 500 and 1,000") and ``"change"``
  for proportional changes ("cut nearly in half"); such figures describe plans,
  not the state of the world, and are kept out of conflict detection.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_WORD_VALUES = {
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
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
}
_CURRENCY_SIGNS = {"$": "USD", "US$": "USD", "€": "EUR", "£": "GBP"}
_CURRENCY_WORDS = {"dollars": "USD", "euros": "EUR", "pounds": "GBP"}

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
    r"(?=[0-9$€£U])"
    rf"(?P<cur>US\$|\$|€|£)?(?P<num>{_NUM})(?P<scale>\s*(?:thousand|million|billion|trillion|bn)\b)?"
)
_NUMBER_WORD = re.compile(rf"\b(?P<word>{_WORDNUM})\b", re.IGNORECASE)
_DIGIT = re.compile(r"[0-9]")
_WORD_HINTS = tuple(sorted({w.split()[-1] for w in _WORD_VALUES}))
_VAGUE_HINTS = ("dozens", "hundreds", "thousands", "millions", "billions")
_FRACTION_HINTS = ("half", "third", "quarter")

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
_OF_PHRASE = re.compile(r"\s+of\s+(?P<np>(?:[\w’'-]+\s+){0,2}?[\w’'-]+?)(?=[\s,.;:)]|$)")
_MONEY_FOR = re.compile(
    r"\s+(?:in|on|for|into)\s+(?P<np>(?:[\w’'-]+\s+){0,3}?[\w’'-]+?)"
    r"(?=\s*[,.;:)]|\s+(?:since|while|after|before|when|and|to|over)\b|$)"
)
_PERCENT = re.compile(r"\s*(?:%|percent\b|per\s+cent\b)", re.IGNORECASE)
_FRACTION = re.compile(
    r"(?P<q>\b(?:nearly|almost|roughly|about|more than)\s+)?\b(?:in|by)\s+half\b"
    r"|\b(?P<q2>(?:nearly|almost|roughly|about|more than)\s+)?(?P<frac>a third|two[- ]thirds|"
    r"a quarter|three[- ]quarters)\s+of\b",
    re.IGNORECASE,
)
# Keys are normalised with spaces and hyphens folded to "-" ("a quarter", "two thirds").
_FRACTIONS = {"a-third": 1 / 3, "two-thirds": 2 / 3, "a-quarter": 0.25, "three-quarters": 0.75}
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
_DEFINITE_BEFORE = re.compile(r"\b(?:the|these|those|both|all)\s+$", re.IGNORECASE)
_BASE_NUMBER_BEFORE = re.compile(r"\b[A-Z][\w]*\s+(?:No\.\s*)?$")
_YEAR = re.compile(r"^(?:1[89]\d\d|20\d\d)$")


@dataclass(slots=True)
class FigureMatch:
    start: int
    end: int
    text: str
    value: float | None
    unit: str
    category: str  # troops | count | distance | duration | money | percent | fraction
    subject: str | None = None
    qualifier: str | None = None
    low: float | None = None
    high: float | None = None
    aspect: str | None = None
    orig_value: float | None = None
    orig_unit: str | None = None
    note: str | None = None
    noun_start: int = 0
    noun_end: int = 0
    nationality: str | None = None


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
        if low in _DISTANCE and not mods:
            return "distance", low, m.start(1), m.start(1) + len(tok), tok
        if low in _DURATION and not mods:
            return "duration", _DURATION[low], m.start(1), m.start(1) + len(tok), tok
        if low in _CURRENCY_WORDS and not mods:
            return "money", _CURRENCY_WORDS[low], m.start(1), m.start(1) + len(tok), tok
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
        # Modifiers: nationality and military adjectives, or capitalised words
        # ("two Defense Department officials").
        if low in _MOD_WORDS or (tok[:1].isupper() and len(mods) < 3):
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
    has_fraction = any(w in low_text for w in _FRACTION_HINTS)
    if not (has_digit or has_word or has_vague or has_fraction):
        return []
    out: list[FigureMatch] = []
    taken: list[tuple[int, int]] = []

    def free(s: int, e: int) -> bool:
        return all(e <= a or s >= b for a, b in taken)

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
            noun_start=m.start("noun"),
            noun_end=m.end(),
        )
        if cat == "money":
            fm = _MONEY_FOR.match(text, m.end(), end)
            fig.subject = fm.group("np") if fm else None
        else:
            fig.subject = (m.group("mods") + m.group("noun")).strip()
        out.append(fig)
        taken.append((m.start(), m.end()))

    for m in _FRACTION.finditer(text, start, end) if has_fraction else ():
        q = (m.group("q") or m.group("q2") or "").strip().lower()
        frac = m.group("frac")
        value = _FRACTIONS.get(re.sub(r"[\s-]+", "-", frac.lower()), 0.5) if frac else 0.5
        s = m.start()
        fig = FigureMatch(
            s,
            m.end(),
            text[s : m.end()],
            value,
            "fraction",
            "fraction",
            qualifier=_QUALIFIERS.get(q) if q else None,
            aspect="change" if _CHANGE_VERB.search(text, start, s) else None,
            noun_start=m.end(),
            noun_end=m.end(),
        )
        out.append(fig)
        taken.append((s, m.end()))

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
        cur = m.groupdict().get("cur")
        if word:
            if _DEFINITE_BEFORE.search(text, max(start, s - 8), s):
                continue
            value = float(_WORD_VALUES[word.lower()])
            raw = word
        else:
            raw = m.group("num")
            # "Air Base 201", "Resolution 2719": a number naming a thing.
            if not cur and _BASE_NUMBER_BEFORE.search(text, max(start, s - 25), s):
                prev = text[max(start, s - 25) : s].split()
                if prev and prev[-1][:1].isupper() and prev[-1].lower() not in _QUALIFIERS:
                    continue
            if s > start and (text[s - 1].isalnum() or text[s - 1] in "-/"):
                continue
            value = _num(raw, m.group("scale"))
        qualifier, qs = _qualifier_before(text, s, start)
        fig_start = qs if qualifier else s
        low = high = None
        range_m = None
        if not word and _BETWEEN_BEFORE.search(text, max(start, s - 20), s):
            range_m = _RANGE_AFTER.match(text, e, end)
            if range_m:
                low = value
                high = _num(range_m.group("num"), range_m.group("scale") or m.group("scale"))
                qualifier = "between"
                bw = text.rfind("between", max(start, s - 20), s)
                fig_start = bw
                e = range_m.end()
        p = e
        # "13,000-strong UN peacekeeping force"
        strong = re.match(r"-strong\b", text[p : p + 8])
        if strong:
            p += strong.end()
        pct = _PERCENT.match(text, p, end)
        if pct and not word:
            fig = FigureMatch(fig_start, pct.end(), "", value, "%", "percent", qualifier=qualifier)
            of = _OF_PHRASE.match(text, pct.end(), end)
            fig.subject = of.group("np") if of else None
            fig.noun_start, fig.noun_end = pct.start(), pct.end()
            _finish(text, fig, out, low, high)
            prev_end = fig.end
            continue
        if cur:
            unit = _CURRENCY_SIGNS[cur]
            fig = FigureMatch(fig_start, e, "", value, unit, "money", qualifier=qualifier)
            fm = _MONEY_FOR.match(text, e, end)
            if fm:
                fig.subject = fm.group("np")
            elif re.search(r"\bcost\s+of\s+(?:\w+\s+){0,2}$", text[max(start, s - 30) : s]):
                fig.subject = "cost"
            fig.noun_start = fig.noun_end = e
            _finish(text, fig, out, low, high)
            prev_end = fig.end
            continue
        hyphen_unit = re.match(
            r"-(year|month|week|day|mile|kilometre|kilometer)\b", text[p : p + 12]
        )
        if hyphen_unit:
            # "a nine-year mission": duration of the following noun phrase.
            unit_word = hyphen_unit.group(1)
            p2 = p + hyphen_unit.end()
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
                fig.noun_start, fig.noun_end = p, p2
                _finish(text, fig, out, low, high)
                prev_end = fig.end
                continue
        unit_info = _unit_after(text, p, end)
        if unit_info is None and not word:
            scale_word = re.match(r"\s+(dollars|euros)\b", text[p:end])
            if scale_word:
                unit_info = (
                    "money",
                    _CURRENCY_WORDS[scale_word.group(1)],
                    p,
                    p,
                    scale_word.group(1),
                )
        if unit_info is None:
            if word or _YEAR.match(raw):
                continue
            # A bare number after "the number of troops ... from X to Y" counts troops.
            if number_of and number_of.end() <= s:
                noun = number_of.group("noun")
                fig = FigureMatch(fig_start, e, "", value, "troops", "troops", qualifier=qualifier)
                fig.subject = (number_of.group("mods") + noun).strip()
                fig.noun_start, fig.noun_end = number_of.start("noun"), number_of.end("noun")
                if _TARGET_BEFORE.search(text, max(start, fig_start - 30), fig_start) and (
                    _CHANGE_VERB.search(text, start, s)
                ):
                    fig.aspect = "target"
                _finish(text, fig, out, low, high)
                prev_end = fig.end
            continue
        category, unit, ns, ne, subject_text = unit_info
        if strong and category not in ("troops", "count"):
            continue
        fig = FigureMatch(fig_start, ne, "", value, unit, category, qualifier=qualifier)
        fig.noun_start, fig.noun_end = ns, ne
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
            fig.subject = subject_text
            if strong:
                fig.start = fig_start
        if (
            category in ("troops", "count")
            and _TARGET_BEFORE.search(text, max(start, fig_start - 30), fig_start)
            and _CHANGE_VERB.search(text, start, s)
        ):
            fig.aspect = "target"
        _finish(text, fig, out, low, high)
        prev_end = fig.end
    out.sort(key=lambda f: f.start)
    return out


def _finish(
    text: str, fig: FigureMatch, out: list[FigureMatch], low: float | None, high: float | None
) -> None:
    if low is not None and high is not None:
        fig.low, fig.high = low, high
        fig.value = None
    fig.text = text[fig.start : fig.end]
    out.append(fig)
