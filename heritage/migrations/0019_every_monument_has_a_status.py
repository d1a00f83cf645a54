"""Every monument has a status row from its creation (``unknown`` until its first
refresh), and the status table has indexes in the lists' status orders: a page sorted on
the state or the confidence walks an index instead of sorting every monument (issue 13).

The rows added here are those of monuments never refreshed; a refresh fills them in."""

from django.db import migrations, models
from django.db.models import F
from django.utils import timezone


def add_missing_statuses(apps, schema_editor):
    Monument = apps.get_model("heritage", "Monument")
    MonumentConsensus = apps.get_model("heritage", "MonumentConsensus")
    db = schema_editor.connection.alias
    missing = (
        Monument.objects.using(db).filter(consensus__isnull=True).values_list("pk", flat=True)
    )
    now = timezone.now()
    MonumentConsensus.objects.using(db).bulk_create(
        [
            MonumentConsensus(
                monument_id=pk,
                state="unknown",
                evidence_state="unknown",
                confidence=0.0,
                independent_origins=0,
                contested=False,
                single_origin=False,
                overridden=False,
                claim_count=0,
                explanation=[],
                timeline=[],
                history_digest="",
                changed_at=now,
            )
            for pk in missing.iterator()
        ],
        batch_size=500,
    )
    # The lists' answers change (counts, the status orders' ties): no response cached
    # or validated before this migration is still current.
    Revision = apps.get_model("heritage", "Revision")
    now = timezone.now()
    if not Revision.objects.using(db).filter(pk=1).update(number=F("number") + 1, changed_at=now):
        Revision.objects.using(db).create(pk=1, number=1, changed_at=now)


class Migration(migrations.Migration):
    dependencies = [
        ("heritage", "0018_monument_order_indexes"),
    ]

    # The rows are added last: on PostgreSQL an index cannot be built on a table with
    # rows whose (deferred) foreign key checks are still pending in the transaction.
    operations = [
        migrations.RemoveIndex(model_name="monumentconsensus", name="consensus_state"),
        migrations.AddIndex(
            model_name="monumentconsensus",
            index=models.Index(fields=["state", "monument"], name="consensus_state_order"),
        ),
        migrations.AddIndex(
            model_name="monumentconsensus",
            index=models.Index(
                fields=["confidence", "monument"], name="consensus_confidence_order"
            ),
        ),
        migrations.RunPython(add_missing_statuses, migrations.RunPython.noop),
    ]
