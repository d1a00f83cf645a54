"""Time the public API against raw SQL and a straightforward DRF implementation.

Usage::

    .venv/bin/python bench/api.py [--monuments 10000] [--reports 200000] [--repeat 5]
        [--database-url postgres://postgres@127.0.0.1:5432/bench_api | --sqlite-path PATH]
        [--seed 1] [--profile]

The registry is built with ``manage.py seed_synthetic`` in the given database (migrated
first), or reused when it already holds the synthetic registry of that seed and size.
The default database is a SQLite file under /tmp named after the size.

Measured, in one process, with Django's test client (the whole middleware stack):

* a list page of 100 (``/api/monuments/?page_size=100``);
* a monument's detail (the one whose accepted claims are nearest to 20);
* the full CSV export (``?format=csv``, the streamed body read to the end);
* the 304 path: detail and list sent again with If-None-Match set to their ETag.

Each against, in the same run:

* **raw SQL**, the floor: ``connection.cursor()`` fetching the same rows (no HTTP, no
  objects, no JSON);
* **straightforward**: what a typical project ships first, nested ModelSerializers in a
  ReadOnlyModelViewSet with PageNumberPagination and DRF's JSON rendering, without
  select_related / prefetch_related, ETags from Django's ConditionalGetMiddleware;
  and the same with select_related / prefetch_related (**straightforward + sr**).

Times are medians of --repeat runs after one warm-up, in milliseconds. Query counts come
from a separate, untimed run. The goals printed at the end are checked, never asserted.
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import gc
import io
import os
import pstats
import statistics
import sys
import time
import types
from collections import deque
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

LIST_URL = "/api/monuments/?page_size=100"
CSV_URL = "/api/monuments/?format=csv"
URLCONF = "bench_api_urls"
DETAIL_CLAIMS = 20

# Goals for our list page.
LIST_WITHIN_RAW = 3.0
LIST_FASTER_THAN_STRAIGHTFORWARD = 5.0


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--monuments", type=int, default=10_000)
    parser.add_argument("--reports", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=5, help="Timed runs per measurement.")
    parser.add_argument("--database-url", help="e.g. postgres://postgres@127.0.0.1:5432/bench_api")
    parser.add_argument("--sqlite-path", help="SQLite file (default: under /tmp, by size).")
    parser.add_argument(
        "--profile", action="store_true", help="Also profile our list page and print the top."
    )
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    if args.database_url and args.sqlite_path:
        parser.error("give --database-url or --sqlite-path, not both")
    return args


def configure(args: argparse.Namespace) -> str:
    """Point Django at the benchmark database and set it up; return the URL."""
    if args.database_url:
        url = args.database_url
    else:
        path = args.sqlite_path or (
            f"/tmp/heritage-bench-{args.monuments}-{args.reports}-s{args.seed}.sqlite3"
        )
        url = f"sqlite:///{Path(path).resolve()}"
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "registry.settings.dev"
    # The anonymous throttle must never answer 429 during the runs.
    os.environ["API_ANON_RATE"] = "1000000/minute"
    # Time the work of answering, not the response cache (a repeat would be a hit).
    os.environ["API_RESPONSE_CACHE_MAX_BYTES"] = "0"
    os.environ["LOG_LEVEL"] = "WARNING"  # request lines would mix with the results
    import django

    django.setup()
    return url


# --- the registry ----------------------------------------------------------------------


def prepare(args: argparse.Namespace) -> str:
    """Migrate, then seed or reuse; return what happened, with the seeding time."""
    from django.core.management import call_command
    from django.core.management.base import CommandError

    from heritage.models import DamageReport, Monument

    call_command("migrate", interactive=False, verbosity=0)
    prefix = f"synthetic-s{args.seed}-"
    monuments = Monument.objects.filter(slug__startswith=prefix).count()
    reports = DamageReport.objects.filter(source__key__startswith=prefix).count()
    if (monuments, reports) == (args.monuments, args.reports):
        analyze()
        return "reused (already seeded with this seed and size)"
    if monuments or reports:
        raise CommandError(
            f"The database holds a synthetic registry of seed {args.seed} of another size "
            f"({monuments} monuments, {reports} claims). Use a fresh database, another "
            "--sqlite-path or another --seed."
        )
    out = io.StringIO()
    started = time.perf_counter()
    call_command(
        "seed_synthetic",
        monuments=args.monuments,
        reports=args.reports,
        seed=args.seed,
        stdout=out,
    )
    elapsed = time.perf_counter() - started
    analyze()
    summary = " ".join(line.strip() for line in out.getvalue().splitlines())
    return f"seeded in {elapsed:.1f} s: {summary}"


def analyze() -> None:
    """Planner statistics after the bulk load, as PostgreSQL's autovacuum would gather
    them shortly after; without them it misjudges every join of the list query."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def detail_slug(seed: int) -> tuple[str, int]:
    """The synthetic monument whose accepted claims are nearest to DETAIL_CLAIMS."""
    from django.db.models import Count, Q

    from heritage.models import Monument

    counts = (
        Monument.objects.filter(slug__startswith=f"synthetic-s{seed}-")
        .annotate(n=Count("reports", filter=Q(reports__review_status="accepted")))
        .values_list("slug", "n")
    )
    slug, n = min(counts, key=lambda row: (abs(row[1] - DETAIL_CLAIMS), row[0]))
    return slug, n


