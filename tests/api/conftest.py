import datetime

import pytest

from heritage import services
from heritage.models import DamageReport, Monument, Outlet, Site, Source


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
    with services.batched_refresh():
        group = None
        for m in range(60):
            monument = Monument.objects.create(
                slug=f"m-{m}",
                name=f"Monument {m}",
                kind="temple",
                site=sites[m % 3],
                part_of=group if m % 10 else None,
                latitude="34.5",
                longitude="38.2",
                location_precision_m=100,
            )
            if m % 10 == 0:
                group = monument
            monument.aliases.create(name=f"Alias {m}", language="en")
            monument.aliases.create(name=f"اسم {m}", language="ar")
            for i, source in enumerate(sources):
                DamageReport.objects.create(
                    source=source,
                    key=f"m-{m}",
                    monument=monument,
                    state="destroyed" if i % 2 else "damaged",
                    excerpt="x",
                    evidence="official",
                    review_status="accepted",
                    observed_from=datetime.date(2019, 12, 1 + i),
                )
