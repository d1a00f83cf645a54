"""Curator decisions: pin or discount a claim, override a status; each with a reason,
who and when, shown on the record."""

from __future__ import annotations

import datetime

from django.urls import reverse

from heritage import consensus as engine
from heritage import services
from heritage.models import (
    DamageReport,
    Monument,
    MonumentConsensus,
    Rank,
    Source,
    StatusOverride,
)

from .forms import change_form_data

CLAIMS = "admin:heritage_damagereport_changelist"
MONUMENTS = "admin:heritage_monument_changelist"


def test_discounting_a_claim_needs_a_reason_and_records_who_and_when(seeded, reviewer, client):
    plan = DamageReport.objects.get(key="temple-of-bel-restoration-plan")
    client.force_login(reviewer)
    selected = {"action": "discount_claims", "_selected_action": [plan.pk], "apply": "1"}

    refused = client.post(reverse(CLAIMS), selected)
    assert refused.context["form"].errors["reason"]
    assert DamageReport.objects.get(pk=plan.pk).rank == Rank.NORMAL

    client.post(reverse(CLAIMS), {**selected, "reason": "A plan to restore, not a state."})
    plan.refresh_from_db()
    assert (plan.rank, plan.rank_reason) == (Rank.DEPRECATED, "A plan to restore, not a state.")
    assert plan.ranked_by == reviewer and plan.ranked_at is not None
    entry = next(
        e
        for e in MonumentConsensus.objects.get(monument=plan.monument).explanation
        if e["claim"].endswith("/temple-of-bel-restoration-plan")
    )
    assert entry["role"] == "discounted"
    assert "deprecated by a curator: A plan to restore, not a state." in entry["reasons"]


def test_pinning_a_claim_makes_it_decide_the_status(one_claim, reviewer, client):
    services.review_reports(reports=[one_claim], decision="accepted", reviewer=reviewer)
    dissent = DamageReport.objects.create(
        source=Source.objects.create(
            key="blog-2016-03-28", title="A blog", published_on=datetime.date(2016, 3, 28)
        ),
        key="arch",
        monument=one_claim.monument,
        state="damaged",
        excerpt="The arch is only damaged.",
        evidence="unattributed",
        observed_from=datetime.date(2016, 3, 27),
        review_status="accepted",
    )
    assert MonumentConsensus.objects.get(monument=one_claim.monument).state == "destroyed"
    client.force_login(reviewer)

    client.post(
        reverse(CLAIMS),
        {
            "action": "pin_claims",
            "_selected_action": [dissent.pk],
            "apply": "1",
            "reason": "The blogger stood under it.",
        },
    )

    assert MonumentConsensus.objects.get(monument=one_claim.monument).state == "damaged"
    page = client.get(reverse("admin:heritage_damagereport_change", args=[dissent.pk]))
    assert "The blogger stood under it." in page.content.decode()


def test_a_rank_set_in_the_claim_form_is_signed_and_needs_a_reason(one_claim, reviewer, client):
    client.force_login(reviewer)
    url = reverse("admin:heritage_damagereport_change", args=[one_claim.pk])

    refused = client.post(url, change_form_data(client.get(url), rank=Rank.PREFERRED))
    assert refused.status_code == 200
    assert refused.context["adminform"].form.errors["rank_reason"]

    client.post(
        url, change_form_data(client.get(url), rank=Rank.PREFERRED, rank_reason="Eyewitness.")
    )
    one_claim.refresh_from_db()
    assert one_claim.rank == Rank.PREFERRED and one_claim.ranked_by == reviewer


def test_overriding_a_status_needs_a_reason_and_is_shown_on_the_monument(seeded, reviewer, client):
    theatre = Monument.objects.get(slug="roman-theatre")
    client.force_login(reviewer)
    selected = {
        "action": "override_status",
        "_selected_action": [theatre.pk],
        "apply": "1",
        "state": "severely_damaged",
    }

    refused = client.post(reverse(MONUMENTS), selected)
    assert refused.context["form"].errors["reason"]
    assert not StatusOverride.objects.exists()

    client.post(reverse(MONUMENTS), {**selected, "reason": "UNESCO mission, April 2016."})
    override = StatusOverride.objects.get(monument=theatre)
    assert override.decided_by == reviewer
    consensus = MonumentConsensus.objects.get(monument=theatre)
    assert (consensus.state, consensus.overridden) == ("severely_damaged", True)
    page = client.get(reverse("admin:heritage_monument_change", args=[theatre.pk]))
    text = page.content.decode()
    assert "UNESCO mission, April 2016." in text and "reviewer1" in text
    assert "the evidence says" in text
    # The evidence's own confidence beside the curator's decision, not the (low) support
    # of the evidence for the curator's state.
    evidence = engine.compute(services.claims_by_monument([theatre.pk])[theatre.pk])
    assert f"the evidence says <strong>{evidence.state.replace('_', ' ')}</strong>" in text
    assert f"confidence {evidence.confidence:.2f})" in text


def test_an_override_made_in_the_monument_form_records_who_decided(one_claim, reviewer, client):
    client.force_login(reviewer)
    url = reverse("admin:heritage_monument_change", args=[one_claim.monument_id])
    data = change_form_data(
        client.get(url),
        **{
            "status_override-TOTAL_FORMS": "1",
            "status_override-0-state": "destroyed",
            "status_override-0-reason": "Seen on satellite imagery.",
            "status_override-0-monument": str(one_claim.monument_id),
        },
    )

    response = client.post(url, data)

    assert response.status_code == 302
    override = StatusOverride.objects.get(monument_id=one_claim.monument_id)
    assert (override.reason, override.decided_by) == ("Seen on satellite imagery.", reviewer)


def test_clearing_an_override_gives_the_status_back_to_the_evidence(seeded, reviewer, client):
    theatre = Monument.objects.get(slug="roman-theatre")
    evidence = MonumentConsensus.objects.get(monument=theatre).state
    StatusOverride.objects.create(monument=theatre, state="intact", reason="test")
    client.force_login(reviewer)

    client.post(reverse(MONUMENTS), {"action": "clear_override", "_selected_action": [theatre.pk]})

    assert not StatusOverride.objects.exists()
    assert MonumentConsensus.objects.get(monument=theatre).state == evidence
