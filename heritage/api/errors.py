"""Every API error is JSON that names what was wrong."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler


class ParameterError(exceptions.ValidationError):
    """A bad query parameter: 400 with ``{"<parameter>": ["<what is wrong>"]}``."""

    def __init__(self, parameter: str, message: str):
        super().__init__({parameter: [message]})


class ParameterNotFound(exceptions.NotFound):
    """A parameter that points past the data (a page after the last): 404, named."""

    def __init__(self, parameter: str, message: str):
        super().__init__()
        self.detail = {parameter: [message]}


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        )
    return drf_exception_handler(exc, context)
