"""Unit tests of the consensus engine (``heritage/consensus.py``), one or more per rule.

Pure: hand-built :class:`Claim` sets in, :class:`Consensus` out; no database.
Weights used below (evidence x reliability, x0.6 if inferred):

    eyewitness/imagery 1.0, official 0.8, monitoring_group 0.6, reported 0.5,
    unattributed 0.3; default reliability 0.6 -> official 0.48, monitoring 0.36,
    reported 0.3, unattributed 0.18

A claim left undated speaks of the state at its publication. The tests of rules other
than time give their claims one common observation date (or one publication date),
which keeps the time rule out of them.
"""

from __future__ import annotations

import dataclasses
import datetime
import random

import pytest

from heritage.consensus import (
    CALIBRATION,
    CHANGE_REPORT_WEIGHT,
    CREDIBLE_WEIGHT,
    DEPRECATED,
    DESTROYED,
    EVIDENCE_WEIGHT,
    GROUP_DESTROYED_SHARE,
    GROUP_SEVERE_SHARE,
    INTACT,
    NORMAL,
    PREFERRED,
    RESTORED,
    SEVERELY_DAMAGED,
    STATES,
    SUPERSEDE_RATIO,
    UNKNOWN,
    WHOLE,
    Change,
    Claim,
    Group,
    Override,
    calibrated,
    compute,
    extent_state,
    majority_vote,
    timeline,
    whole_state,
)
from heritage.consensus import _same_origin as _same_origin  # the pair rule, for a reference

try:  # hypothesis is not among pyproject's dev extras; fall back to a seeded generator.
    from hypothesis import given, settings
    from hypothesis import strategies as st
except ImportError:  # pragma: no cover - depends on the environment
    given = None

DAMAGED = "damaged"
EVIDENCE_KINDS = tuple(EVIDENCE_WEIGHT)


