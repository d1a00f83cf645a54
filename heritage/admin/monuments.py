"""Monuments with their stored consensus, explained claim by claim, and curators'
overrides of a status."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.forms.models import BaseInlineFormSet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from heritage import consensus, services
from heritage.admin.base import HistoryAdmin, TableMixin, VersionedForm, can_decide_status
from heritage.admin.decisions import OverrideForm, intermediate_form
from heritage.admin.gazetteer import AliasInline
from heritage.models import (
    ConsensusState,
    DamageReport,
    Monument,
    ReviewStatus,
    StatusOverride,
)
from heritage.resources import MonumentResource
from heritage.text import normalise


class ConsensusStateFilter(admin.SimpleListFilter):
    title = "consensus state"
    parameter_name = "consensus"

    def lookups(self, request, model_admin):
        return ConsensusState.choices

    def queryset(self, request, queryset):
        if self.value():
            if self.value() == ConsensusState.UNKNOWN:
                return queryset.filter(
                    Q(consensus__state=ConsensusState.UNKNOWN) | Q(consensus__isnull=True)
                )
            return queryset.filter(consensus__state=self.value())
        return queryset


class ContestedFilter(admin.SimpleListFilter):
    title = "contested"
    parameter_name = "contested"

    def lookups(self, request, model_admin):
        return [("yes", "contested"), ("no", "not contested")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(consensus__contested=True)
        if self.value() == "no":
            return queryset.exclude(consensus__contested=True)
        return queryset


class DraftedClaimsFilter(admin.SimpleListFilter):
    title = "drafted claims"
    parameter_name = "drafted"

    def lookups(self, request, model_admin):
        return [("yes", "has drafted claims"), ("no", "no drafted claims")]

    def queryset(self, request, queryset):
        drafted = Exists(
            DamageReport.objects.filter(
                monument=OuterRef("pk"), review_status=ReviewStatus.DRAFTED
            )
        )
        if self.value() == "yes":
            return queryset.filter(drafted)
        if self.value() == "no":
            return queryset.filter(~drafted)
        return queryset


class StatusOverrideInline(admin.StackedInline):
    model = StatusOverride
    extra = 0
    max_num = 1
    fields = ["state", "reason", "decided_by", "decided_at"]
    readonly_fields = ["decided_by", "decided_at"]
    verbose_name = "curator's override of the status"
    verbose_name_plural = "curator's override of the status"


class LatestClaimsFormSet(BaseInlineFormSet):
    """Only the latest :data:`ClaimInline.cap` claims: a monument with hundreds of claims
    opens as fast as one with three (the rest are a link away, in the claims list)."""

    def get_queryset(self):
        if not hasattr(self, "_latest"):
            self._latest = list(super().get_queryset()[: ClaimInline.cap])
        return self._latest


class ClaimInline(admin.TabularInline):
    """The monument's latest claims, read-only here: each opens in its own form."""

    model = DamageReport
    fk_name = "monument"
    formset = LatestClaimsFormSet
    cap = 25
    extra = 0
    can_delete = False
    show_change_link = True
    fields = ["source", "key", "state", "evidence", "observed_from", "review_status", "rank"]
    readonly_fields = fields
    ordering = ["-source__published_on", "-pk"]
    verbose_name_plural = f"latest claims (at most {cap}; all of them: see “claims” above)"

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        # The source is shown and the monument is in each claim's name (__str__).
        return super().get_queryset(request).select_related("source", "monument")


def _consensus_of(monument: Monument):
    try:
        return monument.consensus
    except Monument.consensus.RelatedObjectDoesNotExist:
        return None


class MonumentForm(VersionedForm):
    class Meta:
        model = Monument
        fields = [
            "slug",
            "name",
            "kind",
            "site",
            "part_of",
            "composition",
            "member_count",
            "member_count_approximate",
            "description",
            "latitude",
            "longitude",
            "location_precision_m",
            "wikidata",
            "geonames",
            "pleiades",
        ]


# The stored status's columns a changelist never shows.
UNLISTED_CONSENSUS = ("consensus__explanation", "consensus__timeline")


class MonumentChangeList(ChangeList):
    """The monument list joins the stored status for its columns, but not the status's
    explanation and stored timeline: JSON of every claim behind it, read for a page of
    100 monuments only to be dropped."""

    def apply_select_related(self, qs):
        return super().apply_select_related(qs).defer(*UNLISTED_CONSENSUS)


