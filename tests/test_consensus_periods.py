"""The stored past: a monument's periods give what the engine computes for any day."""

from __future__ import annotations

import dataclasses
import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from heritage import consensus
from heritage.models import END_OF_TIME, ConsensusPeriod, PeriodBasis
from heritage.services import consensus_periods, history_digest, stored_past, stored_timeline

FIRST_DAY = datetime.date(2014, 1, 1)
SOURCES = ("a", "b", "c", "d", "e")


@st.composite
def claim_sets(draw) -> list[consensus.Claim]:
    """Claims as the registry holds them: observed on or before their publication,
    undated ones included, with wire copies, copy links, ranks and inferences."""
    published = {
        key: FIRST_DAY + datetime.timedelta(draw(st.integers(0, 1500))) for key in SOURCES
    }
    credits = {
        key: draw(st.frozensets(st.sampled_from(("afp", "reuters")), max_size=1))
        for key in SOURCES
    }
    claims = []
    for n in range(draw(st.integers(0, 9))):
        key = draw(st.sampled_from(SOURCES))
        observed_from = observed_to = None
        if draw(st.booleans()):
            start = draw(st.integers(0, 300))
            observed_from = published[key] - datetime.timedelta(start)
            observed_to = observed_from + datetime.timedelta(draw(st.integers(0, start)))
        rank = draw(st.sampled_from(("normal", "normal", "normal", "preferred", "deprecated")))
        claims.append(
            consensus.Claim(
                id=f"{key}/{n}",
                state=draw(st.sampled_from(consensus.STATES)),
                evidence=draw(st.sampled_from(tuple(consensus.EVIDENCE_WEIGHT))),
                source_key=key,
                published_on=published[key],
                reliability=draw(st.sampled_from((0.4, 0.6, 0.8))),
                observed_from=observed_from,
                observed_to=observed_to,
                wire_credits=credits[key],
                copies_from=draw(st.frozensets(st.sampled_from(SOURCES), max_size=1)) - {key},
                inferred=draw(st.booleans()),
                rank=rank,
                rank_reason="" if rank == "normal" else "curator",
            )
        )
    return claims


def covering(periods, basis: str, day: datetime.date):
    matches = [p for p in periods if p.basis == basis and p.valid_from <= day <= p.valid_to]
    assert len(matches) == 1, (basis, day, matches)
    return matches[0]


def as_stored(period) -> tuple:
    return (
        period.state,
        period.confidence,
        period.independent_origins,
        period.contested,
        period.single_origin,
        period.claim_count,
        period.latest_observation,
    )


def as_computed(result: consensus.Consensus, claims: list[consensus.Claim]) -> tuple:
    in_play = {v.claim_id for v in result.verdicts}
    return (
        result.state,
        result.confidence,
        result.independent_origins,
        result.contested,
        result.single_origin,
        len(in_play),
        max((c.observed_until for c in claims if c.id in in_play), default=None),
    )


@settings(max_examples=60, deadline=None, derandomize=True, database=None)
@given(claim_sets(), st.lists(st.integers(-10, 1600), min_size=1, max_size=6))
def test_a_stored_period_equals_the_engine_on_every_day_it_covers(claims, offsets):
    periods = consensus_periods(1, claims)
    days = [FIRST_DAY + datetime.timedelta(n) for n in offsets]
    # The days where the status may change, and the days just before them.
    for c in claims:
        days += [c.observed_until, c.published_on, c.published_on - datetime.timedelta(1)]
    for day in days:
        observed = covering(periods, PeriodBasis.OBSERVED, day)
        assert as_stored(observed) == as_computed(consensus.compute(claims, as_of=day), claims)
        published = covering(periods, PeriodBasis.PUBLISHED, day)
        assert as_stored(published) == as_computed(consensus.compute(claims, known_at=day), claims)


@settings(max_examples=25, deadline=None, derandomize=True, database=None)
@given(claim_sets())
def test_periods_cover_all_time_without_gaps_or_overlaps(claims):
    periods = consensus_periods(1, claims)
    for basis in PeriodBasis.values:
        mine = sorted((p for p in periods if p.basis == basis), key=lambda p: p.valid_from)
        assert mine[0].valid_from == datetime.date.min
        assert mine[-1].valid_to == END_OF_TIME
        for earlier, later in zip(mine, mine[1:], strict=False):
            assert later.valid_from == earlier.valid_to + datetime.timedelta(1)
        assert mine[0].state == consensus.UNKNOWN and mine[0].claim_count == 0


def test_the_digest_ignores_order_and_sees_any_change():
    claims = [
        consensus.Claim(
            id="a/1",
            state="destroyed",
            evidence="official",
            source_key="a",
            published_on=datetime.date(2016, 3, 28),
            wire_credits=frozenset({"afp", "reuters", "ap"}),
        ),
        consensus.Claim(
            id="b/1",
            state="damaged",
            evidence="eyewitness",
            source_key="b",
            published_on=datetime.date(2016, 3, 29),
        ),
    ]
    digest = history_digest(claims)
    assert history_digest(list(reversed(claims))) == digest
    changed = [claims[0], dataclasses.replace(claims[1], rank="deprecated")]
    assert history_digest(changed) != digest
    assert history_digest([]) != digest


@st.composite
def groups(draw) -> tuple[list[consensus.Claim], consensus.Group]:
    """A monument with members: its own claims and each member's, as a group of like
    members (of a known or unknown size) or a whole with parts."""
    own = draw(claim_sets())
    members = tuple(
        [dataclasses.replace(c, id=f"m{i}:{c.id}") for c in draw(claim_sets())]
        for i in range(draw(st.integers(0, 3)))
    )
    composition = draw(st.sampled_from((consensus.GROUP, consensus.WHOLE)))
    size = None if composition == consensus.WHOLE else draw(st.sampled_from((None, 3, 10)))
    return own, consensus.Group(size=size, members=members, composition=composition)


@settings(max_examples=40, deadline=None, derandomize=True, database=None)
@given(groups(), st.sampled_from(("as_of", "known_at")))
def test_history_equals_the_engine_on_each_day_for_a_monument_with_members(monument, on):
    claims, group = monument
    day_of = (lambda c: c.observed_until) if on == "as_of" else (lambda c: c.published_on)
    days = sorted({day_of(c) for c in [*claims, *(c for m in group.members for c in m)]})
    days = [datetime.date.min, *days, END_OF_TIME]
    steps = consensus.history(claims, days, group=group, on=on)
    assert steps == [consensus.compute(claims, group=group, **{on: day}) for day in days]


@settings(max_examples=30, deadline=None, derandomize=True, database=None)
@given(groups())
def test_the_stored_past_is_the_engines_timeline_and_periods(monument):
    claims, group = monument
    timeline, periods = stored_past(1, claims, group)
    assert [change["date"] for change in timeline] == [
        change.date.isoformat() for change in consensus.timeline(claims, group=group)
    ]
    assert timeline == stored_timeline(claims, group)
    fields = [f.attname for f in ConsensusPeriod._meta.concrete_fields if not f.primary_key]

    def rows(periods):
        return [tuple(getattr(p, name) for name in fields) for p in periods]

    assert rows(periods) == rows(consensus_periods(1, claims, group))


def test_history_refuses_an_unknown_basis():
    with pytest.raises(ValueError, match="as_of.*known_at"):
        consensus.history([], [datetime.date(2016, 1, 1)], on="observed")
