"""The citable dataset: a versioned, reproducible snapshot of everything the API publishes.

A snapshot is one zip file:

- ``monuments.csv``, ``sources.csv``, ``reports.csv``, ``sites.csv``: the API's CSV
  exports of every record (the same columns, built by the same serializers);
- ``monuments.geojson``, ``sites.geojson``: the same places as GeoJSON points;
- ``datapackage.json``: a Frictionless Data Package describing every file, column and
  type (from the serializers' fields and help texts);
- ``LICENSE``: the data's licence (``settings.DATASET_LICENSE``, CC BY 4.0 by default);
- ``CITATION.cff``: how to cite this version.

The version is the date of the registry's last change and its revision number
(``2016-03-29-r42``). Nothing in the file depends on when or where it was made: the
members are written in a fixed order with the revision's timestamp, so the same registry
gives the same bytes.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import re
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from rest_framework import serializers as drf

from heritage import services
from heritage.api import formats
from heritage.api import serializers as s
from heritage.models import DamageReport, Monument

FILE_PATTERN = re.compile(r"^heritage-registry-(\d{4}-\d{2}-\d{2})-r(\d+)\.zip$")


@dataclass(frozen=True)
class Snapshot:
    """A dataset file on disk."""

    path: Path
    version: str
    date: datetime.date
    revision: int

    @property
    def size(self) -> int:
        return self.path.stat().st_size

    def sha256(self) -> str:
        digest = hashlib.sha256()
        with self.path.open("rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
        return digest.hexdigest()


def dataset_dir() -> Path:
    return Path(settings.DATASET_DIR)


def snapshots(directory: Path | None = None) -> list[Snapshot]:
    """Every snapshot in the dataset folder, newest first."""
    directory = directory or dataset_dir()
    found = []
    if directory.is_dir():
        for path in directory.iterdir():
            match = FILE_PATTERN.match(path.name)
            if match:
                day, number = match.groups()
                found.append(
                    Snapshot(
                        path,
                        f"{day}-r{number}",
                        datetime.date.fromisoformat(day),
                        int(number),
                    )
                )
    return sorted(found, key=lambda snap: (snap.date, snap.revision), reverse=True)


def current_version() -> tuple[str, datetime.datetime]:
    revision = services.current_revision()
    changed = revision.changed_at or datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
    changed = changed.astimezone(datetime.UTC)
    return f"{changed:%Y-%m-%d}-r{revision.number}", changed


def file_name(version: str) -> str:
    return f"heritage-registry-{version}.zip"


# --- the files ----------------------------------------------------------------------------


def _tables() -> list[tuple[formats.Table, Callable[[], Iterable[dict]], str]]:
    """Each table, a function giving its rows afresh (in the API's order, ties broken by
    key, read in chunks), and its title."""
    from heritage.api.views import SiteViewSet, SourceViewSet

    def monuments():
        return (
            Monument.objects.for_api()
            .order_by("site_name", "name", "slug")
            .values(*s.MONUMENT_COLUMNS)
        )

    def sources():
        return (
            SourceViewSet()
            .get_queryset()
            .order_by("-published_on", "key")
            .values(*s.SOURCE_COLUMNS)
        )

    def reports():
        return (
            DamageReport.objects.accepted()
            .order_by("source__published_on", "source__key", "key")
            .values(*s.CLAIM_COLUMNS)
        )

    def sites():
        return SiteViewSet().get_queryset().order_by("name", "slug").values(*s.SITE_COLUMNS)

    return [
        (formats.monument_table(), monuments, "Monuments with their consensus status"),
        (formats.source_table(), sources, "Sources and their credits"),
        (formats.claim_table(), reports, "Accepted damage reports (claims)"),
        (formats.site_table(), sites, "Sites"),
    ]


FRICTIONLESS_TYPES = [
    (drf.DateTimeField, "datetime"),
    (drf.DateField, "date"),
    (drf.BooleanField, "boolean"),
    (drf.IntegerField, "integer"),
    (drf.FloatField, "number"),
]


def schema_field(column: s.Column) -> dict:
    """A Frictionless Table Schema field from a table column's serializer field."""
    field = column.field
    kind = next((t for cls, t in FRICTIONLESS_TYPES if isinstance(field, cls)), "string")
    if isinstance(field, s.ContextField):
        kind = "date"  # as_of
    described: dict = {"name": column.name, "type": kind}
    if field.help_text:
        described["description"] = str(field.help_text)
    if kind == "boolean":
        described |= {"trueValues": ["true"], "falseValues": ["false"]}
    if kind == "datetime":
        described["format"] = "any"
    constraints = {}
    optional = getattr(field, "allow_null", False) or getattr(field, "allow_blank", False)
    if not optional and not isinstance(field, drf.ListField):  # an empty list is ""
        constraints["required"] = True
    if isinstance(field, drf.ChoiceField):
        constraints["enum"] = [str(v) for v in field.choices if v != ""]
    if constraints:
        described["constraints"] = constraints
    return described


PRIMARY_KEYS = {"monuments": "slug", "sources": "key", "reports": "claim", "sites": "slug"}


