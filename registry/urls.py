from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from registry.media import serve_media
from registry.observability import healthz, readyz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("admin/", admin.site.urls),
    path("api/", include("heritage.api.urls")),
    # The public site: English at /, Arabic at /ar/.
    *i18n_patterns(path("", include("heritage.site.urls")), prefix_default_language=False),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
elif getattr(settings, "SERVE_MEDIA", False):
    # Production without a web server for /media/ in front (registry/media.py).
    urlpatterns += [path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", serve_media)]

# The API answers JSON for unknown addresses and failures too.
handler404 = "heritage.api.errors.json_not_found"
handler500 = "heritage.api.errors.json_server_error"
