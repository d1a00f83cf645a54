"""Settings shared by every environment.

Everything that differs between deployments is read from the environment:
``DATABASE_URL`` (default: a SQLite file in the project), ``SECRET_KEY``,
``ALLOWED_HOSTS`` (comma-separated), ``MEDIA_ROOT``, and the public map's tiles
(``MAP_TILE_URL``, ``MAP_TILE_ATTRIBUTION``).
"""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent.parent
# The public site's templates and translations: top-level folders of a checkout, inside
# the registry package when installed from a wheel (see setup.py).
PROJECT_FILES = (
    BASE_DIR if (BASE_DIR / "templates").is_dir() else Path(__file__).resolve().parent.parent
)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h.strip()]

INSTALLED_APPS = [
    # heritage first: its loaddata command replaces Django's with a validating one.
    "heritage",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "import_export",
    "simple_history",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "csp",
]

MIDDLEWARE = [
    # First: times the whole request and tags every log line with the request's id.
    "registry.observability.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Refuses oversized requests before anything reads them; stops runaway queries.
    "heritage.limits.RequestLimitsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # After sessions, before common: the public pages' language comes from the URL (/ar/).
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes requires: refuses logins from locked-out clients.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "registry.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PROJECT_FILES / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "registry.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
    )
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
# The public site's languages (English at /, Arabic at /ar/); the admin and the API stay
# in English.
LANGUAGES = [("en", "English"), ("ar", "العربية")]
LOCALE_PATHS = [PROJECT_FILES / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Serve static files from the finders when collectstatic has not run (development, tests).
WHITENOISE_USE_FINDERS = True

REST_FRAMEWORK = {
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": ["heritage.api.throttles.AnonymousRateThrottle"],
    "EXCEPTION_HANDLER": "heritage.api.errors.exception_handler",
    "UNAUTHENTICATED_USER": None,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Heritage-damage registry API",
    "DESCRIPTION": (
        "Monuments, the sources that report on them, the claims each source makes, and "
        "the consensus status the registry computes from them. Read-only and public.\n\n"
        "Every list answers JSON (paginated), CSV, JSON Lines and, for monuments and "
        "sites, GeoJSON (`?format=csv`…), with the same filters. A monument's record is "
        "also linked data (`?format=jsonld`; terms defined at "
        "[/api/vocabulary/](/api/vocabulary/)).\n\n"
        "**Download the whole registry** as a citable dataset (CSV per table, GeoJSON, "
        "Frictionless datapackage.json, licence, CITATION.cff): the latest snapshot at "
        "[/api/datasets/latest/](/api/datasets/latest/), every dated snapshot listed at "
        "[/api/datasets/](/api/datasets/)."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Interactive docs from the project's own static files, never a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "heritage.api.schema.add_limits_and_errors",
    ],
    "ENUM_NAME_OVERRIDES": {
        "ConsensusStateEnum": "heritage.models.ConsensusState",
        "DamageStateEnum": "heritage.models.DamageState",
        "MonumentKindEnum": "heritage.models.MonumentKind",
        "CompositionEnum": "heritage.models.Composition",
        "SourceKindEnum": "heritage.models.SourceKind",
        "EvidenceKindEnum": "heritage.models.EvidenceKind",
        "DamageCauseEnum": "heritage.models.DamageCause",
        "RankEnum": "heritage.models.Rank",
    },
}

# Researchers' browsers and notebooks on other origins may read the API.
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_EXPOSE_HEADERS = ["ETag", "Last-Modified"]

API_MAX_PAGE_SIZE = 500
# A list's first page counts its matches up to this many; beyond, "count" is null and
# "count_exceeds" gives this number, so that no page reads a whole table to count it.
API_COUNT_LIMIT = 10_000
# Requests an anonymous client (one IP address) may make: "N/second|minute|hour|day",
# over a sliding window (heritage/api/throttles.py); "off" sets no limit.
API_ANON_RATE = os.environ.get("API_ANON_RATE", "600/minute")
API_CACHE_SECONDS = int(os.environ.get("API_CACHE_SECONDS", "60"))

# --- Client addresses, rate limits and login attempts -------------------------------
# How many reverse proxies in front of the app append to X-Forwarded-For. 0 (the
# default): the header is ignored and the connection's address is the client's, so a
# client cannot choose the address it is counted under.
TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))
REST_FRAMEWORK["NUM_PROXIES"] = TRUSTED_PROXIES

# The default cache lives in the database, so that every worker process shares it (a
# per-process memory cache would multiply anything counted in it). The rate limit's
# counters have a table of their own (heritage.models.RequestCount): one statement a
# request, where a cache would take four.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "heritage_cache",
        "OPTIONS": {"MAX_ENTRIES": 100_000},
    },
    # Whole API responses per revision (heritage/api/response_cache.py): files every
    # worker shares, in a folder only the registry's user may use (the files are
    # pickles); a write to the registry makes every entry unreachable. At most
    # MAX_ENTRIES x API_RESPONSE_CACHE_MAX_BYTES on disk (1,000 x 5 MB).
    "responses": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": os.environ.get("RESPONSE_CACHE_DIR", str(BASE_DIR / "var" / "responses")),
        "TIMEOUT": 24 * 3600,
        "OPTIONS": {"MAX_ENTRIES": 1000},
    },
}
# Responses larger than this are not kept in the response cache (0: no response cache).
API_RESPONSE_CACHE_MAX_BYTES = int(
    os.environ.get("API_RESPONSE_CACHE_MAX_BYTES", str(5 * 1024 * 1024))
)

