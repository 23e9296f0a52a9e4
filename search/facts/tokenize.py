"""Fast tokenizer and sentence splitter with character offsets.

Both work on the original text and never copy or normalise it, so every token and
every sentence is an exact ``text[start:end]`` slice. Tokenisation follows the
CoNLL-2003 / Penn Treebank conventions the entity tagger was trained on: clitics
(``'s``, ``n't``) are split off, abbreviations keep their period (``U.S.``,
``Gen.``, ``Jan.``), numbers keep their inner separators (``1,200``, ``3.5``), and
hyphenated words stay whole (``al-Islam``).
"""

from __future__ import annotations

import re

__all__ = ["ABBREVIATIONS", "NUMBER_WORDS", "sentences", "tokens"]

NUMBER_WORDS = {
    "one": 1,
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
}
"""Numbers news text spells out, for the figure and date rules (each takes the range it reads)."""


def _wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Abbreviations that are (almost) never the last word of a sentence: titles and
# ranks, and words that need a following noun or number.
_NEVER_FINAL = _wordset(
    """
    mr mrs ms messrs dr prof gen maj col lt capt cpt sgt adm cmdr cmdt cpl pvt brig
    gens sen sens rep reps gov govs pres supt insp det amb hon rev fr sr sra srta
    st ste mt ft pt vs v fig figs nos vol vols ch sec art para pp ed eds approx
    dept univ assn ave blvd rd hwy rte
    """
)

# Abbreviations that may end a sentence: a sentence only ends after them when the
# next word is a typical sentence opener ("... in the U.S. The ...").
_MAYBE_FINAL = _wordset(
    """
    inc corp co ltd llc plc bros jr esq etc al
    jan feb mar apr jun jul aug sep sept oct nov dec
    mon tue tues wed thu thur thurs fri sat sun
    a.m p.m e.g i.e
    """
)

ABBREVIATIONS = _NEVER_FINAL | _MAYBE_FINAL

_STARTERS = _wordset(
    """
    the a an he she it they we i you his her its their our my this that these those
    there here but and or so yet however meanwhile after before as at by for from if
    in on of to when while with since although though what who why how where some
    many most one two three several both all no not nor only also still then earlier
    later last next according officials
    """
)

# One alternative per token class; order matters (first match wins).
_TOKEN_RE = re.compile(
    r"""
    (?:https?://|www\.)[^\s<>"“”]*[^\s<>"“”.,;:!?)\]'’]      # URL
  | [\w.+-]+@[\w-]+(?:\.[\w-]+)+                             # e-mail
  | (?:[^\W\d_]\.){2,}                                       # U.S.  U.S.A.  e.g.
  | \d+(?:[.,:/]\d+)+                                        # 1,200  3.5  10:30  9/11
  | \w+(?:[-'’&]\w+)*                                        # words, al-Islam, Jama'at
  | \.\.+ | --+ | ``|''                                      # ellipsis, dashes, TeX quotes
  | \S                                                       # any other single char
    """,
    re.VERBOSE,
)

_CLITICS = ("'s", "’s", "'re", "’re", "'ve", "’ve", "'ll", "’ll", "'d", "’d", "'m", "’m")


def tokens(text: str, start: int = 0, end: int | None = None) -> list[tuple[str, int, int]]:
    """Tokens of ``text[start:end]`` as ``(token, start, end)`` offsets into ``text``."""
    if end is None:
        end = len(text)
    out: list[tuple[str, int, int]] = []
    append = out.append
    skip = -1  # offset of a period already attached to an abbreviation
    for m in _TOKEN_RE.finditer(text, start, end):
        s, e = m.span()
        if s == skip:
            continue
        tok = m.group()
        c = tok[-1]
        if c.isalpha():
            # Keep the period of a known abbreviation or of an initial ("J.").
            if e < end and text[e] == ".":
                low = tok.lower()
                if low in ABBREVIATIONS or (len(tok) == 1 and tok.isupper()):
                    append((tok + ".", s, e + 1))
                    skip = e
                    continue
            if "'" in tok or "’" in tok:
                low = tok.lower()
                if low.endswith(("n't", "n’t")) and len(tok) > 3:
                    append((tok[:-3], s, e - 3))
                    append((tok[-3:], e - 3, e))
                    continue
                split = False
                for cl in _CLITICS:
                    if low.endswith(cl) and len(tok) > len(cl):
                        n = len(cl)
                        append((tok[:-n], s, e - n))
                        append((tok[-n:], e - n, e))
                        split = True
                        break
                if split:
                    continue
        append((tok, s, e))
    return out


