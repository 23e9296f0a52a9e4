"""Well-known organisations: canonical names, their variants and acronyms.

A hand-written list (part of fieldbrief's source, same licence), not derived
from any corpus: international bodies, governments and their agencies,
armed forces and armed groups, central banks and exchanges, news media and
publishers, large companies, institutions and sports bodies that world news
names without explaining. It does two things the statistical tagger cannot:

* it fixes the *kind* of a name whose context misleads the tagger ("White
  House" and "Vatican" look like places, "Pentagon" opens sentences like a
  place does) and gives variants one canonical value ("Pentagon", "Defense
  Department", "DoD" are all "Department of Defense");
* it finds well-known organisations the tagger misses ("IMF", "NPR",
  "Corriere della Sera", "Jama'at Nusrat al-Islam wal Muslimeen").

Each line is ``Canonical | variant | variant ...``; a variant marked ``=``
is a name of its own for the same organisation: it keeps its spelling as the
fact's value (people search ``org:Pentagon``) and the resolver still merges it
with the canonical name (``entity``). Names are matched
case-sensitively as written (and with a capitalised first letter at a sentence
start), so "WHO" is not "who" and "AP" is not "ap". Two markers limit names
that are also ordinary words or other kinds of entity:

* ``~name``: only relabels a span the tagger found (not a person span), never
  found on its own ("Apple", "Ford", "Amazon", "Bloomberg");
* ``^name``: found on its own only after "the" ("the Fed", "the House", "the
  Met", "the Guardian").
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TypeVar

__all__ = ["OrgName", "entity_of", "find_orgs", "lookup", "org_names", "scan_names"]

_TABLE = """
United Nations | UN | U.N. | the United Nations
UN Security Council | Security Council | U.N. Security Council | United Nations Security Council | UNSC
UN General Assembly | General Assembly | U.N. General Assembly | United Nations General Assembly
UNICEF | United Nations Children's Fund
UNHCR | UN refugee agency | U.N. refugee agency | United Nations High Commissioner for Refugees
World Health Organization | WHO | World Health Organisation
World Food Programme | WFP | World Food Program
World Bank
International Monetary Fund | IMF
World Trade Organization | WTO | World Trade Organisation
NATO | North Atlantic Treaty Organization | Nato
European Union | EU | E.U.
European Commission | EU Commission
European Parliament
European Central Bank | ECB
Council of Europe
OSCE | Organization for Security and Co-operation in Europe
African Union | ~AU
ECOWAS | Economic Community of West African States
Arab League | League of Arab States
OPEC | Organization of the Petroleum Exporting Countries
ASEAN | Association of Southeast Asian Nations
OECD | Organisation for Economic Co-operation and Development
International Criminal Court | ICC
International Court of Justice | ICJ
International Atomic Energy Agency | IAEA
Interpol
International Committee of the Red Cross | ICRC | Red Cross
Amnesty International
Human Rights Watch
Doctors Without Borders | MSF | Médecins Sans Frontières | Medecins Sans Frontieres
Greenpeace
Oxfam
Save the Children
International Olympic Committee | IOC
FIFA
UEFA
World Economic Forum | WEF
MINUSMA | UN mission in Mali
Organisation of Islamic Cooperation | OIC
White House
Department of Defense | =Pentagon | =the Pentagon | Defense Department | Defence Department | Department of Defence | US Defense Department | U.S. Defense Department | DoD | DOD
State Department | US State Department | U.S. State Department | Department of State
Treasury Department | ^Treasury | Department of the Treasury | US Treasury | U.S. Treasury
Justice Department | Department of Justice | DOJ | US Justice Department | U.S. Justice Department
Department of Homeland Security | DHS | Homeland Security Department
Commerce Department | Department of Commerce
Congress | US Congress | U.S. Congress
Senate | US Senate | U.S. Senate
House of Representatives | ^House | US House | U.S. House
Supreme Court | US Supreme Court | U.S. Supreme Court
Federal Reserve | ^Fed | US Federal Reserve | U.S. Federal Reserve | Federal Reserve Board
FBI | Federal Bureau of Investigation
CIA | Central Intelligence Agency
National Security Agency | NSA
National Security Council | NSC
Federal Aviation Administration | FAA
Food and Drug Administration | FDA
Environmental Protection Agency | EPA
Securities and Exchange Commission | SEC
Federal Trade Commission | FTC
NASA
Centers for Disease Control and Prevention | CDC
Internal Revenue Service | IRS
Consumer Financial Protection Bureau | CFPB
US Customs and Border Protection | Customs and Border Protection | U.S. Customs and Border Protection | CBP
Immigration and Customs Enforcement | US Immigration and Customs Enforcement | U.S. Immigration and Customs Enforcement
Department of Health and Human Services | Health and Human Services Department | HHS
Office of Personnel Management | OPM
Office of Management and Budget | OMB
Congressional Budget Office | CBO
Government Accountability Office | GAO
Federal Emergency Management Agency | FEMA
Department of Agriculture | Agriculture Department | USDA | US Department of Agriculture | U.S. Department of Agriculture
Department of Energy | Energy Department
Department of Housing and Urban Development | HUD
Department of Veterans Affairs | Veterans Affairs Department
Federal Communications Commission | FCC
US Africa Command | AFRICOM | Africom | Africa Command | U.S. Africa Command
US Central Command | CENTCOM | Central Command | U.S. Central Command
US Army | U.S. Army
US Navy | U.S. Navy
US Air Force | U.S. Air Force | ^Air Force
US Marine Corps | U.S. Marine Corps | Marine Corps
National Guard
Joint Chiefs of Staff
Democratic Party
Republican Party | GOP
Downing Street
House of Commons | ^Commons
House of Lords
Bank of England
Foreign Office | Foreign, Commonwealth and Development Office
Ministry of Defence | MoD
Home Office
BBC | British Broadcasting Corporation
MI5
MI6
Conservative Party | Tory party
Labour Party
Liberal Democrats
Scotland Yard
Metropolitan Police
National Health Service | NHS
Kremlin
Elysee | Élysée | Elysee Palace | Élysée Palace
Vatican | Holy See
Bundestag
Bundesbank
Knesset
State Duma | Duma
Chinese Communist Party | CCP | Communist Party of China
People's Liberation Army | PLA
Bank of Japan
People's Bank of China
Reserve Bank of India
European Space Agency | ESA
Hamas
Hezbollah | Hizbollah
Taliban
Islamic State | ~IS | ISIS | ISIL | Daesh | Islamic State group | Daesh group
al-Qaeda | al Qaeda | Al Qaeda | Al-Qaeda | al-Qaida | al Qaida | Al-Qaida | Al Qaida | al-Qa'ida
al-Shabaab | al-Shabab | Al-Shabaab | Al-Shabab | al Shabaab
Boko Haram
JNIM | Jama'at Nusrat al-Islam wal Muslimeen | Jama’at Nusrat al-Islam wal Muslimeen | Jamaat Nusrat al-Islam wal Muslimin | Group for the Support of Islam and Muslims
Wagner Group | ~Wagner | Africa Corps
Kurdistan Workers' Party | PKK
Muslim Brotherhood
IRA | Irish Republican Army
FARC
Fatah
Palestinian Authority | ~PA
Palestine Liberation Organization | PLO
Sinn Fein | Sinn Féin
Russian Foreign Intelligence Service | SVR | Foreign Intelligence Service
FSB | Federal Security Service
Gazprom
Rosneft
Saudi Aramco | Aramco
Reuters | Thomson Reuters
Associated Press | AP | the Associated Press
Agence France-Presse | AFP | Agence France Presse
CNN
NPR | National Public Radio
PBS
WGBH
ABC News | ~ABC
NBC News | ~NBC
CBS News | ~CBS
Fox News
MSNBC
CNBC
Sky News
Bloomberg News | ~Bloomberg
New York Times | The New York Times | NYT
Washington Post | The Washington Post
Wall Street Journal | The Wall Street Journal | WSJ
Financial Times | ~FT
Los Angeles Times
Chicago Tribune
USA Today
Newsweek
The Guardian | ^Guardian
The Economist | ^Economist
Le Monde
Le Figaro
Der Spiegel | Spiegel
Corriere della Sera
La Repubblica
El País | El Pais
Al Jazeera
Al Arabiya
Politico
Axios
Xinhua | Xinhua News Agency
TASS
RIA Novosti
Interfax
Kyodo | Kyodo News
Yonhap
Deutsche Welle | DW
France 24
Radio France Internationale | RFI
Voice of America | VOA
Radio Free Europe
Doubleday
Penguin Random House | Random House
HarperCollins
Simon & Schuster
Hachette
Bertelsmann
Google | Alphabet
Microsoft
~Apple
~Amazon
~Meta
Facebook
Twitter | ~X
~Tesla
SpaceX
OpenAI
Nvidia
Intel
IBM
Samsung
Sony
Toyota
Volkswagen | VW
BMW
Daimler
Mercedes-Benz
General Motors | GM
~Ford | Ford Motor | Ford Motor Company
Boeing
Airbus
Lockheed Martin
Raytheon | RTX
Northrop Grumman
BAE Systems
Exxon Mobil | ExxonMobil | Exxon
Chevron
BP
~Shell | Royal Dutch Shell
TotalEnergies
Goldman Sachs
JPMorgan | JPMorgan Chase | JP Morgan | J.P. Morgan
Morgan Stanley
Citigroup | Citi | Citibank
Bank of America
Wells Fargo
HSBC
Barclays
Deutsche Bank
UBS
Credit Suisse
BlackRock
Berkshire Hathaway
Walmart | Wal-Mart
Coca-Cola
PepsiCo
McDonald's
Nestle | Nestlé
Unilever
Procter & Gamble
Pfizer
Moderna
Johnson & Johnson
AstraZeneca
Novartis
Roche
Siemens
~Philips
Ericsson
Nokia
Huawei
ZTE
Alibaba
Tencent
Baidu
TikTok
ByteDance
Netflix
Disney | Walt Disney Company | Walt Disney Co.
Warner Bros | Warner Bros.
Comcast
Verizon
AT&T
Uber
Airbnb
Yahoo | Yahoo!
eBay
PayPal
~Visa
Mastercard
Omnicom
WPP
Goto.com
Pirelli
Fiat
Renault
Peugeot
Volvo
Nissan
~Honda
Hyundai
Glencore
Rio Tinto
BHP
ArcelorMittal
El Al
Lufthansa
British Airways
Air France
Qatar Airways
Delta Air Lines
United Airlines
American Airlines
New York Stock Exchange | NYSE
Nasdaq
London Stock Exchange
Smithsonian | Smithsonian Institution
Metropolitan Museum of Art | ^Met | Metropolitan Museum
British Museum
Louvre | Louvre Museum
Tate Modern
Museum of Modern Art | MoMA
Guggenheim Museum | ~Guggenheim
Harvard University | ~Harvard
Yale University
MIT | Massachusetts Institute of Technology
Stanford University
Oxford University | University of Oxford
Cambridge University | University of Cambridge
NFL | National Football League
NBA | National Basketball Association
MLB | Major League Baseball
NHL | National Hockey League
Manchester United
Real Madrid
Bayern Munich
Juventus
AC Milan
Inter Milan
"""


@dataclass(frozen=True, slots=True)
class OrgName:
    """One spelling of an organisation."""

    text: str
    canonical: str  # the fact's value
    ambiguous: bool = False  # "~": relabels tagger spans only
    after_the: bool = False  # "^": found alone only after "the"
    entity: str = ""  # the organisation it names, for the resolver


@cache
def org_names() -> tuple[OrgName, ...]:
    """Every spelling in the table."""
    out = []
    for line in _TABLE.strip().splitlines():
        fields = [f.strip() for f in line.split("|") if f.strip()]
        entity = fields[0].lstrip("~^")
        for f in fields:
            name = f.lstrip("~^=")
            own = name.removeprefix("the ") if f.startswith("=") else entity
            out.append(OrgName(name, own, f.startswith("~"), f.startswith("^"), entity))
    return tuple(out)


def _key(name: str) -> str:
    s = " ".join(name.replace("’", "'").lower().split())
    return s.removeprefix("the ").removesuffix("'s")


@cache
def _by_key() -> dict[str, OrgName]:
    out: dict[str, OrgName] = {}
    for n in org_names():
        k = _key(n.text)
        # An unambiguous spelling wins over an ambiguous one of the same key.
        if k not in out or (out[k].ambiguous and not n.ambiguous):
            out[k] = n
    return out


def lookup(surface: str) -> OrgName | None:
    """The table entry for a span's text ("The Pentagon's" finds Pentagon)."""
    return _by_key().get(_key(surface))


