"""Recompute every monument's stored consensus, in batches, with progress."""

import time

from django.core.management.base import BaseCommand

from heritage import services


class Command(BaseCommand):
    help = (
        "Recompute and store the consensus of every monument (writes only what changed), "
        f"{services.REFRESH_BATCH} monuments at a time, in one transaction."
    )

    def handle(self, *args, verbosity: int = 1, **options):
        started = time.perf_counter()
        total = 0

        def report(step: services.RefreshProgress) -> None:
            nonlocal total
            total = step.total
            if verbosity >= 2 or (verbosity >= 1 and step.done == step.total):
                self.stdout.write(
                    f"{step.done}/{step.total} monuments, {step.changed} changed "
                    f"({time.perf_counter() - started:.1f} s)"
                )
            elif verbosity >= 1 and (step.done // services.REFRESH_BATCH) % 10 == 0:
                self.stdout.write(f"{step.done}/{step.total} monuments …")

        changed = services.refresh_all(progress=report)
        self.stdout.write(
            f"Recomputed {total} monument(s); {changed} status(es) changed "
            f"in {time.perf_counter() - started:.1f} s."
        )
