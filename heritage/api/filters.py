"""Query parameters of the API, one FilterSet per resource."""

from __future__ import annotations

import datetime

from django.db.models import Q, QuerySet, Subquery
from django.utils import timezone
from django_filters import rest_framework as filters

from heritage.api.errors import ParameterError
from heritage.models import (
    ConsensusState,
    DamageReport,
    DamageState,
    EvidenceKind,
    Monument,
    MonumentKind,
    Outlet,
    Site,
    Source,
)
from heritage.text import normalise

# Parameters that select the consensus itself: with as_of / known_at they apply to the
# status computed for that date (in the view), not to the stored one.
CONSENSUS_PARAMETERS = ("state", "contested", "min_confidence")


def parse_date_or_datetime(parameter: str, raw: str) -> datetime.datetime:
    """Read YYYY-MM-DD or an ISO 8601 date-time; naive values are UTC."""
    try:
        if len(raw) == 10:
            day = datetime.date.fromisoformat(raw)
            return datetime.datetime.combine(day, datetime.time.min, tzinfo=datetime.UTC)
        value = datetime.datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise ParameterError(
            parameter, f"Expected YYYY-MM-DD or an ISO 8601 date-time, got {raw!r}."
        ) from None
    if not timezone.is_aware(value):
        return value.replace(tzinfo=datetime.UTC)
    try:
        # In UTC, as the database compares it; an offset can push a date past year 1 or 9999.
        return value.astimezone(datetime.UTC)
    except OverflowError:
        raise ParameterError(
            parameter, f"{raw!r} is outside the years 1 to 9999 once its offset is applied."
        ) from None


def search(queryset: QuerySet, raw: str, field: str = "search_text") -> QuerySet:
    """Match every normalised form of *raw* against a normalised search column."""
    words = normalise(raw)
    if not words:
        raise ParameterError("q", "Give at least one letter or digit to search for.")
    return queryset.filter(
        Q(**{f"{field}__contains": words}) | Q(**{f"{field}__contains": words.replace(" ", "")})
    )


class MonumentFilter(filters.FilterSet):
    site = filters.ModelChoiceFilter(
        field_name="site",
        to_field_name="slug",
        queryset=Site.objects.all(),
        help_text="Slug of the site, e.g. palmyra.",
    )
    kind = filters.ChoiceFilter(choices=MonumentKind.choices, help_text="Kind of monument.")
    state = filters.ChoiceFilter(
        field_name="consensus__state",
        choices=ConsensusState.choices,
        method="consensus_filter",
        help_text="Consensus state.",
    )
    contested = filters.ChoiceFilter(
        field_name="consensus__contested",
        choices=[("true", "true"), ("false", "false")],
        method="consensus_filter",
        help_text="true: only contested statuses; false: only uncontested.",
    )
    min_confidence = filters.NumberFilter(
        field_name="consensus__confidence",
        lookup_expr="gte",
        min_value=0,
        max_value=1,
        method="consensus_filter",
        help_text="Minimum confidence, from 0 to 1.",
    )
    updated_since = filters.CharFilter(
        method="filter_updated_since",
        help_text="Monuments whose record or consensus changed at or after this date "
        "(YYYY-MM-DD) or date-time (ISO 8601).",
    )
    as_of = filters.DateFilter(
        method="noop",
        help_text="The consensus on this date by all the evidence held now (YYYY-MM-DD).",
    )
    known_at = filters.DateFilter(
        method="noop",
        help_text="The consensus as the registry could have stated it on this date: only "
        "sources published by then (YYYY-MM-DD).",
    )
    q = filters.CharFilter(
        method="filter_q",
        help_text="Search in names and aliases, ignoring case, accents and Arabic "
        "diacritics and letter variants.",
    )
    slug = filters.CharFilter(
        method="filter_slug",
        help_text="One or more monument slugs, comma-separated (one record as CSV or GeoJSON).",
    )
    ordering = filters.OrderingFilter(
        fields=(
            ("name", "name"),
            ("slug", "slug"),
            ("consensus__confidence", "confidence"),
            ("consensus__state", "state"),
            ("updated_at", "updated"),
        ),
        help_text="Sort by name, slug, confidence, state or updated; prefix - to reverse.",
    )
    after = filters.CharFilter(
        method="noop",
        help_text="A monument's slug: the monuments that come after it in the list's order "
        "(the next page's link; not counted). Not with page or before.",
    )
    before = filters.CharFilter(
        method="noop",
        help_text="A monument's slug: the monuments that come before it in the list's order "
        "(the previous page's link; not counted). Not with page or after.",
    )

    class Meta:
        model = Monument
        fields: list[str] = []

    def consensus_filter(self, queryset, name, value):
        # Validated here, applied by the view to the status of the requested day
        # (today's stored consensus, or the stored period of a past date).
        return queryset

    def filter_updated_since(self, queryset, name, value):
        since = parse_date_or_datetime("updated_since", value)
        return queryset.filter(Q(updated_at__gte=since) | Q(consensus__changed_at__gte=since))

    def filter_q(self, queryset, name, value):
        return search(queryset, value)

    def filter_slug(self, queryset, name, value):
        return queryset.filter(slug__in=[v.strip() for v in value.split(",") if v.strip()])

    def noop(self, queryset, name, value):
        return queryset


