"""Page furniture: the lines of a scraped page that are not the article.

Navigation ("Previous Story", "Go to top"), menus ("World | Africa | Business"),
newsletter and section titles ("Sahel Monitor", "Africa Briefing"),
share bars ("Share Facebook Twitter WhatsApp"), photo credits, copyright
notices, link lists ("Also read: ...", "Latest from ...") and lines a page
repeats (a menu at the top and the bottom). Names on such lines belong to other
stories or to the site, not to this article, so the fact engine ignores them.

Headlines, bylines, datelines, crossheads and results lines are *not*
furniture: they are short and lack final punctuation, but the names on them
are the article's own ("Pentagon confirms Niger pullout", "By Sabrina Singh",
"Leicestershire 22 points, Somerset 4"). Line length alone says nothing about
which is which (on CoNLL-2003 dev a "short line without final punctuation"
rule dropped 601 correct entities for 17 wrong ones), so every test here is
about what the line *is*: its words, its separators, its repetition.

Kicker labels ("Why it matters:") are furniture only up to the colon: the
sentence after them is the article's.
"""

from __future__ import annotations

import re
from collections import Counter

__all__ = ["furniture_spans", "is_furniture_line", "kicker_spans"]


def _phrases(block: str) -> frozenset[str]:
    return frozenset(p.strip() for p in block.replace("\n", " ").split("|") if p.strip())


# Whole lines that are navigation or widgets, compared after folding (lowercase,
# punctuation and arrows stripped).
NAV_LINES = _phrases(
    """
    previous story|next story|previous article|next article|previous|next|go to top|go totop|
    back to top|top|read more|read next|related|related stories|related articles|
    related content|more stories|more news|more from|latest news|latest stories|top news|
    top stories|trending|trending now|most read|most popular|recommended|editor's picks|
    advertisement|sponsored|sponsored content|promoted|share|share this|share this article|
    share this story|subscribe|subscribe now|sign up|sign in|log in|login|register|
    newsletter|newsletters|skip to content|skip to main content|menu|search|close|
    don't miss|also read|see also|watch|listen|comments|view comments|print|email|
    copy link|caption|switch caption|hide caption|toggle caption|photo|video|gallery|
    enlarge this image|image|getty images|follow us|continue reading|show more|load more|
    home|contact us|about us|privacy policy|terms of use|terms of service|cookie policy|
    cookie settings|accept cookies|all rights reserved
    """
)

# A line that starts with one of these labels is a link or a teaser to another
# story: all of it is furniture ("Also read: Trump says ...").
_LINK_LABELS = re.compile(
    r"^[ \t]*(?:also read|read more|read also|see also|related|related stories|more|"
    r"latest from[^:\n]*|watch|listen|recommended|don't miss|must read|trending|"
    r"more from[^:\n]*|also on [^:\n]*|click here|tap here)\s*[:|»›>→-]",
    re.IGNORECASE,
)
_CREDIT = re.compile(
    r"(?:\bcaption\b|/AP\b|/Reuters\b|/AFP\b|\bGetty Images\b|\bPhoto(?:graph)?:|\bImage:|"
    r"\bPhoto credit\b|\bFile photo\b|\(AP Photo\b|\bAP Photo/)",
    re.IGNORECASE,
)
_LEGAL = re.compile(
    r"©|\bcopyright\b|\ball rights reserved\b|\bterms of (?:use|service)\b|"
    r"\bprivacy policy\b|\bcookie(?:s| policy| settings)\b",
    re.IGNORECASE,
)
_SOCIAL = _phrases(
    """
    share facebook twitter x whatsapp telegram linkedin reddit email e-mail print copy
    link pinterest messenger tumblr instagram youtube tiktok follow us on via sms the
    this article story
    """.replace(" ", "|")
)
# Menu separators: three or more short items between them make a menu line.
# A newsletter, section or masthead title on its own line ("Sahel Monitor",
# "Africa Briefing", "Morning Digest").
_MASTHEAD = re.compile(
    r"^[ \t]*(?:[A-Z][\w’'&-]*[ \t]+){1,3}(?:Monitor|Briefing|Digest|Newsletter|Daily|Weekly|"
    r"Tracker|Roundup|Round-up|Wrap|Dispatch|Bulletin|Live|Podcast)[ \t]*$"
)
_MENU_SEP = re.compile(r"\s+[|•·»›]\s+|\s*\|\s*")
_KICKER = re.compile(r"^[ \t]*(?P<label>[A-Z][\w’' -]{0,40}?):[ \t]", re.MULTILINE)
_FOLD_STRIP = " \t.:;,!?|•·»›>→←<«-–—*#()[]\"'“”‘’"
_WORD = re.compile(r"[\w’'-]+")


def _fold(line: str) -> str:
    return " ".join(line.lower().replace("’", "'").split()).strip(_FOLD_STRIP)


def is_furniture_line(line: str) -> bool:
    """Whether one line (without its newline) is page furniture, on its own evidence."""
    folded = _fold(line)
    if not folded:
        return False
    if folded in NAV_LINES or _LINK_LABELS.match(line) or _MASTHEAD.match(line):
        return True
    words = _WORD.findall(folded)
    # Credits and notices are short; a paragraph about a copyright lawsuit is text.
    if len(words) <= 20 and (_CREDIT.search(line) or _LEGAL.search(line)):
        return True
    if words and len(words) <= 12 and all(w in _SOCIAL for w in words) and words[0] != "the":
        return True
    parts = [p for p in _MENU_SEP.split(line.strip()) if p.strip()]
    return len(parts) >= 3 and all(len(p.split()) <= 4 for p in parts)


def furniture_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of every furniture line in ``text`` (an article body).

    Besides lines that are furniture on their own (``is_furniture_line``), a
    short line without final punctuation that the text repeats word for word is
    furniture too: pages repeat their menus and widgets, while an article does
    not repeat its own headline or crossheads.
    """
    lines: list[tuple[int, int, str]] = []
    pos = 0
    for line in text.split("\n"):
        lines.append((pos, pos + len(line), line))
        pos += len(line) + 1
    repeated = Counter(
        _fold(line)
        for _, _, line in lines
        if line.strip() and len(line.split()) <= 8 and line.rstrip()[-1] not in '.!?"”’'
    )
    out: list[tuple[int, int]] = []
    for s, e, line in lines:
        if is_furniture_line(line):
            out.append((s, e))
            continue
        folded = _fold(line)
        if folded and repeated.get(folded, 0) > 1:
            out.append((s, e))
    return out


# Lowercase words that may sit inside a name ("Bank of England:", "Sons and Lovers:").
_GLUE = _phrases("of|the|and|for|de|la|le|du|al|el|von|van")


def kicker_spans(text: str) -> list[tuple[int, int]]:
    """Kicker labels at the start of a line ("Why it matters:"), without the colon.

    A label is a phrase in sentence case ("Why it matters", "The big picture",
    "Plan C"). A name before a colon is not one: "England: Mike Atherton ...",
    "Hove: Sussex 363 ..." and "Reuters: ..." start team lists, results and
    quotes whose names are the article's.
    """
    out = []
    for m in _KICKER.finditer(text):
        words = m.group("label").split()
        # One word or a run of capitalised words is a name, unless it ends in a
        # lone capital letter ("Plan C").
        name_like = len(words) == 1 or all(w[:1].isupper() or w in _GLUE for w in words)
        if name_like and not (len(words) >= 2 and len(words[-1]) == 1):
            continue
        out.append((m.start("label"), m.end("label")))
    return out
