"""The consensus engine: what the evidence says about one monument's state.

Pure and deterministic: plain dataclasses in, a :class:`Consensus` out, no ORM.
``heritage/services.py`` loads the rows, calls :func:`compute` and stores the result.

The rules, each with its reference in DOMAIN.md's consensus section (the README's
Consensus section states them with examples; the constants were chosen by measurement
on bench/timeline_eval.py and bench/consensus_eval.py):

1. **Which claims count.** Accepted claims only (the caller filters). ``known_at``
   keeps claims whose source was published by then; ``as_of`` keeps claims whose
   observation ended by then.
2. **Undated claims speak at publication.** A claim with no observed date speaks of
   the state on its source's publication date: news reports the present. It
   supersedes and is superseded like a claim observed that day.
3. **Curators' word.** A deprecated claim weighs nothing. If any claim still in
   play is preferred, only preferred claims vote. An override replaces the state
   (and is flagged) but the evidence analysis is still reported.
4. **Evidence weighs.** weight = evidence kind x source reliability x (0.6 if the
   reference is inferred). The outlet's own reporting (``reported``: stated as fact
   in its own voice) weighs between an unattributed line and a monitoring group.
5. **Copies count once.** Claims whose sources share an identifiable wire credit
   (same story, or published within a few days), or where one source copies
   passages of another, form one *origin*; an origin votes once, with the weight of
   its strongest claim.
6. **Time.** Claims that speak of a later moment, of a different state that may
   follow, supersede the earlier state when they are credible together
   (CREDIBLE_WEIGHT) and carry at least SUPERSEDE_RATIO of the weight that held the
   earlier state until then (each origin counted once): one credible later report
   replaces an older one, a lone weak claim does not flip a well-supported state.
   A *change report*, a source that states the earlier state and the later one
   ("destroyed in 2012, rebuilt now"), confirms the earlier evidence rather than
   disputing it: it supersedes with CHANGE_REPORT_WEIGHT alone. Damage is not undone by a later lesser-damage claim unless that claim is a
   restoration. A later claim of the same state corroborates rather than supersedes.
7. **Ordinal scale.** The state with the most origin weight wins. Agreement counts
   nearby states partly (1 - distance/3), so a one-step disagreement only lowers
   confidence a little; two or more steps with enough weight behind them mark the
   status contested.
8. **Groups and extent.** A claim about *k* members of a group of *N* (its
   ``quantity``) speaks of the group's extent, not of the whole group: it votes for
   the group state that share implies (:func:`extent_state`, with EAMENA's damage
   extent bands). Members' own consensus rolls up to their group; the published
   extent counts the members affected, the larger of those known one by one and the
   largest number a counted claim gives (never their sum: the members named are
   usually among those counted). The members' roll-up replaces the group's own vote
   when the group has none, or when the members' evidence is as recent and its state
   may follow the vote's (damage grows; a restoration undoes it).
9. **Wholes and parts.** A monument whose members are its parts (a mosque and its
   minaret) is not a group: its parts are not counted and it has no extent. A part's
   damage is the whole's damage in part (:func:`whole_state`): a destroyed part makes
   the whole severely damaged (a major part lost), never destroyed; lesser damage to a
   part makes it damaged. The parts' roll-up replaces the whole's own vote when the
   whole has none, or when it is more damage, as recent; a part's restoration never
   undoes damage stated of the whole itself.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime
import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

INTACT = "intact"
DAMAGED = "damaged"
SEVERELY_DAMAGED = "severely_damaged"
DESTROYED = "destroyed"
RESTORED = "restored"
UNKNOWN = "unknown"
STATES = (INTACT, DAMAGED, SEVERELY_DAMAGED, DESTROYED, RESTORED)

PREFERRED = "preferred"
NORMAL = "normal"
DEPRECATED = "deprecated"

# Relative worth of what a source rests on (TruthFinder / ACCU: trust the observer).
EVIDENCE_WEIGHT = {
    "eyewitness": 1.0,
    "imagery": 1.0,
    "official": 0.8,
    "monitoring_group": 0.6,
    "reported": 0.5,
    "unattributed": 0.3,
}
INFERRED_FACTOR = 0.6
# Sources carrying the same agency's copy within this many days are one observation.
WIRE_WINDOW_DAYS = 3
# Later contrary evidence must weigh at least this much, and at least this share of
# the weight that held the earlier state, to supersede it. Chosen with
# bench/consensus_sweep.py (README, "Choosing the weights").
CREDIBLE_WEIGHT = 0.3
SUPERSEDE_RATIO = 0.15
# A change report (a source stating the earlier state and the later one) supersedes
# the earlier state with this much weight, whatever held it (bench/consensus_sweep.py).
CHANGE_REPORT_WEIGHT = 0.2
# Group extent (EAMENA records a damage extent in bands 1-10%, 11-30%, 31-60%, 61-90%,
# 91-100%): a group is destroyed when the top band of its members is destroyed, severely
# damaged from the 31-60% band of members severely damaged or destroyed, else damaged.
GROUP_DESTROYED_SHARE = 0.91
GROUP_SEVERE_SHARE = 0.31
# Disputing origins at two or more steps carrying this share of the weight: contested.
CONTEST_SHARE = 0.2
# The published confidence is the raw score (agreement x strength) mapped through this
# increasing piecewise-linear curve, fitted on the synthetic registry of seed 1 (bench/
# consensus_eval.py prints the reliability table and refits it): among statuses published
# with confidence 0.7, about 70% are right there. Knots are (score, confidence).
CALIBRATION = (
    (0.0, 0.386),
    (0.089, 0.429),
    (0.195, 0.477),
    (0.347, 0.488),
    (0.449, 0.602),
    (0.548, 0.695),
    (0.64, 0.73),
    (0.747, 0.746),
    (0.85, 0.861),
    (0.951, 0.947),
    (1.0, 0.967),
)

_DAMAGE_LEVEL = {INTACT: 0, DAMAGED: 1, SEVERELY_DAMAGED: 2, DESTROYED: 3}


def distance(a: str, b: str) -> int:
    """Steps between two states on the scale; a restoration sits one step from intact.

    ``unknown`` (a curator may override to it) is as far from any state as possible.
    """
    if a == b:
        return 0
    if UNKNOWN in (a, b):
        return 3
    if RESTORED in (a, b):
        other = b if a == RESTORED else a
        return max(1, _DAMAGE_LEVEL[other])
    return abs(_DAMAGE_LEVEL[a] - _DAMAGE_LEVEL[b])


# How a claim is named: any value that sorts (the registry uses "source-key/report-key",
# stable across databases; tests use integers).
ClaimRef = int | str


@dataclass(frozen=True)
class Claim:
    """One accepted claim, with what the engine needs to know of its source."""

    id: ClaimRef
    state: str
    evidence: str
    source_key: str
    published_on: datetime.date
    reliability: float = 0.6
    observed_from: datetime.date | None = None
    observed_to: datetime.date | None = None
    wire_credits: frozenset[str] = frozenset()
    wire_story: str = ""
    copies_from: frozenset[str] = frozenset()
    inferred: bool = False
    rank: str = NORMAL
    rank_reason: str = ""
    # How many members of a group the claim covers ("a dozen tower tombs": 12); None
    # when it speaks of the monument (or group) as a whole.
    quantity: int | None = None

    # Cached: a claim is frozen, and the engine reads these for every pair of claims.
    @functools.cached_property
    def observed_until(self) -> datetime.date:
        """Last day the claim can speak of: the observation's end, else publication."""
        return self.observed_to or self.observed_from or self.published_on

    @functools.cached_property
    def speaks_from(self) -> datetime.date:
        """First day the claim speaks of: its observation's start, else its publication
        (an undated claim speaks of the state when it was published)."""
        return self.observed_from or self.published_on

    @property
    def base_weight(self) -> float:
        weight = EVIDENCE_WEIGHT[self.evidence] * max(0.0, min(1.0, self.reliability))
        return weight * (INFERRED_FACTOR if self.inferred else 1.0)


