"""gunicorn's settings for the registry: ``gunicorn -c python:registry.gunicorn_conf``.

Each value can be overridden from the environment (names below) or gunicorn's own
command-line options. Sync workers by default (``WORKER_CLASS``; ``gthread`` with
``WORKER_THREADS`` threads each is the other choice): a request that exceeds ``timeout``
gets its worker replaced, not left hanging.
"""

import multiprocessing
import os

wsgi_app = "registry.wsgi:application"
bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = os.environ.get("WORKER_CLASS", "sync")
# Threads per worker (gthread only); each holds its own database connection.
threads = int(os.environ.get("WORKER_THREADS", "4"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so memory cannot creep up for ever.
max_requests = 2000
max_requests_jitter = 200
# The application logs each request as JSON (registry/observability.py); gunicorn logs
# only its own events, to stderr.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# Requests larger than this are refused by gunicorn before Django sees them.
limit_request_line = 8190
limit_request_fields = 100
# Believe X-Forwarded-* only from the proxies the deployment declares.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
