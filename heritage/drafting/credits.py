"""The name of an outlet a page credits, where the registry does not know it yet.

A registered outlet or a known agency is found by its name (``metadata``). A new one
is read only where a page prints its credit, and only in a form that cannot be much
else, since a wrong outlet costs the curator more than a missing one:

* a credit line of the header, which holds a date or stands beside the date or the
  byline: "BBC News, Tuesday 25 May, 1999", "August 25, 2006 (Sydney Morning Herald)",
  "Trend News Agency", "By Dai Duong | dtinews.vn | …";
* the bracketed credit of a dateline or of the story's opening: "SARAJEVO, August 25
  (FENA) –", "Marawi (AsiaNews) -", "(ZENIT News / Mocímboa da Praia, …).-";
* a credit in capitals after a dateline's date: "MOSCOW, April 22. /TASS/.",
  "STEPANAKERT, OCTOBER 8, ARMENPRESS.", "Aghdam, October 22, AZERTAC".

In a credit line, a name is an outlet's when it ends with a word of the trade
("The Moscow Times", "Global News", "Trend News Agency") and holds a word of its own
besides ("World News", "Press Release" and "Times" alone are not names), or when it is
a web domain. In a bracket, an acronym ("FENA") or a name with a capital inside
("AsiaNews") counts too. A person's name, a place, a section, a Title Case headline
("Daily Life Under ISIS") and a sentence with a credit at its end (a photograph's
caption) are never read as an outlet.
"""

from __future__ import annotations

import re

from heritage.drafting.dates import full_dates, month_day

# Words that name a news outlet's trade; an outlet's name ends with one.
TRADE_WORDS = set(
    "news times post press presse agency agence herald tribune journal guardian star daily "
    "weekly monitor bulletin radio tv television gazette gazeta observer chronicle telegraph "
    "express mail mirror review service watchdog magazine media network broadcasting channel "
    "wire today insider courier standard sun independent record voice report zeitung".split()
)
# Words that do not make a name of a word of the trade: sections, regions, markers.
_GENERIC = set(
    "the of and world latest breaking top local national international regional middle east "
    "west north south more related guest category release editorial opinion special live "
    "digital online web our staff photo video".split()
)
# Capitalised words of a Title Case headline that no outlet's name holds.
_HEADLINE_WORDS = set(
    "in on at for to from with after under over into against says said is are was were as "
    "by what how why when who its his her their this that these those will would can could "
    "hit hits strikes destroys destroyed".split()
)
_CALENDAR = set(
    "monday tuesday wednesday thursday friday saturday sunday mon tue wed thu fri sat sun "
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec am pm gmt utc ist est cdt edt".split()
)
_OPENING = re.compile(
    r"^(?:by|for|from|source|published(?:\s+(?:on|by))?|posted(?:\s+on)?)\b\s*", re.I
)
_LAST_UPDATED = re.compile(r"^(?:last\s+)?updated?(?:\s+(?:at|on))?\b", re.I)
# A staff credit closing an outlet's name: "Early Times Report", "Swarajya Staff".
_STAFF = re.compile(r" (?:staff(?: writer)?|report(?:er)?|correspondent|desk|bureau)$", re.I)
_SEPARATORS = re.compile(r" ?(?:\||·|•|/| [-–—]{1,2} |[–—]|,|\(|\)|\[|\]|: |\.-) ?")
_DOMAIN = re.compile(r"^[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,10}$", re.I)
# An acronym of two to six capitals ("NPR", "FENA", "RFE/RL"), or a site ("REPORT.AZ").
_ACRONYM = re.compile(r"^(?:[A-Z][A-Z&]{1,5}(?:/[A-Z]{2,5})?|[A-Z]{2,12}\.[A-Z]{2,3})$")
# A name written as one word with a capital inside: "AsiaNews", "UrduPoint".
_CAMEL = re.compile(r"^[A-Z][a-z]+[A-Z]\w*$")
_NAME_WORD = re.compile(r"^(?:[A-Z][\w'’&.-]*|of|the|and|&|de|du|la|al|el)$")
# A credit in brackets opening the story, after at most its place and date.
_OPENING_CREDIT = re.compile(
    r"^(?P<place>[A-Z][^()]{0,40}?[,\s])?\((?P<credit>[^()]{2,80})\)\s*\.?\s*[-–—:]"
)
_MONTHS = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec"
_DAY_MONTH = re.compile(rf"\d{{1,2}} (?:{_MONTHS})[a-z]*", re.IGNORECASE)
# A date closing a part: "The Guardian 18-07-2025", "Swarajya Staff Dec 17".
_TRAILING_DATE = re.compile(
    rf" (?:\d{{1,4}}(?:[-./]\d{{1,4}}){{1,2}}|(?:{_MONTHS})[a-z]*\.? \d{{1,2}}(?:st|nd|rd|th)?)$"
)
# "PLACE, DATE, CREDIT" with the credit in capitals: "MOSCOW, April 22. /TASS/.",
# "Baku. 25 December. REPORT.AZ/", "Aghdam, October 22, AZERTAC".
_PLACE_DATE_CREDIT = re.compile(
    r"^(?P<place>[A-Z][\w'’ .-]{1,30}?)[,.] (?P<date>[^,./]{4,20}?)[,.] "
    r"(?P<open>/?)(?P<credit>[A-Z]{3,12}(?:\.[A-Z]{2,3})?)(?P<close>/?)"
)
# A numeric date, even one that could be read either way ("09/08/2024").
_NUMERIC_DATE = re.compile(r"\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b")
_LONGEST = 300  # characters of a line or an opening looked at