@dataclass(frozen=True)
class Override:
    state: str
    reason: str


@dataclass(frozen=True)
class Verdict:
    """How one claim entered the consensus."""

    claim_id: ClaimRef
    origin: str
    weight: float
    role: str  # "supports", "disputes", "superseded", "discounted", "copy"
    reasons: tuple[str, ...] = ()


# How a monument's members relate to it (Monument.composition).
WHOLE = "whole"  # parts of one whole: a mosque and its minaret
GROUP = "group"  # like members of a group: the tower tombs


@dataclass(frozen=True)
class Group:
    """What the engine needs to know of a monument with members: a group of like
    members or a whole with parts (*composition*).

    *size*: how many members a group has (None: unknown), *approximate* when that
    number is an estimate ("about 50"); a whole has no size. *members*: each member's
    accepted claims (the members recorded in the registry, possibly fewer than *size*).
    """

    size: int | None = None
    approximate: bool = False
    members: tuple[Sequence[Claim], ...] = ()
    composition: str = GROUP

    @property
    def is_whole(self) -> bool:
        return self.composition == WHOLE


@dataclass(frozen=True)
class Extent:
    """How much of a group the evidence says is affected, in members.

    ``destroyed``: members destroyed; ``affected``: members damaged, severely damaged or
    destroyed (``destroyed`` included); ``restored``: members restored. Each is the
    larger of the members known one by one and the largest number a counted claim
    about the group gives. ``size`` is None when the group's number of members is
    unknown.
    """

    size: int | None
    approximate: bool
    destroyed: int
    affected: int
    restored: int
    members_known: int  # members with a state of their own (not unknown)


