"""A source's metadata from a copied page: title, outlet, byline, dateline, date, credits.

Only what the text states is returned; anything else stays empty. The outlets
recognised are the registry's own (passed in) plus the common news agencies below, so
that a wire credit is recorded even before a curator has added the agency.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field, replace

from heritage.drafting.credits import (
    credit_in_dateline,
    credit_in_line,
    credit_in_opening,
    credit_line_parts,
)
from heritage.drafting.dates import credit_line_date, full_dates, is_date_line, month_day
from heritage.drafting.reading import Line, LineKind
from heritage.text import normalise

NEWS_AGENCY = "news_agency"
STATE_MEDIA = "state_media"
UNNAMED_AGENCIES = "unnamed_agencies"
AGENCY_KINDS = {NEWS_AGENCY, STATE_MEDIA, UNNAMED_AGENCIES}


@dataclass(frozen=True)
class OutletRef:
    """An outlet as a fixture defines it: slug, name and kind (never a reliability)."""

    slug: str
    name: str
    kind: str

    @property
    def is_agency(self) -> bool:
        return self.kind in AGENCY_KINDS

    def names(self) -> list[str]:
        """How the text may write it: the name, a long form in brackets, the acronym."""
        names = []
        outer = re.sub(r"\([^)]*\)", " ", self.name).strip()
        if outer:
            names.append(outer)
        for inner in re.findall(r"\(([^)]*)\)", self.name):
            if len(inner.split()) >= 2 and "agenc" not in inner.lower():
                names.append(inner)
        if self.slug.isalpha() and len(self.slug) <= 5:
            names.append(self.slug.upper())
        return list(dict.fromkeys(names))

    def pattern(self) -> str:
        parts = []
        for name in self.names():
            words = [re.escape(w) for w in re.split(r"[\s-]+", name) if w]
            body = r"[\s-]+".join(words)
            if name.isupper() and len(name) <= 5:
                parts.append(rf"(?-i:\b{body}\b)")  # acronyms: AP, not "ap" or "Ap"
            else:
                parts.append(rf"\b{body}\b")
        return "|".join(parts) or r"(?!)"


# Agencies whose credits appear in copy, defined as an outlet would be in a fixture.
KNOWN_AGENCIES = [
    OutletRef("afp", "Agence France-Presse", NEWS_AGENCY),
    OutletRef("reuters", "Reuters", NEWS_AGENCY),
    OutletRef("ap", "Associated Press", NEWS_AGENCY),
    OutletRef("sana", "SANA (Syrian Arab News Agency)", STATE_MEDIA),
    OutletRef("dpa", "Deutsche Presse-Agentur", NEWS_AGENCY),
    OutletRef("xinhua", "Xinhua", STATE_MEDIA),
    OutletRef("anadolu", "Anadolu Agency", NEWS_AGENCY),
    OutletRef("efe", "EFE", NEWS_AGENCY),
    OutletRef("ansa", "ANSA", NEWS_AGENCY),
    OutletRef("upi", "United Press International", NEWS_AGENCY),
    OutletRef("ina", "Iraqi News Agency", STATE_MEDIA),
]
AGENCY_INPUTS = OutletRef(
    "agency-inputs", 'Unnamed agencies ("with agency inputs")', UNNAMED_AGENCIES
)

_UNNAMED_CREDIT = re.compile(
    r"\bwith\s+(?:agency\s+inputs|inputs\s+from\s+(?:news\s+)?agencies|agencies)\b|"
    r"\(\s*agencies\s*\)|\bagency\s+inputs\b",
    re.IGNORECASE,
)
_DATELINE = re.compile(
    r"^(?P<place>[A-Z][A-Za-z'’.]+(?:[ -][A-Z][A-Za-z'’.]+){0,2})"
    r"(?:,\s*(?P<extra>[^()\n–—:]{1,30}?))?\s*"
    r"(?:\((?P<credit>[^()\n]{1,30})\))?\s*"
    r"(?P<dash>--|[-–—:])\s+(?=[\"“‘'A-Z])"
)
_PLACE_SLASH_AGENCY = re.compile(
    r"^\s*(?P<place>[A-Z][\w'’ .-]{1,40}?)\s*/\s*(?P<agency>\S.{0,40})$"
)
_OPENING_DATE = re.compile(r"^\s*\(([^()]{6,40})\)")
# "Aleppo — SANA — 3 March 2014": a dateline on a line of its own, with the agency.
_PLACE_AGENCY_DATE = re.compile(
    r"^\s*(?P<place>[A-Z][\w'’ .-]{1,40}?)\s+[—–-]{1,2}\s+(?P<agency>[A-Z][\w'’ .()-]{1,40}?)"
    r"\s+[—–-]{1,2}\s+(?P<date>.{6,40})$"
)
# "… - Al Jazeera English", "… | The Tigris Times": an outlet closing the headline.
_HEADLINE_OUTLET = re.compile(
    r"^(?P<title>.{12,}?)\s+(?:\||-|–|—)\s+(?P<outlet>(?:The\s+)?[A-Z][\w.&'’-]*"
    r"(?:\s+(?:of|the|and|&|[A-Z][\w.&'’-]*)){0,4})\s*$"
)
# A credit of a photograph, not of the page ("Pic Via PIB", "Photo: AFP").
_CREDIT_NOT_OUTLET = re.compile(
    r"\b(?:photo(?:graph)?s?|pic|picture|image|via|courtesy|file|video)\b", re.IGNORECASE
)
_TITLE_NOISE = re.compile(
    r"\b(?:news|opinion|archive|home|section|homepage|live|breaking)\b", re.IGNORECASE
)
_KEY_STOPWORDS = set(
    "a an the of in on at to for and or by after over with from as is are was were its it s "
    "his her their amid into".split()
)


@dataclass
class Metadata:
    title: str = ""
    byline: str = ""
    dateline: str = ""
    dateline_month_day: tuple[int, int] | None = None
    published_on: datetime.date | None = None
    outlet: OutletRef | None = None
    # Where a new outlet (one the registry does not hold) was read: a credit line, the
    # dateline's credit. Empty for a registered outlet or a saved page's site.
    outlet_read_from: str = ""
    wire_credits: list[OutletRef] = field(default_factory=list)
    photo_credits: list[OutletRef] = field(default_factory=list)


@dataclass(frozen=True)
class Dateline:
    place: str
    prefix_length: int  # characters to skip at the start of the paragraph
    extra: str
    credit: str


def read_dateline(paragraph: str) -> Dateline | None:
    """The dateline opening a paragraph: "BEIRUT, March 27 –", "MOSUL, Iraq (AP) —"."""
    match = _DATELINE.match(paragraph)
    if not match:
        return None
    place, extra, credit = match.group("place"), match.group("extra") or "", match.group("credit")
    if len(place) > 30:
        return None
    plausible = (
        place.isupper()
        or credit
        or full_dates(extra)
        or month_day(extra)
        or match.group("dash") in {"-", "–", "—", "--"}
        and len(place.split()) == 1
    )
    if not plausible:
        return None
    return Dateline(_place_name(place), match.end(), extra, credit or "")


def _place_name(place: str) -> str:
    return place.title() if place.isupper() else place


def read_metadata(lines: list[Line], outlets: list[OutletRef], site_name: str = "") -> Metadata:
    """Title, byline, dateline, date, outlet and credits of the article in *lines*;
    *site_name* is the name a saved page gives its site. Runs of spaces count as one
    (a run of thousands would otherwise cost the patterns its square)."""
    lines = [replace(line, text=" ".join(line.text.split())) for line in lines]
    catalogue = _catalogue(outlets)
    meta = Metadata()
    body = [line for line in lines if line.kind is LineKind.BODY]
    first_body = body[0].number if body else len(lines)
    header = [line for line in lines[:first_body]]
    meta.outlet = _publisher(header, lines, catalogue)
    meta.title = _title(header, lines, catalogue)
    meta.byline = _byline(lines, catalogue)

    dateline = None
    for line in lines:
        if line.kind in (LineKind.HEADING, LineKind.CLUTTER) and line.number < first_body + 3:
            slash = _PLACE_SLASH_AGENCY.match(line.text)
            if slash and _agencies_in(slash.group("agency"), catalogue):
                meta.dateline = _place_name(slash.group("place").strip())
                break
    for line in body[:3]:
        dateline = read_dateline(line.text.strip())
        if dateline:
            meta.dateline = meta.dateline or dateline.place
            break

    for line in lines[: first_body + 3]:
        if line.kind is LineKind.BODY:
            continue
        own_line = _PLACE_AGENCY_DATE.match(line.text)
        if own_line and full_dates(own_line.group("date")):
            meta.dateline = meta.dateline or _place_name(own_line.group("place").strip())
            meta.published_on = full_dates(own_line.group("date"))[0].date
            extra_credits = _agencies_in(own_line.group("agency"), catalogue)
            break
    else:
        extra_credits = []
    for line in lines:
        if meta.published_on is not None:
            break
        if line.kind in (LineKind.BODY, LineKind.TRAILER, LineKind.CAPTION):
            continue
        parts = re.split(r"\s+\|\s+", line.text.strip())
        if line.kind is LineKind.DATE or any(is_date_line(part) for part in parts):
            dates = full_dates(line.text)
            if dates:
                meta.published_on = dates[0].date
                break
    # Failing a line that is only a date, a credit line of the header that holds one
    # ("BBC News, Tuesday 25 May, 1999").
    for line in lines[: first_body + 3]:
        if meta.published_on is not None:
            break
        if line.kind not in (LineKind.BODY, LineKind.TRAILER, LineKind.CAPTION):
            meta.published_on = credit_line_date(line.text.strip())
    if meta.published_on is None and body:
        # "(8 Jul 2014) After seven years of reconstruction, …": the story opens with
        # its date.
        opening = _OPENING_DATE.match(body[0].text)
        if opening and full_dates(opening.group(1)):
            meta.published_on = full_dates(opening.group(1))[0].date
    if dateline:
        if meta.published_on is None and full_dates(dateline.extra):
            meta.published_on = full_dates(dateline.extra)[0].date
        meta.dateline_month_day = month_day(dateline.extra)

    meta.wire_credits = _unique([*extra_credits, *_wire_credits(lines, body, dateline, catalogue)])
    if meta.outlet is None and site_name:
        meta.outlet = outlet_named(site_name, catalogue)  # the saved page's own site
    registered = {o.slug for o in outlets}
    if meta.outlet is None:
        meta.outlet = _credited_outlet(lines, first_body, meta.title, catalogue)
        if meta.outlet is not None and meta.outlet.slug not in registered:
            meta.outlet_read_from = "a credit line of the header"
    if meta.outlet is None:
        meta.outlet = _outlet_closing_headline(header)
    if meta.outlet is None and body:
        # A story that credits only an agency, in its dateline or its opening: the
        # agency's own story, or a copy of it that does not name its publisher.
        meta.outlet = _dateline_outlet(body[0].text.strip(), dateline, catalogue)
        if meta.outlet is not None and meta.outlet.slug not in registered:
            meta.outlet_read_from = "the credit of the story's dateline"
    meta.photo_credits = _unique(
        outlet
        for line in lines
        if line.kind is LineKind.CAPTION
        for outlet in _outlets_in(line.text, catalogue)
    )
    return meta


def _catalogue(outlets: list[OutletRef]) -> list[OutletRef]:
    """The registry's outlets, then the known agencies it does not hold yet."""
    known = {o.slug for o in outlets}
    names = {normalise(n) for o in outlets for n in o.names()}
    extra = [
        agency
        for agency in [*KNOWN_AGENCIES, AGENCY_INPUTS]
        if agency.slug not in known and not any(normalise(n) in names for n in agency.names())
    ]
    return [*outlets, *extra]


