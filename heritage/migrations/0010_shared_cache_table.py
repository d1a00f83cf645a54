from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    # The database cache holds the API's rate-limit counters, which every worker
    # process must see (settings.CACHES); createcachetable is a no-op for other caches.
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("heritage", "0009_source_fingerprint")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
