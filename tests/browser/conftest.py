"""A real Chromium (Debian's, at /usr/bin/chromium) driving the admin through
Playwright against pytest-django's live server.

When Chromium or Playwright is missing the tests are skipped, never passed.
Screenshots of what the tests see go to a temporary folder, or to the folder named by
HERITAGE_SCREENSHOTS (``HERITAGE_SCREENSHOTS=docs/screenshots`` refreshes the README's
pictures): a test run never rewrites tracked files on its own.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from PIL import Image

# Playwright's sync API runs an event loop in this thread; the tests use the ORM too.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(
    os.environ.get("HERITAGE_SCREENSHOTS") or tempfile.mkdtemp(prefix="heritage-screenshots-")
)
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "browser-test-password"


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium chromium-driver)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, live_server):
    """Open a page in a fresh browser context (its own cookies: its own curator)."""
    contexts = []

    def open_page():
        context = browser.new_context(
            viewport={"width": 1280, "height": 800}, base_url=live_server.url
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def log_in(page, username: str, password: str = PASSWORD) -> None:
    page.goto("/admin/login/?next=/admin/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")


def screenshot(page, name: str) -> Path:
    """Save what the page shows as <SCREENSHOTS>/<name>.png, reduced to a small
    palette so that the files stay small enough to keep in the repository."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    with Image.open(path) as shot:
        small = shot.convert("RGB").quantize(colors=64, method=Image.Quantize.MEDIANCUT)
    small.save(path, optimize=True)
    return path
