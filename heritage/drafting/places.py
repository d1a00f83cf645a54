"""Recognising monuments in a sentence through the gazetteer's names and aliases.

The gazetteer is plain data (:class:`Place`), read from the registry by
``heritage/drafting/registry.py`` or from a fixture file by :func:`places_from_fixture`.
Names are compared after ``heritage.text.normalise`` (case, accents, Arabic marks and
letter variants), with and without spaces ("Baal Shamin" finds "Baalshamin").

Besides names, a sentence refers to monuments in vaguer ways, each recognised by a
general rule and marked so that the curator sees how it was read:

* a member of a group by its head noun ("the minaret of Aleppo's Umayyad Mosque");
* a definite head noun that only one monument of the article's site has ("the
  museum", "the ziggurat");
* a plural head noun ("two large temples", "its ancient temples"): every monument of
  the article's site with that head noun, inferred;
* the site as a whole ("the ancient site", "80% of the site", "several monuments");
* a count before a group ("a dozen tower tombs": 12 members).

A descriptive alias (all lower case, like "amphitheatre" or "the citadel") counts only
for a site that the article names, so that it does not pull in a monument elsewhere.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from heritage.drafting.dates import CARDINALS
from heritage.drafting.reading import Token, tokenize
from heritage.text import normalise

SITE_KIND = "site"
GROUP_KINDS = {"tomb_group"}
# Kinds whose word can stand for the monument ("the statue"); others are too generic.
KIND_WORDS = {
    "temple": "temple",
    "arch": "arch",
    "statue": "statue",
    "museum": "museum",
    "fortress": "fortress",
    "theatre": "theatre",
    "monastery": "monastery",
}
# Head nouns that describe too many things to identify a monument by themselves.
GENERIC_HEADS = {
    "structure",
    "building",
    "monument",
    "site",
    "city",
    "town",
    "street",
    "area",
    "gate",
    "wall",
    "part",
    "complex",
}
# How many: plural counts only ("two temples"; "one of the temples" names no group).
NUMBERS = {
    **{word: n for word, n in CARDINALS.items() if n > 1},
    "a dozen": 12,
    "half a dozen": 6,
    "a couple of": 2,
    "a pair of": 2,
}
_NUMBER = (
    r"(?P<number>\d{1,3}|"
    + "|".join(sorted((re.escape(k) for k in NUMBERS), key=len, reverse=True))
    + r")"
)
# "three of the best-preserved ", "a dozen ", "two of the site's treasured "
_COUNT_BEFORE = re.compile(
    rf"\b{_NUMBER}\s+(?:of\s+(?:the|its|their)\s+(?:[\w’'-]+['’]s\s+)?)?(?:[\w-]+\s+){{0,3}}$",
    re.IGNORECASE,
)
_SHARE_BEFORE = re.compile(
    r"\b(?P<share>much|most|large parts?|parts?|some|half|the bulk|all|"
    r"(?P<percent>\d{1,3})\s*(?:%|percent|per cent))\s+of\s+(?:(?:the|its|their)\s+)?$",
    re.IGNORECASE,
)
_MAJORITY = {"much", "most", "large part", "large parts", "half", "the bulk"}
_MINORITY = {"part", "parts", "some"}
_LOCATIVE_BEFORE = re.compile(
    r"\b(?:outside|near|nearby|beside|next to|behind|around|opposite|across from|towards?|"
    r"close to|overlooking|entrance to|away from|on the outskirts of|off)\s+"
    r"(?:(?:the|its|their|a)\s+)?$",
    re.IGNORECASE,
)
_SITE_WORDS = re.compile(
    r"\b(?:the|its|this)\s+(?:(?:whole|entire|ancient|archaeological|historic|heritage)\s+)*"
    r"(?:site|ruins)\b|"
    r"\b(?:the|its)\s+(?:ancient|old|historic)\s+city\b(?!\s+of\b)",
    re.IGNORECASE,
)
_PARTIAL_GROUP = re.compile(
    r"\b(?P<q>several|some|many|most|other|a few|a number of|dozens of|scores of|"
    r"(?P<percent>\d{1,3})\s*(?:%|percent|per cent)\s+of)\s+(?:of\s+)?"
    r"(?:(?:its|the|their)\s+)?(?:[\w-]+\s+){0,2}?(?:monuments|landmarks|ruins)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Place:
    """A monument of the registry, as the drafting rules see it."""

    slug: str
    name: str
    kind: str
    site: str
    part_of: str | None = None
    aliases: tuple[str, ...] = ()

    @property
    def is_site(self) -> bool:
        return self.kind == SITE_KIND


@dataclass(frozen=True)
class _Name:
    slug: str
    descriptive: bool  # all lower case: a description rather than a proper name


@dataclass
class Mention:
    """A reference to one or more monuments in a text, with how it was recognised.

    ``how`` is ``name`` (a name or alias), ``member`` (a member of a named group by its
    head noun), ``definite`` ("the museum"), ``vague`` ("two temples") or ``site`` (the
    site as a whole through a generic word).
    """

    start: int
    end: int
    slugs: tuple[str, ...]
    how: str
    text: str
    quantity: int | None = None
    share: str | None = None  # "minority" or "majority" of the place: "much of", "80% of"
    percent: int | None = None
    locative: bool = False  # "outside the museum": where, not what
    note: str = ""
    site_level: bool = False

    @property
    def inferred(self) -> bool:
        return self.how in {"definite", "vague", "site"}


def _variants(name: str) -> list[str]:
    """A name and, for "Tower tombs (Valley of the Tombs)", each part separately."""
    inner = re.findall(r"\(([^)]*)\)", name)
    outer = re.sub(r"\([^)]*\)", " ", name).strip()
    return [v for v in [outer, *inner] if v.strip()]


def head_noun(name: str) -> str | None:
    """The noun a name is about: the word before "of", else the last word."""
    words = normalise(re.sub(r"\([^)]*\)", " ", name)).split()
    if not words:
        return None
    if "of" in words[1:]:
        return words[words.index("of", 1) - 1]
    return words[-1]


def plural(noun: str) -> str:
    if noun.endswith(("s", "x", "ch", "sh")):
        return noun + "es"
    if noun.endswith("y") and noun[-2:-1] not in "aeiou":
        return noun[:-1] + "ies"
    return noun + "s"


class Gazetteer:
    """The places of the registry, indexed for matching names in text."""

    def __init__(self, places: Iterable[Place]):
        self.places: dict[str, Place] = {p.slug: p for p in places}
        self._names: dict[str, list[_Name]] = defaultdict(list)
        self._spaceless: dict[str, list[_Name]] = defaultdict(list)
        self.longest = 1
        self.members: dict[str, list[str]] = defaultdict(list)
        self.site_monument: dict[str, str] = {}
        # site -> head noun -> monuments of the site with that head noun
        self.heads: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        # The same, from names only: kind words stand for one monument ("the statue") but
        # their plurals are common nouns ("statues smashed inside the museum").
        self.name_heads: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        # group -> head noun -> member
        self.member_heads: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        for place in self.places.values():
            self._index(place)

    def _index(self, place: Place) -> None:
        if place.part_of:
            self.members[place.part_of].append(place.slug)
        if place.is_site and (place.slug == place.site or place.site not in self.site_monument):
            self.site_monument[place.site] = place.slug
        for full in (place.name, *place.aliases):
            for variant in _variants(full):
                words = normalise(variant).split()
                if not words:
                    continue
                descriptive = variant == variant.lower() and variant != variant.upper()
                entry = _Name(place.slug, descriptive)
                self._names[" ".join(words)].append(entry)
                if len(words) > 1:
                    self._spaceless["".join(words)].append(entry)
                self.longest = max(self.longest, len(words))
                head = head_noun(variant)
                if (
                    not place.is_site
                    and head
                    and head not in GENERIC_HEADS
                    and not head.endswith("s")
                    and head.isalpha()
                ):
                    self.heads[place.site][head].add(place.slug)
                    self.name_heads[place.site][head].add(place.slug)
                    if place.part_of:
                        self.member_heads[place.part_of][head].add(place.slug)
        kind_word = KIND_WORDS.get(place.kind)
        if kind_word:
            self.heads[place.site][kind_word].add(place.slug)

    def get(self, slug: str) -> Place:
        return self.places[slug]

    def lookup(self, words: list[str]) -> list[_Name]:
        key = " ".join(words)
        found = self._names.get(key) or self._spaceless.get(key.replace(" ", ""))
        return list(found or [])

    # --- article context ---------------------------------------------------------------

    def site_scores(self, text: str) -> Counter:
        """How often each site is named (by its own or its monuments' proper names)."""
        scores: Counter = Counter()
        for _start, _end, names in self.name_matches(tokenize(text)):
            proper = {n.slug for n in names if not n.descriptive}
            sites = {self.places[slug].site for slug in proper}
            if len(sites) == 1:
                scores[sites.pop()] += 1
        return scores

    def name_matches(self, tokens: list[Token]):
        """Longest name matches, left to right, without overlaps: (first, last+1, names)."""
        i = 0
        while i < len(tokens):
            for length in range(min(self.longest, len(tokens) - i), 0, -1):
                names = self.lookup([t.norm for t in tokens[i : i + length]])
                if names:
                    yield i, i + length, names
                    i += length
                    break
            else:
                i += 1


@dataclass
class Context:
    """What the article is about: the sites it names (most named first) and its main
    site, the one vague references are read against (none when two sites tie)."""

    sites: list[str] = field(default_factory=list)
    main_site: str | None = None


def article_context(gazetteer: Gazetteer, text: str) -> Context:
    scores = gazetteer.site_scores(text)
    ranked = [site for site, _ in scores.most_common()]
    tie = len(ranked) > 1 and scores[ranked[0]] == scores[ranked[1]]
    return Context(sites=ranked, main_site=None if tie or not ranked else ranked[0])


def find_mentions(
    text: str,
    gazetteer: Gazetteer,
    context: Context,
    previous: list[Mention] | None = None,
) -> list[Mention]:
    """Every reference to a monument in *text* (offsets within *text*), in order.

    *previous*: the mentions of the sentence before, for a sentence that opens with a
    group's member ("… the Great Mosque. Its minaret lies in a heap of stones.")."""
    tokens = tokenize(text)
    named_sites = set(context.sites)
    mentions: list[Mention] = []
    for first, last, names in gazetteer.name_matches(tokens):
        slugs = _resolve(names, gazetteer, context, named_sites)
        if not slugs:
            continue
        start, end = tokens[first].start, tokens[last - 1].end
        mention = Mention(start, end, slugs, "name", text[start:end])
        mentions.append(_as_member(mention, text, gazetteer) or mention)
    mentions += _possessed_members(text, gazetteer, mentions)
    mentions += _opening_member(text, gazetteer, mentions, previous or [])
    if context.main_site:
        mentions += _definite(text, gazetteer, context, mentions)
        mentions += _vague(text, gazetteer, context, mentions)
        mentions += _site_words(text, gazetteer, context, mentions)
    mentions.sort(key=lambda m: m.start)
    for mention in mentions:
        _qualify(mention, text, gazetteer)
    return mentions


def _resolve(
    names: list[_Name], gazetteer: Gazetteer, context: Context, named_sites: set[str]
) -> tuple[str, ...]:
    """The monument a matched name means, using the article's sites for ambiguity."""
    candidates = {
        n.slug for n in names if not n.descriptive or gazetteer.get(n.slug).site in named_sites
    }
    if len(candidates) > 1:
        for site in context.sites:
            in_site = {slug for slug in candidates if gazetteer.get(slug).site == site}
            if in_site:
                candidates = in_site
                break
    return tuple(candidates) if len(candidates) == 1 else ()


def _as_member(mention: Mention, text: str, gazetteer: Gazetteer) -> Mention | None:
    """ "the minaret of Aleppo's Umayyad Mosque" names the mosque's minaret."""
    (group,) = mention.slugs
    heads = gazetteer.member_heads.get(group)
    if not heads:
        return None
    alternatives = "|".join(sorted(heads, key=len, reverse=True))
    before = re.search(
        rf"\b(?P<head>{alternatives})\s+of\s+(?:the\s+)?(?:[\w-]+['’]s\s+)?$",
        text[: mention.start],
        re.IGNORECASE,
    )
    after = re.match(rf"(?:['’]s)?\s+(?P<head>{alternatives})\b", text[mention.end :], re.I)
    if before:
        start, end, head = before.start("head"), mention.end, before.group("head")
    elif after:
        start, end, head = mention.start, mention.end + after.end("head"), after.group("head")
    else:
        return None
    members = heads[head.lower()]
    if len(members) != 1:
        return None
    return Mention(start, end, tuple(members), "member", text[start:end])


def _possessed_members(text: str, gazetteer: Gazetteer, mentions: list[Mention]) -> list[Mention]:
    """ "the Umayyad Mosque, whose minaret was toppled": the group's member."""
    found: list[Mention] = []
    for group in mentions:
        if len(group.slugs) != 1 or not gazetteer.member_heads.get(group.slugs[0]):
            continue
        heads = gazetteer.member_heads[group.slugs[0]]
        alternatives = "|".join(sorted(heads, key=len, reverse=True))
        pattern = re.compile(
            rf"\b(?:whose|its)\s+(?:[a-z][\w-]*\s+){{0,2}}?(?P<head>{alternatives})\b", re.I
        )
        match = pattern.search(text, group.end, min(len(text), group.end + 40))
        if not match or not _free(match.start(), match.end(), mentions + found):
            continue
        members = heads[match.group("head").lower()]
        if len(members) == 1:
            found.append(
                Mention(match.start(), match.end(), tuple(members), "member", match.group())
            )
    return found


def _opening_member(
    text: str, gazetteer: Gazetteer, mentions: list[Mention], previous: list[Mention]
) -> list[Mention]:
    groups = [
        m.slugs[0]
        for m in previous
        if len(m.slugs) == 1 and gazetteer.member_heads.get(m.slugs[0])
    ]
    if not groups:
        return []
    heads = gazetteer.member_heads[groups[-1]]
    alternatives = "|".join(sorted(heads, key=len, reverse=True))
    match = re.match(
        rf"[\"“‘']?(?:Its|Their)\s+(?:[a-z][\w-]*\s+){{0,2}}?(?P<head>(?i:{alternatives}))\b", text
    )
    if not match or not _free(match.start(), match.end(), mentions):
        return []
    members = heads[match.group("head").lower()]
    if len(members) != 1:
        return []
    return [Mention(match.start(), match.end(), tuple(members), "member", match.group())]


def _free(start: int, end: int, mentions: list[Mention]) -> bool:
    return all(end <= m.start or start >= m.end for m in mentions)


def _definite(
    text: str, gazetteer: Gazetteer, context: Context, mentions: list[Mention]
) -> list[Mention]:
    """ "the museum": the only museum of the main site or, failing that, of the next
    site the article names ("the ziggurat at Nimrud" in an article about Mosul)."""
    sites = [context.main_site, *(s for s in context.sites if s != context.main_site)]
    heads: dict[str, set[str]] = {}
    for site in sites:
        for head, slugs in gazetteer.heads.get(site, {}).items():
            heads.setdefault(head, slugs)
    if not heads:
        return []
    alternatives = "|".join(sorted(heads, key=len, reverse=True))
    found = []
    # Adjectives in lower case only: "the Great Colonnade" is a name, not a description.
    # "the museum", "the old minaret", "the ancient city's ziggurat", "Nimrud's ziggurat".
    pattern = re.compile(
        rf"(?:\b(?:[Tt]he|[Tt]his|[Tt]hat)\s+(?:[a-z0-9][\w-]*\s+){{0,2}}?"
        rf"(?:[a-z][\w-]*['’]s\s+)?|\b[A-Z][\w-]*['’]s\s+(?:[a-z][\w-]*\s+)?)"
        rf"(?P<head>(?i:{alternatives}))\b(?!-)"
    )
    for match in pattern.finditer(text):
        slugs = heads[match.group("head").lower()]
        if len(slugs) != 1 or not _free(match.start(), match.end(), mentions + found):
            continue
        (slug,) = slugs
        note = (
            f"'{match.group()}': the only {match.group('head').lower()} of "
            f"{_site_name(gazetteer, gazetteer.get(slug).site)} in the registry is "
            f"{gazetteer.get(slug).name}."
        )
        found.append(
            Mention(match.start(), match.end(), (slug,), "definite", match.group(), note=note)
        )
    return found


def _vague(
    text: str, gazetteer: Gazetteer, context: Context, mentions: list[Mention]
) -> list[Mention]:
    heads = gazetteer.name_heads.get(context.main_site, {})
    plurals = {plural(head): head for head in heads}
    if not plurals:
        return []
    alternatives = "|".join(sorted(plurals, key=len, reverse=True))
    found = []
    for match in re.finditer(rf"\b(?:{alternatives})\b", text, re.IGNORECASE):
        if not _free(match.start(), match.end(), mentions + found):
            continue
        head = plurals[match.group().lower()]
        slugs = tuple(sorted(heads[head], key=lambda s: gazetteer.get(s).name))
        count = _COUNT_BEFORE.search(text[: match.start()])
        start = count.start() if count else _phrase_start(text, match.start())
        phrase = text[start : match.end()]
        names = " and ".join(gazetteer.get(s).name for s in slugs)
        note = (
            f"'{phrase}': the {match.group().lower()} of "
            f"{_site_name(gazetteer, context.main_site)} in the registry: {names}."
        )
        number = _count(count.group("number")) if count else None
        if number and number < len(slugs):
            note += f" The text says {number}: keep only those meant."
        found.append(Mention(start, match.end(), slugs, "vague", phrase, note=note))
    return found


def _phrase_start(text: str, position: int) -> int:
    """Start of "its ancient " or "the two large " before a noun."""
    match = re.search(r"\b(?:the|its|their|his|her)\s+(?:[\w-]+\s+){0,3}$", text[:position], re.I)
    return match.start() if match else position


def _site_words(
    text: str, gazetteer: Gazetteer, context: Context, mentions: list[Mention]
) -> list[Mention]:
    site = gazetteer.site_monument.get(context.main_site)
    if not site:
        return []
    found = []
    for pattern in (_PARTIAL_GROUP, _SITE_WORDS):
        for match in pattern.finditer(text):
            if not _free(match.start(), match.end(), mentions + found):
                continue
            mention = Mention(match.start(), match.end(), (site,), "site", match.group())
            mention.note = (
                f"'{match.group()}': read as {gazetteer.get(site).name} as a whole, "
                "the site the article is about."
            )
            if pattern is _PARTIAL_GROUP:
                q = match.group("q").lower()
                if match.group("percent"):
                    mention.percent = int(match.group("percent"))
                mention.share = "majority" if q == "most" else "minority"
            found.append(mention)
    return found


def _qualify(mention: Mention, text: str, gazetteer: Gazetteer) -> None:
    """Counts, shares and locative use, from the words just before the mention."""
    before = text[: mention.start]
    places = [gazetteer.get(slug) for slug in mention.slugs]
    mention.site_level = all(p.is_site for p in places)
    if _LOCATIVE_BEFORE.search(before):
        mention.locative = True
    share = _SHARE_BEFORE.search(before)
    if share and mention.share is None:
        word = share.group("share").lower()
        if share.group("percent"):
            mention.percent = int(share.group("percent"))
            mention.share = "majority" if mention.percent >= 50 else "minority"
        elif word in _MAJORITY:
            mention.share = "majority"
        elif word in _MINORITY:
            mention.share = "minority"
    if mention.percent is not None and mention.share is None:
        mention.share = "majority" if mention.percent >= 50 else "minority"
    if len(places) == 1 and (
        places[0].kind in GROUP_KINDS or gazetteer.members.get(places[0].slug)
    ):
        count = _COUNT_BEFORE.search(before)
        if count and mention.how == "name":
            mention.quantity = _count(count.group("number"))


def _count(word: str) -> int | None:
    word = word.lower()
    if word.isdigit():
        return int(word) or None
    return NUMBERS.get(word)


def _site_name(gazetteer: Gazetteer, site: str | None) -> str:
    slug = gazetteer.site_monument.get(site or "")
    return gazetteer.get(slug).name if slug else (site or "the site")


# --- gazetteer from plain data -----------------------------------------------------------


def places_from_fixture(records: Iterable[dict]) -> list[Place]:
    """Places from fixture objects (heritage.monument and heritage.alias), for evaluation
    and tests that run without a database."""
    monuments: dict[str, dict] = {}
    aliases: dict[str, list[str]] = defaultdict(list)
    for record in records:
        fields = record.get("fields", {})
        if record.get("model") == "heritage.monument":
            monuments[fields["slug"]] = fields
        elif record.get("model") == "heritage.alias":
            aliases[fields["monument"][0]].append(fields["name"])
    return [
        Place(
            slug=slug,
            name=fields["name"],
            kind=fields["kind"],
            site=fields["site"][0],
            part_of=(fields.get("part_of") or [None])[0],
            aliases=tuple(aliases[slug]),
        )
        for slug, fields in monuments.items()
    ]
