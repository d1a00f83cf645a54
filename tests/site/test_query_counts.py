"""Each public page costs a fixed number of queries, whatever the size of the registry:
the count is the same with 6 monuments x 3 claims and with 30 monuments x 8 claims."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.site.conftest import grow_registry

# url -> most queries it may take (the counts are the same at both sizes)
PAGES = {
    "/": 5,  # revision, counts, changes, unlocated + their count
    "/ar/": 7,  # + names of the monuments and of their sites
    "/map/points.geojson": 2,
    "/ar/map/points.geojson": 3,
    "/monuments/": 4,  # revision, sites, count, page
    "/ar/monuments/?site=s1&kind=temple&photos=no&located=yes&sort=-confidence": 6,
    # A past date reads the stored period of the day, joined to the page's rows.
    "/monuments/?as_of=2019-12-02": 4,
    "/monuments/?as_of=2019-12-02&state=destroyed&sort=-confidence": 4,
    "/monuments/m-5/": 7,
    "/ar/monuments/m-5/?as_of=2019-12-02": 13,  # the engine, with a group's members
    "/sources/m-src-1/": 8,  # revision, source, 4 link lists, claims, their credits
    "/changes/": 4,  # revision, count, page, sites
    "/ar/changes/?site=s0": 7,  # + the site, names of the monuments and of the sites
    "/changes/feed/": 2,
}


def queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    return len(captured)


@pytest.mark.parametrize(("url", "most"), PAGES.items())
def test_page_query_count_does_not_grow_with_the_registry(db, client, url, most):
    grow_registry(6, 3)
    small = queries_for(client, url)
    grow_registry(24, 8, prefix="n")
    assert queries_for(client, url) == small
    assert small <= most
