"""Users in each curator role, and a registry large enough to show an N+1 query."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from heritage import roles, services
from heritage.models import (
    Alias,
    DamageReport,
    Monument,
    Outlet,
    OutletKind,
    ReviewStatus,
    Site,
    Source,
)

PASSWORD = "pw-for-tests-only"


def make_user(username: str, role: str | None = None, **extra):
    user = get_user_model().objects.create_user(
        username, f"{username}@localhost", PASSWORD, is_staff=True, **extra
    )
    if role:
        roles.ensure_roles()
        user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def viewer(db):
    return make_user("viewer", roles.VIEWER)


@pytest.fixture
def curator(db):
    return make_user("curator1", roles.CURATOR)


@pytest.fixture
def reviewer(db):
    return make_user("reviewer1", roles.REVIEWER)


@pytest.fixture
def client_for(client):
    """A logged-in client for a user (Django's test client keeps one session)."""

    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture
def large_registry(db):
    """60 monuments in 3 sites, 40 outlets, 80 sources with credits and copy links, 200
    claims (half drafted), aliases: enough rows that a per-row query would show."""
    sites = Site.objects.bulk_create([Site(slug=f"site-{n}", name=f"Site {n}") for n in range(3)])
    monuments = Monument.objects.bulk_create(
        [
            Monument(slug=f"monument-{n}", name=f"Monument {n}", kind="temple", site=sites[n % 3])
            for n in range(60)
        ]
    )
    Alias.objects.bulk_create(
        [Alias(monument=m, name=f"Alias of {m.name}", language="en") for m in monuments]
    )
    outlets = Outlet.objects.bulk_create(
        [
            Outlet(
                slug=f"outlet-{n}",
                name=f"Outlet {n}",
                kind=OutletKind.NEWS_AGENCY if n % 4 == 0 else OutletKind.NEWSPAPER,
            )
            for n in range(40)
        ]
    )
    base = datetime.date(2016, 3, 1)
    sources = Source.objects.bulk_create(
        [
            Source(
                key=f"source-{n}",
                title=f"Source {n}",
                outlet=outlets[n % 40],
                published_on=base + datetime.timedelta(days=n % 30),
            )
            for n in range(80)
        ]
    )
    credit = Source.wire_credits.through
    credit.objects.bulk_create(
        [credit(source=s, outlet=outlets[(n % 10) * 4]) for n, s in enumerate(sources)]
    )
    copies = Source.copies_passages_from.through
    copies.objects.bulk_create(
        [copies(from_source=sources[n], to_source=sources[n - 1]) for n in range(1, 80, 3)]
    )
    DamageReport.objects.bulk_create(
        [
            DamageReport(
                source=sources[n % 80],
                key=f"claim-{n}",
                monument=monuments[n % 60],
                state=["intact", "damaged", "destroyed"][n % 3],
                excerpt=f"Claim number {n} about the monument.",
                evidence="eyewitness",
                observed_from=base,
                review_status=ReviewStatus.DRAFTED if n % 2 else ReviewStatus.ACCEPTED,
            )
            for n in range(200)
        ]
    )
    services.update_search_text(monument_ids=[m.pk for m in monuments])
    services.refresh_all()


AFP = "afp-2016-03-28-syria-troops-press-advance"
FIELD_SOURCE = "field-2016-04-10-palmyra-visit"


@pytest.fixture
def drafted(seeded):
    """The seed registry plus a field report with three drafted claims."""
    source = Source.objects.create(
        key=FIELD_SOURCE,
        kind="field_report",
        title="A visit to Palmyra",
        published_on=datetime.date(2016, 4, 10),
        outlet=Outlet.objects.get(slug="afp"),
    )
    claims = [
        ("lion-of-al-lat", "lion", "intact", "The Lion of Al-Lat stands again in the museum."),
        ("tetrapylon", "tetrapylon", "severely_damaged", "Two columns of the tetrapylon fell."),
        ("great-colonnade", "colonnade", "damaged", "The colonnade bears marks of fighting."),
    ]
    return [
        DamageReport.objects.create(
            source=source,
            key=key,
            monument=Monument.objects.get(slug=slug),
            state=state,
            excerpt=excerpt,
            attributed_to="an AFP correspondent",
            evidence="eyewitness",
            observed_from=datetime.date(2016, 4, 9),
        )
        for slug, key, state, excerpt in claims
    ]


@pytest.fixture
def one_claim(db):
    """A small registry, quicker than the seeds: one site, two monuments, one source,
    and one drafted claim."""
    site = Site.objects.create(slug="palmyra", name="Palmyra")
    arch = Monument.objects.create(
        slug="arch-of-triumph", name="Arch of Triumph", kind="arch", site=site
    )
    Monument.objects.create(slug="temple-of-bel", name="Temple of Bel", kind="temple", site=site)
    source = Source.objects.create(
        key="afp-2016-03-28-palmyra",
        title="Palmyra retaken",
        published_on=datetime.date(2016, 3, 28),
        outlet=Outlet.objects.create(slug="afp", name="AFP", kind=OutletKind.NEWS_AGENCY),
    )
    return DamageReport.objects.create(
        source=source,
        key="arch",
        monument=arch,
        state="destroyed",
        excerpt="The Arch of Triumph was in pieces.",
        evidence="eyewitness",
        observed_from=datetime.date(2016, 3, 27),
    )
