"""The curators' workbench in a real browser: log in, review, edit, conflict, import."""

from __future__ import annotations

import pytest

from heritage.models import DamageReport, Monument, MonumentConsensus, ReviewStatus
from tests.admin.conftest import PASSWORD, drafted, make_user, one_claim, roles  # noqa: F401

from .conftest import log_in, screenshot

pytestmark = pytest.mark.browser


def test_a_reviewer_logs_in_and_accepts_drafted_claims_in_bulk(drafted, new_page):  # noqa: F811
    make_user("rita", roles.REVIEWER)
    page = new_page()
    log_in(page, "rita", PASSWORD)

    page.goto("/admin/heritage/draftedclaim/")
    page.get_by_text("The Lion of Al-Lat stands again in the museum.").wait_for()
    screenshot(page, "review-queue")
    page.check("#action-toggle")
    page.select_option("select[name=action]", "accept_claims")
    page.click("button[name=index]")
    page.fill("textarea[name=note]", "Seen by the correspondent on 9 April.")
    page.click("input[name=apply]")
    page.get_by_text("3 claim(s) accepted; the consensus is updated.").wait_for()

    assert not DamageReport.objects.filter(review_status=ReviewStatus.DRAFTED).exists()
    assert MonumentConsensus.objects.get(monument__slug="tetrapylon").state == "severely_damaged"


def test_a_curator_edits_a_monument(seeded, new_page):
    make_user("carl", roles.CURATOR)
    bel = Monument.objects.get(slug="temple-of-bel")
    page = new_page()
    log_in(page, "carl", PASSWORD)

    page.goto(f"/admin/heritage/monument/{bel.pk}/change/")
    page.get_by_text("independent origins").wait_for()
    screenshot(page, "monument-consensus")
    page.fill("#id_description", "Only the gate of the cella still stands.")
    page.click("input[name=_save]")
    page.get_by_text("was changed successfully").wait_for()
    screenshot(page, "monument-list")

    bel.refresh_from_db()
    assert bel.description == "Only the gate of the cella still stands."
    assert bel.history.latest().history_user.username == "carl"


def test_two_curators_editing_one_claim_the_second_is_told_what_changed(one_claim, new_page):  # noqa: F811
    make_user("ada", roles.CURATOR)
    make_user("ben", roles.CURATOR)
    url = f"/admin/heritage/damagereport/{one_claim.pk}/change/"
    ada, ben = new_page(), new_page()
    log_in(ada, "ada", PASSWORD)
    log_in(ben, "ben", PASSWORD)
    ada.goto(url)
    ben.goto(url)

    ada.fill("#id_attributed_to", "an AFP correspondent")
    ada.click("input[name=_save]")
    ada.get_by_text("was changed successfully").wait_for()
    ben.select_option("#id_state", "severely_damaged")
    ben.click("input[name=_save]")
    error = ben.locator(".errorlist.nonfield")
    error.wait_for()
    screenshot(ben, "edit-conflict")

    assert "ada" in error.inner_text() and "an AFP correspondent" in error.inner_text()
    one_claim.refresh_from_db()
    assert (one_claim.attributed_to, one_claim.state) == ("an AFP correspondent", "destroyed")


def test_a_curator_previews_an_import_before_confirming_it(seeded, new_page):
    make_user("ivy", roles.CURATOR)
    csv = (
        "source,key,monument,state,excerpt,evidence,observed_from,review_status\n"
        "afp-2016-03-28-syria-troops-press-advance,tetrapylon,tetrapylon,destroyed,"
        "The tetrapylon was blown up.,eyewitness,2016-03-27,drafted\n"
    )
    page = new_page()
    log_in(page, "ivy", PASSWORD)

    page.goto("/admin/heritage/damagereport/import/")
    page.set_input_files(
        "#id_import_file",
        files=[{"name": "claims.csv", "mimeType": "text/csv", "buffer": csv.encode()}],
    )
    page.select_option("#id_format", label="csv")
    page.click("input[type=submit]")
    page.get_by_text("The tetrapylon was blown up.").first.wait_for()
    screenshot(page, "import-preview")

    assert not DamageReport.objects.filter(key="tetrapylon").exists()
    page.click("input[name=confirm]")
    page.get_by_text("Import finished").wait_for()
    assert DamageReport.objects.get(key="tetrapylon").review_status == ReviewStatus.DRAFTED
