"""/api/reports/ in publication order: read from the claims' copies of their sources'
date and key, paged by number or by key (after / before a claim)."""

import datetime
import io
import json
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import F, Q
from django.test.utils import CaptureQueriesContext

from heritage.api.filters import ReportFilter
from heritage.loading import DERIVED_FIELD
from heritage.models import DamageReport, Source
from tests.api.conftest import results

AFP = "afp-2016-03-28-syria-troops-press-advance"


def claims_in_order(api, query: str = "") -> list[str]:
    return [c["claim"] for c in results(api.get(f"/api/reports/?page_size=500{query}"))]


def expected_order(descending: bool = False) -> list[str]:
    """Accepted claims sorted by their sources' stored records (not the copies)."""
    rows = DamageReport.objects.accepted().values_list(
        "source__published_on", "source__key", "key"
    )
    return [f"{s}/{k}" for _, s, k in sorted(rows, reverse=descending)]


def query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def copies_diverging() -> int:
    return DamageReport.objects.exclude(
        Q(source_published_on=F("source__published_on")) & Q(source_key=F("source__key"))
    ).count()


def test_a_fixture_load_sets_each_claims_copy_of_its_sources_date_and_key(seeded, api):
    assert DamageReport.objects.count() > 20
    assert copies_diverging() == 0
    assert claims_in_order(api) == expected_order()
    assert claims_in_order(api, "&ordering=-published_on") == expected_order(descending=True)


def test_changing_a_sources_date_moves_its_claims_in_the_list(seeded, api):
    before = claims_in_order(api)
    assert before[0].startswith("reuters-") or before[0].startswith("agency-inputs-")
    afp = Source.objects.get(key=AFP)
    afp.published_on = datetime.date(2016, 4, 2)  # after every other source
    afp.full_clean()
    afp.save()

    after = claims_in_order(api)
    afp_claims = [c for c in after if c.startswith(AFP + "/")]
    assert afp_claims and after[-len(afp_claims) :] == afp_claims
    assert after == expected_order() != before
    assert copies_diverging() == 0
    published = {c["source_published_on"] for c in results(api.get(f"/api/reports/?source={AFP}"))}
    assert published == {"2016-04-02"}


def test_changing_a_sources_key_keeps_its_claims_copies_current(seeded, api):
    afp = Source.objects.get(key=AFP)
    afp.key = "zz-afp-renamed"
    afp.save()
    assert copies_diverging() == 0
    assert claims_in_order(api) == expected_order()


def test_a_claim_moved_to_another_source_takes_that_sources_date(seeded):
    claim = DamageReport.objects.filter(source__key=AFP).first()
    other = Source.objects.exclude(key=AFP).order_by("published_on").first()
    claim.source = other
    claim.key = "moved-here"
    claim.save()
    claim.refresh_from_db()
    assert (claim.source_published_on, claim.source_key) == (other.published_on, other.key)


