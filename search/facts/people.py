"""People and their roles: titles, appositions and within-article short names.

A role is read from three places, in order of preference:

1. a title run right before the name: "Pentagon press secretary Maj. Gen.
   Patrick Ryder", "Deputy Secretary of State Kurt Campbell", "department
   spokesman Matthew Miller";
2. an apposition before it: "the junta-appointed prime minister, Ali Lamine
   Zeine,";
3. an apposition after it: "Nicolas Normand, a former French ambassador to
   Mali and Senegal,".

Titles are never part of a name: ``split_title`` moves any title words the NER
span swallowed ("President Mohamed Bazoum") into the role.
"""

from __future__ import annotations

import re


def _words(s: str) -> list[str]:
    return s.split()


# Words that make a phrase a role (the head of "Pentagon spokeswoman").
ROLE_HEADS = frozenset(
    _words(
        """
    president vice-president premier chancellor minister secretary spokesman spokeswoman
    spokesperson ambassador envoy general gen. gen commander chief director governor mayor
    senator sen. sen representative rep. congressman congresswoman lawmaker chairman
    chairwoman chair leader head king queen prince princess emir sheikh sultan ayatollah
    colonel col. col lieutenant lt. captain capt. major maj. admiral adm. brigadier brig.
    sergeant sgt. marshal judge prosecutor attorney official officer diplomat analyst
    correspondent reporter editor founder ceo executive adviser advisor coordinator
    administrator mr. mrs. ms. dr. mr mrs ms dr prof. professor pope imam cardinal
    archbishop bishop rev. chief-of-staff researcher fellow expert
    """
    )
)

# Words that can sit inside a role phrase without being a head ("press", "deputy").
ROLE_MODIFIERS = frozenset(
    _words(
        """
    deputy vice acting former interim assistant associate senior junior top chief press
    department state defense defence foreign interior home finance justice security
    national prime of the for army air naval navy marine corps force forces military
    joint staff general principal special white house pentagon u.s. us american french
    russian british new incoming outgoing junta-appointed junta rebel opposition party
    second first
    """
    )
)

# Abbreviated ranks and honorifics; they end with a period that is not a sentence end.
# ("St." is left out: "St. Petersburg" and "St. Louis" are places, not titled people.)
_ABBREV_TITLES = frozenset(
    _words("gen. maj. lt. col. capt. sgt. adm. brig. sen. rep. gov. mr. mrs. ms. dr. prof. rev.")
)

# Words that never start a role run even when capitalised (sentence openers, verbs).
_STOP = frozenset(
    _words(
        """
    the a an and or but said says told according to as with by in on at from after before
    while when that this his her their its our
    """
    )
)


def _is_title_word(word: str) -> bool:
    low = word.lower()
    return low in ROLE_HEADS or low in _ABBREV_TITLES


def split_title(surface: str) -> tuple[str, str | None]:
    """Split leading title words off a person span: ("Mohamed Bazoum", "President").

    The name is what follows the last title word; of the words before it only the
    title run is kept ("US-backed President" → "President").
    """
    words = surface.split()
    last = -1
    for i, w in enumerate(words[:-1]):
        if _is_title_word(w):
            last = i
    if last < 0:
        return surface, None
    # "Secretary of State Kurt Campbell": "of State" belongs to the title.
    j = last + 1
    while j < len(words) - 1 and (
        words[j].lower() in ("of", "for")
        or (j > last + 1 and words[j - 1].lower() in ("of", "for"))
    ):
        j += 1
    first = last
    while first > 0 and (
        _is_title_word(words[first - 1]) or words[first - 1].lower() in ROLE_MODIFIERS
    ):
        first -= 1
    return " ".join(words[j:]), " ".join(words[first:j])


def clean_name(surface: str) -> str:
    """A person's name as a value: no possessive, no quotes, single spaces."""
    s = surface.strip(" \t\n,.;:“”\"'‘’()")
    s = re.sub(r"[’']s$", "", s)
    return " ".join(s.split())


def _words_before(text: str, pos: int, lo: int) -> list[tuple[str, int, int]]:
    """Words of ``text[lo:pos]`` right to left, stopping at punctuation or a sentence end."""
    out: list[tuple[str, int, int]] = []
    p = pos
    while len(out) < 8:
        q = p
        while q > lo and text[q - 1] in " \t":
            q -= 1
        if q == p and out:
            break
        r = q
        while r > lo and (text[r - 1].isalnum() or text[r - 1] in ".’'-"):
            r -= 1
        if r == q:
            break
        word = text[r:q]
        if (
            word.endswith(".")
            and word.lower() not in _ABBREV_TITLES
            and not re.fullmatch(r"(?:[A-Z]\.)+", word)
        ):
            break
        out.append((word, r, q))
        p = r
    return out


