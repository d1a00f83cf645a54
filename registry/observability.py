"""What an operator sees: one structured log line per request, 5xx tracebacks, probes.

* :class:`RequestLogMiddleware` gives every request an id (the ``X-Request-ID`` it
  came with when that looks like an id, else a new one), returns it in the response,
  attaches it to every log record written while the request runs, and logs one line
  per request: method, path, status, duration, user, client address.
* ``LOGGING`` (registry/settings/base.py) writes JSON lines to stdout; Django's own
  ``django.request`` logger adds the traceback of every 5xx.
* :func:`healthz` answers 200 while the process serves requests; :func:`readyz`
  answers 200 only when the database answers and every migration is applied (503
  otherwise, saying which), for load balancers and orchestrators.
"""

from __future__ import annotations

import contextvars
import logging
import re
import time
import uuid

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse

logger = logging.getLogger("heritage.requests")
request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
_INCOMING_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every record (``-`` outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id_var.get()
        return True


def client_address(request) -> str:
    """The address the rate limit counts (REMOTE_ADDR unless proxies are trusted)."""
    from django.conf import settings

    proxies = getattr(settings, "TRUSTED_PROXIES", 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        addresses = [a.strip() for a in forwarded.split(",") if a.strip()]
        if addresses:
            return addresses[-min(proxies, len(addresses))]
    return request.META.get("REMOTE_ADDR", "")


class RequestLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _INCOMING_ID.fullmatch(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            user = getattr(request, "user", None)
            logger.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    "user": user.get_username() if user and user.is_authenticated else "",
                    "client": client_address(request),
                    "request_id": request_id,
                },
            )
            return response
        finally:
            request_id_var.reset(token)


def healthz(request):
    """The process is up and serving (no database access)."""
    return JsonResponse({"status": "ok"})


def readyz(request):
    """Ready for traffic: the database answers and no migration is pending."""
    connection = connections[DEFAULT_DB_ALIAS]
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as exc:
        logger.error("readiness: database unavailable: %s", exc)
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    if pending:
        names = [f"{migration.app_label}.{migration.name}" for migration, _ in pending]
        return JsonResponse(
            {"status": "unavailable", "database": "ok", "pending_migrations": names}, status=503
        )
    return JsonResponse({"status": "ready", "database": "ok"})
