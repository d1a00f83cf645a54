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
from heritage.drafting.states import PARTS, find_cues
from heritage.text import matched_key, normalise

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
    "quarter",
    "neighbourhood",
    "neighborhood",
    "district",
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
    r"(?P<percent>\d{1,3})\s*(?:%|percent|per cent))\s+of\s+(?:(?:the|its|their)\s+)?$|"
    r"(?<!\ba\s)\b(?P<half>half)\s+(?:the\s+)?$|"  # "half the city"
    # "part of the administrative wing of the palace"
    r"\b(?P<part>parts?|sections?|portions?)\s+of\s+(?:(?:the|its)\s+)?(?:[\w’'-]+\s+){0,2}?"
    r"(?:wing|unit|block|section|building|complex|compound|area|quarter|district|"
    r"grounds|premises|structure|roof|walls?|interior)\s+"
    r"of\s+(?:(?:the|its|their)\s+)?$",
    re.IGNORECASE,
)
_MAJORITY = {"much", "most", "large part", "large parts", "half", "the bulk"}
_MINORITY = {"part", "parts", "some"}
_LOCATIVE_BEFORE = re.compile(
    r"\b(?:outside|near|nearby|beside|next to|behind|around|opposite|across from|towards?|"
    r"close to|overlooking|entrance to|away from|on the outskirts of|off|in front of|"
    r"(?:at|on|by)\s+the\s+(?:far\s+)?(?:end|edge|foot|top|side|head|corner)\s+of)\s+"
    r"(?:(?:the|its|their|a)\s+)?$",
    re.IGNORECASE,
)
# A site named in a prepositional phrase or as a possessor is where something is, not
# what a sentence says something about: "near the northern city of Mosul", "a source
# from Mosul", "Mosul's al-Nuri mosque". After a word for the place itself ("the
# ancient city of Nimrud", "ruins of Hatra") it is the place.
_PLACE_PHRASE_BEFORE = re.compile(
    r"\b(?P<prep>in|at|near|from|around|outside|across|into|towards?|beyond|within|inside|"
    r"throughout|of|to|south|north|east|west)\s+(?:(?:the|its|their|a|an)\s+)?"
    r"(?:(?!(?:of|in|at|to|from|near|into)\b)[\w,’'-]+\s+){0,3}?"
    r"(?:(?:city|town|village|capital|region|province|governorate|"
    r"quarter|area)\s+of\s+)?$",
    re.IGNORECASE,
)
_PLACE_NOUN_OF = re.compile(
    r"\b(?:city|town|village|capital|site|ruins|remains|heritage|treasures|parts?|much|"
    r"most|some|all|half|rest|whole|centre|center|core|destruction|demolition|razing|"
    r"levelling|leveling|looting|sack|bombing|shelling|bombardment|restoration|"
    r"reconstruction|rebuilding|recapture|capture|fall)\s+of\s+(?:(?:the|its)\s+)?"
    r"(?:[\w,’'-]+\s+){0,3}?$",
    re.IGNORECASE,
)
# A part of a building or site named before it: "a wing of Preah Vihear", "the walls of
# the citadel"; not a place by it ("at the gates of Mosul", "at the entrance of").
_PART_OF = re.compile(
    r"(?<!\bat\s)(?<!\bnear\s)(?<!\bby\s)(?<!\bto\s)(?<!\bfrom\s)(?<!\binto\s)"
    r"(?<!\bat\sthe\s)(?<!\bnear\sthe\s)(?<!\bby\sthe\s)(?<!\bto\sthe\s)(?<!\bfrom\sthe\s)"
    r"\b(?:wings?|roofs?|walls|domes?|fa[cç]ades?|minarets?|naves?|vaults?|columns|colonnades?|"
    r"porticos?|courtyards?|interior|ceilings?|towers?|ramparts|arches|frescoe?s|murals)\s+"
    r"of\s+(?:(?:the|its|their|our)\s+)?$",
    re.IGNORECASE,
)
_SITE_WORDS = re.compile(
    r"\b(?:the|its|this)\s+(?:(?:whole|entire|ancient|archaeological|historic|heritage|"
    r"[a-z0-9][\w,]*-[\w-]+)\s+)*(?:site|ruins)\b|"
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
    qualified: bool = False  # the monument's only where its place is named

    @property
    def proper(self) -> bool:
        """A proper name that stands for its monument wherever it is read."""
        return not (self.descriptive or self.qualified)


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
        return self.how in {
            "definite",
            "vague",
            "site",
            "following",
            "article",
            "fuzzy",
            "previous",
        }


def _variants(name: str, places: frozenset[str] = frozenset()) -> list[tuple[str, bool]]:
    """A name and, for "Tower tombs (Valley of the Tombs)", each part separately, each
    with whether it names the monument only where its place is named.

    A part that only places the monument ("Temple of Bacchus (Baalbek)", "Saint George
    Church, Yaroun": a name of *places*, normalised) is not a name of it: the name
    without it is, in an article that names that place ("Saint George Church" is
    Yaroun's only where Yaroun is named)."""
    parts = re.findall(r"\(([^)]*)\)", name)
    inner = [part for part in parts if normalise(part) not in places]
    outer = re.sub(r"\([^)]*\)", " ", name).strip()
    variants = [(outer, len(inner) < len(parts))]
    head, comma, tail = outer.rpartition(",")
    if comma and head.strip() and normalise(tail) in places:
        variants.append((head.strip(), True))
    return [
        (v, qualified) for v, qualified in [*variants, *((i, False) for i in inner)] if v.strip()
    ]


def head_noun(name: str) -> str | None:
    """The noun a name is about: the word before "of", else the last word. An
    apostrophe inside a word does not part it ("al-Shafi'i" is one word, not "i")."""
    words = normalise(re.sub(r"['’](?=\w)", "", re.sub(r"\([^)]*\)", " ", name))).split()
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

    def __init__(self, places: Iterable[Place], site_names: dict[str, str] | None = None):
        """*site_names*: site slug -> the site's name, so that an article naming a site
        without a site-level monument ("a theatre was bombed in Mariupol") is read
        against that site's monuments."""
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
        # monument -> the head nouns that may stand for it ("cathedral", "shrine")
        self.heads_of: dict[str, set[str]] = defaultdict(set)
        self._deletions: dict[str, set[str]] | None = None  # built on first fuzzy lookup
        # The names that place a monument: its site's, and a site-level monument's.
        self._place_names = frozenset(
            normalise(name)
            for name in [
                *(site_names or {}).values(),
                *(n for p in self.places.values() if p.is_site for n in (p.name, *p.aliases)),
            ]
        )
        for place in self.places.values():
            self._index(place)
        # Names of the sites that no site-level monument stands for: they place an
        # article, they are never claimed.
        self.site_names: dict[tuple[str, ...], str] = {}
        for site, name in (site_names or {}).items():
            if site in self.site_monument:
                continue
            words = tuple(normalise(_variants(name)[0][0]).split())
            if words:
                self.site_names[words] = site

    def _index(self, place: Place) -> None:
        if place.part_of:
            self.members[place.part_of].append(place.slug)
        if place.is_site and (place.slug == place.site or place.site not in self.site_monument):
            self.site_monument[place.site] = place.slug
        places = self._place_names if not place.is_site else frozenset()
        for full in (place.name, *place.aliases):
            for variant, qualified in _variants(full, places):
                words = normalise(variant).split()
                if not words:
                    continue
                descriptive = variant == variant.lower() and variant != variant.upper()
                entry = _Name(place.slug, descriptive, qualified)
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
                    self.heads_of[place.slug].add(head)
                    if place.part_of:
                        self.member_heads[place.part_of][head].add(place.slug)
        kind_word = KIND_WORDS.get(place.kind)
        if kind_word:
            self.heads[place.site][kind_word].add(place.slug)
            self.heads_of[place.slug].add(kind_word)
        name_head = head_noun(place.name)
        if kind_word and name_head and name_head.endswith("s") and not place.is_site:
            # A monument named in the plural ("Buddhas of Bamiyan"): "the Buddhas", "the
            # statues".
            self.heads[place.site][name_head].add(place.slug)
            self.heads[place.site][plural(kind_word)].add(place.slug)

    def get(self, slug: str) -> Place:
        return self.places[slug]

    def lookup(self, words: list[str]) -> list[_Name]:
        key = " ".join(words)
        found = self._names.get(key) or self._spaceless.get(key.replace(" ", ""))
        return list(found or [])

    def lookup_misspelt(self, words: list[str]) -> list[_Name]:
        """Proper names one typing slip away from *words* (a letter added, dropped,
        changed or two swapped: "Nimurd", "Nabi Tunus"), when exactly one name is; only
        names of at least ``FUZZY_MIN_LETTERS`` letters, so that short words never match."""
        key = " ".join(words)
        if len(key.replace(" ", "")) < FUZZY_MIN_LETTERS:
            return []
        if self._deletions is None:
            self._deletions = defaultdict(set)
            for name, entries in self._names.items():
                if len(name.replace(" ", "")) >= FUZZY_MIN_LETTERS and any(
                    e.proper for e in entries
                ):
                    for variant in _deletions(name):
                        self._deletions[variant].add(name)
        candidates = set()
        for variant in _deletions(key):
            candidates |= self._deletions.get(variant, set())
        close = [
            name
            for name in candidates
            if name.count(" ") == key.count(" ") and _one_slip(key, name)
        ]
        if len(close) != 1:
            return []
        return [e for e in self._names[close[0]] if e.proper]

    # --- article context ---------------------------------------------------------------

    def site_scores(self, text: str) -> Counter:
        """How often each site is named (by its own or its monuments' proper names)."""
        scores: Counter = Counter()
        tokens = tokenize(text)
        for _start, _end, names in self.name_matches(tokens):
            proper = {n.slug for n in names if n.proper}
            sites = {self.places[slug].site for slug in proper}
            if len(sites) == 1:
                scores[sites.pop()] += 1
        for _start, _end, site in self.site_name_matches(tokens):
            scores[site] += 1
        return scores

    def site_name_matches(self, tokens: list[Token]):
        """(first, last+1, site) for each name of a site without a site-level monument."""
        norms = [t.norm for t in tokens]
        for words, site in self.site_names.items():
            for i in range(len(norms) - len(words) + 1):
                if tuple(norms[i : i + len(words)]) == words:
                    yield i, i + len(words), site

    def name_matches(self, tokens: list[Token], misspelt: bool = False):
        """Longest name matches, left to right, without overlaps: (first, last+1, names).

        With *misspelt*, a capitalised word or phrase that no name matches may match a
        proper name with one typing slip (``lookup_misspelt``); those come as
        (first, last+1, names, True)."""
        i = 0
        while i < len(tokens):
            for length in range(min(self.longest, len(tokens) - i), 0, -1):
                names = self.lookup([t.norm for t in tokens[i : i + length]])
                if names:
                    yield i, i + length, names
                    i += length
                    break
            else:
                found = None
                if misspelt and tokens[i].text[:1].isupper():
                    for length in range(min(self.longest, len(tokens) - i), 0, -1):
                        words = tokens[i : i + length]
                        if not all(
                            t.text[:1].isupper() or t.norm in _NAME_PARTICLES for t in words
                        ):
                            continue
                        following = tokens[i + length] if i + length < len(tokens) else None
                        if following is not None and following.text[:1].isupper():
                            continue  # part of a longer name: "Nimrod Hotel" is not Nimrud
                        names = self.lookup_misspelt([t.norm for t in words])
                        if names:
                            found = (i, i + length, names, True)
                            break
                if found:
                    yield found
                    i = found[1]
                else:
                    i += 1


FUZZY_MIN_LETTERS = 6
# Lower-case words inside proper names ("Temple of Bel", "Nabi al-Yunus").
_NAME_PARTICLES = {"of", "the", "al", "el", "de", "du", "des", "la", "le", "ibn", "bin", "and"}


def _deletions(word: str) -> set[str]:
    return {word, *(word[:i] + word[i + 1 :] for i in range(len(word)))}


def _one_slip(a: str, b: str) -> bool:
    """True when *a* and *b* differ by one letter added, dropped, changed, or by two
    neighbouring letters swapped."""
    if a == b or abs(len(a) - len(b)) > 1:
        return a == b
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diff) == 1 or (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and a[diff[1]] == b[diff[0]]
        )
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


