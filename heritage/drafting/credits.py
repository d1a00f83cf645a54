"""The name of an outlet a page credits, where the registry does not know it yet.

A registered outlet or a known agency is found by its name (``metadata``). A new one
is read from the places a page puts its credit:

* a credit line of the header: "BBC News, Tuesday 25 May, 1999", "Rudaw",
  "August 25, 2006 (Sydney Morning Herald)", "By Dai Duong | dtinews.vn | …";
* the credit of a dateline: "SARAJEVO, August 25 (FENA) –", "MOSCOW, April 22.
  /TASS/.", "Aghdam, October 22, AZERTAC", "Istanbul, MINA –";
* a credit opening the story: "(Hanoitourist) - The ancient capital …".

A part of such a line is taken as an outlet's name when it reads as one: it holds a
word of the trade ("News", "Times", "Press", "Agency" …), an acronym or a web domain;
or it is a single name standing first on its line beside nothing but a date, a place
or a staff credit ("Visafric (Toronto), 18 May 2001"). A person's name, two to four
capitalised words with none of those, is a byline, never an outlet.
"""

from __future__ import annotations

import re

from heritage.drafting.dates import full_dates, month_day

# Words that name a news outlet's trade; a part holding one is an outlet's name.
_TRADE_WORDS = set(
    "news times post press presse agency agence herald tribune journal guardian star daily "
    "weekly monitor bulletin radio tv television gazette gazeta observer chronicle telegraph "
    "express mail mirror review service watchdog magazine media network broadcasting channel "
    "wire today insider courier standard sun independent record voice report zeitung".split()
)
# Capitalised words of a header that are not outlets: sections, markers, calendar.
_NOT_NAMES = set(
    "breaking exclusive update updated live video photo photos watch editor editors note "
    "story highlights home opinion analysis feature features world culture politics "
    "by published posted source sources page date time author "
    "monday tuesday wednesday thursday friday saturday sunday mon tue wed thu fri sat sun "
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec am pm gmt utc ist est cdt edt".split()
)
# Capitals that are not outlets in a credit (organisations, places, markers).
_NOT_ACRONYMS = {"UN", "UNESCO", "US", "USA", "UK", "EU", "NATO", "ISIS", "IS", "AM", "PM"}
_OPENING = re.compile(r"^(?:by|for|from|source|published(?:\s+on)?|posted(?:\s+on)?)\s+", re.I)
_LAST_UPDATED = re.compile(r"^(?:last\s+)?updated?(?:\s+(?:at|on))?\b", re.I)
# A staff credit closing an outlet's name: "Swarajya Staff", "Early Times Report".
_STAFF = re.compile(
    r"\s+(?:staff(?:\s+writer)?|report(?:er)?|correspondent|desk|bureau|online)$", re.I
)
_SEPARATORS = re.compile(r"\s*(?:\||·|•|/|\s[-–—]{1,2}\s|[–—]|,|\(|\)|\[|\]|:\s|\.-)\s*")
_DOMAIN = re.compile(r"^[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,10}$", re.I)
# An acronym of two to five capitals ("NPR", "FENA"), or an agency's site ("REPORT.AZ").
_ACRONYM = re.compile(r"^(?:[A-Z][A-Z&]{1,4}|[A-Z]{2,12}\.[A-Z]{2,3})$")
# A name written as one word with a capital inside: "AsiaNews", "UrduPoint".
_CAMEL = re.compile(r"^[A-Z][a-z]+[A-Z]\w*$|^[A-Z]{2,}[a-z]+\w*$")
_NAME_WORD = re.compile(r"^(?:[A-Z][\w'’&.-]*|of|the|and|&|de|du|la|al|el)$")
# A credit in brackets opening the story, after at most its place and date.
_OPENING_CREDIT = re.compile(
    r"^(?P<place>[A-Z][^()]{0,40}?[,\s])?\((?P<credit>[^()]{2,80})\)\s*\.?\s*[-–—:]"
)
_MONTHS = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec"
_DAY_MONTH = re.compile(rf"\d{{1,2}}\s+(?:{_MONTHS})[a-z]*", re.IGNORECASE)
# A date closing a part: "The Guardian 18-07-2025", "Swarajya Staff Dec 17".
_TRAILING_DATE = re.compile(
    rf"\s+(?:\d{{1,4}}(?:[-./]\d{{1,4}}){{1,2}}|(?:{_MONTHS})[a-z]*\.?\s+\d{{1,2}}(?:st|nd|rd|th)?)$"
)
# "PLACE, DATE, CREDIT": "MOSCOW, April 22. /TASS/.", "Baku. 25 December. REPORT.AZ/",
# "STEPANAKERT, OCTOBER 8, ARMENPRESS.", "Aghdam, October 22, AZERTAC".
_PLACE_DATE_CREDIT = re.compile(
    r"^(?P<place>[A-Z][\w'’ .-]{1,30}?)[,.]\s+(?P<date>[^,./]{4,20}?)[,.]\s+"
    r"/?(?P<credit>[A-Z][A-Za-z]*(?:\.[A-Z]{2,3})?)/?(?:[.:]|\s*$|\s+(?=[A-Z\"“]))"
)


