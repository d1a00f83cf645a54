"""Changes touching many monuments recompute them in a background job, with progress."""

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from heritage import services
from heritage.models import ConsensusJob, MonumentConsensus, Outlet

from .conftest import load_seed_fixtures


@pytest.fixture
def small_inline_limit(settings):
    settings.CONSENSUS_INLINE_LIMIT = 2


def weights(slugs):
    rows = MonumentConsensus.objects.filter(monument__slug__in=slugs)
    return {
        row.monument.slug: sorted(entry["weight"] for entry in row.explanation)
        for row in rows.select_related("monument")
    }


def test_an_outlet_change_touching_many_monuments_is_queued_not_run(seeded, small_inline_limit):
    afp = Outlet.objects.get(slug="afp")
    touched = services.monuments_of_outlets([afp.pk])
    assert len(touched) > 2
    before = MonumentConsensus.objects.filter(monument__in=touched).order_by("pk")
    before = list(before.values_list("explanation", flat=True))

    services.set_outlet_reliability(outlet=afp, reliability=Decimal("0.10"))

    job = ConsensusJob.objects.get()
    assert job.status == ConsensusJob.Status.QUEUED
    assert set(job.monument_ids) == touched and job.total == len(touched)
    assert job.task_id
    after = MonumentConsensus.objects.filter(monument__in=touched).order_by("pk")
    assert list(after.values_list("explanation", flat=True)) == before  # not yet


@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_the_job_and_records_its_progress(small_inline_limit):
    # transaction=True: the worker sees only committed jobs.
    load_seed_fixtures()
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)  # the load's job
    afp = Outlet.objects.get(slug="afp")
    touched = services.monuments_of_outlets([afp.pk])
    services.set_outlet_reliability(outlet=afp, reliability=Decimal("0.10"))
    job = ConsensusJob.objects.get(reason="outlet afp changed")
    expected_total = len(touched | services.groups_of(touched))

    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)

    job.refresh_from_db()
    assert job.status == ConsensusJob.Status.DONE
    assert job.done == job.total == expected_total
    assert job.changed > 0 and job.finished_at is not None
    # The stored consensus now uses the new reliability (0.10 x evidence weight).
    stored = MonumentConsensus.objects.get(monument__slug="temple-of-bel").explanation
    afp_weights = [e["weight"] for e in stored if e["claim"].startswith("afp-")]
    assert afp_weights and max(afp_weights) <= 0.1 + 1e-9


def test_a_change_within_the_limit_is_recomputed_at_once(seeded):
    afp = Outlet.objects.get(slug="afp")
    services.set_outlet_reliability(outlet=afp, reliability=Decimal("0.10"))

    assert not ConsensusJob.objects.exists()
    stored = MonumentConsensus.objects.get(monument__slug="temple-of-bel").explanation
    afp_weights = [e["weight"] for e in stored if e["claim"].startswith("afp-")]
    assert afp_weights and max(afp_weights) <= 0.1 + 1e-9


def test_the_admin_says_a_job_was_queued_and_shows_its_progress(
    seeded, small_inline_limit, admin_client
):
    afp = Outlet.objects.get(slug="afp")
    url = reverse("admin:heritage_outlet_change", args=[afp.pk])
    form = {"slug": "afp", "name": afp.name, "kind": afp.kind, "reliability": "0.20", "url": ""}

    response = admin_client.post(url, form, follow=True)

    job = ConsensusJob.objects.get()
    assert "being recomputed in the background" in response.content.decode()
    page = admin_client.get(reverse("admin:heritage_consensusjob_changelist"))
    assert f"0 of {job.total} monuments" in page.content.decode()
