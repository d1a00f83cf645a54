"""Production: refuses to start without a real secret and explicit hosts.

Read from the environment besides base.py's: ``HTTPS`` (default ``on``: redirect to
HTTPS, HSTS, secure cookies; ``off`` only for a local run over plain HTTP, as
``dev.py serve`` does), ``HSTS_SECONDS`` (default one year), ``STATIC_ROOT`` (where
``collectstatic`` writes; whitenoise serves it), ``SERVE_MEDIA`` (default ``on``: the
app serves uploaded photos under ``/media/``; ``off`` when a web server in front does),
``CSRF_TRUSTED_ORIGINS`` (comma-separated ``https://host`` origins of the admin).
"""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403


def _on(name: str, default: str = "on") -> bool:
    return os.environ.get(name, default).strip().lower() in ("1", "on", "true", "yes")


if len(SECRET_KEY) < 32 or SECRET_KEY.startswith(("dev-", "test-")):  # noqa: F405
    raise ImproperlyConfigured("Set SECRET_KEY to a random value of at least 32 characters.")
if not ALLOWED_HOSTS:  # noqa: F405
    raise ImproperlyConfigured("Set ALLOWED_HOSTS (comma-separated host names).")

HTTPS = _on("HTTPS")
SECURE_SSL_REDIRECT = HTTPS
# Probes come from inside the network, over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = int(os.environ.get("HSTS_SECONDS", "31536000")) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = _on("HSTS_INCLUDE_SUBDOMAINS")
# Submitting the domain to browsers' preload lists is the operator's decision.
SECURE_HSTS_PRELOAD = _on("HSTS_PRELOAD", "off")
if not SECURE_HSTS_PRELOAD:
    SILENCED_SYSTEM_CHECKS = ["security.W021"]
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
if TRUSTED_PROXIES:  # noqa: F405
    # The proxy terminates TLS and says so; only believed when a proxy is declared.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

# Static files: collected once (manage.py collectstatic), compressed, served by
# whitenoise (base.py's storage; the manifest storage would refuse the vendored map
# library, whose source map is not shipped).
STATIC_ROOT = os.environ.get("STATIC_ROOT", str(STATIC_ROOT))  # noqa: F405
WHITENOISE_USE_FINDERS = False

SERVE_MEDIA = _on("SERVE_MEDIA")