def test_a_source_changed_in_the_admin_moves_its_claims(seeded, admin_client, api):
    from django.urls import reverse

    afp = Source.objects.get(key=AFP)
    url = reverse("admin:heritage_source_change", args=[afp.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and not isinstance(value, list)
    }
    data.update(
        published_on="2016-04-02",
        wire_credits=[o.pk for o in afp.wire_credits.all()],
        photo_credits=[o.pk for o in afp.photo_credits.all()],
        copies_passages_from=[],
        outlet=afp.outlet_id or "",
        **{
            "reports-TOTAL_FORMS": "0",
            "reports-INITIAL_FORMS": "0",
        },
    )
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Source.objects.get(pk=afp.pk).published_on == datetime.date(2016, 4, 2)
    assert copies_diverging() == 0
    assert claims_in_order(api)[-1].startswith(AFP + "/")


def test_a_fixture_cannot_give_the_derived_copies(seeded, tmp_path):
    fixture = tmp_path / "claim.json"
    fixture.write_text(
        json.dumps(
            [
                {
                    "model": "heritage.damagereport",
                    "fields": {
                        "source": [AFP],
                        "key": "new-claim",
                        "monument": ["temple-of-bel"],
                        "state": "destroyed",
                        "excerpt": "x",
                        "evidence": "eyewitness",
                        "source_published_on": "2001-01-01",
                    },
                }
            ]
        )
    )
    with pytest.raises(Exception, match="derived by the registry") as caught:
        call_command("loaddata", str(fixture), stdout=io.StringIO(), stderr=io.StringIO())
    assert DERIVED_FIELD.format(field="source_published_on") in str(caught.value)
    assert not DamageReport.objects.filter(key="new-claim").exists()


def test_following_next_and_previous_walks_every_claim_once(seeded, api):
    everything = expected_order()
    pages, url = [], "/api/reports/?page_size=4"
    while url:
        body = api.get(url).json()
        # Counted on the first page; pages read by key do not count.
        assert body["count"] == (len(everything) if not pages else None)
        pages.append([c["claim"] for c in body["results"]])
        url = body["next"]
        if url:
            assert "after=" in url and "page=" not in url
    assert [c for page in pages for c in page] == everything
    assert all(len(page) == 4 for page in pages[:-1])

    # And back from the last page.
    back, url = [], body["previous"]
    while url:
        body = api.get(url).json()
        back.insert(0, [c["claim"] for c in body["results"]])
        assert body["next"]  # the pages already seen come after it
        url = body["previous"]
    assert [c for page in back for c in page] == everything[: -len(pages[-1])]
    assert body["previous"] is None


def test_page_numbers_still_work_and_link_by_key(seeded, api):
    everything = expected_order()
    third = api.get("/api/reports/?page_size=4&page=3").json()
    assert [c["claim"] for c in third["results"]] == everything[8:12]
    assert query(third["next"]) == {"after": [everything[11]], "page_size": ["4"]}
    assert query(third["previous"]) == {"before": [everything[8]], "page_size": ["4"]}
    following = api.get(third["next"]).json()
    assert [c["claim"] for c in following["results"]] == everything[12:16]


def test_keyset_pages_in_reverse_order_and_with_filters(seeded, api):
    newest_first = expected_order(descending=True)
    first = api.get("/api/reports/?page_size=5&ordering=-published_on").json()
    second = api.get(first["next"]).json()
    assert [c["claim"] for c in first["results"] + second["results"]] == newest_first[:10]

    bel = [
        c for c in expected_order() if c in set(claims_in_order(api, "&monument=temple-of-bel"))
    ]
    page = api.get(f"/api/reports/?monument=temple-of-bel&page_size=3&after={bel[1]}").json()
    assert [c["claim"] for c in page["results"]] == bel[2:5]
    assert page["count"] is None


def test_keyset_exports_start_after_the_claim(seeded, api):
    everything = expected_order()
    response = api.get(f"/api/reports/?format=jsonl&after={everything[9]}")
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert [json.loads(line)["claim"] for line in lines] == everything[10:]


@pytest.mark.parametrize(
    ("query", "status", "parameter"),
    [
        (
            f"after={AFP}/temple-of-bel-in-pieces&before={AFP}/temple-of-bel-in-pieces",
            400,
            "before",
        ),
        (f"after={AFP}/temple-of-bel-in-pieces&page=2", 400, "page"),
        (f"after={AFP}/temple-of-bel-in-pieces&ordering=observed_from", 400, "after"),
        ("before=no-slash-here", 400, "before"),
        (f"after={AFP}/no-such-claim", 404, "after"),
    ],
)
def test_bad_keyset_parameters_are_named(seeded, api, query, status, parameter):
    response = api.get(f"/api/reports/?{query}")
    assert response.status_code == status, response.content
    assert parameter in response.json()


def test_a_deep_keyset_page_takes_the_queries_of_the_first(
    large_registry, api, django_assert_max_num_queries
):
    everything = expected_order()
    # revision, count, the page's ids, its rows
    with django_assert_max_num_queries(4):
        first = api.get("/api/reports/?page_size=100").json()
    # revision, the anchor claim, ids, whether any claim precedes, rows: no count
    with django_assert_max_num_queries(5):
        deep = api.get(f"/api/reports/?page_size=100&after={everything[399]}").json()
    assert [c["claim"] for c in first["results"]] == everything[:100]
    assert [c["claim"] for c in deep["results"]] == everything[400:]
    assert deep["next"] is None and deep["previous"]


def claims_of_a_monument():
    monument = DamageReport.objects.values_list("monument_id", flat=True).first()
    return DamageReport.objects.accepted().filter(monument_id=monument).in_publication_order()


def claims_of_a_source():
    source = Source.objects.values_list("key", flat=True).first()
    filtered = ReportFilter({"source": source}, queryset=DamageReport.objects.accepted())
    return filtered.qs.in_publication_order()


@pytest.mark.parametrize(
    ("claims", "index"),
    [
        (
            lambda: DamageReport.objects.accepted().in_publication_order(),
            "claim_publication_order",
        ),
        (
            lambda: DamageReport.objects.accepted().in_publication_order(descending=True),
            "claim_publication_order",
        ),
        (claims_of_a_monument, "claim_monument_order"),  # the detail, ?monument=
        (claims_of_a_source, "claim_publication_order"),  # ?source=, by the copies
    ],
    ids=["first-page", "newest-first", "one-monument", "one-source"],
)
def test_a_page_of_claims_reads_an_index_in_order(large_registry, claims, index):
    page = claims().values("pk")[:100]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # Tiny test tables are cheaper to scan; forbid that to see whether the index fits.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_sort = off")
            plan = page.explain()
    else:
        plan = page.explain()
    assert index in plan
    assert "TEMP B-TREE" not in plan.upper()  # SQLite: no sort of the claims
    assert "Sort" not in plan  # PostgreSQL: no sort node


def test_claims_of_one_state_are_counted_from_the_index_alone(seeded, api):
    """``state=`` on the claims list counts the matching claims in the
    ``claim_review_state`` index without reading each claim to check its state."""
    body = api.get("/api/reports/?state=destroyed&page_size=1").json()
    assert body["count"] == DamageReport.objects.accepted().filter(state="destroyed").count() > 0
    if connection.vendor != "sqlite":
        return  # PostgreSQL chooses by its statistics; the index is the same
    with CaptureQueriesContext(connection) as queries:
        api.get("/api/reports/?state=destroyed&page_size=2")  # not the cached answer
    count = next(q["sql"] for q in queries.captured_queries if "COUNT(*)" in q["sql"])
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {count}")
        plan = " ".join(str(row[-1]) for row in cursor.fetchall())
    assert "COVERING INDEX claim_review_state" in plan, plan
