"""``dumpdata`` that leaves out models describing this database rather than the registry,
and writes history rows so that they survive a reload (see heritage/dump_format.py).

Such models (``not_serialized = True``, e.g. heritage.Revision) would make a dump
differ from its reload; the registry's loaddata ignores them too.
"""

from django.apps import apps
from django.core import serializers
from django.core.management.commands import dumpdata

from heritage import dump_format

serializers.register_serializer(dump_format.FORMAT, "heritage.dump_format")


class Command(dumpdata.Command):
    def handle(self, *app_labels, **options):
        excluded = list(options.get("exclude") or [])
        for model in apps.get_models():
            if getattr(model, "not_serialized", False):
                excluded.append(model._meta.label)
        options["exclude"] = excluded
        if options.get("format") == "json" and options.get("use_natural_foreign_keys"):
            options["format"] = dump_format.FORMAT
        return super().handle(*app_labels, **options)
