"""Local development: debug on, a fixed throwaway secret, localhost only."""

import os

from .base import *  # noqa: F403

DEBUG = True
SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-insecure-key-not-for-production")
ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost"]  # noqa: F405
# Look static files up per request: no collectstatic needed while developing.
WHITENOISE_AUTOREFRESH = True
