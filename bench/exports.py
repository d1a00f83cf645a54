"""Time the full exports against the SQL floor, in one process; measure their memory.

For each whole-list export (monuments CSV and GeoJSON, sources CSV, claims CSV) it times,
median of ``--repeat`` interleaved runs:

* **floor**: ``connection.cursor()`` (on PostgreSQL with psycopg's own timestamp loader,
  as the exports use) fetching the same rows and columns the export
  carries (for monuments, the join with the site, group and stored consensus, plus every
  alias; for sources, the claim counts and the credit and copy links), with
  ``fetchmany(2000)`` and nothing else;
* **SQL + csv.writer**: the floor plus writing each fetched tuple with ``csv.writer``,
  which is what a minimal CSV exporter (Datasette's, for instance) does;
* **ours**: the API's response through Django's test client, read to its last byte;
* **ours, gzip**: the same with ``Accept-Encoding: gzip`` (and the compression ratio).

Then it reports the peak Python memory (tracemalloc) while streaming each export: with
``--monuments`` ten times larger it should stay about the same.

    .venv/bin/python bench/exports.py                     # 10,000 monuments, SQLite under /tmp
    .venv/bin/python bench/exports.py --monuments 1000 --reports 20000
    .venv/bin/python bench/exports.py --only monuments    # the monuments CSV and GeoJSON
    .venv/bin/python bench/exports.py --cpu --repeat 9    # CPU time: steadier on a busy machine
    createdb -h 127.0.0.1 -U postgres bench_exports
    .venv/bin/python bench/exports.py --database-url postgres://postgres@127.0.0.1:5432/bench_exports

It prints figures and asserts nothing.
"""

from __future__ import annotations

import argparse
import csv
import gc
import importlib.util
import io
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# The registry set-up is bench/api.py's (same databases, same synthetic registry).
_spec = importlib.util.spec_from_file_location("bench_api", Path(__file__).with_name("api.py"))
bench_api = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench_api)

MONUMENTS_SQL = """
SELECT m.id, m.slug, m.name, m.kind, s.slug, p.slug, m.latitude, m.longitude,
       m.location_precision_m, m.wikidata, m.geonames, m.pleiades, m.updated_at,
       c.state, c.confidence, c.independent_origins, c.contested, c.single_origin,
       c.overridden, c.claim_count, c.latest_observation, c.changed_at
FROM heritage_monument m
JOIN heritage_site s ON s.id = m.site_id
LEFT JOIN heritage_monument p ON p.id = m.part_of_id
LEFT JOIN heritage_monumentconsensus c ON c.monument_id = m.id
ORDER BY s.name, m.name, m.id
"""
ALIASES_SQL = "SELECT monument_id, language, name FROM heritage_alias ORDER BY language, name"
SOURCES_SQL = [
    """
    SELECT src.id, src.key, src.kind, src.title, o.slug, src.byline, src.dateline,
           src.published_on, src.url, src.language, src.wire_story,
           (SELECT COUNT(*) FROM heritage_damagereport r
            WHERE r.source_id = src.id AND r.review_status = 'accepted')
    FROM heritage_source src LEFT JOIN heritage_outlet o ON o.id = src.outlet_id
    ORDER BY src.published_on DESC, src.key
    """,
    """SELECT w.source_id, o.slug FROM heritage_source_wire_credits w
       JOIN heritage_outlet o ON o.id = w.outlet_id""",
    """SELECT w.source_id, o.slug FROM heritage_source_photo_credits w
       JOIN heritage_outlet o ON o.id = w.outlet_id""",
    """SELECT c.from_source_id, t.key FROM heritage_source_copies_passages_from c
       JOIN heritage_source t ON t.id = c.to_source_id""",
]
REPORTS_SQL = """
SELECT src.key, r.key, m.slug, r.state, r.excerpt, r.attributed_to, r.evidence,
       r.observed_from, r.observed_to, r.cause, r.quantity, r.inferred, r.inference_note,
       r.rank, r.rank_reason, src.title, o.slug, src.published_on, src.url
FROM heritage_damagereport r
JOIN heritage_source src ON src.id = r.source_id
JOIN heritage_monument m ON m.id = r.monument_id
LEFT JOIN heritage_outlet o ON o.id = src.outlet_id
WHERE r.review_status = 'accepted'
ORDER BY src.published_on, src.key, r.key
"""

