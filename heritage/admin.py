"""Plain, searchable admin for every record. The curators' workflow builds on this."""

from django.contrib import admin

from heritage.models import Alias, DamageReport, Monument, Outlet, Photo, Site, Source


class AliasInline(admin.TabularInline):
    model = Alias
    extra = 0


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "country"]
    search_fields = ["name", "slug"]


@admin.register(Monument)
class MonumentAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "kind", "site", "part_of"]
    list_filter = ["site", "kind"]
    list_select_related = ["site", "part_of"]
    search_fields = ["name", "slug", "aliases__name"]
    autocomplete_fields = ["part_of"]
    inlines = [AliasInline]


@admin.register(Outlet)
class OutletAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "kind", "reliability"]
    list_filter = ["kind"]
    list_editable = ["reliability"]
    search_fields = ["name", "slug"]


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["title", "key", "outlet", "published_on"]
    list_filter = ["outlet", "wire_credits"]
    list_select_related = ["outlet"]
    search_fields = ["title", "key", "byline"]
    autocomplete_fields = ["outlet", "wire_credits", "photo_credits", "copies_passages_from"]
    date_hierarchy = "published_on"


@admin.register(DamageReport)
class DamageReportAdmin(admin.ModelAdmin):
    list_display = ["monument", "state", "source", "evidence", "review_status", "observed_from"]
    list_filter = ["review_status", "state", "evidence", "inferred", "monument__site"]
    list_select_related = ["monument", "source"]
    search_fields = ["excerpt", "monument__name", "monument__slug", "source__key", "source__title"]
    autocomplete_fields = ["monument", "source"]
    raw_id_fields = ["reviewed_by"]


@admin.register(Photo)
class PhotoAdmin(admin.ModelAdmin):
    list_display = ["key", "monument", "credit", "taken_on"]
    list_select_related = ["monument"]
    search_fields = ["key", "caption", "credit"]
    autocomplete_fields = ["monument", "source"]
