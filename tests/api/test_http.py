"""HTTP as researchers' tools expect: validators, 304, caching, CORS, limits, errors."""

import datetime

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from heritage.api import throttles, views
from heritage.models import Monument, RequestCount

ENDPOINTS = [
    "/api/monuments/",
    "/api/monuments/temple-of-bel/",
    "/api/monuments/temple-of-bel/timeline/",
    "/api/sources/",
    "/api/sources/afp-2016-03-28-syria-troops-press-advance/",
    "/api/reports/",
    "/api/sites/",
    "/api/sites/palmyra/",
]


@pytest.mark.parametrize("url", ENDPOINTS)
def test_every_endpoint_carries_validators_and_answers_304(seeded, api, url):
    first = api.get(url)
    assert first.status_code == 200
    assert first["ETag"] and first["Last-Modified"]
    assert "max-age" in first["Cache-Control"] and "public" in first["Cache-Control"]
    again = api.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again["ETag"] == first["ETag"]
    assert again.content == b""
    since = api.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert since.status_code == 304


def test_a_change_to_the_registry_changes_the_validators(seeded, api):
    first = api.get("/api/monuments/temple-of-bel/")
    monument = Monument.objects.get(slug="tetrapylon")
    monument.description = "Four groups of four columns."
    monument.save()
    after = api.get("/api/monuments/temple-of-bel/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert after.status_code == 200
    assert after["ETag"] != first["ETag"]


def test_validators_differ_by_query_and_format(seeded, api):
    tags = {
        api.get("/api/monuments/")["ETag"],
        api.get("/api/monuments/?page_size=2")["ETag"],
        api.get("/api/monuments/?format=csv")["ETag"],
        api.get("/api/monuments/", HTTP_ACCEPT="application/geo+json")["ETag"],
    }
    assert len(tags) == 4


def test_an_old_if_modified_since_gets_the_full_response(seeded, api):
    old = "Wed, 01 Jan 2014 00:00:00 GMT"
    assert api.get("/api/monuments/", HTTP_IF_MODIFIED_SINCE=old).status_code == 200


def test_the_304_path_reads_only_the_revision(seeded, api, django_assert_num_queries):
    etag = api.get("/api/monuments/")["ETag"]
    with django_assert_num_queries(1):
        assert api.get("/api/monuments/", HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_cors_allows_get_from_any_origin(seeded, api):
    response = api.get("/api/monuments/", HTTP_ORIGIN="https://notebook.example.org")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response["Access-Control-Expose-Headers"]
    preflight = api.options(
        "/api/monuments/",
        HTTP_ORIGIN="https://notebook.example.org",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
    )
    assert preflight.status_code == 200
    assert "GET" in preflight["Access-Control-Allow-Methods"]
    assert "POST" not in preflight["Access-Control-Allow-Methods"]


def test_cors_is_not_offered_outside_the_api(db, api):
    response = api.get("/admin/login/", HTTP_ORIGIN="https://notebook.example.org")
    assert "Access-Control-Allow-Origin" not in response


@pytest.mark.parametrize("url", ENDPOINTS)
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_writes_are_refused(seeded, api, url, method):
    assert getattr(api, method)(url, {}).status_code == 405


def test_the_anonymous_rate_limit_is_configurable(seeded, api):
    with override_settings(API_ANON_RATE="3/minute"):
        responses = [api.get("/api/sites/") for _ in range(4)]
    assert [r.status_code for r in responses] == [200, 200, 200, 429]
    assert int(responses[-1]["Retry-After"]) > 0


@override_settings(API_RESPONSE_CACHE_MAX_BYTES=0)  # both requests do the same work
def test_the_rate_limit_costs_one_statement_a_request(seeded, api):
    with CaptureQueriesContext(connection) as unlimited:
        api.get("/api/sites/")
    with (
        override_settings(API_ANON_RATE="100/minute"),
        CaptureQueriesContext(connection) as limited,
    ):
        api.get("/api/sites/")
    assert len(limited) == len(unlimited) + 1
    assert RequestCount.objects.get().count == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
def test_counting_a_request_does_not_wait_for_the_write_ahead_log(db):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relpersistence FROM pg_class WHERE relname = %s",
            [RequestCount._meta.db_table],
        )
        assert cursor.fetchone() == ("u",)  # unlogged


@pytest.fixture
def minute(monkeypatch):
    """Moves the rate limit's clock: minute(k, s) is second s of minute k."""
    now = {"t": 0.0}
    monkeypatch.setattr(throttles, "clock", lambda: now["t"])

    def at(k: int, seconds: float) -> None:
        now["t"] = 60.0 * (1_000_000 + k) + seconds

    return at


def served(api, n: int) -> int:
    return sum(api.get("/api/sites/").status_code == 200 for _ in range(n))


@override_settings(API_ANON_RATE="10/minute")
def test_the_rate_limit_slides_over_the_last_minute(seeded, api, minute):
    minute(0, 59)
    assert served(api, 12) == 10
    # Half a minute later the last minute still holds half of those ten: five more fit.
    minute(1, 30)
    assert served(api, 8) == 5
    # Two windows later nothing weighs any more.
    minute(3, 0)
    assert served(api, 12) == 10


@override_settings(API_ANON_RATE="10/minute")
@pytest.mark.parametrize("second", [0, 20, 59])
def test_retry_after_is_when_a_request_fits_again(seeded, api, minute, second):
    minute(0, second)
    assert served(api, 10) == 10
    wait = int(api.get("/api/sites/")["Retry-After"])
    minute(0, second + wait - 2)
    assert api.get("/api/sites/").status_code == 429
    minute(0, second + wait)
    assert api.get("/api/sites/").status_code == 200


@override_settings(API_ANON_RATE="10/minute")
def test_refused_requests_are_not_counted(seeded, api, minute):
    minute(0, 0)
    assert served(api, 30) == 10
    assert RequestCount.objects.get().count == 10
    # Had the 20 refusals counted, the next minute's first half would allow none.
    minute(1, 45)
    assert served(api, 10) == 7  # 10 x 1/4 of the last minute still weighs


def test_idle_counters_are_pruned(seeded, api, minute, monkeypatch):
    with override_settings(API_ANON_RATE="10/minute"):
        minute(0, 0)
        api.get("/api/sites/", REMOTE_ADDR="192.0.2.1")
        monkeypatch.setattr(throttles.random, "randrange", lambda n: 0)
        minute(2, 0)
        api.get("/api/sites/", REMOTE_ADDR="192.0.2.2")
    assert list(RequestCount.objects.values_list("client", flat=True)) == ["anon:192.0.2.2"]


@pytest.mark.parametrize(
    ("url", "parameter", "status"),
    [
        ("/api/monuments/?state=obliterated", "state", 400),
        ("/api/monuments/?kind=castle", "kind", 400),
        ("/api/monuments/?site=atlantis", "site", 400),
        ("/api/monuments/?contested=perhaps", "contested", 400),
        ("/api/monuments/?min_confidence=2", "min_confidence", 400),
        ("/api/monuments/?min_confidence=high", "min_confidence", 400),
        ("/api/monuments/?as_of=2016-02-30", "as_of", 400),
        ("/api/monuments/?known_at=yesterday", "known_at", 400),
        ("/api/monuments/?updated_since=2016-13-01", "updated_since", 400),
        ("/api/monuments/?q=%20%21%21", "q", 400),
        ("/api/monuments/?ordering=secret", "ordering", 400),
        ("/api/monuments/?page=abc", "page", 400),
        ("/api/monuments/?page=0", "page", 400),
        ("/api/monuments/?page=999", "page", 404),
        ("/api/monuments/?page_size=100000", "page_size", 400),
        ("/api/monuments/?page_size=-1", "page_size", 400),
        ("/api/monuments/?format=xml", "format", 400),
        ("/api/monuments/?bogus=1", "bogus", 400),
        ("/api/monuments/temple-of-bel/?as_of=someday", "as_of", 400),
        ("/api/monuments/temple-of-bel/?state=destroyed", "state", 400),
        ("/api/monuments/temple-of-nothing/", "slug", 404),
        ("/api/monuments/temple-of-nothing/timeline/", "slug", 404),
        ("/api/sources/no-such-source/", "key", 404),
        ("/api/sources/?published_since=March", "published_since", 400),
        ("/api/sources/?outlet=nobody", "outlet", 400),
        ("/api/reports/?state=gone", "state", 400),
        ("/api/reports/?observed_since=2016-99-01", "observed_since", 400),
        ("/api/sites/atlantis/", "slug", 404),
        ("/api/sites/?page=x", "page", 400),
        # Unicode digits pass str.isdigit() but not int().
        ("/api/monuments/?page=%C2%B2", "page", 400),
        ("/api/monuments/?page=%E2%91%A0", "page", 400),
        ("/api/monuments/?page_size=%C2%B9", "page_size", 400),
        ("/api/monuments/?page=" + "9" * 3000, "page", 400),
        ("/api/monuments/?page=99999999999", "page", 400),
        # Streamed formats return every record, yet a bad page parameter is still named.
        ("/api/reports/?format=csv&page_size=4007840", "page_size", 400),
        ("/api/monuments/?format=jsonl&page=0", "page", 400),
        # An offset that pushes the instant past year 9999 in UTC.
        ("/api/monuments/?updated_since=9999-12-31T23:59:59-23:59", "updated_since", 400),
        ("/api/monuments/?as_of=", "as_of", 400),
        # Longer than a parameter may be, shorter than a query string may be (else 414).
        ("/api/monuments/?q=" + "a" * 3000, "q", 400),
        ("/api/monuments/?site=palmyra&site=al-qaryatain", "site", 400),
        ("/api/reports/?state=destroyed&state=damaged", "state", 400),
        ("/api/monuments/?ordering=" + ",".join(["name"] * 100), "ordering", 400),
    ],
)
def test_bad_parameters_get_a_json_error_naming_them(seeded, api, url, parameter, status):
    response = api.get(url)
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    assert parameter in response.json()


def test_an_error_is_json_even_when_csv_was_asked_for(seeded, api):
    response = api.get("/api/monuments/?format=csv&state=obliterated")
    assert response.status_code == 400
    assert response.json() == {
        "state": ["Select a valid choice. obliterated is not one of the available choices."]
    }


def test_today_is_part_of_the_validator(seeded, api, monkeypatch):
    # The default as_of is today: yesterday's copy must not be reused tomorrow.
    from django.utils import timezone

    first = api.get("/api/monuments/")["ETag"]
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda: tomorrow)
    assert api.get("/api/monuments/")["ETag"] != first