def credit_in_dateline(paragraph: str, credit: str = "", extra: str = "") -> str:
    """The outlet a story's dateline credits: its bracketed credit ("MOSUL, Iraq
    (Reuters) -"; a plain name only after a date, "BANJA LUKA, April 7 (Hina) -", as
    "Mariupol (Ukraine):" brackets a place), a credit after its date ("MOSCOW, April
    22. /TASS/."), or an acronym standing where the country would ("Istanbul, MINA –")."""
    if credit:
        dated = bool(full_dates(extra) or month_day(extra) or _DAY_MONTH.search(extra))
        name = _outlet_name(credit, plain=dated)
        if name:
            return name
    name = _place_date_credit(paragraph)
    if name:
        return name
    extra = extra.strip()
    if extra and not full_dates(extra) and not month_day(extra) and _is_acronym(extra):
        return extra
    return ""


def credit_in_opening(paragraph: str) -> str:
    """The outlet credited in brackets at the start of a story: "(Hanoitourist) -",
    "(ZENIT News / Mocímboa da Praia, Mozambique, 07.02.2024).-",
    "ISLAMABAD, (UrduPoint / Pakistan Point News - 10th May, 2023 ) :". A plain name
    counts only where nothing comes before the bracket."""
    match = _OPENING_CREDIT.match(paragraph)
    if not match:
        return ""
    parts = _parts(match.group("credit"))
    if not parts:
        return ""
    return _outlet_name(parts[0][0], plain=not match.group("place"))


def credit_in_line(text: str, lone_name: bool = False) -> str:
    """The outlet a header line credits ("BBC News, Tuesday 25 May, 1999"), or "".
    A plain name counts with a staff credit ("Swarajya Staff, Dec 17, 2021") or, alone
    on its line, with *lone_name* (the line stands beside a date or a byline: "Rudaw")."""
    if len(re.findall(r"\w+", text)) > 20:
        return ""
    name = _place_date_credit(text)
    if name:
        return name
    parts = _parts(_unglue(text))
    if not parts:
        return ""
    alone = len(parts) == 1
    names = [_outlet_name(part, acronym=not alone or lone_name) for part, _ in parts]
    strong = next((name for name in names if name), "")
    if strong:
        return strong
    first, staff = parts[0]
    if _plain_name(first) and (staff or alone and lone_name):
        return first
    return ""


def _place_date_credit(text: str) -> str:
    match = _PLACE_DATE_CREDIT.match(text.strip())
    if match and (month_day(match.group("date")) or _DAY_MONTH.fullmatch(match.group("date"))):
        return match.group("credit")
    return ""


def _unglue(text: str) -> str:
    """Part the name from a date written against it: "The Guardian18-07-2025",
    "Swarajya StaffDec 17, 2021"."""
    text = re.sub(r"(?<=[a-z])(?=\d)", " ", text)
    return re.sub(rf"(?<=[a-z])(?=(?:{_MONTHS})[a-z]*\.?\s+\d)", " ", text)


def _parts(text: str) -> list[tuple[str, bool]]:
    """The parts of a credit, each cleaned of its markers, and whether a staff credit
    closed it."""
    parts = []
    for part in _SEPARATORS.split(text):
        part = _OPENING.sub("", part.strip(" .;:-–—"))
        part = _TRAILING_DATE.sub("", part)
        staff = bool(_STAFF.search(part))
        part = _STAFF.sub("", part).strip(" .;:-–—")
        words = part.split()
        while len(words) > 1 and words[-1].lower().strip(".,") in _NOT_NAMES:
            words.pop()  # "World Tibet News Monday": the weekday of its date
        part = " ".join(words)
        if part and not _LAST_UPDATED.match(part):
            parts.append((part, staff))
    return parts


def _outlet_name(part: str, plain: bool = False, acronym: bool = True) -> str:
    """*part* as an outlet's name, if it reads as one: with a word of the trade, an
    acronym, a name with a capital inside, a web domain. With *plain*, a single plain
    name counts too; without *acronym*, an acronym alone does not ("YPRES." as a
    headline)."""
    if _DOMAIN.match(part):
        return part
    words = part.split()
    if re.search(r"\d", part) or not words or len(words) > 6:
        return ""
    if not all(_NAME_WORD.match(w) for w in words):
        return ""
    if all(w.lower().strip(".") in _NOT_NAMES for w in words):
        return ""
    trade = [w.lower().strip(".'’") in _TRADE_WORDS for w in words]
    marked = [_is_acronym(w) or bool(_CAMEL.match(w)) for w in words]
    if any(marked) and not (marked[0] or trade[0]):
        # "Libya CNN": a place before the acronym is not part of the name.
        return " ".join(words[marked.index(True) :])
    if any(trade) or (any(marked) and (len(words) > 1 or acronym)):
        return part
    if plain and len(words) == 1 and _plain_name(part):
        return part
    return ""


def _is_acronym(word: str) -> bool:
    word = word.strip(".,;:/")
    return bool(_ACRONYM.match(word)) and word not in _NOT_ACRONYMS


def _plain_name(part: str) -> bool:
    """One capitalised word, not in capitals (a dateline's place) and not a calendar
    word or a section."""
    return bool(re.fullmatch(r"[A-Z][a-z][\w'’.-]*", part)) and part.lower() not in _NOT_NAMES
