"""/api/sources/, /api/reports/, /api/sites/."""

import pytest
from django.db import connection
from django.db.models import Count, Q
from django.test.utils import CaptureQueriesContext

from heritage.api.formats import _claim_counts
from heritage.models import Source
from tests.api.conftest import results

AFP = "afp-2016-03-28-syria-troops-press-advance"
COPY = "agency-inputs-2016-03-27-syria-forces-retake-palmyra"
REUTERS = "reuters-2016-03-27-palmyra-recaptured"


def test_sources_list_credits_and_copies(seeded, api):
    sources = {s["key"]: s for s in results(api.get("/api/sources/"))}
    assert len(sources) == 5
    assert sources[AFP]["wire_credits"] == ["afp"]
    assert sources[AFP]["claim_count"] == 10
    assert sources[COPY]["copies_passages_from"] == [REUTERS]
    assert sources["news24-2016-03-29-syria-army-keeps-pressure"]["outlet"] == "news24"


def test_source_detail_has_its_claims_and_who_copies_it(seeded, api):
    reuters = api.get(f"/api/sources/{REUTERS}/").json()
    assert reuters["copied_by"] == [COPY]
    assert {c["monument"] for c in reuters["claims"]} == {
        "temple-of-bel",
        "temple-of-baalshamin",
        "palmyra",
    }
    assert reuters["byline"] == "Dominic Evans"


def test_source_filters(seeded, api):
    def keys(query):
        return {s["key"] for s in results(api.get(f"/api/sources/?{query}"))}

    assert keys("credit=afp") == {AFP, "news24-2016-03-29-syria-army-keeps-pressure"}
    assert keys("outlet=news24") == {"news24-2016-03-29-syria-army-keeps-pressure"}
    assert keys("published_until=2016-03-27") == {REUTERS, COPY}
    assert keys("monument=mar-elian-monastery") == {"news24-2016-03-29-syria-army-keeps-pressure"}
    ordered = [s["key"] for s in results(api.get("/api/sources/?ordering=published_on"))]
    assert ordered[0] in {REUTERS, COPY}


def test_reports_are_the_accepted_claims_with_their_sources(seeded, api):
    claims = results(api.get("/api/reports/?monument=temple-of-bel"))
    assert len(claims) == 7
    eyewitness = next(c for c in claims if c["claim"] == f"{AFP}/temple-of-bel-in-pieces")
    assert eyewitness["evidence"] == "eyewitness"
    assert eyewitness["observed_from"] == "2016-03-27"
    assert eyewitness["source_published_on"] == "2016-03-28"


def test_report_filters(seeded, api):
    def count(query):
        return api.get(f"/api/reports/?{query}").json()["count"]

    assert count("site=al-qaryatain") == 1
    assert count(f"source={AFP}") == 10
    assert count("evidence=eyewitness") == 2
    assert count("state=severely_damaged") == 1
    # Observations starting by mid-2015: 2 Reuters, 5 agency-inputs, 5 AFP, 2 News24.
    assert count("observed_until=2015-06-30") == 14
    # Ending on or after 28 March (undated ones end on publication): 5 + 3 + 4.
    assert count("observed_since=2016-03-28") == 12


def test_drafted_claims_are_not_published(seeded, api):
    from heritage.models import DamageReport

    DamageReport.objects.filter(monument__slug="tadmur-prison").update(
        review_status="drafted", reviewed_at=None
    )
    assert api.get("/api/reports/?monument=tadmur-prison").json()["count"] == 0


def test_sites_count_their_monuments(seeded, api):
    sites = {s["slug"]: s for s in results(api.get("/api/sites/"))}
    assert sites["palmyra"]["monument_count"] == 13
    assert sites["al-qaryatain"]["monument_count"] == 2
    assert api.get("/api/sites/palmyra/").json()["country"] == "SY"


def test_source_and_report_lists_have_constant_query_counts(
    large_registry, api, django_assert_max_num_queries
):
    # revision, count, the page's ids, its rows, and for sources one query per prefetched
    # relation and one for the claim counts of the page's sources
    with django_assert_max_num_queries(8):
        assert len(results(api.get("/api/sources/?page_size=8"))) == 8
    with django_assert_max_num_queries(4):
        assert len(results(api.get("/api/reports/?page_size=400"))) == 400
    with django_assert_max_num_queries(3):
        assert len(results(api.get("/api/sites/"))) == 3


def test_source_claim_counts_read_the_pages_sources_through_their_index(seeded):
    """The claim counts of a page of sources look up those sources' claims, whatever
    share of the registry is accepted: a filter on the review status would let SQLite,
    which keeps no statistics, read every accepted claim instead."""
    ids = list(Source.objects.values_list("id", flat=True)[:100])
    sql = _claim_counts().format(ids=", ".join(["%s"] * len(ids)))
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("EXPLAIN QUERY PLAN " + sql, ids)
            plan = " ".join(str(row[-1]) for row in cursor.fetchall())
            assert "heritage_damagereport_source_id" in plan, plan
        cursor.execute(sql, ids)
        counts = dict(cursor.fetchall())
    accepted = Source.objects.filter(pk__in=ids).annotate(
        n=Count("reports", filter=Q(reports__review_status="accepted"))
    )
    assert {s.pk: s.n for s in accepted if s.n} == {k: v for k, v in counts.items() if v}


@pytest.mark.parametrize("ordering", ["-published_on", "published_on"])
def test_a_page_of_sources_by_number_reads_its_ids_from_the_order_index(
    transactional_db, large_registry, api, ordering
):
    """The source list's order indexes end on the id, so the page's ids (and the rows an
    OFFSET steps over) come from the index alone: on PostgreSQL an index-only scan once
    the table is vacuumed (its rows visible to all); SQLite's indexes hold the row's id
    anyway."""
    url = f"/api/sources/?page_size=3&page=2&ordering={ordering}"
    with CaptureQueriesContext(connection) as queries:
        assert api.get(url).status_code == 200
    sql = next(q["sql"] for q in queries.captured_queries if "OFFSET" in q["sql"])
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE heritage_source")
            cursor.execute("SET enable_seqscan = off")
            try:
                cursor.execute("EXPLAIN " + sql)
                plan = " ".join(row[0] for row in cursor.fetchall())
            finally:
                cursor.execute("RESET enable_seqscan")
            assert "Index Only Scan" in plan and "source_" in plan, (sql, plan)
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql)
            plan = " ".join(str(row[-1]) for row in cursor.fetchall())
            assert "INDEX source_" in plan and "TEMP B-TREE" not in plan, plan
