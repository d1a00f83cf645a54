"""From one article's text to a drafted source with its claims (no database).

:func:`draft_article` ties the rules together: lines and sentences (``reading``),
metadata (``metadata``), the article's sites (``places``), claims per sentence
(``claims``) and likely copies (``copies``). The registry layer
(``heritage/drafting/registry.py``) supplies the gazetteer, outlets and registered
sources, and turns the result into fixture objects.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from heritage.drafting.candidates import Candidate, sentence_candidates
from heritage.drafting.claims import Discourse, DraftClaim, claims_in_sentence
from heritage.drafting.copies import Copy, KnownSource, find_copies
from heritage.drafting.fingerprint import fingerprint as fingerprint_of
from heritage.drafting.metadata import (
    UNNAMED_AGENCIES,
    Metadata,
    OutletRef,
    read_dateline,
    read_metadata,
    source_key,
)
from heritage.drafting.places import Gazetteer, article_context, find_mentions
from heritage.drafting.reading import LineKind, Sentence, classify_lines, split_sentences
from heritage.drafting.unregistered import unregistered_names
from heritage.text import normalise

if TYPE_CHECKING:
    from heritage.drafting.learned import LearnedFilter

NO_DATE = "the text gives no full publication date{hint}: give it with --published-on YYYY-MM-DD"
FUTURE_DATE = "the publication date {date} is in the future"
NO_MONUMENT = "the text names no monument of the registry: nothing to draft"
NO_CLAIM = "the text names {names} but says nothing about their state: the draft has no claims"
UNREGISTERED = (
    "names in the text that may be monuments the registry does not hold (add the monument "
    "or an alias, then draft again): {names}"
)
DATE_DISAGREES = (
    "--published-on {given} differs from the date in the text ({found}); using {given}"
)


class DraftingError(ValueError):
    """The article cannot be drafted as given; the message says what to do."""


class NothingToDraft(DraftingError):
    """An honest empty result: the article is about no monument of the registry.
    ``published_on`` is the date its text gives, if any (an evaluation still scores
    it)."""

    def __init__(
        self,
        message: str,
        published_on: datetime.date | None = None,
        unregistered: list[str] | None = None,
    ):
        super().__init__(message)
        self.published_on = published_on
        self.unregistered = unregistered or []  # names of buildings it holds instead


@dataclass
class DraftSource:
    """A source as drafted: the fields of ``Source`` (outlets as OutletRef), its claims,
    and warnings for the curator running the draft."""

    key: str
    title: str
    published_on: datetime.date
    byline: str = ""
    dateline: str = ""
    language: str = "en"
    outlet: OutletRef | None = None
    wire_credits: list[OutletRef] = field(default_factory=list)
    photo_credits: list[OutletRef] = field(default_factory=list)
    copies_passages_from: list[str] = field(default_factory=list)
    copy_shares: dict[str, float] = field(default_factory=dict)  # source key -> share
    fingerprint: str = ""
    url: str = ""
    date_from_text: bool = False  # published_on was read from the text
    notes: str = ""
    claims: list[DraftClaim] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # Every (monument, state) pair the rules considered, kept or not, when asked for
    # (``candidates=True`` or a learned filter); not part of the fixture.
    candidates: list[Candidate] = field(default_factory=list, repr=False)
    # The monuments the text names anywhere, claimed or not; not part of the fixture.
    named: frozenset[str] = field(default_factory=frozenset, repr=False)

    @property
    def outlets(self) -> list[OutletRef]:
        """Every outlet the source refers to, once."""
        refs = [self.outlet] if self.outlet else []
        refs += self.wire_credits + self.photo_credits
        return list({o.slug: o for o in refs}.values())


def body_sentences(text: str) -> list[Sentence]:
    """The story's sentences, without datelines, captions or page furniture; a sentence
    repeated on the page (a standfirst repeated in the body) counts once."""
    lines = classify_lines(text)
    sentences: list[Sentence] = []
    seen: set[str] = set()
    for index, (start, end) in enumerate(_paragraphs(lines)):
        paragraph = text[start:end]
        offset = start
        stripped = paragraph.lstrip()
        offset += len(paragraph) - len(stripped)
        if index < 3:
            dateline = read_dateline(stripped)
            if dateline:
                stripped = stripped[dateline.prefix_length :]
                offset += dateline.prefix_length
        for sentence in split_sentences(stripped, offset):
            identity = normalise(sentence.text)
            if identity in seen:
                continue
            seen.add(identity)
            sentences.append(sentence)
    return sentences


def _paragraphs(lines) -> list[tuple[int, int]]:
    """(start, end) of each body paragraph: a body line, or hard-wrapped body lines
    joined (the line breaks stay in the text, so excerpts remain verbatim slices)."""
    spans: list[tuple[int, int]] = []
    joining = False
    # A page that is only a picture and its caption: the caption is the story.
    story = (
        LineKind.BODY if any(line.kind is LineKind.BODY for line in lines) else LineKind.CAPTION
    )
    for line in lines:
        if line.kind is not story:
            joining = False
            continue
        if joining and spans:
            spans[-1] = (spans[-1][0], line.end)
        else:
            spans.append((line.start, line.end))
        joining = line.continues
    return spans


LIST_ITEMS = 12  # the sentences after a colon read as the items of a list


def draft_article(
    text: str,
    *,
    gazetteer: Gazetteer,
    outlets: list[OutletRef] = (),
    published_on: datetime.date | None = None,
    fallback_published_on: datetime.date | None = None,
    key: str | None = None,
    known_sources: Callable[[datetime.date], Iterable[KnownSource]] | None = None,
    today: datetime.date | None = None,
    site_name: str = "",
    url: str = "",
    candidates: bool = False,
    learned: LearnedFilter | None = None,
) -> DraftSource:
    """Draft the source and claims of *text*.

    *published_on* overrides the date found in the text; *fallback_published_on* is used
    only when the text gives none. *known_sources* gives, for a publication date, the
    registered sources the text may copy. Raises NothingToDraft when the text names no
    monument and DraftingError when it cannot be dated. With *candidates* the draft
    keeps every pair the rules considered (``candidates``); with *learned* those pairs
    are weighed by the learned filter, which decides the claims instead of the rules.
    """
    today = today or datetime.date.today()
    lines = classify_lines(text)
    meta = read_metadata(lines, list(outlets), site_name)
    sentences = body_sentences(text)
    headings = [ln.text for ln in lines if ln.kind is LineKind.HEADING]
    context = article_context(gazetteer, "\n".join([*headings, *(s.text for s in sentences)]))

    mentions = [find_mentions(s.text, gazetteer, context) for s in sentences]
    named = {slug for found in mentions for mention in found for slug in mention.slugs}
    unknown = unregistered_names(zip((s.text for s in sentences), mentions, strict=True))
    if not named:
        raise NothingToDraft(NO_MONUMENT, meta.published_on, unknown)

    warnings = []
    if unknown:
        warnings.append(UNREGISTERED.format(names="; ".join(unknown)))
    date = published_on or meta.published_on or fallback_published_on
    if date is None:
        hint = ""
        if meta.dateline_month_day:
            month, day = meta.dateline_month_day
            hint = (
                f" (the dateline has {datetime.date(2000, month, day):%B} {day}, without a year)"
            )
        raise DraftingError(NO_DATE.format(hint=hint))
    if published_on and meta.published_on and published_on != meta.published_on:
        warnings.append(DATE_DISAGREES.format(given=published_on, found=meta.published_on))
    if date > today:
        raise DraftingError(FUTURE_DATE.format(date=date.isoformat()))

    discourse = Discourse()
    claims: list[DraftClaim] = []
    considered: list[Candidate] = []
    collect = candidates or learned is not None
    if collect:
        for line in headings:
            mentions = find_mentions(line, gazetteer, context)
            considered += sentence_candidates(
                line,
                -1,
                mentions=mentions,
                previous=[],
                kept=[],
                published_year=date.year,
                headline=True,
            )
    recent: list = []  # the monuments of the last sentence that named any
    for index, sentence in enumerate(sentences):
        following = sentences[index + 1].text if index + 1 < len(sentences) else ""
        list_items: tuple[str, ...] = ()
        if sentence.text.rstrip().endswith(":"):
            # A list may follow, an item a sentence ("The damaged buildings included:").
            list_items = tuple(s.text for s in sentences[index + 1 : index + 1 + LIST_ITEMS])
        previous = discourse.mentions
        kept = claims_in_sentence(
            sentence.text,
            gazetteer=gazetteer,
            context=context,
            published_on=date,
            discourse=discourse,
            following=following,
            list_items=list_items,
        )
        claims += kept
        if collect:
            mentions = find_mentions(
                sentence.text, gazetteer, context, previous, following, list_items
            )
            considered += sentence_candidates(
                sentence.text,
                index,
                mentions=mentions,
                previous=recent,
                kept=kept,
                published_year=date.year,
            )
            recent = mentions or recent
    if learned is not None:
        sites = {slug for slug, place in gazetteer.places.items() if place.is_site}
        claims = learned.claims(considered, claims, sites)
    _assign_keys(claims)
    if not claims:
        names = ", ".join(sorted(gazetteer.get(slug).name for slug in named))
        warnings.append(NO_CLAIM.format(names=names))

    prefix = meta.outlet or (meta.wire_credits[0] if meta.wire_credits else None)
    draft = DraftSource(
        key=key or source_key(prefix.slug if prefix else "", date, meta.title),
        title=meta.title or "(untitled)",
        published_on=date,
        byline=meta.byline,
        dateline=meta.dateline,
        outlet=meta.outlet,
        wire_credits=meta.wire_credits,
        photo_credits=meta.photo_credits,
        claims=claims,
        warnings=warnings,
        url=url,
        date_from_text=published_on is None and meta.published_on is not None,
        candidates=considered,
        named=frozenset(named),
    )
    body = "\n".join(s.text for s in sentences)
    draft.fingerprint = fingerprint_of(body)
    copies = find_copies(
        body,
        published_on=date,
        credits={o.slug for o in meta.wire_credits if o.kind != UNNAMED_AGENCIES},
        unnamed_credit=any(o.kind == UNNAMED_AGENCIES for o in meta.wire_credits),
        known=list(known_sources(date)) if known_sources else [],
        fingerprint=draft.fingerprint,
    )
    draft.copies_passages_from = [c.key for c in copies]
    draft.copy_shares = {c.key: c.share for c in copies if c.share is not None}
    draft.notes = _notes(draft, copies, meta)
    return draft


def _assign_keys(claims: list[DraftClaim]) -> None:
    used: set[str] = set()
    for claim in claims:
        base = f"{claim.monument}-{claim.state.replace('_', '-')}"[:76].strip("-")
        key, n = base, 2
        while key in used:
            key, n = f"{base}-{n}", n + 1
        used.add(key)
        claim.key = key


def _notes(draft: DraftSource, copies: list[Copy], meta: Metadata) -> str:
    notes = ["Drafted from the article's text; every claim awaits review."]
    if meta.outlet is not None and meta.outlet_read_from:
        notes.append(
            f"The outlet, {meta.outlet.name}, is read from {meta.outlet_read_from} and is "
            "new to the registry: check it, and whether another outlet published the page."
        )
    for copy in copies:
        if copy.share is not None:
            notes.append(
                f"Likely a copy of {copy.key}: about {copy.share:.0%} of its text is found "
                "in that source's fingerprint."
            )
            continue
        words = copy.passage.split()
        shown = " ".join(words[:20]) + (" …" if len(words) > 20 else "")
        notes.append(
            f"Likely a copy of {copy.key}: shares its wire credit and repeats its passage "
            f'"{shown}" ({len(words)} words).'
        )
    return " ".join(notes)
