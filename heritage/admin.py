"""The curators' workbench.

* Monuments list their stored consensus (state, confidence, contested, claims, latest
  observation) and are searched by every spelling of their names; the change page
  explains the consensus claim by claim, with its timeline, photos and claims.
* The review queue (drafted claims) puts claim, excerpt, source and attribution side by
  side, with bulk accept and bulk reject (with a reason).
* Curator decisions (pin or discount a claim, override a monument's status) need a
  reason and record who made them and when.
* Every change is in the history (django-simple-history): who, when, which fields;
  deleted records are listed and can be restored; a record edited by someone else
  since the form was opened is not overwritten (``Versioned``).
* Monuments, sources and claims import and export as CSV, XLSX and JSON
  (heritage/resources.py), with a preview before anything is written.

Roles are groups (heritage/roles.py); the admin checks the permissions they hold.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from import_export.admin import ImportExportMixin
from import_export.formats import base_formats
from simple_history.admin import SimpleHistoryAdmin

from heritage import consensus, history, services
from heritage.images import validate_image
from heritage.models import (
    CLAIM_FIELDS,
    PHOTO_NEEDS_CREDIT,
    REVIEW_FIELDS,
    SOURCE_HISTORY,
    Alias,
    ConsensusState,
    DamageReport,
    DraftedClaim,
    EditConflict,
    Monument,
    Outlet,
    OutletKind,
    Photo,
    Rank,
    ReviewStatus,
    Site,
    Source,
    StatusOverride,
    Versioned,
)
from heritage.resources import DamageReportResource, MonumentResource, SourceResource
from heritage.roles import REVIEW_PERMISSION
from heritage.text import normalise

TABLE_FORMATS = [base_formats.CSV, base_formats.XLSX, base_formats.JSON]

# Changelists here are wide (consensus columns, excerpts side by side): give them the page.
admin.site.enable_nav_sidebar = False


def can_review(request) -> bool:
    return request.user.has_perm(f"heritage.{REVIEW_PERMISSION}")


def can_decide_status(request) -> bool:
    return request.user.has_perm("heritage.add_statusoverride") and request.user.has_perm(
        "heritage.change_statusoverride"
    )


# --- History, deleted records, edit conflicts ---------------------------------------------


class VersionedForm(forms.ModelForm):
    """Carries the version of the record the form was opened on; a save from a version
    that is no longer current is refused with what changed in between."""

    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["seen_version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        seen = cleaned.get("seen_version")
        if self.instance.pk is not None and seen is not None and seen != self.instance.version:
            changes = history.changes_since(type(self.instance), self.instance.pk, seen)
            raise ValidationError(
                history.conflict_message(self.instance, changes), code="edit_conflict"
            )
        return cleaned

    def _post_clean(self):
        super()._post_clean()
        seen = self.cleaned_data.get("seen_version")
        if self.instance.pk is not None and seen is not None:
            # The save checks it again, atomically, against the stored version.
            self.instance.version = seen


class HistoryAdmin(SimpleHistoryAdmin):
    """History (who, when, which fields), revert, and the list of deleted records."""

    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_urls(self):
        return [
            path(
                "deleted/",
                self.admin_site.admin_view(self.deleted_view),
                name=f"{self.opts.app_label}_{self.opts.model_name}_deleted",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            "deleted_url": reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_deleted"),
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra_context)

    def deleted_view(self, request):
        """Records of this kind that were deleted, with who deleted them and when; each
        links to its history, where a version can be restored."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        rows, seen = [], set()
        for row in history.deleted_records(self.model)[:200]:
            if row.id in seen:
                continue
            seen.add(row.id)
            rows.append(
                {
                    "row": row,
                    "history_url": reverse(
                        f"admin:{self.opts.app_label}_{self.opts.model_name}_history",
                        args=[row.id],
                    ),
                }
            )
        context = {
            **self.admin_site.each_context(request),
            "title": f"Deleted {self.opts.verbose_name_plural}",
            "opts": self.opts,
            "rows": rows,
        }
        return TemplateResponse(request, "admin/heritage/deleted_records.html", context)

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        # As simple-history's, without the bookkeeping fields that change on every save.
        excluded = [f.name for f in self.model._meta.fields if f.name in history.IGNORED_FIELDS]
        previous = None
        for current in historical_records:
            if previous is None:
                previous = current
                continue
            delta = previous.diff_against(
                current, excluded_fields=excluded, foreign_keys_are_objs=foreign_keys_are_objs
            )
            helper = self.get_historical_record_context_helper(request, previous)
            previous.history_delta_changes = helper.context_for_delta_changes(delta)
            previous = current

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        request.heritage_reverting = True
        return super().history_form_view(request, object_id, version_id, extra_context)

    def get_form(self, request, obj=None, **kwargs):
        if obj is not None and getattr(request, "heritage_reverting", False):
            if isinstance(obj, Versioned):
                # Reverting edits the current record: it starts from its current version.
                current = (
                    type(obj)
                    ._base_manager.filter(pk=obj.pk)
                    .values_list("version", flat=True)
                    .first()
                )
                if current is not None:
                    obj.version = current
        return super().get_form(request, obj, **kwargs)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except EditConflict as conflict:
            # Saved by someone else between this form's checks and its save.
            self.message_user(request, " ".join(conflict.messages), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


class TableMixin(ImportExportMixin):
    """CSV / XLSX / JSON import (with a preview) and export; importing needs the
    permission to add and change the records."""

    import_formats = TABLE_FORMATS
    export_formats = TABLE_FORMATS

    def has_import_permission(self, request):
        return self.has_add_permission(request) and self.has_change_permission(request)

    def has_export_permission(self, request):
        return self.has_view_permission(request)

    def get_import_data_kwargs(self, **kwargs):
        kwargs = super().get_import_data_kwargs(**kwargs)
        kwargs["rollback_on_validation_errors"] = True
        return kwargs

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            self.message_user(
                request,
                "Nothing was imported: the file now has rows with errors. Import it again "
                "to see them in the preview.",
                messages.ERROR,
            )
            return HttpResponseRedirect(
                reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_import")
            )
        return super().process_result(result, request)


# --- Intermediate forms for decisions -----------------------------------------------------


class ReasonForm(forms.Form):
    reason = forms.CharField(
        max_length=500, widget=forms.Textarea(attrs={"rows": 3, "cols": 80}), required=True
    )


class DecisionNoteForm(forms.Form):
    note = forms.CharField(
        label="Note",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),
    )


