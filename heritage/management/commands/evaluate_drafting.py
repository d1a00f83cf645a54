"""``manage.py evaluate_drafting DIR [--labels LABELDIR]``: how well drafting reads
articles, as precision and recall of (monument, state) pairs against curators' labels.

DIR holds articles (``*.txt``); each has a label file of the same name (``*.json``,
in LABELDIR, by default DIR itself)::

    {"published_on": "2016-03-27",
     "claims": [{"monument": "temple-of-bel", "state": "destroyed"}, …]}

``published_on`` is used for an article whose text gives no full date. Nothing is
written to the registry; ``--gazetteer FILE`` adds the places of a fixture file to the
registry's for this evaluation only.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from heritage.drafting import DraftingError, NothingToDraft, UnreadableArticle, decode_article
from heritage.drafting.evaluation import expected_pairs, micro_average, score
from heritage.drafting.registry import draft, load_gazetteer, load_outlets


class Command(BaseCommand):
    help = (
        "Draft every article of DIR and report precision and recall of the drafted "
        "(monument, state) pairs against the labels, per article and micro-averaged."
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
        parser.add_argument("--min-precision", type=float, help="fail below this precision")
        parser.add_argument("--min-recall", type=float, help="fail below this recall")

    def handle(self, *args, **options):
        articles_dir = Path(options["directory"])
        labels_dir = Path(options["labels"] or options["directory"])
        for folder in {articles_dir, labels_dir}:
            if not folder.is_dir():
                raise CommandError(f"{folder}: no such folder")
        articles = sorted(articles_dir.glob("*.txt"))
        if not articles:
            raise CommandError(f"{articles_dir}: no *.txt articles in it")
        gazetteer = load_gazetteer(_records(options["gazetteer"]))
        outlets = load_outlets()

        scores = []
        for path in articles:
            labels = _labels(labels_dir / f"{path.stem}.json")
            fallback = labels.get("published_on")
            found: set[tuple[str, str]] = set()
            problem = ""
            try:
                result = draft(
                    decode_article(path.read_bytes()),
                    gazetteer=gazetteer,
                    outlets=outlets,
                    fallback_published_on=datetime.date.fromisoformat(fallback)
                    if fallback
                    else None,
                )
                found = {(c.monument, c.state) for c in result.claims}
            except NothingToDraft as exc:
                problem = f" ({exc})"
            except (DraftingError, UnreadableArticle) as exc:
                problem = f" (not drafted: {exc})"
            s = score(path.stem, found, expected_pairs(labels))
            scores.append(s)
            self.stdout.write(
                f"{s.name}: precision {s.precision:.2f} recall {s.recall:.2f} "
                f"(tp {s.true_positives}, fp {s.false_positives}, fn {s.false_negatives})"
                f"{problem}"
            )
            if options["verbosity"] >= 1:
                for monument, state in sorted(s.found - s.expected):
                    self.stdout.write(f"    extra  {monument} {state}")
                for monument, state in sorted(s.expected - s.found):
                    self.stdout.write(f"    missed {monument} {state}")
        total = micro_average(scores)
        self.stdout.write(
            f"micro-averaged over {total.articles} articles: precision {total.precision:.3f} "
            f"recall {total.recall:.3f} (tp {total.true_positives}, fp {total.false_positives}, "
            f"fn {total.false_negatives})"
        )
        failures = []
        if options["min_precision"] is not None and total.precision < options["min_precision"]:
            failures.append(f"precision {total.precision:.3f} < {options['min_precision']}")
        if options["min_recall"] is not None and total.recall < options["min_recall"]:
            failures.append(f"recall {total.recall:.3f} < {options['min_recall']}")
        if failures:
            raise CommandError("below the goal: " + "; ".join(failures))


def _labels(path: Path) -> dict:
    try:
        labels = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CommandError(f"{path}: no labels for this article") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise CommandError(f"{path}: not a JSON label file ({exc})") from None
    if not isinstance(labels, dict) or not isinstance(labels.get("claims", []), list):
        raise CommandError(f'{path}: expected {{"published_on": …, "claims": [...]}}')
    return labels


def _records(paths: list[str]) -> list[dict]:
    records = []
    for name in paths:
        try:
            data = json.loads(Path(name).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise CommandError(f"{name}: cannot read it as a fixture ({exc})") from None
        if not isinstance(data, list):
            raise CommandError(f"{name}: a fixture is a JSON list of objects")
        records += [r for r in data if isinstance(r, dict)]
    return records
