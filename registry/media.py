"""Uploaded photos under /media/ in production, when no web server in front serves them.

Every file under MEDIA_ROOT is an image checked with Pillow on upload (heritage/images.py),
so it is sent as what it is, never sniffed into something else, cached for a day.
Large deployments should let the web server serve MEDIA_ROOT instead (README:
"Deploying") and set SERVE_MEDIA=off.
"""

from django.conf import settings
from django.views.decorators.http import require_safe
from django.views.static import serve


@require_safe
def serve_media(request, path: str):
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    response["Cache-Control"] = "public, max-age=86400"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