def credit_line_parts(text: str, *, beside_credit: bool = False) -> list[str]:
    """The parts of a header line that is a credit line ("BBC News", "Tuesday 25 May"
    …), cleaned of bylines' "By" and staff credits; none when the line is not one. A
    line without a date is one only *beside_credit* (next to the date or the byline);
    a sentence never is, though it ends with a credit (a photograph's caption)."""
    text = _unglue(_squeeze(text))
    if not (full_dates(text) or month_day(text) or _NUMERIC_DATE.search(text) or beside_credit):
        return []
    parts = _parts(text)
    return [] if any(_prose(part) for part in parts) else parts


def credit_in_line(text: str, *, beside_credit: bool = False) -> str:
    """The new outlet a header line credits ("BBC News, Tuesday 25 May, 1999",
    "Aghdam, October 22, AZERTAC"), or ""."""
    name = _place_date_credit(_squeeze(text))
    if name:
        return name
    parts = credit_line_parts(text, beside_credit=beside_credit)
    return next((name for name in map(trade_name, parts) if name), "")


def credit_in_dateline(paragraph: str, credit: str = "") -> str:
    """The outlet a story's dateline credits: its bracketed credit ("(FENA)",
    "(AsiaNews)") or a credit in capitals after its date ("MOSCOW, April 22. /TASS/.")."""
    if credit:
        name = _bracketed_name(_squeeze(credit))
        if name:
            return name
    return _place_date_credit(_squeeze(paragraph))


def credit_in_opening(paragraph: str) -> str:
    """The outlet credited in brackets at the start of a story: "(ZENIT News / Mocímboa
    da Praia, Mozambique, 07.02.2024).-", "ISLAMABAD, (UrduPoint / Pakistan Point News -
    10th May, 2023 ) :"."""
    match = _OPENING_CREDIT.match(_squeeze(paragraph))
    if not match:
        return ""
    whole = _bracketed_name(match.group("credit"))  # "(RFE/RL)" is one credit
    if whole:
        return whole
    parts = _parts(match.group("credit"))
    return _bracketed_name(parts[0]) if parts else ""


def _squeeze(text: str) -> str:
    return " ".join(text[: _LONGEST * 2].split())[:_LONGEST]


