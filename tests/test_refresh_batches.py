"""The consensus is recomputed in bounded batches and written only where it changed."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from heritage import consensus, services
from heritage.models import ConsensusPeriod, DamageReport, Monument, MonumentConsensus


def stored() -> dict:
    rows = MonumentConsensus.objects.order_by("monument_id")
    return {r["monument_id"]: r for r in rows.values()}


def test_a_full_refresh_in_small_batches_stores_what_one_batch_stores(seeded, monkeypatch):
    expected = stored()
    MonumentConsensus.objects.update(state="unknown", confidence=-1, explanation=[])
    monkeypatch.setattr(services, "REFRESH_BATCH", 2)  # every batch boundary exercised
    steps = []

    changed = services.refresh_all(progress=steps.append)

    assert changed == len(expected)
    after = stored()
    for monument_id, row in expected.items():
        row.pop("changed_at")
        assert {k: v for k, v in after[monument_id].items() if k != "changed_at"} == row
    assert [s.done for s in steps] == list(range(2, len(expected), 2)) + [len(expected)]
    assert steps[-1].changed == len(expected)


def test_a_refresh_that_changes_nothing_writes_nothing(seeded):
    before = stored()
    with CaptureQueriesContext(connection) as queries:
        assert services.refresh_all() == 0
    writes = [q["sql"] for q in queries if q["sql"].startswith(("UPDATE", "INSERT", "WITH"))]
    assert writes == []
    assert stored() == before


def test_the_command_prints_its_progress(seeded):
    out = io.StringIO()
    call_command("refresh_consensus", verbosity=2, stdout=out)
    total = Monument.objects.count()
    assert f"{total}/{total} monuments, 0 changed" in out.getvalue()
    assert f"Recomputed {total} monument(s); 0 status(es) changed" in out.getvalue()


def test_one_claims_change_recomputes_its_monument_and_its_group_only(seeded, monkeypatch):
    member = Monument.objects.get(slug="tower-of-elahbel")
    source = DamageReport.objects.filter(source__published_on__year=2016).first().source
    computed = []
    real = consensus.compute

    def spy(claims, **kwargs):
        if "override" in kwargs:  # the present status (the stored past passes dates)
            computed.append(claims)
        return real(claims, **kwargs)

    monkeypatch.setattr(consensus, "compute", spy)
    periods_before = set(ConsensusPeriod.objects.values_list("pk", flat=True))
    DamageReport.objects.create(
        source=source,
        key="elahbel-tower",
        monument=member,
        state="destroyed",
        excerpt="The tower of Elahbel was blown up.",
        evidence="eyewitness",
        review_status="accepted",
    )

    assert len(computed) == 2  # the tower, and the tower tombs it is a member of
    stored_for = MonumentConsensus.objects.filter(monument__in=[member, member.part_of])
    assert stored_for.count() == 2
    # Only their stored past may be rewritten, and only where its input changed.
    rewritten = ConsensusPeriod.objects.exclude(pk__in=periods_before)
    ids = set(rewritten.values_list("monument_id", flat=True))
    assert member.pk in ids and ids <= {member.pk, member.part_of_id}


@pytest.mark.parametrize("changed_rows", [1, 5])
def test_stale_rows_are_rewritten_and_the_others_left_alone(seeded, changed_rows):
    before = stored()
    stale = sorted(before)[:changed_rows]
    MonumentConsensus.objects.filter(monument_id__in=stale).update(confidence=-1)

    assert services.refresh_all() == changed_rows

    after = stored()
    for monument_id, row in before.items():
        new = after[monument_id]
        if monument_id in stale:  # rewritten: the same values, a new changed_at
            assert new["changed_at"] > row["changed_at"]
            new, row = dict(new, changed_at=None), dict(row, changed_at=None)
        assert new == row
