#!/usr/bin/env python3
"""Set up and run the registry on a machine that has only Python 3.11 and git.

    python3 dev.py start   # install, create the SQLite registry, load the seeds, serve
    python3 dev.py test    # install (Chromium too, for the browser tests), run the whole suite
    python3 dev.py serve   # the production stack (gunicorn, prod settings) on PostgreSQL

Python packages are installed into .venv/ in the project folder. The one system-wide
install is Debian's Chromium for the browser tests, which `test` adds when it is
missing and apt-get can run.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PYTHON = VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
STAMP = VENV / ".installed"


def install() -> None:
    """Create .venv and install the project with its test tools, once per pyproject change."""
    if not PYTHON.exists():
        print("Creating .venv …", flush=True)
        venv.create(VENV, with_pip=True)
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == wanted:
        return
    print("Installing dependencies into .venv …", flush=True)
    run([PYTHON, "-m", "pip", "install", "--quiet", "--upgrade", "pip"])
    run([PYTHON, "-m", "pip", "install", "--quiet", "-e", f"{ROOT}[dev]"])
    STAMP.write_text(wanted)


def run(args: list, **kwargs) -> None:
    subprocess.run([str(a) for a in args], cwd=ROOT, check=True, **kwargs)


def start(extra: list[str]) -> int:
    install()
    manage = [PYTHON, "manage.py"]
    run([*manage, "setup_registry"])
    address = extra[0] if extra else "127.0.0.1:8000"
    print(
        f"Serving the registry (Ctrl-C to stop):\n"
        f"  public site  http://{address}/  (Arabic: http://{address}/ar/)\n"
        f"  admin        http://{address}/admin/\n"
        f"  API          http://{address}/api/  (docs: http://{address}/api/docs/)",
        flush=True,
    )
    # Large consensus recomputations run in the background, from the database's queue.
    worker = subprocess.Popen([str(PYTHON), "manage.py", "db_worker"], cwd=ROOT)
    try:
        return subprocess.call([str(PYTHON), "manage.py", "runserver", address], cwd=ROOT)
    except KeyboardInterrupt:
        return 0
    finally:
        worker.terminate()
        worker.wait()


LOCAL_DATABASE = "postgres://postgres@127.0.0.1:5432/heritage_registry"
CREATE_DATABASE = """
import sys, dj_database_url, psycopg
from psycopg import sql
config = dj_database_url.parse(sys.argv[1])
params = dict(host=config["HOST"] or None, port=config["PORT"] or None,
              user=config["USER"] or None, password=config["PASSWORD"] or None)
with psycopg.connect(dbname="postgres", autocommit=True, **params) as connection:
    if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                              [config["NAME"]]).fetchone():
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(config["NAME"])))
        print(f"Created database {config['NAME']}")
"""


def serve(extra: list[str]) -> int:
    """Run what production runs, locally: gunicorn, prod settings, PostgreSQL, whitenoise.

    DATABASE_URL chooses the database (default: heritage_registry on the local server,
    created if missing). Plain HTTP on 127.0.0.1 (HTTPS=off); a secret key kept in .local/.
    """
    install()
    database_url = os.environ.get("DATABASE_URL", LOCAL_DATABASE)
    if not database_url.startswith("postgres"):
        print("dev.py serve runs on PostgreSQL: set DATABASE_URL=postgres://…")
        return 2
    run([PYTHON, "-c", CREATE_DATABASE, database_url])
    secret_file = ROOT / ".local" / "secret-key"
    if not secret_file.exists():
        secret_file.parent.mkdir(exist_ok=True)
        secret_file.write_text(secrets.token_urlsafe(50) + "\n")
        secret_file.chmod(0o600)
    address = extra[0] if extra else "127.0.0.1:8000"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "registry.settings.prod",
        "DATABASE_URL": database_url,
        "SECRET_KEY": secret_file.read_text().strip(),
        "ALLOWED_HOSTS": os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost"),
        "HTTPS": os.environ.get("HTTPS", "off"),
        "STATIC_ROOT": str(ROOT / "staticfiles"),
        "BIND": address,
        "CONN_MAX_AGE": os.environ.get("CONN_MAX_AGE", "60"),
    }
    run([PYTHON, "manage.py", "setup_registry"], env=env)
    run([PYTHON, "manage.py", "collectstatic", "--noinput", "--verbosity=0"], env=env)
    print(f"Serving the registry with gunicorn at http://{address}/  (Ctrl-C to stop)", flush=True)
    gunicorn = [str(VENV / "bin" / "gunicorn"), "-c", "python:registry.gunicorn_conf"]
    try:
        return subprocess.call(gunicorn, cwd=ROOT, env=env)
    except KeyboardInterrupt:
        return 0


CHROMIUM = Path("/usr/bin/chromium")


def install_browser() -> None:
    """Debian's Chromium and ChromeDriver for the browser tests, installed once when
    missing and apt-get can run (as root); without them those tests are skipped."""
    if CHROMIUM.exists():
        return
    if shutil.which("apt-get") is None or not hasattr(os, "geteuid") or os.geteuid() != 0:
        print(f"No Chromium at {CHROMIUM}: the browser tests will be skipped.", flush=True)
        return
    print("Installing Chromium for the browser tests (apt-get) …", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    done = subprocess.call(["apt-get", "update", "-qq"], env=env) == 0 and (
        subprocess.call(
            ["apt-get", "install", "-y", "-qq", "chromium", "chromium-driver"], env=env
        )
        == 0
    )
    if not done:
        print("Chromium could not be installed: the browser tests will be skipped.", flush=True)


def test(extra: list[str]) -> int:
    install()
    install_browser()
    return subprocess.call([str(PYTHON), "-m", "pytest", *extra], cwd=ROOT)


def main() -> int:
    commands = {"start": start, "test": test, "serve": serve}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        print(__doc__)
        return 2
    try:
        return commands[sys.argv[1]](sys.argv[2:])
    except subprocess.CalledProcessError as exc:
        print(f"dev.py: {' '.join(map(str, exc.cmd))} failed with exit code {exc.returncode}")
        return exc.returncode or 1


if __name__ == "__main__":
    sys.exit(main())
