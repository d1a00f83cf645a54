"""Every monument has a status row from its creation: ``unknown``, confidence 0, no
stored past, until its first refresh replaces it. The monument list sorts on the status
through an inner join and the status table's indexes, which is right only while no
monument lacks its row: each way of creating monuments is checked here."""

import importlib
import types

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from heritage import services
from heritage.models import DamageReport, Monument, MonumentConsensus, Site, Source

from .conftest import GAZETTEER

pytestmark = pytest.mark.django_db
BEFORE = ("heritage", "0018_monument_order_indexes")


def status_of(slug: str) -> dict:
    return (
        MonumentConsensus.objects.filter(monument__slug=slug)
        .values(
            "state", "evidence_state", "confidence", "claim_count", "history_digest", "timeline"
        )
        .get()
    )


UNKNOWN = {
    "state": "unknown",
    "evidence_state": "unknown",
    "confidence": 0.0,
    "claim_count": 0,
    "history_digest": "",
    "timeline": [],
}


@pytest.fixture
def site():
    return Site.objects.create(slug="nimrud", name="Nimrud")


def test_a_monument_saved_gets_an_unknown_status(site):
    Monument.objects.create(slug="ziggurat", name="Ziggurat", kind="temple", site=site)
    assert status_of("ziggurat") == UNKNOWN


def test_monuments_written_in_bulk_get_an_unknown_status(site):
    Monument.objects.bulk_create(
        [Monument(slug=f"m-{i}", name=f"M{i}", kind="temple", site=site) for i in range(3)]
    )
    assert [status_of(f"m-{i}") for i in range(3)] == [UNKNOWN] * 3


def test_monuments_written_in_bulk_ignoring_conflicts_get_an_unknown_status(site):
    """With ignore_conflicts the database gives no ids back: the new rows are found by
    slug."""
    Monument.objects.create(slug="m-0", name="M0", kind="temple", site=site)
    MonumentConsensus.objects.filter(monument__slug="m-0").update(state="destroyed")
    Monument.objects.bulk_create(
        [Monument(slug=f"m-{i}", name=f"M{i}", kind="temple", site=site) for i in range(3)],
        ignore_conflicts=True,
    )
    assert [status_of(f"m-{i}")["state"] for i in range(3)] == ["destroyed", *["unknown"] * 2]


def test_every_monument_loaded_from_a_fixture_has_one_status_row(monkeypatch):
    # The load's own recomputation left out: the rows come from the load's writes.
    monkeypatch.setattr(services, "refresh_or_queue", lambda **kwargs: None)
    call_command("loaddata", str(GAZETTEER), verbosity=0)
    assert Monument.objects.count() > 10
    assert MonumentConsensus.objects.count() == Monument.objects.count()
    assert not Monument.objects.filter(consensus__isnull=True).exists()


def test_the_first_refresh_replaces_the_unknown_status(site):
    monument = Monument.objects.create(slug="gate", name="Gate", kind="gate", site=site)
    source = Source.objects.create(key="s", title="S", published_on="2016-01-02")
    DamageReport.objects.create(
        source=source,
        key="gate",
        monument=monument,
        state="destroyed",
        excerpt="The gate was destroyed.",
        evidence="official",
        review_status="accepted",
    )
    services.refresh_consensus(monument_ids={monument.pk})
    stored = status_of("gate")
    assert stored["state"] == "destroyed" and stored["claim_count"] == 1
    assert stored["history_digest"] and stored["timeline"]
    assert MonumentConsensus.objects.filter(monument=monument).count() == 1


def test_the_migration_gives_a_status_to_monuments_that_had_none(site):
    kept = Monument.objects.create(slug="kept", name="Kept", kind="temple", site=site)
    MonumentConsensus.objects.filter(monument=kept).update(state="destroyed", confidence=0.9)
    lost = Monument.objects.create(slug="lost", name="Lost", kind="temple", site=site)
    MonumentConsensus.objects.filter(monument=lost).delete()
    migration = importlib.import_module("heritage.migrations.0019_every_monument_has_a_status")
    migration.add_missing_statuses(apps, types.SimpleNamespace(connection=connection))
    assert status_of("lost") == UNKNOWN
    assert status_of("kept")["state"] == "destroyed"  # rows already there are left alone


@pytest.mark.django_db(transaction=True)
def test_migrating_a_registry_with_monuments_without_status_adds_their_rows():
    """The whole migration, on a registry that holds such monuments (on PostgreSQL the
    rows must be added after the index changes: an index cannot be built on a table
    whose rows have foreign key checks pending)."""
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    old = executor.loader.project_state([BEFORE]).apps
    site = old.get_model("heritage", "Site").objects.create(slug="hatra", name="Hatra")
    old.get_model("heritage", "Monument").objects.create(
        slug="lost", name="Lost", kind="temple", site=site, site_name="Hatra"
    )
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert status_of("lost") == UNKNOWN
