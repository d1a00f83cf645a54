"""The scale ladder: what each write-side operation costs at 1k, 10k and 100k monuments.

Usage::

    .venv/bin/python bench/ladder.py                         # 1k, 10k, 100k; SQLite and PostgreSQL
    .venv/bin/python bench/ladder.py --sizes 1000,10000 --engines sqlite
    .venv/bin/python bench/ladder.py --postgres postgres://postgres@127.0.0.1:5432 --prefix ladder

Each rung is a synthetic registry (``heritage/synthetic.py``) of N monuments with about
20 claims each (2M claims at 100k), built once per database and reused by later runs:
SQLite files ``<dir>/ladder-<N>.sqlite3``, PostgreSQL databases ``<prefix>_<N>``
(created when missing). Every rung runs in its own process; at each rung it measures:

* **refresh, unchanged**: ``refresh_all()`` when every stored consensus is current (the
  reads and the engine: what a nightly recompute costs), with claims per second and the
  process's peak memory;
* **refresh, all changed**: the same after every stored row was made stale, so every
  row is written; the ratio to the unchanged refresh is what the writes add;
* **refresh, every past recomputed**: the same after every stored past (timeline and
  periods) was made stale, as deploying a new engine does: every monument's history is
  computed again and every period rewritten;
* **one claim**: a reviewer pins one claim (``services.rank_report``): time and queries;
* **one article**: ``loaddata`` of one new 20-claim article (rolled back): time, queries;
* **admin**: every changelist, a deep page of the claims list (by page number, with
  ``OFFSET``, and by key, ``?before=``) and the change page of the monument with the
  most claims, as a superuser through the test client: time and queries.

Then it prints one table per engine: each figure at each size, and the growth from one
size to the next (``x10.2`` when the registry grew ten times). Linear work grows about
as much as the registry; constant work stays near x1. Times are medians of --repeat runs
(one run for the refreshes: they are long at 100k). Nothing is asserted. Each rung's
figures are kept in ``<dir>/results.json``; ``--report`` prints the tables from it.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

CLAIMS_PER_MONUMENT = 20
ARTICLE_CLAIMS = 20


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000", help="Monuments per rung.")
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--dir", default="/tmp/heritage-ladder", help="Where SQLite rungs live.")
    parser.add_argument(
        "--postgres",
        default="postgres://postgres@127.0.0.1:5432",
        help="PostgreSQL server URL (without a database name).",
    )
    parser.add_argument("--prefix", default="heritage_ladder", help="PostgreSQL database prefix.")
    parser.add_argument("--repeat", type=int, default=5, help="Runs per short measurement.")
    parser.add_argument("--skip-refresh", action="store_true", help="Leave out the refreshes.")
    parser.add_argument(
        "--report",
        action="store_true",
        help="Only print the tables of the rungs measured before (kept in <dir>/results.json).",
    )
    parser.add_argument("--rung", help=argparse.SUPPRESS)  # engine:size, run in a child
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.size_list = [int(s) for s in args.sizes.split(",") if s]
    args.engine_list = [e for e in args.engines.split(",") if e]
    return args


def database_url(args: argparse.Namespace, engine: str, size: int) -> str:
    if engine == "sqlite":
        Path(args.dir).mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{Path(args.dir).resolve()}/ladder-{size}.sqlite3"
    return f"{args.postgres.rstrip('/')}/{args.prefix}_{size}"


def ensure_postgres_database(url: str) -> None:
    import psycopg

    server, name = url.rsplit("/", 1)
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


# --- the parent: one child process per rung, then the tables ----------------------------


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.rung:
        return run_rung(args)
    Path(args.dir).mkdir(parents=True, exist_ok=True)
    stored = Path(args.dir) / "results.json"
    kept = json.loads(stored.read_text()) if stored.exists() else {}
    results: dict[str, dict[int, dict]] = {}
    for engine in args.engine_list:
        for size in args.size_list:
            if args.report:
                if f"{engine}:{size}" in kept:
                    results.setdefault(engine, {})[size] = kept[f"{engine}:{size}"]
                continue
            url = database_url(args, engine, size)
            if engine == "postgresql":
                ensure_postgres_database(url)
            seed_if_needed(url, size)
            with tempfile.NamedTemporaryFile(suffix=".json") as out:
                command = [sys.executable, __file__, "--rung", f"{engine}:{size}", "--out"]
                command += [out.name, "--repeat", str(args.repeat)]
                command += ["--skip-refresh"] if args.skip_refresh else []
                print(f"{engine} {size}: measuring …", flush=True)
                # Request log lines would bury the progress and the tables.
                env = {**os.environ, "DATABASE_URL": url, "LOG_LEVEL": "WARNING"}
                subprocess.run(command, check=True, env=env)
                results.setdefault(engine, {})[size] = json.loads(Path(out.name).read_text())
            # Kept as each rung ends, so that a long ladder can be reported in parts.
            kept[f"{engine}:{size}"] = results[engine][size]
            stored.write_text(json.dumps(kept, indent=1))
    for engine, by_size in results.items():
        print_table(engine, by_size)
    return 0


def seed_if_needed(url: str, size: int) -> None:
    """Migrate, and build the rung's registry unless it is already there."""
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "registry.settings.dev"}
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], check=True, env=env)
    count = subprocess.run(
        [
            *manage,
            "shell",
            "-c",
            "from heritage.models import Monument;"
            "print(Monument.objects.filter(slug__startswith='synthetic-s1-').count())",
        ],
        check=True,
        env=env,
        capture_output=True,
        text=True,
    )
    present = int(count.stdout.strip().splitlines()[-1])
    if present == size:
        return
    if present:
        raise SystemExit(f"{url} holds {present} synthetic monuments, not {size}: drop it first.")
    print(f"seeding {size} monuments into {url} …", flush=True)
    started = time.perf_counter()
    subprocess.run(
        [*manage, "seed_synthetic", "--monuments", str(size), "--reports"]
        + [str(size * CLAIMS_PER_MONUMENT)],
        check=True,
        env=env,
    )
    print(f"seeded in {time.perf_counter() - started:.0f} s", flush=True)