@admin.register(Monument)
class MonumentAdmin(TableMixin, HistoryAdmin):
    form = MonumentForm
    resource_classes = [MonumentResource]
    list_display = [
        "name",
        "kind",
        "site",
        "consensus_state",
        "consensus_confidence",
        "consensus_contested",
        "consensus_claims",
        "consensus_latest",
    ]
    list_filter = ["site", "kind", ConsensusStateFilter, ContestedFilter, DraftedClaimsFilter]
    # One query for the page: the site and the stored consensus are joined in.
    list_select_related = ["site", "consensus"]
    search_fields = ["slug", "name", "=wikidata"]
    autocomplete_fields = ["part_of", "site"]
    inlines = [AliasInline, StatusOverrideInline, ClaimInline]
    readonly_fields = [
        "consensus_panel",
        "timeline_panel",
        "claims_link",
        "photos_panel",
        "updated_at",
    ]
    # The status comes first: it is what a curator opens a monument to check.
    fieldsets = [
        ("Consensus", {"fields": ["consensus_panel", "timeline_panel", "claims_link"]}),
        (
            "Monument",
            {
                "fields": [
                    "slug",
                    "name",
                    "kind",
                    "site",
                    "part_of",
                    ("composition", "member_count", "member_count_approximate"),
                    "description",
                    ("latitude", "longitude", "location_precision_m"),
                    ("wikidata", "geonames", "pleiades"),
                    "seen_version",
                ]
            },
        ),
        ("Photos", {"fields": ["photos_panel"]}),
        ("Record", {"fields": ["updated_at"], "classes": ["collapse"]}),
    ]

    def get_fieldsets(self, request, obj=None):
        if obj is None:  # nothing to explain yet
            return self.fieldsets[1:2]
        return self.fieldsets

    actions = ["override_status", "clear_override"]
    show_full_result_count = False

    def get_changelist(self, request, **kwargs):
        return MonumentChangeList

    # Changelist columns: the stored consensus (MonumentConsensus), joined in.

    @admin.display(description="consensus", ordering="consensus__state")
    def consensus_state(self, obj):
        c = _consensus_of(obj)
        if c is None:
            return "unknown"
        return f"{c.get_state_display()} (override)" if c.overridden else c.get_state_display()

    @admin.display(description="confidence", ordering="consensus__confidence")
    def consensus_confidence(self, obj):
        c = _consensus_of(obj)
        return f"{c.confidence:.2f}" if c else "–"

    @admin.display(description="contested", boolean=True, ordering="consensus__contested")
    def consensus_contested(self, obj):
        c = _consensus_of(obj)
        return c.contested if c else False

    @admin.display(description="claims", ordering="consensus__claim_count")
    def consensus_claims(self, obj):
        c = _consensus_of(obj)
        return c.claim_count if c else 0

    @admin.display(description="latest claim", ordering="consensus__latest_observation")
    def consensus_latest(self, obj):
        c = _consensus_of(obj)
        return c.latest_observation if c and c.latest_observation else "–"

    def get_search_results(self, request, queryset, search_term):
        """Slug and name as usual, and every alias whatever its accents, case, Arabic
        marks or letter variants (``Monument.search_text`` holds them normalised)."""
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        words = normalise(search_term)
        if words:
            by_alias = queryset.filter(
                Q(search_text__contains=words) | Q(search_text__contains=words.replace(" ", ""))
            )
            results = results | by_alias
        return results, may_have_duplicates

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else [AliasInline]

    # Change page panels.

    @admin.display(description="status")
    def consensus_panel(self, obj):
        if obj is None or obj.pk is None:
            return "–"
        c = _consensus_of(obj)
        claims, changes = _timeline_of(obj)
        refs = {
            services.claim_ref(source_key, key): {
                "pk": pk,
                "state": state,
                # The copy may not name its publisher: its title says what it is.
                "outlet": outlet or title,
                "published_on": published_on,
                "observed": _observed(observed_from, observed_to),
                "excerpt": excerpt,
                "short": excerpt
                if len(excerpt) <= EXCERPT_SHOWN
                else excerpt[:EXCERPT_SHOWN] + "…",
            }
            for (
                pk,
                source_key,
                key,
                state,
                outlet,
                title,
                published_on,
                observed_from,
                observed_to,
                excerpt,
            ) in (
                DamageReport.objects.filter(monument=obj).values_list(
                    "pk",
                    "source__key",
                    "key",
                    "state",
                    "source__outlet__name",
                    "source__title",
                    "source__published_on",
                    "observed_from",
                    "observed_to",
                    "excerpt",
                )
            )
        }
        rows = []
        for entry in c.explanation if c else []:
            ref = refs.get(entry["claim"], {})
            rows.append(
                {
                    **entry,
                    **ref,
                    "url": reverse("admin:heritage_damagereport_change", args=[ref["pk"]])
                    if ref
                    else None,
                }
            )
        override = StatusOverride.objects.filter(monument=obj).select_related("decided_by").first()
        # Under an override the stored confidence is the evidence's support for the
        # curator's state; the evidence's own reading is computed here (pure, no query).
        evidence = (
            consensus.compute(claims, group=obj._group_input) if c and c.overridden else None
        )
        return render_to_string(
            "admin/heritage/monument/consensus_panel.html",
            {
                "consensus": c,
                "rows": rows,
                "override": override,
                "evidence": evidence,
                "change": changes[-1] if changes else None,
            },
        )

    @admin.display(description="timeline")
    def timeline_panel(self, obj):
        if obj is None or obj.pk is None:
            return "–"
        _claims, changes = _timeline_of(obj)
        return render_to_string(
            "admin/heritage/monument/timeline_panel.html", {"changes": changes}
        )

    @admin.display(description="claims")
    def claims_link(self, obj):
        """How many claims, and the claims list filtered on this monument (the page
        lists only the latest)."""
        if obj is None or obj.pk is None:
            return "–"
        count = DamageReport.objects.filter(monument=obj).count()
        url = reverse("admin:heritage_damagereport_changelist")
        return format_html(
            '{} claim(s); the latest {} are listed below. <a href="{}?monument__id__exact={}">'
            "All claims on this monument</a>",
            count,
            min(count, ClaimInline.cap),
            url,
            obj.pk,
        )

    @admin.display(description="photos")
    def photos_panel(self, obj):
        if obj is None or obj.pk is None:
            return "–"
        return render_to_string(
            "admin/heritage/monument/photos_panel.html",
            {"photos": list(obj.photos.all())},
        )

    def save_formset(self, request, form, formset, change):
        if formset.model is StatusOverride:
            for override in formset.save(commit=False):
                override.decided_by = request.user
                override.decided_at = timezone.now()
                override.save()
            for override in formset.deleted_objects:
                override.delete()
            return
        super().save_formset(request, form, formset, change)

    # Decisions on the status.

    def has_decide_permission(self, request) -> bool:
        return can_decide_status(request)

    @admin.action(description="Override the status of selected monuments", permissions=["decide"])
    def override_status(self, request, queryset):
        form, response = intermediate_form(
            self,
            request,
            queryset,
            OverrideForm,
            title=f"Override the status of {queryset.count()} monument(s)",
            action="override_status",
            intro="An override replaces the published status whatever the evidence says; "
            "the evidence's own state stays visible beside it.",
        )
        if response is not None:
            return response
        with transaction.atomic():
            for monument in queryset:
                services.override_status(
                    monument=monument,
                    state=form.cleaned_data["state"],
                    reason=form.cleaned_data["reason"],
                    curator=request.user,
                )
        self.message_user(request, f"Status of {queryset.count()} monument(s) overridden.")
        return None

    @admin.action(
        description="Clear the status override of selected monuments", permissions=["decide"]
    )
    def clear_override(self, request, queryset):
        with transaction.atomic():
            for monument in queryset:
                services.clear_override(monument=monument)
        self.message_user(request, "Overrides cleared; the evidence decides the status again.")


