"""Precision and recall of drafted (monument, state) pairs against curators' labels.

Each article counts a pair once however many claims make it. Figures are
micro-averaged: true and false positives and negatives are summed over the articles
before dividing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from heritage.consensus import distance
from heritage.drafting.credits import TRADE_WORDS

Pair = tuple[str, str]


@dataclass
class Score:
    name: str = ""
    found: set[Pair] = field(default_factory=set)
    expected: set[Pair] = field(default_factory=set)

    @property
    def true_positives(self) -> int:
        return len(self.found & self.expected)

    @property
    def false_positives(self) -> int:
        return len(self.found - self.expected)

    @property
    def false_negatives(self) -> int:
        return len(self.expected - self.found)

    @property
    def precision(self) -> float:
        return _ratio(self.true_positives, self.true_positives + self.false_positives)

    @property
    def recall(self) -> float:
        return _ratio(self.true_positives, self.true_positives + self.false_negatives)


@dataclass
class Total:
    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0
    articles: int = 0

    @property
    def precision(self) -> float:
        return _ratio(self.true_positives, self.true_positives + self.false_positives)

    @property
    def recall(self) -> float:
        return _ratio(self.true_positives, self.true_positives + self.false_negatives)


def _ratio(part: int, whole: int) -> float:
    # Nothing found and nothing expected is perfect agreement.
    return part / whole if whole else 1.0


def score(name: str, found: Iterable[Pair], expected: Iterable[Pair]) -> Score:
    return Score(name, set(found), set(expected))


def micro_average(scores: Iterable[Score]) -> Total:
    total = Total()
    for s in scores:
        total.true_positives += s.true_positives
        total.false_positives += s.false_positives
        total.false_negatives += s.false_negatives
        total.articles += 1
    return total


def expected_pairs(labels: dict) -> set[Pair]:
    """The (monument, state) pairs of a label file: {"claims": [{"monument", "state"}…]}."""
    return {(claim["monument"], claim["state"]) for claim in labels.get("claims", [])}


# --- failure classes ------------------------------------------------------------------------

# The ways a draft went wrong on unseen articles, each measured on its own so that the
# next weak spot shows. A labelled pair belongs to a class through its own traits (a
# site, an intact or partial state) and the ``classes`` a curator tagged it with; a
# drafted claim through the rules that read it (``DraftClaim.readings``).
SITE_LEVEL = "site-level"
NEIGHBOUR = "neighbour-sentence"
MODALITY = "modality"
INTACT_PARTIAL = "intact-partial"
ATTACHMENT = "attachment"
MISSPELLING = "misspelling"
# Seen on the second held-out set: a claim only the headline makes ("Azerbaijan destroys
# cathedral" over a body reporting heavy damage), which drafting does not read; and a
# sentence about an earlier era ("suffered heavy damage during the 1990s war"), whose
# claims are history rather than the state the article reports.
HEADLINE_ONLY = "headline-only"
HISTORY = "history"
CLAIM_CLASSES = [
    SITE_LEVEL,
    NEIGHBOUR,
    MODALITY,
    INTACT_PARTIAL,
    ATTACHMENT,
    MISSPELLING,
    HEADLINE_ONLY,
    HISTORY,
]
INTACT_PARTIAL_STATES = {"intact", "severely_damaged"}


@dataclass
class ClassScore:
    """Precision over the drafted claims of a class, recall over its labelled pairs."""

    drafted: int = 0
    drafted_right: int = 0
    labelled: int = 0
    labelled_found: int = 0

    @property
    def precision(self) -> float:
        return _ratio(self.drafted_right, self.drafted)

    @property
    def recall(self) -> float:
        return _ratio(self.labelled_found, self.labelled)


def labelled_classes(claim: dict, site_slugs: set[str]) -> set[str]:
    """The classes of a labelled claim: its traits, and the curator's tags."""
    classes = set(claim.get("classes", []))
    if claim["monument"] in site_slugs:
        classes.add(SITE_LEVEL)
    if claim["state"] in INTACT_PARTIAL_STATES:
        classes.add(INTACT_PARTIAL)
    return classes & set(CLAIM_CLASSES)


def drafted_classes(monument: str, state: str, readings: Iterable[str], site_slugs) -> set[str]:
    """The classes of a drafted claim: the rules that read it, and its traits."""
    classes = set(readings)
    if monument in site_slugs:
        classes.add(SITE_LEVEL)
    if state in INTACT_PARTIAL_STATES:
        classes.add(INTACT_PARTIAL)
    return classes & set(CLAIM_CLASSES)


