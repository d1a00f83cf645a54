"""Past-date lists (as_of, known_at) read stored periods, and equal the engine's result."""

from __future__ import annotations

import datetime
import json

import pytest

from heritage import consensus as engine
from heritage import services
from heritage.api import serializers as s
from heritage.models import ConsensusPeriod, DamageReport, Monument, Source
from tests.api.conftest import results

# Days around the seeds' observations and publications (2015-05 … 2016-03-29), and far off.
DAYS = [
    "0001-01-01",
    "2015-05-20",
    "2015-08-24",
    "2015-08-31",
    "2015-09-01",
    "2015-12-31",
    "2016-01-01",
    "2016-03-26",
    "2016-03-27",
    "2016-03-28",
    "2016-03-29",
    "2020-01-01",
    "9999-12-31",
]


def recomputed(**dates) -> dict[str, dict]:
    """Every monument's status at *dates*, computed by the engine from the claims (a
    group's with its members')."""
    monuments = {
        pk: (slug, {"member_count": n, "member_count_approximate": approximate})
        for pk, slug, n, approximate in Monument.objects.values_list(
            "pk", "slug", "member_count", "member_count_approximate"
        )
    }
    claims, groups = services.engine_inputs(monuments)
    as_of = dates.get("as_of") or dates.get("known_at")
    return {
        slug: s.consensus_item(
            {
                **s.consensus_row(
                    engine.compute(claims.get(pk, []), group=groups.get(pk), **dates),
                    claims.get(pk, []),
                ),
                **size,
            },
            as_of,
        )
        for pk, (slug, size) in monuments.items()
    }


def listed(api, query: str) -> dict[str, dict]:
    items = results(api.get(f"/api/monuments/?page_size=500&{query}"))
    return {item["slug"]: item["consensus"] for item in items}


def add_later_claims() -> None:
    """Claims after the seeds: a restoration, an undated claim, a deprecated one."""
    later = Source.objects.create(
        key="later-report", title="Later", published_on=datetime.date(2019, 6, 1)
    )
    for key, slug, state, observed, extra in [
        ("arch", "arch-of-triumph", "restored", datetime.date(2019, 5, 1), {}),
        ("bel", "temple-of-bel", "severely_damaged", None, {}),
        (
            "theatre",
            "roman-theatre",
            "destroyed",
            datetime.date(2018, 1, 1),
            {"rank": "deprecated", "rank_reason": "a rumour"},
        ),
    ]:
        DamageReport.objects.create(
            source=later,
            key=key,
            monument=Monument.objects.get(slug=slug),
            state=state,
            excerpt="x",
            evidence="imagery",
            observed_from=observed,
            review_status="accepted",
            **extra,
        )


@pytest.mark.parametrize("name", ["as_of", "known_at"])
def test_a_past_date_list_equals_the_engine_on_every_day(seeded, api, name):
    add_later_claims()
    for raw in [*DAYS, "2018-01-01", "2019-05-01", "2019-05-31", "2019-06-01"]:
        day = datetime.date.fromisoformat(raw)
        assert listed(api, f"{name}={raw}") == recomputed(**{name: day}), raw


def test_both_dates_equal_the_engine_whichever_comes_first(seeded, api):
    add_later_claims()
    for as_of, known_at in [
        ("2016-03-28", "2016-03-27"),  # as_of on or after known_at: stored periods
        ("2019-06-01", "2019-06-01"),
        ("2015-12-31", "2016-03-28"),  # as_of before known_at: computed for the page
        ("2019-05-01", "2020-01-01"),
    ]:
        expected = recomputed(
            as_of=datetime.date.fromisoformat(as_of),
            known_at=datetime.date.fromisoformat(known_at),
        )
        assert listed(api, f"as_of={as_of}&known_at={known_at}") == expected