def title_before(text: str, start: int, lo: int) -> tuple[str, int] | None:
    """The role run ending right before ``start`` ("Pentagon press secretary Maj. Gen.")."""
    words = _words_before(text, start, lo)
    if not words:
        return None
    run: list[tuple[str, int, int]] = []
    seen_head = False
    for word, s, e in words:
        low = word.lower()
        if low in _STOP:
            if low == "of" and run:
                run.append((word, s, e))
                continue
            break
        if _is_title_word(word):
            seen_head = True
            run.append((word, s, e))
            continue
        if low in ROLE_MODIFIERS:
            run.append((word, s, e))
            continue
        # Capitalised organisation/country words extend a role ("Pentagon spokeswoman",
        # "US Marine Corps General") but only once a head has been seen.
        if word[:1].isupper() and seen_head and s > lo and not re.search(r"-[a-z]+$", word):
            run.append((word, s, e))
            continue
        break
    # Drop a dangling "of"/"the" at the far (left) end.
    while run and run[-1][0].lower() in ("of", "the"):
        run.pop()
    if not run or not seen_head:
        return None
    # The run must end (rightmost word) in a head or an abbreviated rank or "of X" chain.
    rs = run[-1][1]
    role = text[rs : run[0][2]]
    # Sentence-initial "The" is not part of the role.
    role = re.sub(r"^(?:[Tt]he)\s+", "", role)
    return " ".join(role.split()), rs


_APPOS_AFTER = re.compile(
    r",\s+(?:a|an|the)\s+(?P<role>[^,.;:()“”\"]{3,80}?)\s*(?=[,.;]|\s+(?:who|which|said|told)\b)"
)


def apposition_after(text: str, end: int, hi: int) -> str | None:
    m = _APPOS_AFTER.match(text, end, hi)
    if not m:
        return None
    role = m.group("role").strip()
    words = role.split()
    if len(words) > 10 or not any(w.lower().strip(",") in ROLE_HEADS for w in words):
        return None
    return role


def apposition_before(text: str, start: int, lo: int) -> str | None:
    """The role in "the junta-appointed prime minister, Ali Lamine Zeine"."""
    before = text[lo:start].rstrip()
    if not before.endswith(","):
        return None
    before = before[:-1]
    cut = max(before.rfind(c) for c in ",;:—–(")
    role = before[cut + 1 :].strip()
    # The role is the noun phrase after the last determiner, not the clause around it
    # ("told the junta-appointed prime minister,").
    det = list(re.finditer(r"(?:^|\s)(?:[Tt]he|[Aa]n?|its|his|her|their)\s+", role))
    if det:
        role = role[det[-1].end() :]
    words = role.split()
    if not 1 <= len(words) <= 9:
        return None
    if not any(w.lower() in ROLE_HEADS for w in words):
        return None
    if re.search(r"\b(?:said|says|told|was|is|has|had|were|are)\b", role):
        return None
    return role


def role_for(text: str, start: int, end: int, sent: tuple[int, int]) -> tuple[str | None, int]:
    """(role, start of the role text or ``start``) for the person at ``text[start:end]``."""
    lo, hi = sent
    t = title_before(text, start, lo)
    if t:
        return t
    before = apposition_before(text, start, lo)
    if before:
        return before, start
    after = apposition_after(text, end, hi)
    if after:
        return after, start
    return None, start


# A title word, then a capitalised name right after it. The lookahead on the first
# character lets the regex engine skip most offsets cheaply.
_TITLE_WORD = re.compile(
    r"(?=[PMSsGCALDKQpeRc])\b(?:President|Prime Minister|Minister|Secretary(?:\s+of\s+"
    r"(?:State|Defense|Defence))?|[Ss]pokes(?:man|woman|person)|[Aa]mbassador|Gen\.|General|"
    r"Col\.|Colonel|Adm\.|Admiral|Lt\.|Maj\.|Capt\.|Sen\.|Rep\.|Gov\.|Mr\.|Mrs\.|Ms\.|Dr\.|"
    r"Sheikh|King|Queen|Prince|Chancellor|Commander|[Pp]ress [Ss]ecretary|[Ee]nvoy)"
)
_NAME_AFTER = re.compile(
    r"\s+(?P<name>[A-Z][\w’'-]+(?:\s+(?:[A-Z]\.|[A-Z][\w’'-]+|al|bin|ibn|de|van|von)){1,3})"
)


def titled_names(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    """Names right after a title, as a safety net for names the tagger missed."""
    out = []
    for t in _TITLE_WORD.finditer(text, start, end):
        m = _NAME_AFTER.match(text, t.end(), end)
        if not m:
            continue
        name = clean_name(m.group("name"))
        # "Maj. Gen. Patrick Ryder": the next title word is not the name.
        if name.split()[0].lower() in ROLE_HEADS or name.split()[0].lower() in _ABBREV_TITLES:
            continue
        ns = m.start("name")
        out.append((ns, ns + len(name), name))
    return out