def score_classes(
    drafted: Iterable[tuple[Pair, set[str]]],
    labelled: Iterable[tuple[Pair, set[str]]],
    into: dict[str, ClassScore],
) -> None:
    """Add one article's drafted and labelled pairs (each with its classes) to *into*."""
    drafted = list(drafted)
    labelled = list(labelled)
    expected = {pair for pair, _ in labelled}
    found = {pair for pair, _ in drafted}
    seen: set[tuple[Pair, str]] = set()
    for pair, classes in drafted:
        for name in classes:
            if (pair, name) in seen:
                continue
            seen.add((pair, name))
            into.setdefault(name, ClassScore()).drafted += 1
            into[name].drafted_right += pair in expected
    for pair, classes in labelled:
        for name in classes:
            into.setdefault(name, ClassScore()).labelled += 1
            into[name].labelled_found += pair in found


@dataclass
class MetadataScore:
    """How often the date and the outlet read from the text agree with the labels."""

    dated: int = 0  # articles whose text gave a date
    dated_right: int = 0
    labelled_dated_right: int = 0  # of those labelled as dated in the text
    date_labelled: int = 0  # articles whose label gives a date taken from the text
    outlet_read: int = 0
    outlet_right: int = 0
    outlet_labelled: int = 0  # articles whose text names the labelled outlet
    labelled_outlet_right: int = 0  # of those, read right

    @property
    def date_precision(self) -> float:
        return _ratio(self.dated_right, self.dated)

    @property
    def date_recall(self) -> float:
        return _ratio(self.labelled_dated_right, self.date_labelled)

    @property
    def outlet_precision(self) -> float:
        return _ratio(self.outlet_right, self.outlet_read)

    @property
    def outlet_recall(self) -> float:
        return _ratio(self.labelled_outlet_right, self.outlet_labelled)


def same_outlet(read: str, labelled: str) -> bool:
    """Outlet names agree when the words of one run inside the other's ("Sydney Morning
    Herald", "The Sydney Morning Herald"), ignoring case, "The" and what a label adds
    in brackets ("Dawn (AFP)" is Dawn, not AFP), or when one is an acronym of three or
    more letters of the other's words ("RFA", "Radio Free Asia"; "VOA", "Voice of
    America")."""
    a, b = outlet_words(read), outlet_words(labelled)
    if not (a and b):
        return False
    if min(len(a), len(b)) == 1 and (a if len(a) == 1 else b)[0] in TRADE_WORDS:
        return a == b  # "Times" alone is no more the Los Angeles Times than any other
    return (
        _runs_inside(a, b)
        or _runs_inside(b, a)
        or _acronym_of(read, b)
        or _acronym_of(labelled, a)
    )


def outlet_words(name: str) -> list[str]:
    """The words of an outlet's name, without "The" and without a bracket's addition."""
    words = re.findall(r"[\w&]+", re.sub(r"\([^)]*\)", " ", name).lower())
    return words[1:] if words[:1] == ["the"] and len(words) > 1 else words


def _runs_inside(a: list[str], b: list[str]) -> bool:
    return any(b[i : i + len(a)] == a for i in range(len(b) - len(a) + 1))


def _acronym_of(name: str, words: list[str]) -> bool:
    first = name.split()[0] if name.split() else ""
    if not re.fullmatch(r"[A-Z]{3,6}", first) or len(words) < 3:
        return False
    every = "".join(w[0] for w in words)
    content = "".join(w[0] for w in words if w not in {"of", "and", "&", "for"})
    return first.lower() in (every, content)


@dataclass
class CopyScore:
    """Copies flagged among the labelled articles (``copy_of``)."""

    flagged: int = 0
    flagged_right: int = 0
    labelled: int = 0

    @property
    def precision(self) -> float:
        return _ratio(self.flagged_right, self.flagged)

    @property
    def recall(self) -> float:
        return _ratio(self.flagged_right, self.labelled)