@dataclass
class Context:
    """What the article is about: the sites it names (most named first) and its main
    site, the one vague references are read against (none when two sites tie)."""

    sites: list[str] = field(default_factory=list)
    main_site: str | None = None
    named: set[str] = field(default_factory=set)  # monuments named by a proper name


def article_context(gazetteer: Gazetteer, text: str) -> Context:
    scores = gazetteer.site_scores(text)
    ranked = [site for site, _ in scores.most_common()]
    tie = len(ranked) > 1 and scores[ranked[0]] == scores[ranked[1]]
    context = Context(sites=ranked, main_site=None if tie or not ranked else ranked[0])
    for _start, _end, names in gazetteer.name_matches(tokenize(text)):
        # A name two monuments share ("Transfiguration Cathedral") is the one of a site
        # the article names.
        proper = [n for n in names if n.proper]
        context.named.update(_resolve(proper, gazetteer, context, set(ranked)))
    return context


def find_mentions(
    text: str,
    gazetteer: Gazetteer,
    context: Context,
    previous: list[Mention] | None = None,
    following: str = "",
    list_items: tuple[str, ...] = (),
) -> list[Mention]:
    """Every reference to a monument in *text* (offsets within *text*), in order.

    *previous*: the mentions of the sentence before, for a sentence that opens with a
    group's member ("… the Great Mosque. Its minaret lies in a heap of stones.").
    *following*: the next sentence, which may name what this one leaves unnamed ("a
    historic cathedral was badly damaged. The Transfiguration Cathedral is …")."""
    tokens = tokenize(text)
    named_sites = set(context.sites)
    mentions: list[Mention] = []
    for first, last, names, *misspelt in gazetteer.name_matches(tokens, misspelt=True):
        slugs = _resolve(names, gazetteer, context, named_sites)
        if not slugs:
            continue
        start, end = tokens[first].start, tokens[last - 1].end
        how = "fuzzy" if misspelt else "name"
        mention = Mention(start, end, slugs, how, text[start:end])
        if misspelt:
            mention.note = (
                f"'{text[start:end]}': read as a misspelling of {gazetteer.get(slugs[0]).name}."
            )
        mentions.append(_as_member(mention, text, gazetteer) or mention)
    mentions += _possessed_members(text, gazetteer, mentions)
    mentions += _opening_member(text, gazetteer, mentions, previous or [])
    mentions += _generic_reference(text, gazetteer, mentions, previous or [])
    if following:
        mentions += _named_next(text, gazetteer, context, mentions, following)
        mentions += _listed_next(text, gazetteer, context, mentions, following, list_items)
    mentions += _named_elsewhere(text, gazetteer, context, mentions)
    mentions += _one_of_a_named_site(text, tokens, gazetteer, mentions)
    if context.main_site:
        mentions += _definite(text, gazetteer, context, mentions)
        mentions += _vague(text, gazetteer, context, mentions)
        mentions += _site_words(text, gazetteer, context, mentions)
    inferred = [
        m
        for m in mentions
        if m.how in {"definite", "vague", "following", "article"} and len(m.slugs) == 1
    ]
    mentions += _possessed_members(text, gazetteer, inferred, mentions)
    mentions.sort(key=lambda m: m.start)
    for mention in mentions:
        _qualify(mention, text, gazetteer)
    return mentions