# --- the straightforward implementation --------------------------------------------------


def straightforward_urls() -> list:
    """Nested ModelSerializers and a ReadOnlyModelViewSet, as a typical project ships them.

    Returned as URL patterns for /straightforward/ (plain querysets) and
    /straightforward-sr/ (the same with select_related / prefetch_related).
    """
    from django.http import HttpResponse
    from django.middleware.http import ConditionalGetMiddleware
    from django.urls import path
    from django.utils.decorators import decorator_from_middleware
    from rest_framework import serializers, viewsets
    from rest_framework.pagination import PageNumberPagination
    from rest_framework.views import APIView

    # The columns of the API's monument CSV before it carried URLs, identifiers and names.
    CSV_FIELDS = (
        *("slug", "name", "kind", "site", "part_of", "latitude", "longitude"),
        *("location_precision_m", "state", "confidence", "independent_origins", "contested"),
        *("single_origin", "overridden", "claim_count", "latest_observation"),
        *("consensus_changed_at", "updated_at", "as_of"),
    )
    from heritage.models import (
        Alias,
        DamageReport,
        Monument,
        MonumentConsensus,
        Outlet,
        ReviewStatus,
        Site,
        Source,
    )

    class SiteSerializer(serializers.ModelSerializer):
        class Meta:
            model = Site
            fields = ["slug", "name", "country", "latitude", "longitude", "location_precision_m"]

    class GroupSerializer(serializers.ModelSerializer):
        class Meta:
            model = Monument
            fields = ["slug", "name"]

    class AliasSerializer(serializers.ModelSerializer):
        class Meta:
            model = Alias
            fields = ["name", "language"]

    class ConsensusSerializer(serializers.ModelSerializer):
        class Meta:
            model = MonumentConsensus
            fields = [
                "state",
                "confidence",
                "independent_origins",
                "contested",
                "single_origin",
                "overridden",
                "claim_count",
                "latest_observation",
                "changed_at",
            ]

    class MonumentSerializer(serializers.ModelSerializer):
        site = SiteSerializer()
        part_of = GroupSerializer(allow_null=True)
        aliases = AliasSerializer(many=True)
        consensus = ConsensusSerializer(allow_null=True)

        class Meta:
            model = Monument
            fields = [
                "slug",
                "name",
                "kind",
                "site",
                "part_of",
                "latitude",
                "longitude",
                "location_precision_m",
                "updated_at",
                "aliases",
                "consensus",
            ]

    class OutletSerializer(serializers.ModelSerializer):
        class Meta:
            model = Outlet
            fields = ["slug", "name", "kind"]

    class SourceSerializer(serializers.ModelSerializer):
        outlet = OutletSerializer(allow_null=True)

        class Meta:
            model = Source
            fields = ["key", "title", "published_on", "url", "outlet"]

    class ReportSerializer(serializers.ModelSerializer):
        source = SourceSerializer()

        class Meta:
            model = DamageReport
            fields = [
                "key",
                "state",
                "excerpt",
                "attributed_to",
                "evidence",
                "observed_from",
                "observed_to",
                "cause",
                "quantity",
                "inferred",
                "inference_note",
                "rank",
                "rank_reason",
                "source",
            ]

    class MonumentDetailSerializer(MonumentSerializer):
        description = serializers.CharField()
        reports = serializers.SerializerMethodField()

        class Meta(MonumentSerializer.Meta):
            fields = [*MonumentSerializer.Meta.fields, "description", "reports"]

        def get_reports(self, monument):
            reports = monument.reports.filter(review_status=ReviewStatus.ACCEPTED).order_by(
                "source__published_on", "source__key", "key"
            )
            if self.context.get("optimised"):
                reports = reports.select_related("source__outlet")
            return ReportSerializer(reports, many=True).data

    class Pagination(PageNumberPagination):
        page_size = 100
        page_size_query_param = "page_size"
        max_page_size = 500

    def flat(item: dict) -> list:
        consensus = item["consensus"] or {}
        values = {
            **{k: item[k] for k in ("slug", "name", "kind", "latitude", "longitude")},
            "site": item["site"]["slug"],
            "part_of": item["part_of"]["slug"] if item["part_of"] else None,
            "location_precision_m": item["location_precision_m"],
            **{k: consensus.get(k) for k in ConsensusSerializer.Meta.fields},
            "consensus_changed_at": consensus.get("changed_at"),
            "updated_at": item["updated_at"],
            "as_of": None,
        }
        return [values[name] for name in CSV_FIELDS]

    def build(optimised: bool) -> list:
        def monuments():
            queryset = Monument.objects.all()
            if optimised:
                queryset = queryset.select_related("site", "part_of", "consensus")
                queryset = queryset.prefetch_related("aliases")
            return queryset

        class MonumentViewSet(viewsets.ReadOnlyModelViewSet):
            lookup_field = "slug"
            pagination_class = Pagination
            serializer_class = MonumentSerializer

            def get_queryset(self):
                return monuments()

            def get_serializer_class(self):
                return (
                    MonumentDetailSerializer if self.action == "retrieve" else MonumentSerializer
                )

            def get_serializer_context(self):
                return {**super().get_serializer_context(), "optimised": optimised}

        class MonumentCSV(APIView):
            def get(self, request):
                response = HttpResponse(content_type="text/csv; charset=utf-8")
                writer = csv.writer(response)
                writer.writerow(CSV_FIELDS)
                for item in MonumentSerializer(monuments(), many=True).data:
                    writer.writerow(flat(item))
                return response

        conditional = decorator_from_middleware(ConditionalGetMiddleware)
        return [
            path("monuments/", conditional(MonumentViewSet.as_view({"get": "list"}))),
            path("monuments.csv", MonumentCSV.as_view()),
            path(
                "monuments/<slug:slug>/",
                conditional(MonumentViewSet.as_view({"get": "retrieve"})),
            ),
        ]

    from django.urls import include

    return [
        path("straightforward/", include(build(optimised=False))),
        path("straightforward-sr/", include(build(optimised=True))),
    ]