@dataclass(frozen=True)
class Consensus:
    state: str
    confidence: float
    independent_origins: int
    contested: bool
    single_origin: bool
    overridden: bool = False
    override_reason: str = ""
    evidence_state: str = UNKNOWN  # what the evidence says, even when overridden
    # Before calibration: agreement x strength, 0 without evidence.
    score: float = 0.0
    as_of: datetime.date | None = None
    known_at: datetime.date | None = None
    verdicts: tuple[Verdict, ...] = field(default_factory=tuple)
    # The end of the latest observation behind the evidence state (date.min: none).
    supported_until: datetime.date = datetime.date.min
    # For a group (a monument given a Group): how much of it is affected.
    extent: Extent | None = None


def compute(
    claims: Iterable[Claim],
    *,
    override: Override | None = None,
    as_of: datetime.date | None = None,
    known_at: datetime.date | None = None,
    group: Group | None = None,
) -> Consensus:
    """The consensus of one monument's accepted *claims* at the given dates.

    With *group*, the monument has members: for a group of like members its quantified
    claims vote for the state their share implies and its members' consensus (at the
    same dates) rolls up to it by share (rule 8); for a whole, its parts' consensus
    rolls up to it as part of it (rule 9).
    """
    if group is None:
        return _compute(claims, override=override, as_of=as_of, known_at=known_at)
    return _compute_group(claims, group, override=override, as_of=as_of, known_at=known_at)


def _compute(
    claims: Iterable[Claim],
    *,
    override: Override | None = None,
    as_of: datetime.date | None = None,
    known_at: datetime.date | None = None,
    notes: dict[ClaimRef, str] | None = None,
) -> Consensus:
    in_play = sorted(
        (
            c
            for c in claims
            if (known_at is None or c.published_on <= known_at)
            and (as_of is None or c.observed_until <= as_of)
        ),
        key=lambda c: (c.observed_until, c.published_on, c.id),
    )
    origins = _origins(in_play)
    reasons: dict[ClaimRef, list[str]] = {c.id: [] for c in in_play}
    weight: dict[ClaimRef, float] = {}
    for c in in_play:
        weight[c.id] = c.base_weight
        if notes and c.id in notes:
            reasons[c.id].append(notes[c.id])
        if c.inferred:
            reasons[c.id].append(f"inferred reference (x{INFERRED_FACTOR})")
        if c.rank == DEPRECATED:
            weight[c.id] = 0.0
            reasons[c.id].append(f"deprecated by a curator: {c.rank_reason}".rstrip(": "))

    superseded = _superseded(in_play, weight, origins)
    for claim_id, (by, change_report) in superseded.items():
        if change_report:
            reasons[claim_id].append(
                f"superseded by claim {by}, observed later: a report of the change by a "
                "source that also reports the earlier state"
            )
        else:
            reasons[claim_id].append(f"superseded by claim {by}, observed later")

    live = [c for c in in_play if c.id not in superseded and weight[c.id] > 0]
    if any(c.rank == PREFERRED for c in live):
        for c in live:
            if c.rank != PREFERRED:
                reasons[c.id].append("outranked by a claim a curator preferred")
        live = [c for c in live if c.rank == PREFERRED]

    # One vote per origin: its strongest claim (the most severe state on a tie).
    votes: dict[str, Claim] = {}
    for c in live:
        best = votes.get(origins[c.id])
        if best is None or (weight[c.id], _severity(c.state)) > (
            weight[best.id],
            _severity(best.state),
        ):
            votes[origins[c.id]] = c
    for c in live:
        if votes[origins[c.id]].id != c.id:
            reasons[c.id].append(f"same origin as claim {votes[origins[c.id]].id}: counted once")

    evidence_state, score, contested = _vote(
        [(c.state, weight[c.id]) for c in votes.values()], override
    )
    confidence = calibrated(score) if votes else 0.0
    state = override.state if override else evidence_state

    verdicts = []
    voting_ids = {c.id for c in votes.values()}
    live_ids = {c.id for c in live}
    for c in in_play:
        if c.id in superseded:
            role = "superseded"
        elif weight[c.id] == 0 or c.id not in live_ids:
            role = "discounted"
        elif c.id not in voting_ids:
            role = "copy"
        elif state != UNKNOWN and distance(c.state, state) == 0:
            role = "supports"
        else:
            role = "disputes"
        verdicts.append(
            Verdict(
                claim_id=c.id,
                origin=origins[c.id],
                weight=round(weight[c.id], 4),
                role=role,
                reasons=tuple(reasons[c.id]),
            )
        )
    independent = len(votes)
    supporting = [c.observed_until for c in live if c.state == evidence_state]
    return Consensus(
        state=state,
        confidence=round(confidence, 4),
        independent_origins=independent,
        contested=contested,
        single_origin=independent == 1,
        overridden=override is not None,
        override_reason=override.reason if override else "",
        evidence_state=evidence_state,
        score=round(score, 4),
        as_of=as_of,
        known_at=known_at,
        verdicts=tuple(verdicts),
        supported_until=max(supporting, default=datetime.date.min),
    )