def _resolve(
    names: list[_Name], gazetteer: Gazetteer, context: Context, named_sites: set[str]
) -> tuple[str, ...]:
    """The monument a matched name means, using the article's sites for ambiguity."""
    candidates = {n.slug for n in names if n.proper or gazetteer.get(n.slug).site in named_sites}
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
    members = matched_key(heads, head)
    if len(members) != 1:
        return None
    return Mention(start, end, tuple(members), "member", text[start:end])


def _possessed_members(
    text: str, gazetteer: Gazetteer, mentions: list[Mention], taken: list[Mention] = ()
) -> list[Mention]:
    """ "the Umayyad Mosque, whose minaret was toppled": the group's member."""
    found: list[Mention] = []
    taken = list(taken) or mentions
    for group in mentions:
        if len(group.slugs) != 1 or not gazetteer.member_heads.get(group.slugs[0]):
            continue
        heads = gazetteer.member_heads[group.slugs[0]]
        alternatives = "|".join(sorted(heads, key=len, reverse=True))
        pattern = re.compile(
            rf"\b(?:whose|its)\s+(?:[a-z][\w-]*\s+){{0,2}}?(?P<head>{alternatives})\b", re.I
        )
        match = pattern.search(text, group.end, min(len(text), group.end + 60))
        if not match or not _free(match.start(), match.end(), taken + found):
            continue
        members = matched_key(heads, match.group("head"))
        if len(members) == 1:
            how = "member" if group.how == "name" else group.how
            found.append(
                Mention(
                    match.start(), match.end(), tuple(members), how, match.group(), note=group.note
                )
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
    members = matched_key(heads, match.group("head"))
    if len(members) != 1:
        return []
    return [Mention(match.start(), match.end(), tuple(members), "member", match.group())]


_GENERIC = re.compile(
    r"\b(?:[Tt]he|[Tt]his|[Tt]hat)\s+(?:[a-z][\w-]*\s+)?(?:building|structure|edifice|"
    r"landmark|monument)\b(?!\s+of\b)"
)
_PRONOUN_OPENING = re.compile(r"^[\"“‘']?(?:It|This)\s+(?=(?:was|has|had|is|caused|suffered)\b)")


_PART_SUBJECT = re.compile(
    rf"(?:^|[,;:]\s+)[\"“‘']?(?:[Tt]he|[Ii]ts|[Tt]heir)\s+(?:[a-z][\w-]*\s+){{0,2}}?"
    rf"(?P<part>{PARTS.pattern})(?=(?:\s+and\s+(?:the\s+|its\s+)?[a-z][\w-]*)?\s+"
    rf"(?:was|were|had|has|have|is|are|fell|collapsed|caved)\b)"
)


def _generic_reference(
    text: str, gazetteer: Gazetteer, mentions: list[Mention], previous: list[Mention]
) -> list[Mention]:
    """ "… recovered the Mosul Museum … found that the building was in ruin", and a
    sentence opening with "It was …" or "This caused …" after a sentence about one
    monument: the monument named last."""
    named = [m for m in mentions if not m.site_level and len(m.slugs) == 1]
    earlier = [m for m in previous if not m.site_level and len(m.slugs) == 1]
    found: list[Mention] = []
    for match in _GENERIC.finditer(text):
        before = [m for m in named if m.end <= match.start()]
        pool = before or earlier
        if not pool or not _free(match.start(), match.end(), mentions + found):
            continue
        slug = pool[-1].slugs[0]
        how = "definite" if before else "previous"
        note = f"'{match.group()}': read as {gazetteer.get(slug).name}, named just before."
        found.append(Mention(match.start(), match.end(), (slug,), how, match.group(), note=note))
    if not named and len({m.slugs for m in earlier}) == 1:
        # "… the church. As a result of shelling, the walls and roof were damaged": a
        # clause whose subject is a part, in a sentence naming nothing, is about the
        # monument of the sentence before. The mention is empty, placed after the part,
        # so that the part is read as the part of it.
        slug = earlier[-1].slugs[0]
        for match in _PART_SUBJECT.finditer(text):
            at = match.end("part")
            if not _free(match.start("part"), at, mentions + found):
                continue
            note = (
                f"'{match.group().lstrip(',;: ')}': a part of {gazetteer.get(slug).name}, "
                "named just before."
            )
            found.append(Mention(at, at, (slug,), "previous", "", note=note))
    opening = _PRONOUN_OPENING.match(text)
    if opening and not named and len({m.slugs for m in earlier}) == 1:
        slug = earlier[-1].slugs[0]
        note = (
            f"'{opening.group().strip()}': read as {gazetteer.get(slug).name}, named just before."
        )
        found.append(
            Mention(
                opening.start(), opening.end(), (slug,), "previous", opening.group(), note=note
            )
        )
    return found


def _unnamed_one(heads: set[str]) -> re.Pattern:
    """ "a historic Orthodox cathedral", "its famous cathedral", "one mosque", "one of
    the most storied mosques": one monument described by its head noun (a count, "192
    mosques", is not one)."""
    alternatives = "|".join(sorted(heads, key=len, reverse=True))
    return re.compile(
        rf"\b(?:(?:[Aa]n?|[Ii]ts|[Tt]heir|[Oo]ne(?!\s+(?:of|day|time|more|other|another|after|by)\b))\s+(?:[\w’'-]+\s+){{0,4}}?"
        rf"(?P<head>(?i:{alternatives}))\b|"
        rf"[Oo]ne\s+of\s+(?:the\s+)?(?:[\w’'-]+['’]s\s+)?(?:[\w’'-]+\s+){{0,4}}?"
        rf"(?P<heads>(?i:{alternatives}))(?:e?s)?\b)"
    )


_NEXT_WORD = re.compile(r"\s+([a-z][a-z-]*)\b")


# "a nearby mosque", "another church": a monument other than the one in view.
_ANOTHER = re.compile(
    r"\b(?:nearby|neighbou?ring|another|other|second|different|adjacent|local)\b", re.I
)


def _modifies_a_noun(text: str, end: int, reference: str = "") -> bool:
    """ "a mosque library", "a church school": the head noun describes the noun after
    it, which is what the sentence speaks of, not the monument; "a nearby mosque",
    "another church" is some other monument."""
    from heritage.drafting.states import FOLLOWERS  # states does not import places

    if _ANOTHER.search(reference):
        return True
    following = _NEXT_WORD.match(text, end)
    if not following:
        return False
    word = following.group(1)
    return not (word in FOLLOWERS or word.endswith(("ed", "ing", "ly", "en")))


def _named_next(
    text: str, gazetteer: Gazetteer, context: Context, mentions: list[Mention], following: str
) -> list[Mention]:
    """ "a historic Orthodox cathedral", "one of the most storied mosques": a monument left
    unnamed, named in the next sentence by a name with the same head noun."""
    upcoming = []
    for _first, _last, names in gazetteer.name_matches(tokenize(following)):
        slugs = _resolve(names, gazetteer, context, set(context.sites))
        if len(slugs) == 1 and not gazetteer.get(slugs[0]).is_site:
            upcoming.append(slugs[0])
    found: list[Mention] = []
    for slug in dict.fromkeys(upcoming):
        heads = gazetteer.heads_of.get(slug)
        if not heads:
            continue
        for match in _unnamed_one(heads).finditer(text):
            if not _free(match.start(), match.end(), mentions + found) or _modifies_a_noun(
                text, match.end(), match.group()
            ):
                continue
            note = f"'{match.group()}': named in the next sentence as {gazetteer.get(slug).name}."
            found.append(
                Mention(match.start(), match.end(), (slug,), "following", match.group(), note=note)
            )
            break
    return found


# "… air attacks destroyed dozens of churches, monasteries and museums. Among these are
# the Ikorta Church, …": the next sentence names which of a plural this one speaks of.
_LIST_OPENING = re.compile(
    r"^\W*(?:among\s+(?:these|them|those)\s+(?:are|is|was|were)|these\s+include[sd]?)\b",
    re.IGNORECASE,
)
# The plural nouns a list of monuments is announced by.
_MONUMENT_PLURALS = (
    r"(?:churches|mosques|monasteries|museums|sites|buildings|monuments|structures|shrines|"
    r"tombs|temples|landmarks|palaces|cathedrals|libraries)"
)
_PLURAL_OF_MONUMENTS = re.compile(
    rf"\b(?:{_NUMBER}|dozens|scores|hundreds|several|many|numerous|a\s+number)\s+(?:of\s+)?"
    rf"(?:[\w’'-]+,?\s+(?:and\s+)?){{0,4}}?{_MONUMENT_PLURALS}\b",
    re.IGNORECASE,
)
# The list ends at an exception ("…, but not the mosque") or at the end of its clause.
# A sentence that opens a list after a colon: "It said the damaged buildings included:",
# "the following churches were damaged by the shelling:".
_COLON_LIST = re.compile(
    r"\b(?:include[sd]?|including|are|were|comprise[sd]?|among\s+them)\s*:\s*$|"
    r"\bthe\s+following\b[^:]*:\s*$",
    re.IGNORECASE,
)
_THE_FOLLOWING = re.compile(r"\bthe\s+following\s+", re.IGNORECASE)
_CLAUSE_BREAK = re.compile(r"[,;]|\b(?:and|but|while|whereas)\b", re.IGNORECASE)
_PLURAL_BEFORE_COLON = re.compile(
    rf"\b(?:[\w’'-]+\s+){{0,3}}?{_MONUMENT_PLURALS}\b", re.IGNORECASE
)
_LIST_END = re.compile(r"\b(?:but|except|excluding|apart\s+from|other\s+than)\b|[.;:!?]")
_LIST_ITEM_SEPARATOR = re.compile(r",|\band\b")
# An item naming a monument only as where something is: "houses near the mosque".
_ITEM_LOCATIVE = re.compile(
    r"\b(?:near|beside|behind|opposite|outside|around|at|in|by|next\s+to|close\s+to|"
    r"from|of)\s+(?:the\s+)?(?:[\w’'-]+\s+){0,3}$",
    re.IGNORECASE,
)


def _listed_next(
    text: str,
    gazetteer: Gazetteer,
    context: Context,
    mentions: list[Mention],
    following: str,
    list_items: tuple[str, ...] = (),
) -> list[Mention]:
    """A plural of monuments ("dozens of churches", "11 cultural and historical sites")
    whose members the next sentence lists ("Among these are …", "These include …"):
    each item of the list that opens with a monument's name (not a site, nor a
    monument named only as where something is: "houses near the mosque") is a mention
    here, on the plural nearest the end of the sentence, so that what this sentence
    says of the plural is read for it.

    A sentence ending with a colon ("It said the damaged buildings included:") may be
    followed by its items, a sentence each (*list_items*): its plural is the one of its
    last clause, and each item counts while its opening words name a monument and it
    says nothing of a state itself."""
    opening = _LIST_OPENING.match(following)
    colon = _COLON_LIST.search(text)
    if not opening and not (colon and list_items):
        return []
    if opening:
        plurals = [
            m for m in _PLURAL_OF_MONUMENTS.finditer(text) if _free(m.start(), m.end(), mentions)
        ]
    else:
        following_at = _THE_FOLLOWING.search(text)
        last_clause = (
            following_at.start()  # "the following churches and monastery … were damaged:"
            if following_at
            else max((m.end() for m in _CLAUSE_BREAK.finditer(text, 0, colon.start())), default=0)
        )
        plurals = [
            m
            for m in _PLURAL_BEFORE_COLON.finditer(text, last_clause)
            if _free(m.start(), m.end(), mentions)
        ]
    if not plurals:
        return []
    if opening:
        body = following[opening.end() :]
        body = body[len(body) - len(body.lstrip(" :")) :]  # "These include: …"
        ended = _LIST_END.search(body)
        body = body[: ended.start()] if ended else body
    else:
        # Each item's opening words, up to its first comma (not its first stop: "St.").
        items = []
        for item in list_items:
            opening_words = re.split(r"[,;:]", item, maxsplit=1)[0]
            if find_cues(item) or not any(
                True for _ in gazetteer.name_matches(tokenize(opening_words))
            ):
                break  # the list is over: an item naming no monument, or a sentence
            items.append(opening_words)
        body = ", ".join(items)
    tokens = tokenize(body)
    listed = []
    for first, _last, names in gazetteer.name_matches(tokens):
        start = tokens[first].start
        item_start = max(
            (m.end() for m in _LIST_ITEM_SEPARATOR.finditer(body, 0, start)), default=0
        )
        if _ITEM_LOCATIVE.search(body[item_start:start]):
            continue
        slugs = _resolve(names, gazetteer, context, set(context.sites))
        if len(slugs) == 1 and not gazetteer.get(slugs[0]).is_site:
            listed.append(slugs[0])
    plural = plurals[-1]
    return [
        Mention(
            plural.start(),
            plural.end(),
            (slug,),
            "following",
            plural.group(),
            note=(
                f"'{plural.group()}': {gazetteer.get(slug).name} is listed among them in "
                "the next sentence."
            ),
        )
        for slug in dict.fromkeys(listed)
    ]


def _named_elsewhere(
    text: str, gazetteer: Gazetteer, context: Context, mentions: list[Mention]
) -> list[Mention]:
    """ "Missiles badly damaged a historic Orthodox cathedral in Odesa. … The
    Transfiguration Cathedral is …": a monument described by its head noun is the one
    monument with that head noun that the article names anywhere (its headline and
    captions included); two named with that noun leave it unread."""
    by_head: dict[str, set[str]] = defaultdict(set)
    for slug in context.named:
        if gazetteer.get(slug).is_site:
            continue
        for head in gazetteer.heads_of.get(slug, ()):
            by_head[head].add(slug)
    unique = {head: slugs for head, slugs in by_head.items() if len(slugs) == 1}
    if not unique:
        return []
    found: list[Mention] = []
    for match in _unnamed_one(set(unique)).finditer(text):
        head = (match.group("head") or match.group("heads")).lower()
        if not _free(match.start(), match.end(), mentions + found) or _modifies_a_noun(
            text, match.end(), match.group()
        ):
            continue
        (slug,) = matched_key(unique, match.group("head") or match.group("heads"))
        note = f"'{match.group()}': the article names one {head}, {gazetteer.get(slug).name}."
        found.append(
            Mention(match.start(), match.end(), (slug,), "article", match.group(), note=note)
        )
    return found


def _one_of_a_named_site(
    text: str, tokens: list[Token], gazetteer: Gazetteer, mentions: list[Mention]
) -> list[Mention]:
    """ "A theater was bombed in Mariupol": a monument described by its head noun in a
    sentence that names its site, when the site has only one monument with that noun."""
    sites = {site for _first, _last, site in gazetteer.site_name_matches(tokens)}
    sites |= {
        gazetteer.get(m.slugs[0]).site for m in mentions if m.how == "name" and len(m.slugs) == 1
    }
    found: list[Mention] = []
    for site in sorted(sites):
        heads = {head: slugs for head, slugs in gazetteer.heads.get(site, {}).items()}
        single = {head for head, slugs in heads.items() if len(slugs) == 1}
        if not single:
            continue
        for match in _unnamed_one(single).finditer(text):
            if match.group("head") is None or not _free(
                match.start(), match.end(), mentions + found
            ):
                continue
            (slug,) = matched_key(heads, match.group("head"))
            note = (
                f"'{match.group()}': the only {match.group('head').lower()} of "
                f"{_site_name(gazetteer, site)} in the registry is {gazetteer.get(slug).name}."
            )
            found.append(
                Mention(match.start(), match.end(), (slug,), "definite", match.group(), note=note)
            )
    return found


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
        rf"(?:\b(?:[Tt]he|[Tt]his|[Tt]hat)\s+(?:\[[^\]]{{1,30}}\]\s+)?(?:[a-z0-9][\w-]*\s+){{0,2}}?"
        rf"(?:[a-z][\w-]*['’]s\s+)?|\b[A-Z][\w-]*['’]s\s+(?:[a-z][\w-]*\s+)?)"
        rf"(?P<head>(?i:{alternatives}))\b(?!-)"
    )
    for match in pattern.finditer(text):
        slugs = matched_key(heads, match.group("head"))
        if len(slugs) > 1:
            # "the mosque" in an article that names one of the site's mosques.
            slugs = slugs & context.named
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
        head = matched_key(plurals, match.group())
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
        if number and number > len(slugs):
            continue  # "192 mosques": more than the registry holds, so not these ones
        if _NAMED_AFTER.match(text, match.end()):
            continue  # "five mosques, namely the Grand Mosque, …": those named, not all
        if number is None and _SOME_OF_THEM.search(text[: match.start()]):
            continue  # "several mosques damaged": which ones, the text does not say
        if number is None and re.search(
            r"\bone\s+of\s+(?:the\s+)?(?:[\w’'-]+\s+){0,5}$", text[: match.start()], re.I
        ):
            number = 1
            if len(slugs) > 1:
                continue  # "one of the city's shrines": which one, the text does not say
        if number and number < len(slugs):
            note += f" The text says {number}: keep only those meant."
        found.append(Mention(start, match.end(), slugs, "vague", phrase, note=note))
    return found