def _outlets_in(text: str, catalogue: list[OutletRef]) -> list[OutletRef]:
    found = []
    for outlet in catalogue:
        if outlet.kind == UNNAMED_AGENCIES:
            continue
        match = re.search(outlet.pattern(), text, re.IGNORECASE)
        if match:
            found.append((match.start(), outlet))
    return [outlet for _, outlet in sorted(found, key=lambda f: f[0])]


def _agencies_in(text: str, catalogue: list[OutletRef]) -> list[OutletRef]:
    found = [o for o in _outlets_in(text, catalogue) if o.is_agency]
    if _UNNAMED_CREDIT.search(text):
        found.append(_unnamed(catalogue))
    return found


def _unnamed(catalogue: list[OutletRef]) -> OutletRef:
    return next((o for o in catalogue if o.kind == UNNAMED_AGENCIES), AGENCY_INPUTS)


def _unique(outlets) -> list[OutletRef]:
    return list({o.slug: o for o in outlets}.values())


def _publisher(header: list[Line], lines: list[Line], catalogue: list[OutletRef]):
    """The outlet named in the page's header ("Title | Reuters") or, failing that, a
    newspaper named in the page's furniture ("Inside News24")."""
    for line in header:
        if line.kind in (LineKind.CAPTION, LineKind.DATE, LineKind.BYLINE):
            continue
        for part in re.split(r"\s+\|\s+", line.text.strip()):
            for outlet in catalogue:
                if outlet.kind == UNNAMED_AGENCIES:
                    continue
                if re.match(rf"(?:the\s+)?(?:{outlet.pattern()})", part.strip(), re.IGNORECASE):
                    return outlet
    for line in lines:
        if line.kind in (LineKind.CLUTTER, LineKind.TRAILER, LineKind.HEADING):
            for outlet in _outlets_in(line.text, catalogue):
                if not outlet.is_agency:
                    return outlet
    return None


