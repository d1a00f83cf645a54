"""Validators, the Content-Security-Policy and the admin's links to the public site."""

from __future__ import annotations

import pytest
from django.test import override_settings

from heritage import services
from heritage.models import Monument
from registry.settings.base import content_security_policy, tile_origin

PAGES = [
    "/",
    "/ar/",
    "/map/points.geojson",
    "/monuments/",
    "/monuments/?site=palmyra&as_of=2016-01-01",
    "/monuments/temple-of-bel/",
    "/ar/monuments/temple-of-bel/",
    "/sources/afp-2016-03-28-syria-troops-press-advance/",
    "/changes/",
    "/changes/feed/",
]


@pytest.mark.parametrize("url", PAGES)
def test_every_page_answers_304_after_one_query(seeded, client, url, django_assert_num_queries):
    first = client.get(url)
    assert first.status_code == 200
    assert first["ETag"] and first["Last-Modified"]
    assert "public" in first["Cache-Control"]
    with django_assert_num_queries(1):
        again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304


def test_validators_change_with_the_registry_the_url_and_the_language(seeded, client):
    etag = client.get("/monuments/temple-of-bel/")["ETag"]
    assert client.get("/ar/monuments/temple-of-bel/")["ETag"] != etag
    assert client.get("/monuments/temple-of-bel/?as_of=2016-01-01")["ETag"] != etag
    services.override_status(
        monument=Monument.objects.get(slug="temple-of-bel"),
        state="severely_damaged",
        reason="Part of the cella gate stands.",
        curator=None,
    )
    response = client.get("/monuments/temple-of-bel/", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert "Part of the cella gate stands." in response.content.decode()


@pytest.mark.parametrize(
    "url", ["/", "/monuments/temple-of-bel/", "/admin/login/", "/api/docs/", "/api/monuments/"]
)
def test_one_content_security_policy_on_every_page(db, client, url):
    response = client.get(url)
    policy = dict(
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
    )
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert "unsafe-inline" not in response["Content-Security-Policy"]


def test_the_api_docs_need_no_inline_script_or_style(db, client):
    page = client.get("/api/docs/").content.decode()
    assert "<script>" not in page and "<style>" not in page
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200
    assert b"SwaggerUIBundle" in script.content


def test_the_policy_allows_images_from_the_configured_tile_server_only():
    assert tile_origin("https://tiles.example.org/osm/{z}/{x}/{y}.png") == (
        "https://tiles.example.org"
    )
    assert tile_origin("https://{s}.tile.example.org/{z}/{x}/{y}.png") == (
        "https://*.tile.example.org"
    )
    assert tile_origin("") == ""
    policy = content_security_policy("https://tiles.example.org/{z}/{x}/{y}.png")
    assert policy["DIRECTIVES"]["img-src"] == ["'self'", "data:", "https://tiles.example.org"]
    assert content_security_policy("")["DIRECTIVES"]["img-src"] == ["'self'", "data:"]


@override_settings(
    MAP_TILE_URL="https://tiles.example.org/{z}/{x}/{y}.png",
    MAP_TILE_ATTRIBUTION="© Example tiles",
)
def test_the_tile_server_and_attribution_are_settings(seeded, client):
    page = client.get("/").content.decode()
    assert 'data-tile-url="https://tiles.example.org/{z}/{x}/{y}.png"' in page
    assert 'data-tile-attribution="© Example tiles"' in page


def test_without_a_tile_server_the_map_has_no_background_url(seeded, client):
    assert 'data-tile-url=""' in client.get("/").content.decode()


def test_the_admin_names_the_registry_and_links_to_the_public_pages(seeded, admin_client):
    index = admin_client.get("/admin/").content.decode()
    assert "Heritage-damage registry" in index and "Django administration" not in index
    assert '<a href="/">View site</a>' in index
    bel = Monument.objects.get(slug="temple-of-bel")
    change = admin_client.get(f"/admin/heritage/monument/{bel.pk}/change/").content.decode()
    assert "View on site" in change
    assert admin_client.get(f"/admin/r/{_content_type_id(Monument)}/{bel.pk}/").url.endswith(
        "/monuments/temple-of-bel/"
    )


def _content_type_id(model) -> int:
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(model).pk
