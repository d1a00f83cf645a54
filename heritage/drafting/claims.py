"""Claims from one sentence: which monument, which state, said by whom, and when.

A sentence is cut into clauses at commas, semicolons, dashes and clause-opening
conjunctions ("but", "while", "and has …"). A state cue (``states.find_cues``) claims
the monuments named in its own clause, and in the list that continues it ("…,
including the Tower of Elahbel"); a clause that names none ("…, blown up in 2015, …",
"…, which the militants blew up in October 2015") is about the monument named before
it. A site named only as the place where something happened ("three funerary towers
in Palmyra") is not claimed when a monument of the clause is.

The date of an event is the date written in its own clause ("blown up in 2015");
a condition ("in ruins", "still standing") may also take the date of the
observation reported in the sentence ("told Reuters on Saturday that …").
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from heritage.drafting import evaluation, states
from heritage.drafting.dates import DateMention, date_mentions, full_dates
from heritage.drafting.places import Context, Gazetteer, Mention, find_mentions

EYEWITNESS = "eyewitness"
IMAGERY = "imagery"
OFFICIAL = "official"
MONITORING_GROUP = "monitoring_group"
REPORTED = "reported"
UNATTRIBUTED = "unattributed"

_BREAK = re.compile(
    r",[\"'”’]?\s+|;\s*|:\s+|\s*[—―]\s*|\s+[–-]{1,2}\s+|\s+(?=(?:but|while|whereas|although|though)\b)|"
    r"\s+(?=and\s+(?:has|have|had|was|were|is|are|also|then|later|that)\b)"
)
_CONTINUATION = re.compile(
    r"^(?:including|among\s+them|among\s+which|as\s+well\s+as|along\s+with|such\s+as|"
    r"notably|namely|together\s+with|and|or)\b",
    re.IGNORECASE,
)
_LIST_FILLER = re.compile(
    r"^(?:\s|\b(?:the|a|an|and|or|its|their|both|also|as well as|other|several|some|dozen|"
    r"two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\d+)\b|[\"'“”‘’.])*$",
    re.I,
)
# A clause whose first word starts its own subject ("the first victory for Iraq's army
# since it collapsed") is not about the monument of the clause before.
_OWN_SUBJECT = re.compile(
    r"^(?:(?:but|and|while|although|though|so|yet)\s+)?"
    r"(?:the|a|an|this|these|those|some|many|most|several|one|two|three|they|he|she|we|i|you|"
    r"[A-Z][\w’'-]*)\b"
)
_BACK_REFERENCE = re.compile(
    r"^(?:(?:but|and|while|although|though|so|yet)\s+)?(?:its|their|whose|which|that|who|it)\b",
    re.I,
)
_SAY = re.compile(
    r"\b(?:said|says|told|tells|reported|added|adds|confirmed|confirms|announced|announces|"
    r"warned|stated|noted|showed|shows|show|saw|revealed|reveals|indicated|indicates)\b"
)
_MODAL_BEFORE = re.compile(r"\b(?:could|can|would|will|may|might)\s+$")
_ACCORDING = re.compile(r"\baccording\s+to\s+(?P<who>[^,;.]{2,100})")
_WHO_LEAD = re.compile(
    r"^(?:but|and|while|although|though|that|as|so|which|who|whom)\s+", re.IGNORECASE
)
_PRONOUN = re.compile(r"^(?:he|she|they|it|we|i|you|this|that)$", re.IGNORECASE)
_EVIDENCE_WORDS = [
    (
        IMAGERY,
        re.compile(
            r"\b(?:satellite|aerial|imagery|images?|pictures|photographs|photos|footage|video|"
            r"drone)\b",
            re.I,
        ),
    ),
    (
        EYEWITNESS,
        re.compile(
            r"\b(?:correspondents?|photographers?|reporters?|journalists?|witness(?:es)?|"
            r"residents?|guards?|visited|visitors?|saw)\b",
            re.I,
        ),
    ),
    (
        MONITORING_GROUP,
        re.compile(
            r"\b(?:observatory|monitor|monitoring|activists?|watchdog|rights\s+group|ngos?)\b",
            re.I,
        ),
    ),
    (
        OFFICIAL,
        re.compile(
            r"\b(?:ministry|minister|officials?|chief|director|head|department|governor|"
            r"military|army|source|spokes(?:man|woman|person)|unesco|government|"
            r"authorit(?:y|ies)|antiquities|experts?|state\s+media|state\s+television|"
            r"president|council|curator|archaeologists?)\b",
            re.I,
        ),
    ),
]
_IMAGERY_IN_CLAUSE = re.compile(
    r"\b(?:satellite\s+(?:images?|imagery|pictures|photos)|aerial\s+(?:images?|pictures|"
    r"photos|footage)|(?:in|as\s+far\s+as)\s+the\s+images)\b",
    re.I,
)
_CAUSE_WORDS = [
    (
        states.SHELLING,
        re.compile(
            r"\b(?:shell(?:ing|s|ed)?|air\s?strikes?|tank\s+fire|mortars?|"
            r"bombard\w*|rockets?|missiles?)\b",
            re.I,
        ),
    ),
    (
        states.EXPLOSIVES,
        re.compile(
            r"\b(?:explosions?|explosives?|blast|bombs?|dynamit\w*|"
            r"detonat\w*)\b",
            re.I,
        ),
    ),
    (states.FIGHTING, re.compile(r"\b(?:fighting|clashes|battles?|combat|fought)\b", re.I)),
    (states.LOOTING, re.compile(r"\b(?:looting|looters|looted)\b", re.I)),
    (states.VANDALISM, re.compile(r"\b(?:sledgehammers?|bulldozers?|heavy\s+vehicles)\b", re.I)),
    (states.MISUSE, re.compile(r"\bexecutions?\b", re.I)),
]
_DAMAGE_STATES = {states.DAMAGED, states.SEVERELY_DAMAGED, states.DESTROYED}
MAX_EXCERPT = 1000  # DamageReport.excerpt's limit


@dataclass
class DraftClaim:
    """A claim as drafted for review (``DamageReport`` fields, monument by slug)."""

    monument: str
    state: str
    excerpt: str
    attributed_to: str = ""
    evidence: str = UNATTRIBUTED
    observed_from: datetime.date | None = None
    observed_to: datetime.date | None = None
    cause: str = ""
    quantity: int | None = None
    inferred: bool = False
    inference_note: str = ""
    key: str = ""
    # How the rules read it (failure classes of ``evaluation``); not part of the fixture.
    readings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Clause:
    start: int  # offsets in the sentence
    end: int
    text: str


@dataclass
class Discourse:
    """What one sentence leaves to the next: who spoke last ("he said"), the roles of
    the people named so far, and the monuments of the last sentence ("Its minaret")."""

    last: tuple[str, str] | None = None  # (attributed_to, evidence)
    roles: dict[str, str] = field(default_factory=dict)  # surname -> evidence kind
    mentions: list[Mention] = field(default_factory=list)


def clauses(sentence: str) -> list[Clause]:
    """The sentence cut at commas, semicolons, dashes and clause-opening conjunctions.

    A comma inside a written date ("March 27, 2016") is not a cut."""
    protected = [(d.start, d.end) for d in full_dates(sentence)]
    cuts = [
        (m.start(), m.end())
        for m in _BREAK.finditer(sentence)
        if not any(s <= m.start() < e for s, e in protected)
    ]
    found = []
    begin = 0
    for start, end in [*cuts, (len(sentence), len(sentence))]:
        chunk = sentence[begin:start]
        if chunk.strip():
            lead = len(chunk) - len(chunk.lstrip())
            text = chunk.strip()
            found.append(Clause(begin + lead, begin + lead + len(text), text))
        begin = end
    return found


def claims_in_sentence(
    sentence: str,
    *,
    gazetteer: Gazetteer,
    context: Context,
    published_on: datetime.date,
    discourse: Discourse | None = None,
    following: str = "",
    list_items: tuple[str, ...] = (),
) -> list[DraftClaim]:
    """Drafted claims made by *sentence* (its text is each claim's excerpt); *following*
    is the next sentence, which may name a monument this one leaves unnamed."""
    discourse = discourse or Discourse()
    attributions = _attributions(sentence, discourse)
    if (
        states.is_question(sentence)
        or states.is_history_of_rebuilding(sentence)
        or states.is_before_the_event(sentence)
    ):
        discourse.mentions = []
        return []
    mentions = find_mentions(
        sentence, gazetteer, context, discourse.mentions, following, list_items
    )
    discourse.mentions = mentions
    if not mentions:
        return []
    parts = clauses(sentence)
    cues_by_clause = []
    hypothetical = states.hypothetical_clauses([clause.text for clause in parts])
    for index, clause in enumerate(parts):
        starts = frozenset(
            m.start - clause.start for m in mentions if clause.start <= m.start < clause.end
        )
        cues = (
            [] if index in hypothetical else states.find_cues(clause.text, mention_starts=starts)
        )
        cues_by_clause.append(cues)
    dates = date_mentions(sentence, published_on)
    claims: list[DraftClaim] = []
    for index, cues in enumerate(cues_by_clause):
        owner = _cue_of_each_mention(parts[index], cues, mentions)
        for cue in cues:
            targets = [
                m
                for m in _targets(
                    index,
                    parts,
                    cues_by_clause,
                    [
                        m
                        for m in mentions
                        if not _beside_the_subject(sentence, parts[index], cue, m, mentions)
                    ],
                )
                if owner.get(id(m), cue) is cue
            ]
            objects = _nominal_object(sentence, parts[index], cue, mentions)
            if objects and cue.phrase.lower().startswith("loss"):
                # "the loss of Palmyra" is a town lost to an enemy; "the loss of the
                # Great Mosque" a building lost to destruction.
                objects = [m for m in objects if not m.site_level]
                if not objects:
                    continue
            if objects:
                targets = objects
            targets = _nearest_per_place(targets, parts[index].start, cue)
            for mention in targets:
                claims += _claims(
                    sentence,
                    parts,
                    index,
                    cue,
                    mention,
                    gazetteer,
                    dates,
                    cues_by_clause,
                    attributions,
                    mentions,
                )
    earlier = _earlier_era(sentence, published_on)
    for claim in claims:
        seen = claim.observed_to or claim.observed_from
        if earlier or (seen and (published_on - seen).days > HISTORY_DAYS):
            claim.readings = tuple(sorted({*claim.readings, evaluation.HISTORY}))
    return _unique_claims(claims)


HISTORY_DAYS = 730
_ERA = re.compile(
    r"\b(?P<year>1[0-9]{3}|20[0-9]{2})(?:s|['’]s)?\b|\b\d{1,2}(?:st|nd|rd|th)[\s-]+century\b",
    re.IGNORECASE,
)


def _earlier_era(sentence: str, published_on: datetime.date) -> bool:
    """The sentence names a year, decade or century more than two years before the
    publication: what it says may be history ("during the 1990s war")."""
    for match in _ERA.finditer(sentence):
        year = match.group("year")
        if year is None or int(year) < published_on.year - HISTORY_DAYS // 365:
            return True
    return False


def _cue_of_each_mention(
    clause: Clause, cues: list[states.Cue], mentions: list[Mention]
) -> dict[int, states.Cue]:
    """With two cues in a clause ("found the temple reduced to rubble and the museum
    looted"), each monument of the clause goes with the cue nearest to it."""
    if len(cues) < 2:
        return {}
    owner = {}
    for mention in mentions:
        if _in(clause, mention):
            start, end = mention.start - clause.start, mention.end - clause.start
            owner[id(mention)] = min(cues, key=lambda cue: _gap(cue, start, end))
    return owner


def _gap(cue: states.Cue, start: int, end: int) -> int:
    """Characters between a mention and a cue; a cue after the mention wins a tie."""
    return cue.start - end if cue.start >= end else max(0, start - cue.end) + 1


def _in(clause: Clause, mention: Mention) -> bool:
    return clause.start <= mention.start < clause.end


def _targets(
    index: int, parts: list[Clause], cues_by_clause: list, mentions: list[Mention]
) -> list[Mention]:
    """The monuments a cue in clause *index* is about (see the module's docstring)."""
    usable = [m for m in mentions if not m.locative]
    targets = [m for m in usable if _in(parts[index], m)]
    if not targets and states.UNITS.search(parts[index].text):
        # "Three ancient buildings collapsed in the Yemeni capital Sanaa": the site where
        # some of its buildings were hit is damaged (see _about_a_part).
        targets = [m for m in mentions if m.locative and m.site_level and _in(parts[index], m)]
    # The list the clause opens: "…, including the Tower of Elahbel", "…, its
    # triumphal arch and a dozen tower tombs".
    for j in range(index + 1, len(parts)):
        if _passed_over(parts, j, cues_by_clause, usable):
            continue  # "managed to rebuild, so far, five mosques, namely …"
        if cues_by_clause[j] or not (
            _CONTINUATION.match(parts[j].text) or _bare_list(parts[j], usable)
        ):
            break
        targets += [m for m in usable if _in(parts[j], m)]
    if targets:
        # "The Temple of Bel, the Arch and the theatre were destroyed" (but not the
        # subject before a relative clause: "The mosque, whose minaret was toppled").
        if not _BACK_REFERENCE.match(parts[index].text):
            for j in range(index - 1, -1, -1):
                if cues_by_clause[j] or not _bare_list(parts[j], usable, before_the_verb=True):
                    break
                targets += [m for m in usable if _in(parts[j], m)]
    elif _refers_back(parts[index]):
        # The monument of the main clause, not one inside a relative clause between:
        # "The mosque, whose minaret was toppled in 2013, was heavily damaged".
        main = [
            m
            for j, part in enumerate(parts[:index])
            if not _BACK_REFERENCE.match(part.text)
            for m in usable
            if _in(part, m)
        ]
        before = main or [m for m in usable if m.start < parts[index].start]
        after = [m for m in usable if index + 1 < len(parts) and _in(parts[index + 1], m)]
        pool = before[::-1] or (after if index == 0 else [])
        preferred = [m for m in pool if not m.site_level] or pool
        targets = preferred[:1]
    if any(not m.site_level for m in targets):
        targets = [m for m in targets if not m.site_level]
    return sorted(targets, key=lambda m: m.start)


def _passed_over(parts: list[Clause], j: int, cues_by_clause: list, mentions: list) -> bool:
    """Clause *j*, between a verb and the monuments it acts on, names none and claims
    nothing: a short aside ("so far") or the plural the next clause names ("five
    mosques", then "namely the Grand Mosque, …")."""
    if cues_by_clause[j] or any(_in(parts[j], m) for m in mentions):
        return False
    text = parts[j].text
    return bool(_ASIDE.fullmatch(text)) or (
        len(text.split()) <= 4
        and j + 1 < len(parts)
        and bool(_CONTINUATION.match(parts[j + 1].text))
    )


# A short aside between a verb and its objects.
_ASIDE = re.compile(
    r"\s*(?:so\s+far|thus\s+far|to\s+date|in\s+total|in\s+all|by\s+now|until\s+now|"
    r"as\s+of\s+now|however|though|too|also)\s*",
    re.IGNORECASE,
)


def _nearest_per_place(mentions: list[Mention], offset: int, cue: states.Cue) -> list[Mention]:
    """One mention per monument: "80% of the site was in good shape and the ancient
    ruins could be restored" claims once, through the nearest mention (for a condition,
    the nearest before it: its subject)."""
    start, end = offset + cue.start, offset + cue.end

    def distance(mention: Mention) -> tuple[int, int]:
        if mention.end <= start:
            return (0 if cue.stative else 1), start - mention.end
        return (1 if cue.stative else 0), max(0, mention.start - end)

    best: dict[tuple[str, ...], Mention] = {}
    for mention in mentions:
        current = best.get(mention.slugs)
        if current is None or distance(mention) < distance(current):
            best[mention.slugs] = mention
    return sorted(best.values(), key=lambda m: m.start)


def _refers_back(clause: Clause) -> bool:
    """A clause without a subject of its own ("blown up in 2015", "which the militants
    blew up", "was also damaged", "its roof was damaged", "several columns were
    toppled") is about what came before."""
    text = clause.text.lstrip("\"'“‘(")
    opening = " ".join(text.split()[:4])
    return (
        bool(_BACK_REFERENCE.match(text))
        or not _OWN_SUBJECT.match(text)
        or bool(states.PARTS.search(opening))
    )


def _bare_list(clause: Clause, mentions: list[Mention], before_the_verb: bool = False) -> bool:
    """A clause that only lists monuments ("the Temple of Bel, the Arch …"); before the
    verb, also one opening an absolute "with X, Y and Z suffering …" (after it, "…,
    with the Arch left standing" contrasts rather than lists)."""
    text = clause.text
    if before_the_verb:
        text = re.sub(r"^\s*with\b", lambda m: " " * len(m.group()), text, flags=re.IGNORECASE)
    inside = [m for m in mentions if _in(clause, m)]
    if not inside:
        return False
    for m in sorted(inside, key=lambda m: m.start, reverse=True):
        a, b = m.start - clause.start, m.end - clause.start
        text = text[:a] + " " + text[b:]
    return bool(_LIST_FILLER.match(text))


def _claims(
    sentence: str,
    parts: list[Clause],
    index: int,
    cue: states.Cue,
    mention: Mention,
    gazetteer: Gazetteer,
    dates: list[DateMention],
    cues_by_clause: list,
    attributions: list[Attribution],
    mentions: list[Mention],
) -> list[DraftClaim]:
    clause = parts[index]
    state = cue.state
    scope_text = clause.text
    readings = _readings(sentence, mention, mentions)
    if _beside_the_subject(sentence, clause, cue, mention, mentions) or _owner_of_a_member(
        sentence, mention, gazetteer
    ):
        return []
    if _joined_along_with(parts, index, mention):
        # "800 homes were destroyed, along with 35 churches": the churches share the
        # verb; the homes are not a part of them (a part listed with them still is:
        # "along with a door at the mosque", "along with the mosque's roof").
        part = _listed_part(parts, index, mention) or _possessed_part(sentence, mention)
    else:
        part = _about_a_part(clause, cue, mention, mentions) or _listed_part(parts, index, mention)
    if part or _relative_to_a_part(parts, index):
        state = states.state_for_part(state, part)
        if state is None:
            return []
        readings.add(evaluation.INTACT_PARTIAL)
    if states.EXCEPTION_AFTER.match(sentence[clause.start + cue.end :]):
        state = states.state_for_exception(state)
    place_kinds = {gazetteer.get(slug).kind for slug in mention.slugs}
    if index > 0 and _BACK_REFERENCE.match(clause.text):
        scope_text = parts[index - 1].text + " " + scope_text  # "…statues, which are in pieces"
    if place_kinds == {"museum"} and _about_contents(scope_text, clause, cue, mention):
        state = states.state_for_contents(state)
    # "the central part of the theatre was destroyed" is read once, as a part.
    share = None if part else mention.share
    if share is None and not part and mention.end <= cue_at_of(clause, cue):
        share = states.share_after(clause.text, cue.end)
    shared = states.state_for_share(state, share)
    if shared != state:
        readings.add(evaluation.INTACT_PARTIAL)
    state = shared

    cue_at = clause.start + cue.start
    observed = _observed(cue, cue_at, index, parts, mention, dates, cues_by_clause)
    following = parts[index + 1] if index + 1 < len(parts) else None
    attributed_to, evidence = _nearest_attribution(attributions, clause, cue_at, following)
    if _IMAGERY_IN_CLAUSE.search(scope_text) or _IMAGERY_IN_CLAUSE.search(
        sentence[: clause.start]
    ):
        evidence = IMAGERY
    elif evidence == UNATTRIBUTED and not attributed_to and own_voice(sentence):
        evidence = REPORTED
    cause = ""
    if state in _DAMAGE_STATES:
        # Words between the neighbouring cues only: "reduced to rubble and the museum
        # looted" does not make the rubble a looting.
        others = [c for c in cues_by_clause[index] if c is not cue]
        left = max([c.end for c in others if c.end <= cue.start], default=0)
        right = min([c.start for c in others if c.start >= cue.end], default=len(clause.text))
        cause = cue.cause or _cause(clause.text[left:right])
    first, last = observed if observed else (None, None)
    # The sentence, or in a very long one its clause: always a verbatim slice.
    excerpt = sentence if len(sentence) <= MAX_EXCERPT else clause.text[:MAX_EXCERPT]
    return [
        DraftClaim(
            monument=slug,
            state=state,
            excerpt=excerpt,
            attributed_to=attributed_to,
            evidence=evidence,
            observed_from=first,
            observed_to=last if last and last != first else None,
            cause=cause,
            quantity=mention.quantity,
            inferred=mention.inferred,
            inference_note=mention.note if mention.inferred else "",
            readings=tuple(sorted(readings)),
        )
        for slug in mention.slugs
    ]


_ALONG_WITH = re.compile(r"(?:along\s+with|together\s+with|as\s+well\s+as)\b", re.IGNORECASE)


def cue_at_of(clause: Clause, cue: states.Cue) -> int:
    """The cue's offset in the sentence."""
    return clause.start + cue.start


def _readings(sentence: str, mention: Mention, mentions: list[Mention]) -> set[str]:
    """The failure classes (``evaluation``) whose rules took part in reading a claim."""
    readings = set()
    if mention.how in {"previous", "following", "article"}:
        readings.add(evaluation.NEIGHBOUR)
    if mention.how == "fuzzy":
        readings.add(evaluation.MISSPELLING)
    if len({m.slugs for m in mentions if not m.site_level}) > 1 or any(
        m.site_level for m in mentions if m is not mention
    ):
        readings.add(evaluation.ATTACHMENT)
    if states.has_modality(sentence):
        readings.add(evaluation.MODALITY)
    return readings


def _about_a_part(
    clause: Clause, cue: states.Cue, mention: Mention, mentions: list[Mention] = ()
) -> str:
    """The part of the monument the clause is about, or "": its subject is a part ("its
    roof was damaged", "the walls of the citadel", "the mosque's walls") or the cue acts
    on one ("damaged the facade of the Roman theatre", "significant damage to pillars
    inside the castle", "destroyed two tombs at the mosque"). Words inside a monument's
    name ("the tomb of Jonah") are not parts."""
    text = clause.text
    at = mention.start - clause.start  # negative: named in an earlier clause
    names = [(m.start - clause.start, m.end - clause.start) for m in mentions]
    for match in states.PARTS.finditer(text, 0, min(len(text), cue.end + 40)):
        if any(a <= match.start() < b for a, b in names):
            continue
        if match.start() >= cue.end:
            between = text[cue.end : match.start()]
            # "damage to the church's walls": the monument owns the part.
            owner = re.search(r"['’]s?\s+(?:[\w-]+\s+){0,2}$", between)
            owned = (
                bool(owner)
                and cue.end <= at < match.start()
                and (mention.end - clause.start == cue.end + owner.start())
            )
            if owned:
                between = text[cue.end : at]
            # "damage to pillars"; after a verb also "destroyed two tombs at"; but after a
            # condition "in the courtyard" says where, not what.
            prepositions = "to|on" if cue.stative else "to|on|in|at|of"
            if owned and re.fullmatch(rf"\s*(?:(?:{prepositions})\s+)?(?:the\s+)?", between, re.I):
                return match.group()
            if re.fullmatch(
                rf"\s*(?:(?:{prepositions})\s+)?"
                rf"(?:(?!(?:in|at|of|on|to|near|inside|outside|from|by)\b)[\w-]+\s+){{0,3}}",
                between,
                re.I,
            ) and (at < 0 or at > match.start()):
                return match.group()
        elif any(
            m is not mention
            and clause.start <= m.start
            and re.fullmatch(
                r"['’]s?\s+(?:[\w-]+\s+){0,2}", text[m.end - clause.start : match.start()]
            )
            for m in mentions
        ):
            continue  # "the mosque's archways": a part of another monument
        elif at < 0 or at > match.start():
            return match.group()
        elif re.search(
            r"(?:\b(?:its|their|whose|of)|['’]s)\s+(?:\w+\s+)?$", text[: match.start()]
        ):
            return match.group()
    return ""


_OF_OBJECT = re.compile(
    r"\s*(?:(?:the|its|their)\s+)?(?:[\w’'-]+\s+){0,3}?"
    r"(?:(?:city|town|village|site|ruins|remains)\s+of\s+)?$",
    re.IGNORECASE,
)


def _nominal_object(
    sentence: str, clause: Clause, cue: states.Cue, mentions: list[Mention]
) -> list[Mention]:
    """ "The destruction of the ancient city of Nimrud came after an attack on the Mosul
    museum": a noun cue ending in "of" claims what its "of" names, nothing else."""
    if not re.search(r"\bof$", cue.phrase, re.IGNORECASE):
        return []
    end = clause.start + cue.end
    after = sorted(
        (m for m in mentions if _in(clause, m) and m.start >= end), key=lambda m: m.start
    )
    if not after or not _OF_OBJECT.fullmatch(sentence[end : after[0].start]):
        return []
    # and the list it heads: "the loss of the Great Mosque of al-Nuri and its minaret"
    objects = after[:1]
    for m in after[1:]:
        if not re.fullmatch(
            r"\s*(?:,\s*)?(?:and|or|as\s+well\s+as)?\s*(?:(?:the|its|their)\s+)?(?:[\w’'-]+\s+){0,2}?",
            sentence[objects[-1].end : m.start],
            re.IGNORECASE,
        ):
            break
        objects.append(m)
    return objects


_POSSESSIVE_PART = re.compile(
    rf"['’]s?\s+(?:[\w-]+\s+){{0,2}}?(?P<part>{states.PARTS.pattern})", re.IGNORECASE
)


def _joined_along_with(parts: list[Clause], index: int, mention: Mention) -> bool:
    """The mention is in the list that continues clause *index* and opens with "along
    with" ("…, along with 35 churches, including the cathedral")."""
    if index + 1 >= len(parts) or not _ALONG_WITH.match(parts[index + 1].text):
        return False
    for clause in parts[index + 1 :]:
        if _in(clause, mention):
            return True
        if not _CONTINUATION.match(clause.text):
            return False
    return False


def _possessed_part(sentence: str, mention: Mention) -> str:
    """ "the mosque's roof", "the church's old wooden doors": the part the monument's
    possessive names."""
    found = _POSSESSIVE_PART.match(sentence, mention.end)
    return found.group("part") if found else ""


def _listed_part(parts: list[Clause], index: int, mention: Mention) -> str:
    """ "They destroyed eight mausoleums, together with a number of tombs and a sacred
    door at Sidi Yahya mosque": a monument reached through the list that continues the
    clause is claimed through its parts named just before it."""
    for clause in parts[index + 1 :]:
        if not _in(clause, mention):
            continue
        before = clause.text[: mention.start - clause.start]
        found = re.search(
            rf"(?P<part>{states.PARTS.pattern})\s+(?:at|of|in|on|inside)\s+(?:the\s+)?$",
            before,
            re.IGNORECASE,
        )
        return found.group("part") if found else ""
    return ""


def _beside_the_subject(
    sentence: str, clause: Clause, cue: states.Cue, mention: Mention, mentions: list[Mention]
) -> bool:
    """ "An air strike on the old quarter … destroyed three houses in the heritage site":
    a monument in a prepositional phrase before a verb that has an object of its own is
    not what the verb acts on."""
    cue_at = clause.start + cue.start
    if cue.stative or not (clause.start <= mention.start < cue_at):
        return False
    if not re.search(
        r"\b(?:on|in|at|from|near|of|against|around|outside)\s+(?:(?:the|its|a|an)\s+)?"
        r"(?:[\w’'-]+\s+){0,2}$",
        sentence[clause.start : mention.start],
        re.I,
    ):
        return False
    after = sentence[clause.start + cue.end : clause.end]
    has_object = bool(
        re.match(r"\s+(?:the|its|their|a|an|\d+|two|three|four|five|several|some)\b", after, re.I)
    ) or any(m.start >= clause.start + cue.end and _in(clause, m) for m in mentions)
    return has_object


def _about_contents(scope_text: str, clause: Clause, cue: states.Cue, mention: Mention) -> bool:
    """Statues or relics, not the museum's building, are what the cue acts on: named
    nearer to the cue than the museum ("smashing statues in the museum"; but "found the
    building in ruin, its artefacts looted" is about the building)."""
    offset = len(scope_text) - len(clause.text)  # the clause before, for "which …"
    cue_at = offset + cue.start
    mention_at = offset + mention.start - clause.start
    found = [m.start() for m in states.CONTENTS.finditer(scope_text)]
    if not found:
        return False
    if 0 <= mention_at and re.search(
        states.CONTENTS.pattern + r"\s+(?:in|at|inside|from|of)\s+(?:(?:the|a|an|its)\s+)?$",
        scope_text[:mention_at],
        re.IGNORECASE,
    ):
        return True  # "toppling statues in a museum and smashing them"
    if not (0 <= mention_at <= len(scope_text)):
        return True  # the museum is named in an earlier clause or sentence
    nearest = min(abs(at - cue_at) for at in found)
    return nearest < abs(mention_at - cue_at)


def _owner_of_a_member(sentence: str, mention: Mention, gazetteer: Gazetteer) -> bool:
    """ "The minaret of a landmark mosque was destroyed": the claim is on the minaret."""
    if len(mention.slugs) != 1:
        return False
    heads = gazetteer.member_heads.get(mention.slugs[0])
    if not heads:
        return False
    alternatives = "|".join(sorted(heads, key=len, reverse=True))
    return bool(re.search(rf"\b(?:{alternatives})\s+of\s+$", sentence[: mention.start], re.I))


def _relative_to_a_part(parts: list[Clause], index: int) -> bool:
    """ "…, apart from its stage, which the militants had blown up": the relative clause
    is about the part named just before it."""
    if index == 0 or not re.match(r"^(?:which|that)\b", parts[index].text, re.I):
        return False
    previous = parts[index - 1].text
    return bool(re.search(states.PARTS.pattern + r"\W*$", previous, re.I))


def _observed(
    cue: states.Cue,
    cue_at: int,
    index: int,
    parts: list[Clause],
    mention: Mention,
    dates: list[DateMention],
    cues_by_clause: list,
) -> tuple[datetime.date, datetime.date] | None:
    clause = parts[index]
    own = [
        d
        for d in dates
        if clause.start <= d.start < clause.end and not (mention.start <= d.start < mention.end)
    ]
    if not own and cue.stative:
        # A condition reported "on Saturday" by a speaker in another clause.
        own = [
            d
            for d in dates
            for j, other in enumerate(parts)
            if other.start <= d.start < other.end and not cues_by_clause[j]
        ]
    if not own:
        return None
    nearest = min(own, key=lambda d: abs(d.start - cue_at))
    return nearest.first, nearest.last


def _cause(text: str) -> str:
    for cause, pattern in _CAUSE_WORDS:
        if pattern.search(text):
            return cause
    return ""


# --- attribution -------------------------------------------------------------------------

# Words that hand a statement to someone else, or hedge it: a sentence with none of them,
# outside quotation marks, is the outlet's own reporting.
_HEARSAY = re.compile(
    r"\b(?:reportedly|reported|reports?|reporting|said|says|say|saying|told|tells|claim(?:s|ed|ing)?|"
    r"alleged(?:ly)?|according|apparently|purportedly|supposedly|believed|thought|understood|"
    r"sources?|rumou?rs?|quoted|cited|citing|announced|stated|accused|accuses|denied|denies|"
    r"insisted|added|warned|confirmed|estimated|suggested|appears?|appeared|seems?|seemed|"
    r"blamed|blames|condemned|condemns|"
    r"showed|shows|show|showing|footage|images?|video|photos?|photographs?|pictures?)\b",
    re.IGNORECASE,
)
_QUOTE_MARKS = re.compile(r"[\"“”«»]|(?:^|\s)['‘]|['’](?=\s|$)")


def own_voice(sentence: str) -> bool:
    """The outlet states the claim itself: no speaker, source, hedge or picture is named
    in the sentence, and it is not quoted ("The mosque was destroyed in the strike.")."""
    return not (_HEARSAY.search(sentence) or _QUOTE_MARKS.search(sentence))


@dataclass(frozen=True)
class Attribution:
    at: int  # offset of the verb ("said", "saw") in the sentence
    who: str
    evidence: str
    trailing: bool  # ", a military source said." closing the sentence


def _attributions(sentence: str, discourse: Discourse) -> list[Attribution]:
    """Each speaker or observer the sentence names, with the kind of evidence."""
    found = []
    parts = clauses(sentence)
    for match in _SAY.finditer(sentence):
        if _MODAL_BEFORE.search(sentence[: match.start()]):
            continue  # "as far as the images could show"
        clause = next((c for c in parts if c.start <= match.start() < c.end), None)
        if clause is None:
            continue
        before = sentence[clause.start : match.start()].strip()
        if not before:
            before = sentence[: match.start()].strip().rstrip(",").strip()
            if len(before) > 120:
                continue
        who = _who(before)
        if not who:
            continue
        rest = sentence[match.end() :]
        trailing = clause is parts[-1] and len(rest.split()) <= 5
        found.append(Attribution(match.start(), *_resolve_who(who, discourse), trailing))
    for match in _ACCORDING.finditer(sentence):
        who, evidence = _resolve_who(match.group("who").strip(), discourse)
        found.append(Attribution(match.start(), who, evidence, False))
    found = [f for f in found if f.who]
    named = [f for f in found if not _PRONOUN.match(f.who) and f.evidence != IMAGERY]
    if named:
        discourse.last = (named[-1].who, named[-1].evidence)
    return found


def _who(before: str) -> str:
    """The speaker in the words before "said": "…, but Syria's antiquities chief"."""
    who = _WHO_LEAD.sub("", before).strip(" ,\"'“”‘’")
    # The last speaker or subject: "X said satellite images …" -> "satellite images …",
    # "… days after activists" -> "activists".
    who = re.split(r"\s+(?:that|after|before|when|while|since|as)\s+|" + _SAY.pattern, who)[-1]
    who = (who or "").strip(" ,\"'“”‘’")
    words = who.split()
    if not words or len(words) > 16:
        return ""
    if re.fullmatch(
        r"(?:it|this|that)(?:\s+(?:has|had|have|was|is|were|will))?(?:\s+(?:also|now|since))?"
        r"(?:\s+been)?",
        who,
        re.IGNORECASE,
    ):
        return ""  # "It has been reported that …": nobody is named
    if words[0].islower() and words[0].endswith(("ing", "ed")):
        return ""  # "confirming reports by officials"
    return who


def _resolve_who(who: str, discourse: Discourse) -> tuple[str, str]:
    if _PRONOUN.match(who):
        return discourse.last if discourse.last else ("", UNATTRIBUTED)
    evidence = _evidence(who)
    surname = _surname(who)
    if surname:
        if evidence == UNATTRIBUTED:
            evidence = discourse.roles.get(surname, UNATTRIBUTED)
        elif evidence in (OFFICIAL, MONITORING_GROUP):
            discourse.roles[surname] = evidence
    return who[:200], evidence


def _evidence(who: str) -> str:
    for kind, pattern in _EVIDENCE_WORDS:
        if pattern.search(who):
            return kind
    return UNATTRIBUTED


def _surname(who: str) -> str | None:
    names = re.findall(r"\b[A-Z][a-z]+(?:-[A-Z]?[a-z]+)?\b", who)
    return names[-1] if names else None


def _nearest_attribution(
    attributions: list[Attribution], clause: Clause, at: int, following: Clause | None
) -> tuple[str, str]:
    """Who says it: a speaker in the claim's own clause or in a short aside right after
    it ("…, they said, but …"), else the nearest one before it, else one closing the
    sentence (", officials said.")."""
    own = [a for a in attributions if clause.start <= a.at < clause.end]
    if following is not None and len(following.text.split()) <= 6:
        own += [a for a in attributions if following.start <= a.at < following.end]
    before = [a for a in attributions if a.at < at]
    after = [a for a in attributions if a.at > at and a.trailing]
    for pool in (own, before, after):
        if pool:
            best = min(pool, key=lambda a: abs(a.at - at))
            return best.who, best.evidence
    return "", UNATTRIBUTED


_SEVERITY = {states.DAMAGED: 1, states.SEVERELY_DAMAGED: 2, states.DESTROYED: 3}


def _unique_claims(claims: list[DraftClaim]) -> list[DraftClaim]:
    """One claim per monument and state in a sentence (the named, dated one first), and
    of its damage claims only the most severe: "the damage at the museum, which
    militants ransacked, smashing statues" is one claim of severe damage."""
    worst: dict[str, int] = {}
    for claim in claims:
        level = _SEVERITY.get(claim.state, 0)
        worst[claim.monument] = max(worst.get(claim.monument, 0), level)
    # "still standing but at risk of collapse", "intact apart from its roof, which was
    # damaged": damage to the same monument in the same sentence outweighs its standing.
    claims = [c for c in claims if not (c.state == states.INTACT and worst[c.monument])]
    ranked = sorted(claims, key=lambda c: (c.inferred, c.observed_from is None))
    kept: dict[tuple, DraftClaim] = {}
    for claim in ranked:
        if claim.state in _SEVERITY and _SEVERITY[claim.state] < worst[claim.monument]:
            continue
        identity = (claim.monument, claim.state, claim.observed_from, claim.observed_to)
        same_state = [k for k in kept if k[:2] == identity[:2]]
        if identity in kept or (same_state and claim.observed_from is None):
            continue
        kept[identity] = claim
    return [c for c in claims if any(c is k for k in kept.values())]
