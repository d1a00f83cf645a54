"""Validated, all-or-nothing loading of JSON fixtures.

Django's ``loaddata`` saves rows as they come, without model validation, and a row
whose natural key already exists is silently overwritten. The registry's
``loaddata`` (``heritage/management/commands/loaddata.py``) runs everything through
:func:`load_records` instead:

* every object is validated with ``full_clean()`` (field rules and the domain's
  rules in ``Model.clean()``) before it is written;
* an object whose natural key is already in the registry must agree with it on
  every field the fixture gives: identical means "nothing to do", different is
  refused, so a fixture never alters curated data and a reload is a no-op;
* review cannot be skipped: a fixture brings its claims as ``drafted``. A claim
  marked ``accepted`` or ``rejected`` is refused unless it names its reviewer (as a
  backup made with ``dumpdata`` does) or the command names one (``--accept-as``),
  who is then recorded as reviewer, and in the claim's history. A claim already in
  the registry that curators have since reviewed, pinned or discounted differs from
  its fixture only in those decisions: it is counted as "reviewed since" and kept;
* references may point to objects later in the same file or in another file of
  the same command: objects whose references are not resolvable yet are retried
  after the others, so files load in any order;
* the caller runs it inside one transaction: the first error aborts everything.

Errors name the file, the object (its position and natural key) and the field.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.apps import apps
from django.core import serializers
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist, ValidationError
from django.core.serializers.base import (
    DeserializationError,
    M2MDeserializationError,
    deserialize_fk_value,
    deserialize_m2m_values,
)
from django.core.serializers.python import Deserializer as PythonDeserializer
from django.db import models
from django.utils import timezone

from heritage.history import is_historical

NOT_A_LIST = "a fixture must be a JSON list of objects"
NOT_AN_OBJECT = 'each entry must be an object with "model" and "fields"'
UNKNOWN_MODEL = "unknown model {model!r}"
UNKNOWN_FIELD = "unknown field {field!r} on {model}"
UNRESOLVED_REFERENCE = (
    "field {field!r}: no {target} with key {value} in the registry or the fixtures"
)
DIFFERS = "this {what} {where} with different values: {changes}"
REVIEW_NEEDS_REVIEWER = (
    "field 'review_status': {status!r} without a reviewer; fixtures bring claims as "
    "'drafted' for review in the admin (or load with --accept-as USERNAME to record "
    "who reviewed them)"
)
ACCEPTED_ON_LOADING = "Reviewed in the fixture; accepted on loading with --accept-as"
# A claim's review and ranking: a curator's decisions, which a reload never overwrites.
# The bookkeeping fields change with every decision.
DECISION_FIELDS = frozenset(
    {
        "review_status",
        "reviewed_by",
        "reviewed_at",
        "review_note",
        "rank",
        "rank_reason",
        "ranked_by",
        "ranked_at",
        "version",
        "updated_at",
    }
)


class FixtureError(Exception):
    """A fixture object that cannot be loaded; the message says where and why."""


@dataclass(frozen=True)
class Record:
    """One object of one fixture file, before deserialization."""

    path: str
    position: int  # 1-based position in its file
    data: dict

    @property
    def model_label(self) -> str:
        return str(self.data.get("model", "?"))

    def describe(self) -> str:
        return f"{self.path}: object {self.position} ({self.model_label} {self.key_text()})"

    def key_text(self) -> str:
        """The object's identity as the fixture gives it: pk, or its unique fields."""
        if "pk" in self.data:
            return f"pk={self.data['pk']}"
        fields = self.data.get("fields") or {}
        try:
            model = apps.get_model(self.model_label)
        except (LookupError, ValueError):
            return ""
        names = [f.name for f in model._meta.concrete_fields if f.unique and not f.primary_key]
        for constraint in model._meta.constraints:
            if isinstance(constraint, models.UniqueConstraint) and constraint.fields:
                names.extend(constraint.fields)
        shown = [
            f"{name}={json.dumps(fields[name], ensure_ascii=False)}"
            for name in dict.fromkeys(names)
            if name in fields
        ]
        return " ".join(shown)


