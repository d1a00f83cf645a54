"""Time the registry's loaddata against Django's stock loaddata on 1,000 article files.

Usage::

    .venv/bin/python bench/ingest.py                    # SQLite and PostgreSQL, 3 runs each
    .venv/bin/python bench/ingest.py --engines sqlite --repeat 5
    .venv/bin/python bench/ingest.py --postgres postgres://postgres@127.0.0.1:5432 --prefix ingest

The files are cut from a synthetic registry of 1,000 monuments and 20,000 claims
(``heritage/synthetic.py``, seed 1): ``gazetteer.json`` with its sites, monuments,
aliases and outlets, and 1,000 article files of about 20 claims each (the sources and
their claims, drafted, as new articles arrive; wire credits and copy links across
files). Both commands load all 1,001 files in one command into an empty, migrated
database (a fresh copy for every run), in a process of their own, interleaved:

* **ours**: ``manage.py loaddata`` (validates every object, refuses changes to stored
  records, loads all or nothing, then derives the search text and the consensus);
* **stock**: Django's own ``loaddata`` command on the same files (no validation).

Printed: seconds (median of --repeat runs), claims per second, ours / stock, and the CPU
seconds of each loading process (steadier than the clock on a busy machine).
Nothing is asserted. PostgreSQL databases ``<prefix>`` and ``<prefix>_template`` are
created and dropped at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

MONUMENTS = 1000
CLAIMS = 20_000
FILES = 1000


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--dir", default="/tmp/heritage-ingest", help="Files and SQLite copies.")
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--prefix", default="heritage_ingest", help="PostgreSQL database name.")
    parser.add_argument(
        "--files", type=int, default=FILES, help="Load only the first N article files."
    )
    parser.add_argument("--load", choices=["ours", "stock"], help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def manage(url: str, *args: str, capture: bool = False) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "registry.settings.dev"}
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        check=True,
        env=env,
        capture_output=capture,
        text=True,
    )


# --- the files ------------------------------------------------------------------------------


def write_files(folder: Path) -> list[str]:
    """Seed the registry the files are cut from (once), then write the 1,001 files."""
    files = folder / "files"
    if files.is_dir() and len(list(files.glob("*.json"))) == FILES + 1:
        return [str(files / "gazetteer.json"), *sorted(map(str, files.glob("article-*.json")))]
    origin = f"sqlite:///{folder / 'origin.sqlite3'}"
    (folder / "origin.sqlite3").unlink(missing_ok=True)
    manage(origin, "migrate", "-v0")
    manage(origin, "seed_synthetic", "--monuments", str(MONUMENTS), "--reports", str(CLAIMS))
    files.mkdir(parents=True, exist_ok=True)
    code = f"import sys; sys.path.insert(0, {str(ROOT / 'bench')!r}); import ingest; ingest.dump_files({str(files)!r})"
    manage(origin, "shell", "-c", code)
    return write_files(folder)


def dump_files(folder: str) -> None:
    """Runs inside Django (``manage.py shell``): write gazetteer.json and the articles."""
    from django.core import serializers

    from heritage.models import Alias, DamageReport, Monument, Outlet, ReviewStatus, Site, Source

    def dump(objects, path: Path) -> None:
        text = serializers.serialize(
            "json", objects, use_natural_foreign_keys=True, use_natural_primary_keys=True
        )
        path.write_text(text, encoding="utf-8")

    folder = Path(folder)
    gazetteer = [
        *Outlet.objects.order_by("pk"),
        *Site.objects.order_by("pk"),
        *Monument.objects.order_by("part_of_id", "pk"),
        *Alias.objects.select_related("monument").order_by("pk"),
    ]
    dump(gazetteer, folder / "gazetteer.json")
    claims: dict[int, list[DamageReport]] = {}
    for report in DamageReport.objects.select_related("source", "monument").order_by("pk"):
        # A new article's claims arrive drafted, waiting for a reviewer.
        report.review_status = ReviewStatus.DRAFTED
        report.reviewed_at = report.reviewed_by = None
        report.review_note = ""
        claims.setdefault(report.source_id, []).append(report)
    sources = list(Source.objects.order_by("published_on", "pk"))
    total = sum(len(c) for c in claims.values())
    article, taken, objects = 0, 0, []
    for source in sources:
        objects += [source, *claims.get(source.pk, [])]
        taken += len(claims.get(source.pk, []))
        if taken >= total * (article + 1) / FILES or source is sources[-1]:
            dump(objects, folder / f"article-{article:04d}.json")
            article, objects = article + 1, []


# --- the runs -------------------------------------------------------------------------------


def fresh_database(engine: str, args, folder: Path) -> str:
    if engine == "sqlite":
        target = folder / "target.sqlite3"
        shutil.copyfile(folder / "template.sqlite3", target)
        return f"sqlite:///{target}"
    import psycopg

    with psycopg.connect(f"{args.postgres}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{args.prefix}"')
        conn.execute(f'CREATE DATABASE "{args.prefix}" TEMPLATE "{args.prefix}_template"')
    return f"{args.postgres}/{args.prefix}"


def make_template(engine: str, args, folder: Path) -> None:
    if engine == "sqlite":
        (folder / "template.sqlite3").unlink(missing_ok=True)
        manage(f"sqlite:///{folder / 'template.sqlite3'}", "migrate", "-v0")
        return
    import psycopg

    with psycopg.connect(f"{args.postgres}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{args.prefix}_template"')
        conn.execute(f'CREATE DATABASE "{args.prefix}_template"')
    manage(f"{args.postgres}/{args.prefix}_template", "migrate", "-v0")


def drop_postgres(args) -> None:
    import psycopg

    with psycopg.connect(f"{args.postgres}/postgres", autocommit=True) as conn:
        for name in (args.prefix, f"{args.prefix}_template"):
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


def load(which: str, files: list[str], url: str) -> tuple[float, float]:
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "registry.settings.dev"}
    with tempfile.NamedTemporaryFile("w", suffix=".json") as listing:
        json.dump(files, listing)
        listing.flush()
        done = subprocess.run(
            [sys.executable, __file__, "--load", which],
            input=listing.name,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
    wall, cpu = done.stdout.strip().splitlines()[-1].split()
    return float(wall), float(cpu)


def child(which: str) -> int:
    """Load the listed files with one command; print the seconds it took, on the clock
    and in this process's CPU (less sensitive to other work on the machine; the
    database server's own CPU is not in it on PostgreSQL)."""
    files = json.loads(Path(sys.stdin.read().strip()).read_text())
    import django

    django.setup()
    from django.core.management import call_command
    from django.core.management.commands.loaddata import Command as StockLoaddata

    command = StockLoaddata() if which == "stock" else "loaddata"
    started, cpu = time.perf_counter(), time.process_time()
    call_command(command, *files, verbosity=0)
    print(f"{time.perf_counter() - started:.3f} {time.process_time() - cpu:.3f}")
    return 0


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.load:
        return child(args.load)
    folder = Path(args.dir)
    folder.mkdir(parents=True, exist_ok=True)
    files = write_files(folder)
    files = files[: args.files + 1]  # the gazetteer and the first article files
    claims = sum(
        sum(1 for o in json.loads(Path(f).read_text()) if o["model"] == "heritage.damagereport")
        for f in files
    )
    print(f"{len(files)} files, {claims} claims")
    rows = []
    for engine in [e for e in args.engines.split(",") if e]:
        make_template(engine, args, folder)
        times: dict[str, list[float]] = {"ours": [], "stock": []}
        cpu: dict[str, list[float]] = {"ours": [], "stock": []}
        try:
            for run in range(args.repeat):
                for which in ("ours", "stock") if run % 2 == 0 else ("stock", "ours"):
                    seconds, used = load(which, files, fresh_database(engine, args, folder))
                    times[which].append(seconds)
                    cpu[which].append(used)
                    print(
                        f"{engine} run {run + 1} {which}: {seconds:.1f} s ({used:.1f} s CPU)",
                        flush=True,
                    )
        finally:
            if engine == "postgresql":
                drop_postgres(args)
        ours, stock = (statistics.median(times[w]) for w in ("ours", "stock"))
        ours_cpu, stock_cpu = (statistics.median(cpu[w]) for w in ("ours", "stock"))
        rows.append((engine, ours, stock, ours_cpu, stock_cpu, claims))
    print()
    print(
        "| database | ours (s) | claims/s | stock loaddata (s) | claims/s | ours / stock "
        "| CPU: ours / stock (s) |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for engine, ours, stock, ours_cpu, stock_cpu, n in rows:
        print(
            f"| {engine} | {ours:.1f} | {n / ours:,.0f} | {stock:.1f} | {n / stock:,.0f} "
            f"| {ours / stock:.2f} | {ours_cpu:.1f} / {stock_cpu:.1f} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
