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

A fixture brings registry data only (:data:`FIXTURE`): sites, monuments, aliases,
outlets, sources, claims and photos, named by natural key. Users, groups,
permissions, sessions, log entries, content types, history rows and primary keys are
refused, so that no file can grant access, forge a record of who did what, or move a
table's sequence. A backup made with ``dumpdata`` is restored under :data:`BACKUP`
instead (``manage.py restore_backup``, into an empty registry only).

Errors name the file, the object (its position and natural key) and the field.

The rules are checked object by object, but the queries are not: the registry's own
records (:data:`BULK_KEYS`) are read by natural key in bulk, a few hundred keys per
query, before each pass over the pending objects, and the new objects of one model are
written with one multi-row ``INSERT`` per few hundred; references are checked against
what was read, so a load costs the same whatever the size of the registry. Other
records (users, history rows, objects given by primary key) take the general path
through Django's deserializer, one object at a time.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.apps import apps
from django.core import serializers
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist, ValidationError
from django.core.serializers.base import (
    DeserializationError,
    DeserializedObject,
    M2MDeserializationError,
    deserialize_fk_value,
    deserialize_m2m_values,
)
from django.core.serializers.python import Deserializer as PythonDeserializer
from django.db import models
from django.utils import timezone

from heritage.history import is_historical
from heritage.models import (
    Alias,
    DamageReport,
    Monument,
    MonumentConsensus,
    Source,
    copy_publication,
    copy_site_name,
)

NOT_A_LIST = "a fixture must be a JSON list of objects"
NOT_AN_OBJECT = 'each entry must be an object with "model" and "fields"'
UNKNOWN_MODEL = "unknown model {model!r}"
UNKNOWN_FIELD = "unknown field {field!r} on {model}"
UNRESOLVED_REFERENCE = (
    "field {field!r}: no {target} with key {value} in the registry or the fixtures"
)
DIFFERS = "this {what} {where} with different values: {changes}"
NOT_REGISTRY_DATA = (
    "{model} is not registry data: a fixture may hold only {allowed} "
    "(users, permissions, sessions, log entries and history are never loaded from a fixture)"
)
PRIMARY_KEY_GIVEN = (
    "primary keys are not accepted ({name!r}): a fixture names objects by their natural key"
)
REFERENCE_BY_NUMBER = (
    "field {field!r}: refer to a {target} by its natural key (a list such as "
    '["temple-of-bel"]), not by number'
)
NUL_CHARACTER = (
    "field {field!r} holds a NUL character (\\u0000), which no text in the registry may "
    "hold (PostgreSQL refuses it)"
)
DUPLICATE_KEY = 'the key "{key}" appears twice in one JSON object (each key may appear once)'
TOO_DEEP = "nested deeper than a fixture needs (at most {depth} levels{where})"
COPIES_LATER = (
    "field 'copies_passages_from': {copied} was published on {copied_on}, after this "
    "source ({published_on}); a source can copy only sources published on or before it"
)
COPIES_ITSELF = "field 'copies_passages_from': a source cannot copy itself"
DERIVED_FIELD = (
    "field {field!r} is derived by the registry (a claim's copy of its source's date or "
    "key, a monument's copy of its site's name): leave it out"
)

# The registry's own data, as fixtures bring it (photos: metadata and a stored file name).
REGISTRY_MODELS = (
    "heritage.site",
    "heritage.monument",
    "heritage.alias",
    "heritage.outlet",
    "heritage.source",
    "heritage.damagereport",
    "heritage.photo",
)
# list of objects > object > "fields" > list of references > natural key > value
MAX_DEPTH = 5
# A backup also holds the stored consensus's explanation (JSON of its own).
MAX_BACKUP_DEPTH = 12


@dataclass(frozen=True)
class Scope:
    """What a load may bring: *models* by label (history rows when *history*), and
    whether history rows keep the primary keys of the database they were dumped from."""

    models: tuple[str, ...]
    history: bool = False

    def allows(self, model: type[models.Model]) -> bool:
        if is_historical(model):
            return self.history
        return model._meta.label_lower in self.models


FIXTURE = Scope(REGISTRY_MODELS)
# A dumpdata backup (README: "Back up and move the whole registry"): the registry with
# curators' decisions, the derived consensus, the curators' accounts and the history.
BACKUP = Scope(
    (*REGISTRY_MODELS, "heritage.statusoverride", "heritage.monumentconsensus", "auth.user"),
    history=True,
)

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
    # Monuments whose names or aliases were loaded (their search text is derived).
    named_monument_ids: set[int] = field(default_factory=set)
    models: set[type[models.Model]] = field(default_factory=set)
    # Tables written one object at a time (their constraints are checked after the load).
    unchecked_models: set[type[models.Model]] = field(default_factory=set)


