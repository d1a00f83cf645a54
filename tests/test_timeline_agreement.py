"""bench/timeline_eval.py's comparison of two labellers' truths: where they agree, where
they differ, and the engine scored only where they agree."""

import datetime
import importlib.util
import sys

import pytest

from heritage import consensus

from .conftest import ROOT

D = datetime.date


@pytest.fixture(scope="module")
def timeline_eval():
    spec = importlib.util.spec_from_file_location(
        "bench_timeline_eval", ROOT / "bench" / "timeline_eval.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    yield module
    del sys.modules[spec.name]


def claim(ref, state, day):
    return consensus.Claim(
        id=ref, state=state, evidence="official", source_key=ref, published_on=day,
        observed_from=day,
    )  # fmt: skip


FIRST = {
    "gate": [(D(2020, 1, 10), "destroyed")],
    "mosque": [(D(2020, 2, 1), "damaged")],
    "church": [(D(2020, 3, 1), "destroyed")],
    "tower": [(D(2020, 4, 1), "severely_damaged")],
    "bridge": [(D(2020, 5, 10), "destroyed")],
}
SECOND = {
    "gate": [(D(2020, 1, 10), "severely_damaged")],  # one step apart
    "mosque": [(D(2020, 2, 1), "damaged")],
    "church": [(D(2020, 3, 5), "destroyed")],  # dated four days later
    "tower": [(D(2020, 4, 1), "severely_damaged")],
    "bridge": [(D(2020, 5, 1), "destroyed")],  # dated nine days earlier
    "well": [(D(2020, 6, 1), "destroyed")],  # the first labeller has no well
}
CLAIMS = {
    "gate": [claim("g", "destroyed", D(2020, 1, 10))],
    "mosque": [claim("m", "damaged", D(2020, 2, 1))],
    "church": [claim("c", "destroyed", D(2020, 3, 2))],
    # An old claim of the true state, before the period it would have to speak of.
    "tower": [
        claim("t0", "severely_damaged", D(2019, 6, 1)),
        claim("t", "destroyed", D(2020, 4, 1)),
    ],
    "bridge": [claim("b", "destroyed", D(2020, 5, 3))],
}


def test_labellers_are_compared_at_every_change_date_of_either(timeline_eval):
    result = timeline_eval.agreement(CLAIMS, FIRST, SECOND, reading="as_of")

    # Each monument both label, at each labeller's change dates (the well is the
    # second's only): the church and the bridge twice, the others once.
    assert result.points == 7
    assert result.agree == 4
    # The church on 1 March and the bridge on 1 May: destroyed against still intact.
    assert result.agree_within_one == 5
    assert sorted(result.disagreements) == [
        "bridge 2020-05-01: first intact, second destroyed",
        "church 2020-03-01: first destroyed, second intact",
        "gate 2020-01-10: first destroyed, second severely_damaged",
    ]


def test_the_engine_is_scored_only_where_the_labellers_agree(timeline_eval):
    result = timeline_eval.agreement(CLAIMS, FIRST, SECOND, reading="as_of")

    # Mosque, tower, the church on 5 March and the bridge on 10 May: a claim of 2 March
    # speaks of the destruction the first labeller dates 1 March, one of 3 May of the
    # one the second dates 1 May. The gate, where they differ, is not scored.
    assert result.agreed_informed == 4
    assert result.engine_exact == 3
    assert result.majority_exact == 3
    assert result.misses == [
        "tower as_of=2020-04-01: engine destroyed, both labellers severely_damaged, "
        "majority destroyed"
    ]


def test_the_ceiling_counts_only_claims_speaking_of_the_period(timeline_eval):
    result = timeline_eval.agreement(CLAIMS, FIRST, SECOND, reading="as_of")

    # The tower's claim of its true state is older than the period: no method reading
    # the claims of the period can publish it.
    assert (result.claimed, result.claimable) == (3, 4)


def test_a_point_only_older_claims_speak_before_is_not_informed(timeline_eval):
    # Claims published in time for the readings, but observed before either labeller's
    # change: they say nothing of the period being read.
    early = {
        "church": [claim("c", "destroyed", D(2020, 2, 20))],
        "bridge": [claim("b", "destroyed", D(2020, 4, 20))],
    }
    result = timeline_eval.agreement(early, FIRST, SECOND, reading="known_at")

    assert result.agree == 4
    assert result.agreed_informed == 0


def test_a_group_is_read_as_the_engine_reads_it(timeline_eval, monkeypatch):
    """A claim about some members votes for the state their share implies; a point that
    members' claims speak for is left out of the ceiling (a roll-up can publish a
    state no claim states)."""
    tombs = [(D(2020, 7, 1), "damaged")]
    one_of_ten = consensus.Claim(
        id="q", state="destroyed", evidence="official", source_key="q",
        published_on=D(2020, 7, 1), observed_from=D(2020, 7, 1), quantity=1,
    )  # fmt: skip
    member = claim("m1", "destroyed", D(2020, 7, 1))
    monkeypatch.setitem(timeline_eval.GROUPS, "tombs", consensus.Group(size=10))
    counted = timeline_eval.agreement(
        {"tombs": [one_of_ten]}, {"tombs": tombs}, {"tombs": tombs}, reading="as_of"
    )
    monkeypatch.setitem(timeline_eval.GROUPS, "tombs", consensus.Group(members=([member],)))
    rolled_up = timeline_eval.agreement({}, {"tombs": tombs}, {"tombs": tombs}, reading="as_of")

    # One of ten destroyed is the group damaged, for the ceiling and majority vote alike.
    assert (counted.claimed, counted.claimable, counted.engine_exact) == (1, 1, 1)
    assert counted.majority_exact == 1
    assert (rolled_up.agreed_informed, rolled_up.claimable) == (1, 0)


def test_a_claim_about_a_whole_is_read_whatever_its_quantity(timeline_eval, monkeypatch):
    mosque = [(D(2020, 8, 1), "destroyed")]
    counted = consensus.Claim(
        id="w", state="destroyed", evidence="official", source_key="w",
        published_on=D(2020, 8, 1), observed_from=D(2020, 8, 1), quantity=2,
    )  # fmt: skip
    monkeypatch.setitem(
        timeline_eval.GROUPS, "mosque", consensus.Group(size=10, composition=consensus.WHOLE)
    )
    result = timeline_eval.agreement(
        {"mosque": [counted]}, {"mosque": mosque}, {"mosque": mosque}, reading="as_of"
    )

    assert (result.claimed, result.engine_exact, result.majority_exact) == (1, 1, 1)