# --- Groups and extent ----------------------------------------------------------------

_DAMAGE_STATES = (DAMAGED, SEVERELY_DAMAGED, DESTROYED)


def extent_state(
    size: int | None, *, destroyed: int = 0, severely_damaged: int = 0, damaged: int = 0
) -> str:
    """The state of a group of *size* members with these many members in each damage
    state (rule 8): destroyed when at least GROUP_DESTROYED_SHARE of its members are,
    severely damaged when at least GROUP_SEVERE_SHARE are severely damaged or destroyed,
    else damaged. With *size* unknown the share is unknown: damaged (extent unstated).
    Nothing affected: unknown (the caller decides what an unaffected group is)."""
    if destroyed + severely_damaged + damaged <= 0:
        return UNKNOWN
    if not size:
        return DAMAGED
    if destroyed / size >= GROUP_DESTROYED_SHARE:
        return DESTROYED
    if (destroyed + severely_damaged) / size >= GROUP_SEVERE_SHARE:
        return SEVERELY_DAMAGED
    return DAMAGED


def group_claim_state(state: str, quantity: int | None, size: int | None) -> str:
    """What a claim about *quantity* members of a group of *size* says of the group.

    Damage to some members is damage to the group in proportion (:func:`extent_state`);
    "three of them still stand" leaves the rest unstated, so the group is damaged
    unless (nearly) all are said intact; a restoration of some members is the group's
    restoration, as far as it goes (the extent says how far). Without a quantity the
    claim speaks of the group as a whole.
    """
    if quantity is None or state == RESTORED:
        return state
    if state == INTACT:
        if size and quantity / size >= GROUP_DESTROYED_SHARE:
            return INTACT
        return DAMAGED
    return extent_state(size, **{state: quantity})


def whole_state(part_states: Iterable[str]) -> str:
    """What a whole's parts say of it (rule 9): a destroyed part is a major part of the
    whole lost, so the whole is severely damaged (no more: the rest may stand); any
    other damage to a part is damage to the whole, extent limited (damaged). Restored
    parts, none still damaged, make the whole restored as far as they go. Intact parts
    say nothing of the rest of the whole: unknown, as without parts."""
    states = set(part_states)
    if DESTROYED in states:
        return SEVERELY_DAMAGED
    if states & {SEVERELY_DAMAGED, DAMAGED}:
        return DAMAGED
    if RESTORED in states:
        return RESTORED
    return UNKNOWN


def _parts_implying(state: str) -> tuple[str, ...]:
    """The part states that make a whole *state* (the inverse of :func:`whole_state`)."""
    return {
        SEVERELY_DAMAGED: (DESTROYED,),
        DAMAGED: (SEVERELY_DAMAGED, DAMAGED),
        RESTORED: (RESTORED,),
    }[state]


