"""Changelists answer in a fixed number of queries, however many rows a page shows.

The registry here has 60 monuments, 80 sources and 200 claims with outlets, credits,
copy links and aliases: a query per row would add dozens of queries to a page.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

# changelist: the queries a full page takes for a reviewer. Four are the request's own
# (session, user, the user's and the groups' permissions); one is the row count; the
# rest are the page, the filters' choices, and per-page (not per-row) lookups.
PAGES = {
    # site filter, count, the page with its sites and consensus joined in
    "admin:heritage_monument_changelist": 7,
    # site filter, count, the page with monuments and sources joined in
    "admin:heritage_damagereport_changelist": 7,
    # site filter, count, the page with monuments, sources and outlets joined in
    "admin:heritage_draftedclaim_changelist": 7,
    # the outlets (once for both outlet filters), count, the page with its claim
    # counts, copy links, the credits of the page and of sources near it, date
    # hierarchy (2)
    "admin:heritage_source_changelist": 11,
}


@pytest.mark.parametrize("name", PAGES)
def test_a_changelist_page_takes_a_fixed_number_of_queries(
    large_registry, reviewer, client, django_assert_max_num_queries, name
):
    client.force_login(reviewer)
    client.get(reverse(name))  # warm caches (content types, session)

    with django_assert_max_num_queries(PAGES[name]):
        page = client.get(reverse(name))

    assert page.status_code == 200
    assert len(page.context["cl"].result_list) >= 50


@pytest.mark.parametrize("name", PAGES)
def test_a_longer_page_takes_no_more_queries(large_registry, reviewer, client, name):
    client.force_login(reviewer)
    model_admin = client.get(reverse(name)).context["cl"].model_admin
    counts = []
    for per_page in (5, 100):
        model_admin.list_per_page = per_page
        with CaptureQueriesContext(connection) as queries:
            page = client.get(reverse(name))
        counts.append(len(queries))
        assert len(page.context["cl"].result_list) == min(
            per_page, page.context["cl"].result_count
        )
    model_admin.list_per_page = type(model_admin).list_per_page

    assert counts[0] == counts[1], counts


def add_claims(monument, count: int) -> None:
    """*count* accepted claims on *monument*, from as many sources and outlets."""
    import datetime

    from heritage import services
    from heritage.models import DamageReport, Outlet, Source

    day = datetime.date(2016, 3, 1)
    outlets = Outlet.objects.bulk_create(
        [Outlet(slug=f"many-{n}", name=f"Many {n}", kind="newspaper") for n in range(count)]
    )
    sources = Source.objects.bulk_create(
        [
            Source(key=f"many-{n}", title=f"Many {n}", outlet=outlets[n], published_on=day)
            for n in range(count)
        ]
    )
    DamageReport.objects.bulk_create(
        [
            DamageReport(
                source=source,
                key=f"claim-{n}",
                monument=monument,
                state=["intact", "damaged", "destroyed"][n % 3],
                excerpt=f"Claim {n}.",
                evidence="eyewitness",
                observed_from=day,
                review_status="accepted",
            )
            for n, source in enumerate(sources)
        ]
    )
    services.refresh_consensus(monument_ids=[monument.pk])


def change_page_queries(client, monument) -> int:
    url = reverse("admin:heritage_monument_change", args=[monument.pk])
    client.get(url)  # warm caches
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url)
    assert page.status_code == 200
    return len(queries), page


def test_a_monuments_change_page_takes_the_same_queries_with_200_claims(
    large_registry, reviewer, client
):
    from heritage.models import Monument

    client.force_login(reviewer)
    # Both have accepted claims (the timeline reads their credits and copy links).
    few, busy = Monument.objects.filter(slug__in=["monument-0", "monument-2"]).order_by("slug")
    add_claims(busy, 200)

    few_queries, _ = change_page_queries(client, few)
    busy_queries, page = change_page_queries(client, busy)

    assert busy_queries == few_queries
    assert busy_queries <= 25
    html = page.content.decode()
    assert f"?monument__id__exact={busy.pk}" in html  # every claim, in the claims list
    assert html.count('class="inlinechangelink"') == 25  # the latest 25 claims only


def test_deep_claim_pages_are_read_by_key_in_the_queries_of_the_first(
    large_registry, reviewer, client
):
    from heritage.models import DamageReport

    client.force_login(reviewer)
    url = reverse("admin:heritage_damagereport_changelist")
    client.get(url)
    with CaptureQueriesContext(connection) as first_queries:
        first = client.get(url)
    newest = list(DamageReport.objects.order_by("-pk").values_list("pk", flat=True))
    assert [r.pk for r in first.context["cl"].result_list] == newest[:100]
    older = first.context["cl"].older_url
    assert older == f"?before={newest[99]}"

    with CaptureQueriesContext(connection) as deep_queries:
        deep = client.get(url + "?before=" + str(newest[150]))

    assert [r.pk for r in deep.context["cl"].result_list] == newest[151:]
    assert "older claims" not in deep.content.decode()  # nothing older than the last page
    assert "newest claims" in deep.content.decode()
    # No count of the whole table: the keyset page takes fewer queries, never more.
    assert len(deep_queries) < len(first_queries)
    assert not any(
        "COUNT(" in q["sql"] for q in deep_queries if "heritage_damagereport" in q["sql"]
    )


@pytest.mark.parametrize(
    ("name", "order"),
    [
        ("admin:heritage_damagereport_changelist", {}),
        ("admin:heritage_damagereport_changelist", {"o": "3"}),  # by state, then -pk
        ("admin:heritage_source_changelist", {}),
        ("admin:heritage_monument_changelist", {}),
        ("admin:heritage_draftedclaim_changelist", {}),
    ],
)
def test_a_later_page_by_number_is_read_by_key_with_the_rows_of_offset_pages(
    large_registry, reviewer, client, monkeypatch, name, order
):
    """Page 2 holds the rows the list's order puts there, read in the page's one
    query: the page's keys in a subquery (OFFSET over the keys alone), then its rows."""
    from django.contrib import admin

    model_admin = next(
        a
        for a in admin.site._registry.values()
        if name.endswith(f"_{a.opts.model_name}_changelist")
    )
    monkeypatch.setattr(model_admin, "list_per_page", 20)  # three pages or more
    client.force_login(reviewer)
    first = client.get(reverse(name), order).context["cl"]
    expected = list(first.queryset.values_list("pk", flat=True))
    size = first.list_per_page
    with CaptureQueriesContext(connection) as queries:
        second = client.get(reverse(name), {**order, "p": "2"}).context["cl"]

    assert [row.pk for row in second.result_list] == expected[size : 2 * size]
    table = first.model._meta.db_table
    pages = [q["sql"] for q in queries if "OFFSET" in q["sql"] and table in q["sql"]]
    assert len(pages) == 1 and " IN (SELECT" in pages[0]