# django-axes: after LOGIN_FAILURE_LIMIT wrong passwords for one account from one
# address, that pair is refused for LOGIN_COOLOFF_MINUTES, whatever the password.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
LOGIN_COOLOFF_MINUTES = int(os.environ.get("LOGIN_COOLOFF_MINUTES", "15"))
AXES_COOLOFF_TIME = LOGIN_COOLOFF_MINUTES / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_IPWARE_PROXY_COUNT = TRUSTED_PROXIES or None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if TRUSTED_PROXIES else ["REMOTE_ADDR"]
)
AXES_COOLOFF_MESSAGE = (
    f"Too many failed logins for this account from your address: logging in is blocked "
    f"for {LOGIN_COOLOFF_MINUTES} minutes, even with the right password. Try again later, "
    f"or ask an administrator to unlock the account (manage.py axes_reset_username NAME)."
)

# --- Logs ---------------------------------------------------------------------------
# JSON lines on stdout (the container's or the service manager's log): one per request
# (heritage.requests) and every 5xx with its traceback (django.request). LOG_LEVEL
# sets the threshold; LOG_FORMAT=text gives plain lines for a terminal.
LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "registry.observability.RequestIdFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "filters": ["request_id"],
            "formatter": "text" if os.environ.get("LOG_FORMAT") == "text" else "json",
        }
    },
    "root": {"handlers": ["stdout"], "level": LOG_LEVEL},
    "loggers": {
        # 4xx are in the request lines already; keep Django's logger for 5xx tracebacks.
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "WARNING"},
        "axes": {"level": "WARNING"},  # lockouts are warnings; every login is not news
    },
}
# The citable dataset (manage.py export_dataset; downloads at /api/datasets/).
DATASET_DIR = Path(os.environ.get("DATASET_DIR", BASE_DIR / "datasets"))
# The public address of the registry, written into the dataset's links and citation.
DATASET_BASE_URL = os.environ.get("DATASET_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
DATASET_TITLE = "Heritage-damage registry"
DATASET_AUTHORS = ["Heritage-damage registry curators"]
DATASET_LICENSE = {
    "name": "CC-BY-4.0",
    "title": "Creative Commons Attribution 4.0 International",
    "path": "https://creativecommons.org/licenses/by/4.0/",
}

# Background work (large consensus recomputations): django-tasks, the database as queue,
# run by ``manage.py db_worker``.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# A change touching more monuments than this recomputes them in a background job.
CONSENSUS_INLINE_LIMIT = int(os.environ.get("CONSENSUS_INLINE_LIMIT", "500"))

# Bounds on every request (heritage/limits.py): a larger body answers 413 (photos are
# at most 20 MB), a longer query string 414; queries running longer than this many
# seconds are stopped and answer 503 (0: no limit).
REQUEST_MAX_BYTES = int(os.environ.get("REQUEST_MAX_BYTES", str(25 * 1024 * 1024)))
REQUEST_MAX_QUERY_BYTES = int(os.environ.get("REQUEST_MAX_QUERY_BYTES", "4096"))
DATABASE_STATEMENT_TIMEOUT = float(os.environ.get("DATABASE_STATEMENT_TIMEOUT", "20"))

# The public map's background tiles. Empty MAP_TILE_URL: no tiles, the markers on a plain
# background (and no request leaves the site). The attribution is shown on the map.
MAP_TILE_URL = os.environ.get("MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILE_ATTRIBUTION = os.environ.get(
    "MAP_TILE_ATTRIBUTION",
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
)


def tile_origin(url: str) -> str:
    """scheme://host[:port] of a tile URL template ("{s}" subdomains as "*"), or ""."""
    if not url:
        return ""
    scheme, _, rest = url.partition("://")
    return f"{scheme}://{rest.split('/', 1)[0]}".replace("{s}", "*")


def content_security_policy(tile_url: str) -> dict:
    """One policy for every page (public site, admin, API docs): scripts, styles, fonts
    and requests only from the site itself, images also from the tile server. No inline
    code or styles anywhere."""
    return {
        "DIRECTIVES": {
            "default-src": [SELF],
            "script-src": [SELF],
            "style-src": [SELF],
            "img-src": [SELF, "data:", *filter(None, [tile_origin(tile_url)])],
            "connect-src": [SELF],
            "font-src": [SELF],
            "object-src": [NONE],
            "base-uri": [SELF],
            "form-action": [SELF],
            "frame-ancestors": [SELF],
        }
    }


CONTENT_SECURITY_POLICY = content_security_policy(MAP_TILE_URL)
