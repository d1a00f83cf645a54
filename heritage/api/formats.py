"""Whole-list exports, streamed: CSV, JSON Lines and GeoJSON.

Rows are read from the database in chunks (``values()`` with a server-side cursor where
the database has one), enriched per chunk (aliases, credits: one query per chunk), turned
into flat rows by the compiled serializers and written a chunk at a time, so memory
stays flat whatever the registry's size. Any of them is gzip-compressed when the client
accepts it.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import zlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from django.db import connections
from django.db.models.sql.constants import MULTI
from django.http import StreamingHttpResponse

from heritage.api import serializers as s
from heritage.models import Alias, DamageReport, Outlet, ReviewStatus, Source

CHUNK = 2000
GZIP_LEVEL = 4
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
FORMULA_STARTS = frozenset(FORMULA_PREFIXES)


def chunks(rows: Iterable, size: int = CHUNK) -> Iterator[list]:
    chunk: list = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def raw_tuples(queryset, size: int = CHUNK) -> Iterator[tuple]:
    """The rows of a ``values()`` / ``values_list()`` queryset as the database cursor
    gives them, in chunks (a server-side cursor on PostgreSQL), without the ORM's
    per-value conversions. The SQL is the queryset's, so its filters and order stay."""
    compiler = queryset.query.get_compiler(using=queryset.db)
    for batch in compiler.execute_sql(MULTI, chunked_fetch=True, chunk_size=size) or ():
        yield from batch


def raw_rows(values_queryset, size: int = CHUNK) -> Iterator[dict]:
    """:func:`raw_tuples` as dicts keyed like ``values()`` rows. The compiled serializers
    convert what they publish themselves (``serializers.converter`` accepts what SQLite
    and PostgreSQL return)."""
    query = values_queryset.query
    names = [*query.extra_select, *query.values_select, *query.annotation_select]
    for row in raw_tuples(values_queryset, size):
        yield dict(zip(names, row, strict=True))


# --- tables: what a list exports ---------------------------------------------------------


@dataclass
class Table:
    """A list as flat rows: its column names, how to build a row, and what each chunk
    of database rows needs added (aliases, credits) before building."""

    name: str
    columns: list[s.Column]
    build: Callable[[dict, dict], list]
    enrich: Callable[[list[dict]], None] = lambda rows: None
    extra: list[str] = field(default_factory=list)

    @property
    def header(self) -> list[str]:
        return [c.name for c in self.columns]


def alias_languages() -> list[str]:
    """Every alias language in the registry except English (``name`` is English),
    with ``ar`` and ``fr`` always present."""
    present = set(Alias.objects.order_by().values_list("language", flat=True).distinct())
    return sorted((present | set(s.NAME_LANGUAGES)) - {"en"})


@functools.cache
def _alias_fields() -> tuple[s.serializers.Field, s.serializers.Field]:
    name = s.serializers.CharField(
        allow_blank=True, help_text="The first alias in this language, alphabetically."
    )
    return name, s.MonumentTableSerializer().fields["aliases"]


def monument_table(languages: list[str] | None = None) -> Table:
    languages = alias_languages() if languages is None else languages
    base_columns, base_build = s.flat_row_builder(s.MonumentSerializer)
    name_field, aliases_field = _alias_fields()
    columns = [
        *base_columns,
        *(s.Column(s.name_column(lang), name_field) for lang in languages),
        s.Column("aliases", aliases_field),
    ]

    def build(row: dict, context: dict) -> list:
        flat = base_build(row, context)
        flat += row["_names"]
        return flat

    def enrich(rows: list[dict]) -> None:
        by_monument: dict[int, dict[str, list[str]]] = defaultdict(dict)
        for monument_id, language, name in rows_for_ids(
            f"SELECT monument_id, language, name FROM {Alias._meta.db_table} "
            "WHERE monument_id IN ({ids}) ORDER BY language, name",
            [r["id"] for r in rows],
        ):
            by_monument[monument_id].setdefault(language, []).append(name)
        empty: dict[str, list[str]] = {}
        for row in rows:
            by_language = by_monument.get(row["id"], empty)
            row["_names"] = [
                *(by_language[lang][0] if lang in by_language else "" for lang in languages),
                s.LIST_SEPARATOR.join(
                    [f"{lang}:{name}" for lang, names in by_language.items() for name in names]
                ),
            ]

    return Table("monuments", columns, build, enrich)


