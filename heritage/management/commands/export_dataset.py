"""Write the citable dataset snapshot (see heritage.dataset)."""

from pathlib import Path

from django.core.management.base import BaseCommand

from heritage import dataset


class Command(BaseCommand):
    help = (
        "Write a versioned snapshot of the registry (CSV per table, GeoJSON, "
        "datapackage.json, LICENSE, CITATION.cff) into the dataset folder."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output-dir",
            type=Path,
            help="Folder to write into (default: settings.DATASET_DIR, served by the API).",
        )

    def handle(self, *args, output_dir=None, **options):
        snapshot, created = dataset.export(output_dir)
        state = "Wrote" if created else "Already exported"
        self.stdout.write(
            f"{state} {snapshot.path} (version {snapshot.version}, {snapshot.size} bytes, "
            f"sha256 {snapshot.sha256()})"
        )
