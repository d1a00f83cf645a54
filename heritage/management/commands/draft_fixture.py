"""``manage.py draft_fixture ARTICLE […]``: propose a source and its claims for review.

Each ARTICLE is a plain-text copy of a page, a saved web page (``.html``) or ``-`` for
standard input. Prints one fixture in the documented format (or writes it with ``-o
FILE``), or writes one fixture per article into a folder (``-o DIR``); ``loaddata``
accepts them as they are and every claim is drafted, awaiting a reviewer. The rules
live in ``heritage/drafting/``; this command reads the inputs, reports problems and
writes JSON.
"""

from __future__ import annotations

import datetime
import json
import re
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from heritage.drafting import DraftingError, NothingToDraft, UnreadableArticle
from heritage.drafting.article import UNREGISTERED
from heritage.drafting.learned import ModelError, load_model
from heritage.drafting.pages import MAX_PAGE_BYTES, check_article_size, read_article
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
STDIN_ONCE = "standard input (-) can be given once"
BAD_KEY = (
    "--key must be lower-case letters, digits and single hyphens, at most 120 characters "
    "(like afp-2016-03-28-palmyra), not {key!r}"
)
STDIN = "-"
# A fault of drafting itself, not of the article: said plainly, with nothing written.
DRAFTER_FAULT = (
    "{path}: drafting failed on this text ({error}); nothing was written. This is a "
    "fault of the drafter, not of the article: please report it with the file "
    "(--traceback shows where it failed)"
)


class Command(BaseCommand):
    help = (
        "Draft a fixture (source, outlets, drafted claims) from articles: plain-text copies "
        "of web pages, saved web pages (.html) or standard input (-); print it, write it "
        "with -o FILE, or write one fixture per article with -o DIR."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "articles",
            nargs="+",
            metavar="ARTICLE",
            help="a UTF-8 text file, a saved web page (.html), or - for standard input",
        )
        parser.add_argument(
            "-o",
            "--output",
            metavar="FILE|DIR",
            help="write the fixture to FILE, or one fixture per article into the folder DIR",
        )
        parser.add_argument(
            "--published-on",
            metavar="YYYY-MM-DD",
            help="publication date, required when the text gives no full date",
        )
        parser.add_argument("--key", help="the source's key, instead of the derived one")
        parser.add_argument(
            "--learned",
            action="store_true",
            help="let the learned filter (heritage/drafting/model.json) decide the claims; "
            "off by default: measured leave-one-conflict-out it does not beat the rules",
        )

    def handle(self, *args, **options):
        paths = options["articles"]
        if options["key"] and len(paths) > 1:
            raise CommandError(ONE_KEY)
        if paths.count(STDIN) > 1:
            raise CommandError(STDIN_ONCE)
        if options["key"] is not None and not (
            re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", options["key"])
            and len(options["key"]) <= 120
        ):
            raise CommandError(BAD_KEY.format(key=options["key"]))
        published_on = _date_option(options["published_on"])
        folder = _output_folder(options["output"])
        inputs = {path: _read(path) for path in paths}  # unreadable input fails first
        learned = None
        if options["learned"]:
            try:
                learned = load_model()
            except ModelError as exc:
                raise CommandError(str(exc)) from None
        gazetteer = load_gazetteer()
        outlets = load_outlets()
        drafts = []
        drafted_from: dict[str, str] = {}
        for path, article in inputs.items():
            name = "standard input" if path == STDIN else path
            try:
                result = draft(
                    article.text,
                    gazetteer=gazetteer,
                    outlets=outlets,
                    published_on=published_on,
                    key=options["key"],
                    site_name=article.site_name,
                    url=article.url,
                    learned=learned,
                )
            except NothingToDraft as exc:
                self.stderr.write(f"{name}: warning: {exc}")
                if exc.unregistered:
                    names = "; ".join(exc.unregistered)
                    self.stderr.write(f"{name}: warning: {UNREGISTERED.format(names=names)}")
                continue
            except DraftingError as exc:
                raise CommandError(f"{name}: {exc}") from None
            except Exception as exc:
                if options["traceback"]:
                    raise
                error = f"{type(exc).__name__}: {exc}"
                raise CommandError(DRAFTER_FAULT.format(path=name, error=error)) from None
            if source_exists(result.key):
                raise CommandError(KEY_TAKEN.format(path=name, key=result.key))
            if result.key in drafted_from:
                raise CommandError(
                    KEY_TWICE.format(path=name, key=result.key, other=drafted_from[result.key])
                )
            drafted_from[result.key] = name
            for warning in result.warnings:
                self.stderr.write(f"{name}: warning: {warning}")
            if options["verbosity"] >= 1:
                self.stderr.write(f"{name}: {_summary(result)}")
            drafts.append(result)
        if not drafts:
            self.stderr.write("warning: nothing drafted; the fixture is empty")
        if folder is not None:
            for result in drafts:
                _write(folder / f"{result.key}.json", fixture_objects([result]))
        elif options["output"]:
            _write(Path(options["output"]), fixture_objects(drafts))
        else:
            self.stdout.write(_json(fixture_objects(drafts)), ending="")


def _summary(result) -> str:
    inferred = sum(1 for c in result.claims if c.inferred)
    copies = ""
    if result.copies_passages_from:
        shares = [
            f"{key} ({result.copy_shares[key]:.0%} shared)" if key in result.copy_shares else key
            for key in result.copies_passages_from
        ]
        copies = f", likely a copy of {', '.join(shares)}"
    return f"drafted {result.key} with {len(result.claims)} claim(s) ({inferred} inferred){copies}"


def _json(objects: list[dict]) -> str:
    return json.dumps(objects, indent=2, ensure_ascii=False) + "\n"


def _write(path: Path, objects: list[dict]) -> None:
    try:
        path.write_text(_json(objects), encoding="utf-8")
    except OSError as exc:
        raise CommandError(f"cannot write {path}: {exc.strerror}") from None


def _output_folder(output: str | None) -> Path | None:
    """The folder of ``-o DIR`` (an existing folder, or a name ending with a slash)."""
    if not output:
        return None
    path = Path(output)
    if path.is_dir():
        return path
    if output.endswith(("/", "\\")):
        try:
            path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CommandError(f"cannot create the folder {output}: {exc.strerror}") from None
        return path
    return None


def _date_option(value: str | None) -> datetime.date | None:
    if value is None:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(BAD_DATE.format(value=value)) from None


def _read(path: str):
    """The article at *path* (or standard input), or a CommandError naming the problem."""
    name = "standard input" if path == STDIN else path
    try:
        if path == STDIN:
            data = sys.stdin.buffer.read(MAX_PAGE_BYTES + 1)
        else:
            file = Path(path)
            if file.is_dir():
                raise CommandError(f"{path}: is a directory, not an article file")
            check_article_size(path, file.stat().st_size)
            data = file.read_bytes()
        return read_article(path, data)
    except UnreadableArticle as exc:
        raise CommandError(f"{name}: {exc}") from None
    except FileNotFoundError:
        raise CommandError(f"{path}: no such file") from None
    except OSError as exc:
        raise CommandError(f"{name}: cannot read it ({exc.strerror})") from None
