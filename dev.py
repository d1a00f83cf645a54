#!/usr/bin/env python3
"""Set up and run the registry on a machine that has only Python 3.11 and git.

    python3 dev.py start   # install, create the SQLite registry, load the seeds, serve
    python3 dev.py test    # install, run the whole test suite (extra args go to pytest)

Everything is installed into .venv/ in the project folder; nothing system-wide.
"""

from __future__ import annotations

import hashlib
import os
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
    print(f"Serving the registry at http://{address}/admin/  (Ctrl-C to stop)", flush=True)
    # Large consensus recomputations run in the background, from the database's queue.
    worker = subprocess.Popen([str(PYTHON), "manage.py", "db_worker"], cwd=ROOT)
    try:
        return subprocess.call([str(PYTHON), "manage.py", "runserver", address], cwd=ROOT)
    except KeyboardInterrupt:
        return 0
    finally:
        worker.terminate()
        worker.wait()


def test(extra: list[str]) -> int:
    install()
    return subprocess.call([str(PYTHON), "-m", "pytest", *extra], cwd=ROOT)


def main() -> int:
    commands = {"start": start, "test": test}
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