def entity_of(name: str) -> str:
    """The organisation a name stands for ("Pentagon" → "Department of Defense"),
    else the name itself."""
    hit = lookup(name)
    return hit.entity if hit else name


@cache
def _by_first_word() -> dict[str, tuple[OrgName, ...]]:
    """Findable spellings by their first word, longest first."""
    groups: dict[str, list[OrgName]] = {}
    for n in org_names():
        if n.ambiguous:
            continue
        text = n.text.removeprefix("the ")
        first = _FIRST.match(text)
        if first:
            groups.setdefault(first.group(), []).append(
                OrgName(text, n.canonical, False, n.after_the)
            )
    return {k: tuple(sorted(v, key=lambda n: -len(n.text))) for k, v in groups.items()}


class _CapsLines:
    """Which lines of a text are all caps, each line looked at once.

    Article text is hostile input: a megabyte on one line must not be rescanned
    for every candidate name on it.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.breaks: list[int] | None = None
        self.seen: dict[int, bool] = {}

    def __call__(self, pos: int) -> bool:
        if self.breaks is None:
            self.breaks = [m.start() for m in re.finditer("\n", self.text)]
        i = bisect.bisect_left(self.breaks, pos)
        a = self.breaks[i - 1] + 1 if i else 0
        hit = self.seen.get(a)
        if hit is None:
            b = self.breaks[i] if i < len(self.breaks) else len(self.text)
            line = self.text[a:b]
            upper = sum(1 for c in line if c.isupper())
            lower = sum(1 for c in line if c.islower())
            hit = self.seen[a] = upper > 8 and upper > 2 * lower
        return hit


_T = TypeVar("_T")


def _scan(
    text: str,
    start: int,
    end: int,
    candidates: Callable[[str], Sequence[_T]],
    match: Callable[[int, _T], int | None],
    at: Callable[[int], bool] | None = None,
) -> list[tuple[int, int, _T]]:
    """Non-overlapping matches starting at words: for each word not inside an
    earlier match (and where ``at`` allows), the first of its ``candidates``
    that ``match`` ends.

    Only the words that start a name are visited: ``candidates`` is asked once
    per distinct word, and each such word's places are found with ``str.find``.
    Visiting every word of every article in Python, to ask each whether it
    starts a name, was a quarter of fact extraction.
    """
    starting = {
        word: found
        for word in set(_STARTS.findall(text, start, end))
        if (found := candidates(word))
    }
    places = sorted((s, word) for word in starting for s in _standing_at(text, word, start, end))
    out: list[tuple[int, int, _T]] = []
    pos = start
    for s, word in places:
        if s < pos or (at is not None and not at(s)):
            continue
        for cand in starting[word]:
            e = match(s, cand)
            if e is not None:
                out.append((s, e, cand))
                pos = e
                break
    return out


def _standing_at(text: str, word: str, start: int, end: int) -> Iterator[int]:
    """Where ``word`` is one of the words ``_STARTS`` reads in ``text[start:end]``:
    not glued to what comes before, not the tail of a longer word ("Blair" in
    "Brown/Blair" is not a word of its own) and ending at a space, a hyphen or
    the end."""
    n = len(word)
    i = text.find(word, start, end)
    while i != -1:
        e = i + n
        if (
            (e == end or _WORD_ENDS.match(text, e))
            and (i == 0 or not _GLUED_BEFORE.match(text, i - 1))
            and not _inside_word(text, i, start)
        ):
            yield i
        i = text.find(word, i + 1, end)


def _inside_word(text: str, i: int, start: int) -> bool:
    """Whether a word ``_STARTS`` reads begins before ``i`` in the run of
    non-space characters ``i`` is in (and so runs on through ``i``)."""
    j = i
    while j > start and not _WORD_ENDS.match(text, j - 1):
        if _STARTS.match(text, j - 1):
            return True
        j -= 1
    return False


def scan_names(
    text: str, names: Iterable[str], start: int = 0, end: int | None = None
) -> list[tuple[int, int, str]]:
    """Non-overlapping whole-word occurrences of ``names`` (exact case) in one pass,
    longest name first where several start at the same word."""
    stop = len(text) if end is None else end
    table: dict[str, list[str]] = {}
    for n in names:
        first = _FIRST.match(n)
        if first:
            table.setdefault(first.group(), []).append(n)
    for group in table.values():
        group.sort(key=len, reverse=True)

    def candidates(word: str) -> Sequence[str]:
        bare = word.rstrip(_TRAIL)
        # "Normand’s source": the name before a possessive.
        owner = bare.removesuffix("’s").removesuffix("'s")
        return table.get(word) or table.get(bare) or table.get(owner) or ()

    def match(s: int, n: str) -> int | None:
        e = s + len(n)
        ok = e <= stop and text.startswith(n, s) and not _WORD_GOES_ON.match(text, e)
        return e if ok else None

    return _scan(text, start, stop, candidates, match)


_TRAIL = ",.;:!?)’'\"”"
_WORD_GOES_ON = re.compile(r"[\w-]|\.\w")


_FIRST = re.compile(r"[^\s-]+")
_STARTS = re.compile(r"(?<![\w’'.&-])[A-Za-z\u00C0-\u024F][^\s-]*")
_GLUED_BEFORE = re.compile(r"[\w’'.&-]")
_WORD_ENDS = re.compile(r"[\s-]")
_THE_BEFORE = re.compile(r"\b[Tt]he\s+$")


def find_orgs(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int, OrgName]]:
    """Non-overlapping ``(start, end, name)`` matches of findable names in ``text``.

    A match must end at a word boundary. A name is also matched with its first
    letter capitalised ("Al-Qaeda" for "al-Qaeda") but never lower-cased.
    Nothing is matched on an all-caps line (a headline): there "WHO" and "IS"
    are words.
    """
    stop = len(text) if end is None else end
    table = _by_first_word()
    caps_line = _CapsLines(text)

    def candidates(word: str) -> Sequence[OrgName]:
        word = word.rstrip(_TRAIL)
        return table.get(word) or table.get(word[:1].lower() + word[1:]) or ()

    def match(s: int, n: OrgName) -> int | None:
        e = s + len(n.text)
        if e > stop:
            return None
        got = text[s:e]
        if got != n.text and got != n.text[:1].upper() + n.text[1:]:
            return None
        if e < len(text) and (text[e].isalnum() or (text[e] in "-&" and e + 1 < stop)):
            return None
        if n.after_the and not _THE_BEFORE.search(text, max(0, s - 5), s):
            return None
        return e

    return _scan(text, start, stop, candidates, match, at=lambda s: not caps_line(s))