def install_urlconf() -> None:
    from django.urls import include, path

    module = types.ModuleType(URLCONF)
    module.urlpatterns = [path("api/", include("heritage.api.urls")), *straightforward_urls()]
    sys.modules[URLCONF] = module


# --- the floor: raw SQL ----------------------------------------------------------------

LIST_SQL = """
SELECT m.id, m.slug, m.name, m.kind, s.slug, p.slug, m.latitude, m.longitude,
       m.location_precision_m, m.updated_at, c.state, c.confidence, c.independent_origins,
       c.contested, c.single_origin, c.overridden, c.claim_count, c.latest_observation,
       c.changed_at
FROM heritage_monument m
JOIN heritage_site s ON s.id = m.site_id
LEFT JOIN heritage_monument p ON p.id = m.part_of_id
LEFT JOIN heritage_monumentconsensus c ON c.monument_id = m.id
ORDER BY s.name, m.name
"""
DETAIL_SQL = [
    """
    SELECT m.id, m.slug, m.name, m.kind, m.description, s.slug, p.slug, m.latitude,
           m.longitude, m.location_precision_m, m.updated_at, c.state, c.evidence_state,
           c.confidence, c.independent_origins, c.contested, c.single_origin, c.overridden,
           c.claim_count, c.latest_observation, c.changed_at, c.explanation
    FROM heritage_monument m
    JOIN heritage_site s ON s.id = m.site_id
    LEFT JOIN heritage_monument p ON p.id = m.part_of_id
    LEFT JOIN heritage_monumentconsensus c ON c.monument_id = m.id
    WHERE m.slug = %s
    """,
    "SELECT name, language FROM heritage_alias WHERE monument_id = %s ORDER BY language, name",
    """
    SELECT r.key, r.state, r.excerpt, r.attributed_to, r.evidence, r.observed_from,
           r.observed_to, r.cause, r.quantity, r.inferred, r.inference_note, r.rank,
           r.rank_reason, src.key, src.title, src.published_on, src.url, o.slug
    FROM heritage_damagereport r
    JOIN heritage_source src ON src.id = r.source_id
    LEFT JOIN heritage_outlet o ON o.id = src.outlet_id
    WHERE r.monument_id = %s AND r.review_status = 'accepted'
    ORDER BY src.published_on, src.key, r.key
    """,
]
REVISION_SQL = "SELECT number, changed_at FROM heritage_revision WHERE id = 1"


