"""The public site in a real browser: the map, a monument's evidence and timeline, a
past date, Arabic, the Atom feed, a phone-sized screen, accessibility (axe-core) and the
Content-Security-Policy. No request may leave the test server."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from heritage.models import Monument
from tests.admin.conftest import PASSWORD, make_user, roles

from .conftest import log_in, screenshot

pytestmark = pytest.mark.browser


@pytest.fixture
def visit(new_page, live_server):
    """A page that refuses (and records) every request outside the test server and
    records every Content-Security-Policy violation."""
    outside, violations, pages = [], [], []
    local = urlsplit(live_server.url).netloc

    def open_page(width: int = 1280, height: int = 800):
        page = new_page()
        page.set_viewport_size({"width": width, "height": height})

        def route(request_route):
            if urlsplit(request_route.request.url).netloc == local:
                request_route.continue_()
            else:
                outside.append(request_route.request.url)
                request_route.abort()

        page.route("**/*", route)
        page.on(
            "console",
            lambda message: (
                violations.append(message.text)
                if "Content Security Policy" in message.text
                else None
            ),
        )
        pages.append(page)
        return page

    yield open_page
    assert outside == [], "requests left the test server"
    assert violations == [], "the Content-Security-Policy blocked something"


def markers_loaded(page) -> int:
    # A selector, not wait_for_function: polling a function needs eval, which the CSP blocks.
    page.wait_for_selector("#map[data-markers]", state="attached")
    return int(page.eval_on_selector("#map", "e => e.dataset.markers"))


def test_from_the_map_to_a_monuments_evidence_and_its_past(seeded, visit):
    page = visit()
    page.goto("/")
    located = Monument.objects.filter(latitude__isnull=False).count()
    assert markers_loaded(page) == located
    screenshot(page, "public-home")

    # Zoom into the clusters until the Temple of Bel has a marker of its own, then open it.
    marker = page.locator('.marker[title="Temple of Bel: Destroyed"]')
    for _ in range(8):
        if marker.count():
            break
        page.locator(".marker-cluster").first.click()
        page.wait_for_timeout(400)
    assert marker.inner_text() == "Destroyed"  # the state in words, not colour alone
    # A click landing while the zoom animation still runs opens nothing: click again.
    popup_link = page.locator(".leaflet-popup a", has_text="Temple of Bel")
    for _ in range(3):
        marker.click()
        try:
            popup_link.wait_for(timeout=5000)
            break
        except PlaywrightTimeout:
            continue
    popup_link.click()
    page.wait_for_url("**/monuments/temple-of-bel/")

    page.get_by_role("heading", name="Evidence").wait_for()
    assert page.locator("li.claim").count() == 7
    assert page.get_by_text("supports the status").first.is_visible()
    assert page.locator("svg.timeline-chart circle").count() >= 1
    screenshot(page, "public-monument")

    page.fill("#id_as_of", "2015-01-01")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**/monuments/temple-of-bel/?as_of=2015-01-01")
    assert page.locator(".status .status-state").inner_text() == "Unknown"
    assert page.locator("svg.timeline-chart line.as-of-line").count() == 1
    page.get_by_role("heading", name="Observed after 2015-01-01").wait_for()
    screenshot(page, "public-monument-as-of")

    page.locator("a.language-link[lang=ar]").click()
    page.wait_for_url("**/ar/monuments/temple-of-bel/?as_of=2015-01-01")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("h1").inner_text() == "معبد بل"
    # numbers in the chart are not localised (an Arabic decimal separator breaks SVG)
    assert page.locator("svg.timeline-chart text.tick-label").first.text_content() == "2015"
    screenshot(page, "public-monument-ar")


def test_the_changes_page_links_its_atom_feed(seeded, visit):
    page = visit()
    page.goto("/changes/?site=palmyra")
    link = page.locator("a.feed-link")
    assert link.get_attribute("href") == "/changes/feed/?site=palmyra"
    screenshot(page, "public-changes")
    feed = page.request.get(link.get_attribute("href"))
    assert feed.headers["content-type"].startswith("application/atom+xml")
    assert "<entry>" in feed.text() and "Temple of Bel" in feed.text()


def test_the_list_filters_by_url_in_the_browser(seeded, visit):
    page = visit()
    page.goto("/monuments/")
    page.select_option("#id_site", "palmyra")
    page.select_option("#id_state", "destroyed")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**/monuments/?*site=palmyra*state=destroyed*")
    names = page.locator("table.monuments tbody tr td:first-child a").all_inner_texts()
    assert "Temple of Bel" in names
    assert set(names) == set(
        Monument.objects.filter(site__slug="palmyra", consensus__state="destroyed").values_list(
            "name", flat=True
        )
    )
    screenshot(page, "public-list")


@pytest.mark.parametrize("path", ["/", "/monuments/temple-of-bel/"])
def test_a_phone_sized_screen_needs_no_sideways_scrolling(seeded, visit, path):
    page = visit(width=390, height=844)
    page.goto(path)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    if path == "/":
        markers_loaded(page)
        page.locator("#map-heading").scroll_into_view_if_needed()
        screenshot(page, "public-home-phone")


PAGES = [
    "/",
    "/monuments/?site=palmyra",
    "/monuments/temple-of-bel/",
    "/sources/afp-2016-03-28-syria-troops-press-advance/",
    "/changes/",
]


@pytest.mark.parametrize("language", ["", "/ar"])
def test_no_serious_accessibility_violation(seeded, visit, language):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    page = visit()
    problems = {}
    for path in PAGES:
        page.goto(language + path)
        if path == "/":
            markers_loaded(page)
        results = axe.run(page)
        serious = [
            f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes: {v['nodes'][0]['target']})"
            for v in results.response["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        if serious:
            problems[language + path] = serious
    assert problems == {}


def test_the_admin_and_the_api_docs_run_under_the_policy(seeded, visit):
    make_user("vera", roles.VIEWER)
    page = visit()
    page.goto("/api/docs/")
    page.locator(".swagger-ui .info").wait_for()
    log_in(page, "vera", PASSWORD)
    assert page.locator("#site-name").inner_text() == "Heritage-damage registry"
    bel = Monument.objects.get(slug="temple-of-bel")
    page.goto(f"/admin/heritage/monument/{bel.pk}/change/")
    page.get_by_text("independent origins").first.wait_for()
    page.get_by_role("link", name="View on site").click()
    page.wait_for_url("**/monuments/temple-of-bel/")
