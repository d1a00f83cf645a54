"""Dates in news copy: publication dates, datelines and the dates of events.

An event's date is usually written relative to the dateline ("on Sunday", "last
year", "in August") and is resolved against the publication date. Every resolved
date is a range (``first``, ``last``); an exact day has ``first == last``. Nothing is
resolved into the future of the publication: a range is cut at the publication date,
and a range that starts after it ("next year", "by 2026") is dropped.
"""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass

from heritage.text import ascii_fold, matched_key

MONTHS = {
    "january": 1,
    "february": 2,
    "march": 3,
    "april": 4,
    "may": 5,
    "june": 6,
    "july": 7,
    "august": 8,
    "september": 9,
    "october": 10,
    "november": 11,
    "december": 12,
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
# Cardinal number words, shared with places.py (counts such as "two temples").
CARDINALS = {
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
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
}
# "a year ago", "two months earlier"
NUMBER_WORDS = {"a": 1, "an": 1, **CARDINALS}

_MONTH_NAMES = "|".join(sorted(MONTHS, key=len, reverse=True))
_MONTH = rf"(?P<month>{_MONTH_NAMES})\.?"
_WEEKDAY = r"(?P<weekday>" + "|".join(WEEKDAYS) + r")"
_YEAR = r"(?P<year>(?:1[89]|20)\d\d)"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"

# Year first: 2016-03-27, and also 2024.10.31 or 2024/10/31 (year first is always
# year, month, day).
_ISO = re.compile(
    r"\b(?P<year>(?:19|20)\d\d)(?P<sep>[-./])(?P<month>[01]?\d)(?P=sep)(?P<day>[0-3]?\d)\b"
)
_DAY_MONTH_YEAR = re.compile(rf"\b{_DAY}\s+{_MONTH},?\s+{_YEAR}\b", re.IGNORECASE)
_MONTH_DAY_YEAR = re.compile(rf"\b{_MONTH}\s+{_DAY},?\s+{_YEAR}\b", re.IGNORECASE)
# "September, Friday 20, 2024"
_MONTH_WEEKDAY_DAY_YEAR = re.compile(
    rf"\b{_MONTH},?\s+{_WEEKDAY},?\s+{_DAY},?\s+{_YEAR}\b", re.IGNORECASE
)
# "09/22/2024" or "22/09/2024": read only when the day cannot be taken for the month.
# Also "15-02-2016" and "15.02.2016", with the same separator twice.
_NUMERIC = re.compile(
    r"\b(?P<a>[0-3]?\d)(?P<sep>[/.-])(?P<b>[0-3]?\d)(?P=sep)(?P<year>(?:19|20)\d\d)\b"
)
_MONTH_DAY = re.compile(rf"\b{_MONTH}\s+{_DAY}\b(?!,?\s+\d)", re.IGNORECASE)
_TIME = re.compile(r"\b\d{1,2}[:.]\d{2}(?:\s*[ap]\.?m\.?)?(?:\s+[A-Z]{2,4})?\b", re.IGNORECASE)
_DATE_LINE_WORDS = re.compile(
    r"\b(?:published|updated|posted|last|on|at|modified|date|am|pm|gmt|utc|bst|edt|est|cet)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class FullDate:
    date: datetime.date
    start: int
    end: int


def full_dates(text: str) -> list[FullDate]:
    """Every complete date (day, month and year) written in *text*, in order."""
    found: list[FullDate] = []
    for match in _NUMERIC.finditer(text):
        a, b = int(match.group("a")), int(match.group("b"))
        if (a > 12) == (b > 12):
            continue  # 03/04/2016 could be either: never guess
        month, day = (b, a) if a > 12 else (a, b)
        try:
            found.append(
                FullDate(
                    datetime.date(int(match.group("year")), month, day),
                    match.start(),
                    match.end(),
                )
            )
        except ValueError:
            continue
    for pattern in (_ISO, _MONTH_WEEKDAY_DAY_YEAR, _DAY_MONTH_YEAR, _MONTH_DAY_YEAR):
        for match in pattern.finditer(text):
            if any(f.start <= match.start() < f.end for f in found):
                continue
            month = match.group("month")
            month_number = int(month) if month.isdigit() else matched_key(MONTHS, month)
            try:
                day = datetime.date(
                    int(match.group("year")), month_number, int(match.group("day"))
                )
            except ValueError:
                continue
            found.append(FullDate(day, match.start(), match.end()))
    return sorted(found, key=lambda f: f.start)


# What may stand beside the date of a credit line: names in capitals, a weekday, a
# page number, and the punctuation between them ("Nevine El-Aref, Tuesday", "- Example
# Press -", "BBC News,", "– By Jane Example – Example Press", "- Page 5"). Words in
# parentheses are left out ("(Example Staff)", "Stanitsa (a village of the region),").
_CREDIT_WORD = re.compile(r"(?:By|[A-Z][\w'’.&-]*|[A-Z]{2,}|\d{1,3})")
_CREDIT_PUNCTUATION = re.compile(r"[\s,:|»·•–—-]+")
_PARENTHESES = re.compile(r"\([^()]*\)")
# What marks a line of capitalised words as a credit rather than a headline in title
# case ("Palmyra Retaken On March 27, 2016"): a byline, a weekday, a publishing verb, a
# page number.
_CREDIT_MARKER = re.compile(
    r"^(?:By|Published|Updated|Posted|Page|Mon|Tue|Tues|Wed|Thu|Thur|Thurs|Fri|Sat|Sun|"
    + "|".join(day.title() for day in WEEKDAYS)
    + r")\.?$"
)


def credit_line_date(line: str) -> datetime.date | None:
    """The date of a line that holds one full date (and perhaps a time) and a short
    credit: a place, a name, an outlet, each capitalised, with a byline, a weekday or
    a publishing verb ("BBC News, Tuesday 25 May, 1999", "21 March, 2012 – By Jane
    Example – Example Press"), or at most two words ("Stanitsa, September 10, 2014").
    A headline with a date, in title case or not, is not one."""
    text = _PARENTHESES.sub(" ", line)
    dates = full_dates(text)
    if len(dates) != 1:
        return None
    rest = text[: dates[0].start] + " " + text[dates[0].end :]
    words = [w.strip(".;") for w in _CREDIT_PUNCTUATION.split(_TIME.sub(" ", rest))]
    words = [w for w in words if w]
    if len(words) > 8 or not all(_CREDIT_WORD.fullmatch(w) for w in words):
        return None
    if len(words) > 2 and not any(_CREDIT_MARKER.match(w) for w in words):
        return None
    return dates[0].date


def is_date_line(line: str) -> bool:
    """A line that holds a full date and little else (a timestamp, "Published on …")."""
    dates = full_dates(line)
    if not dates:
        return False
    rest = line
    for found in reversed(dates):
        rest = rest[: found.start] + " " + rest[found.end :]
    rest = _TIME.sub(" ", rest)
    rest = re.sub(rf"\b{_WEEKDAY}\b", " ", rest, flags=re.IGNORECASE)
    rest = _DATE_LINE_WORDS.sub(" ", rest)
    return len(re.findall(r"[^\W\d_]{2,}", rest)) <= 1


def month_day(text: str) -> tuple[int, int] | None:
    """Month and day of a dateline without a year ("BEIRUT, March 27")."""
    match = _MONTH_DAY.search(text)
    if not match:
        return None
    return matched_key(MONTHS, match.group("month")), int(match.group("day"))


# --- dates of events ---------------------------------------------------------------------


@dataclass(frozen=True)
class DateMention:
    """A date written in a sentence, resolved to a range of days."""

    start: int  # offsets in the text searched
    end: int
    first: datetime.date
    last: datetime.date

    @property
    def exact(self) -> bool:
        return self.first == self.last


_RELATIVE = re.compile(
    r"\b(?:(?P<yesterday>yesterday)|(?P<today>today|this morning|tonight|this evening)|"
    r"(?P<which>last|this|earlier this)\s+(?P<unit>week|month|year)|"
    r"(?P<count>\d+|" + "|".join(NUMBER_WORDS) + r")\s+(?P<units>days?|weeks?|months?|years?)"
    r"\s+ago)\b",
    re.IGNORECASE,
)
_ON_WEEKDAY = re.compile(
    rf"\b(?:(?:on|last|since|from|until|by)\s+)?{_WEEKDAY}\b(?!['’]s)", re.IGNORECASE
)
# A bare month needs a preposition ("in May"), since "may" is also a verb.
_MONTH_YEAR = re.compile(
    rf"\b(?:(?P<prep>in|during|since|until|by|from|of|early|late|mid|last)[\s-]+)?"
    rf"(?P<name>{_MONTH_NAMES})\.?(?:\s+{_YEAR})?\b(?!\s+[0-3]?\d\b)",
    re.IGNORECASE,
)
_YEAR_ALONE = re.compile(
    rf"\b(?P<prep>in|during|throughout|early|late|mid)[\s-]+{_YEAR}\b(?!\s*[-–]\w)",
    re.IGNORECASE,
)


# "said on Tuesday that …": the day of the statement, against which the dates of what it
# reports are resolved ("… had been blown up a week before", "… on Sunday").
_STATEMENT_ON = re.compile(
    rf"\b(?:said|says|told|reported|announced|stated|confirmed|added)\s+(?:\w+\s+){{0,3}}?"
    rf"on\s+{_WEEKDAY}\b",
    re.IGNORECASE,
)
_BEFORE_STATEMENT = re.compile(
    r"\b(?:(?P<count>\d+|" + "|".join(NUMBER_WORDS) + r")\s+(?P<units>days?|weeks?|months?|"
    r"years?)\s+(?:earlier|before|previously)|the\s+(?:day\s+before|previous\s+day))\b",
    re.IGNORECASE,
)


def _weekday_before(anchor: datetime.date, name: str, strictly: bool = False) -> datetime.date:
    back = (anchor.weekday() - WEEKDAYS.index(ascii_fold(name))) % 7
    if strictly and back == 0:
        back = 7
    return anchor - datetime.timedelta(days=back)


def date_mentions(text: str, published_on: datetime.date) -> list[DateMention]:
    """Dates written in *text* (a sentence or clause), resolved against publication, or
    against the day of the statement that reports them ("said on Tuesday that the gate
    had been blown up a week before", "… ten days earlier", "… on Sunday")."""
    found: list[DateMention] = []
    statement = _STATEMENT_ON.search(text)
    said_on = _weekday_before(published_on, statement.group("weekday")) if statement else None

    def add(start: int, end: int, first: datetime.date, last: datetime.date) -> None:
        if any(m.start < end and start < m.end for m in found):
            return
        if first > published_on:
            return
        found.append(DateMention(start, end, first, min(last, published_on)))

    for full in full_dates(text):
        add(full.start, full.end, full.date, full.date)
    for match in _MONTH_DAY.finditer(text):
        month = matched_key(MONTHS, match.group("month"))
        day = _in_year(published_on, month, int(match.group("day")))
        if day:
            add(match.start(), match.end(), day, day)
    for match in _MONTH_YEAR.finditer(text):
        if match.group("year"):
            year = int(match.group("year"))
        elif match.group("prep"):
            if not match.group("name")[0].isupper():
                continue
            month = matched_key(MONTHS, match.group("name").rstrip("."))
            year = published_on.year if month <= published_on.month else published_on.year - 1
        else:
            continue
        month = matched_key(MONTHS, match.group("name").rstrip("."))
        last_day = calendar.monthrange(year, month)[1]
        add(
            match.start(),
            match.end(),
            datetime.date(year, month, 1),
            datetime.date(year, month, last_day),
        )
    for match in _YEAR_ALONE.finditer(text):
        year = int(match.group("year"))
        add(match.start(), match.end(), datetime.date(year, 1, 1), datetime.date(year, 12, 31))
    for match in _BEFORE_STATEMENT.finditer(text):
        anchor = said_on if said_on and statement.start() < match.start() else published_on
        if match.group("count"):
            count_text = ascii_fold(match.group("count"))
            count = int(count_text) if count_text.isdigit() else NUMBER_WORDS[count_text]
            unit = ascii_fold(match.group("units")).rstrip("s")
        else:
            count, unit = 1, "day"
        add(match.start(), match.end(), *_ago(anchor, count, unit))
    for match in _RELATIVE.finditer(text):
        span = _relative(match, published_on)
        if span:
            add(match.start(), match.end(), *span)
    for match in _ON_WEEKDAY.finditer(text):
        if not match.group("weekday")[0].isupper():
            continue
        if said_on and statement.end() < match.start():
            day = _weekday_before(said_on, match.group("weekday"), strictly=True)
        else:
            day = _weekday_before(published_on, match.group("weekday"))
        add(match.start(), match.end(), day, day)
    return sorted(found, key=lambda m: m.start)


def _in_year(published_on: datetime.date, month: int, day: int) -> datetime.date | None:
    """The latest date with this month and day on or before publication."""
    for year in (published_on.year, published_on.year - 1):
        try:
            candidate = datetime.date(year, month, day)
        except ValueError:
            continue
        if candidate <= published_on:
            return candidate
    return None


def _relative(match: re.Match, published_on: datetime.date):
    one_day = datetime.timedelta(days=1)
    if match.group("yesterday"):
        return published_on - one_day, published_on - one_day
    if match.group("today"):
        return published_on, published_on
    if match.group("which"):
        which = ascii_fold(match.group("which"))
        unit = ascii_fold(match.group("unit"))
        if unit == "year":
            year = published_on.year - (1 if which == "last" else 0)
            return datetime.date(year, 1, 1), datetime.date(year, 12, 31)
        if unit == "month":
            first_this = published_on.replace(day=1)
            if which == "last":
                last = first_this - one_day
                return last.replace(day=1), last
            return first_this, published_on
        monday = published_on - datetime.timedelta(days=published_on.weekday())
        if which == "last":
            return monday - datetime.timedelta(days=7), monday - one_day
        return monday, published_on
    count_text = ascii_fold(match.group("count"))
    count = int(count_text) if count_text.isdigit() else NUMBER_WORDS[count_text]
    return _ago(published_on, count, ascii_fold(match.group("units")).rstrip("s"))


def _ago(published_on: datetime.date, count: int, unit: str):
    """The days *count* units before *published_on* (a week, a month: a range)."""
    if unit == "day":
        day = published_on - datetime.timedelta(days=count)
        return day, day
    if unit == "week":
        day = published_on - datetime.timedelta(days=7 * count)
        return day - datetime.timedelta(days=3), day + datetime.timedelta(days=3)
    if unit == "month":
        month_index = published_on.year * 12 + published_on.month - 1 - count
        year, month = divmod(month_index, 12)
        month += 1
        return datetime.date(year, month, 1), datetime.date(
            year, month, calendar.monthrange(year, month)[1]
        )
    year = published_on.year - count
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)
