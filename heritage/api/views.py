"""Public, read-only API views."""

from __future__ import annotations

import datetime

from django.db.models import Prefetch
from django.utils import timezone
from rest_framework import viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny

from heritage import services
from heritage.api.serializers import MonumentDetailSerializer, MonumentSerializer
from heritage.models import Alias, DamageReport, Monument

DATE_PARAMETERS = ("as_of", "known_at")


def date_parameter(request, name: str) -> datetime.date | None:
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return None
    try:
        return datetime.date.fromisoformat(raw)
    except ValueError:
        raise ValidationError({name: f"Expected a date as YYYY-MM-DD, got {raw!r}."}) from None


class MonumentViewSet(viewsets.ReadOnlyModelViewSet):
    """Monuments with their consensus status; ``as_of`` / ``known_at`` give past states."""

    lookup_field = "slug"
    # Public and read-only: anyone may read; writes answer 405 Method Not Allowed.
    permission_classes = [AllowAny]

    def get_queryset(self):
        queryset = Monument.objects.for_api()
        if self.action == "retrieve":
            queryset = queryset.select_related("status_override").prefetch_related(
                # Aliases in one query instead of one per monument.
                Prefetch("aliases", queryset=Alias.objects.order_by("language", "name"))
            )
        return queryset

    def get_object(self):
        # The serializer context needs the monument too: fetch it once per request.
        if not hasattr(self, "_object"):
            self._object = super().get_object()
        return self._object

    def get_serializer_class(self):
        return MonumentDetailSerializer if self.action == "retrieve" else MonumentSerializer

    def get_serializer(self, *args, **kwargs):
        if args and self.action == "list" and self.dates_requested():
            monuments = args[0]
            kwargs.setdefault("context", self.get_serializer_context())
            kwargs["context"]["computed"] = services.consensus_at(
                [m.pk for m in monuments], **self.dates()
            )
            return self.get_serializer_class()(*args, **kwargs)
        return super().get_serializer(*args, **kwargs)

    def dates(self) -> dict[str, datetime.date | None]:
        if not hasattr(self, "_dates"):
            self._dates = {name: date_parameter(self.request, name) for name in DATE_PARAMETERS}
        return self._dates

    def dates_requested(self) -> bool:
        return any(self.dates().values())

    def get_serializer_context(self):
        context = super().get_serializer_context()
        dates = self.dates()
        context["as_of"] = dates["as_of"] or dates["known_at"] or timezone.localdate()
        if self.action == "retrieve":
            monument = self.get_object()
            # The claims behind the status, with their sources, in one query.
            context["reports"] = list(
                DamageReport.objects.filter(monument=monument).select_related("source__outlet")
            )
            if self.dates_requested():
                context["computed"] = services.consensus_at([monument.pk], **dates)
        return context
