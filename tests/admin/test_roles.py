"""Roles as a matrix: what a Viewer, a Curator and a Reviewer can do in the admin."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from heritage import roles
from heritage.models import DamageReport, Rank, ReviewStatus, StatusOverride

from .conftest import make_user
from .forms import change_form_data

VIEWER, CURATOR, REVIEWER = roles.VIEWER, roles.CURATOR, roles.REVIEWER


@pytest.mark.django_db
def test_the_roles_exist_after_migrate_with_their_permissions():
    perms = {
        group.name: set(group.permissions.values_list("codename", flat=True))
        for group in Group.objects.filter(name__in=[VIEWER, CURATOR, REVIEWER])
    }
    assert set(perms) == {VIEWER, CURATOR, REVIEWER}
    assert all(p.startswith("view_") for p in perms[VIEWER])
    assert "change_monument" in perms[CURATOR]
    assert roles.REVIEW_PERMISSION not in perms[CURATOR]
    assert "add_statusoverride" not in perms[CURATOR]
    assert {roles.REVIEW_PERMISSION, "add_statusoverride"} <= perms[REVIEWER]
    assert perms[CURATOR] <= perms[REVIEWER]


def _view_monuments(client, claim):
    return client.get(reverse("admin:heritage_monument_changelist")).status_code


def _open_add_monument(client, claim):
    return client.get(reverse("admin:heritage_monument_add")).status_code


def _open_add_claim(client, claim):
    return client.get(reverse("admin:heritage_damagereport_add")).status_code


def _save_monument(client, claim):
    url = reverse("admin:heritage_monument_change", args=[claim.monument_id])
    page = client.get(url)
    if page.status_code != 200 or "adminform" not in page.context:
        return page.status_code
    data = change_form_data(page, description="Seen from the road.")
    return client.post(url, data).status_code


def _accept_in_queue(client, claim):
    client.post(
        reverse("admin:heritage_draftedclaim_changelist"),
        {"action": "accept_claims", "_selected_action": [claim.pk], "apply": "1", "note": ""},
    )
    return DamageReport.objects.get(pk=claim.pk).review_status


def _accept_through_form(client, claim):
    url = reverse("admin:heritage_damagereport_change", args=[claim.pk])
    page = client.get(url)
    data = change_form_data(page, review_status=ReviewStatus.ACCEPTED, review_note="Seen.")
    client.post(url, data)
    return DamageReport.objects.get(pk=claim.pk).review_status


def _pin_through_form(client, claim):
    url = reverse("admin:heritage_damagereport_change", args=[claim.pk])
    page = client.get(url)
    data = change_form_data(page, rank=Rank.PREFERRED, rank_reason="The best witness.")
    client.post(url, data)
    return DamageReport.objects.get(pk=claim.pk).rank


def _open_override_form(client, claim):
    return client.get(reverse("admin:heritage_statusoverride_add")).status_code


def _override_through_action(client, claim):
    client.post(
        reverse("admin:heritage_monument_changelist"),
        {
            "action": "override_status",
            "_selected_action": [claim.monument_id],
            "apply": "1",
            "state": "destroyed",
            "reason": "Seen on the spot.",
        },
    )
    return StatusOverride.objects.filter(monument_id=claim.monument_id).exists()


def _open_import(client, claim):
    return client.get(reverse("admin:heritage_monument_import")).status_code


def _delete_claim(client, claim):
    url = reverse("admin:heritage_damagereport_delete", args=[claim.pk])
    return client.post(url, {"post": "yes"}).status_code


# action: {role: expected outcome}
MATRIX = {
    _view_monuments: {VIEWER: 200, CURATOR: 200, REVIEWER: 200},
    _open_add_monument: {VIEWER: 403, CURATOR: 200, REVIEWER: 200},
    _open_add_claim: {VIEWER: 403, CURATOR: 200, REVIEWER: 200},
    _save_monument: {VIEWER: 403, CURATOR: 302, REVIEWER: 302},
    _accept_in_queue: {
        VIEWER: ReviewStatus.DRAFTED,
        CURATOR: ReviewStatus.DRAFTED,
        REVIEWER: ReviewStatus.ACCEPTED,
    },
    _accept_through_form: {
        VIEWER: ReviewStatus.DRAFTED,
        CURATOR: ReviewStatus.DRAFTED,
        REVIEWER: ReviewStatus.ACCEPTED,
    },
    _pin_through_form: {VIEWER: Rank.NORMAL, CURATOR: Rank.NORMAL, REVIEWER: Rank.PREFERRED},
    _open_override_form: {VIEWER: 403, CURATOR: 403, REVIEWER: 200},
    _override_through_action: {VIEWER: False, CURATOR: False, REVIEWER: True},
    _open_import: {VIEWER: 403, CURATOR: 200, REVIEWER: 200},
    _delete_claim: {VIEWER: 403, CURATOR: 403, REVIEWER: 302},
}
CASES = [
    pytest.param(action, role, expected, id=f"{role}-{action.__name__.strip('_')}")
    for action, outcomes in MATRIX.items()
    for role, expected in outcomes.items()
]


@pytest.mark.parametrize("action,role,expected", CASES)
def test_role_can_or_cannot(one_claim, client, action, role, expected):
    client.force_login(make_user(f"{role.lower()}-user", role))
    claim = one_claim

    assert action(client, claim) == expected


def test_a_viewer_sees_a_claim_read_only(one_claim, viewer, client):
    client.force_login(viewer)
    page = client.get(reverse("admin:heritage_damagereport_change", args=[one_claim.pk]))

    assert page.status_code == 200
    assert page.context["has_change_permission"] is False
    assert b'name="_save"' not in page.content


def test_a_curator_sees_the_review_fields_but_cannot_edit_them(one_claim, curator, client):
    client.force_login(curator)
    page = client.get(reverse("admin:heritage_damagereport_change", args=[one_claim.pk]))

    form = page.context["adminform"].form
    assert "state" in form.fields
    assert not {"review_status", "review_note", "rank", "rank_reason"} & set(form.fields)
    assert b"drafted" in page.content


def _offered_actions(client, url) -> list[str]:
    form = client.get(url).context["action_form"]
    return [value for value, _ in form.fields["action"].choices] if form else []


def test_the_accept_action_is_not_offered_to_a_curator(one_claim, curator, reviewer, client):
    url = reverse("admin:heritage_draftedclaim_changelist")
    client.force_login(curator)
    offered_to_curator = _offered_actions(client, url)
    client.force_login(reviewer)
    offered_to_reviewer = _offered_actions(client, url)

    assert "accept_claims" not in offered_to_curator
    assert {"accept_claims", "reject_claims"} <= set(offered_to_reviewer)


def test_a_curator_editing_a_claim_cannot_change_who_decided(one_claim, curator, client):
    claim = one_claim
    url = reverse("admin:heritage_damagereport_change", args=[claim.pk])
    client.force_login(curator)
    data = change_form_data(client.get(url), state="damaged", reviewed_by="1")

    assert client.post(url, data).status_code == 302

    claim.refresh_from_db()
    assert claim.state == "damaged"
    assert claim.reviewed_by is None and claim.review_status == ReviewStatus.DRAFTED
