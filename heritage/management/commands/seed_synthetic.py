"""Fill the registry with a large synthetic data set (the generator: heritage/synthetic.py)."""

from django.core.management.base import BaseCommand, CommandError

from heritage import synthetic


class Command(BaseCommand):
    help = (
        "Add a large synthetic registry (sites, monuments with aliases, outlets, sources "
        "with copy clusters, claims) in one transaction, then compute the search text and "
        "the stored consensus. Deterministic for a given --seed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--monuments", type=int, required=True, help="Monuments to create.")
        parser.add_argument("--reports", type=int, required=True, help="Claims to create.")
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1).")
        parser.add_argument(
            "--sites",
            type=int,
            default=None,
            help=f"Sites to create (default {synthetic.DEFAULT_SITES}, fewer for small registries).",
        )

    def handle(self, *args, monuments, reports, seed, sites, **options):
        try:
            summary = synthetic.seed(monuments=monuments, reports=reports, seed=seed, sites=sites)
        except synthetic.SyntheticError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(summary)