def rows_for_ids(sql: str, ids: list[int], using: str = "default") -> list[tuple]:
    """Run *sql* with ``{ids}`` bound to *ids* (one chunk's keys, at most CHUNK of
    them). Plain SQL: building a 2,000-value ``__in`` lookup through the ORM costs more
    than the query."""
    if not ids:
        return []
    with connections[using].cursor() as cursor:
        cursor.execute(sql.format(ids=", ".join(["%s"] * len(ids))), ids)
        return cursor.fetchall()


def _source_links() -> dict[str, str]:
    """For each link of a source, SQL giving (source id, linked key) for ``{ids}``."""
    outlet, source = Outlet._meta.db_table, Source._meta.db_table
    wire = Source.wire_credits.through._meta.db_table
    photo = Source.photo_credits.through._meta.db_table
    copies = Source.copies_passages_from.through._meta.db_table
    return {
        "wire_credits": f"SELECT l.source_id, o.slug FROM {wire} l "
        f"JOIN {outlet} o ON o.id = l.outlet_id WHERE l.source_id IN ({{ids}})",
        "photo_credits": f"SELECT l.source_id, o.slug FROM {photo} l "
        f"JOIN {outlet} o ON o.id = l.outlet_id WHERE l.source_id IN ({{ids}})",
        "copies_passages_from": f"SELECT l.from_source_id, s.key FROM {copies} l "
        f"JOIN {source} s ON s.id = l.to_source_id WHERE l.from_source_id IN ({{ids}})",
    }


def attach_source_links(rows: list[dict]) -> None:
    """Add each source's credits, copy links and accepted claim count (four queries for
    the whole page or chunk, whatever the size of the registry)."""
    ids = [r["id"] for r in rows]
    links = {name: _group(rows_for_ids(sql, ids)) for name, sql in _source_links().items()}
    counts = dict(rows_for_ids(_claim_counts(), ids))
    for row in rows:
        for name, by_id in links.items():
            row[name] = sorted(by_id.get(row["id"], ()))
        row["claim_count"] = counts.get(row["id"], 0)


def _claim_counts() -> str:
    """SQL giving (source id, accepted claims) for ``{ids}``."""
    table = DamageReport._meta.db_table
    return (
        f"SELECT source_id, COUNT(*) FROM {table} "
        f"WHERE review_status = '{ReviewStatus.ACCEPTED}' AND source_id IN ({{ids}}) "
        "GROUP BY source_id"
    )


def _group(pairs: Iterable[tuple[int, str]]) -> dict[int, list[str]]:
    grouped: dict[int, list[str]] = defaultdict(list)
    for key, value in pairs:
        grouped[key].append(value)
    return grouped


def simple_table(name: str, serializer_class, enrich=None) -> Table:
    columns, build = s.flat_row_builder(serializer_class)
    return Table(name, columns, build, enrich or (lambda rows: None))


def source_table() -> Table:
    return simple_table("sources", s.SourceSerializer, attach_source_links)


def claim_table() -> Table:
    return simple_table("reports", s.ClaimSerializer)


def site_table() -> Table:
    return simple_table("sites", s.SiteSerializer)


# --- writers ------------------------------------------------------------------------------