def _place_date_credit(text: str) -> str:
    """The credit in capitals after a dateline's date, closed by a stop, a slash or the
    end of the line ("ARMENPRESS.", "/TASS/.", "REPORT.AZ/"), not a word of the story
    ("MOSUL, March 3. MOSUL museum staff said")."""
    match = _PLACE_DATE_CREDIT.match(text)
    if not match or not (
        month_day(match.group("date")) or _DAY_MONTH.fullmatch(match.group("date"))
    ):
        return ""
    if match.group("open") and not match.group("close"):
        return ""
    after = text[match.end() :]
    if not (after == "" or after[0] in ".:" or (match.group("close") and after[0] == " ")):
        return ""
    credit = match.group("credit")
    return credit if credit.split(".")[0] not in _NOT_OUTLETS else ""


def _unglue(text: str) -> str:
    """Part the name from a date written against it: "The Guardian18-07-2025",
    "Swarajya StaffDec 17, 2021"."""
    text = re.sub(r"(?<=[a-z])(?=\d)", " ", text)
    return re.sub(rf"(?<=[a-z])(?=(?:{_MONTHS})[a-z]*\.? \d)", " ", text)


def _parts(text: str) -> list[str]:
    """The parts of a credit, each cleaned of its markers (a byline's "By", a staff
    credit, a date or weekday against the name)."""
    parts = []
    for part in _SEPARATORS.split(text):
        part = _OPENING.sub("", part.strip(" .;:-–—"))
        part = _TRAILING_DATE.sub("", part)
        part = _STAFF.sub("", part).strip(" .;:-–—")
        words = part.split()
        while len(words) > 1 and words[-1].lower().strip(".,") in _CALENDAR:
            words.pop()
        part = " ".join(words)
        if part and not _LAST_UPDATED.match(part):
            parts.append(part)
    return parts


def _prose(part: str) -> bool:
    """Words of a sentence: four or more, some in lower case other than "of", "the"."""
    words = part.split()
    return len(words) >= 4 and any(not _NAME_WORD.match(w) for w in words)


def trade_name(part: str) -> str:
    """*part* as an outlet's name in a credit line: a web domain, or a name ending
    with a word of the trade and holding a word of its own."""
    if _DOMAIN.match(part):
        return part
    words = part.split()
    if not 1 < len(words) <= 6 or not all(_NAME_WORD.match(w) for w in words):
        return ""
    lower = [w.lower().strip(".'’") for w in words]
    if lower[-1] not in TRADE_WORDS or any(w in _HEADLINE_WORDS for w in lower):
        return ""
    if part.isupper() and len(words) > 1 and not any(w in TRADE_WORDS for w in lower[:-1]):
        return ""  # "SYRIA NEWS": a kicker in capitals, unless the trade is told twice
    own = [w for w in lower if w not in TRADE_WORDS and w not in _GENERIC]
    if not own and not (lower[0] == "the" and len(words) <= 3):
        return ""  # "World News", "Press Release"; but "The Guardian", "The Daily Star"
    return part


def _bracketed_name(part: str) -> str:
    """*part* as the outlet a bracket credits: a name of the trade, an acronym that is
    not a place or an organisation of the story, a name with a capital inside."""
    part = part.strip()
    if trade_name(part) or (
        len(part.split()) == 1 and (_CAMEL.match(part) or _DOMAIN.match(part))
    ):
        return part
    if _ACRONYM.match(part) and part.split("/")[0].split(".")[0] not in _NOT_OUTLETS:
        return part
    return ""


# Capitals a bracket or a dateline holds that are not outlets: organisations and
# groups a story is about, and markers.
_NOT_OUTLETS = {
    "UN",
    "UNESCO",
    "US",
    "USA",
    "UK",
    "EU",
    "NATO",
    "ISIS",
    "ISIL",
    "IS",
    "IDF",
    "HRW",
    "UNHCR",
    "ICRC",
    "DGAM",
    "AM",
    "PM",
    "GMT",
    "UTC",
    "AND",
    "THE",
    "OF",
    "UPDATE",
}