def raw_list_page() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(LIST_SQL + " LIMIT 100 OFFSET 0")
        rows = cursor.fetchall()
        cursor.execute("SELECT COUNT(*) FROM heritage_monument")
        cursor.fetchone()
    return len(rows)


def raw_detail(slug: str) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(DETAIL_SQL[0], [slug])
        monument = cursor.fetchone()
        cursor.execute(DETAIL_SQL[1], [monument[0]])
        cursor.fetchall()
        cursor.execute(DETAIL_SQL[2], [monument[0]])
        return len(cursor.fetchall())


def raw_csv() -> int:
    from django.db import connection

    count = 0
    with connection.cursor() as cursor:
        cursor.execute(LIST_SQL)
        while rows := cursor.fetchmany(2000):
            count += len(rows)
    return count


def raw_revision() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(REVISION_SQL)
        cursor.fetchone()


# --- measuring ---------------------------------------------------------------------------


def median_ms(fn: Callable[[], object], repeat: int) -> float:
    fn()  # warm-up
    times = []
    for _ in range(repeat):
        gc.collect()
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def query_count(fn: Callable[[], object]) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # The log keeps 9,000 queries by default; the straightforward CSV makes more.
    saved, connection.queries_log = connection.queries_log, deque(maxlen=10_000_000)
    try:
        with CaptureQueriesContext(connection) as captured:
            fn()
        return len(captured.captured_queries)
    finally:
        connection.queries_log = saved


def fetch(client, url: str, status: int = 200, **headers) -> int:
    """GET *url* and read the whole body; return its size."""
    response = client.get(url, **headers)
    if response.status_code != status:
        raise SystemExit(f"GET {url}: expected {status}, got {response.status_code}")
    if response.streaming:
        return sum(len(chunk) for chunk in response.streaming_content)
    return len(response.content)


def etag_of(client, url: str) -> str:
    response = client.get(url)
    etag = response.get("ETag")
    if response.status_code != 200 or not etag:
        raise SystemExit(f"GET {url}: no ETag on a {response.status_code}")
    return etag


class Row:
    def __init__(self, name: str) -> None:
        self.name = name
        self.ms: dict[str, float] = {}
        self.queries: dict[str, int] = {}
        self.size = 0


VARIANTS = ("ours", "raw", "straightforward", "straightforward-sr")


def urls(prefix: str, slug: str) -> dict[str, str]:
    if prefix == "api":
        return {"list": LIST_URL, "detail": f"/api/monuments/{slug}/", "csv": CSV_URL}
    return {
        "list": f"/{prefix}/monuments/?page_size=100",
        "detail": f"/{prefix}/monuments/{slug}/",
        "csv": f"/{prefix}/monuments.csv",
    }


def run(args: argparse.Namespace) -> list[Row]:
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    slug, claims = detail_slug(args.seed)
    print(f"Detail: /api/monuments/{slug}/ ({claims} accepted claims)\n")
    http = {
        "ours": urls("api", slug),
        "straightforward": urls("straightforward", slug),
        "straightforward-sr": urls("straightforward-sr", slug),
    }
    etags = {v: {k: etag_of(client, u[k]) for k in ("list", "detail")} for v, u in http.items()}

    def get(variant: str, what: str) -> Callable[[], int]:
        return lambda: fetch(client, http[variant][what])

    def not_modified(variant: str, what: str) -> Callable[[], int]:
        url, etag = http[variant][what], etags[variant][what]
        return lambda: fetch(client, url, 304, HTTP_IF_NONE_MATCH=etag)

    cases = [
        ("list page of 100", "list", get, raw_list_page),
        (f"detail ({claims} claims)", "detail", get, lambda: raw_detail(slug)),
        ("CSV export (all)", "csv", get, raw_csv),
        ("304 detail", "detail", not_modified, raw_revision),
        ("304 list page", "list", not_modified, raw_revision),
    ]
    rows = []
    for label, what, request, floor in cases:
        row = Row(label)
        variants = {"ours": request("ours", what), "raw": floor}
        variants.update({v: request(v, what) for v in VARIANTS[2:]})
        for variant, fn in variants.items():
            row.queries[variant] = query_count(fn)
            row.ms[variant] = median_ms(fn, args.repeat)
            if variant == "ours" and request is get:
                row.size = fn()
            print(f"  {label:<22} {variant:<18} {row.ms[variant]:10.2f} ms", flush=True)
        rows.append(row)
    return rows


