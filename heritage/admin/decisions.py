"""Reviewers' bulk decisions on claims (accept, reject, pin, discount) and the
intermediate forms that ask for their note or reason."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.response import TemplateResponse

from heritage import services
from heritage.admin.base import can_review
from heritage.models import (
    ConsensusState,
    DamageReport,
    Rank,
    ReviewStatus,
)


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
