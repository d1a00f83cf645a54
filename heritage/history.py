"""The change history of registry records (django-simple-history), read for curators.

Every save of a tracked model writes a historical row: who, when, and the record's
values at that moment. This module reads those rows to say what changed between two
versions of a record (the edit-conflict message) and names the historical models so
that the revision counter, dumps and fixture loading can treat them apart.

It imports no heritage model, so ``heritage.models`` can use it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import models
from django.utils import timezone

# Bookkeeping fields that change on every save and say nothing to a curator.
IGNORED_FIELDS = ("version", "updated_at", "search_text")
BASELINE_REASON = "State as loaded, recorded before its first change"
MAX_SHOWN = 80


def is_historical(model: type[models.Model]) -> bool:
    """True for the models simple-history generates (history rows and their m2m rows)."""
    return hasattr(model, "instance_type") and (
        hasattr(model, "history_object") or hasattr(model, "m2m_history_id")
    )


@dataclass(frozen=True)
class FieldChange:
    name: str
    label: str
    old: object
    new: object


@dataclass(frozen=True)
class Change:
    """One save of a record by someone, and the fields it changed."""

    user: str
    at: datetime.datetime
    version: int | None
    fields: tuple[FieldChange, ...] = field(default_factory=tuple)
    earlier_unknown: bool = False


def changes_since(model: type[models.Model], pk, version: int) -> list[Change]:
    """The saves of record *pk* after *version*, oldest first, each with what it changed.

    A save's changes are its row diffed against the row before it; a save whose
    predecessor was never recorded is reported with ``earlier_unknown``.
    """
    manager = model.history
    rows = list(
        manager.filter(**{model._meta.pk.attname: pk})
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    previous = None
    changes = []
    for row in rows:
        if (row.version or 0) <= version:
            previous = row
            continue
        if previous is None:
            changes.append(_change(row, (), earlier_unknown=True))
        else:
            changes.append(_change(row, diff(previous, row)))
        previous = row
    return changes


def diff(older, newer) -> tuple[FieldChange, ...]:
    """Fields that differ between two historical rows of one record, in model order."""
    model = newer.instance_type
    excluded = [f for f in IGNORED_FIELDS if _has_field(model, f)]
    delta = newer.diff_against(older, excluded_fields=excluded, foreign_keys_are_objs=True)
    changed = {c.field: c for c in delta.changes}
    result = []
    for f in [*model._meta.fields, *model._meta.many_to_many]:
        if f.name in changed:
            c = changed[f.name]
            result.append(FieldChange(f.name, str(f.verbose_name), c.old, c.new))
    return tuple(result)


def _has_field(model, name: str) -> bool:
    try:
        model._meta.get_field(name)
    except Exception:  # noqa: BLE001 - FieldDoesNotExist: nothing to exclude
        return False
    return True


def _change(row, fields, *, earlier_unknown: bool = False) -> Change:
    user = row.history_user
    return Change(
        user=user.get_username() if user else "someone (no user recorded)",
        at=row.history_date,
        version=getattr(row, "version", None),
        fields=tuple(fields),
        earlier_unknown=earlier_unknown,
    )


def show(value) -> str:
    """A field value as a curator reads it (related objects by name, long text cut)."""
    if value is None or value == "":
        return "(empty)"
    if isinstance(value, list | tuple | set):
        return ", ".join(sorted(show(v) for v in value)) or "(none)"
    if isinstance(value, dict):
        return ", ".join(show(v) for v in value.values())
    text = str(value)
    return text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 1] + "…"


def describe(changes: list[Change]) -> list[str]:
    """One line per save: who, when, and each field's old and new value."""
    lines = []
    for change in changes:
        when = timezone.localtime(change.at).strftime("%Y-%m-%d %H:%M:%S %Z")
        if change.earlier_unknown:
            what = "changed it (the values before that save were not recorded)"
        elif change.fields:
            what = "changed " + "; ".join(
                f"{c.label}: “{show(c.old)}” → “{show(c.new)}”" for c in change.fields
            )
        else:
            what = "saved it without changing a field"
        lines.append(f"{change.user} at {when} {what}")
    return lines


def conflict_message(instance: models.Model, changes: list[Change]) -> str:
    what = instance._meta.verbose_name
    lines = describe(changes) or ["someone saved it in between"]
    return (
        f"This {what} was saved by someone else while you were editing it, so your "
        f"changes were not saved: {' | '.join(lines)}. Reload the page to see the current "
        "version, then make your edits again."
    )


def changed_field_names(changes: list[Change]) -> list[str]:
    names: dict[str, None] = {}
    for change in changes:
        for c in change.fields:
            names[c.name] = None
    return list(names)


def record_baseline(instance: models.Model) -> None:
    """Write the stored state of *instance* as its first historical row, if it has none.

    Records loaded by ``loaddata`` (raw saves) have no history; without this row the
    first change made to them could not be shown as a change of values.
    """
    model = type(instance)
    manager = model.history
    pk_name = model._meta.pk.attname
    if manager.filter(**{pk_name: instance.pk}).exists():
        return
    stored = model._base_manager.filter(pk=instance.pk).first()
    if stored is None:
        return
    row_model = manager.model
    values = {f.attname: getattr(stored, f.attname) for f in row_model.tracked_fields}
    row = row_model(
        history_date=timezone.now(),
        history_type="+",
        history_user=None,
        history_change_reason=BASELINE_REASON,
        **values,
    )
    row.save()


def deleted_records(model: type[models.Model]):
    """Historical rows of the objects of *model* that are deleted now, newest first.

    Each is the deletion's row: who deleted the record, when, and its last values.
    """
    pk_name = model._meta.pk.attname
    live = model._base_manager.values(pk_name)
    return (
        model.history.filter(history_type="-")
        .exclude(**{f"{pk_name}__in": live})
        .select_related("history_user")
        .order_by("-history_date", "-history_id")
    )
