"""Import and export of monuments, sources and claims (django-import-export).

The same resources serve the admin's import/export buttons, commands and tests:

* rows are identified by natural keys (a monument's slug, a source's key, a claim's
  source key and its own key), never by database ids, and refer to other records by
  natural key too (``site``, ``outlet``, ``wire_credits``…);
* every row is validated with the model's ``full_clean()`` (field rules and the
  domain's rules in ``clean()``); an unknown reference is an error of its row;
* a file imports all or nothing: one bad row rolls back every row
  (``rollback_on_validation_errors`` is always on);
* rows are saved one by one (never in bulk), so the signals that keep the consensus,
  the search text and the history current see each of them; the consensus of every
  monument the file touched is recomputed once, at the end, in the same transaction;
* only a reviewer may import a review decision or a rank: a curator's rows must keep
  a new claim drafted and leave an existing claim's review and rank alone.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import CharField, TextField
from django.utils import timezone
from import_export import fields, resources, widgets
from import_export.formats import base_formats

from heritage import services
from heritage.models import (
    CLAIM_FIELDS,
    REVIEW_FIELDS,
    DamageReport,
    Monument,
    Outlet,
    Rank,
    ReviewStatus,
    Site,
    Source,
)
from heritage.roles import REVIEW_PERMISSION

FORMATS = {"csv": base_formats.CSV, "xlsx": base_formats.XLSX, "json": base_formats.JSON}

UNKNOWN_KEY = "no {what} with key {key!r}"
REVIEW_NEEDS_REVIEWER = (
    "Only a reviewer can import a review decision or a rank; leave this column as it is "
    "(new claims: drafted, normal)."
)


NUL_IN_CELL = "This cell holds a NUL character, which no text in the registry may hold."


class NaturalKeyWidget(widgets.ForeignKeyWidget):
    """A reference by natural key; an unknown key is an error naming the key."""

    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(value, row, **kwargs)
        except self.model.DoesNotExist:
            raise ValueError(
                UNKNOWN_KEY.format(what=self.model._meta.verbose_name, key=value)
            ) from None


class NaturalKeysWidget(widgets.ManyToManyWidget):
    """References by natural key, comma-separated; unknown keys are an error."""

    def clean(self, value, row=None, **kwargs):
        queryset = super().clean(value, row, **kwargs)
        if value:
            wanted = [k.strip() for k in str(value).split(self.separator) if k.strip()]
            found = set(queryset.values_list(self.field, flat=True))
            missing = [k for k in wanted if k not in found]
            if missing:
                raise ValueError(
                    "; ".join(
                        UNKNOWN_KEY.format(what=self.model._meta.verbose_name, key=k)
                        for k in missing
                    )
                )
        return queryset

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return self.separator.join(sorted(str(getattr(o, self.field)) for o in value.all()))


class RegistryResource(resources.ModelResource):
    """What every registry resource shares: validation, all-or-nothing, consensus."""

    class Meta:
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True
        use_transactions = True
        use_bulk = False

    def import_data(self, dataset, dry_run=False, raise_errors=False, **kwargs):
        kwargs["use_transactions"] = True
        kwargs["rollback_on_validation_errors"] = True
        with services.batched_refresh():
            return super().import_data(
                dataset, dry_run=dry_run, raise_errors=raise_errors, **kwargs
            )

    def before_import(self, dataset, **kwargs):
        self.user = kwargs.get("user")
        super().before_import(dataset, **kwargs)

    def before_import_row(self, row, **kwargs):
        # A NUL character reaches no query, not even the lookup of the row's record by
        # its key (PostgreSQL refuses it): the row is refused first.
        nul = {
            field.attribute or field.column_name: [NUL_IN_CELL]
            for field in self.get_import_fields()
            if isinstance(row.get(field.column_name), str) and "\x00" in row[field.column_name]
        }
        if nul:
            raise ValidationError(nul)
        # Spreadsheets give an empty cell as None; the registry stores empty text as "".
        model = self._meta.model
        for field in self.get_import_fields():
            if row.get(field.column_name, "") is None and field.attribute:
                try:
                    model_field = model._meta.get_field(field.attribute)
                except Exception:  # noqa: BLE001 - not a model field: nothing to convert
                    continue
                if isinstance(model_field, CharField | TextField) and not model_field.null:
                    row[field.column_name] = ""
        super().before_import_row(row, **kwargs)

    def import_instance(self, instance, row, **kwargs):
        errors: dict = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        # Many-to-many columns are saved after the row; check their keys now so that an
        # unknown key is reported as this row's error with the others.
        for field in self.get_import_fields():
            if isinstance(field.widget, widgets.ManyToManyWidget) and field.column_name in row:
                try:
                    field.clean(row)
                except ValueError as exc:
                    errors[field.attribute] = [str(exc)]
        if errors:
            raise ValidationError(errors)


class MonumentResource(RegistryResource):
    site = fields.Field(
        attribute="site", column_name="site", widget=NaturalKeyWidget(Site, "slug")
    )
    part_of = fields.Field(
        attribute="part_of", column_name="part_of", widget=NaturalKeyWidget(Monument, "slug")
    )
    aliases = fields.Field(column_name="aliases", readonly=True)

    class Meta(RegistryResource.Meta):
        model = Monument
        import_id_fields = ["slug"]
        fields = [
            "slug",
            "name",
            "kind",
            "site",
            "part_of",
            "composition",
            "member_count",
            "member_count_approximate",
            "latitude",
            "longitude",
            "location_precision_m",
            "wikidata",
            "geonames",
            "pleiades",
            "description",
            "aliases",
        ]
        export_order = fields

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("site", "part_of").prefetch_related("aliases")

    def dehydrate_aliases(self, monument: Monument) -> str:
        return "; ".join(f"{a.language}: {a.name}" for a in monument.aliases.all())


class SourceResource(RegistryResource):
    outlet = fields.Field(
        attribute="outlet", column_name="outlet", widget=NaturalKeyWidget(Outlet, "slug")
    )
    wire_credits = fields.Field(
        attribute="wire_credits",
        column_name="wire_credits",
        widget=NaturalKeysWidget(Outlet, field="slug"),
    )
    photo_credits = fields.Field(
        attribute="photo_credits",
        column_name="photo_credits",
        widget=NaturalKeysWidget(Outlet, field="slug"),
    )
    copies_passages_from = fields.Field(
        attribute="copies_passages_from",
        column_name="copies_passages_from",
        widget=NaturalKeysWidget(Source, field="key"),
    )

    class Meta(RegistryResource.Meta):
        model = Source
        import_id_fields = ["key"]
        fields = [
            "key",
            "kind",
            "outlet",
            "title",
            "byline",
            "dateline",
            "published_on",
            "url",
            "language",
            "wire_credits",
            "photo_credits",
            "wire_story",
            "copies_passages_from",
            "notes",
        ]
        export_order = fields

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("outlet").prefetch_related(
            "wire_credits", "photo_credits", "copies_passages_from"
        )


class DamageReportResource(RegistryResource):
    source = fields.Field(
        attribute="source", column_name="source", widget=NaturalKeyWidget(Source, "key")
    )
    monument = fields.Field(
        attribute="monument", column_name="monument", widget=NaturalKeyWidget(Monument, "slug")
    )
    reviewed_by = fields.Field(
        attribute="reviewed_by__username", column_name="reviewed_by", readonly=True
    )

    class Meta(RegistryResource.Meta):
        model = DamageReport
        name = "Claims (damage reports)"
        import_id_fields = ["source", "key"]
        fields = [
            "source",
            "key",
            *CLAIM_FIELDS,
            "review_status",
            "review_note",
            "reviewed_by",
            "rank",
            "rank_reason",
        ]
        export_order = fields

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("source", "monument", "reviewed_by")

    def after_init_instance(self, instance, new, row, **kwargs):
        super().after_init_instance(instance, new, row, **kwargs)
        instance._review_before_import = {f: getattr(instance, f) for f in REVIEW_FIELDS}

    def import_instance(self, instance, row, **kwargs):
        errors: dict = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        before = instance._review_before_import
        changed = [f for f in REVIEW_FIELDS if getattr(instance, f) != before[f]]
        user = getattr(self, "user", None)
        if changed and not (user is not None and user.has_perm(f"heritage.{REVIEW_PERMISSION}")):
            for name in changed:
                errors.setdefault(name, []).append(REVIEW_NEEDS_REVIEWER)
        if errors:
            raise ValidationError(errors)
        now = timezone.now()
        if "review_status" in changed:
            drafted = instance.review_status == ReviewStatus.DRAFTED
            instance.reviewed_by = None if drafted else user
            instance.reviewed_at = None if drafted else now
        if "rank" in changed or "rank_reason" in changed:
            instance.ranked_by = None if instance.rank == Rank.NORMAL else user
            instance.ranked_at = None if instance.rank == Rank.NORMAL else now


def read_table(data: bytes | str, file_format: str):
    """A tablib Dataset from the content of a CSV, XLSX or JSON file."""
    fmt = FORMATS[file_format]()
    if not fmt.is_binary() and isinstance(data, bytes):
        data = data.decode("utf-8-sig")
    return fmt.create_dataset(data)


def import_table(
    resource_class: type[RegistryResource],
    data: bytes | str,
    *,
    file_format: str,
    user=None,
    dry_run: bool,
):
    """Import a file's rows with *resource_class*; the result lists each row's outcome.

    With ``dry_run`` nothing is kept. Otherwise every row is kept, or none when any row
    has an error (``result.has_errors()`` / ``has_validation_errors()``).
    """
    dataset = read_table(data, file_format)
    return resource_class().import_data(dataset, dry_run=dry_run, user=user)