@pytest.mark.parametrize(
    "url",
    [
        "/api/monuments/?updated_since=0001-01-01T00:00:00-23:59",
        "/api/monuments/?updated_since=9999-12-31T23:59:59%2B23:59",
        "/api/monuments/?as_of=9999-12-31",
        "/api/monuments/?known_at=0001-01-01",
        "/api/monuments/temple-of-bel/?as_of=0001-01-01",
        "/api/reports/?observed_since=9999-12-31",
        "/api/sources/?published_until=0001-01-01",
    ],
)
def test_extreme_dates_within_range_are_answered(seeded, api, url):
    assert api.get(url).status_code == 200


def test_an_address_under_the_api_that_matches_nothing_is_a_json_404(db, api):
    response = api.get("/api/nothing-here/")
    assert response.status_code == 404
    assert response.json() == {"detail": "No API resource at this address."}


def test_the_api_answers_json_503_when_the_database_is_unreachable(seeded, monkeypatch):
    from django.db import OperationalError, connection
    from django.test import Client

    def unreachable():
        raise OperationalError('connection to server at "127.0.0.1", port 5432 failed')

    client = Client(raise_request_exception=False)
    urls = ["/api/monuments/", "/api/monuments/temple-of-bel/", "/api/reports/"]
    with monkeypatch.context() as patched:
        patched.setattr(connection, "ensure_connection", unreachable)
        responses = [client.get(url) for url in urls]

    for response in responses:
        assert response.status_code == 503
        assert response.json() == {
            "detail": "The registry's database is unavailable; try again in a minute."
        }
        assert response["Retry-After"] == "30"


@pytest.mark.parametrize("resource", ["monuments", "sources", "reports"])
@pytest.mark.parametrize("ordering", [",", "name,", ",-published_on"])
def test_an_ordering_with_an_empty_item_is_refused(seeded, api, resource, ordering):
    response = api.get(f"/api/{resource}/?ordering={ordering}")
    assert response.status_code == 400
    assert response.json()["ordering"] == [views.ORDERING_EMPTY_ITEM]