def license_text(version: str) -> str:
    licence = settings.DATASET_LICENSE
    return (
        f"{settings.DATASET_TITLE}, version {version}\n\n"
        f"The data in this package is licensed under the {licence['title']} licence\n"
        f"({licence['name']}): {licence['path']}\n\n"
        "You may share and adapt it for any purpose, provided you give appropriate credit\n"
        "(cite it as CITATION.cff says), link to the licence and indicate if changes were\n"
        "made.\n\n"
        "The excerpts in reports.csv are short quotations from the sources named beside\n"
        "them; their text remains the property of its publishers.\n"
    )


def citation_cff(version: str, released: datetime.date) -> str:
    licence = settings.DATASET_LICENSE
    lines = [
        "cff-version: 1.2.0",
        'message: "If you use this dataset, please cite it as below."',
        "type: dataset",
        f"title: {json.dumps(settings.DATASET_TITLE, ensure_ascii=False)}",
        f'version: "{version}"',
        f'date-released: "{released.isoformat()}"',
        f"license: {licence['name']}",
        f"url: {json.dumps(settings.DATASET_BASE_URL + '/api/datasets/', ensure_ascii=False)}",
        "authors:",
        *(
            f"  - name: {json.dumps(author, ensure_ascii=False)}"
            for author in settings.DATASET_AUTHORS
        ),
        "keywords:",
        "  - cultural heritage",
        "  - damage assessment",
        "  - armed conflict",
    ]
    return "\n".join(lines) + "\n"


def datapackage(version: str, released: datetime.date, tables: list) -> dict:
    licence = settings.DATASET_LICENSE
    resources = []
    for table, _, title in tables:
        resources.append(
            {
                "name": table.name,
                "title": title,
                "path": f"{table.name}.csv",
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8-sig",
                "dialect": {"delimiter": ",", "lineTerminator": "\r\n", "quoteChar": '"'},
                "schema": {
                    "fields": [schema_field(c) for c in table.columns],
                    "primaryKey": PRIMARY_KEYS[table.name],
                    "missingValues": [""],
                },
            }
        )
    for name in ("monuments", "sites"):
        resources.append(
            {
                "name": f"{name}-geojson",
                "title": f"{name.capitalize()} as GeoJSON points (longitude, latitude; WGS 84)",
                "path": f"{name}.geojson",
                "format": "geojson",
                "mediatype": "application/geo+json",
                "encoding": "utf-8",
            }
        )
    return {
        "name": "heritage-damage-registry",
        "title": settings.DATASET_TITLE,
        "description": "Monuments, the sources that report on them, the damage claims each "
        "source makes (with a verbatim excerpt) and the consensus status the registry "
        "computes from the evidence.",
        "version": version,
        "created": f"{released.isoformat()}T00:00:00Z",
        "homepage": settings.DATASET_BASE_URL + "/api/docs/",
        "licenses": [licence],
        "contributors": [
            {"title": author, "role": "author"} for author in settings.DATASET_AUTHORS
        ],
        "keywords": ["cultural heritage", "damage", "armed conflict", "consensus"],
        "resources": resources,
    }


# --- writing ----------------------------------------------------------------------------


def write(target, *, version: str, changed: datetime.datetime) -> None:
    """Write the snapshot zip to *target* (a path or a binary file)."""
    stamp = changed.timetuple()[:6]
    context = {
        "as_of": changed.date().isoformat(),
        "base_url": settings.DATASET_BASE_URL + "/api/monuments/",
    }
    bases = {
        "monuments": "/api/monuments/",
        "sources": "/api/sources/",
        "reports": "/api/reports/",
        "sites": "/api/sites/",
    }
    tables = _tables()

    def member(archive: zipfile.ZipFile, name: str):
        info = zipfile.ZipInfo(name, date_time=stamp)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        return archive.open(info, "w")

    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for table, rows, _ in tables:
            ctx = {**context, "base_url": settings.DATASET_BASE_URL + bases[table.name]}
            with member(archive, f"{table.name}.csv") as out:
                for part in formats.csv_chunks(table, formats.read(rows()), ctx):
                    out.write(part.encode())
        for table, rows, _ in tables:
            if table.name not in ("monuments", "sites"):
                continue
            ctx = {**context, "base_url": settings.DATASET_BASE_URL + bases[table.name]}
            with member(archive, f"{table.name}.geojson") as out:
                for part in formats.geojson_chunks(table, formats.read(rows()), ctx):
                    out.write(part.encode())
        released = changed.date()
        package = datapackage(version, released, tables)
        with member(archive, "datapackage.json") as out:
            out.write(json.dumps(package, indent=2, ensure_ascii=False).encode() + b"\n")
        with member(archive, "LICENSE") as out:
            out.write(license_text(version).encode())
        with member(archive, "CITATION.cff") as out:
            out.write(citation_cff(version, released).encode())


def export(directory: Path | None = None) -> tuple[Snapshot, bool]:
    """Write the current registry's snapshot into *directory* (the dataset folder by
    default), unless that version is already there. Returns it and whether it is new."""
    directory = directory or dataset_dir()
    directory.mkdir(parents=True, exist_ok=True)
    version, changed = current_version()
    path = directory / file_name(version)
    created = not path.exists()
    if created:
        partial = path.with_suffix(".zip.partial")
        write(partial, version=version, changed=changed)
        partial.replace(path)
    snapshot = next(snap for snap in snapshots(directory) if snap.path == path)
    return snapshot, created
