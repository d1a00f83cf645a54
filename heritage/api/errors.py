"""Every API error is JSON that names what was wrong."""

from __future__ import annotations

import logging
import re
import sys

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import JsonResponse
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from heritage import limits

logger = logging.getLogger("heritage.api")

DATABASE_UNAVAILABLE = "The registry's database is unavailable; try again in a minute."
SERVER_ERROR = "The registry failed to answer this request; the error has been logged."
NOT_FOUND = "No API resource at this address."
RETRY_AFTER_SECONDS = "30"
# ASCII digits only: str.isdigit() also accepts "²" and "①", which int() refuses.
_WHOLE_NUMBER = re.compile(r"[0-9]{1,12}")


def whole_number(raw: str) -> int | None:
    """*raw* as a non-negative whole number of at most 12 ASCII digits, else None."""
    return int(raw) if _WHOLE_NUMBER.fullmatch(raw) else None


class ParameterError(exceptions.ValidationError):
    """A bad query parameter: 400 with ``{"<parameter>": ["<what is wrong>"]}``."""

    def __init__(self, parameter: str, message: str):
        super().__init__({parameter: [message]})


class ParameterNotFound(exceptions.NotFound):
    """A parameter that points past the data (a page after the last): 404, named."""

    def __init__(self, parameter: str, message: str):
        super().__init__()
        self.detail = {parameter: [message]}


class ServiceUnavailable(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = DATABASE_UNAVAILABLE
    default_code = "database_unavailable"


def is_database_unavailable(exc: BaseException) -> bool:
    """The database cannot be reached (or cancelled the statement), as opposed to a bug."""
    return isinstance(exc, OperationalError | InterfaceError)


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        )
    if limits.is_timeout(exc):
        # A query stopped by the request's time limit: the database is fine.
        return limits.too_slow()
    if isinstance(exc, DatabaseError) and is_database_unavailable(exc):
        logger.error("database unavailable: %s", exc, exc_info=exc)
        response = Response({"detail": DATABASE_UNAVAILABLE}, status=503)
        response["Retry-After"] = RETRY_AFTER_SECONDS
        return response
    return drf_exception_handler(exc, context)


def json_not_found(request, exception=None):
    """handler404 for the API's addresses outside the router: JSON like the rest of it."""
    from django.views.defaults import page_not_found

    if request.path.startswith("/api/"):
        return JsonResponse({"detail": NOT_FOUND}, status=404)
    return page_not_found(request, exception)


def json_server_error(request):
    """handler500: the API answers JSON (the traceback is logged by Django)."""
    from django.views.defaults import server_error

    if request.path.startswith("/api/"):
        exc = sys.exc_info()[1]
        if exc is not None and is_database_unavailable(exc):
            response = JsonResponse({"detail": DATABASE_UNAVAILABLE}, status=503)
            response["Retry-After"] = RETRY_AFTER_SECONDS
            return response
        return JsonResponse({"detail": SERVER_ERROR}, status=500)
    return server_error(request)
