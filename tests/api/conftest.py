import datetime

import pytest

from heritage import services
from heritage.models import Alias, DamageReport, Monument, Outlet, Site, Source


def results(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return response.json()["results"]


def by_slug(response) -> dict[str, dict]:
    return {item["slug"]: item for item in results(response)}


@pytest.fixture
def api(client):
    """An anonymous client: the API needs no login."""
    return client


@pytest.fixture
def large_registry(db):
    """60 monuments in 3 sites with aliases, 8 claims each from 8 sources with credits:
    enough rows that an N+1 on any relation would show in the query counts."""
    sites = [Site.objects.create(slug=f"s{i}", name=f"S{i}") for i in range(3)]
    agency = Outlet.objects.create(slug="wire", name="Wire", kind="news_agency")
    sources = []
    for i in range(8):
        source = Source.objects.create(
            key=f"src-{i}", title=f"S{i}", published_on=datetime.date(2020, 1, i + 1)
        )
        source.wire_credits.add(agency)
        sources.append(source)
    # Written in bulk (a group, then its nine members, in slug order), then refreshed
    # once: the rows are what matters here, not the path that saves them one by one.
    monuments = []
    for first in range(0, 60, 10):
        (group,) = Monument.objects.bulk_create([_monument(first, sites, None)])
        members = [_monument(m, sites, group) for m in range(first + 1, first + 10)]
        monuments += [group, *Monument.objects.bulk_create(members)]
    Alias.objects.bulk_create(
        [
            Alias(monument=monument, name=name, language=language)
            for m, monument in enumerate(monuments)
            for name, language in ((f"Alias {m}", "en"), (f"اسم {m}", "ar"))
        ]
    )
    DamageReport.objects.bulk_create(
        [
            DamageReport(
                source=source,
                key=f"m-{m}",
                monument=monument,
                state="destroyed" if i % 2 else "damaged",
                excerpt="x",
                evidence="official",
                review_status="accepted",
                observed_from=datetime.date(2019, 12, 1 + i),
            )
            for m, monument in enumerate(monuments)
            for i, source in enumerate(sources)
        ]
    )
    ids = [monument.pk for monument in monuments]
    services.update_search_text(monument_ids=ids)
    services.refresh_consensus(monument_ids=ids)


def _monument(m: int, sites: list[Site], group: Monument | None) -> Monument:
    return Monument(
        slug=f"m-{m}",
        name=f"Monument {m}",
        kind="temple",
        site=sites[m % 3],
        part_of=group,
        latitude="34.5",
        longitude="38.2",
        location_precision_m=100,
    )