def day(iso: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(iso) if iso else None


def claim(
    id: int,
    state: str,
    *,
    evidence: str = "monitoring_group",
    source: str | None = None,
    published: str = "2015-09-01",
    observed: str | None = None,
    observed_to: str | None = None,
    reliability: float = 0.6,
    credits: tuple[str, ...] = (),
    story: str = "",
    copies: tuple[str, ...] = (),
    inferred: bool = False,
    rank: str = NORMAL,
    rank_reason: str = "",
    quantity: int | None = None,
) -> Claim:
    """A claim; each claim is its own source unless *source* says otherwise."""
    return Claim(
        id=id,
        state=state,
        evidence=evidence,
        source_key=source or f"source-{id}",
        published_on=day(published),
        reliability=reliability,
        observed_from=day(observed),
        observed_to=day(observed_to),
        wire_credits=frozenset(credits),
        wire_story=story,
        copies_from=frozenset(copies),
        inferred=inferred,
        rank=rank,
        rank_reason=rank_reason,
        quantity=quantity,
    )


def verdict(result, claim_id):
    (found,) = [v for v in result.verdicts if v.claim_id == claim_id]
    return found


def roles(result) -> dict[int, str]:
    return {v.claim_id: v.role for v in result.verdicts}


# --- Rule 1: which claims count ------------------------------------------------------


def test_no_accepted_claims_is_unknown_with_zero_confidence_and_no_origins():
    result = compute([])

    assert result.state == UNKNOWN
    assert result.evidence_state == UNKNOWN
    assert result.confidence == 0
    assert result.independent_origins == 0
    assert result.single_origin is False
    assert result.contested is False
    assert result.verdicts == ()
    assert majority_vote([]) == UNKNOWN


def test_no_claim_with_weight_left_is_unknown():
    result = compute([claim(1, DESTROYED, rank=DEPRECATED, rank_reason="wrong monument")])

    assert result.state == UNKNOWN
    assert result.confidence == 0
    assert result.independent_origins == 0


def test_as_of_uses_observation_dates_and_known_at_uses_publication_dates():
    # Seen intact in 2014; its destruction, seen in August 2015, reported only in 2016.
    claims = [
        claim(1, INTACT, observed="2014-06-01", published="2014-06-03"),  # 0.36
        claim(2, DESTROYED, evidence="official", observed="2015-08-30", published="2016-02-01"),
    ]

    # What we now know of the end of 2015: the late report counts.
    as_of = compute(claims, as_of=day("2015-12-31"))
    # What was known at the end of 2015: it does not, it was not yet published.
    known_at = compute(claims, known_at=day("2015-12-31"))

    assert as_of.state == DESTROYED
    assert [v.claim_id for v in as_of.verdicts] == [1, 2]
    assert known_at.state == INTACT
    assert [v.claim_id for v in known_at.verdicts] == [1]
    assert (as_of.as_of, as_of.known_at) == (day("2015-12-31"), None)
    assert (known_at.as_of, known_at.known_at) == (None, day("2015-12-31"))
    # Before the destruction was observed, the evidence says intact either way.
    assert compute(claims, as_of=day("2015-08-29")).state == INTACT


def test_as_of_ignores_observations_ending_after_the_date():
    claims = [
        claim(1, DAMAGED, evidence="official", observed="2015-03-01", published="2015-03-02"),
        # A range straddling the date ends after it: not yet counted.
        claim(
            2,
            DESTROYED,
            evidence="official",
            observed="2015-11-01",
            observed_to="2016-01-31",
            published="2016-02-05",
        ),
        # An undated claim speaks of its publication date.
        claim(3, DESTROYED, evidence="official", published="2016-01-05"),
    ]

    assert [v.claim_id for v in compute(claims, as_of=day("2015-12-31")).verdicts] == [1]
    assert [v.claim_id for v in compute(claims, as_of=day("2016-01-05")).verdicts] == [1, 3]
    assert [v.claim_id for v in compute(claims, as_of=day("2016-01-31")).verdicts] == [
        1,
        3,
        2,
    ]


# --- Rule 4: copies count once -------------------------------------------------------


def test_copies_count_once_wire_copies_within_window_are_one_origin():
    afp = dict(evidence="official", reliability=0.8, credits=("afp",))  # 0.64 each
    seen = "2016-03-26"
    claims = [
        claim(1, INTACT, source="outlet-a", published="2016-03-27", observed=seen, **afp),
        claim(2, INTACT, source="outlet-b", published="2016-03-28", observed=seen, **afp),
        claim(3, INTACT, source="outlet-c", published="2016-03-30", observed=seen, **afp),
        claim(4, DESTROYED, source="dgam", published="2016-03-28", observed=seen),  # 0.36
        claim(5, DESTROYED, source="apsa", published="2016-03-29", observed=seen),  # 0.36
    ]

    result = compute(claims)

    copy_origins = {verdict(result, i).origin for i in (1, 2, 3)}
    assert copy_origins == {"outlet-a"}  # named after the earliest source
    assert result.independent_origins == 3
    assert sorted(roles(result)[i] for i in (1, 2, 3)) == ["copy", "copy", "disputes"]
    # Counted three times, 3 x 0.64 would beat 2 x 0.36; counted once it does not.
    assert result.state == DESTROYED
    assert majority_vote(claims) == INTACT


@pytest.mark.parametrize(
    "story, published_days",
    [
        ("afp-palmyra-0327", [0, 5, 10, 15, 20]),  # same story key, days apart
        ("", [0, 1, 1, 2, 3]),  # no story key, all within the wire window
    ],
    ids=["same-wire-story", "same-days"],
)
def test_copies_count_once_republished_story_does_not_change_consensus(story, published_days):
    seen = "2016-03-26"
    base = [
        claim(1, DESTROYED, source="dgam", published="2016-03-27", observed=seen),
        claim(2, DESTROYED, source="apsa", published="2016-03-28", observed=seen),
    ]
    start = day("2016-03-27")
    story_copies = [
        claim(
            10 + n,
            INTACT,
            source=f"outlet-{n}",
            published=(start + datetime.timedelta(days=offset)).isoformat(),
            observed=seen,
            credits=("afp",),
            story=story,
        )
        for n, offset in enumerate(published_days)
    ]

    once = compute(base + story_copies[:1])
    five_times = compute(base + story_copies)

    assert compute(base).state == once.state == five_times.state == DESTROYED
    assert five_times.confidence == once.confidence
    assert five_times.contested == once.contested
    assert five_times.independent_origins == once.independent_origins == 3
    # The naive baseline is moved by the republications.
    assert majority_vote(base + story_copies[:1]) == DESTROYED
    assert majority_vote(base + story_copies) == INTACT


def test_same_credit_different_wire_story_are_separate_origins():
    def pair(second_story):
        return [
            claim(
                1, DESTROYED, source="a", published="2016-03-27", credits=("afp",), story="afp-1"
            ),
            claim(
                2,
                DESTROYED,
                source="b",
                published="2016-03-27",
                credits=("afp",),
                story=second_story,
            ),
        ]

    separate = compute(pair("afp-2"))
    assert separate.independent_origins == 2
    assert verdict(separate, 1).origin != verdict(separate, 2).origin
    assert compute(pair("afp-1")).independent_origins == 1  # control: same story


@pytest.mark.parametrize("days_apart, origins", [(30, 2), (4, 2), (3, 1), (0, 1)])
def test_same_credit_far_apart_in_time_are_separate_origins(days_apart, origins):
    later = (day("2016-03-01") + datetime.timedelta(days=days_apart)).isoformat()
    claims = [
        claim(1, DESTROYED, source="a", published="2016-03-01", credits=("afp",)),
        claim(2, DESTROYED, source="b", published=later, credits=("afp",)),
    ]

    assert compute(claims).independent_origins == origins


def test_copies_from_link_makes_one_origin():
    original = claim(1, DESTROYED, source="original", published="2015-09-01")
    copier = claim(2, DESTROYED, source="copier", published="2016-01-10", copies=("original",))
    unrelated = claim(3, DESTROYED, source="unrelated", published="2016-01-10")

    result = compute([copier, original, unrelated])

    assert verdict(result, 1).origin == verdict(result, 2).origin == "original"
    assert verdict(result, 3).origin == "unrelated"
    assert result.independent_origins == 2


def test_sources_without_wire_credits_are_independent():
    # An unnamed credit ("agency inputs") is dropped by the service, leaving no credits;
    # even a shared story label does not tie two uncredited sources together.
    claims = [
        claim(1, DESTROYED, source="a", published="2016-03-27", story="x"),
        claim(2, DESTROYED, source="b", published="2016-03-27", story="x"),
    ]

    result = compute(claims)

    assert result.independent_origins == 2
    assert result.single_origin is False


def test_claims_of_one_source_are_one_origin():
    claims = [
        claim(1, DESTROYED, source="same", evidence="official"),
        claim(2, SEVERELY_DAMAGED, source="same", evidence="unattributed"),
    ]

    result = compute(claims)

    assert result.independent_origins == 1
    assert roles(result) == {1: "supports", 2: "copy"}
    assert "same origin as claim 1: counted once" in verdict(result, 2).reasons


# --- Rule 3: evidence weighs ---------------------------------------------------------


def test_evidence_weighs_eyewitness_outweighs_two_unattributed_one_step_away():
    claims = [
        claim(1, DESTROYED, evidence="eyewitness"),  # 0.6
        claim(2, SEVERELY_DAMAGED, evidence="unattributed"),  # 0.18
        claim(3, SEVERELY_DAMAGED, evidence="unattributed"),  # 0.18
    ]

    result = compute(claims)

    assert result.state == DESTROYED
    assert result.independent_origins == 3
    assert majority_vote(claims) == SEVERELY_DAMAGED


def test_evidence_the_outlets_own_reporting_weighs_between_unattributed_and_monitoring():
    assert (
        EVIDENCE_WEIGHT["unattributed"]
        < EVIDENCE_WEIGHT["reported"]
        < EVIDENCE_WEIGHT["monitoring_group"]
    )
    # A newspaper's own "rebuilt" (0.3) is credible on its own; an unattributed one is not.
    own = claim(1, RESTORED, evidence="reported")
    passed_on = claim(1, RESTORED, evidence="unattributed")
    assert own.base_weight >= CREDIBLE_WEIGHT > passed_on.base_weight


def test_evidence_weight_is_kind_times_reliability():
    for evidence, factor in EVIDENCE_WEIGHT.items():
        for reliability in (0.25, 0.5, 1.0):
            result = compute([claim(1, DESTROYED, evidence=evidence, reliability=reliability)])
            assert verdict(result, 1).weight == pytest.approx(factor * reliability, abs=1e-4)
    # Reliability is clamped to [0, 1].
    too_high = compute([claim(1, DESTROYED, evidence="official", reliability=1.7)])
    assert verdict(too_high, 1).weight == pytest.approx(0.8)


def test_reliability_scales_weight_proportionally():
    weak, strong = (
        verdict(compute([claim(1, DAMAGED, evidence="official", reliability=r)]), 1).weight
        for r in (0.4, 0.8)
    )

    assert strong == pytest.approx(2 * weak)


def test_reliability_change_flips_outcome():
    def outcome(destroyed_reliability, intact_reliability):
        return compute(
            [
                claim(1, DESTROYED, evidence="official", reliability=destroyed_reliability),
                claim(2, INTACT, evidence="official", reliability=intact_reliability),
            ]
        ).state

    assert outcome(0.9, 0.5) == DESTROYED
    assert outcome(0.5, 0.9) == INTACT


def test_inferred_reference_weighs_less_and_says_so():
    plain = compute([claim(1, DAMAGED, evidence="official", reliability=0.5)])
    inferred = compute([claim(1, DAMAGED, evidence="official", reliability=0.5, inferred=True)])

    assert verdict(inferred, 1).weight == pytest.approx(0.6 * verdict(plain, 1).weight)
    assert verdict(inferred, 1).weight == pytest.approx(0.24)
    assert "inferred reference (x0.6)" in verdict(inferred, 1).reasons
    assert not any("inferred" in r for r in verdict(plain, 1).reasons)


# --- Rule 5: time --------------------------------------------------------------------


def test_later_credible_greater_damage_supersedes_earlier():
    claims = [
        claim(1, DAMAGED, observed="2015-03-01", published="2015-03-02"),  # 0.36
        claim(
            2, DESTROYED, evidence="official", observed="2015-09-01", published="2015-09-02"
        ),  # 0.48
    ]

    result = compute(claims)

    assert result.state == DESTROYED
    assert roles(result) == {1: "superseded", 2: "supports"}
    assert "superseded by claim 2, observed later" in verdict(result, 1).reasons
    assert result.independent_origins == 1


def test_supersession_needs_a_credible_later_claim():
    claims = [
        claim(1, DAMAGED, evidence="unattributed", observed="2015-03-01", published="2015-03-02"),
        claim(
            2, DESTROYED, evidence="unattributed", observed="2015-09-01", published="2015-09-02"
        ),  # 0.18: as heavy as claim 1, but below CREDIBLE_WEIGHT
    ]

    result = compute(claims)

    assert roles(result) == {1: "disputes", 2: "supports"}
    assert result.independent_origins == 2


def test_supersession_one_credible_later_report_replaces_an_older_one():
    earlier = claim(
        1, DAMAGED, evidence="eyewitness", reliability=0.9, observed="2015-03-01"
    )  # 0.9
    later = claim(2, DESTROYED, evidence="reported", observed="2015-09-01", published="2015-09-02")

    result = compute([earlier, later])  # 0.3 >= CREDIBLE_WEIGHT and >= 0.15 x 0.9

    assert later.base_weight >= CREDIBLE_WEIGHT >= SUPERSEDE_RATIO * earlier.base_weight
    assert roles(result) == {1: "superseded", 2: "supports"}
    assert result.state == DESTROYED


def test_supersession_a_lone_weak_claim_cannot_flip_a_well_supported_state():
    well_supported = [
        claim(n, DAMAGED, evidence="eyewitness", reliability=0.8, observed="2015-03-01")
        for n in range(1, 4)
    ]  # three origins, 2.4 in all
    weak = claim(9, DESTROYED, evidence="unattributed", observed="2015-09-01")  # 0.18
    credible = claim(9, DESTROYED, evidence="reported", observed="2015-09-01")  # 0.3
    stronger = claim(9, DESTROYED, evidence="official", reliability=0.8, observed="2015-09-01")

    assert weak.base_weight < CREDIBLE_WEIGHT  # too weak to supersede anything
    assert compute([*well_supported, weak]).state == DAMAGED
    # Credible, but under SUPERSEDE_RATIO of the 2.4 that held the state until then.
    assert credible.base_weight < SUPERSEDE_RATIO * 2.4
    assert compute([*well_supported, credible]).state == DAMAGED
    # A stronger later report (0.64 >= 0.36) sets the three aside.
    assert set(roles(compute([*well_supported, stronger])).values()) == {
        "superseded",
        "supports",
    }


def test_supersession_counts_each_later_origin_once():
    earlier = [
        claim(n, DAMAGED, evidence="eyewitness", reliability=0.8, observed="2015-03-01")
        for n in range(1, 4)
    ]  # 2.4: the later evidence needs 0.36

    def later(id, source, **kwargs):
        return claim(
            id,
            DESTROYED,
            evidence="unattributed",
            reliability=0.7,
            source=source,
            observed="2015-09-01",
            **kwargs,
        )  # 0.21 each

    two_independent = compute([*earlier, later(7, "a"), later(8, "b")])  # 0.42
    two_copies = compute(
        [*earlier, later(7, "a", credits=("afp",)), later(8, "b", credits=("afp",))]
    )  # one origin: 0.21

    assert two_independent.state == DESTROYED
    assert two_copies.state == DAMAGED


def test_supersession_by_a_change_report_needs_no_more_than_its_own_floor():
    """A source that states the earlier state and the later one reports a change: it
    confirms the earlier evidence instead of disputing it, so it is not weighed
    against it (Timbuktu: "14 tombs destroyed in 2012" and "rebuilt 14", 0.2 each)."""
    destroyed = [
        claim(n, DESTROYED, evidence="official", reliability=0.8, observed="2012-07-01")
        for n in range(1, 6)
    ]  # five origins, 3.2 in all: a lone later claim would need 0.48
    then = claim(
        8,
        DESTROYED,
        evidence="reported",
        reliability=0.4,
        source="trt",
        observed="2012-01-01",
        observed_to="2012-12-31",
        published="2015-07-28",
    )
    rebuilt = claim(9, RESTORED, evidence="reported", reliability=0.4, source="trt")
    rebuilt = dataclasses.replace(rebuilt, published_on=day("2015-07-28"))

    assert rebuilt.base_weight == CHANGE_REPORT_WEIGHT < SUPERSEDE_RATIO * 3.2
    assert compute([*destroyed, rebuilt]).state == DESTROYED  # a lone weak claim
    result = compute([*destroyed, then, rebuilt])
    assert result.state == RESTORED
    assert roles(result) == {**{n: "superseded" for n in (1, 2, 3, 4, 5, 8)}, 9: "supports"}
    assert any("a report of the change" in r for r in verdict(result, 1).reasons)

    # Below its floor a change report is a lone weak claim like any other.
    weaker = dataclasses.replace(rebuilt, evidence="unattributed")  # 0.12
    assert compute([*destroyed, then, weaker]).state == DESTROYED
    # The source must report an earlier state the later one may follow: damage, for a
    # restoration.
    standing = dataclasses.replace(then, state=INTACT)
    assert compute([*destroyed, standing, rebuilt]).state == DESTROYED


def test_later_intact_does_not_undo_destruction_and_is_contested():
    claims = [
        claim(1, DESTROYED, evidence="official", observed="2015-08-30", published="2015-08-31"),
        claim(2, INTACT, evidence="official", observed="2016-05-01", published="2016-05-02"),
    ]

    result = compute(claims)

    assert "superseded" not in roles(result).values()
    assert result.independent_origins == 2
    assert result.contested is True
    assert result.state == DESTROYED


def test_later_lesser_damage_does_not_supersede_destruction():
    claims = [
        claim(1, DESTROYED, evidence="official", observed="2015-08-30", published="2015-08-31"),
        claim(2, DAMAGED, evidence="eyewitness", observed="2016-05-01", published="2016-05-02"),
    ]

    result = compute(claims)

    assert "superseded" not in roles(result).values()
    assert result.independent_origins == 2


def test_later_same_state_corroborates_rather_than_supersedes():
    claims = [
        claim(1, DESTROYED, evidence="official", observed="2015-08-30", published="2015-08-31"),
        claim(2, DESTROYED, evidence="official", observed="2016-05-01", published="2016-05-02"),
    ]

    result = compute(claims)

    assert roles(result) == {1: "supports", 2: "supports"}
    assert result.independent_origins == 2


def test_later_restoration_supersedes_destruction():
    claims = [
        claim(1, DESTROYED, evidence="official", observed="2015-08-30", published="2015-08-31"),
        claim(
            2, RESTORED, evidence="eyewitness", observed="2019-05-01", published="2019-05-02"
        ),  # 0.6 >= 0.48
    ]

    result = compute(claims)

    assert result.state == RESTORED
    assert roles(result) == {1: "superseded", 2: "supports"}
    assert "superseded by claim 2, observed later" in verdict(result, 1).reasons


def test_damage_after_restoration_supersedes_restoration():
    claims = [
        claim(1, DESTROYED, evidence="official", observed="2015-08-30", published="2015-08-31"),
        claim(
            2,
            RESTORED,
            evidence="official",
            reliability=0.8,
            observed="2019-05-01",
            published="2019-05-02",
        ),  # 0.64
        claim(
            3,
            DAMAGED,
            evidence="eyewitness",
            reliability=0.7,
            observed="2021-02-01",
            published="2021-02-02",
        ),  # 0.7
    ]

    result = compute(claims)

    assert result.state == DAMAGED
    assert roles(result) == {1: "superseded", 2: "superseded", 3: "supports"}
    assert "superseded by claim 2, observed later" in verdict(result, 1).reasons
    assert "superseded by claim 3, observed later" in verdict(result, 2).reasons


def test_undated_claim_speaks_at_publication_and_supersedes_like_a_dated_one():
    earlier = claim(1, DAMAGED, observed="2015-03-01", published="2015-03-02")  # 0.36

    def later(observed):
        return claim(
            2, DESTROYED, evidence="official", observed=observed, published="2020-01-10"
        )  # 0.48

    undated = compute([earlier, later(None)])
    dated = compute([earlier, later("2020-01-10")])

    assert roles(undated) == {1: "superseded", 2: "supports"}
    assert roles(undated) == roles(dated)
    assert undated.independent_origins == dated.independent_origins == 1
    # as_of reads it on its publication day, not before.
    assert compute([earlier, later(None)], as_of=day("2020-01-09")).state == DAMAGED
    assert compute([earlier, later(None)], as_of=day("2020-01-10")).state == DESTROYED


def test_an_undated_claim_is_superseded_by_a_later_observation():
    # A theatre "appears undamaged" (undated, 2016); undated 2017 reports of its
    # destroyed facade set it aside instead of contesting it.
    undamaged = claim(1, INTACT, evidence="reported", published="2016-06-01")  # 0.3
    destroyed = [
        claim(2, DESTROYED, evidence="reported", published="2017-01-20"),
        claim(3, DESTROYED, evidence="official", published="2017-01-21"),
    ]

    result = compute([undamaged, *destroyed])

    assert roles(result)[1] == "superseded"
    assert (result.state, result.contested) == (DESTROYED, False)


# --- Rule 6: ordinal scale -----------------------------------------------------------


def test_one_step_disagreement_lowers_confidence_without_contest():
    unanimous = compute(
        [claim(1, DESTROYED, evidence="official"), claim(2, DESTROYED, evidence="official")]
    )
    one_step = compute(
        [claim(1, SEVERELY_DAMAGED, evidence="official"), claim(2, DESTROYED, evidence="official")]
    )

    assert unanimous.contested is False
    assert one_step.contested is False
    assert 0 < one_step.confidence < unanimous.confidence
    assert one_step.state in (SEVERELY_DAMAGED, DESTROYED)


def test_one_step_disagreement_costs_less_confidence_than_a_wide_one():
    one_step = compute(
        [claim(1, SEVERELY_DAMAGED, evidence="official"), claim(2, DESTROYED, evidence="official")]
    )
    three_steps = compute(
        [claim(1, INTACT, evidence="official"), claim(2, DESTROYED, evidence="official")]
    )

    assert one_step.confidence > three_steps.confidence


def test_state_with_most_origin_weight_wins():
    claims = [
        claim(1, INTACT, evidence="eyewitness"),  # 0.6
        claim(2, DESTROYED, evidence="official"),  # 0.48
        claim(3, SEVERELY_DAMAGED, evidence="official", reliability=0.5),  # 0.4
        claim(4, SEVERELY_DAMAGED, evidence="unattributed"),  # 0.18, so 0.58 in all
    ]

    assert compute(claims).state == INTACT
    assert compute([*claims, claim(5, SEVERELY_DAMAGED, evidence="unattributed")]).state == (
        SEVERELY_DAMAGED
    )


@pytest.mark.parametrize(
    "third, expected",
    [(SEVERELY_DAMAGED, DESTROYED), (DAMAGED, INTACT)],
)
def test_nearby_states_break_ties_between_equal_weights(third, expected):
    claims = [
        claim(1, INTACT, evidence="official"),  # 0.48
        claim(2, DESTROYED, evidence="official"),  # 0.48
        claim(3, third),  # 0.36, nearer to one of the two
    ]

    assert compute(claims).state == expected


@pytest.mark.parametrize(
    "a, b, expected",
    [
        (DAMAGED, DESTROYED, DESTROYED),
        (SEVERELY_DAMAGED, DESTROYED, DESTROYED),
        (DAMAGED, SEVERELY_DAMAGED, SEVERELY_DAMAGED),
        (INTACT, DAMAGED, DAMAGED),
        (RESTORED, DAMAGED, DAMAGED),
        (RESTORED, INTACT, INTACT),
    ],
)
def test_an_exact_tie_of_weights_goes_to_the_more_severe_state(a, b, expected):
    """Damage accumulates until a restoration is reported: of two states with the same
    weight, the more severe. Breaking ties between degrees of damage towards the milder
    was measured and not kept (README, "Two labellers")."""
    claims = [claim(1, a, evidence="official"), claim(2, b, evidence="official")]

    assert compute(claims).state == compute(claims[::-1]).state == expected


@pytest.mark.parametrize("milder, severe", [(DAMAGED, DESTROYED), (SEVERELY_DAMAGED, DESTROYED)])
def test_a_later_milder_claim_of_equal_weight_does_not_undo_damage(milder, severe):
    claims = [
        claim(1, severe, evidence="official", observed="2015-03-01"),
        claim(2, milder, evidence="official", observed="2016-03-01"),
    ]

    assert compute(claims).state == severe


@pytest.mark.parametrize(
    "a, b",
    [(INTACT, DESTROYED), (DAMAGED, DESTROYED), (INTACT, SEVERELY_DAMAGED)],
)
def test_two_or_more_steps_disagreement_is_contested(a, b):
    result = compute([claim(1, a, evidence="official"), claim(2, b, evidence="official")])

    assert result.contested is True
    assert result.independent_origins == 2


def test_contest_needs_enough_weight_behind_the_dispute():
    destroyed = [claim(i, DESTROYED, evidence="official") for i in (1, 2, 3)]  # 3 x 0.48

    faint = compute([*destroyed, claim(4, INTACT, evidence="unattributed")])  # 0.18 / 1.62
    strong = compute([*destroyed, claim(4, INTACT, evidence="official")])  # 0.48 / 1.92

    assert faint.contested is False
    assert strong.contested is True
    assert faint.state == strong.state == DESTROYED


# --- Rule 2: curators' word ----------------------------------------------------------


def test_deprecated_claim_weighs_nothing_and_is_discounted_with_reason():
    claims = [
        claim(
            1,
            DESTROYED,
            evidence="eyewitness",
            reliability=0.9,
            rank=DEPRECATED,
            rank_reason="photo shows another temple",
        ),
        claim(2, INTACT, evidence="unattributed"),
    ]

    result = compute(claims)

    deprecated = verdict(result, 1)
    assert deprecated.weight == 0
    assert deprecated.role == "discounted"
    assert "deprecated by a curator: photo shows another temple" in deprecated.reasons
    assert result.state == INTACT
    assert result.independent_origins == 1


def test_preferred_claim_outranks_others():
    claims = [
        claim(1, DESTROYED, evidence="eyewitness"),  # 0.6
        claim(
            2, DAMAGED, evidence="unattributed", rank=PREFERRED, rank_reason="checked on site"
        ),  # 0.18
        claim(3, DESTROYED, evidence="eyewitness"),  # 0.6
    ]

    result = compute(claims)

    assert result.state == DAMAGED
    assert result.independent_origins == 1
    assert roles(result) == {1: "discounted", 2: "supports", 3: "discounted"}
    for outranked in (1, 3):
        assert "outranked by a claim a curator preferred" in verdict(result, outranked).reasons
    assert compute([claims[0], claims[2]]).state == DESTROYED  # control


def test_override_sets_state_keeps_evidence_state_and_reason():
    claims = [claim(1, DESTROYED, evidence="official"), claim(2, DESTROYED, evidence="official")]
    reason = "restoration completed in 2023, seen by the curator"

    plain = compute(claims)
    overridden = compute(claims, override=Override(RESTORED, reason))

    assert (plain.state, plain.overridden, plain.override_reason) == (DESTROYED, False, "")
    assert overridden.state == RESTORED
    assert overridden.overridden is True
    assert overridden.override_reason == reason
    assert overridden.evidence_state == plain.evidence_state == DESTROYED
    assert overridden.independent_origins == plain.independent_origins == 2
    assert {v.claim_id for v in overridden.verdicts if v.role == "disputes"} == {1, 2}


def test_override_to_unknown_is_supported():
    # Regression: StatusOverride allows "unknown"; this used to raise KeyError.
    result = compute(
        [claim(1, DESTROYED, evidence="official")],
        override=Override(UNKNOWN, "cannot be verified since 2017"),
    )

    assert result.state == UNKNOWN
    assert result.overridden is True
    assert result.evidence_state == DESTROYED
    assert 0 <= result.confidence <= 1


# --- Determinism and flags -----------------------------------------------------------


def _rich_claim_set() -> list[Claim]:
    afp = dict(credits=("afp",), story="afp-0327", evidence="official")
    return [
        claim(1, INTACT, evidence="eyewitness", observed="2014-06-01", published="2014-06-02"),
        claim(2, DESTROYED, source="wire-a", published="2015-08-31", observed="2015-08-30", **afp),
        claim(3, DESTROYED, source="wire-b", published="2015-09-01", observed="2015-08-30", **afp),
        claim(4, SEVERELY_DAMAGED, source="copier", published="2015-09-10", copies=("wire-a",)),
        claim(
            5,
            DESTROYED,
            evidence="imagery",
            inferred=True,
            observed="2015-09-02",
            published="2015-09-05",
        ),
        claim(6, INTACT, evidence="unattributed", published="2016-01-01"),
        claim(7, DESTROYED, rank=DEPRECATED, rank_reason="duplicate", published="2015-09-03"),
        claim(8, DAMAGED, evidence="official", observed="2015-09-02", published="2015-09-04"),
    ]


def test_same_claims_in_any_order_give_identical_consensus():
    claims = _rich_claim_set()
    rng = random.Random(1234)
    for kwargs in ({}, {"as_of": day("2015-09-03")}, {"known_at": day("2015-09-05")}):
        expected = compute(claims, **kwargs)
        assert compute(list(reversed(claims)), **kwargs) == expected
        for _ in range(30):
            shuffled = claims[:]
            rng.shuffle(shuffled)
            assert compute(shuffled, **kwargs) == expected


def test_single_origin_flag():
    alone = compute([claim(1, DESTROYED)])
    copies = compute(
        [
            claim(1, DESTROYED, source="a", credits=("afp",)),
            claim(2, DESTROYED, source="b", credits=("afp",)),
        ]
    )
    independent = compute([claim(1, DESTROYED), claim(2, DESTROYED)])

    assert (alone.single_origin, alone.independent_origins) == (True, 1)
    assert (copies.single_origin, copies.independent_origins) == (True, 1)
    assert (independent.single_origin, independent.independent_origins) == (False, 2)


# --- Confidence bounds on random inputs ----------------------------------------------

_SOURCE_KEYS = ("a", "b", "c", "d", "e", "f")
_CREDITS = ("afp", "reuters", "ap")
_FIRST_DAY = datetime.date(2014, 1, 1)


def _build_claims(sources: dict, claim_specs: list) -> list[Claim]:
    """Claims whose source fields come from their source, as the service builds them."""
    claims = []
    for n, (key, state, evidence, inferred, rank, observed_offsets) in enumerate(claim_specs):
        published, reliability, credits, story, copies = sources[key]
        observed_from = observed_to = None
        if observed_offsets is not None:
            start, length = observed_offsets
            observed_from = published - datetime.timedelta(days=start)
            observed_to = observed_from + datetime.timedelta(days=min(length, start))
        claims.append(
            Claim(
                id=n + 1,
                state=state,
                evidence=evidence,
                source_key=key,
                published_on=published,
                reliability=reliability,
                observed_from=observed_from,
                observed_to=observed_to,
                wire_credits=frozenset(credits),
                wire_story=story,
                copies_from=frozenset(copies) - {key},
                inferred=inferred,
                rank=rank,
                rank_reason="curator" if rank != NORMAL else "",
            )
        )
    return claims


def _check_invariants(claims, override, as_of) -> None:
    result = compute(claims, override=override, as_of=as_of)
    assert 0.0 <= result.confidence <= 1.0
    assert result.state in (*STATES, UNKNOWN)
    assert result.single_origin == (result.independent_origins == 1)
    assert result.independent_origins <= len({c.source_key for c in claims})
    voting = [v for v in result.verdicts if v.role in ("supports", "disputes")]
    assert len(voting) == result.independent_origins
    if as_of is None:
        assert len(result.verdicts) == len(claims)
    if result.evidence_state == UNKNOWN:
        assert result.confidence == 0
    in_play = {v.claim_id for v in result.verdicts}
    assert {v.claim_id: v.origin for v in result.verdicts} == _origins_of_every_pair(
        [c for c in claims if c.id in in_play]
    )


def _origins_of_every_pair(claims) -> dict:
    """Copies count once, the reference: every pair of sources tried with the pair
    rule, each origin named by its earliest source (a source copying nothing first on
    a day, then by key)."""
    first: dict[str, Claim] = {}
    for c in claims:
        first.setdefault(c.source_key, c)
    component = {key: {key} for key in first}
    for a in first:
        for b in first:
            if a < b and component[a] is not component[b] and _same_origin(first[a], first[b]):
                merged = component[a] | component[b]
                for key in merged:
                    component[key] = merged
    name = {
        key: min(keys, key=lambda k: (first[k].published_on, len(first[k].copies_from), k))
        for key, keys in component.items()
    }
    return {c.id: name[c.source_key] for c in claims}


if given is not None:

    @st.composite
    def _claim_sets(draw):
        sources = {
            key: (
                _FIRST_DAY + datetime.timedelta(days=draw(st.integers(0, 2000))),
                draw(st.floats(-0.5, 1.5, allow_nan=False)),
                draw(st.frozensets(st.sampled_from(_CREDITS), max_size=2)),
                draw(st.sampled_from(("", "s1", "s2"))),
                draw(st.frozensets(st.sampled_from(_SOURCE_KEYS), max_size=2)),
            )
            for key in _SOURCE_KEYS
        }
        specs = draw(
            st.lists(
                st.tuples(
                    st.sampled_from(_SOURCE_KEYS),
                    st.sampled_from(STATES),
                    st.sampled_from(EVIDENCE_KINDS),
                    st.booleans(),
                    st.sampled_from((NORMAL, NORMAL, NORMAL, PREFERRED, DEPRECATED)),
                    st.none() | st.tuples(st.integers(0, 400), st.integers(0, 400)),
                ),
                max_size=10,
            )
        )
        override = draw(
            st.none() | st.builds(Override, st.sampled_from((*STATES, UNKNOWN)), st.just("r"))
        )
        as_of = draw(
            st.none() | st.integers(0, 2000).map(lambda d: _FIRST_DAY + datetime.timedelta(d))
        )
        return _build_claims(sources, specs), override, as_of

    @settings(max_examples=200, deadline=None, derandomize=True, database=None)
    @given(_claim_sets())
    def test_random_claims_keep_the_invariants_and_copies_count_once(case):
        _check_invariants(*case)

else:  # pragma: no cover - only without hypothesis

    def test_random_claims_keep_the_invariants_and_copies_count_once():
        rng = random.Random(20160327)
        for _ in range(200):
            sources = {
                key: (
                    _FIRST_DAY + datetime.timedelta(days=rng.randint(0, 2000)),
                    rng.uniform(-0.5, 1.5),
                    frozenset(rng.sample(_CREDITS, rng.randint(0, 2))),
                    rng.choice(("", "s1", "s2")),
                    frozenset(rng.sample(_SOURCE_KEYS, rng.randint(0, 2))),
                )
                for key in _SOURCE_KEYS
            }
            specs = [
                (
                    rng.choice(_SOURCE_KEYS),
                    rng.choice(STATES),
                    rng.choice(EVIDENCE_KINDS),
                    rng.random() < 0.5,
                    rng.choice((NORMAL, NORMAL, NORMAL, PREFERRED, DEPRECATED)),
                    None if rng.random() < 0.3 else (rng.randint(0, 400), rng.randint(0, 400)),
                )
                for _ in range(rng.randint(0, 10))
            ]
            override = (
                None if rng.random() < 0.7 else Override(rng.choice((*STATES, UNKNOWN)), "r")
            )
            as_of = (
                None
                if rng.random() < 0.5
                else _FIRST_DAY + datetime.timedelta(days=rng.randint(0, 2000))
            )
            _check_invariants(_build_claims(sources, specs), override, as_of)


# --- Timeline ------------------------------------------------------------------------


def test_timeline_destroyed_then_restored_gives_two_changes():
    claims = [
        claim(10, DESTROYED, evidence="eyewitness", observed="2015-08-30", published="2015-08-31"),
        claim(11, DESTROYED, evidence="official", observed="2015-08-30", published="2015-08-31"),
        # Heavier than claim 10 on the same day, but of a state the consensus does not take.
        claim(
            12,
            SEVERELY_DAMAGED,
            evidence="imagery",
            reliability=0.7,
            observed="2015-08-30",
            published="2015-09-01",
        ),
        claim(
            15, DESTROYED, evidence="official", observed="2016-04-01", published="2016-04-02"
        ),  # corroborates: no change
        claim(
            20,
            RESTORED,
            evidence="eyewitness",
            reliability=0.9,
            observed="2019-05-01",
            published="2019-05-03",
        ),
    ]

    changes = timeline(claims)

    assert [(c.date, c.state, c.claim_id) for c in changes] == [
        (day("2015-08-30"), DESTROYED, 10),
        (day("2019-05-01"), RESTORED, 20),
    ]
    assert all(isinstance(c, Change) and 0 < c.confidence <= 1 for c in changes)


def test_timeline_cause_does_not_depend_on_input_order():
    # Regression: the cause used to be the first of equally weighted claims as given.
    a = claim(1, DESTROYED, evidence="eyewitness", observed="2015-05-01", published="2015-05-02")
    b = claim(2, DESTROYED, evidence="eyewitness", observed="2015-05-01", published="2015-05-02")

    assert timeline([a, b]) == timeline([b, a])


def test_timeline_cause_is_never_a_deprecated_claim():
    # Regression: the cause used to be chosen by base weight, ignoring the curator's rank.
    deprecated = claim(
        3,
        DESTROYED,
        evidence="eyewitness",
        observed="2015-05-01",
        published="2015-05-02",
        rank=DEPRECATED,
        rank_reason="misread photo",
    )
    counted = claim(
        4, DESTROYED, evidence="unattributed", observed="2015-05-01", published="2015-05-02"
    )

    (change,) = timeline([deprecated, counted])

    assert change.state == DESTROYED
    assert change.claim_id == 4


# --- Uncertainty windows ---------------------------------------------------------------


def test_timeline_window_of_a_dated_range_is_the_range():
    # "Shattered by IS last year": as_of shows it once 2015 has ended; it happened in 2015.
    last_year = claim(
        1, DESTROYED, observed="2015-01-01", observed_to="2015-12-31", published="2016-03-28"
    )

    (change,) = timeline([last_year])

    assert (change.earliest, change.latest, change.date) == (
        day("2015-01-01"),
        day("2015-12-31"),
        day("2015-12-31"),
    )
    assert compute([last_year], as_of=day("2015-12-30")).state == UNKNOWN  # as_of unchanged


def test_timeline_window_starts_the_day_after_the_previous_state_was_last_seen():
    # A photograph shows the minaret standing on 1 June; undated reports of its
    # destruction are published on 21 June.
    standing = claim(1, INTACT, evidence="imagery", observed="2017-06-01", published="2017-06-02")
    blown_up = claim(2, DESTROYED, evidence="official", published="2017-06-21")

    intact, destroyed = timeline([standing, blown_up])

    assert (intact.state, intact.earliest) == (INTACT, None)  # nothing bounds it
    assert (destroyed.state, destroyed.earliest, destroyed.latest) == (
        DESTROYED,
        day("2017-06-02"),
        day("2017-06-21"),
    )


def test_timeline_window_of_an_undated_first_report_is_open():
    (change,) = timeline([claim(1, DESTROYED, published="2014-07-25")])

    assert (change.earliest, change.latest) == (None, day("2014-07-25"))


# --- Calibrated confidence -------------------------------------------------------------


def test_confidence_is_the_raw_score_through_the_increasing_calibration_curve():
    knots = [y for _, y in CALIBRATION]
    assert knots == sorted(knots) and len(set(knots)) == len(knots)  # strictly increasing
    strong = compute([claim(1, DESTROYED, evidence="eyewitness", reliability=0.9)])
    weak = compute([claim(1, DESTROYED, evidence="unattributed")])

    assert strong.confidence == round(calibrated(strong.score), 4)
    assert weak.confidence == round(calibrated(weak.score), 4)
    assert weak.score < strong.score and weak.confidence < strong.confidence
    # A lone weak claim is right more often than its raw score says (bench/consensus_eval.py).
    assert weak.confidence > weak.score
    assert compute([]).confidence == compute([]).score == 0


# --- Rule 8: groups and extent ---------------------------------------------------------


def member(id: int, state: str, **kwargs) -> list[Claim]:
    """A member's claims: one eyewitness claim of *state*."""
    return [claim(id, state, evidence="eyewitness", **kwargs)]


def test_group_claim_about_some_members_sets_the_extent_not_the_whole_group():
    blown_up = claim(1, DESTROYED, quantity=3, observed="2015-08-01")

    result = compute([blown_up], group=Group(size=50, approximate=True))

    assert result.state == DAMAGED  # 3 of ~50 destroyed: 6%
    assert result.extent.destroyed == result.extent.affected == 3
    assert (result.extent.size, result.extent.approximate) == (50, True)
    assert "covers 3 of ~50 members (destroyed): damaged for the group" in (
        verdict(result, 1).reasons
    )
    assert verdict(result, 1).role == "supports"


@pytest.mark.parametrize(
    ("destroyed", "severe", "expected"),
    [
        (16, 0, DESTROYED),
        (15, 0, DESTROYED),  # 94%: EAMENA's top band, 91-100%
        (14, 0, SEVERELY_DAMAGED),  # 88%: most of it, not all
        (5, 0, SEVERELY_DAMAGED),  # 31%
        (4, 0, DAMAGED),  # 25%
        (2, 3, SEVERELY_DAMAGED),  # severely damaged members count towards the share
        (1, 0, DAMAGED),
        (0, 0, UNKNOWN),
    ],
)
def test_group_state_follows_the_share_of_members_affected(destroyed, severe, expected):
    assert GROUP_DESTROYED_SHARE == 0.91 and GROUP_SEVERE_SHARE == 0.31
    assert extent_state(16, destroyed=destroyed, severely_damaged=severe) == expected


def test_group_of_unknown_size_is_damaged_and_says_its_size_is_unknown():
    dozen = claim(1, DESTROYED, quantity=12, observed="2015-08-01")

    result = compute([dozen], group=Group())

    assert result.state == DAMAGED  # extent unstated
    assert result.extent.size is None and result.extent.destroyed == 12


def test_a_claim_about_none_of_a_groups_members_leaves_the_group_unknown():
    """Refused on saving (QUANTITY_ZERO), but a row stored before must not stop the
    engine: it reads as no evidence of damage, beside and after other claims."""
    none = claim(1, DESTROYED, quantity=0, observed="2015-08-01")
    earlier = claim(2, DAMAGED, evidence="official", observed="2015-06-01")
    later = claim(3, RESTORED, evidence="official", observed="2016-06-01")

    assert compute([none], group=Group(size=10)).state == UNKNOWN
    assert compute([earlier, none], group=Group(size=10)).state == DAMAGED
    assert compute([earlier, none, later], group=Group(size=10)).state == RESTORED


def test_group_claim_without_quantity_speaks_of_the_whole_group():
    razed = claim(1, DESTROYED, observed="2015-08-01")

    result = compute([razed], group=Group(size=16))

    assert result.state == DESTROYED
    assert result.extent.destroyed == 0  # no number given, no member known


def test_group_claim_that_some_members_still_stand_leaves_the_rest_unstated():
    standing = claim(1, INTACT, quantity=3, observed="2015-08-01")
    all_standing = claim(2, INTACT, quantity=16, observed="2015-08-01")

    assert compute([standing], group=Group(size=16)).state == DAMAGED
    assert compute([all_standing], group=Group(size=16)).state == INTACT


def test_group_members_states_roll_up_to_a_group_without_claims_of_its_own():
    members = (member(1, DESTROYED), member(2, DESTROYED), member(3, INTACT))

    small = compute([], group=Group(size=2, members=members[:2]))
    large = compute([], group=Group(size=10, members=members))

    assert small.state == DESTROYED
    assert small.independent_origins == 2 and small.confidence > 0
    assert large.state == DAMAGED  # 2 of 10
    assert (large.extent.destroyed, large.extent.affected, large.extent.members_known) == (2, 2, 3)


def test_group_extent_takes_the_larger_count_rather_than_adding_named_members():
    seven = claim(1, DESTROYED, quantity=7, observed="2012-07-10")
    named = (
        member(2, DESTROYED, observed="2012-07-10"),
        member(3, DESTROYED, observed="2012-07-10"),
    )

    result = compute([seven], group=Group(size=16, members=named))

    assert result.state == SEVERELY_DAMAGED  # 7 of 16: 44%
    assert result.extent.destroyed == 7  # the two named are likely among the seven


def test_group_members_later_damage_replaces_an_older_group_vote():
    standing = claim(1, INTACT, observed="2014-01-01")
    members = (
        member(2, DESTROYED, observed="2015-06-01"),
        member(3, DESTROYED, observed="2015-06-01"),
    )

    result = compute([standing], group=Group(size=2, members=members))
    before = compute([standing], group=Group(size=2, members=members), as_of=day("2014-12-31"))

    assert result.state == DESTROYED and result.evidence_state == DESTROYED
    assert verdict(result, 1).role == "disputes"
    assert before.state == INTACT  # the members' evidence is read at the same date


def test_group_restoration_is_not_undone_by_older_member_destruction():
    rebuilt = claim(1, RESTORED, evidence="eyewitness", quantity=14, observed="2015-07-19")
    members = (member(2, DESTROYED, observed="2012-06-30"),)

    result = compute([rebuilt], group=Group(size=16, members=members))

    assert result.state == RESTORED
    assert (result.extent.restored, result.extent.destroyed) == (14, 1)


def test_group_roll_up_of_lesser_damage_does_not_lower_the_group_vote():
    nine = claim(1, DESTROYED, quantity=9, observed="2012-07-12")
    members = (member(2, DESTROYED, observed="2012-07-14"),)

    result = compute([nine], group=Group(size=16, members=members))

    assert result.state == SEVERELY_DAMAGED  # the roll-up alone (1 of 16) says damaged


def test_group_override_still_reports_the_extent():
    dozen = claim(1, DESTROYED, quantity=12, observed="2015-08-01")

    result = compute([dozen], group=Group(size=50), override=Override(INTACT, "checked"))

    assert (result.state, result.evidence_state) == (INTACT, DAMAGED)
    assert result.extent.destroyed == 12


def test_group_timeline_changes_when_a_member_is_destroyed():
    members = (member(1, DESTROYED, observed="2015-06-01"),)

    changes = timeline([], group=Group(size=4, members=members))

    assert [(c.date, c.state, c.claim_id) for c in changes] == [(day("2015-06-01"), DAMAGED, None)]


# --- Rule 9: a whole and its parts ----------------------------------------------------


def whole(*parts: list[Claim]) -> Group:
    """A monument whose members are its parts (a mosque and its minaret)."""
    return Group(members=parts, composition=WHOLE)


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        ((DESTROYED,), SEVERELY_DAMAGED),  # a major part lost, the rest may stand
        ((DESTROYED, DESTROYED), SEVERELY_DAMAGED),  # never destroyed from parts alone
        ((SEVERELY_DAMAGED,), DAMAGED),
        ((DAMAGED, INTACT), DAMAGED),
        ((RESTORED, INTACT), RESTORED),
        ((RESTORED, DAMAGED), DAMAGED),
        ((INTACT,), UNKNOWN),  # a standing part says nothing of the rest
        ((), UNKNOWN),
    ],
)
def test_whole_state_follows_its_most_damaged_part_one_step_less(parts, expected):
    assert whole_state(parts) == expected


