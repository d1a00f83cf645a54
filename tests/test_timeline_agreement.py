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
}
SECOND = {
    "gate": [(D(2020, 1, 10), "severely_damaged")],  # one step apart
    "mosque": [(D(2020, 2, 1), "damaged")],
    "church": [(D(2020, 3, 5), "destroyed")],  # dated four days later
    "tower": [(D(2020, 4, 1), "severely_damaged")],
    "bridge": [(D(2020, 5, 1), "destroyed")],  # the first labeller has no bridge
}
CLAIMS = {
    "gate": [claim("g", "destroyed", D(2020, 1, 10))],
    "mosque": [claim("m", "damaged", D(2020, 2, 1))],
    "church": [claim("c", "destroyed", D(2020, 3, 2))],
    "tower": [claim("t", "destroyed", D(2020, 4, 1))],
}


def test_labellers_are_compared_at_every_change_date_of_either(timeline_eval):
    result = timeline_eval.agreement(CLAIMS, FIRST, SECOND, reading="as_of")

    # gate, mosque, tower once each; the church on the first's day and the second's.
    assert result.points == 5
    assert result.agree == 3
    # Only the church's 1 March (destroyed against still intact) is further than a step.
    assert result.agree_within_one == 4
    assert sorted(result.disagreements) == [
        "church 2020-03-01: first destroyed, second intact",
        "gate 2020-01-10: first destroyed, second severely_damaged",
    ]


def test_the_engine_is_scored_only_where_the_labellers_agree(timeline_eval):
    result = timeline_eval.agreement(CLAIMS, FIRST, SECOND, reading="as_of")

    # Mosque, church on 5 March (its claim of 2 March speaks of the destruction the
    # first labeller dates 1 March) and tower; the gate, where they differ, is not scored.
    assert result.agreed_informed == 3
    # The tower's only claim says destroyed: no method picking a claimed state is right.
    assert result.claimed == 2
    assert result.engine_exact == 2
    assert result.majority_exact == 2
    assert result.misses == [
        "tower as_of=2020-04-01: engine destroyed, both labellers severely_damaged, "
        "majority destroyed"
    ]


def test_a_point_no_claim_in_play_speaks_of_is_not_informed(timeline_eval):
    # Read on the change dates themselves, nothing published by then speaks of the
    # church's destruction until 2 March, nor of the tower's until 1 April.
    late = {"church": [claim("c", "destroyed", D(2020, 3, 9))]}
    result = timeline_eval.agreement(late, FIRST, SECOND, reading="known_at")

    assert result.agree == 3
    assert result.agreed_informed == 0