@dataclass
class EvidenceScore:
    """The evidence kind of drafted claims against the kinds labels give (``evidence``
    on a labelled claim): over the labelled pairs that were drafted, how often a claim
    drafted for the pair has the labelled kind; and for the outlet's own reporting
    (``reported``), precision over the claims drafted as such on pairs with a labelled
    kind, recall over the pairs labelled so."""

    labelled: int = 0  # labelled kinds whose pair was drafted
    right: int = 0
    reported_drafted: int = 0
    reported_right: int = 0
    reported_labelled: int = 0
    reported_found: int = 0

    @property
    def accuracy(self) -> float:
        return _ratio(self.right, self.labelled)

    @property
    def reported_precision(self) -> float:
        return _ratio(self.reported_right, self.reported_drafted)

    @property
    def reported_recall(self) -> float:
        return _ratio(self.reported_found, self.reported_labelled)


def score_evidence(
    drafted: Iterable[tuple[Pair, str]], labelled: Iterable[tuple[Pair, str]], into: EvidenceScore
) -> None:
    """Add one article's drafted (pair, evidence kind) and labelled (pair, kind) to *into*;
    labelled claims without a kind are left out."""
    kinds: dict[Pair, set[str]] = {}
    for pair, kind in drafted:
        kinds.setdefault(pair, set()).add(kind)
    for pair, kind in labelled:
        if pair not in kinds:
            if kind == "reported":
                into.reported_labelled += 1
            continue
        into.labelled += 1
        into.right += kind in kinds[pair]
        if kind == "reported":
            into.reported_labelled += 1
            into.reported_found += "reported" in kinds[pair]
        if "reported" in kinds[pair]:
            into.reported_drafted += 1
            into.reported_right += kind == "reported"


# --- why a pair was missed or extra ----------------------------------------------------------

# Why a labelled pair was not drafted, counted once, at the first of these that holds.
NOT_DRAFTED = "article not drafted"  # no date, unreadable, or a fault of the drafter
NOT_RECOGNISED = "monument not recognised"  # the text never names it for the rules
NO_WORDING = "no state wording tied to it"  # named, but only as a place or a headline
OTHER_STATE_DRAFTED = "another state drafted"  # claimed, with another state
DROPPED = "dropped by a rule"  # its wording was read as this state, and a rule dropped it
READ_AS_OTHER = "wording read as another state"  # wording tied to it, read otherwise
MISS_REASONS = [
    NOT_DRAFTED,
    NOT_RECOGNISED,
    NO_WORDING,
    OTHER_STATE_DRAFTED,
    DROPPED,
    READ_AS_OTHER,
]
# An extra pair is a monument the labels give another state, or one they do not claim.
WRONG_STATE = "labelled with another state"
UNLABELLED = "monument not labelled"
EXTRA_REASONS = [WRONG_STATE, UNLABELLED]


@dataclass
class ErrorBreakdown:
    """The missed and extra pairs of the articles, counted by why (see MISS_REASONS)."""

    missed: dict[str, int] = field(default_factory=dict)
    extra: dict[str, int] = field(default_factory=dict)


def why_missed(
    pair: Pair,
    *,
    drafted: bool,
    named: Iterable[str],
    tied: Iterable[Pair],
    read: Iterable[Pair],
    found: Iterable[Pair],
) -> str:
    """Why the labelled *pair* is not among the *found* pairs of an article: *drafted*
    says whether the article was drafted at all, *named* the monuments its text names,
    *tied* the (monument, state) pairs the rules weighed from wording in the body about
    the monument (not as a place, not in the headline), *read* those whose wording
    itself says that state (not a milder reading the rules also weigh)."""
    monument, state = pair
    if not drafted:
        return NOT_DRAFTED
    if monument not in set(named):
        return NOT_RECOGNISED
    if not any(m == monument for m, _ in tied):
        return NO_WORDING
    if any(m == monument for m, _ in found):
        return OTHER_STATE_DRAFTED
    if pair in set(read):
        return DROPPED
    return READ_AS_OTHER


def why_extra(pair: Pair, expected: Iterable[Pair]) -> str:
    """Why the drafted *pair* is not among the *expected* pairs of its article."""
    return WRONG_STATE if any(m == pair[0] for m, _ in expected) else UNLABELLED


def score_errors(
    found: set[Pair],
    expected: set[Pair],
    into: ErrorBreakdown,
    *,
    drafted: bool,
    named: Iterable[str] = (),
    tied: Iterable[Pair] = (),
    read: Iterable[Pair] = (),
) -> dict[Pair, str]:
    """Add one article's missed and extra pairs to *into*, each by its reason; return
    each pair's reason."""
    named, tied, read = set(named), set(tied), set(read)
    reasons = {}
    for pair in expected - found:
        reason = why_missed(pair, drafted=drafted, named=named, tied=tied, read=read, found=found)
        into.missed[reason] = into.missed.get(reason, 0) + 1
        reasons[pair] = reason
    for pair in found - expected:
        reason = why_extra(pair, expected)
        into.extra[reason] = into.extra.get(reason, 0) + 1
        reasons[pair] = reason
    return reasons


