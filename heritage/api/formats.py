"""Whole-list exports, streamed: CSV, JSON Lines and GeoJSON.

Rows are read from the database in chunks (``values()`` with a server-side cursor where
the database has one), enriched per chunk (aliases, credits: one query per chunk), turned
into flat rows by the compiled serializers and written a chunk at a time, so memory
stays flat whatever the registry's size. Any of them is gzip-compressed when the client
accepts it.
"""

from __future__ import annotations

import contextlib
import csv
import functools
import gc
import io
import json
import zlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models.sql.constants import MULTI
from django.http import StreamingHttpResponse

from heritage.api import serializers as s
from heritage.models import Alias, DamageReport, Outlet, ReviewStatus, Source
from heritage.services import claim_ref

CHUNK = 2000
GZIP_LEVEL = 4
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
FORMULA_STARTS = frozenset(FORMULA_PREFIXES)


def raw_tuples(queryset, size: int = CHUNK) -> Iterator[list[tuple]]:
    """The rows of a ``values()`` / ``values_list()`` queryset as the database cursor
    gives them, in chunks of at most *size* (a server-side cursor on PostgreSQL),
    without the ORM's per-value conversions. The SQL is the queryset's, so its filters
    and order stay."""
    compiler = queryset.query.get_compiler(using=queryset.db)
    loader = _timestamptz_loader(compiler.connection)
    if loader is None:
        yield from compiler.execute_sql(MULTI, chunked_fetch=True, chunk_size=size) or ()
        return
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:
        return
    with compiler.connection.chunked_cursor() as cursor:
        # Django reads timestamps with a loader of its own, derived from psycopg's
        # Python one: a fifth of a whole-list export's time went to it. psycopg's own
        # (compiled) loader gives the same instants, in the session's time zone (UTC).
        cursor.cursor.adapters.register_loader("timestamptz", loader)
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(size):
            yield rows


def _timestamptz_loader(connection):
    """psycopg's default loader of ``timestamptz`` text, or None where it does not apply
    (another database)."""
    if connection.vendor != "postgresql":
        return None
    import psycopg

    return psycopg.adapters.get_loader(
        psycopg.adapters.types["timestamptz"].oid, psycopg.pq.Format.TEXT
    )


@dataclass
class Rows:
    """Database rows as chunks of tuples, and the column each position holds."""

    names: tuple[str, ...]
    chunks: Iterable[list[tuple]]

    def dicts(self) -> Iterator[list[dict]]:
        """The chunks as dicts keyed like ``values()`` rows (for the JSON items)."""
        names = self.names
        for chunk in self.chunks:
            yield [dict(zip(names, row, strict=True)) for row in chunk]

    def through(self, convert: Callable[[list[dict]], list[dict]], names) -> Rows:
        """These rows a chunk at a time as dicts through *convert*, then as tuples of
        *names* (a past day's status, computed or read from its period)."""

        def converted() -> Iterator[list[tuple]]:
            for chunk in self.dicts():
                yield [tuple(row[n] for n in names) for row in convert(chunk)]

        return Rows(tuple(names), converted())


