"""Background recomputations of the consensus, with their progress (read-only)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html

from heritage.models import ConsensusJob


def tell_about_job(modeladmin, request, instance) -> None:
    """After a save that queued a recomputation, say so and link to its progress."""
    job = getattr(instance, "_consensus_job", None)
    if job is None:
        return
    modeladmin.message_user(
        request,
        format_html(
            "The consensus of {} monument(s) is being recomputed in the background: "
            '<a href="{}">follow its progress</a>.',
            job.total,
            reverse("admin:heritage_consensusjob_change", args=[job.pk]),
        ),
        messages.INFO,
    )


@admin.register(ConsensusJob)
class ConsensusJobAdmin(admin.ModelAdmin):
    list_display = ["reason", "status", "progress", "changed", "created_at", "finished_at"]
    list_filter = ["status"]
    fields = [
        "reason",
        "status",
        "progress",
        "changed",
        "created_at",
        "started_at",
        "finished_at",
        "task_id",
        "error",
    ]
    readonly_fields = fields
    show_full_result_count = False

    @admin.display(description="progress")
    def progress(self, obj: ConsensusJob) -> str:
        share = f" ({100 * obj.done // obj.total}%)" if obj.total else ""
        return f"{obj.done} of {obj.total} monuments{share}"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