# --- within one step ---------------------------------------------------------------------------


@dataclass
class NearScore:
    """Pairs right within one step of the state scale (``consensus.distance``): a drafted
    pair whose monument the article's labels give a state at most one step away, and a
    labelled pair whose monument was drafted so. "Severely damaged" for "destroyed" is
    a small disagreement; "intact" for "destroyed" is not. And the monuments alone,
    whatever their state: the ones a curator reviewing the draft is shown, each article
    counting a monument once."""

    drafted: int = 0
    drafted_near: int = 0
    labelled: int = 0
    labelled_near: int = 0
    # Monuments, whatever their state: what a curator reviewing the draft is shown.
    monuments_drafted: int = 0
    monuments_labelled: int = 0
    monuments_both: int = 0  # drafted and labelled

    @property
    def precision(self) -> float:
        return _ratio(self.drafted_near, self.drafted)

    @property
    def recall(self) -> float:
        return _ratio(self.labelled_near, self.labelled)

    @property
    def monument_precision(self) -> float:
        return _ratio(self.monuments_both, self.monuments_drafted)

    @property
    def monument_recall(self) -> float:
        return _ratio(self.monuments_both, self.monuments_labelled)


def _near(pair: Pair, others: set[Pair]) -> bool:
    """Whether *others* give *pair*'s monument a state at most one step from its own."""
    return any(m == pair[0] and distance(s, pair[1]) <= 1 for m, s in others)


def score_near(found: set[Pair], expected: set[Pair], into: NearScore) -> None:
    """Add one article's drafted and labelled pairs to *into* (see NearScore)."""
    into.drafted += len(found)
    into.drafted_near += sum(_near(pair, expected) for pair in found)
    into.labelled += len(expected)
    into.labelled_near += sum(_near(pair, found) for pair in expected)
    drafted, labelled = {m for m, _ in found}, {m for m, _ in expected}
    into.monuments_drafted += len(drafted)
    into.monuments_labelled += len(labelled)
    into.monuments_both += len(drafted & labelled)


# --- two labellers -----------------------------------------------------------------------------


@dataclass
class Agreement:
    """Two labellers' pairs for the same articles, and the drafts where they agree.

    The second labeller is scored against the first as a drafter would be: how far the
    labels themselves can be trusted, the most any drafter can be measured to reach.
    The drafts are then scored on what is not in doubt: recall over the pairs both
    labellers give, precision over the drafted pairs both give or neither gives (a
    pair only one gives is left out).
    """

    first: int = 0
    second: int = 0
    both: int = 0
    first_near: int = 0  # first's pairs the second gives within one step
    second_near: int = 0  # second's pairs the first gives within one step
    drafted_agreed: int = 0  # drafted pairs both labellers give
    drafted_disowned: int = 0  # drafted pairs neither gives

    @property
    def precision(self) -> float:
        """The second labeller's pairs that the first gives too."""
        return _ratio(self.both, self.second)

    @property
    def recall(self) -> float:
        """The first labeller's pairs that the second gives too."""
        return _ratio(self.both, self.first)

    @property
    def near_precision(self) -> float:
        return _ratio(self.second_near, self.second)

    @property
    def near_recall(self) -> float:
        return _ratio(self.first_near, self.first)

    @property
    def drafted_precision(self) -> float:
        return _ratio(self.drafted_agreed, self.drafted_agreed + self.drafted_disowned)

    @property
    def drafted_recall(self) -> float:
        return _ratio(self.drafted_agreed, self.both)


def score_agreement(
    found: set[Pair], first: set[Pair], second: set[Pair], into: Agreement
) -> None:
    """Add one article's drafted pairs and its two labellers' pairs to *into*."""
    both = first & second
    into.first += len(first)
    into.second += len(second)
    into.both += len(both)
    into.first_near += sum(_near(pair, second) for pair in first)
    into.second_near += sum(_near(pair, first) for pair in second)
    into.drafted_agreed += len(found & both)
    into.drafted_disowned += len(found - first - second)