def outlet_named(name: str, outlets: list[OutletRef]) -> OutletRef | None:
    """The outlet a page names as its site ("Reuters", "The Tigris Times",
    "tigris.example"): one of the registry's or the known agencies', else a new one."""
    name = " ".join(name.split())
    for outlet in _catalogue(outlets):
        if outlet.kind != UNNAMED_AGENCIES and re.fullmatch(
            rf"(?:the\s+)?(?:{outlet.pattern()})(?:\.\w+)?", name, re.IGNORECASE
        ):
            return outlet
    words = normalise(name).split()
    slug = "-".join(words[1:] if words[:1] == ["the"] and len(words) > 1 else words)
    slug = slug[:80].strip("-")
    return OutletRef(slug, name[:200], "newspaper") if slug else None


def _credited_outlet(
    lines: list[Line], first_body: int, title: str, catalogue: list[OutletRef]
) -> OutletRef | None:
    """The outlet a credit line of the header names ("BBC News, Tuesday 25 May, 1999",
    "By Reuters - Mar 07, 2018", "Trend News Agency" beside the date line), a known
    one or a new one (``credits``). The headline is not a credit line, nor is a line
    of the story, unless it is a short one with a date (a wire's credit line)."""
    by_slug = {o.slug: o for o in catalogue}
    filled = [line for line in lines if line.text.strip()]
    head = [line for line in filled if line.number <= first_body]
    head += [line for line in filled if line.number > first_body][:2]
    for i, line in enumerate(head):
        text = line.text.strip()
        dated = bool(full_dates(text))
        if line.kind in (LineKind.CAPTION, LineKind.TRAILER):
            continue
        if title and title in text and not dated:
            continue  # the headline, perhaps with its site after it
        if line.kind is LineKind.BODY and not (len(text.split()) <= 12 and dated):
            continue
        if line.number > first_body and not dated:
            continue  # after the story's opening, only a credit line with its date
        if _CREDIT_NOT_OUTLET.search(text):
            continue
        neighbours = head[max(i - 1, 0) : i] + head[i + 1 : i + 2]
        beside = any(n.kind in (LineKind.DATE, LineKind.BYLINE) for n in neighbours)
        parts = credit_line_parts(text, beside_credit=beside)
        named = [outlet_named(part, catalogue) for part in parts]
        known = [by_slug[o.slug] for o in named if o is not None and o.slug in by_slug]
        if known:
            # A registered publisher; an agency credited there is a wire credit only.
            publisher = next((o for o in known if not o.is_agency), None)
            if publisher is not None:
                return publisher
            continue
        outlet = outlet_named(credit_in_line(text, beside_credit=beside), catalogue)
        if outlet is not None and not outlet.is_agency:
            return outlet
    return None


