"""The citable dataset: a reproducible zip, a valid Frictionless package, downloadable."""

import csv
import hashlib
import io
import json
import zipfile

import pytest
from django.core.management import call_command
from frictionless import Package, validate

from heritage import dataset
from heritage.models import Monument

MEMBERS = {
    "monuments.csv",
    "sources.csv",
    "reports.csv",
    "sites.csv",
    "monuments.geojson",
    "sites.geojson",
    "datapackage.json",
    "LICENSE",
    "CITATION.cff",
}


@pytest.fixture
def snapshot(seeded, tmp_path):
    snap, created = dataset.export(tmp_path / "out")
    assert created
    return snap


def test_the_snapshot_holds_every_table_and_validates_as_a_frictionless_package(
    snapshot, tmp_path
):
    with zipfile.ZipFile(snapshot.path) as archive:
        assert set(archive.namelist()) == MEMBERS
        archive.extractall(tmp_path / "unzipped")
    report = validate(str(tmp_path / "unzipped" / "datapackage.json"))
    assert report.valid, report.flatten(["resourceName", "rowNumber", "fieldName", "note"])
    package = Package(str(tmp_path / "unzipped" / "datapackage.json"))
    monuments = package.get_resource("monuments")
    types = {f.name: f.type for f in monuments.schema.fields}
    assert types["confidence"] == "number"
    assert types["contested"] == "boolean"
    assert types["latest_observation"] == "date"
    assert "name_ar" in types and "aliases" in types
    rows = {row["slug"]: row for row in monuments.read_rows()}
    assert rows["temple-of-bel"]["state"] == "destroyed"
    assert rows["temple-of-bel"]["contested"] in (True, False)
    claims = list(package.get_resource("reports").read_rows())
    assert len(claims) == len(
        list(
            csv.DictReader(io.StringIO((tmp_path / "unzipped/reports.csv").read_text("utf-8-sig")))
        )
    )
    licence = (tmp_path / "unzipped" / "LICENSE").read_text()
    assert "CC-BY-4.0" in licence
    citation = (tmp_path / "unzipped" / "CITATION.cff").read_text()
    assert f'version: "{snapshot.version}"' in citation
    assert "license: CC-BY-4.0" in citation
    geojson = json.loads((tmp_path / "unzipped" / "monuments.geojson").read_text())
    assert len(geojson["features"]) == Monument.objects.count()


def test_the_same_registry_gives_the_same_bytes_and_a_change_a_new_version(snapshot, tmp_path):
    again = tmp_path / "again.zip"
    dataset.write(
        again, **dict(zip(("version", "changed"), dataset.current_version(), strict=True))
    )
    assert again.read_bytes() == snapshot.path.read_bytes()
    _, created = dataset.export(snapshot.path.parent)
    assert not created  # that version is already there
    bel = Monument.objects.get(slug="temple-of-bel")
    bel.description = "Changed."
    bel.save()
    newer, created = dataset.export(snapshot.path.parent)
    assert created and newer.version != snapshot.version
    assert [s.version for s in dataset.snapshots(snapshot.path.parent)] == [
        newer.version,
        snapshot.version,
    ]


def test_the_licence_is_a_setting(seeded, tmp_path, settings):
    settings.DATASET_LICENSE = {
        "name": "ODbL-1.0",
        "title": "Open Data Commons Open Database License",
        "path": "https://opendatacommons.org/licenses/odbl/1-0/",
    }
    snap, _ = dataset.export(tmp_path)
    with zipfile.ZipFile(snap.path) as archive:
        assert "ODbL-1.0" in archive.read("LICENSE").decode()
        package = json.loads(archive.read("datapackage.json"))
    assert package["licenses"][0]["name"] == "ODbL-1.0"


def test_snapshots_are_listed_and_downloadable_from_the_api(seeded, client, settings, tmp_path):
    api = client
    settings.DATASET_DIR = tmp_path
    assert api.get("/api/datasets/latest/").status_code == 404
    call_command("export_dataset", verbosity=0, stdout=io.StringIO())
    listed = api.get("/api/datasets/").json()
    assert len(listed) == 1
    (entry,) = listed
    latest = api.get("/api/datasets/latest/")
    assert latest.status_code == 200
    assert latest["Content-Type"] == "application/zip"
    data = b"".join(latest.streaming_content)
    assert zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert hashlib.sha256(data).hexdigest() == entry["sha256"]
    assert api.get(entry["url"]).status_code == 200
    assert api.get("/api/datasets/1999-01-01-r1/").status_code == 404
    assert api.get("/api/datasets/?page=2").status_code == 400


def test_the_api_docs_link_the_datasets(db, client):
    api = client
    schema = api.get("/api/schema/?format=json").json()
    assert "/api/datasets/latest/" in schema["info"]["description"]
    assert "/api/datasets/" in schema["paths"]
