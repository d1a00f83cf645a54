"""History: every change kept with who, when and which fields; deletions listed and
restorable; history survives dumpdata / flush / loaddata."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.db.models.signals import post_save
from django.urls import reverse

from heritage import history, services
from heritage.models import Alias, DamageReport, Monument, Outlet, Rank, Source

from ..conftest import SEED_REVIEWER
from .conftest import make_user, roles
from .forms import change_form_data


def test_an_admin_edit_is_recorded_with_who_and_which_fields(one_claim, reviewer, client):
    client.force_login(reviewer)
    url = reverse("admin:heritage_damagereport_change", args=[one_claim.pk])
    client.post(url, change_form_data(client.get(url), state="severely_damaged"))

    latest, before = DamageReport.history.filter(id=one_claim.pk).order_by("-history_id")[:2]
    assert latest.history_user == reviewer
    assert [c.name for c in history.diff(before, latest)] == ["state"]
    page = client.get(reverse("admin:heritage_damagereport_history", args=[one_claim.pk]))
    assert b"severely_damaged" in page.content
    assert b"reviewer1" in page.content


def test_a_deleted_claim_is_listed_and_can_be_restored(one_claim, reviewer, client):
    client.force_login(reviewer)
    pk = one_claim.pk
    client.post(reverse("admin:heritage_damagereport_delete", args=[pk]), {"post": "yes"})
    assert not DamageReport.objects.filter(pk=pk).exists()

    listing = client.get(reverse("admin:heritage_damagereport_deleted"))
    assert listing.status_code == 200
    (item,) = listing.context["rows"]
    assert item["row"].history_user == reviewer
    assert item["history_url"] == reverse("admin:heritage_damagereport_history", args=[pk])

    before_delete = DamageReport.history.filter(id=pk, history_type="+").get()
    revert_url = reverse(
        "admin:heritage_damagereport_simple_history", args=[pk, before_delete.history_id]
    )
    response = client.post(revert_url, change_form_data(client.get(revert_url)))

    assert response.status_code == 302
    restored = DamageReport.objects.get(pk=pk)
    assert (restored.key, restored.state) == ("arch", "destroyed")
    assert not client.get(reverse("admin:heritage_damagereport_deleted")).context["rows"]


def test_reverting_a_claim_restores_the_earlier_values(one_claim, reviewer, client):
    client.force_login(reviewer)
    url = reverse("admin:heritage_damagereport_change", args=[one_claim.pk])
    client.post(url, change_form_data(client.get(url), state="intact"))
    first = DamageReport.history.filter(id=one_claim.pk).earliest("history_id")

    revert_url = reverse(
        "admin:heritage_damagereport_simple_history", args=[one_claim.pk, first.history_id]
    )
    response = client.post(revert_url, change_form_data(client.get(revert_url)))

    assert response.status_code == 302
    assert DamageReport.objects.get(pk=one_claim.pk).state == "destroyed"


def test_a_source_form_save_is_one_history_row_with_its_credit_changes(one_claim, curator, client):
    source = one_claim.source
    reuters = Outlet.objects.create(slug="reuters", name="Reuters", kind="news_agency")
    client.force_login(curator)
    url = reverse("admin:heritage_source_change", args=[source.pk])
    rows_before = source.history.count()

    client.post(url, change_form_data(client.get(url), wire_credits=[str(reuters.pk)]))

    assert source.history.count() == rows_before + 1
    latest, before = source.history.order_by("-history_id")[:2]
    assert latest.history_user == curator
    assert "wire_credits" in [c.name for c in history.diff(before, latest)]


def test_the_first_change_to_a_loaded_record_is_diffed_against_its_loaded_state(seeded):
    assert not Monument.history.exists()  # loaddata saves raw: no history
    bel = Monument.objects.get(slug="temple-of-bel")
    reviewer = make_user("dora", roles.REVIEWER)
    bel._history_user = reviewer  # outside a request, the caller names the user
    bel.description = "The cella gate still stands."

    bel.save()

    (change,) = history.changes_since(Monument, bel.pk, 0)
    assert [c.name for c in change.fields] == ["description"]
    assert change.user == "dora"


def test_claims_accepted_on_loading_name_their_reviewer_in_history(seeded):
    report = DamageReport.objects.get(
        source__key__startswith="afp-", key="temple-of-bel-in-pieces"
    )
    (row,) = report.history.all()
    assert row.history_user.username == SEED_REVIEWER
    assert (row.review_status, row.reviewed_by_id) == ("accepted", row.history_user.pk)
    reviewer = make_user("dora", roles.REVIEWER)
    report._history_user = reviewer

    services.rank_report(
        report=report, rank=Rank.PREFERRED, reason="Seen by AFP.", curator=reviewer
    )

    (change,) = history.changes_since(DamageReport, report.pk, 0)
    assert {"rank", "rank_reason", "ranked_by", "ranked_at"} <= {c.name for c in change.fields}
    assert change.user == "dora"


def test_history_rows_are_not_registry_changes():
    for model in (Monument, Source, DamageReport, Alias):
        assert not post_save.has_listeners(model.history.model)
    assert post_save.has_listeners(Monument)


def _dump() -> str:
    out = io.StringIO()
    call_command(
        "dumpdata", "heritage", "auth.user", natural_foreign=True, natural_primary=True, stdout=out
    )
    return out.getvalue()


# transaction=True: flush cannot TRUNCATE on PostgreSQL inside the test's transaction.
@pytest.mark.django_db(transaction=True)
def test_history_survives_dump_flush_and_reload_under_new_primary_keys(seeded, tmp_path):
    reviewer = make_user("erin", roles.REVIEWER)
    bel = Monument.objects.get(slug="temple-of-bel")
    bel.description = "The cella gate still stands."
    bel.save()
    Alias.objects.filter(monument=bel, language="en").first().delete()
    doomed = DamageReport.objects.filter(monument=bel).order_by("pk").first()
    doomed_pk = doomed.pk
    doomed.delete()
    Source.objects.get(key__startswith="asharq-").wire_credits.add(Outlet.objects.get(slug="afp"))
    services.rank_report(
        report=DamageReport.objects.filter(monument=bel).order_by("pk").first(),
        rank=Rank.DEPRECATED,
        reason="A plan, not an observation.",
        curator=reviewer,
    )
    first = _dump()
    subjects = {
        (o["model"], json.dumps(o["fields"]["id"]))
        for o in json.loads(first)
        if o["model"].startswith("heritage.historical")
    }
    # Live records are named by natural key, deleted ones by a number no record can have.
    assert ("heritage.historicalmonument", '["temple-of-bel"]') in subjects
    assert ("heritage.historicaldamagereport", str(-doomed_pk)) in subjects
    assert '"model": "heritage.historicalsource_wire_credits"' in first
    (tmp_path / "backup.json").write_text(first, encoding="utf-8")
    history_of_bel = [
        h.history_id for h in Monument.objects.get(slug="temple-of-bel").history.all()
    ]

    # Without resetting sequences: every record gets a new primary key on reload.
    call_command("flush", interactive=False, verbosity=0, reset_sequences=False)
    call_command("loaddata", str(tmp_path / "backup.json"), verbosity=0)

    assert _dump() == first
    bel = Monument.objects.get(slug="temple-of-bel")
    assert [h.history_id for h in bel.history.all()] == history_of_bel
    assert bel.history.first().description == "The cella gate still stands."
    deleted = history.deleted_records(DamageReport)
    assert [row.id for row in deleted] == [-doomed_pk]