def _compute_group(
    claims: Iterable[Claim],
    group: Group,
    *,
    override: Override | None,
    as_of: datetime.date | None,
    known_at: datetime.date | None,
    members: Sequence[Consensus] | None = None,
) -> Consensus:
    """Rules 8 and 9: the monument's own vote (for a group, quantified claims read as
    shares), its members' roll-up and, for a group, the extent.

    *members*: the members' consensus at the same dates, when the caller has it
    (:func:`history` computes each member once per change of its own evidence)."""
    claims = list(claims)
    own_claims, notes = [], {}
    for c in claims:
        state = c.state if group.is_whole else group_claim_state(c.state, c.quantity, group.size)
        if c.quantity is not None and not group.is_whole:
            of = f"{c.quantity} of {_size_words(group)}"
            notes[c.id] = f"covers {of} members ({c.state}): {state} for the group"
        own_claims.append(dataclasses.replace(c, state=state) if state != c.state else c)
    by_id = {c.id: c for c in claims}
    own_by_id = {c.id: c for c in own_claims}
    own = _compute(own_claims, override=override, as_of=as_of, known_at=known_at, notes=notes)
    if members is None:
        members = [_compute(m, as_of=as_of, known_at=known_at) for m in group.members]
    count = {s: sum(1 for m in members if m.state == s) for s in (*STATES, UNKNOWN)}
    own_state = own.evidence_state

    if group.is_whole:
        # Rule 9: the parts speak of the whole in part. They stand in for it when it
        # has no evidence of its own, and add to it when they show more damage, as
        # recent as its own; a part's restoration never undoes the whole's own state.
        rollup = whole_state(m.state for m in members)
        counted = (
            [] if rollup == UNKNOWN else [m for m in members if m.state in _parts_implying(rollup)]
        )
        may_replace = rollup != RESTORED
    else:
        # Rule 8: the roll-up of the members' own states, by share.
        rollup = extent_state(
            group.size,
            destroyed=count[DESTROYED],
            severely_damaged=count[SEVERELY_DAMAGED],
            damaged=count[DAMAGED],
        )
        counted = [m for m in members if m.state in _DAMAGE_STATES]
        if rollup == UNKNOWN and count[RESTORED]:
            rollup, counted = RESTORED, [m for m in members if m.state == RESTORED]
        elif rollup == UNKNOWN and group.size and count[INTACT] >= group.size:
            rollup, counted = INTACT, [m for m in members if m.state == INTACT]
        may_replace = True

    takes_over = rollup != UNKNOWN and (
        own_state == UNKNOWN
        or (
            rollup != own_state
            and may_replace
            and max(m.supported_until for m in counted) >= own.supported_until
            and _may_follow(own_state, rollup)
        )
    )
    result = own
    if takes_over:
        # The roll-up's strength is its members': their mean score, their origins.
        origins = {v.origin for m in counted for v in m.verdicts if v.role == "supports"}
        score = sum(m.score for m in counted) / len(counted)
        state = override.state if override else rollup
        result = dataclasses.replace(
            own,
            state=state,
            evidence_state=rollup,
            # Under an override the confidence stays the evidence's support for it.
            confidence=own.confidence if override else round(calibrated(score), 4),
            score=round(score, 4),
            independent_origins=len(origins),
            single_origin=len(origins) == 1,
            contested=any(m.contested for m in counted),
            supported_until=max(m.supported_until for m in counted),
            verdicts=tuple(
                dataclasses.replace(v, role=_role_against(own_by_id, v, state))
                for v in own.verdicts
            ),
        )
    if group.is_whole:
        return result  # a whole's parts are not counted: no extent

    # The extent: members known one by one, or the largest number a counted claim gives.
    voting = {v.claim_id for v in result.verdicts if v.role in ("supports", "disputes")}
    quantified = [by_id[i] for i in voting if by_id[i].quantity is not None]

    def claimed(states: tuple[str, ...]) -> int:
        return max((c.quantity or 0 for c in quantified if c.state in states), default=0)

    affected_members = [m for m in members if m.state in _DAMAGE_STATES]
    destroyed = max(count[DESTROYED], claimed((DESTROYED,)))
    extent = Extent(
        size=group.size,
        approximate=group.approximate,
        destroyed=destroyed,
        affected=max(len(affected_members), claimed(_DAMAGE_STATES), destroyed),
        restored=max(count[RESTORED], claimed((RESTORED,))),
        members_known=len(members) - count[UNKNOWN],
    )
    return dataclasses.replace(result, extent=extent)


