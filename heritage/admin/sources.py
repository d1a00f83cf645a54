"""Sources, with the hints that one may copy another."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.contrib import admin
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils.html import format_html, format_html_join

from heritage import consensus
from heritage.admin.base import HistoryAdmin, TableMixin
from heritage.models import (
    SOURCE_HISTORY,
    DamageReport,
    OutletKind,
    Source,
)
from heritage.resources import SourceResource


def copy_hints(sources: list[Source]) -> dict[int, list[str]]:
    """Why each source may be a copy of another, in two queries for any number of them.

    A source looks like a copy when it shares an identifiable wire credit (not "agency
    inputs") with a source published within the consensus's wire window, or has
    copies-passages-from links either way.
    """
    return credits_and_copy_hints(sources)[1]


def credits_and_copy_hints(
    sources: list[Source],
) -> tuple[dict[int, list[str]], dict[int, list[str]]]:
    """The names of each source's wire credits, and :func:`copy_hints`: two queries for
    any number of sources (the copy links; the credits of these sources and of the
    sources published near them under the same identifiable credits)."""
    credits: dict[int, list[str]] = defaultdict(list)
    hints: dict[int, list[str]] = defaultdict(list)
    if not sources:
        return credits, hints
    ids = [s.pk for s in sources]
    links = Source.copies_passages_from.through.objects.filter(
        Q(from_source_id__in=ids) | Q(to_source_id__in=ids)
    ).values_list("from_source_id", "from_source__key", "to_source_id", "to_source__key")
    for from_id, from_key, to_id, to_key in links:
        if from_id in ids:
            hints[from_id].append(f"copies passages from {to_key}")
        if to_id in ids:
            hints[to_id].append(f"copied by {from_key}")

    window = datetime.timedelta(days=consensus.WIRE_WINDOW_DAYS)
    dates = {s.pk: s.published_on for s in sources}
    near = Q()
    for day in set(dates.values()):
        near |= Q(published_on__range=(day - window, day + window))
    through = Source.wire_credits.through
    identifiable = (
        through.objects.filter(source_id__in=ids)
        .exclude(outlet__kind=OutletKind.UNNAMED_AGENCIES)
        .values("outlet_id")
    )
    columns = (
        "source_id",
        "outlet_id",
        "outlet__name",
        "outlet__kind",
        "source__key",
        "source__published_on",
    )
    # Two branches of one UNION, each served by its own index (the page's credits by
    # source, the others by publication date): one WHERE with OR read every credit. The
    # sources near in time are chosen first (the date index), then their credits (by
    # source): asked through the credit's outlet, SQLite read every credit of each
    # agency on the page.
    near_sources = Source.objects.filter(near).values("pk")
    rows = (
        through.objects.filter(source_id__in=ids)
        .values_list(*columns)
        .union(
            through.objects.filter(
                source_id__in=near_sources, outlet_id__in=identifiable
            ).values_list(*columns)
        )
        .order_by("outlet__name", "source_id")
    )
    own: list[tuple[int, int, str]] = []
    others = defaultdict(list)
    for sid, oid, name, kind, key, day in rows:
        if sid in dates:
            credits[sid].append(name)
            if kind != OutletKind.UNNAMED_AGENCIES:
                own.append((sid, oid, name))
        others[oid].append((sid, key, day))
    for sid, oid, outlet_name in own:
        for other_id, key, day in others[oid]:
            apart = abs((day - dates[sid]).days)
            if other_id != sid and apart <= consensus.WIRE_WINDOW_DAYS:
                hints[sid].append(
                    f"shares the {outlet_name} credit with {key} ({apart} day(s) apart)"
                )
    return credits, hints


class OutletChoices(admin.RelatedFieldListFilter):
    """The outlets to filter by, read once per request for both outlet filters (the
    publishing outlet and the wire credits)."""

    def field_choices(self, field, request, model_admin):
        ordering = tuple(self.field_admin_ordering(field, request, model_admin))
        cached = request.__dict__.setdefault("_outlet_choices", {})
        if ordering not in cached:
            cached[ordering] = field.get_choices(include_blank=False, ordering=ordering)
        return cached[ordering]


class SourceClaimInline(admin.TabularInline):
    model = DamageReport
    fk_name = "source"
    extra = 0
    can_delete = False
    show_change_link = True
    fields = ["key", "monument", "state", "evidence", "review_status", "rank"]
    readonly_fields = fields
    verbose_name_plural = "claims"

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("monument")


@admin.register(Source)
class SourceAdmin(TableMixin, HistoryAdmin):
    resource_classes = [SourceResource]
    list_display = [
        "source",
        "outlet",
        "published_on",
        "credits",
        "claim_count",
        "copy_hint",
    ]
    list_filter = ["kind", ("outlet", OutletChoices), ("wire_credits", OutletChoices)]
    list_select_related = ["outlet"]
    search_fields = ["title", "key", "byline"]
    autocomplete_fields = ["outlet", "wire_credits", "photo_credits", "copies_passages_from"]
    date_hierarchy = "published_on"
    # Its years, months and days probed with the date's index (templatetags/admin_dates);
    # import-export's buttons are added around it.
    change_list_template = "admin/heritage/source/change_list.html"
    readonly_fields = ["copy_hint_detail"]
    inlines = [SourceClaimInline]
    show_full_result_count = False

    def get_queryset(self, request):
        # Each row's claims counted in the page's own query (a subquery per row of the
        # page; the changelist's count and date queries leave unused annotations out).
        claims = (
            DamageReport.objects.filter(source=OuterRef("pk"))
            .order_by()
            .values("source")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return super().get_queryset(request).annotate(claims=Coalesce(Subquery(claims), 0))

    def get_changelist_instance(self, request):
        """The page's wire credits and copy hints, in two queries for the whole page."""
        changelist = super().get_changelist_instance(request)
        page = list(changelist.result_list)
        credits, hints = credits_and_copy_hints(page)
        for source in page:
            source.credit_names = credits.get(source.pk, [])
            source.copy_hints = hints.get(source.pk, [])
        return changelist

    @admin.display(description="source", ordering="title")
    def source(self, obj):
        return format_html("{}<br><small class='quiet'>{}</small>", obj.title, obj.key)

    @admin.display(description="wire credits")
    def credits(self, obj):
        names = getattr(obj, "credit_names", None)
        if names is None:
            names = [o.name for o in obj.wire_credits.all()]
        return ", ".join(names) or "–"

    @admin.display(description="claims")
    def claim_count(self, obj):
        claims = getattr(obj, "claims", None)
        return obj.reports.count() if claims is None else claims

    @admin.display(description="copy?")
    def copy_hint(self, obj):
        hints = getattr(obj, "copy_hints", None)
        if hints is None:
            hints = copy_hints([obj]).get(obj.pk, [])
        if not hints:
            return ""
        return format_html(
            '<span class="copy-hint" title="{}">⚠ looks like a copy</span>', "; ".join(hints)
        )

    @admin.display(description="looks like a copy?")
    def copy_hint_detail(self, obj):
        if obj is None or obj.pk is None:
            return "–"
        hints = copy_hints([obj]).get(obj.pk, [])
        if not hints:
            return (
                "No sign of copying: no copy links, and no identifiable wire credit shared "
                f"with a source published within {consensus.WIRE_WINDOW_DAYS} days."
            )
        return format_html(
            "<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((h,) for h in hints))
        )

    def save_model(self, request, obj, form, change):
        # One history row per save, written after the credits are saved (simple-history
        # would otherwise add one per many-to-many change, the first before it).
        obj.skip_history_when_saving = True
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        obj = form.instance
        try:
            super().save_related(request, form, formsets, change)
        finally:
            if hasattr(obj, "skip_history_when_saving"):
                del obj.skip_history_when_saving
        SOURCE_HISTORY.create_historical_record(obj, "~" if change else "+")
