"""``manage.py train_drafting DIR [--labels LABELDIR] [-o MODEL]``: train the learned
filter of drafting on a labelled corpus and write its coefficients.

The training is in ``heritage/drafting/training.py`` (deterministic: the same corpus
gives the same file); this command reads the registry's gazetteer (with ``--gazetteer``
fixtures added for the run), prints what it trained on and writes the JSON model,
``heritage/drafting/model.json`` unless ``-o`` says otherwise.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from heritage.drafting.article import draft_article
from heritage.drafting.corpus import CorpusError, fixture_records, read_corpus
from heritage.drafting.learned import MODEL_PATH, save_model
from heritage.drafting.registry import load_gazetteer, load_outlets
from heritage.drafting.training import L2, THRESHOLD, examples_of, fit


class Command(BaseCommand):
    help = (
        "Train the learned filter of drafting on the labelled articles of DIR (*.txt at any "
        "depth, with their *.json labels) and write its coefficients as JSON."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", metavar="DIR", help="folder of *.txt articles")
        parser.add_argument("--labels", metavar="LABELDIR", help="folder of *.json labels")
        parser.add_argument(
            "--gazetteer",
            action="append",
            default=[],
            metavar="FIXTURE",
            help="a fixture file whose monuments and aliases are added for this run",
        )
        parser.add_argument(
            "-o", "--output", metavar="MODEL", default=str(MODEL_PATH), help="where to write"
        )
        parser.add_argument("--l2", type=float, default=L2, help=f"penalty (default {L2})")
        parser.add_argument(
            "--threshold",
            type=float,
            default=THRESHOLD,
            help=f"score from which a pair is kept (default {THRESHOLD})",
        )

    def handle(self, *args, **options):
        try:
            articles = read_corpus(
                Path(options["directory"]),
                Path(options["labels"]) if options["labels"] else None,
            )
            gazetteer = load_gazetteer(fixture_records(options["gazetteer"]))
        except CorpusError as exc:
            raise CommandError(str(exc)) from None
        outlets = load_outlets()
        sites = {slug for slug, place in gazetteer.places.items() if place.is_site}

        def draft(text, fallback, known):
            return draft_article(
                text,
                gazetteer=gazetteer,
                outlets=outlets,
                fallback_published_on=fallback,
                known_sources=lambda _date: known,
                candidates=True,
            )

        examples = examples_of(articles, draft, sites)
        if not examples:
            raise CommandError(f"{options['directory']}: no candidate pair to train on")
        model = fit(examples, l2=options["l2"], threshold=options["threshold"])
        output = Path(options["output"])
        try:
            save_model(model, output)
        except OSError as exc:
            raise CommandError(f"{output}: cannot write the model ({exc})") from None
        seen = model.trained_on
        self.stdout.write(
            f"trained on {seen['pairs']} candidate pairs ({seen['positive_pairs']} labelled) "
            f"of {seen['articles']} articles, {len(seen['conflicts'])} conflicts; "
            f"wrote {output}"
        )
