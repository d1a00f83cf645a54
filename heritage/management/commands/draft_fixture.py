"""``manage.py draft_fixture ARTICLE.txt […]``: propose a source and its claims for review.

Prints a fixture in the documented format (or writes it with ``-o FILE``) that
``loaddata`` accepts as it is; every claim is drafted, awaiting a reviewer. The rules
live in ``heritage/drafting/``; this command reads files, reports problems and writes
JSON.
"""

from __future__ import annotations

import datetime
import json
import re
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from heritage.drafting import DraftingError, NothingToDraft, UnreadableArticle, decode_article
from heritage.drafting.reading import check_size
from heritage.drafting.registry import (
    draft,
    fixture_objects,
    load_gazetteer,
    load_outlets,
    source_exists,
)

BAD_DATE = "--published-on must be a date written YYYY-MM-DD (got {value!r})"
KEY_TAKEN = (
    "{path}: a source with key {key!r} is already in the registry; "
    "if this is another article, give it a key with --key"
)
KEY_TWICE = "{path}: the key {key!r} was already drafted from {other}; give another with --key"
ONE_KEY = "--key names one source: give one article with it"
BAD_KEY = (
    "--key must be lower-case letters, digits and single hyphens, at most 120 characters "
    "(like afp-2016-03-28-palmyra), not {key!r}"
)


class Command(BaseCommand):
    help = (
        "Draft a fixture (source, outlets, drafted claims) from plain-text articles "
        "copied from web pages; print it, or write it with -o."
    )

    def add_arguments(self, parser):
        parser.add_argument("articles", nargs="+", metavar="ARTICLE", help="UTF-8 text files")
        parser.add_argument("-o", "--output", metavar="FILE", help="write the fixture here")
        parser.add_argument(
            "--published-on",
            metavar="YYYY-MM-DD",
            help="publication date, required when the text gives no full date",
        )
        parser.add_argument("--key", help="the source's key, instead of the derived one")

    def handle(self, *args, **options):
        paths = options["articles"]
        if options["key"] and len(paths) > 1:
            raise CommandError(ONE_KEY)
        if options["key"] is not None and not (
            re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", options["key"])
            and len(options["key"]) <= 120
        ):
            raise CommandError(BAD_KEY.format(key=options["key"]))
        published_on = _date_option(options["published_on"])
        texts = {path: _read(path) for path in paths}  # unreadable input fails first
        gazetteer = load_gazetteer()
        outlets = load_outlets()
        drafts = []
        drafted_from: dict[str, str] = {}
        for path, text in texts.items():
            try:
                result = draft(
                    text,
                    gazetteer=gazetteer,
                    outlets=outlets,
                    published_on=published_on,
                    key=options["key"],
                )
            except NothingToDraft as exc:
                self.stderr.write(f"{path}: warning: {exc}")
                continue
            except DraftingError as exc:
                raise CommandError(f"{path}: {exc}") from None
            if source_exists(result.key):
                raise CommandError(KEY_TAKEN.format(path=path, key=result.key))
            if result.key in drafted_from:
                raise CommandError(
                    KEY_TWICE.format(path=path, key=result.key, other=drafted_from[result.key])
                )
            drafted_from[result.key] = path
            for warning in result.warnings:
                self.stderr.write(f"{path}: warning: {warning}")
            if options["verbosity"] >= 1:
                inferred = sum(1 for c in result.claims if c.inferred)
                copies = (
                    f", likely a copy of {', '.join(result.copies_passages_from)}"
                    if result.copies_passages_from
                    else ""
                )
                self.stderr.write(
                    f"{path}: drafted {result.key} with {len(result.claims)} claim(s)"
                    f" ({inferred} inferred){copies}"
                )
            drafts.append(result)
        if not drafts:
            self.stderr.write("warning: nothing drafted; the fixture is empty")
        output = json.dumps(fixture_objects(drafts), indent=2, ensure_ascii=False) + "\n"
        if options["output"]:
            try:
                Path(options["output"]).write_text(output, encoding="utf-8")
            except OSError as exc:
                raise CommandError(f"cannot write {options['output']}: {exc.strerror}") from None
        else:
            self.stdout.write(output, ending="")


def _date_option(value: str | None) -> datetime.date | None:
    if value is None:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(BAD_DATE.format(value=value)) from None


def _read(path: str) -> str:
    file = Path(path)
    try:
        if file.is_dir():
            raise CommandError(f"{path}: is a directory, not an article file")
        check_size(file.stat().st_size)
        return decode_article(file.read_bytes())
    except UnreadableArticle as exc:
        raise CommandError(f"{path}: {exc}") from None
    except FileNotFoundError:
        raise CommandError(f"{path}: no such file") from None
    except OSError as exc:
        raise CommandError(f"{path}: cannot read it ({exc.strerror})") from None