# An indefinite share of a kind of monument: "several mosques", "some of the churches".
_SOME_OF_THEM = re.compile(
    r"\b(?:several|some|many|a\s+few|few|various|numerous|a\s+number\s+of|dozens\s+of|"
    r"scores\s+of|hundreds\s+of|other)\s+(?:of\s+(?:the|its|their)\s+)?(?:[\w’'-]+\s+){0,2}$",
    re.IGNORECASE,
)


# A plural followed by the names of its members.
_NAMED_AFTER = re.compile(
    r"\s*(?:[,:–—-]\s*)?(?:namely|including|such\s+as|among\s+them|among\s+which|:)",
    re.IGNORECASE,
)


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
    # "… the streets of Sukhumi, and half the city was in ruins": a plain "the city"
    # after the sentence has named the site is that site.
    named_before = [m.end for m in mentions if m.how in {"name", "fuzzy"} and m.slugs == (site,)]
    for match in _THE_TOWN.finditer(text):
        ends = [end for end in named_before if end <= match.start()]
        if not ends or _ANOTHER_PLACE.search(text, max(ends), match.start()):
            continue  # not named before it, or another place named between
        if _ANOTHER_PLACE.search(text, match.end(), match.end() + 40):
            continue  # "the town they were sent to, Butig": another town, named
        if not _free(match.start(), match.end(), mentions + found):
            continue
        mention = Mention(match.start(), match.end(), (site,), "site", match.group())
        mention.note = (
            f"'{match.group()}': read as {gazetteer.get(site).name}, named before it in "
            "the sentence."
        )
        found.append(mention)
    return found