def profile_list(repeat: int = 50) -> str:
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    fetch(client, LIST_URL)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(repeat):
        fetch(client, LIST_URL)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(35)
    return out.getvalue()


# --- output ------------------------------------------------------------------------------


def markdown_table(headers: list[str], rows: list[list[object]]) -> str:
    cells = [[str(h) for h in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]

    def line(row: list[str]) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |"

    out = [line(cells[0]), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    out.extend(line(r) for r in cells[1:])
    return "\n".join(out)


def report(rows: list[Row], args: argparse.Namespace, prepared: str) -> str:
    from django.db import connection

    from heritage.models import DamageReport, Monument, Source

    vendor = connection.vendor
    version = (
        connection.Database.sqlite_version
        if vendor == "sqlite"
        else ".".join(str(v) for v in divmod(connection.pg_version, 10000))
        if vendor == "postgresql"
        else ""
    )
    headers = [
        "request",
        "ours ms",
        "raw SQL ms",
        "straightforward ms",
        "straightforward+sr ms",
        "ours / raw",
        "straightforward / ours",
        "straightforward+sr / ours",
        "queries (ours / raw / sf / sf+sr)",
        "ours body",
    ]
    table = []
    for r in rows:
        ms = r.ms
        table.append(
            [
                r.name,
                f"{ms['ours']:.2f}",
                f"{ms['raw']:.2f}",
                f"{ms['straightforward']:.1f}",
                f"{ms['straightforward-sr']:.1f}",
                f"{ms['ours'] / ms['raw']:.1f}x",
                f"{ms['straightforward'] / ms['ours']:.1f}x",
                f"{ms['straightforward-sr'] / ms['ours']:.1f}x",
                " / ".join(str(r.queries[v]) for v in VARIANTS),
                f"{r.size / 1024:.0f} KiB" if r.size else "-",
            ]
        )
    counts = (
        f"{Monument.objects.count()} monuments, {Source.objects.count()} sources, "
        f"{DamageReport.objects.count()} claims"
    )
    lines = [
        f"## {vendor} {version}: {counts}",
        "",
        f"Registry: {prepared}",
        f"Median of {args.repeat} runs after one warm-up.",
        "",
        markdown_table(headers, table),
        "",
    ]
    page = rows[0].ms
    within = page["ours"] / page["raw"]
    faster = page["straightforward"] / page["ours"]
    lines.append(
        f"Goal: list page within {LIST_WITHIN_RAW:g}x of raw SQL: {within:.1f}x, "
        + ("met" if within <= LIST_WITHIN_RAW else "MISSED")
    )
    lines.append(
        f"Goal: list page at least {LIST_FASTER_THAN_STRAIGHTFORWARD:g}x faster than "
        f"straightforward: {faster:.1f}x, "
        + ("met" if faster >= LIST_FASTER_THAN_STRAIGHTFORWARD else "MISSED")
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    url = configure(args)
    from django.core.management.base import CommandError
    from django.test.utils import override_settings

    print(f"Database: {url}", flush=True)
    with override_settings(DEBUG=False):
        try:
            prepared = prepare(args)
        except CommandError as exc:
            raise SystemExit(f"error: {exc}") from None
        print(f"Registry: {prepared}", flush=True)
        install_urlconf()
        with override_settings(ROOT_URLCONF=URLCONF):
            rows = run(args)
            print()
            print(report(rows, args, prepared))
            if args.profile:
                print("\n### Profile of our list page (50 requests)\n")
                print(profile_list())


if __name__ == "__main__":
    main()
