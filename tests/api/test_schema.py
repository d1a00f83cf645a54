"""The OpenAPI schema: valid, complete, honoured by the API, docs served offline."""

import re

import pytest
import schemathesis
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis import checks

# Bounded so CI stays fast: a few examples per operation.
EXAMPLES_PER_OPERATION = 12


def test_schema_is_valid_openapi_without_warnings(db, tmp_path):
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    text = out.read_text()
    assert text.startswith("openapi: 3.")
    for path in [
        "/api/monuments/",
        "/api/monuments/{slug}/",
        "/api/monuments/{slug}/timeline/",
        "/api/sources/",
        "/api/sources/{key}/",
        "/api/reports/",
        "/api/sites/",
    ]:
        assert f"  {path}:" in text


def test_interactive_docs_use_only_local_static_files(db, client):
    page = client.get("/api/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    urls = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert urls, html
    for url in urls:
        if url.startswith("/api/docs/?"):  # the docs' own start-up script (no inline code)
            assert client.get(url.replace("&amp;", "&")).status_code == 200
            continue
        assert url.startswith("/static/"), f"{url} is not served by the registry"
        path = url.removeprefix("/static/")
        assert finders.find(path), f"{path} is missing from the static files"
        assert client.get(url).status_code == 200
    assert "cdn" not in html.lower()


@pytest.fixture
def api_schema(seeded):
    # As Django's test client does: a request must not close the test's connection,
    # which holds the test transaction (PostgreSQL would lose it).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def test_generated_requests_never_cause_a_server_error(api_schema):
    """Requests generated from the schema (valid and invalid parameters) get no 5xx,
    and every response matches the schema's content type and body description."""
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 7

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            derandomize=True,  # the same examples on every run: no flaky CI
            suppress_health_check=list(HealthCheck),
        )
        def run(case):
            case.call_and_validate(
                checks=[
                    checks.not_a_server_error,
                    checks.response_schema_conformance,
                    checks.content_type_conformance,
                ]
            )

        run()
