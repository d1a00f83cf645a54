"""The production install path: the wheel built from this project carries templates,
static files and migrations, and serves the admin, the API docs, static files and
photos under production settings from an install outside the source tree."""

import os
import shutil
import subprocess
import sys
import zipfile

import pytest

from .conftest import ROOT

SKIP = shutil.ignore_patterns(
    ".git", ".venv", "__pycache__", "*.pyc", ".local", "media", "staticfiles", "build",
    "*.egg-info", "db.sqlite3", ".hypothesis", ".pytest_cache", ".ruff_cache", "tests",
    "bench", "docs",
)  # fmt: skip

# Runs in the installed copy: migrate, collectstatic, then the pages a curator and a
# researcher open first, with a photo (whose URL must answer under prod settings).
SMOKE = """
import io, os, sys
import django
django.setup()
import heritage
assert heritage.__file__.startswith(sys.argv[1]), heritage.__file__
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.test import Client
from PIL import Image
from heritage import services
from heritage.models import Monument, Photo, Site
from django.contrib.auth import get_user_model

call_command("migrate", verbosity=0)
call_command("collectstatic", interactive=False, verbosity=0)
site = Site.objects.create(slug="palmyra", name="Palmyra")
monument = Monument.objects.create(slug="temple-of-bel", name="Temple of Bel", kind="temple",
                                   site=site)
buffer = io.BytesIO()
Image.new("RGB", (64, 48), "olive").save(buffer, "JPEG")
photo = Photo(key="bel-2016", credit="Test", monument=monument)
photo.image.save("bel.jpg", ContentFile(buffer.getvalue()), save=False)
photo.full_clean()
photo.save()
admin = get_user_model().objects.create_superuser("admin", "a@localhost", "pw-0123456789")
client = Client()
client.force_login(admin)
for url in [f"/admin/heritage/monument/{monument.pk}/change/", "/api/docs/", "/healthz",
            "/readyz", "/api/monuments/temple-of-bel/", photo.image.url]:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    print(url, response.status_code)
static = client.get("/static/admin/css/base.css")
assert static.status_code == 200, static.status_code
print("static", static.status_code)
"""


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    shutil.copytree(ROOT, source, ignore=SKIP)
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(work), "."],
        cwd=source,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert build.returncode == 0, build.stderr
    (built,) = work.glob("heritage_registry-*.whl")
    return built


def test_the_wheel_carries_templates_static_and_migrations(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for expected in [
        "heritage/templates/admin/heritage/monument/consensus_panel.html",
        "heritage/migrations/0001_initial.py",
        "registry/settings/prod.py",
        "registry/gunicorn_conf.py",
    ]:
        assert expected in names
    templates = {n for n in names if "/templates/" in n}
    in_tree = {
        str(path.relative_to(ROOT))
        for package in ("heritage", "registry")
        for path in (ROOT / package).rglob("templates/**/*")
        if path.is_file()
    }
    assert in_tree <= templates


def test_the_installed_wheel_serves_pages_and_photos_under_prod_settings(wheel, tmp_path):
    site = tmp_path / "site"
    install = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--quiet", "--target", str(site),
         str(wheel)],
        capture_output=True,
        text=True,
        timeout=300,
    )  # fmt: skip
    assert install.returncode == 0, install.stderr
    env = {
        **os.environ,
        "PYTHONPATH": str(site),
        "DJANGO_SETTINGS_MODULE": "registry.settings.prod",
        "SECRET_KEY": "wheel-test-secret-key-0123456789abcdef",
        "ALLOWED_HOSTS": "testserver",
        "HTTPS": "off",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'registry.sqlite3'}",
        "STATIC_ROOT": str(tmp_path / "static"),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "LOG_LEVEL": "WARNING",
    }
    result = subprocess.run(
        [sys.executable, "-c", SMOKE, str(site)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "static 200" in result.stdout
