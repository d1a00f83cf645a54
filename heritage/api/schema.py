"""What the OpenAPI schema adds to drf-spectacular's: the API's limits and its errors.

drf-spectacular describes each parameter's type and each 200 body; the API refuses
more than the types say (``heritage.api.views.check_parameter_values``, the
pagination's bounds) and answers 304, 400, 404, 429 and 503 everywhere. This
post-processing hook writes those into every operation, so that a client generated
from the schema (and schemathesis) knows what is refused and what comes back.
"""

from __future__ import annotations

from django.conf import settings

from heritage.api.pagination import MAX_PAGE

ERROR_SCHEMA = {
    "type": "object",
    "description": "What was wrong: the parameter's name with its messages, or detail.",
    "additionalProperties": {
        "oneOf": [{"type": "array", "items": {"type": "string"}}, {"type": "string"}]
    },
    "example": {"page_size": ["At most 500 per page."]},
}


def _error(description: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


RESPONSES = {
    "304": {
        "description": "Not modified: the copy named by If-None-Match or "
        "If-Modified-Since is current (no body)."
    },
    "400": _error(
        "A parameter is unknown, repeated, empty, too long or malformed; the body names it."
    ),
    "404": _error("No such record, or a page past the last one."),
    "414": _error("The query string is longer than the server accepts (REQUEST_MAX_QUERY_BYTES)."),
    "429": _error("Too many requests from this address; retry after Retry-After seconds."),
    "503": _error("The database is unavailable or the request ran too long; retry later."),
}


def add_limits_and_errors(result: dict, generator, request, public) -> dict:
    from heritage.api.views import MAX_PARAMETER_LENGTH

    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    for path, operations in result.get("paths", {}).items():
        if not path.startswith("/api/") or path.startswith("/api/schema"):
            continue
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter.get("in") != "query":
                    continue
                schema = parameter.setdefault("schema", {})
                if schema.get("enum") and all(isinstance(v, str) for v in schema["enum"]):
                    schema["type"] = "string"  # ("true", "false") are words, not booleans
                if parameter["name"] == "page":
                    schema.update(type="integer", minimum=1, maximum=MAX_PAGE)
                elif parameter["name"] == "page_size":
                    schema.update(type="integer", minimum=1, maximum=settings.API_MAX_PAGE_SIZE)
                elif schema.get("type", "string") == "string" and "enum" not in schema:
                    schema.update(minLength=1, maxLength=MAX_PARAMETER_LENGTH)
            responses = operation.setdefault("responses", {})
            for code, response in RESPONSES.items():
                responses.setdefault(code, response)
    return result
