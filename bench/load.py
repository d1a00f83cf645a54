"""Load test of the production stack: gunicorn with production settings on PostgreSQL,
driven from this machine only (loopback), bounded in time and in requests.

Usage::

    createdb -h 127.0.0.1 -U postgres load_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/load_bench .venv/bin/python manage.py migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/load_bench \\
        .venv/bin/python manage.py seed_synthetic --monuments 10000 --reports 200000
    .venv/bin/python bench/load.py --database-url postgres://postgres@127.0.0.1:5432/load_bench \\
        [--clients 50] [--duration 60] [--max-requests 30000] [--workers 3]
        [--worker-class sync|gthread] [--threads 4] [--think 0] [--no-writes]

It starts gunicorn (``registry/gunicorn_conf.py``, ``--workers`` workers of
``--worker-class``, each with ``--threads`` threads when gthread) bound to 127.0.0.1 on a
free port, waits for ``/readyz``, then runs ``--clients`` concurrent clients (threads,
keep-alive connections; each waits ``--think`` milliseconds on average, exponentially
distributed, between an answer and its next request; 0: none) for ``--duration`` seconds or until
``--max-requests`` requests, each picking at random from a mix of requests: list
pages, filtered lists, past-date lists (``as_of``, ``known_at``), details, timelines,
claims and sources pages, the full CSV and GeoJSON exports, and conditional requests
answered 304. Meanwhile, unless ``--no-writes``, one writer loads a small new article
(``loaddata``) and another accepts drafted claims (``services.review_reports``) every few
seconds, as curators would: each in a process of its own started once (not a Python per
write, which would take the server's cores; not in this process, where a write's
computation would hold the interpreter's lock while the clients wait to read their
answers and the latencies measured would include it).

It prints, per kind of request and overall: requests, requests/s, p50 / p95 / p99 / max
latency in milliseconds, and errors (a 5xx, a refused connection, a timeout, or any
status other than the one expected; a conditional request answered in full with a
new ETag, after a write, is right). The anonymous rate limit is raised for the run
(all clients share one address); it is measured by tests/api/test_rate_limit.py.
Then the CPU time spent per request by the server (gunicorn's master and workers, from
/proc) and by PostgreSQL (every postgres process: the writes' share too): unlike the
latencies, it hardly depends on what else the machine runs, so it compares runs taken
on a busy machine, and the server's capacity is about the cores it has divided by it.
Latencies depend on the machine and what else runs on it: compare runs on one machine.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import queue
import random
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
HOST = "127.0.0.1"  # loopback only: the load never leaves this machine
CLIENT_TIMEOUT = 60.0


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True, help="postgres://… holding the data")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--duration", type=float, default=60.0, help="Seconds (at most 600).")
    parser.add_argument("--max-requests", type=int, default=30_000)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers.")
    parser.add_argument("--worker-class", choices=["sync", "gthread"], default="sync")
    parser.add_argument("--threads", type=int, default=4, help="Threads per gthread worker.")
    parser.add_argument(
        "--think",
        type=float,
        default=0.0,
        help="Mean milliseconds between an answer and the next request.",
    )
    parser.add_argument("--no-writes", action="store_true", help="No concurrent loads/reviews.")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if not args.database_url.startswith("postgres"):
        parser.error("the production stack runs on PostgreSQL: give a postgres:// URL")
    if not 0 < args.duration <= 600 or not 0 < args.max_requests <= 1_000_000:
        parser.error("keep the run bounded: 0 < --duration <= 600, --max-requests <= 1,000,000")
    if not 1 <= args.clients <= 500:
        parser.error("--clients from 1 to 500")
    return args


# --- the server -----------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def server_env(args: argparse.Namespace, port: int, static_root: str) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "registry.settings.prod",
        "DATABASE_URL": args.database_url,
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": HOST,
        "HTTPS": "off",
        "STATIC_ROOT": static_root,
        "BIND": f"{HOST}:{port}",
        "WEB_CONCURRENCY": str(args.workers),
        "WORKER_CLASS": args.worker_class,
        "WORKER_THREADS": str(args.threads),
        "CONN_MAX_AGE": "60",
        "API_ANON_RATE": "10000000/minute",
        "LOG_LEVEL": "WARNING",
    }


def start_server(env: dict[str, str], port: int) -> subprocess.Popen:
    gunicorn = Path(PYTHON).with_name("gunicorn")
    process = subprocess.Popen(
        [str(gunicorn), "-c", "python:registry.gunicorn_conf"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            status, _, _ = get(port, "/readyz", timeout=5)
            if status == 200:
                return process
        except OSError:
            pass
        if process.poll() is not None:
            raise SystemExit("gunicorn exited before it was ready")
        time.sleep(0.5)
    process.terminate()
    raise SystemExit("gunicorn was not ready within 120 s")


def get(port: int, path: str, headers: dict | None = None, timeout: float = CLIENT_TIMEOUT):
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.getheader("ETag"), response.read()
    finally:
        connection.close()


# --- what the clients ask -------------------------------------------------------------


def sample_registry(port: int) -> dict[str, list[str]]:
    def results(path: str) -> list[dict]:
        status, _, body = get(port, path)
        if status != 200:
            raise SystemExit(f"{path} answered {status}: is the registry seeded?")
        return json.loads(body)["results"]

    monuments = results("/api/monuments/?page_size=500")
    return {
        "monuments": [m["slug"] for m in monuments],
        "sites": sorted({m["site"] for m in monuments}),
        "sources": [s["key"] for s in results("/api/sources/?page_size=100")],
    }


def request_mix(sample: dict[str, list[str]]):
    """(kind, weight, function of a random generator returning a path) per kind."""

    def qs(**params) -> str:
        return "?" + urlencode(params)

    states = ["destroyed", "damaged", "intact", "severely_damaged"]
    monuments, sites, sources = sample["monuments"], sample["sites"], sample["sources"]
    return [
        ("list page", 20, lambda r: "/api/monuments/" + qs(page=r.randint(1, 50))),
        (
            "filtered list",
            12,
            lambda r: "/api/monuments/" + qs(site=r.choice(sites), state=r.choice(states)),
        ),
        (
            "past-date list",
            6,
            lambda r: "/api/monuments/" + qs(as_of="2017-06-30", page=r.randint(1, 50)),
        ),
        ("known-at list", 4, lambda r: "/api/monuments/" + qs(known_at="2018-01-01")),
        ("detail", 20, lambda r: f"/api/monuments/{r.choice(monuments)}/"),
        ("timeline", 10, lambda r: f"/api/monuments/{r.choice(monuments)}/timeline/"),
        ("claims page", 8, lambda r: "/api/reports/" + qs(page=r.randint(1, 50))),
        ("source", 6, lambda r: f"/api/sources/{r.choice(sources)}/"),
        ("full CSV", 1, lambda r: "/api/monuments/?format=csv"),
        ("full GeoJSON", 1, lambda r: "/api/monuments/?format=geojson"),
        ("304", 12, None),  # a list page again with the ETag it was given
    ]


class Recorder:
    def __init__(self, limit: int):
        self.lock = threading.Lock()
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.examples: dict[str, str] = {}
        self.count = 0
        self.limit = limit

    def take(self) -> bool:
        with self.lock:
            if self.count >= self.limit:
                return False
            self.count += 1
            return True

    def record(self, kind: str, seconds: float, error: str | None) -> None:
        with self.lock:
            self.latencies[kind].append(seconds * 1000)
            if error:
                self.errors[kind] += 1
                self.examples.setdefault(kind, error)


def client(port: int, mix, recorder: Recorder, deadline: float, seed: int, think: float) -> None:
    rng = random.Random(seed)
    kinds = [k for k, _, _ in mix]
    weights = [w for _, w, _ in mix]
    paths = {k: f for k, _, f in mix}
    etags: dict[str, str] = {}
    connection = http.client.HTTPConnection(HOST, port, timeout=CLIENT_TIMEOUT)
    if think:
        # Clients that wait between requests arrive as they would, each after its own
        # wait, not all 50 in the same millisecond (which measured a burst that only the
        # start of a run has: every request slower than 700 ms in a 60 s run).
        time.sleep(rng.expovariate(1000 / think))
    while time.monotonic() < deadline and recorder.take():
        kind = rng.choices(kinds, weights)[0]
        headers, expected = {}, 200
        if kind == "304":
            if not etags:
                kind = "list page"
            else:
                path, etag = rng.choice(list(etags.items()))
                headers, expected = {"If-None-Match": etag}, 304
        if kind != "304":
            path = paths[kind](rng)
        started = time.perf_counter()
        error = None
        try:
            try:
                reused = connection.sock is not None
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                if not reused:
                    raise
                # The server closed the idle keep-alive connection (after gunicorn's
                # keepalive seconds) as the request left: ask again on a new one, as
                # HTTP clients do for a request that changes nothing.
                connection.close()
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
            response.read()
            changed = (
                # A write since the ETag was given: a full answer with a new ETag is right.
                kind == "304"
                and response.status == 200
                and response.getheader("ETag") not in (None, headers["If-None-Match"])
            )
            if response.status != expected and not changed:
                error = f"{response.status} for {path}"
            elif kind in ("list page", "304") and response.getheader("ETag"):
                etags[path] = response.getheader("ETag")
            if response.getheader("Connection", "").lower() == "close":
                connection.close()
        except (OSError, http.client.HTTPException) as exc:
            error = f"{type(exc).__name__} for {path}"
            connection.close()
            connection = http.client.HTTPConnection(HOST, port, timeout=CLIENT_TIMEOUT)
        recorder.record(kind, time.perf_counter() - started, error)
        if think:
            time.sleep(rng.expovariate(1000 / think))
    connection.close()


# --- what the curators do meanwhile ----------------------------------------------------


def review(n: int) -> None:
    """A reviewer accepts five drafted claims, as in the admin."""
    from django.contrib.auth import get_user_model

    from heritage import services
    from heritage.models import DamageReport

    reviewer, _ = get_user_model().objects.get_or_create(username="load-test-reviewer")
    drafted = DamageReport.objects.filter(review_status="drafted").values_list("pk", flat=True)
    ids = list(drafted[:500])
    chosen = random.Random(n).sample(ids, min(5, len(ids)))
    services.review_reports(
        reports=DamageReport.objects.filter(pk__in=chosen), decision="accepted", reviewer=reviewer
    )


def article(n: int, monuments: list[str]) -> list[dict]:
    key = f"load-test-{os.getpid()}-{n}"
    return [
        {"model": "heritage.source", "fields": {
            "key": key, "kind": "article", "title": f"Load test article {n}",
            "published_on": "2024-06-01", "language": "en"}},
        *[
            {"model": "heritage.damagereport", "fields": {
                "source": [key], "key": f"claim-{i}", "monument": [slug], "state": "damaged",
                "excerpt": "The monument was damaged.", "evidence": "eyewitness",
                "observed_from": "2024-05-30", "review_status": "drafted"}}
            for i, slug in enumerate(random.sample(monuments, 5))
        ],
    ]  # fmt: skip


def writer_process(env: dict[str, str], kind: str, monuments, deadline: float, out, tmp: str):
    """A writer in a process of its own (see the module's docstring); its results go
    back through *out*, a queue; a failure to start is one failed write."""
    results: list = []
    try:
        setup_django(env)
        writer(kind, monuments, deadline, results, tmp)
    except Exception as exc:
        results.append((kind, 0.0, 1, f"writer did not run: {type(exc).__name__}: {exc}"[-300:]))
    finally:
        out.put(results)


def writer(kind: str, monuments: list[str], deadline: float, results: list, tmp: str):
    from django.core.management import call_command
    from django.db import connections

    n = 0
    while time.monotonic() < deadline - 5:
        n += 1
        started = time.perf_counter()
        failure = ""
        try:
            if kind == "load":
                path = Path(tmp) / f"article-{n}.json"
                path.write_text(json.dumps(article(n, monuments)), encoding="utf-8")
                call_command("loaddata", str(path), verbosity=0)
            else:
                review(n)
        except Exception as exc:  # reported with the results, not raised in a thread
            failure = f"{type(exc).__name__}: {exc}"[-300:]
        results.append((kind, time.perf_counter() - started, 1 if failure else 0, failure))
        time.sleep(3)
    connections.close_all()


# --- where the time went -------------------------------------------------------------

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int, reaped: bool = True) -> float:
    """CPU time of a process (and of its children it has reaped), 0 if it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    utime, stime, cutime, cstime = (int(v) for v in fields[11:15])
    return (utime + stime + ((cutime + cstime) if reaped else 0)) / TICKS


def server_cpu(master: int) -> float:
    """gunicorn's CPU seconds so far: the master, its live workers, and the workers it
    has reaped (recycled after max_requests)."""
    try:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    except OSError:
        children = []
    return cpu_seconds(master) + sum(cpu_seconds(int(c), reaped=False) for c in children)


def database_cpu() -> float:
    """CPU seconds of every PostgreSQL process on this machine (its other users too)."""
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/comm"):
        try:
            if stat.read_text().strip() in ("postgres", "postmaster"):
                total += cpu_seconds(int(stat.parent.name))
        except OSError:
            continue
    return total


# --- report ---------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def report(recorder: Recorder, elapsed: float, writes: list, args, cpu: dict) -> None:
    print(
        f"\n{recorder.count} requests in {elapsed:.1f} s from {args.clients} clients, "
        f"gunicorn with {args.workers} {args.worker_class} workers"
        + (f" of {args.threads} threads" if args.worker_class == "gthread" else "")
        + f", think time {args.think:.0f} ms, production settings\n"
    )
    header = (
        f"{'request':<16}{'n':>7}{'req/s':>8}{'p50':>9}{'p95':>9}{'p99':>9}{'max':>9}{'errors':>8}"
    )
    print(header)
    print("-" * len(header))
    everything = []
    for kind in sorted(recorder.latencies, key=lambda k: -len(recorder.latencies[k])):
        values = recorder.latencies[kind]
        everything += values
        print(
            f"{kind:<16}{len(values):>7}{len(values) / elapsed:>8.1f}"
            f"{percentile(values, 0.5):>9.0f}{percentile(values, 0.95):>9.0f}"
            f"{percentile(values, 0.99):>9.0f}{max(values):>9.0f}{recorder.errors[kind]:>8}"
        )
    if everything:
        print(
            f"{'all':<16}{len(everything):>7}{len(everything) / elapsed:>8.1f}"
            f"{percentile(everything, 0.5):>9.0f}{percentile(everything, 0.95):>9.0f}"
            f"{percentile(everything, 0.99):>9.0f}{max(everything):>9.0f}"
            f"{sum(recorder.errors.values()):>8}"
        )
    print("(milliseconds)")
    if recorder.count:
        print(
            f"CPU per request: server {cpu['server'] / recorder.count * 1000:.1f} ms, "
            f"PostgreSQL {cpu['database'] / recorder.count * 1000:.1f} ms "
            f"(server {cpu['server'] / elapsed:.2f} cores, PostgreSQL "
            f"{cpu['database'] / elapsed:.2f} cores)"
        )
    for kind, example in recorder.examples.items():
        print(f"  first error, {kind}: {example}")
    for kind in ("load", "review"):
        runs = [w for w in writes if w[0] == kind]
        if runs:
            failed = [w for w in runs if w[2] != 0]
            print(
                f"concurrent {kind}s: {len(runs)}, failed {len(failed)}, median "
                f"{statistics.median(w[1] for w in runs):.1f} s"
                + (f"; first failure: {failed[0][3].strip()}" if failed else "")
            )


def setup_django(env: dict[str, str]) -> None:
    """The writers' Django: the server's settings and database, in the calling process."""
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    random.seed(args.seed)
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="heritage-load-") as tmp:
        env = server_env(args, port, tmp)
        server = start_server(env, port)
        writers: list = []
        try:
            sample = sample_registry(port)
            mix = request_mix(sample)
            recorder = Recorder(args.max_requests)
            cpu = {"server": -server_cpu(server.pid), "database": -database_cpu()}
            started = time.monotonic()
            deadline = started + args.duration
            writes: list = []
            threads = [
                threading.Thread(
                    target=client, args=(port, mix, recorder, deadline, n, args.think)
                )
                for n in range(args.clients)
            ]
            out = None
            if not args.no_writes:
                spawn = multiprocessing.get_context("spawn")
                out = spawn.Queue()
                writers = [
                    spawn.Process(
                        target=writer_process,
                        args=(
                            {**env, "LOG_LEVEL": "ERROR"},
                            kind,
                            sample["monuments"],
                            deadline,
                            out,
                            tmp,
                        ),
                    )
                    for kind in ("load", "review")
                ]
            for process in writers:
                process.start()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=args.duration + CLIENT_TIMEOUT + 60)
            for process in writers:
                try:
                    writes += out.get(timeout=120)
                except queue.Empty:  # killed before it could answer
                    failure = f"a writer process ended without results (exit {process.exitcode})"
                    writes.append(("writer", 0.0, 1, failure))
            for process in writers:
                process.join(timeout=30)
            elapsed = time.monotonic() - started
            cpu["server"] += server_cpu(server.pid)
            cpu["database"] += database_cpu()
            report(recorder, elapsed, writes, args, cpu)
        finally:
            for process in writers:
                if process.is_alive():
                    process.terminate()
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main())
