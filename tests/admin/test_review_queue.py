"""The review queue: drafted claims side by side, bulk accept, bulk reject with a reason."""

from __future__ import annotations

import json

from django.contrib.admin.widgets import AutocompleteSelect
from django.urls import reverse

from heritage.models import DamageReport, MonumentConsensus, ReviewStatus

QUEUE = "admin:heritage_draftedclaim_changelist"


def test_the_queue_lists_only_drafted_claims_with_excerpt_source_and_attribution(
    drafted, reviewer, client
):
    client.force_login(reviewer)
    page = client.get(reverse(QUEUE))

    listed = {claim.pk for claim in page.context["cl"].result_list}
    assert listed == {claim.pk for claim in drafted}
    text = page.content.decode()
    assert "The Lion of Al-Lat stands again in the museum." in text
    assert "A visit to Palmyra" in text and "Agence France-Presse" in text
    assert "an AFP correspondent" in text


def test_bulk_accept_updates_the_consensus_at_once(drafted, reviewer, client):
    lion, tetrapylon, _ = drafted
    assert MonumentConsensus.objects.get(monument=tetrapylon.monument).state == "unknown"
    client.force_login(reviewer)

    response = client.post(
        reverse(QUEUE),
        {"action": "accept_claims", "_selected_action": [lion.pk, tetrapylon.pk], "apply": "1"},
    )

    assert response.status_code == 302
    for claim in (lion, tetrapylon):
        claim.refresh_from_db()
        assert claim.review_status == ReviewStatus.ACCEPTED
        assert claim.reviewed_by == reviewer and claim.reviewed_at is not None
    assert MonumentConsensus.objects.get(monument=tetrapylon.monument).state == "severely_damaged"
    remaining = client.get(reverse(QUEUE)).context["cl"].result_list
    assert [c.pk for c in remaining] == [drafted[2].pk]


def test_bulk_accept_asks_for_confirmation_before_deciding(drafted, reviewer, client):
    client.force_login(reviewer)

    page = client.post(
        reverse(QUEUE), {"action": "accept_claims", "_selected_action": [drafted[0].pk]}
    )

    assert page.status_code == 200
    assert page.templates[0].name == "admin/heritage/action_form.html"
    assert DamageReport.objects.get(pk=drafted[0].pk).review_status == ReviewStatus.DRAFTED


def test_bulk_reject_needs_a_reason(drafted, reviewer, client):
    client.force_login(reviewer)
    selected = {"action": "reject_claims", "_selected_action": [drafted[1].pk], "apply": "1"}

    without = client.post(reverse(QUEUE), selected)
    assert without.status_code == 200
    assert without.context["form"].errors["note"]
    assert DamageReport.objects.get(pk=drafted[1].pk).review_status == ReviewStatus.DRAFTED

    client.post(reverse(QUEUE), {**selected, "note": "The columns fell in 2017, not before."})
    rejected = DamageReport.objects.get(pk=drafted[1].pk)
    assert rejected.review_status == ReviewStatus.REJECTED
    assert rejected.review_note == "The columns fell in 2017, not before."
    assert rejected.history.latest().history_change_reason.startswith("rejected: ")


def test_a_queue_row_opens_the_claim_form(drafted, reviewer, client):
    client.force_login(reviewer)

    response = client.get(reverse("admin:heritage_draftedclaim_change", args=[drafted[0].pk]))

    assert response.url == reverse("admin:heritage_damagereport_change", args=[drafted[0].pk])


def test_monuments_and_sources_autocomplete_in_the_claim_form(drafted, curator, client):
    client.force_login(curator)
    form = client.get(reverse("admin:heritage_damagereport_add")).context["adminform"].form
    for name in ("monument", "source"):
        assert isinstance(form.fields[name].widget.widget, AutocompleteSelect), name

    found = client.get(
        reverse("admin:autocomplete"),
        {
            "term": "معبد",
            "app_label": "heritage",
            "model_name": "damagereport",
            "field_name": "monument",
        },
    )
    names = {item["text"] for item in json.loads(found.content)["results"]}
    assert "Temple of Bel" in names


def test_the_queue_is_in_the_order_of_the_index_that_serves_it(drafted, reviewer, client):
    """The queue's order is the claim_publication_order index's after the review status,
    so a page reads its rows from the index rather than sorting every drafted claim."""
    client.force_login(reviewer)
    page = client.get(reverse(QUEUE))

    queryset = page.context["cl"].queryset
    index = next(i for i in DamageReport._meta.indexes if i.name == "claim_publication_order")
    assert index.fields[0] == "review_status"
    compiler = queryset.query.get_compiler(using=queryset.db)
    order = [expr.expression.target.column for expr, _ in compiler.get_order_by()]
    assert order == index.fields[1:]
    assert not any(expr.descending for expr, _ in compiler.get_order_by())
    listed = [c.pk for c in page.context["cl"].result_list]
    expected = sorted(drafted, key=lambda c: (c.source.published_on, c.source.key, c.key, c.pk))
    assert listed == [c.pk for c in expected]
