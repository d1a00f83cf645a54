"""HTTP validators for the public pages, from the registry's revision (as the API's).

A conditional request that matches is answered 304 after one query (the revision),
before the view reads anything. The ETag covers the language, the full URL and today's
date (pages show "today" as the default as-of and retrieval date), so a page changes
when the registry changes, a filter changes, or the day turns.
"""

from __future__ import annotations

import datetime
import functools
import hashlib

from django.conf import settings
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language
from django.views.decorators.http import condition

from heritage import services


def _revision(request):
    # Read once per request: the ETag and Last-Modified functions both need it.
    if not hasattr(request, "_heritage_revision"):
        request._heritage_revision = services.current_revision()
    return request._heritage_revision


def page_etag(request, *args, **kwargs) -> str:
    variant = "|".join(
        [get_language() or "", request.get_full_path(), timezone.localdate().isoformat()]
    )
    digest = hashlib.sha256(variant.encode()).hexdigest()[:16]
    return f"r{_revision(request).number}-{digest}"


def page_last_modified(request, *args, **kwargs) -> datetime.datetime | None:
    changed = _revision(request).changed_at
    today = timezone.now().replace(hour=0, minute=0, second=0, microsecond=0)
    return max(changed, today) if changed else today


def revision_cached(view):
    """ETag / Last-Modified from the revision, 304 when the client's copy is current."""
    conditional = condition(etag_func=page_etag, last_modified_func=page_last_modified)(view)

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        response = conditional(request, *args, **kwargs)
        if response.status_code in (200, 304):
            patch_cache_control(response, public=True, max_age=settings.API_CACHE_SECONDS)
        return response

    return wrapped
