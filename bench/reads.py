"""Time the API's reads that used to grow with the registry, before and after.

Usage::

    .venv/bin/python bench/reads.py [--database-url URL | --sqlite-path PATH]
        [--monuments 10000] [--reports 200000] [--repeat 5] [--before TREE] [--rounds 1]

The registry is the one ``bench/api.py`` builds (``manage.py seed_synthetic``; seeded
here when the database is empty). Every request goes through Django's test client (the
whole middleware stack) and reads the body to its end; times are medians of --repeat
runs after one warm-up, in milliseconds: wall-clock, and the CPU time of the process
(which leaves out waiting on other processes and on the disk, so it is steadier on a
busy machine; on PostgreSQL it leaves out the database's work too). The floor is the
raw SQL that fetches the same rows (``connection.cursor()``, no HTTP, no objects, no JSON). Query counts come
from a separate, untimed run.

``--before TREE`` also runs the same requests, on the same database and in the same
invocation, with the code of another checkout (``git worktree add /tmp/before main``):
one subprocess per tree, this checkout first (it migrates the database and fills the
stored past). A request the old code answers in more than 5 seconds is timed once,
without a warm-up; one it does not know (``after=``) is left out. ``--rounds N`` runs the
trees N times each, taking turns, and reports each request's median over the rounds.

Deep pages are taken at the same share of each list at every size (page 1,500 of 1,700
claims at 10k is page 150 of 171 at 1k), so the figures of two sizes compare.

Prints one markdown table; asserts nothing.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

# (label, URL); {slug} is the monument with nearest to 20 accepted claims, {site} a
# site. Deep pages sit at the same share of each list at every size (DEEP): {monuments},
# {past}, {sources} and {reports} are page numbers, {deep} the claim just before the
# reports page (the last of the page before it), for the same page read by key.
REQUESTS = [
    ("a site (what any request costs)", "/api/sites/{site}/"),
    ("list page of 100 (today)", "/api/monuments/?page_size=100"),
    ("state=destroyed (today)", "/api/monuments/?page_size=100&state=destroyed"),
    ("ordering=name", "/api/monuments/?page_size=100&ordering=name"),
    ("ordering=-updated", "/api/monuments/?page_size=100&ordering=-updated"),
    ("ordering=-confidence (today)", "/api/monuments/?page_size=100&ordering=-confidence"),
    ("kind=temple", "/api/monuments/?page_size=100&kind=temple"),
    ("as_of=2016-01-01", "/api/monuments/?page_size=100&as_of=2016-01-01"),
    ("known_at=2016-01-01", "/api/monuments/?page_size=100&known_at=2016-01-01"),
    (
        "as_of=2018-06-30&state=destroyed",
        "/api/monuments/?page_size=100&as_of=2018-06-30&state=destroyed",
    ),
    (
        "known_at=2020-01-01, -confidence, page 20 at 10k",
        "/api/monuments/?page_size=100&known_at=2020-01-01&ordering=-confidence&page={past}",
    ),
    ("list, last page (offset 9,900 at 10k)", "/api/monuments/?page_size=100&page={monuments}"),
    ("list, last page by key (after=)", "/api/monuments/?page_size=100&after={deep_monument}"),
    ("sources page of 100", "/api/sources/?page_size=100"),
    ("sources page 500 at 10k (offset 49,900)", "/api/sources/?page_size=100&page={sources}"),
    ("sources page 500 by key (after=)", "/api/sources/?page_size=100&after={deep_source}"),
    ("reports page of 100", "/api/reports/?page_size=100"),
    ("reports state=destroyed", "/api/reports/?page_size=100&state=destroyed"),
    ("reports page 1,500 at 10k (offset 149,900)", "/api/reports/?page_size=100&page={reports}"),
    ("reports page 1,500 by key (after=)", "/api/reports/?page_size=100&after={deep}"),
    ("detail", "/api/monuments/{slug}/"),
    ("timeline", "/api/monuments/{slug}/timeline/"),
]
SLOW_MS = 5000

LIST_SQL = """
SELECT m.id, m.slug, m.name, m.kind, s.slug, p.slug, m.latitude, m.longitude,
       m.location_precision_m, m.updated_at, c.state, c.confidence, c.independent_origins,
       c.contested, c.single_origin, c.overridden, c.claim_count, c.latest_observation,
       c.changed_at
