"""A list's first page counts its matches only up to ``API_COUNT_LIMIT``: beyond it,
``count`` is null and ``count_exceeds`` says so, the pages still follow each other,
and the count reads no more rows than the limit (a page costs the same in a registry
of any size)."""

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import override_settings as django_override_settings
from django.test.utils import CaptureQueriesContext

from tests.api.conftest import results


def override_settings(**values):
    """The settings changed, and no response cached under the earlier ones."""
    caches["responses"].clear()
    return django_override_settings(**values)


@pytest.mark.parametrize(
    "url",
    [
        "/api/monuments/?page_size=7",
        "/api/monuments/?page_size=7&state=destroyed",
        "/api/monuments/?page_size=7&state=destroyed&as_of=2025-01-01",
        "/api/monuments/?page_size=7&ordering=-confidence",
        "/api/sources/?page_size=3",
        "/api/reports/?page_size=7",
        "/api/reports/?page_size=7&ordering=observed_from",
    ],
)
def test_a_list_longer_than_the_count_limit_is_not_counted(large_registry, api, url):
    exact = api.get(url).json()
    assert exact["count"] > 5 and "count_exceeds" not in exact
    with override_settings(API_COUNT_LIMIT=5):
        body = api.get(url).json()
    assert body["count"] is None
    assert body["count_exceeds"] == 5
    # The same first page, and the next one still follows.
    assert body["results"] == exact["results"]
    assert body["next"] == exact["next"] and body["previous"] is None


def test_a_list_within_the_count_limit_is_counted_exactly(large_registry, api):
    everything = api.get("/api/monuments/?page_size=7").json()["count"]
    with override_settings(API_COUNT_LIMIT=everything):
        body = api.get("/api/monuments/?page_size=7").json()
    assert body["count"] == everything and "count_exceeds" not in body
    with override_settings(API_COUNT_LIMIT=everything - 1):
        body = api.get("/api/monuments/?page_size=7").json()
    assert body["count"] is None and body["count_exceeds"] == everything - 1


@pytest.mark.parametrize(
    "url",
    [
        "/api/reports/?page_size=7",
        "/api/sources/?page_size=3",
        "/api/monuments/?page_size=7",
        "/api/monuments/?page_size=7&state=destroyed",  # on the status table
        "/api/monuments/?page_size=7&ordering=-confidence",
    ],
)
def test_the_count_reads_at_most_one_row_past_the_limit(large_registry, api, url):
    with override_settings(API_COUNT_LIMIT=5), CaptureQueriesContext(connection) as queries:
        api.get(url)
    first, *others = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"]]
    assert "LIMIT 6" in first
    # Unordered: the database counts along its cheapest index.
    assert "ORDER BY" not in first.upper()
    # A common state's walk-or-sort rule may count a little further, still bounded.
    assert all(" LIMIT " in sql for sql in others)


def test_uncounted_pages_by_number_end_where_the_rows_end(large_registry, api):
    """Past the count limit, page N is read with one row more: the last page has no
    next link, and a page past it is a 404 that names the parameter."""
    everything = [r["slug"] for r in results(api.get("/api/monuments/?page_size=500"))]
    with override_settings(API_COUNT_LIMIT=5):
        pages = -(-len(everything) // 7)
        seen = []
        for number in range(1, pages + 1):
            body = api.get(f"/api/monuments/?page_size=7&page={number}").json()
            assert body["count"] is None and body["count_exceeds"] == 5
            assert (body["next"] is None) == (number == pages)
            assert (body["previous"] is None) == (number == 1)
            seen += [r["slug"] for r in body["results"]]
        past = api.get(f"/api/monuments/?page_size=7&page={pages + 1}")
    assert seen == everything
    assert past.status_code == 404
    assert "page" in past.json() and "past the last page" in str(past.json())


def test_a_short_site_list_past_the_limit_links_pages_by_number(large_registry, api):
    """Lists paged by number only (sites) link their next page by number."""
    with override_settings(API_COUNT_LIMIT=1):
        body = api.get("/api/sites/?page_size=2").json()
        assert body["count"] is None and body["count_exceeds"] == 1
        assert "page=2" in body["next"]
        last = api.get(body["next"]).json()
    assert last["next"] is None and len(last["results"]) == 1


def test_the_schema_describes_count_exceeds(api):
    schema = api.get("/api/schema/?format=json").json()
    page = schema["components"]["schemas"]["PaginatedMonumentList"]["properties"]
    assert list(page)[:2] == ["count", "count_exceeds"]
    assert page["count"]["nullable"] is True
