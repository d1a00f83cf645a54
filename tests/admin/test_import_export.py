"""Import and export of monuments, sources and claims on natural keys: CSV, XLSX and
JSON; a preview first; one bad row imports nothing; the consensus is current after."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from heritage.models import DamageReport, Monument, MonumentConsensus, ReviewStatus, Source
from heritage.resources import (
    NUL_IN_CELL,
    REVIEW_NEEDS_REVIEWER,
    DamageReportResource,
    MonumentResource,
    SourceResource,
    import_table,
)

CSV_HEADER = "source,key,monument,state,excerpt,evidence,observed_from,review_status"


def export(resource_class, file_format: str, queryset=None):
    dataset = resource_class().export(queryset)
    return dataset.export(file_format)


@pytest.mark.parametrize("file_format", ["csv", "xlsx", "json"])
@pytest.mark.parametrize(
    "resource_class", [MonumentResource, SourceResource, DamageReportResource]
)
def test_an_export_imports_back_unchanged(seeded, reviewer, resource_class, file_format):
    model = resource_class._meta.model
    data = export(resource_class, file_format)
    history_rows = model.history.count()  # claims accepted on loading have one each

    result = import_table(
        resource_class, data, file_format=file_format, user=reviewer, dry_run=False
    )

    assert not result.has_errors() and not result.has_validation_errors(), result.invalid_rows
    assert result.totals["skip"] == model.objects.count() > 0
    assert result.totals["new"] == result.totals["update"] == 0
    assert model.history.count() == history_rows  # nothing was saved


def test_exports_name_records_by_natural_key_not_id(seeded):
    claims = export(DamageReportResource, "csv").splitlines()
    sources = export(SourceResource, "csv").splitlines()

    assert claims[0].split(",")[:3] == ["source", "key", "monument"]
    assert "id" not in claims[0].split(",")
    assert any(
        line.startswith(
            "afp-2016-03-28-syria-troops-press-advance,temple-of-bel-in-pieces,temple-of-bel,destroyed"
        )
        for line in claims
    )
    news24 = next(line for line in sources if line.startswith("news24-"))
    assert ",afp," in news24  # wire credits by outlet slug


def _claims_csv(*rows: str) -> str:
    return "\n".join([CSV_HEADER, *rows]) + "\n"


GOOD_ROW = (
    "afp-2016-03-28-syria-troops-press-advance,tetrapylon,tetrapylon,destroyed,"
    "The tetrapylon was blown up.,eyewitness,2016-03-27,drafted"
)


def test_a_dry_run_reports_each_row_and_writes_nothing(seeded, curator):
    result = import_table(
        DamageReportResource, _claims_csv(GOOD_ROW), file_format="csv", user=curator, dry_run=True
    )

    assert [row.import_type for row in result.rows] == ["new"]
    assert not DamageReport.objects.filter(key="tetrapylon").exists()


@pytest.mark.parametrize(
    "bad_row,field,message",
    [
        pytest.param(
            "afp-2016-03-28-syria-troops-press-advance,x,temple-of-nothing,destroyed,E.,eyewitness,2016-03-27,drafted",
            "monument",
            "no monument with key 'temple-of-nothing'",
            id="unknown-monument",
        ),
        pytest.param(
            "afp-2016-03-28-syria-troops-press-advance,x,tetrapylon,destroyed,E.,eyewitness,2016-04-02,drafted",
            "observed_from",
            "after the source's publication date",
            id="observed-after-publication",
        ),
        pytest.param(
            "afp-2016-03-28-syria-troops-press-advance,x,tetrapylon,obliterated,E.,eyewitness,2016-03-27,drafted",
            "state",
            "not a valid choice",
            id="state-off-the-scale",
        ),
        pytest.param(
            "afp-2016-03-28-syria-troops-press-advance,x,tetrapylon,destroyed,E\x00.,eyewitness,2016-03-27,drafted",
            "excerpt",
            NUL_IN_CELL,
            id="nul-in-a-cell",
        ),
        pytest.param(
            "afp-2016-03-28-syria-troops-press-advance,x,tetra\x00pylon,destroyed,E.,eyewitness,2016-03-27,drafted",
            "monument",
            NUL_IN_CELL,
            id="nul-in-a-reference",
        ),
        pytest.param(
            "afp-2016-03-28-syria-troops-press-advance,x\x00,tetrapylon,destroyed,E.,eyewitness,2016-03-27,drafted",
            "key",
            NUL_IN_CELL,
            id="nul-in-the-rows-own-key",
        ),
    ],
)
def test_a_file_with_one_bad_row_imports_nothing(seeded, curator, bad_row, field, message):
    result = import_table(
        DamageReportResource,
        _claims_csv(GOOD_ROW, bad_row),
        file_format="csv",
        user=curator,
        dry_run=False,
    )

    (invalid,) = result.invalid_rows
    assert invalid.number == 2
    assert message in " ".join(invalid.error_dict[field])
    assert not DamageReport.objects.filter(key__in=["tetrapylon", "x"]).exists()


def test_an_unknown_wire_credit_is_an_error_of_its_row(seeded, curator):
    csv = (
        'key,title,published_on,wire_credits\nnew-2016-04-01,New,2016-04-01,"afp,no-such-agency"\n'
    )

    result = import_table(SourceResource, csv, file_format="csv", user=curator, dry_run=False)

    (invalid,) = result.invalid_rows
    assert "no outlet with key 'no-such-agency'" in " ".join(invalid.error_dict["wire_credits"])
    assert not Source.objects.filter(key="new-2016-04-01").exists()


def test_a_curator_cannot_import_a_review_decision(seeded, curator):
    row = GOOD_ROW.replace(",drafted", ",accepted")

    result = import_table(
        DamageReportResource, _claims_csv(row), file_format="csv", user=curator, dry_run=False
    )

    assert REVIEW_NEEDS_REVIEWER in result.invalid_rows[0].error_dict["review_status"]
    assert not DamageReport.objects.filter(key="tetrapylon").exists()


def test_an_imported_accepted_claim_updates_the_consensus(seeded, reviewer):
    assert MonumentConsensus.objects.get(monument__slug="tetrapylon").state == "unknown"
    row = GOOD_ROW.replace(",drafted", ",accepted")

    result = import_table(
        DamageReportResource, _claims_csv(row), file_format="csv", user=reviewer, dry_run=False
    )

    assert result.totals["new"] == 1, result.invalid_rows
    claim = DamageReport.objects.get(key="tetrapylon")
    assert (claim.review_status, claim.reviewed_by) == (ReviewStatus.ACCEPTED, reviewer)
    assert MonumentConsensus.objects.get(monument__slug="tetrapylon").state == "destroyed"


def test_an_import_updates_a_monument_found_by_slug(seeded, curator):
    csv = "slug,name,kind,site\ntetrapylon,Tetrapylon of Palmyra,monument,palmyra\n"
    pk = Monument.objects.get(slug="tetrapylon").pk

    result = import_table(MonumentResource, csv, file_format="csv", user=curator, dry_run=False)

    assert result.totals["update"] == 1
    monument = Monument.objects.get(slug="tetrapylon")
    assert (monument.pk, monument.name) == (pk, "Tetrapylon of Palmyra")
    assert monument.history.latest().history_type == "~"


def test_the_admin_previews_an_import_and_writes_only_on_confirmation(seeded, reviewer, client):
    client.force_login(reviewer)
    row = GOOD_ROW.replace(",drafted", ",accepted")
    upload = SimpleUploadedFile("claims.csv", _claims_csv(row).encode(), content_type="text/csv")

    preview = client.post(
        reverse("admin:heritage_damagereport_import"), {"import_file": upload, "format": "0"}
    )

    assert preview.status_code == 200
    result = preview.context["result"]
    assert [r.import_type for r in result.rows] == ["new"]
    assert "The tetrapylon was blown up." in preview.content.decode()
    assert not DamageReport.objects.filter(key="tetrapylon").exists()
    confirm = preview.context["confirm_form"]

    done = client.post(
        reverse("admin:heritage_damagereport_process_import"),
        {name: confirm[name].value() for name in confirm.fields},
    )

    assert done.status_code == 302
    assert DamageReport.objects.get(key="tetrapylon").reviewed_by == reviewer
    consensus = MonumentConsensus.objects.get(monument__slug="tetrapylon")
    assert (consensus.state, consensus.claim_count) == ("destroyed", 1)
    assert consensus.latest_observation == datetime.date(2016, 3, 27)


def test_the_admin_preview_of_a_bad_file_offers_no_confirmation(seeded, curator, client):
    client.force_login(curator)
    bad = GOOD_ROW.replace("2016-03-27", "2016-04-02")
    upload = SimpleUploadedFile("claims.csv", _claims_csv(bad).encode(), content_type="text/csv")

    preview = client.post(
        reverse("admin:heritage_damagereport_import"), {"import_file": upload, "format": "0"}
    )

    assert "confirm_form" not in preview.context
    assert "after the source" in preview.content.decode()
