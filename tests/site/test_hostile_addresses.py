"""Whatever a public page's address carries, the site answers it without a server
error: a bad page, filter, date or slug is a 404 or the page with the value refused."""

from __future__ import annotations

import pytest

PAGES = [
    "/",
    "/ar/",
    "/monuments/",
    "/ar/monuments/",
    "/monuments/temple-of-bel/",
    "/ar/monuments/temple-of-bel/",
    "/changes/",
    "/changes/feed/",
    "/map/points.geojson",
]

HOSTILE = [
    {"page": "²"},
    {"page": "①"},
    {"page": "0"},
    {"page": "-3"},
    {"page": "9" * 40},
    {"site": "²"},
    {"site": "no-such-site"},
    {"site": "palmyra", "page": "9" * 40},
    {"state": "obliterated"},
    {"state": "destroyed", "site": "\x00"},
    {"as_of": "²⁰¹⁶-01-01"},
    {"as_of": "0001-01-01"},
    {"as_of": "9999-12-31"},
    {"as_of": "2016-02-30"},
    {"as_of": ""},
    {"known_at": "2016-01-01T00:00:00-23:59"},
    {"q": "%" * 60},
    {"q": "' OR 1=1 --"},
    {"ordering": "-password"},
    {"lang": "xx"},
]


@pytest.mark.parametrize("page", PAGES)
def test_a_public_page_answers_every_hostile_address_without_a_server_error(seeded, client, page):
    for params in HOSTILE:
        response = client.get(page, params)
        assert response.status_code < 500, (page, params, response.status_code)


@pytest.mark.parametrize(
    "path",
    [
        "/monuments/%C2%B2/",
        "/monuments/" + "a" * 300 + "/",
        "/sources/no-such-source/",
        "/sources/" + "9" * 40 + "/",
        "/ar/monuments/no-such-monument/",
        "/xx/monuments/",
    ],
)
def test_an_address_that_names_nothing_is_not_found(seeded, client, path):
    assert client.get(path).status_code == 404
