"""Every list in JSON, CSV, JSON Lines (and GeoJSON for places), with the same filters;
GeoJSON read by GDAL; compressed exports; one description behind every output."""

import csv
import datetime
import gzip
import io
import json
import struct

import pyogrio
import pytest

from heritage.api import formats
from heritage.api import serializers as s
from heritage.api.views import (
    SiteViewSet,
    SourceViewSet,
    monument_detail_row,
    monument_timeline_row,
)
from heritage.models import DamageReport, Monument, MonumentConsensus, Site


def body(response) -> bytes:
    assert response.status_code == 200, response.content
    return b"".join(response.streaming_content)


def csv_rows(response) -> list[dict]:
    data = body(response)
    assert data.startswith("\ufeff".encode())
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def jsonl(response) -> list[dict]:
    return [json.loads(line) for line in body(response).decode().splitlines()]


LISTS = [
    ("/api/monuments/", "site=al-qaryatain", "slug"),
    ("/api/sources/", "outlet=news24", "key"),
    ("/api/reports/", "monument=temple-of-bel", "claim"),
    ("/api/sites/", "", "slug"),
]


def test_every_list_answers_csv_and_json_lines_with_the_same_filters(seeded, api):
    for url, query, key in LISTS:
        check_list_formats(api, url, query, key)


def check_list_formats(api, url, query, key):
    expected = api.get(f"{url}?{query}&page_size=500").json()["results"]
    assert expected
    as_csv = csv_rows(api.get(f"{url}?{query}&format=csv"))
    assert [r[key] for r in as_csv] == [i[key] for i in expected]
    lines = jsonl(api.get(f"{url}?{query}&format=jsonl"))
    assert lines == expected
    by_accept = api.get(f"{url}?{query}", HTTP_ACCEPT="application/jsonl")
    assert by_accept["Content-Type"].startswith("application/jsonl")
    assert jsonl(by_accept) == expected


def test_csv_flattens_lists_and_escapes_formulas(seeded, api):
    Site.objects.filter(slug="palmyra").update(description="=HYPERLINK(1)")
    (palmyra,) = [r for r in csv_rows(api.get("/api/sites/?format=csv")) if r["slug"] == "palmyra"]
    assert palmyra["description"] == "'=HYPERLINK(1)"
    sources = csv_rows(api.get("/api/sources/?format=csv&credit=afp"))
    assert sources and all("afp" in r["wire_credits"].split("; ") for r in sources)


def test_monument_csv_carries_names_per_alias_language_and_the_aliases(seeded, api):
    rows = {r["slug"]: r for r in csv_rows(api.get("/api/monuments/?format=csv"))}
    bel = rows["temple-of-bel"]
    assert bel["name_ar"] == "معبد بل"
    assert "name_fr" in bel
    assert "ar:معبد بل" in bel["aliases"].split("; ")
    assert "en:temple of Baal" in bel["aliases"].split("; ")
    assert "name_en" not in bel  # `name` is the English name


def test_geojson_is_read_by_gdal_as_typed_flat_columns(seeded, api, tmp_path):
    path = tmp_path / "monuments.geojson"
    path.write_bytes(body(api.get("/api/monuments/?format=geojson")))
    meta, _, geometry, columns = pyogrio.raw.read(path)
    field = dict(zip(meta["fields"], columns, strict=True))
    types = dict(zip(meta["fields"], meta["dtypes"], strict=True))
    assert types["state"] == "object"
    assert types["confidence"] == "float64"
    assert types["contested"] == "bool"
    assert types["independent_origins"] in ("int32", "int64")
    assert str(types["latest_observation"]).startswith("datetime64")
    assert "consensus" not in meta["fields"]  # nothing nested
    assert {"url", "name_ar", "aliases", "wikidata"} <= set(meta["fields"])
    bel = list(field["slug"]).index("temple-of-bel")
    assert field["state"][bel] == "destroyed"
    # WKB point: byte order, type, then x (longitude) and y (latitude).
    x, y = struct.unpack("<dd", bytes(geometry[bel])[5:21])
    assert (round(x, 4), round(y, 4)) == (38.2747, 34.5472)


def test_sites_geojson_is_read_by_gdal(seeded, api, tmp_path):
    path = tmp_path / "sites.geojson"
    path.write_bytes(body(api.get("/api/sites/", HTTP_ACCEPT="application/geo+json")))
    meta, _, _, columns = pyogrio.raw.read(path)
    field = dict(zip(meta["fields"], columns, strict=True))
    assert sorted(field["slug"]) == ["al-qaryatain", "palmyra"]
    assert dict(zip(meta["fields"], meta["dtypes"], strict=True))["monument_count"] in (
        "int32",
        "int64",
    )


def test_exports_are_compressed_when_the_client_accepts_gzip(seeded, api):
    for fmt in ["csv", "jsonl", "geojson"]:
        check_gzip(api, fmt)