_THE_TOWN = re.compile(
    r"\bthe\s+(?:city|town)\b(?!\s+(?:of|centre|center|council|hall|authorit\w*)\b)(?!['’])",
    re.IGNORECASE,
)
# Between a site's name and "the city": another place, by its name or as "a nearby town".
_ANOTHER_PLACE = re.compile(
    r"(?<![.!?]\s)(?<!^)\b[A-Z][a-z]|\b(?:a|an|another|nearby|neighbouring|neighboring)\s+"
    r"(?:[\w-]+\s+)?(?:city|town|village|district|suburb)\b"
)


def _qualify(mention: Mention, text: str, gazetteer: Gazetteer) -> None:
    """Counts, shares and locative use, from the words just before the mention."""
    before = text[: mention.start]
    places = [gazetteer.get(slug) for slug in mention.slugs]
    mention.site_level = all(p.is_site for p in places)
    if _LOCATIVE_BEFORE.search(before):
        mention.locative = True
    if mention.site_level and mention.how in {"name", "fuzzy"} and _place_phrase(text, mention):
        mention.locative = True
    share = _SHARE_BEFORE.search(before)
    if share and mention.share is None:
        word = (share.group("share") or share.group("half") or "part").lower()
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
        if count and mention.how in {"name", "fuzzy"}:
            mention.quantity = _count(count.group("number"))


