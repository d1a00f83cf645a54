"""/api/monuments/: the consensus, its evidence, filters, search, past dates."""

import datetime

import pytest

from heritage import services
from heritage.models import DamageReport, Monument, Outlet, Source
from tests.api.conftest import by_slug, results


def test_list_gives_every_monument_with_its_consensus(seeded, api):
    items = by_slug(api.get("/api/monuments/"))
    assert len(items) == Monument.objects.count()
    bel = items["temple-of-bel"]
    assert bel["url"].endswith("/api/monuments/temple-of-bel/")
    assert (bel["site"], bel["kind"], bel["location_precision_m"]) == ("palmyra", "temple", 150)
    assert bel["consensus"]["state"] == "destroyed"
    assert bel["consensus"]["independent_origins"] == 3
    assert bel["consensus"]["claim_count"] == 7
    assert 0 < bel["consensus"]["confidence"] <= 1
    assert items["tower-of-elahbel"]["part_of"] == "tower-tombs"


def test_detail_lists_claims_aliases_members_and_the_evidence(seeded, api):
    bel = api.get("/api/monuments/temple-of-bel/").json()
    assert {"name": "معبد بل", "language": "ar"} in bel["aliases"]
    assert len(bel["claims"]) == 7
    consensus = bel["consensus"]
    eyewitness = next(c for c in consensus["supporting"] if c["key"] == "temple-of-bel-in-pieces")
    assert eyewitness["source"] == "afp-2016-03-28-syria-troops-press-advance"
    assert eyewitness["weight"] == pytest.approx(0.8)
    assert eyewitness["excerpt"].startswith("An AFP correspondent")
    assert len(consensus["supporting"]) == 7
    assert consensus["disputing"] == [] and consensus["set_aside"] == []
    tombs = api.get("/api/monuments/tower-tombs/").json()
    assert tombs["members"] == ["tower-of-elahbel"]


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
    listed = by_slug(api.get("/api/monuments/"))
    assert listed["palmyra-citadel"]["consensus"]["overridden"] is True
    detail = api.get("/api/monuments/palmyra-citadel/").json()["consensus"]
    assert (detail["state"], detail["evidence_state"]) == ("severely_damaged", "damaged")
    assert detail["overridden"] is True
    assert detail["override_reason"] == "assessment mission"


def test_as_of_uses_observation_dates_and_known_at_uses_publication(seeded, api):
    def state(query):
        return api.get(f"/api/monuments/temple-of-bel/?{query}").json()["consensus"]

    # The Reuters "last year" claims end on 2015-12-31: before that, nothing.
    assert state("as_of=2015-06-01")["state"] == "unknown"
    assert state("as_of=2015-12-31")["state"] == "destroyed"
    # Nothing about Palmyra had been published by the end of 2015 in this registry.
    assert state("known_at=2015-12-31")["state"] == "unknown"
    known = by_slug(api.get("/api/monuments/?known_at=2016-03-27"))["temple-of-bel"]
    assert known["consensus"]["independent_origins"] == 1
    assert known["consensus"]["as_of"] == "2016-03-27"
    assert known["consensus"]["changed_at"] is None


def test_consensus_filters_apply_to_the_status_at_the_requested_date(seeded, api):
    now = by_slug(api.get("/api/monuments/?state=destroyed"))
    assert {"temple-of-bel", "tadmur-prison", "mar-elian-monastery"} <= set(now)
    end_2015 = by_slug(api.get("/api/monuments/?state=destroyed&as_of=2015-12-31"))
    assert set(end_2015) == {"temple-of-bel", "temple-of-baalshamin", "lion-of-al-lat"}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("site=al-qaryatain", {"al-qaryatain", "mar-elian-monastery"}),
        ("kind=temple", {"temple-of-bel", "temple-of-baalshamin"}),
        ("state=severely_damaged", {"palmyra-museum"}),
        ("min_confidence=0.8", {"temple-of-bel", "arch-of-triumph"}),
        ("contested=true", set()),
        ("q=tadmor", {"palmyra", "tadmur-prison"}),
        ("q=TADMUR", {"palmyra", "tadmur-prison", "palmyra-citadel"}),
        ("q=baal shamin", {"temple-of-baalshamin"}),
        ("q=baalshamin", {"temple-of-baalshamin"}),
        ("q=مَعْبَد بِل", {"temple-of-bel"}),
        ("q=قلعه تدمر", {"palmyra-citadel"}),
        ("q=chateau de fakhr", {"palmyra-citadel"}),
    ],
)
def test_filters_and_search(seeded, api, query, expected):
    assert set(by_slug(api.get(f"/api/monuments/?{query}"))) == expected