def test_past_filters_and_ordering_use_the_stored_period(seeded, api):
    add_later_claims()
    expected = recomputed(as_of=datetime.date(2019, 5, 15))
    assert {v["state"] for v in expected.values()} >= {"destroyed", "unknown"}
    for state in (*engine.STATES, engine.UNKNOWN):
        found = listed(api, f"as_of=2019-05-15&state={state}")
        assert set(found) == {k for k, v in expected.items() if v["state"] == state}, state
    contested = listed(api, "as_of=2019-05-15&contested=false")
    assert set(contested) == {k for k, v in expected.items() if not v["contested"]}
    confident = listed(api, "known_at=2016-03-29&min_confidence=0.5")
    assert confident and all(c["confidence"] >= 0.5 for c in confident.values())
    items = results(api.get("/api/monuments/?known_at=2016-03-29&ordering=-confidence"))
    confidences = [i["consensus"]["confidence"] for i in items]
    assert confidences == sorted(confidences, reverse=True)


def test_the_stored_past_follows_a_review(seeded, api, django_user_model):
    reviewer = django_user_model.objects.create(username="r")
    assert listed(api, "as_of=2016-01-01")["temple-of-bel"]["state"] == "destroyed"
    services.review_reports(
        reports=DamageReport.objects.filter(monument__slug="temple-of-bel"),
        decision="rejected",
        reviewer=reviewer,
        note="test",
    )
    assert listed(api, "as_of=2016-01-01")["temple-of-bel"]["state"] == "unknown"
    assert listed(api, "known_at=2016-03-29") == recomputed(known_at=datetime.date(2016, 3, 29))


def test_a_refresh_that_changes_nothing_keeps_the_stored_past(seeded):
    before = sorted(ConsensusPeriod.objects.values_list("pk", flat=True))
    services.refresh_all()
    assert sorted(ConsensusPeriod.objects.values_list("pk", flat=True)) == before


def test_filtering_on_a_status_computed_for_the_page_is_refused(seeded, api):
    response = api.get("/api/monuments/?as_of=2015-12-31&known_at=2016-03-28&state=destroyed")
    assert response.status_code == 400
    assert "as_of or known_at alone" in response.json()["state"][0]
    response = api.get("/api/monuments/?as_of=2015-12-31&known_at=2016-03-28&ordering=state")
    assert response.status_code == 400 and "ordering" in response.json()


def test_past_exports_equal_the_json(seeded, api):
    for query in ("as_of=2016-01-01", "as_of=2015-12-31&known_at=2016-03-28"):
        body = b"".join(api.get(f"/api/monuments/?format=jsonl&{query}").streaming_content)
        lines = [json.loads(line) for line in body.decode().splitlines()]
        assert {item["slug"]: item["consensus"] for item in lines} == listed(api, query)
        body = b"".join(api.get(f"/api/monuments/?format=geojson&{query}").streaming_content)
        states = {f["id"]: f["properties"]["state"] for f in json.loads(body)["features"]}
        assert states == {slug: c["state"] for slug, c in listed(api, query).items()}


@pytest.mark.parametrize(
    "query",
    [
        "as_of=2019-12-03",
        "known_at=2020-01-05",
        "as_of=2019-12-03&state=destroyed&ordering=-confidence",
        "as_of=2019-12-02&known_at=2020-01-08",
    ],
)
def test_a_past_date_list_query_count_is_constant(
    large_registry, api, django_assert_max_num_queries, query
):
    # revision, count, the page's ids, their rows; as_of before known_at: the page's
    # groups and members, claims, credits and copy links instead of the stored period
    with django_assert_max_num_queries(8):
        items = results(api.get(f"/api/monuments/?{query}&page_size=60"))
    assert items


def test_the_timeline_reads_the_stored_timeline(large_registry, api, django_assert_num_queries):
    # revision, the monument with its stored timeline, the claims that caused changes
    with django_assert_num_queries(3):
        timeline = api.get("/api/monuments/m-3/timeline/").json()
    claims = services.claims_by_monument([Monument.objects.get(slug="m-3").pk]).popitem()[1]
    expected = engine.timeline(claims)
    assert [(c["date"], c["state"], c["claim"]["claim"]) for c in timeline["changes"]] == [
        (c.date.isoformat(), c.state, c.claim_id) for c in expected
    ]
