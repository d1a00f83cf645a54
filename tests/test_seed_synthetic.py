"""``manage.py seed_synthetic``: a large registry that passes every model rule."""

import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Count

from heritage.models import (
    Alias,
    DamageReport,
    Monument,
    MonumentConsensus,
    Outlet,
    ReviewStatus,
    Revision,
    Site,
    Source,
)

PREFIX = "synthetic-s7-"


def seed(**options) -> str:
    out = io.StringIO()
    call_command("seed_synthetic", monuments=30, reports=300, seed=7, stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def synthetic(db) -> str:
    return seed()


def test_creates_the_requested_numbers(synthetic):
    assert Monument.objects.filter(slug__startswith=PREFIX).count() == 30
    assert DamageReport.objects.filter(source__key__startswith=PREFIX).count() == 300
    assert Site.objects.filter(slug__startswith=PREFIX).count() >= 2
    assert "30 monuments" in synthetic and "300 claims" in synthetic
    assert "Done in" in synthetic


def test_every_created_object_passes_validation(synthetic):
    objects = [
        *Site.objects.all(),
        *Monument.objects.all(),
        *Alias.objects.all(),
        *Outlet.objects.all(),
        *Source.objects.all(),
        *DamageReport.objects.select_related("source"),
    ]
    assert len(objects) > 300 + 30
    for obj in objects:
        obj.full_clean()


def test_claims_are_realistic(synthetic):
    reports = list(DamageReport.objects.select_related("source"))
    statuses = Counter(r.review_status for r in reports)
    assert statuses[ReviewStatus.ACCEPTED] > statuses[ReviewStatus.DRAFTED] > 0
    assert statuses[ReviewStatus.REJECTED] > 0
    assert all(r.review_note for r in reports if r.review_status == ReviewStatus.REJECTED)
    assert all(r.reviewed_at is None for r in reports if r.review_status == ReviewStatus.DRAFTED)
    assert len({r.evidence for r in reports}) >= 3
    assert any(r.inferred and r.inference_note for r in reports)
    for r in reports:
        if r.observed_until:
            assert r.observed_until <= r.source.published_on
    # States change over the years: some monuments are first damaged, later destroyed.
    assert {r.state for r in reports} >= {"intact", "damaged", "destroyed"}
    years = {r.source.published_on.year for r in reports}
    assert min(years) >= 2014 and max(years) <= 2024 and len(years) >= 5


def test_places_have_groups_aliases_in_three_languages(synthetic):
    monuments = Monument.objects.filter(slug__startswith=PREFIX)
    assert monuments.filter(members__isnull=False).exists()
    member = monuments.filter(part_of__isnull=False).first()
    assert member.part_of.site_id == member.site_id
    counts = monuments.annotate(n=Count("aliases")).values_list("n", flat=True)
    assert min(counts) >= 2 and max(counts) <= 4
    assert set(Alias.objects.values_list("language", flat=True)) == {"en", "ar", "fr"}
    arabic = Alias.objects.filter(language="ar").first().name
    assert any("\u0600" <= ch <= "\u06ff" for ch in arabic)
    for monument in monuments.filter(latitude__isnull=False):
        assert monument.location_precision_m is not None


def test_derived_data_is_computed(synthetic):
    monuments = Monument.objects.filter(slug__startswith=PREFIX)
    assert MonumentConsensus.objects.filter(monument__in=monuments).count() == 30
    assert not monuments.filter(search_text="").exists()
    assert Revision.objects.get(pk=1).number >= 1


def test_copy_clusters_share_credit_and_wire_story(synthetic):
    clusters = Counter()
    for source in Source.objects.exclude(wire_story="").prefetch_related("wire_credits"):
        for outlet in source.wire_credits.all():
            clusters[(source.wire_story, outlet.slug)] += 1
    assert any(n >= 2 for n in clusters.values())
    assert Source.objects.filter(copies_passages_from__isnull=False).exists() or (
        "0 repeating passages" in synthetic
    )
    assert set(Outlet.objects.values_list("kind", flat=True)) >= {
        "news_agency",
        "newspaper",
        "state_media",
        "monitoring_group",
    }


def test_same_seed_twice_fails_cleanly(synthetic):
    with pytest.raises(CommandError, match="already holds synthetic data of seed 7"):
        seed()
    assert Monument.objects.filter(slug__startswith=PREFIX).count() == 30


class Rollback(Exception):
    pass


def snapshot() -> list[tuple]:
    return sorted(
        DamageReport.objects.filter(source__key__startswith=PREFIX).values_list(
            "source__key", "key", "monument__slug", "state", "excerpt", "review_status"
        )
    )


def test_deterministic_and_fits_beside_the_seed_fixtures(seeded):
    with pytest.raises(Rollback), transaction.atomic():
        seed()
        first = snapshot()
        raise Rollback
    assert not Monument.objects.filter(slug__startswith=PREFIX).exists()
    output = seed()
    assert snapshot() == first
    # The agencies of the seed fixtures are reused, not duplicated.
    assert Outlet.objects.filter(slug="afp").count() == 1
    assert "already present" in output and Monument.objects.filter(slug="temple-of-bel").exists()