FROM heritage_monument m
JOIN heritage_site s ON s.id = m.site_id
LEFT JOIN heritage_monument p ON p.id = m.part_of_id
LEFT JOIN heritage_monumentconsensus c ON c.monument_id = m.id
ORDER BY s.name, m.name, m.id LIMIT 100
"""
MONUMENT_SQL = """
SELECT m.id, m.slug, m.name, m.kind, m.description, s.slug, p.slug, m.latitude,
       m.longitude, m.location_precision_m, m.updated_at, c.state, c.evidence_state,
       c.confidence, c.independent_origins, c.contested, c.single_origin, c.overridden,
       c.claim_count, c.latest_observation, c.changed_at, c.explanation
FROM heritage_monument m
JOIN heritage_site s ON s.id = m.site_id
LEFT JOIN heritage_monument p ON p.id = m.part_of_id
LEFT JOIN heritage_monumentconsensus c ON c.monument_id = m.id
WHERE m.slug = %s
"""
CLAIMS_SQL = """
SELECT r.key, r.state, r.excerpt, r.attributed_to, r.evidence, r.observed_from,
       r.observed_to, r.cause, r.quantity, r.inferred, r.inference_note, r.rank,
       r.rank_reason, src.key, src.title, src.published_on, src.url, o.slug
