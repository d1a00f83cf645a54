"""Claims (damage reports) and the review queue of drafted claims."""

from __future__ import annotations

import re

from django.contrib import admin
from django.contrib.admin.views.main import ORDER_VAR, PAGE_VAR, ChangeList
from django.db.models import Q
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import Truncator

from heritage.admin.base import (
    CheckedInput,
    HistoryAdmin,
    KeysFirstPaginator,
    TableMixin,
    VersionedForm,
    can_review,
    without_nul,
)
from heritage.admin.decisions import ReviewActions
from heritage.models import (
    CLAIM_FIELDS,
    PUBLICATION_ORDER,
    REVIEW_FIELDS,
    DamageReport,
    DraftedClaim,
    Monument,
    ReviewStatus,
    Source,
)
from heritage.resources import DamageReportResource

BEFORE = "before"


def search_claims(queryset, search_term: str):
    """Claims whose excerpt, monument (name or slug) or source (key or title) contains
    the term, ignoring case.

    Each of the three is its own index-served query (trigram indexes on PostgreSQL)
    and the page keeps the claims in their union: one ``OR`` across the joined tables
    would make the database join every claim first."""
    term = without_nul(search_term).strip()
    if not term:
        return queryset
    monuments = Monument.objects.filter(Q(name__icontains=term) | Q(slug__icontains=term))
    sources = Source.objects.filter(Q(key__icontains=term) | Q(title__icontains=term))
    claims = DamageReport.objects.order_by()
    matching = (
        claims.filter(excerpt__icontains=term)
        .values("pk")
        .union(
            claims.filter(monument__in=monuments.order_by().values("pk")).values("pk"),
            claims.filter(source__in=sources.order_by().values("pk")).values("pk"),
        )
    )
    return queryset.filter(pk__in=matching)


class ClaimSearch:
    """The claims' search box (see :func:`search_claims`)."""

    def get_search_results(self, request, queryset, search_term):
        return search_claims(queryset, search_term), False


class ClaimChangeList(ChangeList):
    """The claims list, newest first, with keyset pages: ``?before=<id>`` lists the
    claims older than that one by reading one range of the primary key, where a deep
    page number would make the database skip every newer claim first (``OFFSET``).

    Each page in the default order links to the next older one (``older_url``); page
    numbers still work for the first pages and for other orders."""

    def __init__(self, request, *args, **kwargs):
        self.keyset_before = getattr(request, "claims_before", None)
        self.older_url = None
        super().__init__(request, *args, **kwargs)

    def by_key(self) -> bool:
        return ORDER_VAR not in self.params

    def get_results(self, request):
        if self.keyset_before is None or not self.by_key():
            self.keyset_before = None
            super().get_results(request)
            self.result_list = list(self.result_list)
            more = self.result_count > self.page_num * self.list_per_page
        else:
            page = list(self.queryset.filter(pk__lt=self.keyset_before)[: self.list_per_page + 1])
            self.result_list = page[: self.list_per_page]
            self.result_count = len(self.result_list)
            self.full_result_count = None
            self.show_full_result_count = False
            self.can_show_all = self.show_all = False
            self.multi_page = False  # no page numbers: they would count the whole table
            self.paginator = self.model_admin.get_paginator(request, self.result_list, 1)
            self.newest_url = self.get_query_string(remove=[BEFORE, PAGE_VAR])
            more = len(page) > self.list_per_page
        if more and self.by_key() and self.result_list:
            last = self.result_list[-1].pk
            self.older_url = self.get_query_string({BEFORE: last}, remove=[PAGE_VAR])


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
class DamageReportAdmin(ClaimSearch, TableMixin, ReviewActions, HistoryAdmin):
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
    # Newest first: the order keyset pages follow (ClaimChangeList).
    ordering = ["-pk"]
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

    def get_changelist(self, request, **kwargs):
        return ClaimChangeList

    def changelist_view(self, request, extra_context=None):
        before = request.GET.get(BEFORE)
        if before is not None:
            # Not a field lookup: take it out before the changelist reads the filters.
            request.GET = request.GET.copy()
            del request.GET[BEFORE]
            # ASCII digits only ("²".isdigit() is true, but int("²") fails), at most
            # 18 (any id fits; int() refuses over 4,300). Anything else lists the
            # newest claims, as without the parameter.
            if re.fullmatch(r"[0-9]{1,18}", before):
                request.claims_before = int(before)
        return super().changelist_view(request, extra_context)

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
class DraftedClaimAdmin(CheckedInput, ClaimSearch, ReviewActions, admin.ModelAdmin):
    """The review queue: drafted claims with what a reviewer needs to decide."""

    list_display = ["claim", "state", "excerpt_text", "source_text", "attribution"]
    list_display_links = None
    list_filter = ["state", "evidence", "inferred", "monument__site"]
    # The monument, source and outlet of the whole page in the page's one query.
    list_select_related = ["monument", "source", "source__outlet"]
    search_fields = ["excerpt", "monument__name", "monument__slug", "source__key", "source__title"]
    autocomplete_fields = ["monument", "source"]
    actions = ["accept_claims", "reject_claims"]
    # The source's date and key as each claim keeps them, then the claim's key and id:
    # the order of the claim_publication_order index, so a page reads its rows from it
    # (sorting on the source's own columns joined and sorted every drafted claim first).
    ordering = [*PUBLICATION_ORDER, "id"]
    show_full_result_count = False
    list_per_page = 50
    paginator = KeysFirstPaginator

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

    @admin.display(description="source", ordering="source_published_on")
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
