"""The anonymous rate limit: settings.API_ANON_RATE requests per client address.

Every worker process must count the same requests, so the counters live in the
database (:class:`heritage.models.RequestCount`), one row per address. A request costs
one statement: an upsert that counts it in the current window of the rate's duration
(rolling the last window's count into ``previous`` when a new one starts) and returns
both counts. The limit is a sliding window, as estimated by counting windows: the
current window's requests plus the previous window's, weighted by the share of the
previous window the sliding minute (hour, …) still covers. A refused request is taken
back out of the count, so a client just over the limit is served at the limit's pace.

The client's address is the connection's, or the one the deployment's trusted proxies
forwarded (settings.TRUSTED_PROXIES, via DRF's NUM_PROXIES); a forged X-Forwarded-For
is ignored (tests/api/test_rate_limit.py).
"""

from __future__ import annotations

import math
import random
import time

from django.conf import settings
from django.db import connection
from django.db.models import F
from rest_framework.throttling import SimpleRateThrottle

from ..models import RequestCount

# The time now, in seconds (tests move it).
clock = time.time

# One request in this many also deletes the counters of addresses idle for two windows.
PRUNE_EVERY = 1000


class AnonymousRateThrottle(SimpleRateThrottle):
    """The limit is read from settings on each request, so the deployment's environment
    and tests can set it; an empty rate or "off" counts nothing."""

    scope = "anon"

    def __init__(self) -> None:  # SimpleRateThrottle reads the rate at construction
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)

    def get_rate(self) -> str | None:
        rate = settings.API_ANON_RATE
        return None if not rate or rate.strip().lower() == "off" else rate

    def allow_request(self, request, view) -> bool:
        if self.rate is None or (request.user and request.user.is_authenticated):
            return True
        client = f"anon:{self.get_ident(request)}"[: RequestCount._meta.pk.max_length]
        now = clock()
        window = int(now // self.duration)
        count, previous = count_request(client, window)
        if random.randrange(PRUNE_EVERY) == 0:
            RequestCount.objects.filter(window_index__lt=window - 1).delete()
        elapsed = (now % self.duration) / self.duration
        if previous * (1 - elapsed) + count <= self.num_requests:
            return True
        # Refused: not counted, so that the estimate stays the pace the client was served.
        # Relative to the stored count: other workers may have counted requests since.
        RequestCount.objects.filter(client=client, window_index=window, count__gt=0).update(
            count=F("count") - 1
        )
        self.refused = (count - 1, previous, elapsed)
        return False

    def wait(self) -> float:
        """Seconds until one more request fits under the limit (the Retry-After)."""
        served, previous, elapsed = self.refused
        room = self.num_requests - served - 1  # what the previous window may still weigh
        if room >= 0 and previous:
            return max(0.0, math.ceil(((1 - elapsed) - room / previous) * self.duration))
        # This window alone is full: wait for the next, and for its weight to fade.
        fade = 1 - (self.num_requests - 1) / served if served else 0
        return math.ceil((1 - elapsed + max(fade, 0)) * self.duration)


def count_request(client: str, window: int) -> tuple[int, int]:
    """Count one request of *client* in *window*; return (this window's requests, the
    previous window's). One statement, atomic on SQLite and PostgreSQL."""
    table = connection.ops.quote_name(RequestCount._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {table} (client, window_index, count, previous)
            VALUES (%s, %s, 1, 0)
            ON CONFLICT (client) DO UPDATE SET
                previous = CASE
                    WHEN {table}.window_index = excluded.window_index THEN {table}.previous
                    WHEN {table}.window_index = excluded.window_index - 1 THEN {table}.count
                    ELSE 0 END,
                count = CASE
                    WHEN {table}.window_index = excluded.window_index THEN {table}.count + 1
                    ELSE 1 END,
                window_index = excluded.window_index
            RETURNING count, previous
            """,
            [client, window],
        )
        return cursor.fetchone()