class SourceFilter(filters.FilterSet):
    outlet = filters.ModelChoiceFilter(
        to_field_name="slug", queryset=Outlet.objects.all(), help_text="Slug of the outlet."
    )
    credit = filters.ModelChoiceFilter(
        field_name="wire_credits",
        to_field_name="slug",
        queryset=Outlet.objects.all(),
        help_text="Slug of an agency whose copy the source carries (afp, reuters…).",
    )
    published_since = filters.DateFilter(
        field_name="published_on", lookup_expr="gte", help_text="Published on or after."
    )
    published_until = filters.DateFilter(
        field_name="published_on", lookup_expr="lte", help_text="Published on or before."
    )
    monument = filters.CharFilter(
        method="filter_monument",
        help_text="Slug of a monument the source makes an accepted claim about.",
    )
    ordering = filters.OrderingFilter(
        fields=(("published_on", "published_on"), ("key", "key"), ("title", "title")),
        help_text="Sort by published_on, key or title; prefix - to reverse.",
    )
    after = filters.CharFilter(
        method="keyset",
        help_text="A source's key: the sources that come after it in the list's order "
        "(the next page's link; not counted). Not with page or before.",
    )
    before = filters.CharFilter(
        method="keyset",
        help_text="A source's key: the sources that come before it in the list's order "
        "(the previous page's link; not counted). Not with page or after.",
    )

    class Meta:
        model = Source
        fields: list[str] = []

    def filter_monument(self, queryset, name, value):
        return queryset.filter(
            reports__monument__slug=value, reports__review_status="accepted"
        ).distinct()

    def keyset(self, queryset, name, value):
        # Applied by the view, which knows the order and the page (SourceViewSet.list).
        return queryset


class ReportFilter(filters.FilterSet):
    monument = filters.CharFilter(field_name="monument__slug", help_text="Slug of the monument.")
    site = filters.CharFilter(field_name="monument__site__slug", help_text="Slug of the site.")
    source = filters.CharFilter(method="filter_source", help_text="Key of the source.")
    state = filters.ChoiceFilter(choices=DamageState.choices, help_text="State claimed.")
    evidence = filters.ChoiceFilter(choices=EvidenceKind.choices, help_text="Kind of evidence.")
    observed_since = filters.DateFilter(
        method="filter_observed_since",
        help_text="Claims whose observation ends on or after this date.",
    )
    observed_until = filters.DateFilter(
        method="filter_observed_until",
        help_text="Claims whose observation starts on or before this date.",
    )
    ordering = filters.OrderingFilter(
        # The claim's copy of its source's date: the list reads it from an index.
        fields=(("source_published_on", "published_on"), ("observed_from", "observed_from")),
        help_text="Sort by published_on (the default: the source's date, then its key and "
        "the claim's key) or observed_from; prefix - to reverse.",
    )
    after = filters.CharFilter(
        method="keyset",
        help_text="A claim's reference (<source key>/<claim key>, its claim field): the "
        "claims that come after it in publication order (the next page's link). Not with "
        "page, before, or ordering=observed_from.",
    )
    before = filters.CharFilter(
        method="keyset",
        help_text="A claim's reference: the claims that come before it in publication "
        "order (the previous page's link). Not with page, after, or ordering=observed_from.",
    )

    class Meta:
        model = DamageReport
        fields: list[str] = []

    def filter_source(self, queryset, name, value):
        # By the claims' copies of the source's date and key: the publication index
        # then finds the source's claims, already in order.
        published_on = Source.objects.filter(key=value).values("published_on")[:1]
        return queryset.filter(source_key=value, source_published_on=Subquery(published_on))

    def keyset(self, queryset, name, value):
        # Applied by the view, which knows the order and the page (ReportViewSet.list).
        return queryset

    def filter_observed_since(self, queryset, name, value):
        return queryset.filter(
            Q(observed_to__gte=value)
            | Q(observed_to__isnull=True, observed_from__gte=value)
            | Q(
                observed_to__isnull=True,
                observed_from__isnull=True,
                source_published_on__gte=value,
            )
        )

    def filter_observed_until(self, queryset, name, value):
        return queryset.filter(
            Q(observed_from__lte=value)
            | Q(observed_from__isnull=True, source_published_on__lte=value)
        )
