"""Monument and source lists paged by key: ``next`` / ``previous`` name the row the
page continues from (``after=`` / ``before=``), in every order the list offers, and
such a page costs the same however deep it is (no count, no OFFSET)."""

import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from heritage.models import Monument, MonumentConsensus, Site, Source
from tests.api.conftest import results


def walk(api, url: str) -> tuple[list[list[str]], dict]:
    """Follow ``next`` from *url* to the end: the pages' references, and the last body."""
    pages, body = [], None
    while url:
        body = api.get(url).json()
        assert body["count"] is not None if not pages else body["count"] is None, body
        pages.append([item.get("slug") or item.get("key") for item in body["results"]])
        url = body["next"]
        if url:
            assert "page=" not in url and "after=" in url
    return pages, body


def walk_back(api, body: dict) -> list[str]:
    seen, url = [], body["previous"]
    while url:
        body = api.get(url).json()
        assert body["count"] is None and body["next"]
        seen[:0] = [item.get("slug") or item.get("key") for item in body["results"]]
        url = body["previous"]
    return seen


def unrefreshed_monuments(n: int = 4) -> list[Monument]:
    """Monuments never refreshed (their status row from creation: unknown, confidence
    0), several of them, with the same name (ties on every column but the id); no
    period covers any day for them (NULL in a past day's status columns)."""
    monuments = [
        Monument.objects.create(
            slug=f"zz-new-{i}", name="A new monument", kind="temple", site=Site.objects.first()
        )
        for i in range(n)
    ]
    assert MonumentConsensus.objects.filter(monument__in=monuments, state="unknown").count() == n
    return monuments


@pytest.mark.parametrize(
    "ordering",
    [
        *("", "name", "-name", "slug", "-confidence", "confidence", "state", "-state"),
        "-updated",
        # A past day: no period covers the unrefreshed monuments (NULL, the largest).
        "-confidence&as_of=2019-12-04",
        "confidence&known_at=2020-01-03",
        "state&as_of=2019-12-04",
    ],
)
def test_following_next_walks_every_monument_once_in_each_order(large_registry, api, ordering):
    unrefreshed_monuments()
    query = f"&ordering={ordering}" if ordering else ""
    everything = [
        item["slug"] for item in results(api.get(f"/api/monuments/?page_size=500{query}"))
    ]
    assert len(everything) == Monument.objects.count() == 64

    # Pages of 3: the four unrefreshed monuments (tied names, and statuses: unknown
    # today, NULL on a past day) straddle one.
    pages, last = walk(api, f"/api/monuments/?page_size=3{query}")
    assert [slug for page in pages for slug in page] == everything
    assert all(len(page) == 3 for page in pages[:-1])
    assert walk_back(api, last) == everything[: -len(pages[-1])]


@pytest.mark.parametrize(
    "query",
    [
        "state=destroyed",
        "as_of=2019-12-04",
        "known_at=2020-01-03&ordering=-confidence",
        "as_of=2019-12-04&known_at=2020-01-05",  # computed per page
        "site=s1&ordering=-name",
    ],
)
def test_pages_by_key_keep_the_filters_and_the_day(large_registry, api, query):
    everything = [
        item["slug"] for item in results(api.get(f"/api/monuments/?page_size=500&{query}"))
    ]
    assert everything
    pages, _ = walk(api, f"/api/monuments/?page_size=6&{query}")
    assert [slug for page in pages for slug in page] == everything


def test_a_page_number_links_by_key(large_registry, api):
    everything = [item["slug"] for item in results(api.get("/api/monuments/?page_size=500"))]
    third = api.get("/api/monuments/?page_size=5&page=3").json()
    assert [item["slug"] for item in third["results"]] == everything[10:15]
    assert third["count"] == 60
    assert (
        "after=" + everything[14] in third["next"]
        and "before=" + everything[10] in third["previous"]
    )
    following = api.get(third["next"]).json()
    assert [item["slug"] for item in following["results"]] == everything[15:20]


def test_a_page_continues_from_where_the_named_monument_now_stands(large_registry, api):
    """The reference names a row, not an offset: rows added before it do not shift the
    next page."""
    everything = [item["slug"] for item in results(api.get("/api/monuments/?page_size=500"))]
    Monument.objects.create(
        slug="a-first", name="AAA", kind="temple", site=Site.objects.get(slug="s0")
    )
    page = api.get(f"/api/monuments/?page_size=5&after={everything[9]}").json()
    assert [item["slug"] for item in page["results"]] == everything[10:15]


def test_exports_start_after_the_named_monument_and_source(large_registry, api):
    everything = [item["slug"] for item in results(api.get("/api/monuments/?page_size=500"))]
    response = api.get(f"/api/monuments/?format=jsonl&after={everything[49]}")
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert [json.loads(line)["slug"] for line in lines] == everything[50:]

    keys = [item["key"] for item in results(api.get("/api/sources/?page_size=500"))]
    response = api.get(f"/api/sources/?format=jsonl&before={keys[3]}")
    lines = b"".join(response.streaming_content).decode().splitlines()
    # before= exports the rows before the source, in the list's order.
    assert [json.loads(line)["key"] for line in lines] == keys[:3]