def test_whole_a_destroyed_part_makes_the_whole_severely_damaged_with_no_extent():
    minaret = member(1, DESTROYED, observed="2013-04-24")

    result = compute([], group=whole(minaret))
    as_a_group = compute([], group=Group(members=(minaret,)))

    assert result.state == SEVERELY_DAMAGED and result.extent is None
    assert result.independent_origins == 1 and result.confidence > 0
    assert as_a_group.state == DAMAGED and as_a_group.extent.destroyed == 1  # 1 of unknown


def test_whole_a_parts_later_destruction_adds_to_the_wholes_own_older_damage():
    damaged = claim(1, DAMAGED, observed="2013-01-01", observed_to="2013-04-24")
    minaret = member(2, DESTROYED, observed="2013-04-24")

    result = compute([damaged], group=whole(minaret))
    before = compute([damaged], group=whole(minaret), as_of=day("2013-04-23"))

    assert result.state == SEVERELY_DAMAGED
    assert verdict(result, 1).role == "disputes"
    assert before.state == UNKNOWN  # the range ends on the 24th: nothing counts before


def test_whole_stated_destroyed_is_not_lowered_by_its_part():
    razed = claim(1, DESTROYED, observed="2017-06-21")
    minaret = member(2, DESTROYED, observed="2017-06-21")

    assert compute([razed], group=whole(minaret)).state == DESTROYED


def test_whole_a_parts_restoration_does_not_undo_damage_stated_of_the_whole():
    razed = claim(1, DESTROYED, observed="2017-06-21")
    minaret = member(2, RESTORED, observed="2024-11-13")

    assert compute([razed], group=whole(minaret)).state == DESTROYED
    # With nothing said of the whole itself, the rebuilt part is all there is.
    assert compute([], group=whole(minaret)).state == RESTORED


def test_whole_claims_with_a_quantity_are_not_read_as_a_share():
    two = claim(1, DESTROYED, quantity=2, observed="2015-08-01")

    result = compute([two], group=whole())

    assert result.state == DESTROYED and result.extent is None
    assert not any("covers" in r for r in verdict(result, 1).reasons)


def test_whole_timeline_changes_when_a_part_is_destroyed():
    minaret = member(1, DESTROYED, observed="2013-04-24")

    changes = timeline([], group=whole(minaret))

    assert [(c.date, c.state) for c in changes] == [(day("2013-04-24"), SEVERELY_DAMAGED)]