# Rows of the table: (label, key in the results, unit, format).
ROWS = [
    ("refresh, unchanged", "refresh_unchanged_s", "s", "{:.1f}"),
    ("refresh, unchanged: claims/s", "refresh_claims_per_s", "", "{:,.0f}"),
    ("refresh, all changed", "refresh_changed_s", "s", "{:.1f}"),
    ("refresh, every past recomputed", "refresh_past_s", "s", "{:.1f}"),
    ("refresh, every past recomputed: claims/s", "refresh_past_claims_per_s", "", "{:,.0f}"),
    ("refresh peak memory", "refresh_peak_mb", "MB", "{:,.0f}"),
    ("one claim pinned", "one_claim_ms", "ms", "{:.1f}"),
    ("one claim pinned: queries", "one_claim_queries", "", "{:.0f}"),
    ("one article loaded", "article_ms", "ms", "{:.0f}"),
    ("one article loaded: queries", "article_queries", "", "{:.0f}"),
]
ADMIN_PAGES = [
    "monument list",
    "claims list",
    "claims list, deep page",
    "claims list, deep page by key",
    "review queue",
    "source list",
    "monument with most claims",
]
for _page in ADMIN_PAGES:
    ROWS.append((f"admin: {_page}", f"admin {_page} ms", "ms", "{:.0f}"))
    ROWS.append((f"admin: {_page}: queries", f"admin {_page} queries", "", "{:.0f}"))


def print_table(engine: str, by_size: dict[int, dict]) -> None:
    sizes = sorted(by_size)
    head = [f"{engine}"] + [f"{s:,} monuments" for s in sizes]
    head += [f"growth {a // 1000}k→{b // 1000}k" for a, b in zip(sizes, sizes[1:], strict=False)]
    print()
    print("| " + " | ".join(head) + " |")
    print("|" + " --- |" * len(head))
    for label, key, unit, fmt in ROWS:
        values = [by_size[s].get(key) for s in sizes]
        if all(v is None for v in values):
            continue
        cells = [label + (f" ({unit})" if unit else "")]
        cells += [fmt.format(v) if v is not None else "–" for v in values]
        for a, b in zip(values, values[1:], strict=False):
            cells.append(f"x{b / a:.2f}" if a and b is not None else "–")
        print("| " + " | ".join(cells) + " |")
    extra = {s: by_size[s].get("notes") for s in sizes if by_size[s].get("notes")}
    for size, notes in extra.items():
        print(f"{size:,}: {notes}")


# --- the child: one rung ------------------------------------------------------------------


def run_rung(args: argparse.Namespace) -> int:
    os.environ["DJANGO_SETTINGS_MODULE"] = "registry.settings.dev"
    os.environ["ALLOWED_HOSTS"] = "testserver"
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    # As in production: with DEBUG on, Django keeps the last 9,000 statements' SQL, and
    # a refresh's large statements then made its peak memory grow with the registry.
    settings.DEBUG = False
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    results: dict = {}
    if not args.skip_refresh:
        results.update(measure_refresh())
    results.update(measure_one_claim(args.repeat))
    results.update(measure_article(args.repeat))
    results.update(measure_admin(args.repeat))
    Path(args.out).write_text(json.dumps(results))
    return 0


class Rollback(Exception):
    pass


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure_refresh() -> dict:
    from django.db import connection

    from heritage import services
    from heritage.models import DamageReport, MonumentConsensus

    claims = DamageReport.objects.accepted().count()
    started = time.perf_counter()
    changed = services.refresh_all()
    unchanged_s = time.perf_counter() - started
    memory = peak_mb()
    # Make every stored row stale (not timed): the next refresh writes them all.
    table = connection.ops.quote_name(MonumentConsensus._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET confidence = -1")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM ANALYZE {table}")
    started = time.perf_counter()
    rewritten = services.refresh_all()
    changed_s = time.perf_counter() - started
    # Make every stored past stale (not timed), as a new engine does on deploying: the
    # next refresh recomputes every timeline and rewrites every period.
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET history_digest = ''")
    started = time.perf_counter()
    services.refresh_all()
    past_s = time.perf_counter() - started
    return {
        "refresh_unchanged_s": unchanged_s,
        "refresh_claims_per_s": claims / unchanged_s,
        "refresh_changed_s": changed_s,
        "refresh_past_s": past_s,
        "refresh_past_claims_per_s": claims / past_s,
        "refresh_peak_mb": max(memory, peak_mb()),
        "notes": f"first refresh changed {changed} rows; the stale one rewrote {rewritten}",
    }