def check_gzip(api, fmt):
    plain = body(api.get(f"/api/monuments/?format={fmt}"))
    response = api.get(f"/api/monuments/?format={fmt}", HTTP_ACCEPT_ENCODING="gzip, br")
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    assert gzip.decompress(body(response)) == plain
    # The compressed variant has its own validator.
    assert response["ETag"] != api.get(f"/api/monuments/?format={fmt}")["ETag"]
    identity = api.get(f"/api/monuments/?format={fmt}", HTTP_ACCEPT_ENCODING="gzip;q=0")
    assert not identity.has_header("Content-Encoding")


def test_source_and_report_exports_have_constant_query_counts(
    large_registry, api, django_assert_max_num_queries
):
    # revision, the rows, and for sources the three link tables and the claim counts per
    # chunk of rows
    with django_assert_max_num_queries(6):
        assert len(csv_rows(api.get("/api/sources/?format=csv"))) == 8
    with django_assert_max_num_queries(2):
        assert len(jsonl(api.get("/api/reports/?format=jsonl"))) == 480


# --- one description per output ---------------------------------------------------------


def test_the_fast_builders_equal_the_serializers(seeded):
    context = {"base_url": "http://x/api/things/", "as_of": "2016-03-28"}
    for serializer, rows in [
        (s.MonumentSerializer, Monument.objects.for_api().values(*s.MONUMENT_COLUMNS)),
        (s.SiteSerializer, SiteViewSet().get_queryset().values(*s.SITE_COLUMNS)),
    ]:
        rendered = list(rows)
        assert rendered
        fast = [s.builder(serializer)(r, context) for r in rendered]
        assert fast == s.values_in(rendered, serializer, context)
    claims = list(DamageReport.objects.accepted().values(*s.CLAIM_COLUMNS))
    assert [s.claim_item(r) for r in claims] == s.values_in(claims, s.ClaimSerializer, {})
    sources = list(SourceViewSet().get_queryset().values(*s.SOURCE_COLUMNS))
    formats.attach_source_links(sources)
    context = {"base_url": "http://x/api/sources/"}
    assert [s.source_item(r, context) for r in sources] == s.values_in(
        sources, s.SourceSerializer, context
    )


@pytest.mark.parametrize("dates", [{}, {"as_of": datetime.date(2016, 3, 28)}])
def test_the_detail_and_timeline_builders_equal_the_serializers(seeded, api, rf, dates):
    """The detail and the timeline are built from rows by the compiled builders of
    their serializers; DRF rendering the same rows gives the same documents."""
    request = rf.get("/api/monuments/temple-of-bel/")
    context = {"base_url": "http://x/api/monuments/", "as_of": "2016-03-28"}
    dates = {"as_of": None, "known_at": None, **dates}
    for slug in ("temple-of-bel", "tower-tombs", "palmyra"):
        row = monument_detail_row(slug, dates, request)
        built = s.monument_detail_item(row, context)
        assert built["claims"] and built["consensus"]["supporting"]
        assert built == s.values_in([row], s.MonumentDetailSerializer, context)[0]
        served = api.get(f"/api/monuments/{slug}/", {k: v for k, v in dates.items() if v})
        assert list(served.json()) == list(built)
        assert served.json()["claims"] == built["claims"]
    row = monument_timeline_row("temple-of-bel")
    timeline = s.timeline_item(row, context)
    assert any(change["claim"] for change in timeline["changes"])
    assert timeline == s.values_in([row], s.TimelineSerializer, context)[0]
    assert (
        api.get("/api/monuments/temple-of-bel/timeline/").json()["changes"]
        == (timeline["changes"])
    )


CONTEXT = {"base_url": "http://x/api/things/", "as_of": "2016-03-28"}


def flat_values(item) -> list:
    """A DRF item as the flat table's values: nested objects in place, lists joined."""
    if isinstance(item, dict):
        return [value for nested in item.values() for value in flat_values(nested)]
    if isinstance(item, list):
        return [s.LIST_SEPARATOR.join(item)]
    return [item]


def as_csv_cells(serializer, values: list) -> list:
    texts = (s.serializers.CharField, s.serializers.ChoiceField)
    cells = []
    for column, value in zip(s.table(serializer), values, strict=True):
        if isinstance(value, bool):
            value = "true" if value else "false"
        elif isinstance(column.field, texts) and value and value[0] in "=+-@\t\r":
            value = "'" + value
        cells.append(value)
    return cells


