"""``manage.py evaluate_drafting DIR [--labels LABELDIR]``: how well drafting reads
articles, as precision and recall of (monument, state) pairs against curators' labels,
overall, per conflict and per failure class, with the metadata and the copies.

The corpus format and the evaluation are in ``heritage/drafting/corpus.py``; this
command reads the registry (gazetteer, outlets), writes the report and checks the
goals. Nothing is written to the registry; ``--gazetteer FILE`` adds the places of a
fixture file to the registry's for this evaluation only.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from heritage.drafting.article import draft_article
from heritage.drafting.corpus import CorpusError, Report, evaluate, read_corpus
from heritage.drafting.evaluation import CLAIM_CLASSES
from heritage.drafting.registry import load_gazetteer, load_outlets


class Command(BaseCommand):
    help = (
        "Draft every article of DIR (*.txt, at any depth) and report precision and recall "
        "of the drafted (monument, state) pairs against the labels: per article, overall, "
        "per conflict and per failure class."
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
        try:
            articles = read_corpus(
                Path(options["directory"]),
                Path(options["labels"]) if options["labels"] else None,
            )
        except CorpusError as exc:
            raise CommandError(str(exc)) from None
        gazetteer = load_gazetteer(_records(options["gazetteer"]))
        outlets = load_outlets()
        sites = {slug for slug, place in gazetteer.places.items() if place.is_site}

        def draft(text, fallback, known):
            return draft_article(
                text,
                gazetteer=gazetteer,
                outlets=outlets,
                fallback_published_on=fallback,
                known_sources=lambda _date: known,
            )

        report = evaluate(articles, draft, sites)
        self._write(report, verbose=options["verbosity"] >= 1)
        total = report.total
        failures = []
        if options["min_precision"] is not None and total.precision < options["min_precision"]:
            failures.append(f"precision {total.precision:.3f} < {options['min_precision']}")
        if options["min_recall"] is not None and total.recall < options["min_recall"]:
            failures.append(f"recall {total.recall:.3f} < {options['min_recall']}")
        if failures:
            raise CommandError("below the goal: " + "; ".join(failures))

    def _write(self, report: Report, *, verbose: bool) -> None:
        out = self.stdout.write
        for result in report.articles:
            s = result.score
            problem = f" ({result.problem})" if result.problem else ""
            out(
                f"{s.name}: precision {s.precision:.2f} recall {s.recall:.2f} "
                f"(tp {s.true_positives}, fp {s.false_positives}, fn {s.false_negatives})"
                f"{problem}"
            )
            if verbose:
                for monument, state in sorted(s.found - s.expected):
                    out(f"    extra  {monument} {state}")
                for monument, state in sorted(s.expected - s.found):
                    out(f"    missed {monument} {state}")
        conflicts = report.by_conflict()
        if len(conflicts) > 1:
            out("per conflict (each scored on its own articles):")
            for name, t in conflicts.items():
                out(
                    f"  {name or '(none)'}: {t.articles} articles, precision {t.precision:.3f} "
                    f"recall {t.recall:.3f} (tp {t.true_positives}, fp {t.false_positives}, "
                    f"fn {t.false_negatives})"
                )
        out("per failure class (precision over drafted claims, recall over labelled pairs):")
        for name in CLAIM_CLASSES:
            c = report.classes.get(name)
            if c is None:
                out(f"  {name}: none drafted or labelled")
                continue
            out(
                f"  {name}: precision {c.precision:.2f} ({c.drafted_right}/{c.drafted}) "
                f"recall {c.recall:.2f} ({c.labelled_found}/{c.labelled})"
            )
        m = report.metadata
        out(
            f"  dates-credits: date precision {m.date_precision:.2f} ({m.dated_right}/{m.dated}) "
            f"recall {m.date_recall:.2f} ({m.labelled_dated_right}/{m.date_labelled}); outlet precision "
            f"{m.outlet_precision:.2f} ({m.outlet_right}/{m.outlet_read}) recall "
            f"{m.outlet_recall:.2f} ({m.outlet_right}/{m.outlet_labelled})"
        )
        c = report.copies
        out(
            f"  copies: precision {c.precision:.2f} ({c.flagged_right}/{c.flagged}) "
            f"recall {c.recall:.2f} ({c.flagged_right}/{c.labelled})"
        )
        e = report.evidence
        out(
            f"  evidence: kind right {e.accuracy:.2f} ({e.right}/{e.labelled} labelled kinds of "
            f"drafted pairs); reported precision {e.reported_precision:.2f} "
            f"({e.reported_right}/{e.reported_drafted}) recall {e.reported_recall:.2f} "
            f"({e.reported_found}/{e.reported_labelled})"
        )
        total = report.total
        out(
            f"micro-averaged over {total.articles} articles: precision {total.precision:.3f} "
            f"recall {total.recall:.3f} (tp {total.true_positives}, fp {total.false_positives}, "
            f"fn {total.false_negatives})"
        )


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
