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
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode, checks

# Bounded so CI stays fast (seconds): enough examples per operation to reach the
# edges of every parameter (Unicode digits, empty and huge values, extreme dates).
EXAMPLES_PER_OPERATION = 25


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


def test_every_operation_documents_its_errors_and_limits(db, client):
    schema = client.get("/api/schema/?format=json").json()
    operations = [op for path, ops in schema["paths"].items() for op in ops.values()]
    assert len(operations) >= 7
    for operation in operations:
        assert {"200", "304", "400", "404", "429", "503"} <= set(operation["responses"])
        for parameter in operation.get("parameters", []):
            if parameter["in"] != "query":
                continue
            limits = parameter["schema"]
            if parameter["name"] in ("page", "page_size"):
                assert limits["minimum"] == 1, parameter
            elif "enum" not in limits and limits["type"] == "string":
                assert limits["minLength"] == 1 and limits["maxLength"] == 200, parameter


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


def negative_data_is_rejected(ctx, response, case):
    """schemathesis' check, with 413/414 counted as refusals too: a request too large
    for the server is refused before its parameters are read."""
    if response.status_code in (413, 414):
        return None
    return checks.negative_data_rejection(ctx, response, case)


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_generated_requests_never_cause_a_server_error(api_schema, mode):
    """Requests generated from the schema get no 5xx and a status the schema documents;
    every response matches the schema's content type and body description; and a
    request the schema says is invalid (negative mode) is refused with a 4xx."""
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 7
    tested = []

    for operation in operations:

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            derandomize=True,  # the same examples on every run: no flaky CI
            suppress_health_check=list(HealthCheck),
        )
        def run(case):
            case.call_and_validate(
                # The WSGI transport does not decode gzip; the exports test it themselves.
                headers={"Accept-Encoding": "identity"},
                checks=[
                    checks.not_a_server_error,
                    checks.status_code_conformance,
                    checks.response_schema_conformance,
                    checks.content_type_conformance,
                    negative_data_is_rejected,
                ],
            )

        try:
            run()
        except Unsatisfiable:
            # Nothing to make invalid: no parameter at all, or only a detail's path slug
            # (any string is a valid slug), so no schema-violating request exists.
            only_a_slug = all(p.location == "path" for p in operation.iter_parameters())
            assert mode is GenerationMode.NEGATIVE and only_a_slug, operation.path
            continue
        tested.append(operation.path)
    assert len(tested) >= 4


def test_the_docs_describe_every_operation_and_parameter_for_researchers(db, client):
    """No internal docstring reaches /api/docs/: every operation has its own summary
    and description, every parameter and every field a description."""
    import inspect

    from heritage.api import views

    internal = {
        inspect.getdoc(obj)
        for obj in vars(views).values()
        if inspect.isclass(obj) and inspect.getdoc(obj)
    }
    schema = client.get("/api/schema/?format=json").json()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            where = f"{method.upper()} {path}"
            assert operation.get("summary"), where
            description = operation.get("description", "")
            assert description, where
            assert description not in internal, where
            assert "Subclasses" not in description and "``" not in description, where
            for parameter in operation.get("parameters", []):
                assert parameter.get("description"), (where, parameter["name"])
    for name, component in schema["components"]["schemas"].items():
        for field, prop in component.get("properties", {}).items():
            described = prop.get("description") or prop.get("allOf") or prop.get("$ref")
            assert described, (name, field)
