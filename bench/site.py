"""Time the public pages against the API's detail of the same monument, in one run.

Usage::

    .venv/bin/python bench/site.py [--monuments 10000] [--reports 200000] [--repeat 5]
        [--database-url postgres://postgres@127.0.0.1:5432/public_bench | --sqlite-path PATH]
        [--seed 1]

The registry is built (or reused) exactly as ``bench/api.py`` builds it, with
``manage.py seed_synthetic``: 10,000 monuments and 200,000 claims by default. Measured
with Django's test client (the whole middleware stack), medians of --repeat runs after a
warm-up, in milliseconds:

* the home page (English and Arabic) and the compact GeoJSON its map loads;
* a monument's page (the monument whose accepted claims are nearest to 20), today and as
  of a past date, and its 304;
* a page of the monument list;
* the API's detail of the same monument: the baseline every row is divided by.

Query counts come from a separate, untimed run. Nothing is asserted.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import api as api_bench  # noqa: E402  (bench/api.py: the registry and the timers)


def run(args) -> list[tuple[str, str, float, int, int]]:
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    slug, claims = api_bench.detail_slug(args.seed)
    page = f"/monuments/{slug}/"
    etag = api_bench.etag_of(client, page)
    measured = [
        ("API detail (baseline)", f"/api/monuments/{slug}/", {}),
        ("home", "/", {}),
        ("home, Arabic", "/ar/", {}),
        ("map points (compact GeoJSON)", "/map/points.geojson", {}),
        (f"monument page ({claims} claims)", page, {}),
        ("monument page as of 2018-01-01", f"{page}?as_of=2018-01-01", {}),
        ("monument page, 304", page, {"HTTP_IF_NONE_MATCH": etag}),
        ("monument list, page of 50", "/monuments/?sort=-confidence", {}),
    ]
    rows = []
    for name, url, headers in measured:
        status = 304 if headers else 200

        def get(url=url, headers=headers, status=status):
            return api_bench.fetch(client, url, status, **headers)

        size = get()
        rows.append(
            (
                name,
                url,
                api_bench.median_ms(get, args.repeat),
                api_bench.query_count(get),
                size,
            )
        )
    return rows


def report(rows, args, prepared: str) -> str:
    from django.db import connection

    baseline = rows[0][2]
    lines = [
        f"Registry: {args.monuments} monuments, {args.reports} claims on {connection.vendor} "
        f"({prepared}); median of {args.repeat} runs.",
        "",
        "| request | ms | x API detail | queries | bytes |",
        "| --- | --- | --- | --- | --- |",
    ]
    for name, _url, ms, queries, size in rows:
        lines.append(f"| {name} | {ms:.1f} | {ms / baseline:.1f}x | {queries} | {size:,} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    args = api_bench.parse_args(argv)
    api_bench.configure(args)
    prepared = api_bench.prepare(args)
    print(report(run(args), args, prepared))


if __name__ == "__main__":
    main()
