"""``dumpdata`` that leaves out models describing this database rather than the registry.

Such models (``not_serialized = True``, e.g. heritage.Revision) would make a dump
differ from its reload; the registry's loaddata ignores them too.
"""

from django.apps import apps
from django.core.management.commands import dumpdata


class Command(dumpdata.Command):
    def handle(self, *app_labels, **options):
        excluded = list(options.get("exclude") or [])
        for model in apps.get_models():
            if getattr(model, "not_serialized", False):
                excluded.append(model._meta.label)
        options["exclude"] = excluded
        return super().handle(*app_labels, **options)