def csv_chunks(table: Table, rows: Iterable[dict], context: dict) -> Iterator[str]:
    """The CSV text of *rows*, one string per chunk (BOM and header first).

    Booleans are written true/false, text a spreadsheet would run as a formula is
    prefixed with ', and only the columns that can hold them are looked at."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(table.header)
    yield "\ufeff" + buffer.getvalue()  # a BOM, so spreadsheets read UTF-8 (Arabic) right
    kinds = [c.field for c in table.columns]
    booleans = [i for i, f in enumerate(kinds) if isinstance(f, s.serializers.BooleanField)]
    texts = [
        i
        for i, f in enumerate(kinds)
        if isinstance(f, s.serializers.CharField | s.serializers.ChoiceField)
    ]
    build, enrich = table.build, table.enrich
    for chunk in chunks(rows):
        enrich(chunk)
        out = []
        for row in chunk:
            flat = build(row, context)
            for i in booleans:
                value = flat[i]
                if value is not None:
                    flat[i] = "true" if value else "false"
            for i in texts:
                value = flat[i]
                if value and value[0] in FORMULA_STARTS:
                    flat[i] = "'" + value
            out.append(flat)
        buffer.seek(0)
        buffer.truncate()
        writer.writerows(out)
        yield buffer.getvalue()


def jsonl_chunks(
    items: Callable[[dict, dict], dict], enrich, rows: Iterable[dict], context: dict
) -> Iterator[str]:
    """One JSON object per line: the same objects as the JSON list's ``results``."""
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    for chunk in chunks(rows):
        enrich(chunk)
        yield "".join(dumps(items(row, context)) + "\n" for row in chunk)


def geojson_chunks(table: Table, rows: Iterable[dict], context: dict) -> Iterator[str]:
    """A FeatureCollection of points ([longitude, latitude]); properties are the table's
    flat scalar columns (coordinates are in the geometry, not repeated)."""
    header = table.header
    lat, lon = header.index("latitude"), header.index("longitude")
    first_out, second_out = sorted((lat, lon), reverse=True)
    names = [name for i, name in enumerate(header) if i not in (lat, lon)]
    slug = header.index("slug")
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    yield '{"type":"FeatureCollection","features":['
    separator = ""
    for chunk in chunks(rows):
        table.enrich(chunk)
        features = []
        for row in chunk:
            flat = table.build(row, context)
            y, x, key = flat[lat], flat[lon], flat[slug]
            del flat[first_out], flat[second_out]
            features.append(
                {
                    "type": "Feature",
                    "id": key,
                    "geometry": None
                    if x is None or y is None
                    else {"type": "Point", "coordinates": [x, y]},
                    "properties": dict(zip(names, flat, strict=True)),
                }
            )
        if features:
            yield separator + dumps(features)[1:-1]  # one encoder call per chunk
            separator = ","
    yield "]}"


def gzipped(parts: Iterable[str]) -> Iterator[bytes]:
    """gzip a stream of text as it goes. Level 4: on the claims CSV about a third of
    level 6's time for 11x instead of 12.6x smaller (measured, bench/exports.py)."""
    compressor = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, 31)
    for part in parts:
        data = compressor.compress(part.encode())
        if data:
            yield data
    yield compressor.flush()


def accepts_gzip(request) -> bool:
    encodings = request.headers.get("Accept-Encoding", "")
    return any(
        e.split(";")[0].strip() == "gzip" and not e.replace(" ", "").endswith(";q=0")
        for e in encodings.split(",")
    )


CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "jsonl": "application/jsonl; charset=utf-8",
    "geojson": "application/geo+json",
}
EXTENSIONS = {"csv": "csv", "jsonl": "jsonl", "geojson": "geojson"}


def streaming_response(request, fmt: str, parts: Iterable[str], filename: str):
    """A streamed download, gzip-compressed when the client accepts it."""
    compress = accepts_gzip(request)
    body = gzipped(parts) if compress else (p.encode() for p in parts)
    response = StreamingHttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}.{EXTENSIONS[fmt]}"'
    if compress:
        response["Content-Encoding"] = "gzip"
    return response
