"""JSON for ``dumpdata --natural-foreign``, with history rows that survive a reload.

A history row names the record it describes by primary key (``id``) and refers to
other records by primary key, and the records it names may since have been deleted.
Natural-key dumps give the live records new primary keys when they are loaded
elsewhere, so this serializer writes those references in a form that does not depend
on them:

* a record that still exists is named by its natural key (``["temple-of-bel"]``),
  which the registry's ``loaddata`` turns back into its new primary key;
* a record that no longer exists is named by the negative of its old primary key, a
  number no live record can have, so its history stays together (and apart from any
  live record) across any number of dumps and loads.

Date-times and times keep their microseconds (:class:`ExactJSONEncoder`), so that a
backup restores every timestamp as it was stored.

Everything else is Django's JSON serializer unchanged. ``heritage.loading`` reads it.
"""

from __future__ import annotations

import datetime

from django.core.serializers.json import (
    Deserializer,  # noqa: F401  (the format's reader)
    DjangoJSONEncoder,
)
from django.core.serializers.json import Serializer as JSONSerializer
from django.utils.timezone import is_aware

from heritage.history import is_historical

FORMAT = "heritage-json"


def deleted_ref(pk: int) -> int:
    return -abs(int(pk))


class ExactJSONEncoder(DjangoJSONEncoder):
    """Django's encoder, except that date-times and times are written to the microsecond.

    Django's keeps milliseconds only (ECMA-262's format, for JavaScript): a backup would
    restore 12:00:00.123456 as 12:00:00.123, and 12:00:00.000456 as 12:00:00, which is
    then dumped as "12:00:00" where the backup said "12:00:00.000"."""

    def default(self, o):
        if isinstance(o, datetime.datetime):
            text = o.isoformat()
            return text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text
        if isinstance(o, datetime.time) and not is_aware(o):
            return o.isoformat()
        return super().default(o)


class Serializer(JSONSerializer):
    def _init_options(self):
        super()._init_options()
        if self.options.get("cls") is None:
            self.json_kwargs["cls"] = ExactJSONEncoder

    def start_serialization(self):
        super().start_serialization()
        self._refs: dict[tuple[type, object], object] = {}

    def handle_field(self, obj, field):
        model = type(obj)
        if (
            self.use_natural_foreign_keys
            and is_historical(model)
            and field.attname == model.instance_type._meta.pk.attname
            and hasattr(model.instance_type, "natural_key")
        ):
            self._current[field.name] = self._ref(
                model.instance_type, field.value_from_object(obj)
            )
            return
        super().handle_field(obj, field)

    def handle_fk_field(self, obj, field):
        target = field.remote_field.model
        if (
            self.use_natural_foreign_keys
            and is_historical(type(obj))
            and not field.db_constraint
            and hasattr(target, "natural_key")
        ):
            self._current[field.name] = self._ref(target, getattr(obj, field.attname))
            return
        super().handle_fk_field(obj, field)

    def _ref(self, model, pk):
        """The natural key of live record *pk*, else its deleted-record number."""
        if pk is None:
            return None
        if pk < 0:  # already a deleted record's number (loaded from an earlier dump)
            return pk
        key = (model, pk)
        if key not in self._refs:
            record = model._base_manager.filter(pk=pk).first()
            self._refs[key] = list(record.natural_key()) if record else deleted_ref(pk)
        return self._refs[key]