@dataclass
class LoadResult:
    created: int = 0
    unchanged: int = 0
    # Claims already loaded whose review or rank curators have changed since: kept.
    reviewed_since: int = 0
    # Claims whose review the command's --accept-as user is recorded for.
    reviewed_on_loading: list[models.Model] = field(default_factory=list)
    monument_ids: set[int] = field(default_factory=set)
    models: set[type[models.Model]] = field(default_factory=set)


def read_json_fixture(path: str, stream) -> list[Record]:
    """Parse one JSON fixture into records; malformed JSON is a FixtureError."""
    raw = stream.read()
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise FixtureError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise FixtureError(
            f"{path}: malformed JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        ) from None
    if not isinstance(data, list):
        raise FixtureError(f"{path}: {NOT_A_LIST}")
    records = []
    for position, entry in enumerate(data, start=1):
        if (
            not isinstance(entry, dict)
            or not isinstance(entry.get("model"), str)
            or not isinstance(entry.get("fields", {}), dict)
        ):
            raise FixtureError(f"{path}: object {position}: {NOT_AN_OBJECT}")
        entry.setdefault("fields", {})
        records.append(Record(path, position, entry))
    return records


def load_records(
    records: Iterable[Record],
    *,
    using: str,
    excluded_models: set[type[models.Model]] = frozenset(),
    excluded_apps: set = frozenset(),
    accept_as=None,
) -> LoadResult:
    """Validate and save *records*; raise FixtureError on the first problem.

    *accept_as* is the user recorded as reviewer of the claims the fixtures mark
    ``accepted`` or ``rejected`` without naming a reviewer; without it such claims
    are refused. Must run inside a transaction that the caller rolls back on error.
    """
    result = LoadResult()
    created_by: dict[tuple[type[models.Model], object], Record] = {}
    pending = [r for r in records if not _excluded(r, excluded_models, excluded_apps)]
    for record in pending:
        _check_shape(record)
    rank = model_order()
    pending.sort(key=lambda r: rank.get(r.model_label.lower(), len(rank)))
    while pending:
        postponed: list[tuple[Record, FixtureError]] = []
        for record in pending:
            try:
                obj = _deserialize(record, using)
            except _Unresolved as exc:
                postponed.append((record, FixtureError(f"{record.describe()}: {exc}")))
                continue
            _store(record, obj, using, result, created_by, accept_as)
        if len(postponed) == len(pending):
            raise postponed[0][1]
        pending = [record for record, _ in postponed]
    if result.reviewed_on_loading:
        # In natural-key order, so the history is the same whatever order the files came in.
        reviewed = sorted(result.reviewed_on_loading, key=lambda r: r.natural_key())
        type(reviewed[0]).history.bulk_history_create(
            reviewed,
            default_user=accept_as,
            default_change_reason=ACCEPTED_ON_LOADING,
        )
    return result


class _Unresolved(Exception):
    """A natural-key reference that may resolve once other objects are saved."""


def _excluded(record: Record, excluded_models, excluded_apps) -> bool:
    try:
        model = apps.get_model(record.model_label)
    except (LookupError, ValueError):
        return False
    return (
        model in excluded_models
        or model._meta.app_config in excluded_apps
        # State of this database rather than registry content (e.g. heritage.Revision).
        or getattr(model, "not_serialized", False)
    )


def _check_shape(record: Record) -> None:
    try:
        model = apps.get_model(record.model_label)
    except (LookupError, ValueError):
        raise FixtureError(
            f"{record.describe()}: {UNKNOWN_MODEL.format(model=record.model_label)}"
        ) from None
    for name in record.data["fields"]:
        try:
            model._meta.get_field(name)
        except FieldDoesNotExist:
            raise FixtureError(
                f"{record.describe()}: {UNKNOWN_FIELD.format(field=name, model=record.model_label)}"
            ) from None


def _deserialize(record: Record, using: str):
    data = _resolve_history_subject(record, using)
    try:
        (obj,) = PythonDeserializer(
            [data], using=using, ignorenonexistent=False, handle_forward_references=False
        )
    except (
        DeserializationError,
        ObjectDoesNotExist,
        ValidationError,
        ValueError,
        TypeError,
    ) as exc:
        _explain_field_error(record, using)
        raise FixtureError(f"{record.describe()}: {exc}") from None
    return obj


def _resolve_history_subject(record: Record, using: str) -> dict:
    """A history row names the record it describes by natural key while that record
    exists (heritage/dump_format.py): turn the key into the record's primary key here."""
    model = apps.get_model(record.model_label)
    if not is_historical(model):
        return record.data
    subject = model.instance_type
    name = subject._meta.pk.attname
    key = record.data["fields"].get(name)
    if not isinstance(key, list):
        return record.data
    try:
        pk = subject._default_manager.db_manager(using).get_by_natural_key(*key).pk
    except subject.DoesNotExist:
        raise _Unresolved(
            UNRESOLVED_REFERENCE.format(
                field=name,
                target=subject._meta.verbose_name,
                value=json.dumps(key, ensure_ascii=False),
            )
        ) from None
    return {**record.data, "fields": {**record.data["fields"], name: pk}}


def _explain_field_error(record: Record, using: str) -> None:
    """Find which field of *record* failed, and raise a message naming it."""
    model = apps.get_model(record.model_label)
    for name, value in record.data["fields"].items():
        f = model._meta.get_field(name)
        try:
            if f.many_to_many:
                deserialize_m2m_values(f, value, using, False)
            elif f.many_to_one or f.one_to_one:
                deserialize_fk_value(f, value, using, False)
            else:
                f.to_python(value)
        except (ObjectDoesNotExist, M2MDeserializationError) as exc:
            original = getattr(exc, "original_exc", exc)
            if isinstance(original, ObjectDoesNotExist):
                target = f.remote_field.model._meta.verbose_name
                raise _Unresolved(
                    UNRESOLVED_REFERENCE.format(
                        field=name, target=target, value=json.dumps(value, ensure_ascii=False)
                    )
                ) from None
            raise FixtureError(f"{record.describe()}: field {name!r}: {original}") from None
        except ValidationError as exc:
            raise FixtureError(
                f"{record.describe()}: field {name!r}: {' '.join(exc.messages)}"
            ) from None
        except Exception as exc:  # noqa: BLE001 - any conversion error is reported, not raised raw
            raise FixtureError(f"{record.describe()}: field {name!r}: {exc}") from None


def _store(
    record: Record, obj, using: str, result: LoadResult, created_by: dict, accept_as=None
) -> None:
    instance = obj.object
    model = type(instance)
    is_claim = model._meta.label == "heritage.DamageReport"
    existing = None
    if instance.pk is not None:
        existing = model._base_manager.using(using).filter(pk=instance.pk).first()
    if existing is not None:
        changes = _differences(record, obj, existing)
        if (
            changes
            and is_claim
            and _decided(existing)
            and all(name in DECISION_FIELDS for name, _ in changes)
        ):
            result.reviewed_since += 1
            return
        if changes:
            earlier = created_by.get((model, instance.pk))
            where = (
                f"was loaded from {earlier.path} (object {earlier.position}) earlier in this command"
                if earlier
                else "is already in the registry"
            )
            raise FixtureError(
                f"{record.describe()}: "
                + DIFFERS.format(
                    what=model._meta.verbose_name,
                    where=where,
                    changes="; ".join(text for _, text in changes),
                )
            )
        result.unchanged += 1
        return

    if is_claim and instance.review_status != "drafted" and instance.reviewed_by_id is None:
        if accept_as is None:
            raise FixtureError(
                f"{record.describe()}: "
                + REVIEW_NEEDS_REVIEWER.format(status=instance.review_status)
            )
        instance.reviewed_by = accept_as
        instance.reviewed_at = instance.reviewed_at or timezone.now()
        result.reviewed_on_loading.append(instance)
    _fill_automatic_fields(instance)
    # A history row is a snapshot of a record as it was (simple-history's fields are not
    # validated like the record's), and may refer to records deleted since (by a negative
    # number, see heritage/dump_format.py): only its identity is checked.
    exclude = [f.name for f in model._meta.concrete_fields] if is_historical(model) else None
    try:
        instance.full_clean(exclude=exclude)
    except ValidationError as exc:
        raise FixtureError(f"{record.describe()}: {_format_validation(exc)}") from None
    # Loading is not a change to history: simple-history skips raw saves, but not the
    # many-to-many links the deserializer sets after them.
    instance.skip_history_when_saving = True
    try:
        obj.save(using=using)
    except Exception as exc:  # database errors: name the object, keep the cause
        raise FixtureError(f"{record.describe()}: could not be saved: {exc}") from exc
    finally:
        del instance.skip_history_when_saving
    created_by[(model, instance.pk)] = record
    result.created += 1
    result.models.add(model)
    monument_id = instance.pk if model._meta.label == "heritage.Monument" else None
    monument_id = getattr(instance, "monument_id", monument_id)
    if monument_id is not None and not is_historical(model):
        result.monument_ids.add(monument_id)


def _fill_automatic_fields(instance: models.Model) -> None:
    """Raw saves skip auto_now: give timestamps a fixture omits the value a save would."""
    for f in instance._meta.concrete_fields:
        if (getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)) and getattr(
            instance, f.attname
        ) is None:
            setattr(instance, f.attname, timezone.now())


