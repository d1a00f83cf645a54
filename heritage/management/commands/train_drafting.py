"""``manage.py train_drafting DIR [--labels LABELDIR] [-o MODEL]``: train the learned
filter of drafting on a labelled corpus and write its coefficients.

The training is in ``heritage/drafting/training.py`` (deterministic: the same corpus
gives the same file); this command reads the registry's gazetteer (with ``--gazetteer``
fixtures added for the run), prints what it trained on and writes the JSON model,
``heritage/drafting/model.json`` unless ``-o`` says otherwise.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import CommandError

from heritage.drafting.learned import MODEL_PATH, save_model
from heritage.drafting.training import L2, THRESHOLD, examples_of, fit
from heritage.management.corpus_command import CorpusCommand


class Command(CorpusCommand):
    help = (
        "Train the learned filter of drafting on the labelled articles of DIR (*.txt at any "
        "depth, with their *.json labels) and write its coefficients as JSON."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
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
        corpus = self.read_corpus(options)

        examples = examples_of(corpus.articles, corpus.drafter(candidates=True), corpus.sites)
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