class RejectionForm(forms.Form):
    note = forms.CharField(
        label="Why these claims are rejected",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),
    )


class OverrideForm(forms.Form):
    state = forms.ChoiceField(choices=ConsensusState.choices)
    reason = forms.CharField(
        max_length=500, widget=forms.Textarea(attrs={"rows": 3, "cols": 80}), required=True
    )


def intermediate_form(modeladmin, request, queryset, form_class, *, title, action, intro=""):
    """The form of a bulk action: returns (form, None) once submitted and valid, else
    (None, response) showing it (again, with errors)."""
    if "apply" in request.POST:
        form = form_class(request.POST)
        if form.is_valid():
            return form, None
    else:
        form = form_class()
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "intro": intro,
        "opts": modeladmin.opts,
        "form": form,
        "objects": list(queryset[:100]),
        "count": queryset.count(),
        "action": action,
        "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
        "select_across": request.POST.get("select_across", "0"),
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
    }
    return None, TemplateResponse(request, "admin/heritage/action_form.html", context)


def concrete_reports(queryset):
    """The claims of *queryset* as DamageReport rows: saves of proxy instances (the review
    queue) would not reach the receivers that keep the consensus and history current."""
    return DamageReport.objects.filter(pk__in=queryset.values("pk")).select_related(
        "source", "monument"
    )