def test_the_export_builders_equal_the_serializers(seeded):
    # A monument without a stored status (the serializer's prepare_row fills it in) and
    # text a spreadsheet would run as a formula.
    MonumentConsensus.objects.filter(monument__slug="temple-of-bel").delete()
    Monument.objects.filter(slug="arch-of-triumph").update(name="=SUM(1)", wikidata="+1")
    context = CONTEXT
    for table, queryset in [
        (formats.monument_table(), Monument.objects.for_api().values(*s.MONUMENT_COLUMNS)),
        (formats.site_table(), SiteViewSet().get_queryset().values(*s.SITE_COLUMNS)),
        (formats.claim_table(), DamageReport.objects.accepted().values(*s.CLAIM_COLUMNS)),
        (formats.source_table(), SourceViewSet().get_queryset().values(*s.SOURCE_COLUMNS)),
    ]:
        typed = list(queryset)
        if table.serializer is s.SourceSerializer:
            formats.attach_source_links(typed)
        expected = [flat_values(i) for i in s.values_in(typed, table.serializer, context)]
        assert expected
        width = len(expected[0])
        for mode in (formats.JSON, formats.CSV):
            rows = formats.read(queryset)
            built = [r for chunk in rows.chunks for r in table.chunks(rows, mode)(chunk, context)]
            if mode == formats.CSV:
                expected = [as_csv_cells(table.serializer, values) for values in expected]
            assert [r[:width] for r in built] == expected, (table.name, mode)
        if table.name == "monuments":
            names = [c.name for c in s.table(table.serializer)]
            assert "=SUM(1)" in [r[names.index("name")] for r in typed_flat(table, queryset)]
            assert "'=SUM(1)" in [r[names.index("name")] for r in built]
            bel = next(r for r in built if r[0] == "temple-of-bel")
            assert bel[names.index("state")] == "unknown"


def typed_flat(table, queryset) -> list[list]:
    rows = formats.read(queryset)
    return [r for chunk in rows.chunks for r in table.chunks(rows, formats.JSON)(chunk, CONTEXT)]


def test_geojson_features_carry_the_flat_columns(seeded):
    table = formats.monument_table()
    queryset = Monument.objects.for_api().values(*s.MONUMENT_COLUMNS)
    flat = typed_flat(table, queryset)
    rows = formats.read(queryset)
    build = table.chunks(rows, formats.GEOJSON)
    features = [f for chunk in rows.chunks for f in build(chunk, CONTEXT)]
    header = table.header
    lat, lon = header.index("latitude"), header.index("longitude")
    for values, feature in zip(flat, features, strict=True):
        assert feature["id"] == values[header.index("slug")]
        point = None if values[lon] is None else [values[lon], values[lat]]
        assert (feature["geometry"] or {}).get("coordinates") == point
        expected = {
            n: v
            for i, (n, v) in enumerate(zip(header, values, strict=True))
            if i not in (lat, lon)
        }
        assert feature["properties"] == expected


def test_json_csv_and_schema_come_from_one_description(seeded, api):
    schema = api.get("/api/schema/?format=json").json()["components"]["schemas"]
    for url, serializer, component in [
        ("/api/monuments/", s.MonumentSerializer, "Monument"),
        ("/api/sources/", s.SourceSerializer, "Source"),
        ("/api/reports/", s.ClaimSerializer, "Claim"),
        ("/api/sites/", s.SiteSerializer, "Site"),
    ]:
        check_one_description(api, schema, url, serializer, component)


def check_one_description(api, schema, url, serializer, component):
    fields = list(serializer().fields)
    assert list(api.get(url).json()["results"][0]) == fields
    assert list(schema[component]["properties"]) == fields
    header = next(csv.reader(io.StringIO(body(api.get(f"{url}?format=csv")).decode("utf-8-sig"))))
    flat = [c.name for c in s.table(serializer)]
    assert header[: len(flat)] == flat
    # Every field is described for researchers.
    for name, prop in schema[component]["properties"].items():
        assert prop.get("description") or "$ref" in str(prop), (component, name)


def test_monument_detail_fields_are_the_detail_serializers(seeded, api):
    detail = api.get("/api/monuments/temple-of-bel/").json()
    assert set(detail) == set(s.MonumentDetailSerializer().fields)
    assert set(detail["consensus"]) == set(s.ConsensusDetailSerializer().fields)
    source = api.get("/api/sources/afp-2016-03-28-syria-troops-press-advance/").json()
    assert set(source) == set(s.SourceDetailSerializer().fields)
    timeline = api.get("/api/monuments/temple-of-bel/timeline/").json()
    assert set(timeline) == set(s.TimelineSerializer().fields)
    assert set(timeline["changes"][0]) == set(s.TimelineEntrySerializer().fields)
    assert set(timeline["current"]) == set(s.ConsensusSerializer().fields)


def test_export_tables_match_their_serializers():
    table = formats.monument_table(["ar", "fr"])
    flat = [c.name for c in s.table(s.MonumentSerializer)]
    assert table.header == [*flat, "name_ar", "name_fr", "aliases"]
    assert "consensus" not in table.header and "state" in table.header


def test_exports_read_the_instants_the_orm_reads(seeded):
    """The exports read rows straight from the cursor (on PostgreSQL with psycopg's own
    timestamp loader, not Django's): each timestamp publishes as the ORM's value does."""
    from django.db import connection

    rows = Monument.objects.order_by("pk").values_list("pk", "updated_at", "consensus__changed_at")
    raw = [row for chunk in formats.raw_tuples(rows) for row in chunk]
    assert len(raw) == Monument.objects.count() > 0

    def published(value):
        return None if value is None else s._datetime(value)

    assert [tuple(map(published, r[1:])) for r in raw] == [
        tuple(map(published, r[1:])) for r in rows
    ]
    if connection.vendor == "postgresql":
        assert all(
            r[1].tzinfo is not None and r[1].utcoffset() == datetime.timedelta(0) for r in raw
        )
