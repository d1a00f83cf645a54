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
    # two outlet filters, count, page, credits, copy links, shared credits (2),
    # claim counts, date hierarchy (2)
    "admin:heritage_source_changelist": 15,
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