class ReviewActions:
    """Accept, reject, pin, discount: the reviewer's bulk decisions on claims."""

    def has_review_permission(self, request) -> bool:
        return can_review(request)

    def _decide(self, request, queryset, decision: str):
        rejecting = decision == ReviewStatus.REJECTED
        form, response = intermediate_form(
            self,
            request,
            queryset,
            RejectionForm if rejecting else DecisionNoteForm,
            title=f"{'Reject' if rejecting else 'Accept'} {queryset.count()} claim(s)",
            action="reject_claims" if rejecting else "accept_claims",
            intro=(
                "Rejected claims stop counting in the consensus. Say why."
                if rejecting
                else "Accepted claims count in the consensus from now on."
            ),
        )
        if response is not None:
            return response
        note = form.cleaned_data["note"]
        reports = list(concrete_reports(queryset))
        for report in reports:
            report._change_reason = f"{decision}: {note}" if note else decision
        try:
            count = services.review_reports(
                reports=reports, decision=decision, reviewer=request.user, note=note
            )
        except ValidationError as exc:
            self.message_user(
                request, "Nothing was saved: " + " ".join(exc.messages), messages.ERROR
            )
            return None
        self.message_user(request, f"{count} claim(s) {decision}; the consensus is updated.")
        return None

    @admin.action(description="Accept selected claims", permissions=["review"])
    def accept_claims(self, request, queryset):
        return self._decide(request, queryset, ReviewStatus.ACCEPTED)

    @admin.action(description="Reject selected claims (with a reason)", permissions=["review"])
    def reject_claims(self, request, queryset):
        return self._decide(request, queryset, ReviewStatus.REJECTED)

    def _rank(self, request, queryset, rank: str, verb: str, action: str):
        form, response = intermediate_form(
            self,
            request,
            queryset,
            ReasonForm,
            title=f"{verb} {queryset.count()} claim(s)",
            action=action,
            intro="The reason is kept on each claim and shown with the consensus.",
        )
        if response is not None:
            return response
        reason = form.cleaned_data["reason"]
        try:
            with transaction.atomic(), services.batched_refresh():
                for report in concrete_reports(queryset):
                    report._change_reason = f"rank {rank}: {reason}"
                    services.rank_report(
                        report=report, rank=rank, reason=reason, curator=request.user
                    )
        except ValidationError as exc:
            self.message_user(
                request, "Nothing was saved: " + " ".join(exc.messages), messages.ERROR
            )
            return None
        self.message_user(request, f"{queryset.count()} claim(s) ranked {rank}.")
        return None

    @admin.action(description="Pin selected claims (preferred)", permissions=["review"])
    def pin_claims(self, request, queryset):
        return self._rank(request, queryset, Rank.PREFERRED, "Pin", "pin_claims")

    @admin.action(description="Discount selected claims (deprecated)", permissions=["review"])
    def discount_claims(self, request, queryset):
        return self._rank(request, queryset, Rank.DEPRECATED, "Discount", "discount_claims")

    @admin.action(description="Reset the rank of selected claims", permissions=["review"])
    def reset_rank(self, request, queryset):
        return self._rank(request, queryset, Rank.NORMAL, "Reset the rank of", "reset_rank")


# --- Sites, aliases, outlets ---------------------------------------------------------------


@admin.register(Site)
class SiteAdmin(HistoryAdmin):
    list_display = ["name", "slug", "country"]
    search_fields = ["name", "slug"]


class AliasInline(admin.TabularInline):
    model = Alias
    extra = 0


@admin.register(Alias)
class AliasAdmin(HistoryAdmin):
    list_display = ["name", "language", "monument"]
    list_select_related = ["monument"]
    search_fields = ["name", "monument__name", "monument__slug"]
    autocomplete_fields = ["monument"]
    show_full_result_count = False


@admin.register(Outlet)
class OutletAdmin(HistoryAdmin):
    list_display = ["name", "slug", "kind", "reliability"]
    list_filter = ["kind"]
    list_editable = ["reliability"]
    search_fields = ["name", "slug"]


# --- Monuments ------------------------------------------------------------------------------


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