FROM heritage_damagereport r
JOIN heritage_source src ON src.id = r.source_id
LEFT JOIN heritage_outlet o ON o.id = src.outlet_id
WHERE r.monument_id = %s AND r.review_status = 'accepted'
ORDER BY src.published_on, src.key, r.key
"""
# Deep pages as shares of each list (what they are at 10k): monuments page 100 of 100
# and page 20 of 100 ({past}), sources page 500 of 596, claims page 1,500 of 1,700.
DEEP = {
    "monuments": ("monuments", 1.0),
    "past": ("monuments", 0.2),
    "sources": ("sources", 500 / 596),
    "reports": ("reports", 1500 / 1700),
}
COUNT_SQL = {
    "monuments": "SELECT count(*) FROM heritage_monument",
    "sources": "SELECT count(*) FROM heritage_source",
    "reports": "SELECT count(*) FROM heritage_damagereport WHERE review_status = 'accepted'",
}
DEEP_MONUMENT_SQL = """
SELECT m.slug FROM heritage_monument m JOIN heritage_site s ON s.id = m.site_id
ORDER BY s.name, m.name, m.id LIMIT 1 OFFSET %s
"""
DEEP_SOURCE_SQL = (
    "SELECT key FROM heritage_source ORDER BY published_on DESC, key LIMIT 1 OFFSET %s"
)
DEEP_SQL = """
SELECT src.key, r.key
FROM heritage_damagereport r
JOIN heritage_source src ON src.id = r.source_id
WHERE r.review_status = 'accepted'
ORDER BY src.published_on, src.key, r.key
LIMIT 1 OFFSET %s
"""


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--monuments", type=int, default=10_000)
    parser.add_argument("--reports", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--database-url")
    parser.add_argument("--sqlite-path")
    parser.add_argument("--before", help="Checkout whose code to time as well.")
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="Run each tree this many times, taking turns, and report the median round "
        "(steadier on a shared machine).",
    )
    parser.add_argument("--tree", help=argparse.SUPPRESS)  # a subprocess: code to import
    return parser.parse_args(argv)


def database_url(args) -> str:
    if args.database_url:
        return args.database_url
    path = args.sqlite_path or (
        f"/tmp/heritage-bench-{args.monuments}-{args.reports}-s{args.seed}.sqlite3"
    )
    return f"sqlite:///{Path(path).resolve()}"


# --- one tree, in a subprocess ---------------------------------------------------------


def measure(args) -> dict:
    tree = Path(args.tree).resolve()
    sys.path.insert(0, str(tree))
    os.chdir(tree)
    os.environ["DATABASE_URL"] = database_url(args)
    os.environ["DJANGO_SETTINGS_MODULE"] = "registry.settings.dev"
    os.environ["API_ANON_RATE"] = "1000000/minute"
    # Time the work of answering, not the response cache (a repeat would be a hit).
    os.environ["API_RESPONSE_CACHE_MAX_BYTES"] = "0"
    os.environ["LOG_LEVEL"] = "WARNING"  # request lines would mix with the results
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    out: dict = {"tree": str(tree), "prepared": ""}
    if tree == ROOT:
        out["prepared"] = prepare(args)
    slug = detail_slug(args.seed)
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM heritage_monument WHERE slug = %s", [slug])
        monument_id = cursor.fetchone()[0]
        cursor.execute("SELECT slug FROM heritage_site ORDER BY slug LIMIT 1")
        site = cursor.fetchone()[0]
        pages = {}
        for name, (counted, share) in DEEP.items():
            cursor.execute(COUNT_SQL[counted])
            pages[name] = max(1, round(-(-cursor.fetchone()[0] // 100) * share))
        cursor.execute(DEEP_SQL, [(pages["reports"] - 1) * 100 - 1])
        deep = "/".join(cursor.fetchone())
        cursor.execute(DEEP_MONUMENT_SQL, [(pages["monuments"] - 1) * 100 - 1])
        deep_monument = cursor.fetchone()[0]
        cursor.execute(DEEP_SOURCE_SQL, [(pages["sources"] - 1) * 100 - 1])
        deep_source = cursor.fetchone()[0]
    floors = {
        "list page of 100 (today)": lambda: sql([(LIST_SQL, [])]),
        "detail": lambda: sql([(MONUMENT_SQL, [slug]), (CLAIMS_SQL, [monument_id])]),
        "timeline": lambda: sql([(MONUMENT_SQL, [slug]), (CLAIMS_SQL, [monument_id])]),
    }
    client = Client(HTTP_HOST="127.0.0.1")
    results = {}
    with override_settings(DEBUG=False):
        for label, url in REQUESTS:
            url = url.format(
                slug=slug,
                site=site,
                deep=deep,
                deep_monument=deep_monument,
                deep_source=deep_source,
                **pages,
            )
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                size = fetch(client, url)
                first = (time.perf_counter() - started) * 1000
            if size is None:  # a request this code does not know (400)
                results[label] = None
                continue
            queries = len(captured.captured_queries)
            if first > SLOW_MS:
                ms, cpu = first, None
            else:
                ms, cpu = median_ms(lambda u=url: fetch(client, u), args.repeat)
            floor = median_ms(floors[label], args.repeat)[0] if label in floors else None
            results[label] = {
                "ms": ms,
                "cpu": cpu,
                "queries": queries,
                "bytes": size,
                "floor": floor,
            }
            print(f"  {tree.name:<12} {label:<42} {ms:10.1f} ms", file=sys.stderr, flush=True)
    out["results"] = results
    out["maxrss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out["vendor"] = connection.vendor
    return out


def prepare(args) -> str:
    """Migrate; seed when empty; fill the stored past when the migration just added it."""
    from django.core.management import call_command
    from django.db import connection

    from heritage import services
    from heritage.models import ConsensusPeriod, Monument

    call_command("migrate", interactive=False, verbosity=0)
    said = []
    if not Monument.objects.exists():
        started = time.perf_counter()
        call_command(
            "seed_synthetic",
            monuments=args.monuments,
            reports=args.reports,
            seed=args.seed,
            stdout=sys.stderr,  # stdout carries the results, as JSON
        )
        said.append(f"seeded in {time.perf_counter() - started:.0f} s")
    if not ConsensusPeriod.objects.exists():
        started = time.perf_counter()
        ids = list(Monument.objects.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(ids), 500):
            services.refresh_consensus(monument_ids=ids[start : start + 500])
        said.append(
            f"stored past filled by refresh_consensus in {time.perf_counter() - started:.0f} s"
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # Statistics, and the visibility map a migration's rewrite of a table leaves
            # stale (index-only scans read the table until a vacuum; autovacuum may be
            # off, or not have run yet).
            cursor.execute("VACUUM ANALYZE")
    return "; ".join(said) or "reused"


def detail_slug(seed: int) -> str:
    from django.db.models import Count, Q

    from heritage.models import Monument

    counts = (
        Monument.objects.filter(slug__startswith=f"synthetic-s{seed}-")
        .annotate(n=Count("reports", filter=Q(reports__review_status="accepted")))
        .values_list("slug", "n")
    )
    return min(counts, key=lambda row: (abs(row[1] - 20), row[0]))[0]


def sql(statements) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for statement, params in statements:
            cursor.execute(statement, params)
            cursor.fetchall()


def fetch(client, url: str) -> int | None:
    response = client.get(url)
    if response.status_code == 400 and "after=" in url:
        return None  # older code pages by number only
    if response.status_code != 200:
        raise SystemExit(f"GET {url}: {response.status_code} {response.content[:300]!r}")
    if response.streaming:
        return sum(len(chunk) for chunk in response.streaming_content)
    return len(response.content)


def median_ms(fn, repeat: int) -> tuple[float, float]:
    """Median wall-clock and CPU milliseconds of this process (the CPU time leaves out
    waiting: on other processes of a busy machine, on PostgreSQL, on the disk)."""
    fn()
    times, cpu = [], []
    for _ in range(repeat):
        gc.collect()
        started, started_cpu = time.perf_counter(), time.process_time()
        fn()
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return statistics.median(times) * 1000, statistics.median(cpu) * 1000


# --- the driver ------------------------------------------------------------------------


def run_tree(args, tree: Path) -> dict:
    command = [sys.executable, __file__, "--tree", str(tree), "--repeat", str(args.repeat)]
    command += ["--monuments", str(args.monuments), "--reports", str(args.reports)]
    command += ["--seed", str(args.seed)]
    if args.database_url:
        command += ["--database-url", args.database_url]
    if args.sqlite_path:
        command += ["--sqlite-path", args.sqlite_path]
    done = subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True)
    return json.loads(done.stdout)


def table(after: dict, before: dict | None) -> str:
    headers = ["request", "after ms", "CPU ms", "queries"]
    if before:
        headers += ["before ms", "CPU ms", "queries", "before / after"]
    headers += ["SQL floor ms", "after / floor"]
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]

    def cpu(run: dict) -> str:
        return "" if run["cpu"] is None else f"{run['cpu']:,.1f}"

    for label, _ in REQUESTS:
        a = after["results"][label]
        cells = [label, f"{a['ms']:.1f}", cpu(a), str(a["queries"])]
        if before:
            b = before["results"].get(label)
            if b is None:
                cells += ["–", "–", "–", "–"]
            else:
                cells += [
                    f"{b['ms']:,.1f}",
                    cpu(b),
                    str(b["queries"]),
                    f"{b['ms'] / a['ms']:,.1f}x",
                ]
        floor = a["floor"]
        cells += [f"{floor:.1f}" if floor else "", f"{a['ms'] / floor:.1f}x" if floor else ""]
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    lines.append(
        f"Peak memory of the process: after {after['maxrss_mb']:.0f} MB"
        + (f", before {before['maxrss_mb']:.0f} MB" if before else "")
    )
    return "\n".join(lines)


def main(argv=None) -> None:
    args = parse_args(argv)
    if args.tree:
        print(json.dumps(measure(args)))
        return
    print(f"Database: {database_url(args)}", flush=True)
    afters, befores = [], []
    for _ in range(args.rounds):
        afters.append(run_tree(args, ROOT))
        if args.before:
            befores.append(run_tree(args, Path(args.before)))
    after = combined(afters)
    before = combined(befores) if befores else None
    print(f"Registry: {afters[0]['prepared']} ({after['vendor']})")
    print(
        f"Median of {args.repeat} runs after one warm-up (one run when over {SLOW_MS} ms)"
        + (
            f", then the median of {args.rounds} rounds, the trees taking turns"
            if args.rounds > 1
            else ""
        )
        + ".\n"
    )
    print(table(after, before))


def combined(runs: list[dict]) -> dict:
    """One tree's rounds as one run: each request's median time, the peak memory."""
    out = dict(runs[0])
    out["maxrss_mb"] = max(r["maxrss_mb"] for r in runs)
    out["results"] = {}
    for label, first in runs[0]["results"].items():
        if first is None:
            out["results"][label] = None
            continue
        cpus = [r["results"][label]["cpu"] for r in runs]
        out["results"][label] = {
            **first,
            "ms": statistics.median(r["results"][label]["ms"] for r in runs),
            "cpu": None if None in cpus else statistics.median(cpus),
            "floor": statistics.median(r["results"][label]["floor"] or 0 for r in runs) or None,
        }
    return out


if __name__ == "__main__":
    main()
