"""The anonymous rate limit holds across worker processes and cannot be dodged with a
forged X-Forwarded-For: counters live in the database (one row per address), keyed on the address the
deployment trusts (settings.TRUSTED_PROXIES)."""

import os
import subprocess
import sys

import pytest

from ..conftest import ROOT

# One "worker": a separate process sending one request per X-Forwarded-For address
# given, all from one connection address, and printing the status codes.
WORKER = """
import sys
import django
django.setup()
from django.test import Client
client = Client(REMOTE_ADDR="203.0.113.7")
codes = [
    client.get("/api/sites/", HTTP_X_FORWARDED_FOR=f"198.51.100.{i}").status_code
    for i in sys.argv[1:]
]
print(" ".join(map(str, codes)))
"""


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    """Production-like settings (database cache) on a migrated SQLite file."""
    database = tmp_path_factory.mktemp("rate-limit") / "registry.sqlite3"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "registry.settings.base",
        "DATABASE_URL": f"sqlite:///{database}",
        "SECRET_KEY": "rate-limit-test-key-" + "x" * 32,
        "ALLOWED_HOSTS": "testserver",
        "API_ANON_RATE": "3/minute",
        "LOG_LEVEL": "ERROR",  # the request log lines go to stdout, where the codes are read
    }
    migrate = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--verbosity=0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert migrate.returncode == 0, migrate.stderr
    return env


def worker(env: dict, *forwarded_for: int, **extra: str) -> list[int]:
    result = subprocess.run(
        [sys.executable, "-c", WORKER, *map(str, forwarded_for)],
        cwd=ROOT,
        env={**env, **extra},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return [int(code) for code in result.stdout.split()]


def test_the_limit_is_shared_by_workers_and_ignores_forwarded_for(deployment):
    # Two processes, one client address, rotating X-Forwarded-For: 3 requests pass.
    assert worker(deployment, 1, 2) == [200, 200]
    assert worker(deployment, 3, 4) == [200, 429]


def test_behind_a_trusted_proxy_the_forwarded_address_is_the_client(deployment):
    # Behind one proxy, the proxy's address is shared by every client: each forwarded
    # address gets its own count (these are fresh addresses).
    assert worker(deployment, 100, 101, 102, TRUSTED_PROXIES="1") == [200, 200, 200]
    # One forwarded address, counted across processes.
    assert worker(deployment, 100, 100, TRUSTED_PROXIES="1") == [200, 200]
    assert worker(deployment, 100, 101, TRUSTED_PROXIES="1") == [429, 200]