def timed(repeat: int, action) -> tuple[float, int]:
    """Median milliseconds of *action* over *repeat* runs, each rolled back, and the
    queries of the last run."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    times, queries = [], 0
    for _ in range(repeat + 1):  # the first run warms caches and is not counted
        try:
            with transaction.atomic(), CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                action()
                times.append((time.perf_counter() - started) * 1000)
                queries = len(captured)
                raise Rollback
        except Rollback:
            pass
    return statistics.median(times[1:]), queries


def measure_one_claim(repeat: int) -> dict:
    from django.contrib.auth import get_user_model

    from heritage import services
    from heritage.models import DamageReport, Rank

    report = (
        DamageReport.objects.accepted()
        .filter(monument__part_of__isnull=False, source__key__startswith="synthetic-s1-")
        .order_by("pk")
        .first()
    )
    User = get_user_model()

    def pin():
        curator = User.objects.create(username="ladder-curator")  # rolled back
        fresh = DamageReport.objects.get(pk=report.pk)
        services.rank_report(
            report=fresh, rank=Rank.PREFERRED, reason="Ladder benchmark.", curator=curator
        )

    ms, queries = timed(repeat, pin)
    return {"one_claim_ms": ms, "one_claim_queries": queries}


def article_fixture(path: Path) -> None:
    """A new 20-claim article about 20 synthetic monuments spread over the registry."""
    from heritage.models import Monument

    slugs = list(
        Monument.objects.filter(slug__startswith="synthetic-s1-", part_of__isnull=True)
        .exclude(kind="site")
        .order_by("pk")
        .values_list("slug", flat=True)
    )
    step = max(1, len(slugs) // ARTICLE_CLAIMS)
    chosen = slugs[::step][:ARTICLE_CLAIMS]
    key = "ladder-2016-04-01-new-article"
    objects = [
        {
            "model": "heritage.outlet",
            "fields": {"slug": "afp", "name": "Agence France-Presse", "kind": "news_agency"},
        },
        {
            "model": "heritage.source",
            "fields": {
                "key": key,
                "kind": "article",
                "outlet": ["afp"],
                "title": "Damage assessed across the region",
                "published_on": "2016-04-01",
                "language": "en",
                "wire_credits": [["afp"]],
            },
        },
    ]
    for n, slug in enumerate(chosen):
        objects.append(
            {
                "model": "heritage.damagereport",
                "fields": {
                    "source": [key],
                    "key": f"claim-{n}",
                    "monument": [slug],
                    "state": "damaged",
                    "excerpt": f"The monument ({slug}) was damaged in the fighting.",
                    "evidence": "eyewitness",
                    "observed_from": "2016-03-30",
                    "review_status": "drafted",
                },
            }
        )
    path.write_text(json.dumps(objects))


def measure_article(repeat: int) -> dict:
    from django.core.management import call_command

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "ladder-article.json"
        article_fixture(path)
        ms, queries = timed(repeat, lambda: call_command("loaddata", str(path), verbosity=0))
    return {"article_ms": ms, "article_queries": queries}


def measure_admin(repeat: int) -> dict:
    from django.contrib.auth import get_user_model
    from django.db.models import Count
    from django.test import Client
    from django.urls import reverse

    from heritage.models import DamageReport, Monument

    busiest = (
        Monument.objects.annotate(n=Count("reports")).order_by("-n").values_list("pk", flat=True)
    )[0]
    claims = reverse("admin:heritage_damagereport_changelist")
    last_page = max(1, DamageReport.objects.count() // 100)
    oldest = list(DamageReport.objects.order_by("pk").values_list("pk", flat=True)[:201])[-1]
    pages = {
        "monument list": reverse("admin:heritage_monument_changelist"),
        "claims list": claims,
        "claims list, deep page": f"{claims}?p={last_page}",
        "claims list, deep page by key": f"{claims}?before={oldest}",
        "review queue": reverse("admin:heritage_draftedclaim_changelist"),
        "source list": reverse("admin:heritage_source_changelist"),
        "monument with most claims": reverse("admin:heritage_monument_change", args=[busiest]),
    }
    User = get_user_model()
    user, _ = User.objects.get_or_create(
        username="ladder-admin", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client()
    client.force_login(user)
    results = {}
    try:
        for name, url in pages.items():

            def get(url=url):
                response = client.get(url)
                assert response.status_code == 200, (url, response.status_code)

            ms, queries = timed(repeat, get)
            results[f"admin {name} ms"] = ms
            results[f"admin {name} queries"] = queries
    finally:
        user.delete()
    return results


if __name__ == "__main__":
    sys.exit(main())