def test_updated_since_finds_monuments_whose_consensus_changed(seeded, api):
    assert results(api.get("/api/monuments/?updated_since=2999-01-01")) == []
    assert len(results(api.get("/api/monuments/?updated_since=2016-01-01"))) == 15
    later = datetime.datetime.now(datetime.UTC) + datetime.timedelta(seconds=1)
    stamp = later.isoformat().replace("+00:00", "Z")
    assert results(api.get("/api/monuments/", {"updated_since": stamp})) == []


def test_ordering_by_confidence(seeded, api):
    items = results(api.get("/api/monuments/?ordering=-confidence&page_size=3"))
    confidences = [i["consensus"]["confidence"] for i in items]
    assert confidences == sorted(confidences, reverse=True)
    assert items[0]["slug"] == "arch-of-triumph"


def test_pages_are_stable_when_names_repeat(large_registry, api):
    from heritage.models import Monument

    Monument.objects.update(name="Same name")
    seen = []
    for page in range(1, 7):
        seen += [i["slug"] for i in results(api.get(f"/api/monuments/?page_size=10&page={page}"))]
    assert sorted(seen) == sorted(f"m-{n}" for n in range(60))


def test_pagination_pages_through_everything(seeded, api):
    first = api.get("/api/monuments/?page_size=10").json()
    second = api.get(first["next"]).json()
    assert first["count"] == 15
    assert len(first["results"]) == 10 and len(second["results"]) == 5
    assert second["next"] is None


def test_timeline_lists_changes_with_their_causing_claim(seeded, api):
    timeline = api.get("/api/monuments/temple-of-bel/timeline/").json()
    assert timeline["monument"] == "temple-of-bel"
    first = timeline["changes"][0]
    assert (first["date"], first["state"]) == ("2015-12-31", "destroyed")
    # "Destroyed last year": as_of counts it once 2015 has ended; it happened in 2015.
    assert (first["earliest"], first["latest"]) == ("2015-01-01", "2015-12-31")
    assert first["claim"]["source"] == "reuters-2016-03-27-palmyra-recaptured"
    assert timeline["current"]["state"] == "destroyed"


def test_timeline_shows_a_restoration(seeded, api):
    # Imagery from a trusted monitor weighs as much as the 2016 eyewitness: it supersedes.
    monitor = Outlet.objects.create(
        slug="monitor", name="Imagery monitor", kind="monitoring_group", reliability="0.90"
    )
    source = Source.objects.create(
        key="restoration",
        title="Arch restored",
        published_on=datetime.date(2020, 6, 1),
        outlet=monitor,
    )
    DamageReport.objects.create(
        source=source,
        key="arch",
        monument=Monument.objects.get(slug="arch-of-triumph"),
        state="restored",
        excerpt="The arch was restored.",
        evidence="imagery",
        observed_from=datetime.date(2020, 5, 1),
        review_status="accepted",
    )
    changes = api.get("/api/monuments/arch-of-triumph/timeline/").json()["changes"]
    assert [(c["date"], c["state"]) for c in changes][-1] == ("2020-05-01", "restored")
    assert changes[-1]["claim"]["claim"] == "restoration/arch"


def test_list_query_count_is_constant(large_registry, api, django_assert_max_num_queries):
    # revision, count, the page's ids, their rows
    with django_assert_max_num_queries(4):
        items = results(api.get("/api/monuments/?page_size=60"))
    assert len(items) == 60


def test_list_at_a_past_date_query_count_is_constant(
    large_registry, api, django_assert_max_num_queries
):
    # revision, count, the page's ids, their rows with the stored period of the day
    with django_assert_max_num_queries(4):
        items = results(api.get("/api/monuments/?as_of=2019-12-03&page_size=60"))
    assert len(items) == 60


