"""Sites, aliases and outlets."""

from __future__ import annotations

from django.contrib import admin

from heritage.admin.base import HistoryAdmin
from heritage.admin.jobs import tell_about_job
from heritage.models import (
    Alias,
    Outlet,
    Site,
)


@admin.register(Site)
class SiteAdmin(HistoryAdmin):
    list_display = ["name", "slug", "country", "wikidata"]
    search_fields = ["name", "slug", "wikidata"]


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

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        tell_about_job(self, request, obj)