def _size_words(group: Group) -> str:
    if group.size is None:
        return "an unknown number of"
    return f"~{group.size}" if group.approximate else str(group.size)


def _role_against(own_claims: dict[ClaimRef, Claim], verdict: Verdict, state: str) -> str:
    """A voting claim's role against the rolled-up state."""
    if verdict.role not in ("supports", "disputes"):
        return verdict.role
    return "supports" if distance(own_claims[verdict.claim_id].state, state) == 0 else "disputes"


def calibrated(score: float) -> float:
    """The confidence published for a raw *score*: CALIBRATION, linearly interpolated."""
    score = max(0.0, min(1.0, score))
    for (x0, y0), (x1, y1) in zip(CALIBRATION, CALIBRATION[1:], strict=False):
        if score <= x1:
            return y0 + (y1 - y0) * (score - x0) / (x1 - x0)
    return CALIBRATION[-1][1]


def majority_vote(claims: Iterable[Claim]) -> str:
    """The naive baseline: one claim, one vote; ties go to the most severe state."""
    counts: dict[str, int] = {}
    for c in claims:
        counts[c.state] = counts.get(c.state, 0) + 1
    if not counts:
        return UNKNOWN
    return max(counts, key=lambda s: (counts[s], _severity(s)))


@dataclass(frozen=True)
class Change:
    """A point where the consensus changed: from this date on, this state.

    ``date`` is the first day the evidence shows the new state (what ``as_of`` reads:
    a claim counts once its observation has ended). The change itself happened in the
    window ``earliest`` .. ``latest`` (= ``date``): no earlier than the day after the
    previous state was last observed, nor before the start of a dated range that
    reports it ("between August and September"). ``earliest`` is None when nothing
    bounds it (an undated first report: "on or before ``date``").
    """

    date: datetime.date
    state: str
    confidence: float
    claim_id: ClaimRef | None  # the claim whose observation caused the change
    earliest: datetime.date | None = None

    @property
    def latest(self) -> datetime.date:
        return self.date


def history(
    claims: Sequence[Claim],
    days: Sequence[datetime.date],
    *,
    group: Group | None = None,
    on: str = "as_of",
) -> list[Consensus]:
    """``compute(claims, group=group, **{on: day})`` for each of *days* (ascending),
    where *on* is ``"as_of"`` or ``"known_at"``.

    The same results, computed once per member and change of its own evidence: a
    member's consensus on a day depends only on which of its claims are in play by
    then, so a group's day on which none of a member's claims enters reuses that
    member's result (a group's days are all its members' days).
    """
    if on not in ("as_of", "known_at"):
        raise ValueError(f"history: on must be 'as_of' or 'known_at', not {on!r}")
    day_of = (lambda c: c.observed_until) if on == "as_of" else (lambda c: c.published_on)
    members = group.members if group else ()
    member_days = [sorted(day_of(c) for c in member) for member in members]
    cache: dict[tuple[int, int], Consensus] = {}
    results = []
    for day in days:
        as_of, known_at = (day, None) if on == "as_of" else (None, day)
        if group is None:
            results.append(_compute(claims, as_of=as_of, known_at=known_at))
            continue
        rolled = []
        for i, member in enumerate(members):
            key = (i, bisect.bisect_right(member_days[i], day))  # its claims in play
            if key not in cache:
                cache[key] = _compute(member, as_of=as_of, known_at=known_at)
            rolled.append(cache[key])
        results.append(
            _compute_group(
                claims, group, override=None, as_of=as_of, known_at=known_at, members=rolled
            )
        )
    return results


def change_days(claims: Iterable[Claim], group: Group | None = None) -> list[datetime.date]:
    """The days ``as_of`` may change on: the ends of the observations of the
    monument's claims and of its members', ascending."""
    days = {c.observed_until for c in claims}
    for member in group.members if group else ():
        days.update(c.observed_until for c in member)
    return sorted(days)


