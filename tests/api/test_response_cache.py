"""Whole API responses are kept per revision: asked again, a request costs a cache
read; after any write, the answer is computed afresh."""

from __future__ import annotations

import gzip

import pytest
from django.core.cache import caches
from django.test import override_settings

from heritage import services
from heritage.models import Monument

URLS = [
    "/api/monuments/?page_size=5",
    "/api/monuments/?as_of=2016-01-01",
    "/api/monuments/temple-of-bel/",
    "/api/monuments/temple-of-bel/timeline/",
    "/api/sources/",
    "/api/reports/?monument=temple-of-bel",
    "/api/sites/",
]


def body(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


@pytest.mark.parametrize("url", URLS)
def test_a_request_asked_again_is_answered_from_the_cache(
    seeded, api, url, django_assert_max_num_queries
):
    first = api.get(url)
    assert first.status_code == 200 and "X-Registry-Cache" not in first
    # the revision, and the rate limit's counter
    with django_assert_max_num_queries(3):
        again = api.get(url)
    assert again["X-Registry-Cache"] == "hit"
    assert body(again) == body(first)
    assert again["ETag"] == first["ETag"] and again["Content-Type"] == first["Content-Type"]


@pytest.mark.parametrize("gzipped", [False, True])
def test_a_full_export_is_kept_whole_with_its_encoding(seeded, api, gzipped):
    headers = {"HTTP_ACCEPT_ENCODING": "gzip"} if gzipped else {}
    first = body(api.get("/api/monuments/?format=csv", **headers))
    again = api.get("/api/monuments/?format=csv", **headers)
    assert again["X-Registry-Cache"] == "hit"
    assert body(again) == first
    assert again.get("Content-Encoding") == ("gzip" if gzipped else None)
    assert again["Content-Disposition"] == 'attachment; filename="monuments.csv"'
    text = gzip.decompress(first) if gzipped else first
    assert "temple-of-bel" in text.decode("utf-8-sig")


def test_a_write_is_seen_at_once(seeded, api):
    url = "/api/monuments/temple-of-bel/"
    assert api.get(url).json()["consensus"]["state"] == "destroyed"
    assert api.get(url)["X-Registry-Cache"] == "hit"
    services.override_status(
        monument=Monument.objects.get(slug="temple-of-bel"),
        state="severely_damaged",
        reason="The cella gate stands.",
        curator=None,
    )
    fresh = api.get(url)
    assert "X-Registry-Cache" not in fresh
    assert fresh.json()["consensus"]["state"] == "severely_damaged"


def test_errors_and_conditional_requests_are_not_cached(seeded, api):
    assert api.get("/api/monuments/?page=99").status_code == 404
    assert "X-Registry-Cache" not in api.get("/api/monuments/?page=99")
    etag = api.get("/api/sites/")["ETag"]
    assert api.get("/api/sites/", HTTP_IF_NONE_MATCH=etag).status_code == 304


@override_settings(API_RESPONSE_CACHE_MAX_BYTES=100)
def test_a_response_larger_than_the_limit_is_not_kept(seeded, api):
    api.get("/api/monuments/?format=csv")
    api.get("/api/monuments/")
    assert "X-Registry-Cache" not in api.get("/api/monuments/?format=csv")
    assert "X-Registry-Cache" not in api.get("/api/monuments/")


@override_settings(API_RESPONSE_CACHE_MAX_BYTES=0)
def test_no_response_cache_when_turned_off(seeded, api):
    api.get("/api/sites/")
    assert "X-Registry-Cache" not in api.get("/api/sites/")
    assert caches["responses"].get("anything") is None


def test_a_failing_cache_does_not_fail_the_request(seeded, api, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(caches["responses"], "get", broken)
    monkeypatch.setattr(caches["responses"], "set", broken)
    assert api.get("/api/sites/").status_code == 200
    assert api.get("/api/sites/").status_code == 200


@override_settings(ALLOWED_HOSTS=["a.example", "b.example"])
def test_each_host_gets_its_own_links(seeded, api):
    first = api.get("/api/monuments/?page_size=2", HTTP_HOST="a.example").json()
    other = api.get("/api/monuments/?page_size=2", HTTP_HOST="b.example")
    assert "X-Registry-Cache" not in other
    assert first["next"].startswith("http://a.example/")
    assert other.json()["next"].startswith("http://b.example/")
