"""Indexes for the monument list's other orders (name, last update) and for its kind
filter in the list's order: a page reads them in order instead of sorting every
monument, or every monument of a kind (issue 13)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("heritage", "0017_monument_list_order"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="monument",
            index=models.Index(fields=["name", "id"], name="monument_by_name"),
        ),
        migrations.AddIndex(
            model_name="monument",
            index=models.Index(fields=["updated_at", "id"], name="monument_by_update"),
        ),
        migrations.AddIndex(
            model_name="monument",
            index=models.Index(
                fields=["kind", "site_name", "name", "id"], name="monument_kind_order"
            ),
        ),
    ]