def timeline(
    claims: Sequence[Claim],
    *,
    group: Group | None = None,
    steps: Sequence[Consensus] | None = None,
) -> list[Change]:
    """Each change of the evidence-based state over time, oldest first, with the window
    in which it happened.

    A curator's override speaks of the present only, so the past is evidence alone. A
    group's timeline also changes when its members' states roll up to a new state; such
    a change names no claim of the group as its cause. *steps*: the consensus on each
    of :func:`change_days`, when the caller has it (from :func:`history`).
    """
    changes: list[Change] = []
    by_id = {c.id: c for c in claims}
    previous: Consensus | None = None
    days = change_days(claims, group)
    if steps is None:
        steps = history(claims, days, group=group)
    for day, result in zip(days, steps, strict=True):
        if not changes or result.state != changes[-1].state:
            # The causes: the claims observed that day that support the new state.
            causes = [
                v
                for v in result.verdicts
                if v.role == "supports" and by_id[v.claim_id].observed_until == day
            ]
            cause = min(causes, key=lambda v: (-v.weight, v.claim_id)).claim_id if causes else None
            earliest = _earliest(previous, [by_id[v.claim_id] for v in causes], by_id, day)
            changes.append(Change(day, result.state, result.confidence, cause, earliest))
        previous = result
    return changes


def _earliest(
    previous: Consensus | None,
    causes: Sequence[Claim],
    by_id: dict[ClaimRef, Claim],
    day: datetime.date,
) -> datetime.date | None:
    """The earliest day a change seen on *day* can have happened (None: unbounded)."""
    bounds = []
    if previous is not None and previous.state != UNKNOWN:
        seen = [
            by_id[v.claim_id].observed_until for v in previous.verdicts if v.role == "supports"
        ]
        if seen:
            bounds.append(max(seen) + datetime.timedelta(days=1))
    ranges = [c.observed_from for c in causes if c.observed_from and c.observed_to]
    if ranges:
        bounds.append(min(ranges))
    return min(max(bounds), day) if bounds else None


def _severity(state: str) -> int:
    return _DAMAGE_LEVEL.get(state, -1)


def _origins(claims: Sequence[Claim]) -> dict[ClaimRef, str]:
    """Group claims into independent origins.

    Each origin is named by its earliest source's key; on the same day, a source
    that copies nothing comes before one that copies.
    """
    by_source: dict[str, Claim] = {}
    for c in claims:
        by_source.setdefault(c.source_key, c)
    parent = {key: key for key in by_source}

    def find(key: str) -> str:
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    def union(a: str, b: str) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            # The root is the earlier source, so the origin's name is stable.
            first, second = sorted(
                (ra, rb),
                key=lambda k: (by_source[k].published_on, len(by_source[k].copies_from), k),
            )
            parent[second] = first

    # Only sources that share a wire credit, or where one copies the other, can be of
    # one origin. Each origin's name is its earliest source whatever the order of the
    # unions, so only those pairs are tried.
    by_credit: dict[str, list[str]] = {}
    for key in sorted(by_source):
        for copied in by_source[key].copies_from:
            if copied in by_source:
                union(key, copied)
        for credit in by_source[key].wire_credits:
            by_credit.setdefault(credit, []).append(key)
    for keys in by_credit.values():
        for i, a in enumerate(keys):
            for b in keys[i + 1 :]:
                if _same_origin(by_source[a], by_source[b]):
                    union(a, b)
    return {c.id: find(c.source_key) for c in claims}


def _same_origin(a: Claim, b: Claim) -> bool:
    if b.source_key in a.copies_from or a.source_key in b.copies_from:
        return True
    if not (a.wire_credits & b.wire_credits):
        return False
    if a.wire_story and b.wire_story:
        return a.wire_story == b.wire_story
    return abs((a.published_on - b.published_on).days) <= WIRE_WINDOW_DAYS


