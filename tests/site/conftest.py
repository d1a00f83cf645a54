import datetime

import pytest

from heritage import services
from heritage.models import DamageReport, Monument, Outlet, Site, Source


def grow_registry(monuments: int, claims_each: int, *, prefix: str = "m") -> None:
    """Add *monuments* monuments in two sites, each with an Arabic alias and
    *claims_each* accepted claims from sources with wire credits and copy links, so that
    an N+1 on any relation would show in the query counts."""
    sites = [
        Site.objects.get_or_create(slug=f"s{i}", defaults={"name": f"S{i}"})[0] for i in (0, 1)
    ]
    agency, _ = Outlet.objects.get_or_create(
        slug="wire", defaults={"name": "Wire", "kind": "news_agency"}
    )
    sources = []
    for i in range(claims_each):
        source = Source.objects.create(
            key=f"{prefix}-src-{i}",
            title=f"Source {i}",
            published_on=datetime.date(2020, 1, i + 1),
        )
        source.wire_credits.add(agency)
        if sources:
            source.copies_passages_from.add(sources[-1])
        sources.append(source)
    with services.batched_refresh():
        group = None
        for m in range(monuments):
            monument = Monument.objects.create(
                slug=f"{prefix}-{m}",
                name=f"Monument {prefix} {m}",
                kind="temple",
                site=sites[m % 2],
                part_of=group if m % 5 else None,
                latitude="34.5" if m % 7 else None,
                longitude="38.2" if m % 7 else None,
                location_precision_m=100 if m % 7 else None,
            )
            if m % 5 == 0:
                group = monument
            monument.aliases.create(name=f"نصب {prefix} {m}", language="ar")
            for i, source in enumerate(sources):
                DamageReport.objects.create(
                    source=source,
                    key=f"{prefix}-{m}",
                    monument=monument,
                    state="destroyed" if i % 2 else "damaged",
                    excerpt=f"Claim {i} about {m}.",
                    evidence="official",
                    review_status="accepted",
                    observed_from=datetime.date(2019, 12, 1 + i),
                )


@pytest.fixture
def registry_small(db):
    grow_registry(6, 3)
