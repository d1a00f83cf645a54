"""Logs an operator can use (one JSON line per request, every 5xx with its traceback,
tagged with the request's id) and the health probes."""

import json
import logging
import types

import pytest
from django.db import OperationalError, connection
from django.test import Client

from heritage.api.views import SiteViewSet


def stdout_handler() -> logging.Handler:
    (handler,) = [h for h in logging.getLogger().handlers if h.get_name() == "stdout"]
    return handler


def as_logged(record: logging.LogRecord) -> dict:
    """The JSON line the deployment's stdout handler writes for *record*."""
    handler = stdout_handler()
    assert handler.filter(record)
    return json.loads(handler.format(record))


def test_each_request_is_logged_as_one_json_line(db, client, caplog, django_user_model):
    user = django_user_model.objects.create_user("lena", password="pw-12345", is_staff=True)
    client.force_login(user)
    with caplog.at_level(logging.INFO, logger="heritage.requests"):
        response = client.get("/admin/", HTTP_X_REQUEST_ID="trace-0123456789")

    (record,) = [r for r in caplog.records if r.name == "heritage.requests"]
    line = as_logged(record)
    assert response["X-Request-ID"] == "trace-0123456789"
    assert line["request_id"] == "trace-0123456789"
    assert line["method"] == "GET" and line["path"] == "/admin/"
    assert line["status"] == 200
    assert line["user"] == "lena"
    assert line["duration_ms"] >= 0
    assert line["level"] == "INFO"


def test_a_request_without_a_usable_id_gets_a_new_one(db, client):
    first = client.get("/healthz", HTTP_X_REQUEST_ID="bad id\n")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]
    assert first != second
    assert len(first) == 32 and "\n" not in first


def test_a_server_error_is_logged_with_its_traceback(db, caplog, monkeypatch):
    def broken(self, request, *args, **kwargs):
        raise RuntimeError("the page builder broke")

    monkeypatch.setattr(SiteViewSet, "list", broken)
    client = Client(raise_request_exception=False)
    with caplog.at_level(logging.INFO):
        response = client.get("/api/sites/")

    assert response.status_code == 500
    assert response.json() == {
        "detail": "The registry failed to answer this request; the error has been logged."
    }
    (error,) = [r for r in caplog.records if r.name == "django.request"]
    line = as_logged(error)
    assert line["level"] == "ERROR"
    assert "Traceback" in line["exc_info"]
    assert "RuntimeError: the page builder broke" in line["exc_info"]
    assert line["request_id"] == response["X-Request-ID"]


def test_healthz_answers_without_the_database(db, client, monkeypatch):
    with monkeypatch.context() as patched:
        patched.setattr(connection, "ensure_connection", _unreachable)
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_is_ready_with_the_database_migrated(db, client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "database": "ok"}


def test_readyz_is_unavailable_without_the_database(db, monkeypatch):
    client = Client(raise_request_exception=False)
    with monkeypatch.context() as patched:
        patched.setattr(connection, "ensure_connection", _unreachable)
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "unreachable"}


def test_readyz_is_unavailable_while_migrations_are_pending(db, client, monkeypatch):
    from registry import observability

    class Pending:
        def __init__(self, connection):
            self.loader = types.SimpleNamespace(graph=types.SimpleNamespace(leaf_nodes=list))

        def migration_plan(self, targets):
            return [(types.SimpleNamespace(app_label="heritage", name="0099_next"), False)]

    monkeypatch.setattr(observability, "MigrationExecutor", Pending)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["pending_migrations"] == ["heritage.0099_next"]


def _unreachable():
    raise OperationalError("could not connect to server")


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_probes_are_not_rate_limited(db, client, settings, path):
    settings.API_ANON_RATE = "1/minute"
    assert [client.get(path).status_code for _ in range(3)] == [200, 200, 200]
