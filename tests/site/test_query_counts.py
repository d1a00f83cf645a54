"""Each public page costs a fixed number of queries, whatever the size of the registry:
the count is the same with 6 monuments x 3 claims and with 30 monuments x 8 claims."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.site.conftest import grow_registry

# url -> most queries it may take (the counts are the same at both sizes)
PAGES = {
    "/": 6,  # revision, counts, changes, unlocated + their count, (ar) names
    "/ar/": 6,
    "/map/points.geojson": 2,
    "/ar/map/points.geojson": 3,
    "/monuments/": 5,  # revision, sites, count, page, (ar) names
    "/ar/monuments/?site=s1&kind=temple&photos=no&located=yes&sort=-confidence": 6,
    "/monuments/?as_of=2019-12-02": 8,  # + the past status of the page (three)
    "/monuments/?as_of=2019-12-02&state=destroyed&sort=-confidence": 8,
    "/monuments/m-5/": 11,
    "/ar/monuments/m-5/?as_of=2019-12-02": 16,  # + groups and their members (past status)
    "/sources/m-src-1/": 8,  # revision, source, 4 link lists, claims, their credits
    "/changes/": 5,
    "/ar/changes/?site=s0": 6,
    "/changes/feed/": 4,
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