def test_csv_query_count_is_constant(large_registry, api, django_assert_max_num_queries):
    # revision, alias languages, the rows, and the aliases of each chunk of 2,000 rows
    with django_assert_max_num_queries(4):
        body = b"".join(api.get("/api/monuments/?format=csv").streaming_content)
    assert body.count(b"\n") == 61


def test_detail_query_count_is_constant(large_registry, api, django_assert_max_num_queries):
    # revision, monument, aliases, members, photos, claims
    with django_assert_max_num_queries(6):
        detail = api.get("/api/monuments/m-10/").json()
    assert len(detail["claims"]) == 8
    assert len(detail["members"]) == 9


def test_timeline_query_count_is_constant(large_registry, api, django_assert_max_num_queries):
    # revision, the monument with its stored timeline, the claims that caused the changes
    with django_assert_max_num_queries(3):
        changes = api.get("/api/monuments/m-3/timeline/").json()["changes"]
    assert changes


def test_a_monument_without_a_stored_consensus_reads_as_unknown(db, api):
    """A monument created outside the services (no consensus row yet) is listed and
    detailed as unknown, not a server error."""
    from heritage.models import Site

    site = Site.objects.create(slug="lone-site", name="Lone Site")
    Monument.objects.create(slug="lone-gate", name="Lone Gate", kind="gate", site=site)
    listed = api.get("/api/monuments/").json()["results"]
    assert [m["consensus"]["state"] for m in listed if m["slug"] == "lone-gate"] == ["unknown"]
    detail = api.get("/api/monuments/lone-gate/")
    assert detail.status_code == 200
    assert detail.json()["consensus"]["state"] == "unknown"
    # The state filter counts it as unknown too, today and on a past day (no period).
    for query in ("state=unknown", "state=unknown&as_of=2016-01-01"):
        listed = results(api.get(f"/api/monuments/?{query}"))
        assert "lone-gate" in {m["slug"] for m in listed}, query
    assert not results(api.get("/api/monuments/?state=destroyed"))


def test_group_extent_in_list_detail_csv_and_past_dates(seeded, api):
    """A group's extent: "12 destroyed, number of members unknown" for the tower tombs
    now; the number of members once a curator records it; none before the claims."""
    listed = by_slug(api.get("/api/monuments/?kind=tomb_group"))["tower-tombs"]
    assert listed["consensus"]["state"] == "damaged"
    assert listed["consensus"]["extent"] == {
        "members": None,
        "members_approximate": False,
        "destroyed": 12,
        "affected": 12,
        "restored": 0,
    }
    assert listed["composition"] == "group"
    bel = api.get("/api/monuments/temple-of-bel/").json()
    assert bel["composition"] == "whole"
    extent = bel["consensus"]["extent"]
    assert (extent["destroyed"], extent["affected"], extent["members"]) == (None, None, None)

    tombs = Monument.objects.get(slug="tower-tombs")
    tombs.member_count, tombs.member_count_approximate = 50, True
    tombs.save()
    detail = api.get("/api/monuments/tower-tombs/").json()["consensus"]
    assert detail["state"] == "damaged"  # a dozen of about 50: 24%
    assert (detail["extent"]["members"], detail["extent"]["members_approximate"]) == (50, True)
    (dozen,) = [c for c in detail["supporting"] if c["quantity"] == 12]
    assert "covers 12 of ~50 members (destroyed): damaged for the group" in dozen["reasons"]
    past = api.get("/api/monuments/tower-tombs/?as_of=2015-01-01").json()["consensus"]
    assert past["extent"]["destroyed"] == 0 and past["state"] == "unknown"
    csv = b"".join(api.get("/api/monuments/?slug=tower-tombs&format=csv").streaming_content)
    header, row = csv.decode("utf-8-sig").splitlines()[:2]
    columns = dict(zip(header.split(","), row.split(","), strict=False))
    assert (columns["extent_members"], columns["extent_destroyed"]) == ("50", "12")
    assert columns["extent_members_approximate"] == "true"
    assert columns["composition"] == "group"
