"""Every request is bounded: oversized requests and runaway queries get a clear answer."""

from __future__ import annotations

import pytest
from django.db import OperationalError, connection

from heritage import limits, services

SLOW_QUERY = {
    "postgresql": "SELECT pg_sleep(3)",
    "sqlite": "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c "
    "WHERE x < 100000000) SELECT count(*) FROM c",
}


def test_an_oversized_body_answers_413_before_anything_is_read(db, client, settings):
    settings.REQUEST_MAX_BYTES = 1000
    response = client.generic("GET", "/api/monuments/", data=b"x" * 1001)
    assert response.status_code == 413
    assert "1000 bytes" in response.json()["detail"]
    assert client.generic("GET", "/api/sites/", data=b"x" * 10).status_code == 200


def test_an_overlong_query_string_answers_414(db, client, settings):
    settings.REQUEST_MAX_QUERY_BYTES = 100
    response = client.get("/api/monuments/?q=" + "a" * 100)
    assert response.status_code == 414
    assert "100 bytes" in response.json()["detail"]


@pytest.fixture
def limited_connection(settings):
    """The test's connection as if opened while serving a request, with a short limit."""
    settings.DATABASE_STATEMENT_TIMEOUT = 0.2
    token = limits._serving.set(True)
    try:
        limits.limit_queries(sender=None, connection=connection)
    finally:
        limits._serving.reset(token)
    yield
    if connection.vendor == "sqlite":
        connection.connection.set_progress_handler(None, 0)


def test_a_runaway_query_answers_a_json_503(db, client, limited_connection, monkeypatch):
    def slow_revision():
        with connection.cursor() as cursor:
            cursor.execute(SLOW_QUERY[connection.vendor])

    monkeypatch.setattr(services, "current_revision", slow_revision)
    response = client.get("/api/monuments/")
    assert response.status_code == 503
    assert response["Retry-After"]
    assert "longer than the 0.2 s" in response.json()["detail"]


def test_the_limit_is_a_database_timeout(db, limited_connection):
    if connection.vendor == "sqlite":  # outside a request there is no deadline
        token = limits._deadline.set(0.0)
    else:
        token = None
    try:
        with pytest.raises(OperationalError) as raised:
            with connection.cursor() as cursor:
                cursor.execute(SLOW_QUERY[connection.vendor])
    finally:
        if token is not None:
            limits._deadline.reset(token)
    assert limits.is_timeout(raised.value)
