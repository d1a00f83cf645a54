"""Bounds on every request: how much a client may send, and how long its queries may run.

* A body over ``REQUEST_MAX_BYTES`` answers 413 and a query string over
  ``REQUEST_MAX_QUERY_BYTES`` 414, before anything is read or parsed.
* Queries of a request stop after ``DATABASE_STATEMENT_TIMEOUT`` seconds: on PostgreSQL
  each statement, through its ``statement_timeout`` (set on the connections opened while
  serving requests, so management commands are not limited); on SQLite the request's
  queries together, through a progress handler. A stopped query answers 503 with a JSON
  body that says why, instead of keeping a worker busy until it is killed.
"""

from __future__ import annotations

import contextvars
import sqlite3
import time

from django.conf import settings
from django.db import OperationalError
from django.db.backends.signals import connection_created
from django.dispatch import receiver
from django.http import JsonResponse

TOO_LARGE = "The request body is larger than the {limit} bytes this server accepts."
URI_TOO_LONG = "The query string is longer than the {limit} bytes this server accepts."
TOO_SLOW = (
    "The request took longer than the {limit} s this server allows for its queries. "
    "Narrow it (filters, a smaller page) or try again later."
)

# Set while a request is served: PostgreSQL connections opened meanwhile get the
# timeout; SQLite's progress handler stops the request's queries after the deadline.
_serving = contextvars.ContextVar("heritage_serving", default=False)
_deadline: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "heritage_query_deadline", default=None
)
# SQLite calls the progress handler every this many virtual-machine instructions.
_SQLITE_PROGRESS_STEPS = 20_000


def statement_timeout_ms() -> int:
    return int(float(settings.DATABASE_STATEMENT_TIMEOUT) * 1000)


@receiver(connection_created)
def limit_queries(sender, connection, **kwargs) -> None:
    timeout = statement_timeout_ms()
    if timeout <= 0:
        return
    if connection.vendor == "postgresql" and _serving.get():
        with connection.connection.cursor() as cursor:
            cursor.execute(f"SET statement_timeout = {timeout}")
    elif connection.vendor == "sqlite":
        connection.connection.set_progress_handler(_past_deadline, _SQLITE_PROGRESS_STEPS)


def _past_deadline() -> int:
    deadline = _deadline.get()
    return 1 if deadline is not None and time.monotonic() > deadline else 0


def is_timeout(exc: BaseException) -> bool:
    """Whether *exc* is a query the database stopped for taking too long."""
    if not isinstance(exc, OperationalError):
        return False
    cause = exc.__cause__
    if cause is not None and type(cause).__name__ == "QueryCanceled":  # psycopg
        return True
    return isinstance(cause, sqlite3.OperationalError) and str(cause) == "interrupted"


def error(status: int, message: str, **headers) -> JsonResponse:
    return JsonResponse({"detail": message}, status=status, headers=headers)


class RequestLimitsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.REQUEST_MAX_BYTES
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > limit:
            return error(413, TOO_LARGE.format(limit=limit))
        query_limit = settings.REQUEST_MAX_QUERY_BYTES
        if len(request.META.get("QUERY_STRING", "").encode()) > query_limit:
            return error(414, URI_TOO_LONG.format(limit=query_limit))
        timeout = statement_timeout_ms()
        serving = _serving.set(True)
        deadline = _deadline.set(time.monotonic() + timeout / 1000 if timeout > 0 else None)
        try:
            return self.get_response(request)
        finally:
            _deadline.reset(deadline)
            _serving.reset(serving)

    def process_exception(self, request, exception):
        return too_slow() if is_timeout(exception) else None


def too_slow() -> JsonResponse:
    """The 503 for a request whose queries ran past the limit."""
    limit = settings.DATABASE_STATEMENT_TIMEOUT
    return error(503, TOO_SLOW.format(limit=f"{limit:g}"), **{"Retry-After": "60"})