def _place_phrase(text: str, mention: Mention) -> bool:
    """A site named where something is (see ``_PLACE_PHRASE_BEFORE``)."""
    before = text[max(0, mention.start - 80) : mention.start]
    after = text[mention.end : mention.end + 60]
    if re.match(r"['’]s?\s", after):
        # "Mosul's al-Nuri mosque", "Hatra's larger buildings": the possessor of what
        # follows (a part of the site is still about the site: see the claims' parts).
        return not re.match(
            r"['’]s?\s+(?:[a-z][\w-]*\s+){0,2}(?:buildings|houses|parts?|"
            r"structures|monuments|heritage|sites?|ruins|walls?)\b",
            after,
        )
    phrase = _PLACE_PHRASE_BEFORE.search(before)
    if not phrase:
        return False
    if re.search(
        r"\b(?:damage|destruction|devastation)\s+(?:at|to|in|on)\s+(?:the\s+)?"
        r"(?:[\w’'-]+\s+){0,3}$",
        before,
        re.IGNORECASE,
    ):
        return False  # "the damage at Hatra": what was damaged
    if phrase.group("prep").lower() == "of" and _PART_OF.search(before):
        return False  # "a wing of Preah Vihear", "the walls of the citadel": a part of it
    return not (phrase.group("prep").lower() == "of" and _PLACE_NOUN_OF.search(before))


def _count(word: str) -> int | None:
    word = word.lower()
    if word.isdigit():
        return int(word) or None
    return NUMBERS.get(word)


def _site_name(gazetteer: Gazetteer, site: str | None) -> str:
    slug = gazetteer.site_monument.get(site or "")
    if slug:
        return gazetteer.get(slug).name
    names = [" ".join(w).title() for w, s in gazetteer.site_names.items() if s == site]
    return names[0] if names else (site or "the site")


# --- gazetteer from plain data -----------------------------------------------------------


def sites_from_fixture(records: Iterable[dict]) -> dict[str, str]:
    """Site slug -> name, from fixture objects (heritage.site)."""
    return {
        record["fields"]["slug"]: record["fields"]["name"]
        for record in records
        if record.get("model") == "heritage.site" and "slug" in record.get("fields", {})
    }


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