@pytest.mark.parametrize("before", ["²", "①", "-1", "1e3", "", "9" * 40, "1" * 4000])
def test_a_claims_key_that_is_not_an_ascii_whole_number_lists_the_newest_claims(
    large_registry, reviewer, client, before
):
    from heritage.models import DamageReport

    client.force_login(reviewer)
    page = client.get(reverse("admin:heritage_damagereport_changelist"), {"before": before})

    assert page.status_code == 200
    newest = list(DamageReport.objects.order_by("-pk").values_list("pk", flat=True))
    # Ignored: the newest page.
    assert [r.pk for r in page.context["cl"].result_list] == newest[:100]


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("number 7 about", {"claim-7"}),  # the excerpt
        ("Monument 59", {"claim-59", "claim-119", "claim-179"}),  # the monument's name
        ("SOURCE-79", {"claim-79", "claim-159"}),  # the source's key, any case
    ],
)
def test_claims_are_found_by_excerpt_monument_or_source(
    large_registry, reviewer, client, term, expected
):
    client.force_login(reviewer)
    page = client.get(reverse("admin:heritage_damagereport_changelist"), {"q": term})
    assert {r.key for r in page.context["cl"].result_list} == expected


def test_the_monument_list_leaves_the_stored_explanations_in_the_database(
    seeded, reviewer, client
):
    """The list joins the stored status for its columns but reads neither its
    explanation nor its stored timeline (JSON of every claim behind it), and does not
    fetch them later one monument at a time."""
    client.force_login(reviewer)
    url = reverse("admin:heritage_monument_changelist")
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url)
    assert page.status_code == 200 and page.context["cl"].result_list
    consensus_reads = [q["sql"] for q in queries if "heritage_monumentconsensus" in q["sql"]]
    assert len(consensus_reads) == 1, consensus_reads
    assert '"state"' in consensus_reads[0]
    assert '"explanation"' not in consensus_reads[0]
    assert '"timeline"' not in consensus_reads[0]