def _dateline_outlet(
    opening: str, dateline: Dateline | None, catalogue: list[OutletRef]
) -> OutletRef | None:
    """A new agency credited in the dateline or the opening: the agency's own story.
    An agency the registry or the known agencies hold is a wire credit only, since
    newspapers print its stories under its dateline as often as it does."""
    name = credit_in_opening(opening)
    if not name:
        name = credit_in_dateline(opening, dateline.credit if dateline else "")
    if not name:
        return None
    outlet = outlet_named(name, catalogue)
    if outlet is None or outlet.slug in {o.slug for o in catalogue}:
        return None if outlet is None or outlet.is_agency else outlet
    return OutletRef(outlet.slug, outlet.name, NEWS_AGENCY)


def _outlet_closing_headline(header: list[Line]) -> OutletRef | None:
    """An outlet the registry does not know yet, named after the headline."""
    for line in header:
        if line.kind is not LineKind.HEADING:
            continue
        match = _HEADLINE_OUTLET.match(line.text.strip())
        if match and len(match.group("title").split()) >= 3:
            name = match.group("outlet").strip()
            if full_dates(name) or _TITLE_NOISE.fullmatch(name):
                continue
            return outlet_named(name, [])
    return None


def _title(header: list[Line], lines: list[Line], catalogue: list[OutletRef]) -> str:
    for line in [*header, *lines]:
        if line.kind is not LineKind.HEADING or _PLACE_AGENCY_DATE.match(line.text):
            continue
        for part in re.split(r"\s+\|\s+", line.text.strip()):
            part = part.strip()
            if len(part.split()) < 4 or _TITLE_NOISE.search(part):
                continue
            if any(
                re.match(rf"(?:the\s+)?(?:{o.pattern()})", part, re.IGNORECASE) for o in catalogue
            ):
                continue
            closing = _HEADLINE_OUTLET.match(part)
            if closing and len(closing.group("title").split()) >= 3:
                part = closing.group("title").strip()
            return part[:300]
    body = next((line for line in lines if line.kind is LineKind.BODY), None)
    return body.text.strip()[:300] if body else ""


