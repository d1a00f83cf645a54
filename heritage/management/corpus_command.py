"""What the commands reading a labelled corpus of articles share (``evaluate_drafting``,
``train_drafting``): its arguments, and reading it with the registry's gazetteer."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from heritage.drafting.corpus import CorpusError
from heritage.drafting.registry import LabelledCorpus, read_labelled_corpus


class CorpusCommand(BaseCommand):
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

    def read_corpus(self, options: dict) -> LabelledCorpus:
        try:
            return read_labelled_corpus(
                Path(options["directory"]),
                Path(options["labels"]) if options["labels"] else None,
                options["gazetteer"],
            )
        except CorpusError as exc:
            raise CommandError(str(exc)) from None
