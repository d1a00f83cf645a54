"""Whole API responses kept per revision of the registry, so that a request asked again
(the same list page, record or export) costs a cache read instead of the queries and
the rendering.

The key holds what the response's ETag holds (the revision's number, the full URL, the
negotiated format, the day, the compression) and the revision's time, so a response is
never served once the registry has changed, nor after a restore that starts the
counter again. Responses larger than ``API_RESPONSE_CACHE_MAX_BYTES`` are not kept. The
cache is the ``responses`` entry of ``CACHES`` (files shared by every worker in
production); if it fails, the response is computed as if nothing were cached.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
from collections.abc import Iterator

from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse, StreamingHttpResponse

logger = logging.getLogger("heritage.api")

ALIAS = "responses"
# The headers that belong to a response's body (the validators are added on each reply).
KEPT_HEADERS = ("Content-Type", "Content-Encoding", "Content-Disposition")


def key_for(etag: str, revision) -> str:
    changed = revision.changed_at.isoformat() if revision.changed_at else ""
    return "api-response:" + hashlib.sha256(f"{etag}|{changed}".encode()).hexdigest()


def enabled() -> bool:
    return settings.API_RESPONSE_CACHE_MAX_BYTES > 0 and _folder_is_private()


@functools.cache
def _folder_is_private() -> bool:
    """Whether the cache's folder (if it has one) is the registry's own: the files are
    pickles, so a folder another user can write to would let them run code here.
    Django creates it with mode 0700; one found otherwise turns the cache off."""
    folder = getattr(caches[ALIAS], "_dir", None)
    if folder is None or not os.path.isdir(folder) or not hasattr(os, "getuid"):
        return True
    status = os.stat(folder)
    if status.st_uid != os.getuid() or status.st_mode & 0o022:
        logger.warning("response cache off: %s is not private to this user", folder)
        return False
    return True


def lookup(key: str) -> HttpResponse | None:
    """The cached response under *key*, or None."""
    try:
        stored = caches[ALIAS].get(key)
    except Exception:  # a cache that fails must not fail the request
        logger.exception("response cache: read failed")
        return None
    if stored is None:
        return None
    body, headers = stored
    response = HttpResponse(body)
    for name, value in headers.items():
        response[name] = value
    response["X-Registry-Cache"] = "hit"
    return response


def keep(key: str, response) -> None:
    """Store *response* under *key* once its body is complete: after rendering for a
    rendered response, at the end of the stream for a streamed one."""
    if isinstance(response, StreamingHttpResponse):
        response.streaming_content = _tee(key, response, response.streaming_content)
    elif hasattr(response, "add_post_render_callback"):
        response.add_post_render_callback(lambda rendered: _store(key, rendered.content, rendered))
    else:
        _store(key, response.content, response)


def _tee(key: str, response, chunks) -> Iterator[bytes]:
    kept: list[bytes] | None = []
    size = 0
    for chunk in chunks:
        if kept is not None:
            size += len(chunk)
            if size <= settings.API_RESPONSE_CACHE_MAX_BYTES:
                kept.append(chunk)
            else:
                kept = None
        yield chunk
    if kept is not None:  # the whole body was sent: the client did not go away
        _store(key, b"".join(kept), response)


def _store(key: str, body: bytes, response) -> None:
    if len(body) > settings.API_RESPONSE_CACHE_MAX_BYTES:
        return
    headers = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}
    try:
        caches[ALIAS].set(key, (body, headers))
    except Exception:
        logger.exception("response cache: write failed")