def _decided(claim: models.Model) -> bool:
    """Whether curators have reviewed, pinned or discounted this stored claim."""
    return claim.review_status != "drafted" or claim.rank != "normal"


def _differences(record: Record, obj, existing: models.Model) -> list[tuple[str, str]]:
    """(name, description) of each field the fixture gives whose value differs from the
    stored object. A claim's review status and rank count even when the fixture leaves
    them to their defaults (drafted, normal): a decision taken since shows as a change."""
    changes = []
    instance = obj.object
    names = dict.fromkeys(record.data["fields"])
    if instance._meta.label == "heritage.DamageReport":
        names.update(dict.fromkeys(("review_status", "rank")))
    for name in names:
        f = instance._meta.get_field(name)
        if f.many_to_many:
            new = set(obj.m2m_data.get(name, []))
            old = set(getattr(existing, name).values_list("pk", flat=True))
            if new != old:
                changes.append(
                    (name, f"{name}: {len(old)} stored, {len(new)} in the fixture, not the same")
                )
            continue
        new = getattr(instance, f.attname)
        old = getattr(existing, f.attname)
        if isinstance(f, models.FileField):
            new, old = getattr(new, "name", new) or "", getattr(old, "name", old) or ""
        if new != old:
            changes.append((name, f"{name}: {_short(old)} stored, {_short(new)} in the fixture"))
    return changes


def _short(value) -> str:
    text = repr(value) if not isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "…"


def _format_validation(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "; ".join(
            f"field {name!r}: {' '.join(msg for e in errors for msg in e.messages)}"
            for name, errors in exc.error_dict.items()
        )
    return " ".join(exc.messages)


def model_order() -> dict[str, int]:
    """Rank of each model label in dependency order (used to try objects in a good order)."""
    app_list = {config: None for config in apps.get_app_configs()}
    ordered = serializers.sort_dependencies(app_list.items(), allow_cycles=True)
    return {m._meta.label_lower: rank for rank, m in enumerate(ordered)}