EXPORTS = [
    ("monuments CSV", "/api/monuments/?format=csv", [MONUMENTS_SQL, ALIASES_SQL]),
    ("monuments GeoJSON", "/api/monuments/?format=geojson", [MONUMENTS_SQL, ALIASES_SQL]),
    ("sources CSV", "/api/sources/?format=csv", SOURCES_SQL),
    ("claims CSV", "/api/reports/?format=csv", [REPORTS_SQL]),
]


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--monuments", type=int, default=10_000)
    parser.add_argument("--reports", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--cpu",
        action="store_true",
        help="Time this process's CPU instead of the wall clock: steadier on a busy "
        "machine, and the whole cost on SQLite (which runs in the process), but it "
        "leaves out PostgreSQL's own work.",
    )
    parser.add_argument("--database-url")
    parser.add_argument("--sqlite-path")
    parser.add_argument(
        "--only", help="Time only the exports whose label contains this (monuments)."
    )
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    args.profile = False
    return args


def floor(queries: list[str], write_csv: bool = False) -> Callable[[], int]:
    def run() -> int:
        from django.db import connection

        from heritage.api import formats

        count = 0
        out = io.StringIO()
        writer = csv.writer(out)
        with connection.cursor() as cursor:
            # The fastest way to read the rows: on PostgreSQL with psycopg's own
            # timestamp loader, as the exports read them (not Django's, which is slower).
            loader = formats._timestamptz_loader(connection)
            if loader is not None:
                cursor.cursor.adapters.register_loader("timestamptz", loader)
            for sql in queries:
                cursor.execute(sql)
                while rows := cursor.fetchmany(2000):
                    count += len(rows)
                    if write_csv:
                        writer.writerows(rows)
                        out.seek(0)
                        out.truncate()
        return count

    return run


def ours(client, url: str, **headers) -> Callable[[], int]:
    def run() -> int:
        response = client.get(url, **headers)
        assert response.status_code == 200, response.status_code
        return sum(len(part) for part in response.streaming_content)

    return run


def peak_memory(fn: Callable[[], object]) -> float:
    gc.collect()
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()


def main(argv=None) -> None:
    args = parse_args(argv)
    url = bench_api.configure(args)
    from django.test.utils import override_settings

    # As in production: with DEBUG every query is recorded, and on SQLite its
    # parameters are quoted by a second query (the chunks' id lists).
    with override_settings(DEBUG=False):
        run(args, url, bench_api.prepare(args))


def run(args, url: str, prepared: str) -> None:
    now = time.process_time if args.cpu else time.perf_counter
    from django.db import connection
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    print(f"# Exports at {args.monuments:,} monuments / {args.reports:,} claims")
    print(f"database: {connection.vendor} ({url.split('@')[-1]}); registry {prepared}")
    clock = "CPU" if args.cpu else "wall-clock"
    print(f"median of {args.repeat} interleaved runs, {clock} milliseconds\n")
    header = [
        "export",
        "floor",
        "SQL + csv.writer",
        "ours",
        "ours, gzip",
        "ours / floor",
        "gzip / floor",
        "ours / SQL+csv",
        "size MB",
        "gzip ratio",
        "peak memory MB",
    ]
    print("| " + " | ".join(header) + " |")
    print("|" + " --- |" * len(header))
    for label, path, queries in EXPORTS:
        if args.only and args.only not in label:
            continue
        variants = {
            "floor": floor(queries),
            "csv": floor(queries, write_csv=True),
            "ours": ours(client, path),
            "gzip": ours(client, path, HTTP_ACCEPT_ENCODING="gzip"),
        }
        times: dict[str, list[float]] = {name: [] for name in variants}
        sizes = {name: fn() for name, fn in variants.items()}  # warm-up, and the sizes
        for _ in range(args.repeat):
            for name, fn in variants.items():
                gc.collect()
                started = now()
                fn()
                times[name].append((now() - started) * 1000)
        ms = {name: statistics.median(values) for name, values in times.items()}
        memory = peak_memory(variants["ours"])
        print(
            f"| {label} | {ms['floor']:.0f} | {ms['csv']:.0f} | {ms['ours']:.0f} | "
            f"{ms['gzip']:.0f} | {ms['ours'] / ms['floor']:.2f}x | "
            f"{ms['gzip'] / ms['floor']:.2f}x | {ms['ours'] / ms['csv']:.2f}x | "
            f"{sizes['ours'] / 1e6:.1f} | {sizes['ours'] / sizes['gzip']:.1f}x | "
            f"{memory:.1f} |"
        )


if __name__ == "__main__":
    main()