class ClaimInline(admin.TabularInline):
    """The monument's claims, read-only here: each opens in its own form."""

    model = DamageReport
    fk_name = "monument"
    extra = 0
    can_delete = False
    show_change_link = True
    fields = ["source", "key", "state", "evidence", "observed_from", "review_status", "rank"]
    readonly_fields = fields
    ordering = ["observed_from", "source__published_on"]
    verbose_name_plural = "claims"

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("source")


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
            "description",
            "latitude",
            "longitude",
            "location_precision_m",
        ]


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
    search_fields = ["slug", "name"]
    autocomplete_fields = ["part_of", "site"]
    inlines = [AliasInline, StatusOverrideInline, ClaimInline]
    readonly_fields = ["consensus_panel", "timeline_panel", "photos_panel", "updated_at"]
    # The status comes first: it is what a curator opens a monument to check.
    fieldsets = [
        ("Consensus", {"fields": ["consensus_panel", "timeline_panel"]}),
        (
            "Monument",
            {
                "fields": [
                    "slug",
                    "name",
                    "kind",
                    "site",
                    "part_of",
                    "description",
                    ("latitude", "longitude", "location_precision_m"),
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
        refs = {
            services.claim_ref(source_key, key): (pk, state)
            for pk, source_key, key, state in DamageReport.objects.filter(
                monument=obj
            ).values_list("pk", "source__key", "key", "state")
        }
        rows = []
        for entry in c.explanation if c else []:
            pk, state = refs.get(entry["claim"], (None, ""))
            rows.append(
                {
                    **entry,
                    "state": state,
                    "url": reverse("admin:heritage_damagereport_change", args=[pk])
                    if pk
                    else None,
                }
            )
        override = StatusOverride.objects.filter(monument=obj).select_related("decided_by").first()
        return render_to_string(
            "admin/heritage/monument/consensus_panel.html",
            {"consensus": c, "rows": rows, "override": override},
        )

    @admin.display(description="timeline")
    def timeline_panel(self, obj):
        if obj is None or obj.pk is None:
            return "–"
        claims = services.claims_by_monument([obj.pk]).get(obj.pk, [])
        changes = consensus.timeline(claims)
        return render_to_string(
            "admin/heritage/monument/timeline_panel.html", {"changes": changes}
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


# --- Sources --------------------------------------------------------------------------------


def copy_hints(sources: list[Source]) -> dict[int, list[str]]:
    """Why each source may be a copy of another, in three queries for any number of them.

    A source looks like a copy when it shares an identifiable wire credit (not "agency
    inputs") with a source published within the consensus's wire window, or has
    copies-passages-from links either way.
    """
    hints: dict[int, list[str]] = defaultdict(list)
    if not sources:
        return hints
    ids = [s.pk for s in sources]
    links = Source.copies_passages_from.through.objects.filter(
        Q(from_source_id__in=ids) | Q(to_source_id__in=ids)
    ).values_list("from_source_id", "from_source__key", "to_source_id", "to_source__key")
    for from_id, from_key, to_id, to_key in links:
        if from_id in ids:
            hints[from_id].append(f"copies passages from {to_key}")
        if to_id in ids:
            hints[to_id].append(f"copied by {from_key}")

    through = Source.wire_credits.through
    credits = list(
        through.objects.filter(source_id__in=ids)
        .exclude(outlet__kind=OutletKind.UNNAMED_AGENCIES)
        .values_list("source_id", "outlet_id", "outlet__name")
    )
    if credits:
        window = datetime.timedelta(days=consensus.WIRE_WINDOW_DAYS)
        dates = {s.pk: s.published_on for s in sources}
        near = Q()
        for day in {dates[sid] for sid, _, _ in credits}:
            near |= Q(source__published_on__range=(day - window, day + window))
        others = defaultdict(list)
        for sid, oid, key, day in through.objects.filter(
            near, outlet_id__in={oid for _, oid, _ in credits}
        ).values_list("source_id", "outlet_id", "source__key", "source__published_on"):
            others[oid].append((sid, key, day))
        for sid, oid, outlet_name in credits:
            for other_id, key, day in others[oid]:
                apart = abs((day - dates[sid]).days)
                if other_id != sid and apart <= consensus.WIRE_WINDOW_DAYS:
                    hints[sid].append(
                        f"shares the {outlet_name} credit with {key} ({apart} day(s) apart)"
                    )
    return hints


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
    list_filter = ["kind", "outlet", "wire_credits"]
    list_select_related = ["outlet"]
    search_fields = ["title", "key", "byline"]
    autocomplete_fields = ["outlet", "wire_credits", "photo_credits", "copies_passages_from"]
    date_hierarchy = "published_on"
    readonly_fields = ["copy_hint_detail"]
    inlines = [SourceClaimInline]
    show_full_result_count = False

    def get_queryset(self, request):
        # The page's credits in one extra query (not one per row).
        return super().get_queryset(request).prefetch_related("wire_credits")

    def get_changelist_instance(self, request):
        """The page's claim counts and copy hints, in one query each for the whole page
        (counted here rather than annotated, so that the changelist's count and date
        queries stay plain scans of the sources)."""
        changelist = super().get_changelist_instance(request)
        page = list(changelist.result_list)
        hints = copy_hints(page)
        counts = dict(
            DamageReport.objects.filter(source__in=page)
            .values("source")
            .annotate(n=Count("pk"))
            .values_list("source", "n")
        )
        for source in page:
            source.copy_hints = hints.get(source.pk, [])
            source.claims = counts.get(source.pk, 0)
        return changelist

    @admin.display(description="source", ordering="title")
    def source(self, obj):
        return format_html("{}<br><small class='quiet'>{}</small>", obj.title, obj.key)

    @admin.display(description="wire credits")
    def credits(self, obj):
        return ", ".join(o.name for o in obj.wire_credits.all()) or "–"

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


# --- Claims ---------------------------------------------------------------------------------


class DamageReportForm(VersionedForm):
    """The claim form; a reviewer's changes to the review and rank are signed and dated."""

    request_user = None

    class Meta:
        model = DamageReport
        fields = [
            "source",
            "key",
            *CLAIM_FIELDS,
            *REVIEW_FIELDS,
        ]

    def clean(self):
        cleaned = super().clean()
        report = self.instance
        now = timezone.now()
        if "review_status" in self.changed_data:
            drafted = cleaned.get("review_status") == ReviewStatus.DRAFTED
            report.reviewed_by = None if drafted else self.request_user
            report.reviewed_at = None if drafted else now
        if {"rank", "rank_reason"} & set(self.changed_data):
            report.ranked_by = self.request_user
            report.ranked_at = now
        return cleaned


@admin.register(DamageReport)
class DamageReportAdmin(TableMixin, ReviewActions, HistoryAdmin):
    form = DamageReportForm
    resource_classes = [DamageReportResource]
    list_display = [
        "key",
        "monument",
        "state",
        "source_key",
        "evidence",
        "review_status",
        "rank",
        "observed_from",
    ]
    list_filter = ["review_status", "state", "evidence", "rank", "inferred", "monument__site"]
    list_select_related = ["monument", "source"]
    search_fields = ["excerpt", "monument__name", "monument__slug", "source__key", "source__title"]
    autocomplete_fields = ["monument", "source"]
    actions = ["accept_claims", "reject_claims", "pin_claims", "discount_claims", "reset_rank"]
    show_full_result_count = False
    fieldsets = [
        (
            "Claim",
            {
                "fields": [
                    "source",
                    "key",
                    "monument",
                    "state",
                    "excerpt",
                    ("attributed_to", "evidence"),
                    ("observed_from", "observed_to"),
                    ("cause", "quantity"),
                    ("inferred", "inference_note"),
                    "seen_version",
                ]
            },
        ),
        ("Review", {"fields": ["review_status", "review_note", ("reviewed_by", "reviewed_at")]}),
        (
            "Curator's rank",
            {"fields": ["rank", "rank_reason", ("ranked_by", "ranked_at")]},
        ),
    ]

    @admin.display(description="source", ordering="source__key")
    def source_key(self, obj):
        return obj.source.key

    def get_readonly_fields(self, request, obj=None):
        fixed = ["reviewed_by", "reviewed_at", "ranked_by", "ranked_at"]
        if not can_review(request):
            fixed = [*REVIEW_FIELDS, *fixed]
        return fixed

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.request_user = request.user
        return form

    def save_model(self, request, obj, form, change):
        if not can_review(request):
            # Whatever the form (or a reverted version) carries, only a reviewer decides.
            stored = DamageReport.objects.filter(pk=obj.pk).first() if change else None
            for name in (*REVIEW_FIELDS, "reviewed_by", "reviewed_at", "ranked_by", "ranked_at"):
                default = DamageReport._meta.get_field(name).get_default()
                setattr(obj, name, getattr(stored, name) if stored else default)
        super().save_model(request, obj, form, change)


@admin.register(DraftedClaim)
class DraftedClaimAdmin(ReviewActions, admin.ModelAdmin):
    """The review queue: drafted claims with what a reviewer needs to decide."""

    list_display = ["claim", "state", "excerpt_text", "source_text", "attribution"]
    list_display_links = None
    list_filter = ["state", "evidence", "inferred", "monument__site"]
    # The monument, source and outlet of the whole page in the page's one query.
    list_select_related = ["monument", "source", "source__outlet"]
    search_fields = ["excerpt", "monument__name", "monument__slug", "source__key", "source__title"]
    autocomplete_fields = ["monument", "source"]
    actions = ["accept_claims", "reject_claims"]
    ordering = ["source__published_on", "source__key", "key"]
    show_full_result_count = False
    list_per_page = 50

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return redirect("admin:heritage_damagereport_change", object_id)

    @admin.display(description="claim", ordering="monument__name")
    def claim(self, obj):
        return format_html(
            '<a href="{}"><strong>{}</strong></a><br><span class="quiet">{}</span>',
            reverse("admin:heritage_damagereport_change", args=[obj.pk]),
            obj.monument.name,
            obj.key,
        )

    @admin.display(description="excerpt")
    def excerpt_text(self, obj):
        text = Truncator(obj.excerpt).chars(400)
        note = format_html("<br><em>inferred: {}</em>", obj.inference_note) if obj.inferred else ""
        return format_html("<q>{}</q>{}", text, note)

    @admin.display(description="source", ordering="source__published_on")
    def source_text(self, obj):
        source = obj.source
        return format_html(
            "{}<br><span class='quiet'>{} · {} · {}</span>",
            source.title,
            source.outlet.name if source.outlet else "outlet not named",
            source.published_on,
            source.key,
        )

    @admin.display(description="attributed to")
    def attribution(self, obj):
        return format_html(
            "{}<br><span class='quiet'>{}</span>",
            obj.attributed_to or "unattributed",
            obj.get_evidence_display(),
        )


# --- Decisions and photos -------------------------------------------------------------------


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


class CheckedImageField(forms.ImageField):
    """Runs the registry's Pillow checks first, so a decompression bomb or an oversized
    image is refused with its own message, not Django's generic one."""

    def to_python(self, data):
        if data not in self.empty_values:
            validate_image(data)
        return super().to_python(data)


class PhotoForm(forms.ModelForm):
    class Meta:
        model = Photo
        fields = ["key", "image", "caption", "credit", "taken_on", "monument", "source"]
        field_classes = {"image": CheckedImageField}
        error_messages = {"credit": {"required": PHOTO_NEEDS_CREDIT}}


@admin.register(Photo)
class PhotoAdmin(HistoryAdmin):
    form = PhotoForm
    list_display = ["preview", "key", "monument", "credit", "taken_on"]
    list_select_related = ["monument"]
    search_fields = ["key", "caption", "credit"]
    autocomplete_fields = ["monument", "source"]
    readonly_fields = ["preview", "width", "height"]
    show_full_result_count = False

    @admin.display(description="thumbnail")
    def preview(self, obj):
        if obj is None or not obj.thumbnail:
            return "–"
        return format_html(
            '<img src="{}" alt="{}" style="max-width:160px;max-height:120px">',
            obj.thumbnail.url,
            obj.caption or obj.key,
        )

    def save_model(self, request, obj, form, change):
        obj._history_user = request.user
        services.store_photo(photo=obj)