class _Object(dict):
    """A parsed JSON object, with the first key it repeated (if any)."""

    repeated: str | None = None


def _unique_keys(pairs: list[tuple[str, object]]) -> dict:
    """json's object hook: note a repeated key instead of silently keeping the last value."""
    obj = _Object()
    for key, value in pairs:
        if key in obj and obj.repeated is None:
            obj.repeated = key
        obj[key] = value
    return obj


def _shape_faults(value, max_depth: int, depth: int = 1) -> tuple[str | None, bool]:
    """(the first key repeated in any object within *value*, whether it nests deeper
    than *max_depth* levels), *value* being at level *depth*. One walk, no recursion."""
    stack = [(value, depth)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            if getattr(item, "repeated", None) is not None:
                return item.repeated, False
        elif not isinstance(item, list):
            continue
        if level > max_depth:
            return None, True
        children = item.values() if isinstance(item, dict) else item
        stack.extend((child, level + 1) for child in children)
    return None, False


def _line_column(raw: str, offset: int) -> str:
    line = raw.count("\n", 0, offset) + 1
    return f"line {line}, column {offset - (raw.rfind(chr(10), 0, offset) + 1) + 1}"


_STRING_OR_BRACKET = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def _too_deep_at(raw: str, max_depth: int) -> int | None:
    """Offset of the first bracket nested deeper than *max_depth*, strings skipped."""
    depth = 0
    for match in _STRING_OR_BRACKET.finditer(raw):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > max_depth:
                return match.start()
        elif token in "]}":
            depth -= 1
    return None


def _too_deep(path: str, raw: str, max_depth: int) -> FixtureError:
    """The error for *raw* nesting deeper than *max_depth*, with where it first does."""
    offset = _too_deep_at(raw, max_depth)
    where = f", at {_line_column(raw, offset)}" if offset is not None else ""
    return FixtureError(f"{path}: {TOO_DEEP.format(depth=max_depth, where=where)}")


def read_json_fixture(path: str, stream, *, max_depth: int = MAX_DEPTH) -> list[Record]:
    """Parse one JSON fixture into records; malformed JSON is a FixtureError.

    Refused besides malformed JSON: a key repeated within one object (JSON parsers
    disagree on which value wins) and nesting deeper than the format needs.
    """
    raw = stream.read()
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise FixtureError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    try:
        data = json.loads(raw, object_pairs_hook=_unique_keys)
    except json.JSONDecodeError as exc:
        raise FixtureError(
            f"{path}: malformed JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        ) from None
    except RecursionError:  # nested far deeper than any fixture
        raise _too_deep(path, raw, max_depth) from None
    if not isinstance(data, list) or isinstance(data, dict):
        raise FixtureError(f"{path}: {NOT_A_LIST}")
    records = []
    for position, entry in enumerate(data, start=1):
        if (
            not isinstance(entry, dict)
            or not isinstance(entry.get("model"), str)
            or not isinstance(entry.get("fields", {}), dict)
        ):
            raise FixtureError(f"{path}: object {position}: {NOT_AN_OBJECT}")
        repeated, too_deep = _shape_faults(entry, max_depth, depth=2)
        if too_deep:
            raise _too_deep(path, raw, max_depth)
        if repeated is not None:
            raise FixtureError(f"{path}: object {position}: {DUPLICATE_KEY.format(key=repeated)}")
        entry.setdefault("fields", {})
        records.append(Record(path, position, entry))
    return records


def load_records(
    records: Iterable[Record],
    *,
    using: str,
    excluded_models: set[type[models.Model]] = frozenset(),
    excluded_apps: set = frozenset(),
    scope: Scope = FIXTURE,
    accept_as=None,
) -> LoadResult:
    """Validate and save *records*; raise FixtureError on the first problem.

    Only the models *scope* allows are accepted. *accept_as* is the user recorded as
    reviewer of the claims the fixtures mark ``accepted`` or ``rejected`` without naming
    a reviewer; without it such claims are refused. Must run inside a transaction that
    the caller rolls back on error.
    """
    result = LoadResult()
    created_by: dict[tuple[type[models.Model], object], Record] = {}
    pending = [r for r in records if not _excluded(r, excluded_models, excluded_apps)]
    for record in pending:
        _check_shape(record, scope)
    rank = model_order()
    pending.sort(key=lambda r: rank.get(r.model_label.lower(), len(rank)))
    index = KeyIndex(using)
    while pending:
        postponed: list[tuple[Record, FixtureError]] = []
        index.prefetch(pending)
        bulk = _BulkPass(index, using, result, accept_as)
        for record in pending:
            try:
                if bulk.takes(record):
                    bulk.add(record)
                    continue
                bulk.flush()
                obj = _deserialize(record, using)
            except _Unresolved as exc:
                postponed.append((record, FixtureError(f"{record.describe()}: {exc}")))
                continue
            _store(record, obj, using, result, created_by, accept_as)
        bulk.flush()
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


# --- Bulk path: the registry's own records, by natural key ------------------------------

# Natural key of each model read in bulk, as lookups (the same values, in the same order,
# as the model's natural_key()). A fixture names these records by natural key only.
BULK_KEYS: dict[str, tuple[str, ...]] = {
    "heritage.site": ("slug",),
    "heritage.monument": ("slug",),
    "heritage.outlet": ("slug",),
    "heritage.source": ("key",),
    "heritage.alias": ("monument__slug", "language", "name"),
    "heritage.damagereport": ("source__key", "key"),
}
# Read in bulk when referred to (a claim's reviewer), loaded the general way.
REFERRED_KEYS: dict[str, tuple[str, ...]] = {"auth.user": ("username",)}
KEY_CHUNK = 300  # keys per query: 3 x 300 parameters at most, below SQLite's 999


def _lookups(label: str) -> tuple[str, ...] | None:
    return BULK_KEYS.get(label) or REFERRED_KEYS.get(label)


class _General(Exception):
    """A record the bulk path does not take (the general path loads it)."""


def _own_key(record: Record, lookups: tuple[str, ...]) -> tuple:
    """The record's natural key from its fields (a related part is a one-value key)."""
    fields = record.data["fields"]
    key = []
    for lookup in lookups:
        name = lookup.split("__")[0]
        value = fields.get(name)
        if "__" in lookup:
            if not (isinstance(value, list) and len(value) == 1 and isinstance(value[0], str)):
                raise _General
            value = value[0]
        if not isinstance(value, str):
            raise _General
        key.append(value)
    return tuple(key)


def _references(record: Record, model) -> Iterable[tuple[str, tuple]]:
    """(target label, natural key) of every reference the record makes by natural key."""
    for name, value in record.data["fields"].items():
        f = model._meta.get_field(name)
        if not f.is_relation or value is None:
            continue
        label = f.related_model._meta.label_lower
        values = value if f.many_to_many else [value]
        if not isinstance(values, list):
            continue
        for item in values:
            if isinstance(item, list) and _lookups(label) and len(item) == len(_lookups(label)):
                yield label, tuple(item)


class KeyIndex:
    """Records by natural key: read from the database in bulk, or created by this load."""

    def __init__(self, using: str) -> None:
        self.using = using
        self.found: dict[str, dict[tuple, models.Model]] = defaultdict(dict)
        self.absent: dict[str, set[tuple]] = defaultdict(set)

    def get(self, label: str, key: tuple) -> models.Model | None:
        return self.found[label].get(key)

    def add(self, label: str, key: tuple, instance: models.Model) -> None:
        self.found[label][key] = instance
        self.absent[label].discard(key)

    def prefetch(self, records: list[Record]) -> None:
        """Read every record the pending *records* are, or refer to, that is not known yet."""
        wanted: dict[str, set[tuple]] = defaultdict(set)
        for record in records:
            label = record.model_label.lower()
            if label not in BULK_KEYS or "pk" in record.data:
                continue
            model = apps.get_model(label)
            try:
                wanted[label].add(_own_key(record, BULK_KEYS[label]))
            except _General:
                continue
            for target, key in _references(record, model):
                wanted[target].add(key)
        for label, keys in wanted.items():
            unknown = [
                k for k in keys if k not in self.found[label] and k not in self.absent[label]
            ]
            for start in range(0, len(unknown), KEY_CHUNK):
                self.read(label, unknown[start : start + KEY_CHUNK])

    def read(self, label: str, keys: list[tuple]) -> None:
        model = apps.get_model(label)
        lookups = _lookups(label)
        query = model._base_manager.using(self.using).filter(
            **{f"{lookup}__in": {k[i] for k in keys} for i, lookup in enumerate(lookups)}
        )
        related = {lookup.rsplit("__", 1)[0] for lookup in lookups if "__" in lookup}
        if related:
            query = query.select_related(*related)
        wanted = set(keys)
        for instance in query:
            key = tuple(_value_at(instance, lookup) for lookup in lookups)
            if key in wanted:
                self.found[label][key] = instance
        self.absent[label].update(k for k in keys if k not in self.found[label])


def _value_at(instance: models.Model, lookup: str):
    for name in lookup.split("__"):
        instance = getattr(instance, name)
    return instance


class _BulkPass:
    """The registry's records of one pass, built and validated one by one, and inserted
    model by model (a model's records are consecutive: records are sorted by model)."""

    def __init__(self, index: KeyIndex, using: str, result: LoadResult, accept_as=None) -> None:
        self.index, self.using, self.result = index, using, result
        self.accept_as = accept_as
        self.model: type[models.Model] | None = None
        self.new: list[tuple[Record, models.Model, tuple, dict]] = []
        self.created_here: dict[tuple[str, tuple], Record] = {}

    def takes(self, record: Record) -> bool:
        label = record.model_label.lower()
        if label not in BULK_KEYS or "pk" in record.data:
            return False
        try:
            _own_key(record, BULK_KEYS[label])
        except _General:
            return False
        return True

    def add(self, record: Record) -> None:
        model = apps.get_model(record.model_label)
        if model is not self.model:
            self.flush()
            self.model = model
        label = model._meta.label_lower
        key = _own_key(record, BULK_KEYS[label])
        instance, m2m = self._build(record, model)
        existing = self.index.get(label, key)
        if existing is not None:
            if existing.pk is None:  # defined earlier in this pass, not yet written
                self.flush()
                self.model = model
            instance.pk = existing.pk
            obj = DeserializedObject(instance, {n: [t.pk for t in ts] for n, ts in m2m.items()})
            changes = _differences(record, obj, existing)
            if (
                changes
                and model is DamageReport
                and _decided(existing)
                and all(name in DECISION_FIELDS for name, _ in changes)
            ):
                self.result.reviewed_since += 1
                return
            if changes:
                earlier = self.created_here.get((label, key)) or getattr(
                    existing, "_loaded_from", None
                )
                where = (
                    f"was loaded from {earlier.path} (object {earlier.position}) "
                    "earlier in this command"
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
            self.result.unchanged += 1
            return
        if (
            model is DamageReport
            and instance.review_status != "drafted"
            and instance.reviewed_by_id is None
        ):
            if self.accept_as is None:
                raise FixtureError(
                    f"{record.describe()}: "
                    + REVIEW_NEEDS_REVIEWER.format(status=instance.review_status)
                )
            instance.reviewed_by = self.accept_as
            instance.reviewed_at = instance.reviewed_at or timezone.now()
            self.result.reviewed_on_loading.append(instance)
        _fill_automatic_fields(instance)
        _validate(record, instance)
        if model is Source:
            _check_copied_sources(record, instance, m2m.get("copies_passages_from", []))
        instance._loaded_from = record
        self.index.add(label, key, instance)
        self.new.append((record, instance, key, m2m))

    def _build(self, record: Record, model) -> tuple[models.Model, dict[str, list]]:
        """The instance the record describes, its references taken from the index."""
        values: dict = {}
        related: dict = {}
        m2m: dict[str, list] = {}
        for name, value in record.data["fields"].items():
            f = model._meta.get_field(name)
            if f.many_to_many:
                if not isinstance(value, list):
                    raise FixtureError(
                        f"{record.describe()}: field {name!r}: a list of references is expected"
                    )
                m2m[name] = [self._target(record, f, item) for item in value]
            elif f.is_relation:
                target = None if value is None else self._target(record, f, value)
                related[f.name] = target
            else:
                try:
                    values[f.attname] = f.to_python(value)
                except ValidationError as exc:
                    raise FixtureError(
                        f"{record.describe()}: field {name!r}: {' '.join(exc.messages)}"
                    ) from None
        instance = model(**values)
        for name, target in related.items():
            setattr(instance, name, target)
        return instance, m2m

    def _target(self, record: Record, f, value) -> models.Model:
        label = f.related_model._meta.label_lower
        lookups = _lookups(label)
        if not (isinstance(value, list) and lookups and len(value) == len(lookups)):
            raise FixtureError(
                f"{record.describe()}: field {f.name!r}: refer to a "
                f"{f.related_model._meta.verbose_name} by its natural key (a list), "
                f"not {json.dumps(value, ensure_ascii=False)}"
            )
        target = self.index.get(label, tuple(value))
        if target is None and label in REFERRED_KEYS:
            # Perhaps loaded the general way earlier in this pass (a dump's users).
            self.index.read(label, [tuple(value)])
            target = self.index.get(label, tuple(value))
        if target is not None and target.pk is None:
            # Defined earlier in this pass, not written yet (a group before its members):
            # write what is pending, so that objects keep the order of the fixtures.
            self.flush()
        if target is None:
            raise _Unresolved(
                UNRESOLVED_REFERENCE.format(
                    field=f.name,
                    target=f.related_model._meta.verbose_name,
                    value=json.dumps(value, ensure_ascii=False),
                )
            )
        return target

    def flush(self) -> None:
        """Insert the new records of the current model, then their many-to-many links."""
        if not self.new:
            return
        model = self.model
        instances = [instance for _, instance, _, _ in self.new]
        try:
            with _given_timestamps(model):
                # The base manager's bulk_create (claims, monuments) fills their derived
                # copies and adds a new monument's status row: no save() runs for these.
                model._base_manager.using(self.using).bulk_create(instances, batch_size=500)
        except Exception as exc:  # database errors: name the records, keep the cause
            first = self.new[0][0]
            raise FixtureError(
                f"{first.path}: the {len(instances)} new {model._meta.verbose_name_plural} "
                f"from object {first.position} on could not be saved: {exc}"
            ) from exc
        links: dict[type, list] = defaultdict(list)
        for record, instance, key, m2m in self.new:
            self.created_here[(model._meta.label_lower, key)] = record
            for name, targets in m2m.items():
                f = model._meta.get_field(name)
                through = f.remote_field.through
                source = f"{f.m2m_field_name()}_id"
                target_column = f"{f.m2m_reverse_field_name()}_id"
                for pk in dict.fromkeys(t.pk for t in targets):
                    links[through].append(through(**{source: instance.pk, target_column: pk}))
            monument_id = (
                instance.pk if model is Monument else getattr(instance, "monument_id", None)
            )
            if monument_id is not None:
                self.result.monument_ids.add(monument_id)
                if model in (Monument, Alias):
                    self.result.named_monument_ids.add(monument_id)
        for through, rows in links.items():
            through._base_manager.using(self.using).bulk_create(rows, batch_size=500)
        self.result.created += len(instances)
        self.result.models.add(model)
        self.new = []


@contextlib.contextmanager
def _given_timestamps(model: type[models.Model]):
    """Keep the timestamps a fixture gives (``_fill_automatic_fields`` set the missing
    ones): a raw save writes them as they are, but ``bulk_create`` applies ``auto_now``.
    A load runs in its own command, so switching the fields off for the insert is safe."""
    switched = [
        (f, f.auto_now, f.auto_now_add)
        for f in model._meta.concrete_fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    for f, _, _ in switched:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in switched:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


def _validate(record: Record, instance: models.Model) -> None:
    """Every rule of the model, without the queries the bulk path made already: the
    references were found by natural key, and a natural key is unique by construction
    (an object whose key exists is compared, never inserted)."""
    relations = [f for f in instance._meta.concrete_fields if f.is_relation]
    errors: dict = {}
    try:
        instance.full_clean(
            exclude=[f.name for f in relations], validate_unique=False, validate_constraints=False
        )
    except ValidationError as exc:
        errors = exc.update_error_dict(errors)
    for f in relations:
        raw = getattr(instance, f.attname)
        if f.blank and raw in f.empty_values:
            continue
        try:
            models.Field.validate(f, raw, instance)  # null and blank; not the existence query
        except ValidationError as exc:
            errors.setdefault(f.name, []).extend(exc.error_list)
    if errors:
        raise FixtureError(f"{record.describe()}: {_format_validation(ValidationError(errors))}")


class _Unresolved(Exception):
    """A natural-key reference that may resolve once other objects are saved."""


def _excluded(record: Record, excluded_models, excluded_apps) -> bool:
    try:
        model = apps.get_model(record.model_label)
    except (LookupError, ValueError):
        return False
    return model in excluded_models or model._meta.app_config in excluded_apps


def _check_shape(record: Record, scope: Scope) -> None:
    try:
        model = apps.get_model(record.model_label)
    except (LookupError, ValueError):
        raise FixtureError(
            f"{record.describe()}: {UNKNOWN_MODEL.format(model=record.model_label)}"
        ) from None
    if not scope.allows(model):
        allowed = ", ".join(scope.models)
        raise FixtureError(
            f"{record.describe()}: "
            + NOT_REGISTRY_DATA.format(model=model._meta.label_lower, allowed=allowed)
        )
    history = is_historical(model)
    if "pk" in record.data and not history:
        raise FixtureError(f"{record.describe()}: {PRIMARY_KEY_GIVEN.format(name='pk')}")
    for name, value in record.data["fields"].items():
        try:
            f = model._meta.get_field(name)
        except FieldDoesNotExist:
            raise FixtureError(
                f"{record.describe()}: {UNKNOWN_FIELD.format(field=name, model=record.model_label)}"
            ) from None
        if _holds_nul(value):
            raise FixtureError(f"{record.describe()}: {NUL_CHARACTER.format(field=name)}")
        if history:
            continue  # a history row's references are resolved by _resolve_history_subject
        if getattr(f, "primary_key", False):
            raise FixtureError(f"{record.describe()}: {PRIMARY_KEY_GIVEN.format(name=name)}")
        if not f.serialize and not f.many_to_many:
            raise FixtureError(f"{record.describe()}: {DERIVED_FIELD.format(field=name)}")
        if f.is_relation and value is not None and _by_number(f, value):
            target = f.remote_field.model._meta.verbose_name
            raise FixtureError(
                f"{record.describe()}: {REFERENCE_BY_NUMBER.format(field=name, target=target)}"
            )


def _holds_nul(value) -> bool:
    """Whether a field's value (text, or a natural key's parts) holds a NUL character."""
    if isinstance(value, str):
        return "\x00" in value
    return isinstance(value, list) and any(_holds_nul(part) for part in value)


def _by_number(f, value) -> bool:
    """A reference given as a primary key rather than a natural key."""
    values = value if f.many_to_many and isinstance(value, list) else [value]
    return any(not isinstance(v, list) for v in values)


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
    if existing is not None and _not_refreshed_yet(existing):
        instance._state.adding = False  # replaced in place: its own row is no conflict
    elif existing is not None:
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
    if is_claim:
        # A raw save skips DamageReport.save, which copies these.
        copy_publication([instance], using=using)
    if model is Monument:
        copy_site_name([instance], using=using)  # and Monument.save this one
    if model._meta.label_lower == "heritage.source":
        _check_copies(record, instance, obj.m2m_data.get("copies_passages_from", []), using)
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
    result.unchecked_models.add(model)
    monument_id = instance.pk if model._meta.label == "heritage.Monument" else None
    monument_id = getattr(instance, "monument_id", monument_id)
    if monument_id is not None and not is_historical(model):
        result.monument_ids.add(monument_id)
        result.named_monument_ids.add(monument_id)


def _check_copied_sources(record: Record, source, copied: list) -> None:
    """:func:`_check_copies` for the bulk path, whose references are already read."""
    for other in copied:
        if other is source or (other.pk is not None and other.pk == source.pk):
            raise FixtureError(f"{record.describe()}: {COPIES_ITSELF}")
    later = sorted(
        (o for o in copied if o.published_on > source.published_on),
        key=lambda o: (o.published_on, o.key),
    )
    if later:
        raise FixtureError(
            f"{record.describe()}: "
            + COPIES_LATER.format(
                copied=json.dumps(later[0].key),
                copied_on=later[0].published_on.isoformat(),
                published_on=source.published_on.isoformat(),
            )
        )


def _check_copies(record: Record, source, copied_pks: list, using: str) -> None:
    """A source copies passages from earlier sources only (and never from itself)."""
    if source.pk is not None and source.pk in copied_pks:
        raise FixtureError(f"{record.describe()}: {COPIES_ITSELF}")
    later = (
        type(source)
        ._base_manager.using(using)
        .filter(pk__in=copied_pks, published_on__gt=source.published_on)
        .order_by("published_on", "key")
        .first()
    )
    if later is not None:
        raise FixtureError(
            f"{record.describe()}: "
            + COPIES_LATER.format(
                copied=json.dumps(later.key),
                copied_on=later.published_on.isoformat(),
                published_on=source.published_on.isoformat(),
            )
        )


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


def _not_refreshed_yet(existing: models.Model) -> bool:
    """A monument's status row as its creation left it (``MonumentConsensus.unknown``:
    no stored past yet), which a backup's stored status replaces."""
    return isinstance(existing, MonumentConsensus) and existing.history_digest == ""


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