def _superseded(
    claims: Sequence[Claim], weight: dict[ClaimRef, float], origins: dict[ClaimRef, str]
) -> dict[ClaimRef, tuple[ClaimRef, bool]]:
    """Map each superseded claim to the latest claim that superseded it, and whether a
    change report did (rule 6).

    A claim is superseded by the claims that speak of a moment after its observation
    ended, of a state other than its own that may follow it, when those contrary
    claims (each origin counted once, by its strongest) weigh at least
    CREDIBLE_WEIGHT and at least SUPERSEDE_RATIO of the weight holding the claim's
    state until the first of them (its claims observed before then, each origin once).

    Or by a *change report*: contrary claims whose origin also reports an earlier
    state they may follow ("destroyed in 2012, rebuilt now"). Such a source does not
    dispute the earlier evidence, it confirms it and tells what came after, so it is
    not weighed against it: CHANGE_REPORT_WEIGHT is enough.
    """
    result: dict[ClaimRef, tuple[ClaimRef, bool]] = {}
    live = [c for c in claims if weight[c.id] > 0]
    by_origin: dict[str, list[Claim]] = {}
    for c in live:
        by_origin.setdefault(origins[c.id], []).append(c)
    reports_change: dict[ClaimRef, bool] = {}

    def is_change_report(later: Claim) -> bool:
        """Whether *later*'s origin also reports an earlier state *later* may follow:
        the same source telling of both sides of a change."""
        if later.id not in reports_change:
            reports_change[later.id] = any(
                c.observed_until < later.speaks_from
                and c.state != later.state
                and _may_follow(c.state, later.state)
                # Only damage can be restored.
                and (later.state != RESTORED or c.state in _DAMAGE_STATES)
                for c in by_origin[origins[later.id]]
            )
        return reports_change[later.id]

    for earlier in live:
        until, follows = earlier.observed_until, _FOLLOWERS[earlier.state]
        contrary = [c for c in live if c.speaks_from > until and c.state in follows]
        if not contrary:
            continue
        first = min(c.speaks_from for c in contrary)
        holding = [c for c in live if c.state == earlier.state and c.observed_until < first]
        against = _per_origin(contrary, weight, origins)
        held = _per_origin(holding, weight, origins)
        change_report = False
        if against < max(CREDIBLE_WEIGHT, SUPERSEDE_RATIO * held):
            reports = [c for c in contrary if is_change_report(c)]
            if not reports or _per_origin(reports, weight, origins) < CHANGE_REPORT_WEIGHT:
                continue
            contrary, change_report = reports, True
        latest = max(contrary, key=lambda c: (c.speaks_from, c.observed_until, c.id))
        result[earlier.id] = (latest.id, change_report)
    return result


def _per_origin(
    claims: Iterable[Claim], weight: dict[ClaimRef, float], origins: dict[ClaimRef, str]
) -> float:
    """Total weight of *claims*, each origin counted once by its strongest claim."""
    best: dict[str, float] = {}
    for c in claims:
        best[origins[c.id]] = max(best.get(origins[c.id], 0.0), weight[c.id])
    return sum(best.values())


def _may_follow(earlier: str, later: str) -> bool:
    """Whether a later observation of *later* can replace one of *earlier*.

    Damage only grows until a restoration is reported; after a restoration, any
    new observation counts.
    """
    if later == RESTORED or earlier == RESTORED:
        return True
    return _DAMAGE_LEVEL[later] >= _DAMAGE_LEVEL[earlier]


def _follows_safely(earlier: str, later: str) -> bool:
    """:func:`_may_follow`, where ``unknown`` (a claim about none of a group's
    members) follows and is followed only as a restoration allows."""
    try:
        return _may_follow(earlier, later)
    except KeyError:
        return False


# For each state, the other states that may follow it.
_FOLLOWERS = {
    earlier: frozenset(
        s for s in (*STATES, UNKNOWN) if s != earlier and _follows_safely(earlier, s)
    )
    for earlier in (*STATES, UNKNOWN)
}


def _vote(votes: list[tuple[str, float]], override: Override | None) -> tuple[str, float, bool]:
    """Pick the state the origins' weighted votes support best.

    Returns (state, confidence, contested). Confidence is agreement (the share of
    weight supporting the state, partly for nearby states) times strength (the
    chance that at least one supporting origin is right, read from weights).
    """
    total = sum(w for _, w in votes)
    if total <= 0:
        return UNKNOWN, 0.0, False

    def support(candidate: str) -> float:
        return sum(w * (1 - distance(s, candidate) / 3) for s, w in votes)

    def direct(candidate: str) -> float:
        return sum(w for s, w in votes if s == candidate)

    # The state with the most weight behind it wins; nearby support only breaks ties.
    candidates = sorted({s for s, _ in votes})
    best = max(candidates, key=lambda s: (round(direct(s), 9), support(s), _severity(s)))
    target = override.state if override else best
    agreement = support(target) / total
    doubt = 1.0
    for s, w in votes:
        if s == target:
            doubt *= 1 - min(w, 0.99)
    strength = 1 - doubt
    disputing = sum(w for s, w in votes if distance(s, target) >= 2)
    contested = disputing / total >= CONTEST_SHARE
    return best, max(0.0, min(1.0, agreement * strength)), contested
