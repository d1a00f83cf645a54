"""Monuments carry their site's name, indexed in the order the lists show them (site,
then name): a page of monuments no longer sorts every monument with its site (issue 13)."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_from_sites(apps, schema_editor):
    Monument = apps.get_model("heritage", "Monument")
    Site = apps.get_model("heritage", "Site")
    site = Site.objects.filter(pk=OuterRef("site_id"))
    Monument.objects.using(schema_editor.connection.alias).update(
        site_name=Subquery(site.values("name")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("heritage", "0016_claim_review_state"),
    ]

    operations = [
        migrations.AddField(
            model_name="monument",
            name="site_name",
            field=models.CharField(blank=True, editable=False, max_length=200, serialize=False),
        ),
        migrations.RunPython(copy_from_sites, migrations.RunPython.noop, elidable=True),
        migrations.AlterModelOptions(
            name="monument",
            options={"ordering": ["site_name", "name"]},
        ),
        migrations.AddIndex(
            model_name="monument",
            index=models.Index(fields=["site_name", "name", "id"], name="monument_list_order"),
        ),
    ]
