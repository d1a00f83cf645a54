"""No lost edits: a save from a form opened before someone else's save is refused."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from heritage import services
from heritage.models import DamageReport, EditConflict, Monument, Rank, ReviewStatus

from .conftest import make_user, roles
from .forms import change_form_data


@pytest.fixture
def two_reviewers(db):
    clients = []
    for name in ("alice", "bob"):
        client = Client()
        client.force_login(make_user(name, roles.REVIEWER))
        clients.append(client)
    return clients


def test_second_save_of_a_claim_is_refused_with_what_changed_in_between(one_claim, two_reviewers):
    alice, bob = two_reviewers
    url = reverse("admin:heritage_damagereport_change", args=[one_claim.pk])
    alices_page, bobs_page = alice.get(url), bob.get(url)

    first = alice.post(url, change_form_data(alices_page, state="severely_damaged"))
    second = bob.post(url, change_form_data(bobs_page, attributed_to="the antiquities chief"))

    assert first.status_code == 302
    assert second.status_code == 200
    (message,) = second.context["adminform"].form.non_field_errors()
    assert "alice" in message
    assert "state: “destroyed” → “severely_damaged”" in message
    assert "not saved" in message
    one_claim.refresh_from_db()
    assert one_claim.state == "severely_damaged"
    assert one_claim.attributed_to == ""


def test_a_claim_can_be_saved_again_after_reloading_the_form(one_claim, two_reviewers):
    alice, bob = two_reviewers
    url = reverse("admin:heritage_damagereport_change", args=[one_claim.pk])
    bob.get(url)
    alice.post(url, change_form_data(alice.get(url), state="severely_damaged"))

    reloaded = bob.get(url)
    response = bob.post(url, change_form_data(reloaded, attributed_to="the antiquities chief"))

    assert response.status_code == 302
    one_claim.refresh_from_db()
    assert (one_claim.state, one_claim.attributed_to) == (
        "severely_damaged",
        "the antiquities chief",
    )
    assert one_claim.version == 3  # created (1), then two saves


def test_second_save_of_a_monument_is_refused(one_claim, two_reviewers):
    alice, bob = two_reviewers
    url = reverse("admin:heritage_monument_change", args=[one_claim.monument_id])
    alices_page, bobs_page = alice.get(url), bob.get(url)

    alice.post(url, change_form_data(alices_page, name="Monumental Arch"))
    second = bob.post(url, change_form_data(bobs_page, description="Blown up in October."))

    assert second.status_code == 200
    (message,) = second.context["adminform"].form.non_field_errors()
    assert "name: “Arch of Triumph” → “Monumental Arch”" in message
    monument = Monument.objects.get(pk=one_claim.monument_id)
    assert (monument.name, monument.description) == ("Monumental Arch", "")


def test_a_service_given_an_out_of_date_claim_refuses_to_overwrite(one_claim):
    reviewer = make_user("carol", roles.REVIEWER)
    stale = DamageReport.objects.get(pk=one_claim.pk)
    fresh = DamageReport.objects.get(pk=one_claim.pk)
    services.rank_report(
        report=fresh, rank=Rank.PREFERRED, reason="An eyewitness.", curator=reviewer
    )

    with pytest.raises(EditConflict) as conflict:
        services.review_reports(
            reports=[stale], decision=ReviewStatus.REJECTED, reviewer=reviewer, note="Doubtful."
        )

    assert "rank" in [c.name for change in conflict.value.changes for c in change.fields]
    stored = DamageReport.objects.get(pk=one_claim.pk)
    assert (stored.rank, stored.review_status) == (Rank.PREFERRED, ReviewStatus.DRAFTED)


def test_every_save_increments_the_version(one_claim):
    assert one_claim.version == 1
    one_claim.attributed_to = "a correspondent"
    one_claim.save()
    one_claim.save(update_fields=["attributed_to"])

    assert DamageReport.objects.get(pk=one_claim.pk).version == 3
