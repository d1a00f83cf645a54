"""What every registry admin shares: history with revert and deleted records, refusal of
stale saves (``Versioned``), table import/export, and the role checks."""

from __future__ import annotations

import io

import openpyxl
import tablib
from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import connection, models
from django.db.models import QuerySet
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from import_export.admin import ImportExportMixin
from import_export.formats import base_formats
from openpyxl.cell import WriteOnlyCell
from simple_history.admin import SimpleHistoryAdmin

from heritage import history
from heritage.models import (
    EditConflict,
    Versioned,
)
from heritage.roles import REVIEW_PERMISSION

# A cell starting with one of these is a formula to a spreadsheet (=HYPERLINK(...),
# +cmd|..., @SUM(...)); tab and carriage return hide one.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
FORMULA_GUARD = "'"


def defuse(value):
    """A text cell a spreadsheet would run as a formula, prefixed with an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return FORMULA_GUARD + value
    return value


def restore(value):
    """The value :func:`defuse` guarded, as it was (so an export imports back unchanged)."""
    if isinstance(value, str) and value[:1] == FORMULA_GUARD and value[1:2] in FORMULA_START:
        return value[1:]
    return value


def _mapped(dataset: tablib.Dataset, function) -> tablib.Dataset:
    copy = tablib.Dataset(headers=dataset.headers, title=dataset.title)
    for row in dataset:
        copy.append([function(value) for value in row])
    return copy


class FormulaSafeCSV(base_formats.CSV):
    """CSV whose text cells cannot run as spreadsheet formulas (prefixed with ')."""

    def export_data(self, dataset, **kwargs):
        return super().export_data(_mapped(dataset, defuse), **kwargs)

    def create_dataset(self, in_stream, **kwargs):
        return _mapped(super().create_dataset(in_stream, **kwargs), restore)


class FormulaSafeXLSX(base_formats.XLSX):
    """XLSX whose text is stored as text cells: openpyxl would store "=..." as a live
    formula, so the workbook is written here with every string typed as a string."""

    def export_data(self, dataset, **kwargs):
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        sheet.title = (dataset.title or "Export")[:31]
        for row in [dataset.headers or [], *dataset]:
            cells = []
            for value in row:
                cell = WriteOnlyCell(sheet, value=value)
                if isinstance(value, str):
                    cell.data_type = "s"
                cells.append(cell)
            sheet.append(cells)
        stream = io.BytesIO()
        workbook.save(stream)
        return stream.getvalue()


TABLE_FORMATS = [FormulaSafeCSV, FormulaSafeXLSX, base_formats.JSON]

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


def deleted_label(row) -> str:
    """How a deleted record reads, even when a record it refers to is deleted too (a
    claim whose source is gone cannot name the source)."""
    try:
        return str(row.history_object)
    except ObjectDoesNotExist:
        key = getattr(row, "key", None) or getattr(row, "slug", None) or f"#{row.id}"
        return (
            f"{row.instance_type._meta.verbose_name} {key} (a record it refers to is deleted too)"
        )


class KeysFirstPaginator(Paginator):
    """Pages past the first read their rows by key: the page's primary keys are chosen
    in a subquery (``OFFSET`` over the list's order, which an index can serve alone),
    and only those rows are joined to what the list shows. Skipping rows with their
    joins made a deep page of two million claims take 8 s on PostgreSQL."""

    def page(self, number):
        page = super().page(number)
        if isinstance(self.object_list, QuerySet) and page.number > 1:
            keys = page.object_list.values("pk")
            page.object_list = self.object_list.filter(pk__in=keys)
        return page


def without_nul(text: str) -> str:
    return text.replace("\x00", "")


def is_key(field, raw: str) -> bool:
    """Whether *raw* can be a value of the primary key *field* in this database."""
    try:
        value = field.to_python(raw)
    except ValidationError:
        return False
    if isinstance(value, int):
        low, high = connection.ops.integer_field_range(field.get_internal_type())
        return (low is None or value >= low) and (high is None or value <= high)
    return True


class CheckedInput:
    """What a forged request carries is checked before it reaches a query: an action
    on rows whose ids are not ids ("²", an overflowing number) does nothing and says
    so, and a search term loses its NUL bytes (PostgreSQL refuses them in a query; no
    stored text holds one)."""

    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(request, queryset, without_nul(search_term))

    def response_action(self, request, queryset):
        selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
        wrong = next((raw for raw in selected if not is_key(self.opts.pk, raw)), None)
        if wrong is not None:
            self.message_user(
                request,
                f"Nothing was done: {wrong[:40]!r} is not the id of a {self.opts.verbose_name}.",
                messages.ERROR,
            )
            return HttpResponseRedirect(request.get_full_path())
        return super().response_action(request, queryset)


class HistoryAdmin(CheckedInput, SimpleHistoryAdmin):
    """History (who, when, which fields), revert, and the list of deleted records."""

    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    paginator = KeysFirstPaginator

    def get_urls(self):
        return [
            path(
                "deleted/",
                self.admin_site.admin_view(self.deleted_view),
                name=f"{self.opts.app_label}_{self.opts.model_name}_deleted",
            ),
            *super().get_urls(),
        ]

    def history_view(self, request, object_id, extra_context=None):
        self._key_or_404(object_id)
        return super().history_view(request, object_id, extra_context)

    def _key_or_404(self, raw: str, field=None) -> None:
        """A history address whose key is not one ("abc", "²") is not found, as the
        change page treats it, instead of failing in the query."""
        if not is_key(field or self.opts.pk, unquote(raw)):
            raise Http404(f"No {self.opts.verbose_name} with the key {raw!r}.")

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
                    "label": deleted_label(row),
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
        self._key_or_404(object_id)
        self._key_or_404(version_id, field=self.model.history.model._meta.pk)
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
    permission to add and change the records, exporting the permission to change them
    (curators and reviewers, who work on the tables; viewers read them in the admin)."""

    import_formats = TABLE_FORMATS
    export_formats = TABLE_FORMATS

    def has_import_permission(self, request):
        return self.has_add_permission(request) and self.has_change_permission(request)

    def has_export_permission(self, request):
        return self.has_change_permission(request)

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
