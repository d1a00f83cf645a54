"""The source list's order indexes end on the id: on PostgreSQL a page by number then
steps over index entries alone (an index-only scan) instead of reading each source row
before the page (issue 13)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("heritage", "0019_every_monument_has_a_status"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="source",
            name="source_newest_first",
        ),
        migrations.RemoveIndex(
            model_name="source",
            name="source_oldest_first",
        ),
        migrations.AddIndex(
            model_name="source",
            index=models.Index(fields=["-published_on", "key", "id"], name="source_newest_first"),
        ),
        migrations.AddIndex(
            model_name="source",
            index=models.Index(fields=["published_on", "key", "id"], name="source_oldest_first"),
        ),
    ]