@pytest.mark.parametrize("ordering", ["", "title", "-key", "published_on"])
def test_following_next_walks_every_source_once(large_registry, api, ordering):
    for i in range(8, 13):  # ties on the date: the key decides
        Source.objects.create(key=f"tie-{i}", title="Same", published_on=datetime.date(2020, 1, 3))
    query = f"&ordering={ordering}" if ordering else ""
    everything = [item["key"] for item in results(api.get(f"/api/sources/?page_size=500{query}"))]
    assert len(everything) == 13
    pages, last = walk(api, f"/api/sources/?page_size=4{query}")
    assert [key for page in pages for key in page] == everything
    assert walk_back(api, last) == everything[: -len(pages[-1])]


@pytest.mark.parametrize(
    ("url", "status", "parameter"),
    [
        ("/api/monuments/?after=m-1&before=m-2", 400, "before"),
        ("/api/monuments/?after=m-1&page=2", 400, "page"),
        ("/api/monuments/?after=no-such-monument", 404, "after"),
        ("/api/sources/?before=no-such-source", 404, "before"),
        ("/api/sources/?after=src-1&page=1", 400, "page"),
    ],
)
def test_bad_keyset_parameters_are_named(large_registry, api, url, status, parameter):
    response = api.get(url)
    assert response.status_code == status, response.content
    assert parameter in response.json()


@pytest.mark.parametrize(
    ("first", "deep", "queries"),
    [
        # revision, count, the page's ids, their rows / revision, the anchor, ids, any
        # before, rows: no count
        ("/api/monuments/?page_size=10", "/api/monuments/?page_size=10&after=m-50", (4, 5)),
        # revision, count, the page's ids, their rows, their credits, copies and claim
        # counts (4) / the same with the anchor and any before instead of the count
        ("/api/sources/?page_size=3", "/api/sources/?page_size=3&after=src-3", (8, 9)),
    ],
)
def test_a_deep_page_by_key_takes_the_queries_of_the_first(
    large_registry, api, django_assert_num_queries, first, deep, queries
):
    with django_assert_num_queries(queries[0]):
        assert api.get(first).status_code == 200
    with django_assert_num_queries(queries[1]):
        body = api.get(deep).json()
    assert body["results"] and body["previous"] and body["count"] is None


def test_a_deep_page_of_sources_reads_the_date_index_from_the_named_source(large_registry):
    """The next page after a source is a range of ``source_newest_first``: no sort,
    no step over the rows before it."""
    from heritage.api import keyset

    keys = keyset.parse_order(["-published_on", "key"])
    values = keyset.place(Source.objects.filter(key="src-5"), keys)
    for key in ("src-4z", "src-5b"):  # the same day: before and after src-5 by key
        Source.objects.create(key=key, title="t", published_on=values[0])
    page = keyset.order_by(Source.objects.all(), keys).filter(keyset.beyond(keys, values))
    page = page.values("pk")[:100]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_sort = off")
            # On a tiny table the other index read backwards, with each day's few
            # sources sorted by key, costs the planner as little.
            cursor.execute("SET LOCAL enable_incremental_sort = off")
            plan = page.explain()
        assert "Sort" not in plan
    else:
        plan = page.explain()
        assert "TEMP B-TREE" not in plan.upper()
    assert "source_newest_first" in plan
    # Newest first, then by key: the rows after src-5's place in that order.
    rows = sorted(
        Source.objects.values_list("published_on", "key", "pk"),
        key=lambda r: (-r[0].toordinal(), r[1]),
    )
    place = [(d, k) for d, k, _ in rows].index(values)
    expected = [pk for _, _, pk in rows[place + 1 :]]
    assert Source.objects.get(key="src-5b").pk in expected
    assert Source.objects.get(key="src-4z").pk not in expected
    assert [r["pk"] for r in page] == expected


def test_the_source_list_is_counted_without_joining_the_outlets(large_registry, api):
    with CaptureQueriesContext(connection) as queries:
        body = api.get("/api/sources/?page_size=2").json()
    assert body["count"] == Source.objects.count() == 8
    count = next(q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"])
    assert "heritage_outlet" not in count, count


def test_a_page_by_key_filtered_on_the_status_is_not_counted(large_registry, api):
    """Today's status: the walk's choice counts the matches only up to what it needs
    (a bounded count); a past day: not counted at all."""
    for query in ("state=destroyed", "state=destroyed&as_of=2019-12-04"):
        everything = [
            m["slug"] for m in results(api.get(f"/api/monuments/?page_size=500&{query}"))
        ]
        with CaptureQueriesContext(connection) as queries:
            body = api.get(f"/api/monuments/?page_size=5&{query}&after={everything[9]}").json()
        assert [m["slug"] for m in body["results"]] == everything[10:15]
        assert body["count"] is None
        counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"]]
        if "as_of" in query:
            assert counts == []
        else:
            assert len(counts) == 1 and "LIMIT" in counts[0], counts
