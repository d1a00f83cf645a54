from django.conf import settings
from rest_framework.throttling import AnonRateThrottle


class AnonymousRateThrottle(AnonRateThrottle):
    """Anonymous rate limit read from settings.API_ANON_RATE on each request, so the
    deployment's environment (API_ANON_RATE) and tests can set it."""

    def get_rate(self) -> str:
        return settings.API_ANON_RATE
