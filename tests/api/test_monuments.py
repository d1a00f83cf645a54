"""The consensus as /api/monuments/ publishes it."""

import datetime

import pytest

from heritage import services
from heritage.models import DamageReport, Monument, Site, Source


@pytest.fixture
def api(client):
    return client


def test_list_gives_every_monument_with_its_consensus(seeded, api):
    response = api.get("/api/monuments/")
    assert response.status_code == 200
    by_slug = {m["slug"]: m for m in response.json()}
    assert len(by_slug) == Monument.objects.count()
    bel = by_slug["temple-of-bel"]["consensus"]
    assert set(bel) == {
        "state",
        "confidence",
        "independent_origins",
        "contested",
        "single_origin",
        "overridden",
        "as_of",
    }
    assert bel["state"] == "destroyed"
    assert bel["independent_origins"] == 3
    assert 0 < bel["confidence"] <= 1


def test_detail_lists_supporting_claims_with_weights_and_sources(seeded, api):
    consensus = api.get("/api/monuments/temple-of-bel/").json()["consensus"]
    eyewitness = next(c for c in consensus["supporting"] if c["key"] == "temple-of-bel-in-pieces")
    assert eyewitness["source"] == "afp-2016-03-28-syria-troops-press-advance"
    assert eyewitness["weight"] == pytest.approx(0.8)
    assert eyewitness["excerpt"].startswith("An AFP correspondent")
    assert len(consensus["supporting"]) == 7
    assert consensus["disputing"] == []


def test_detail_shows_a_disputing_claim(seeded, api):
    source = Source.objects.create(
        key="dispute", title="Arch unharmed", published_on=datetime.date(2016, 3, 30)
    )
    DamageReport.objects.create(
        source=source,
        key="arch",
        monument=Monument.objects.get(slug="arch-of-triumph"),
        state="intact",
        excerpt="The arch is unharmed.",
        evidence="unattributed",
        review_status="accepted",
    )
    consensus = api.get("/api/monuments/arch-of-triumph/").json()["consensus"]
    assert [c["source"] for c in consensus["disputing"]] == ["dispute"]


def test_an_override_is_marked_in_list_and_detail(seeded, api, django_user_model):
    curator = django_user_model.objects.create_user("c")
    services.override_status(
        monument=Monument.objects.get(slug="palmyra-citadel"),
        state="severely_damaged",
        reason="assessment mission",
        curator=curator,
    )
    listed = {m["slug"]: m for m in api.get("/api/monuments/").json()}
    assert listed["palmyra-citadel"]["consensus"]["overridden"] is True
    detail = api.get("/api/monuments/palmyra-citadel/").json()["consensus"]
    assert detail["state"] == "severely_damaged"
    assert detail["overridden"] is True
    assert detail["override_reason"] == "assessment mission"


def test_as_of_uses_observation_dates_and_known_at_uses_publication(seeded, api):
    # Mid-2015 the evidence held now shows the Reuters "last year" claims only
    # from their range end (2015-12-31): nothing yet.
    mid_2015 = api.get("/api/monuments/temple-of-bel/?as_of=2015-06-01").json()["consensus"]
    assert mid_2015["state"] == "unknown"
    end_2015 = api.get("/api/monuments/temple-of-bel/?as_of=2015-12-31").json()["consensus"]
    assert end_2015["state"] == "destroyed"
    # Nothing about Palmyra had been published by the end of 2015 in this registry.
    known = api.get("/api/monuments/temple-of-bel/?known_at=2015-12-31").json()["consensus"]
    assert known["state"] == "unknown"
    listed = {
        m["slug"]: m["consensus"] for m in api.get("/api/monuments/?known_at=2016-03-27").json()
    }
    assert listed["temple-of-bel"]["independent_origins"] == 1
    assert listed["temple-of-bel"]["as_of"] == "2016-03-27"


@pytest.mark.parametrize("param", ["as_of", "known_at"])
def test_a_malformed_date_is_a_400_naming_the_parameter(seeded, api, param):
    response = api.get(f"/api/monuments/?{param}=2016-02-30")
    assert response.status_code == 400
    assert param in response.json()


def test_unknown_slug_is_404_and_writes_are_refused(seeded, api):
    assert api.get("/api/monuments/no-such-monument/").status_code == 404
    assert api.post("/api/monuments/", {}).status_code == 405
    assert api.delete("/api/monuments/temple-of-bel/").status_code == 405


@pytest.fixture
def large_registry(db):
    """40 monuments with 6 claims each from 6 sources, enough to expose an N+1."""
    site = Site.objects.create(slug="s", name="S")
    sources = [
        Source.objects.create(
            key=f"src-{i}", title=f"S{i}", published_on=datetime.date(2020, 1, i + 1)
        )
        for i in range(6)
    ]
    with services.batched_refresh():
        for m in range(40):
            monument = Monument.objects.create(
                slug=f"m-{m}", name=f"M{m}", kind="temple", site=site
            )
            for i, source in enumerate(sources):
                DamageReport.objects.create(
                    source=source,
                    key=f"m-{m}",
                    monument=monument,
                    state="destroyed" if i % 2 else "damaged",
                    excerpt="x",
                    evidence="official",
                    review_status="accepted",
                )


def test_list_query_count_is_constant(large_registry, api, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        response = api.get("/api/monuments/")
    assert len(response.json()) == 40


def test_list_at_a_past_date_query_count_is_constant(
    large_registry, api, django_assert_max_num_queries
):
    with django_assert_max_num_queries(5):
        response = api.get("/api/monuments/?as_of=2020-01-03")
    assert len(response.json()) == 40


def test_detail_query_count_is_constant(large_registry, api, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        response = api.get("/api/monuments/m-3/")
    assert (
        len(response.json()["consensus"]["supporting"])
        + len(response.json()["consensus"]["disputing"])
        == 6
    )