def read(values_queryset, size: int = CHUNK) -> Rows:
    """A ``values()`` queryset's rows as :class:`Rows` (see :func:`raw_tuples`). The
    compiled serializers convert what they publish themselves (``serializers.converter``
    accepts what SQLite and PostgreSQL return)."""
    query = values_queryset.query
    names = (*query.extra_select, *query.values_select, *query.annotation_select)
    return Rows(names, raw_tuples(values_queryset, size))


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while one chunk is built: its thousands of new rows
    and features would otherwise set off collections that walk every object of the
    process (a third of a GeoJSON export's time). Nothing built here forms a cycle, and
    the collector runs again as soon as the chunk is done."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# --- tables: what a list exports ---------------------------------------------------------


def _no_extension(chunk: list[tuple], names: tuple[str, ...]) -> list[tuple]:
    return chunk


@dataclass
class Table:
    """A list as flat rows: the serializer that describes it, columns added after its
    own (``extra``), and how a chunk of database rows gets their values (``extend``
    appends one value per extra column to each row: aliases, credits; one query per
    chunk)."""

    name: str
    serializer: type
    extra: list[s.Column] = field(default_factory=list)
    extend: Callable[[list[tuple], tuple[str, ...]], list[tuple]] = _no_extension
    added: tuple[str, ...] = ()  # the names of the values ``extend`` appends

    @property
    def columns(self) -> list[s.Column]:
        return [*s.table(self.serializer), *self.extra]

    @property
    def header(self) -> list[str]:
        return [c.name for c in self.columns]

    def chunks(self, rows: Rows, mode: str) -> Callable[[list[tuple]], list]:
        """Compiled for *rows*' columns: a function from one extended chunk to its
        output (see :func:`chunk_builder`)."""
        extra = tuple(c.name for c in self.extra)
        build = chunk_builder(self.serializer, (*rows.names, *self.added), extra, mode)

        def run(chunk: list[tuple], context: dict) -> list:
            with gc_paused():
                return build(self.extend(chunk, rows.names), context)

        return run


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
    name_field, aliases_field = _alias_fields()
    extra = [
        *(s.Column(s.name_column(lang), name_field) for lang in languages),
        s.Column("aliases", aliases_field),
    ]
    sql = (
        f"SELECT monument_id, language, name FROM {Alias._meta.db_table} "
        "WHERE monument_id IN ({ids}) ORDER BY monument_id, language, name"
    )
    blank = ("",) * len(languages)

    def extend(chunk: list[tuple], names: tuple[str, ...]) -> list[tuple]:
        at = names.index("id")
        by_monument: dict[int, list[tuple[str, str]]] = defaultdict(list)
        for monument_id, language, name in rows_for_ids(sql, [r[at] for r in chunk]):
            by_monument[monument_id].append((language, name))
        out = []
        for row in chunk:
            aliases = by_monument.get(row[at])
            if aliases is None:
                out.append((*row, *blank, ""))
                continue
            first: dict[str, str] = {}
            for language, name in aliases:
                first.setdefault(language, name)
            out.append(
                (
                    *row,
                    *[first.get(lang, "") for lang in languages],
                    s.LIST_SEPARATOR.join([f"{lang}:{name}" for lang, name in aliases]),
                )
            )
        return out

    return Table("monuments", s.MonumentSerializer, extra, extend, tuple(c.name for c in extra))


def rows_for_ids(sql: str, ids: list[int], using: str = "default") -> list[tuple]:
    """Run *sql* with ``IN ({ids})`` bound to *ids* (one chunk's keys, at most CHUNK of
    them). Plain SQL: building a 2,000-value ``__in`` lookup through the ORM costs more
    than the query. On PostgreSQL the keys are one array (``= ANY(%s)``), which psycopg
    binds at once instead of parsing a statement of 2,000 placeholders."""
    if not ids:
        return []
    connection = connections[using]
    if connection.vendor == "postgresql":
        sql, params = sql.replace("IN ({ids})", "= ANY(%s)"), [ids]
    else:
        sql, params = sql.format(ids=", ".join(["%s"] * len(ids))), ids
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
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


SOURCE_LINKS = ("wire_credits", "photo_credits", "copies_passages_from", "claim_count")


def source_links(ids: list[int]) -> dict[int, tuple]:
    """Each source's credits, copy links and accepted claim count, in the order of
    ``SOURCE_LINKS`` (four queries for the whole page or chunk, whatever the size of
    the registry)."""
    links = [_group(rows_for_ids(sql, ids)) for sql in _source_links().values()]
    counts = dict(rows_for_ids(_claim_counts(), ids))
    return {
        key: (*(sorted(by_id.get(key, ())) for by_id in links), counts.get(key, 0)) for key in ids
    }


def attach_source_links(rows: list[dict]) -> None:
    """Add :func:`source_links` to each row dict."""
    links = source_links([r["id"] for r in rows])
    for row in rows:
        row.update(zip(SOURCE_LINKS, links[row["id"]], strict=True))


def _extend_sources(chunk: list[tuple], names: tuple[str, ...]) -> list[tuple]:
    at = names.index("id")
    links = source_links([r[at] for r in chunk])
    return [(*row, *links[row[at]]) for row in chunk]


def _claim_counts() -> str:
    """SQL giving (source id, accepted claims) for ``{ids}``. The review status is
    counted, not filtered on: SQLite (which keeps no statistics) would otherwise read
    the claims through the review-status index, every accepted claim of the registry,
    rather than the page's sources' claims through the source index (51 ms instead of
    under 1 at 200,000 claims)."""
    table = DamageReport._meta.db_table
    return (
        f"SELECT source_id, SUM(CASE WHEN review_status = '{ReviewStatus.ACCEPTED}' "
        f"THEN 1 ELSE 0 END) FROM {table} WHERE source_id IN ({{ids}}) GROUP BY source_id"
    )


def _group(pairs: Iterable[tuple[int, str]]) -> dict[int, list[str]]:
    grouped: dict[int, list[str]] = defaultdict(list)
    for key, value in pairs:
        grouped[key].append(value)
    return grouped


def source_table() -> Table:
    return Table("sources", s.SourceSerializer, extend=_extend_sources, added=SOURCE_LINKS)


def claim_table() -> Table:
    return Table("reports", s.ClaimSerializer)


def site_table() -> Table:
    return Table("sites", s.SiteSerializer)


# --- compiling a table for tuples -------------------------------------------------------
#
# The exports read tuples, not dicts, and build a whole chunk in one list comprehension
# whose body reads each column by position and converts it inline: per row there is no
# dict, no function call per field and no second pass for the CSV's booleans and
# formulas. What a column holds and how it converts is still the serializer field's
# (the JSON builders in serializers.py read the same fields; tests compare both with
# DRF).

CSV, JSON, GEOJSON = "csv", "json", "geojson"


def _prepared(prepare: Callable, names: tuple[str, ...]) -> Callable[[tuple], tuple]:
    """A serializer's ``prepare_row`` (written for row dicts) applied to a tuple: it
    reads the tuple through a mapping, and a row it replaces is read back by name."""
    index = {name: i for i, name in enumerate(names)}

    class View(Mapping):
        __slots__ = ("row",)

        def __init__(self, row: tuple):
            self.row = row

        def __getitem__(self, key: str):
            return self.row[index[key]]

        def __iter__(self):
            return iter(names)

        def __len__(self) -> int:
            return len(names)

    def apply(row: tuple) -> tuple:
        view = View(row)
        prepared = prepare(view)
        return row if prepared is view else tuple(prepared[n] for n in names)

    return apply


def _column_expression(
    field: s.serializers.Field, at: Callable[[str], str], namespace: dict, mode: str
) -> str:
    """Python source computing a flat column's value from the tuple ``row``."""
    if isinstance(field, s.LinkField):
        return f"base_url + {at(field.source)} + '/'"
    if isinstance(field, s.ContextField):
        return f"ctx[{field.context_name!r}]"
    if isinstance(field, s.ClaimRefField):
        return f"claim_ref({at('source__key')}, {at('key')})"
    value = at(field.source)
    if isinstance(field, s.serializers.ListField):
        return f"SEPARATOR.join({value} or ())"
    if mode == CSV and isinstance(field, s.serializers.BooleanField):
        return f"(None if (v := {value}) is None else 'true' if v else 'false')"
    if mode == CSV and isinstance(field, s.serializers.CharField | s.serializers.ChoiceField):
        # Text a spreadsheet would run as a formula is prefixed with '.
        return f'("\'" + v if (v := {value}) and v[0] in FORMULA_STARTS else v)'
    convert = s.converter(field)
    if convert is s._same:
        return value
    name = f"convert{len(namespace)}"
    namespace[name] = convert
    return f"(None if (v := {value}) is None else {name}(v))"


@functools.lru_cache(maxsize=64)
def chunk_builder(
    serializer_class: type, names: tuple[str, ...], extra: tuple[str, ...], mode: str
) -> Callable[[list[tuple], dict], list]:
    """Compile *serializer_class*'s flat table, followed by the *extra* columns (plain
    text, read under their own names), into ``(chunk of tuples of names, context) ->
    list``: for CSV a list of cells per row (booleans true/false, formulas escaped);
    for JSON the same values typed as in the JSON items; for GeoJSON a Feature per row
    (a point from latitude and longitude, the other columns as properties)."""
    pairs, prepares = s._flat_fields(serializer_class)
    extra_field = _alias_fields()[0]
    pairs = [*pairs, *((name, extra_field) for name in extra)]
    index = {name: i for i, name in enumerate(names)}
    namespace: dict[str, Any] = {
        "claim_ref": claim_ref,
        "SEPARATOR": s.LIST_SEPARATOR,
        "FORMULA_STARTS": FORMULA_STARTS,
    }
    extra_names = set(extra)

    def at(source: str) -> str:
        return f"row[{index[source]}]"

    def expression(name: str, fld) -> str:
        if name in extra_names:
            return _column_expression(fld, lambda _: at(name), namespace, mode)
        return _column_expression(fld, at, namespace, mode)

    rows = "rows"
    for n, prepare in enumerate(prepares):
        namespace[f"prepare{n}"] = _prepared(prepare, names)
        rows = f"map(prepare{n}, {rows})"
    lines = ["def build(rows, ctx):", "    base_url = ctx.get('base_url')"]
    if mode == GEOJSON:
        values = {name: expression(name, fld) for name, fld in pairs}
        x, y, key = values.pop("longitude"), values.pop("latitude"), values["slug"]
        properties = ", ".join(f"{name!r}: {e}" for name, e in values.items())
        lines.append(
            f"    return [{{'type': 'Feature', 'id': {key}, 'geometry': "
            f"None if (x := {x}) is None or (y := {y}) is None "
            "else {'type': 'Point', 'coordinates': [x, y]}, "
            f"'properties': {{{properties}}}}} for row in {rows}]"
        )
    else:
        cells = ", ".join(expression(name, fld) for name, fld in pairs)
        lines.append(f"    return [[{cells}] for row in {rows}]")
    code = compile("\n".join(lines), f"<{mode} chunks of {serializer_class.__name__}>", "exec")
    exec(code, namespace)  # the source is generated above from the field definitions
    return namespace["build"]


# --- writers ------------------------------------------------------------------------------


def csv_chunks(table: Table, rows: Rows, context: dict) -> Iterator[str]:
    """The CSV text of *rows*, one string per chunk (BOM and header first).

    Booleans are written true/false, and text a spreadsheet would run as a formula is
    prefixed with '."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(table.header)
    yield "\ufeff" + buffer.getvalue()  # a BOM, so spreadsheets read UTF-8 (Arabic) right
    build = table.chunks(rows, CSV)
    for chunk in rows.chunks:
        buffer.seek(0)
        buffer.truncate()
        writer.writerows(build(chunk, context))
        yield buffer.getvalue()


def jsonl_chunks(
    items: Callable[[dict, dict], dict], enrich, rows: Rows, context: dict
) -> Iterator[str]:
    """One JSON object per line: the same objects as the JSON list's ``results``."""
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    for chunk in rows.dicts():
        enrich(chunk)
        yield "".join(dumps(items(row, context)) + "\n" for row in chunk)


def geojson_chunks(table: Table, rows: Rows, context: dict) -> Iterator[str]:
    """A FeatureCollection of points ([longitude, latitude]); properties are the table's
    flat scalar columns (coordinates are in the geometry, not repeated)."""
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    build = table.chunks(rows, GEOJSON)
    yield '{"type":"FeatureCollection","features":['
    separator = ""
    for chunk in rows.chunks:
        if chunk:
            yield separator + dumps(build(chunk, context))[1:-1]  # one encoder call per chunk
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
