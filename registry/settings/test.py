"""Test runs: fast hashing, media in a temporary folder."""

import tempfile

from .base import *  # noqa: F403

SECRET_KEY = "test-only-insecure-key"
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = tempfile.mkdtemp(prefix="heritage-test-media-")

# Tests send many requests from one address, and their query counts are the views'
# own: no rate limit, except where a test sets one (tests/api/test_rate_limit.py,
# tests/api/test_http.py).
API_ANON_RATE = "off"
STATIC_ROOT = tempfile.mkdtemp(prefix="heritage-test-static-")
DATASET_DIR = tempfile.mkdtemp(prefix="heritage-test-datasets-")

# One process: memory caches.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "responses": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "responses",
    },
}
# No map tiles: the tests make no request outside the test server.
MAP_TILE_URL = ""
CONTENT_SECURITY_POLICY = content_security_policy(MAP_TILE_URL)  # noqa: F405