def _byline(lines: list[Line], catalogue: list[OutletRef]) -> str:
    filled = [line for line in lines if line.text.strip()]
    for line, after in zip(filled, filled[1:], strict=False):
        # "By" alone, the name on the next line (a page's byline block).
        if line.text.strip().lower() == "by" and re.fullmatch(
            r"[A-Z][\w'’.-]+(?:\s+[A-Z][\w'’.-]+){0,3}", after.text.strip()
        ):
            return after.text.strip()[:200]
    for line in lines:
        if line.kind is LineKind.BYLINE:
            who = re.sub(r"^by\s+", "", line.text.strip(), flags=re.IGNORECASE)
            who = re.sub(r",?\s+with\s+.*$", "", who, flags=re.IGNORECASE)
            for outlet in catalogue:
                who = re.sub(outlet.pattern(), " ", who, flags=re.IGNORECASE)
            who = " ".join(who.split()).strip(" ,;-")
            if who:
                return (who.title() if who.isupper() else who)[:200]
    for line in lines:
        match = re.search(
            r"\breporting\s+by\s+([^;()]+?)(?:\s+in\s+[A-Z]\w+)?\s*(?:[;)]|$)", line.text, re.I
        )
        if match and line.kind is not LineKind.BODY:
            return match.group(1).strip()[:200]
    return ""


def _wire_credits(
    lines: list[Line], body: list[Line], dateline: Dateline | None, catalogue: list[OutletRef]
) -> list[OutletRef]:
    credits: list[OutletRef] = []
    if dateline:
        credits += _agencies_in(f"({dateline.credit})", catalogue) if dateline.credit else []
        credits += _agencies_in(dateline.extra, catalogue)
    agency_names = "|".join(o.pattern() for o in catalogue if o.kind in (NEWS_AGENCY, STATE_MEDIA))
    for line in lines:
        text = line.text.strip()
        if line.kind in (LineKind.HEADING, LineKind.CLUTTER, LineKind.BYLINE):
            slash = _PLACE_SLASH_AGENCY.match(text)
            if slash:
                credits += _agencies_in(slash.group("agency"), catalogue)
            if line.kind is LineKind.BYLINE:
                credits += _agencies_in(text, catalogue)
            elif re.search(rf"\bwith\s+(?:{agency_names})", text, re.IGNORECASE):
                credits += _agencies_in(text, catalogue)
            elif _UNNAMED_CREDIT.search(text):
                credits.append(_unnamed(catalogue))
            copyright_ = re.search(r"(?:copyright|©)\s*\d{4}\s+(.*)$", text, re.IGNORECASE)
            if copyright_:
                credits += _agencies_in(copyright_.group(1), catalogue)
        elif line.kind is LineKind.BODY:
            if _UNNAMED_CREDIT.search(text) and len(text.split()) <= 6:
                credits.append(_unnamed(catalogue))
            for match in re.finditer(
                rf"\btold\s+(?P<a>{agency_names})|"
                rf"(?P<b>{agency_names})\s+(?:correspondent|photographer|reporter|journalist)s?\b",
                text,
                re.IGNORECASE,
            ):
                credits += _agencies_in(match.group("a") or match.group("b"), catalogue)
    return _unique(credits)


def source_key(prefix: str, published_on: datetime.date, title: str) -> str:
    """``afp-2016-03-28-syria-troops-press-advance``: outlet, date, first words of title."""
    words = [
        w
        for w in normalise(title).split()
        if w not in _KEY_STOPWORDS and re.fullmatch(r"[a-z0-9]+", w)
    ]
    parts = [prefix] if prefix else []
    parts += [published_on.isoformat(), *(words[:4] or ["article"])]
    return "-".join(parts)[:120].strip("-")
