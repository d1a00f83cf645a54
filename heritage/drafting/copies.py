"""Likely copies: a new text that repeats a registered source's text verbatim.

The registry keeps no full texts. A copy shows in two ways:

* the new text's fingerprint (``fingerprint``: hashed word shingles) shares passages
  with the fingerprint of a source published before it, whatever their credits; the
  copy is flagged with the share of the new text found in the registered one;
* for a source drafted before fingerprints were kept, an excerpt of its claims
  reappears word for word in the new text. Both conditions must hold:

* the two share a wire credit (the same agency, or an unnamed "agency inputs" credit
  on either side, which may be any agency), and were published within a few days,
  the registered one first;
* the new text contains a passage of at least ``MIN_WORDS`` consecutive words of one of
  the registered source's excerpts (compared after ``normalise``).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from heritage.drafting.fingerprint import shared_text
from heritage.text import normalise

MIN_WORDS = 8
MAX_DAYS = 3
UNNAMED = "unnamed_agencies"


@dataclass(frozen=True)
class KnownSource:
    """A registered source as the copy check sees it."""

    key: str
    published_on: datetime.date
    credits: frozenset[str]  # slugs of its wire credits
    unnamed_credit: bool  # one of them is an "agency inputs" credit
    excerpts: tuple[str, ...]
    fingerprint: str = ""


@dataclass(frozen=True)
class Copy:
    key: str
    passage: str = ""  # the shared words of an excerpt, normalised
    share: float | None = None  # of the new text found in the source's fingerprint


def shared_credit(credits: set[str], unnamed: bool, other: KnownSource) -> bool:
    if credits & other.credits:
        return True
    return bool((unnamed and other.credits) or (other.unnamed_credit and credits))


def find_copies(
    text: str,
    *,
    published_on: datetime.date,
    credits: set[str],
    unnamed_credit: bool,
    known: list[KnownSource],
    fingerprint: str = "",
) -> list[Copy]:
    """Registered sources that *text* likely copies: by fingerprint, with the share of
    the text found in theirs, else by an excerpt, with the longest passage shared."""
    words = normalise(text).split()
    grams = {tuple(words[i : i + MIN_WORDS]) for i in range(len(words) - MIN_WORDS + 1)}
    found = []
    for source in known:
        if source.published_on > published_on:
            continue
        if fingerprint and source.fingerprint:
            shared = shared_text(fingerprint, source.key, source.fingerprint)
            if shared:
                found.append(Copy(source.key, share=shared.share))
            continue
        if (
            not datetime.timedelta(0)
            <= published_on - source.published_on
            <= datetime.timedelta(days=MAX_DAYS)
        ):
            continue
        if not shared_credit(credits, unnamed_credit, source):
            continue
        passage = _longest_shared(words, grams, source.excerpts)
        if passage:
            found.append(Copy(source.key, passage))
    return found


def _longest_shared(words: list[str], grams: set, excerpts: tuple[str, ...]) -> str:
    best: list[str] = []
    joined = " " + " ".join(words) + " "
    for excerpt in excerpts:
        excerpt_words = normalise(excerpt).split()
        for i in range(len(excerpt_words) - MIN_WORDS + 1):
            if tuple(excerpt_words[i : i + MIN_WORDS]) not in grams:
                continue
            end = i + MIN_WORDS
            while (
                end < len(excerpt_words)
                and (" " + " ".join(excerpt_words[i : end + 1]) + " ") in joined
            ):
                end += 1
            if end - i > len(best):
                best = excerpt_words[i:end]
    return " ".join(best)
