"""Claims carry their source's publication date and key, indexed in the order the API
lists accepted claims (issue 13: a page of claims no longer sorts every claim)."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_from_sources(apps, schema_editor):
    DamageReport = apps.get_model("heritage", "DamageReport")
    Source = apps.get_model("heritage", "Source")
    source = Source.objects.filter(pk=OuterRef("source_id"))
    DamageReport.objects.using(schema_editor.connection.alias).update(
        source_published_on=Subquery(source.values("published_on")[:1]),
        source_key=Subquery(source.values("key")[:1]),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("heritage", "0014_monument_composition"),
    ]

    operations = [
        migrations.AddField(
            model_name="damagereport",
            name="source_published_on",
            field=models.DateField(blank=True, editable=False, null=True, serialize=False),
        ),
        migrations.AddField(
            model_name="damagereport",
            name="source_key",
            field=models.SlugField(
                blank=True,
                db_index=False,
                default="",
                editable=False,
                max_length=120,
                serialize=False,
            ),
            preserve_default=False,
        ),
        migrations.RunPython(copy_from_sources, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="damagereport",
            name="source_published_on",
            field=models.DateField(blank=True, editable=False, serialize=False),
        ),
        migrations.AlterModelOptions(
            name="damagereport",
            options={
                "base_manager_name": "objects",
                "ordering": ["source", "key"],
                "permissions": [
                    ("review_damagereport", "Can accept, reject, pin and discount claims")
                ],
            },
        ),
        migrations.AddIndex(
            model_name="damagereport",
            index=models.Index(
                fields=["review_status", "source_published_on", "source_key", "key", "id"],
                name="claim_publication_order",
            ),
        ),
        migrations.AddIndex(
            model_name="damagereport",
            index=models.Index(
                fields=["review_status", "observed_from", "id"], name="claim_observed_order"
            ),
        ),
        migrations.AddIndex(
            model_name="damagereport",
            index=models.Index(
                fields=[
                    "monument",
                    "review_status",
                    "source_published_on",
                    "source_key",
                    "key",
                ],
                name="claim_monument_order",
            ),
        ),
    ]