# Candidate sentence ends: terminal punctuation (plus closing quotes/brackets)
# followed by whitespace, or a line break.
_END_RE = re.compile(r"""[.!?…]+["'”’»)\]]*(?=\s|$)|\n[ \t]*\n\s*|\n""")
_LAST_WORD_RE = re.compile(r"(?:[^\W\d_]\.)+[^\W\d_]?$|[\w'’-]+$")
_NEXT_WORD_RE = re.compile(r"""\s*["'“‘«(\[]*(\w+)""")


def _is_boundary(text: str, m: re.Match[str]) -> bool:
    punct = m.group()
    s, e = m.span()
    if punct[0] == "\n":
        if len(punct) > 1 and "\n" in punct[1:]:
            return True  # blank line: paragraph break
        # Single line break (one paragraph or headline per line in most news
        # text): a boundary unless the line clearly runs on into the next one.
        prev = text[s - 1] if s > 0 else "\n"
        if prev in ",;:-–(":
            return False
        nxt_line = _NEXT_WORD_RE.match(text, e)
        return nxt_line is None or not nxt_line.group(1)[0].islower()
    # Look at what follows.
    nxt = _NEXT_WORD_RE.match(text, e)
    if nxt is None:
        return True
    word = nxt.group(1)
    first = word[0]
    if first.islower():
        return False  # ", he said."-style continuation or an abbreviation mid-sentence
    if punct[0] != "." or (len(punct) > 1 and punct[1] == "."):
        return True
    # A single period: is the word before it an abbreviation?
    lw = _LAST_WORD_RE.search(text, max(0, s - 40), s)
    if lw is None:
        return True
    last = lw.group().lower()
    if last in _NEVER_FINAL:
        return False
    if len(last) == 1 and last.isalpha():
        return False  # an initial: "John F. Kennedy"
    if last in _MAYBE_FINAL or "." in last:
        if first.isdigit():
            return False
        return word.lower() in _STARTERS
    return True


def sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans ``(start, end)`` of ``text``, stripped of surrounding whitespace."""
    spans: list[tuple[int, int]] = []
    pos = 0
    n = len(text)
    for m in _END_RE.finditer(text):
        if not _is_boundary(text, m):
            continue
        cut = m.end() if m.group()[0] != "\n" else m.start()
        _add_span(text, pos, cut, spans)
        pos = m.end()
    _add_span(text, pos, n, spans)
    return spans


MAX_SENTENCE_CHARS = 2000
"""Longer runs without a sentence end are cut into pieces of at most this size.

News sentences stay far below it; text without punctuation (a scraped table,
a pasted log, a crafted file) would otherwise make one "sentence" of the
whole article, and the tagger's lattice and every per-sentence scan grow
with it (bench/README.md, design figures).
"""


def _add_span(text: str, s: int, e: int, spans: list[tuple[int, int]]) -> None:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    while e - s > MAX_SENTENCE_CHARS:
        # Cut at the last space before the limit, or hard where there is none.
        cut = text.rfind(" ", s + MAX_SENTENCE_CHARS // 2, s + MAX_SENTENCE_CHARS)
        cut = cut if cut > s else s + MAX_SENTENCE_CHARS
        _add_span(text, s, cut, spans)
        s = cut
        while s < e and text[s].isspace():
            s += 1
    if s < e:
        spans.append((s, e))
