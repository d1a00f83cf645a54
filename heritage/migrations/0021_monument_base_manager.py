"""Monuments are written through their own manager by loaddata's bulk path, as claims
are: its bulk_create fills the copy of the site's name and adds the status row. No
change to the database."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("heritage", "0020_source_order_covers_ids"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="monument",
            options={"base_manager_name": "objects", "ordering": ["site_name", "name"]},
        ),
    ]
