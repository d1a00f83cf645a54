"""Recompute every monument's stored consensus."""

from django.core.management.base import BaseCommand

from heritage import services
from heritage.models import Monument


class Command(BaseCommand):
    help = "Recompute and store the consensus of every monument (writes only what changed)."

    def handle(self, *args, **options):
        changed = services.refresh_all()
        self.stdout.write(
            f"Recomputed {Monument.objects.count()} monument(s); {changed} status(es) changed."
        )