@admin.register(StatusOverride)
class StatusOverrideAdmin(HistoryAdmin):
    list_display = ["monument", "state", "reason", "decided_by", "decided_at"]
    list_select_related = ["monument", "decided_by"]
    search_fields = ["monument__name", "monument__slug", "reason"]
    autocomplete_fields = ["monument"]
    readonly_fields = ["decided_by", "decided_at"]
    fields = ["monument", "state", "reason", "decided_by", "decided_at"]

    def save_model(self, request, obj, form, change):
        obj.decided_by = request.user
        obj.decided_at = timezone.now()
        super().save_model(request, obj, form, change)


# Characters of a claim's excerpt shown in the consensus panel (the rest on hover).
EXCERPT_SHOWN = 120


def _timeline_of(obj) -> tuple[list, list]:
    """The monument's accepted claims as engine input and its timeline (for a group, with
    its members' roll-up), computed once per request for both panels of its page."""
    if not hasattr(obj, "_claims_and_timeline"):
        by_monument, groups = services.engine_inputs([obj.pk])
        claims, group = by_monument.get(obj.pk, []), groups.get(obj.pk)
        obj._group_input = group
        obj._claims_and_timeline = (claims, consensus.timeline(claims, group=group))
    return obj._claims_and_timeline


def _observed(start, end) -> str:
    if start and end:
        return f"{start.isoformat()} – {end.isoformat()}"
    return start.isoformat() if start else ""
