"""``loaddata`` that validates every object and loads all or nothing.

Replaces Django's command of the same name (the heritage app is listed first in
INSTALLED_APPS). Same labels and options; the rules are in heritage/loading.py.
Django's handle() wraps loaddata() in one transaction.atomic, so any CommandError
raised here rolls back every object of every file.

``--accept-as USERNAME`` names the reviewer of the claims a fixture marks accepted or
rejected; without it such claims are refused (review cannot be skipped).
"""

import os
import sys

from django.contrib.auth import get_user_model
from django.core import serializers
from django.core.management.base import CommandError
from django.core.management.commands import loaddata
from django.db import connections

from heritage import services
from heritage.loading import FIXTURE, MAX_DEPTH, FixtureError, load_records, read_json_fixture
from heritage.roles import REVIEW_PERMISSION

NO_SUCH_USER = "--accept-as: no user {username!r} in the registry"
MAY_NOT_REVIEW = "--accept-as: user {username!r} may not review claims (the Reviewer role can)"

# Any fixed number: the key of the advisory lock that loads take on PostgreSQL.
LOAD_LOCK_KEY = 4_802_101


def lock_loading(connection) -> None:
    """One load at a time: a second load waits for the first to commit, then finds its
    objects (an outlet both files define is "already present" rather than a duplicate).
    Held until the transaction ends; SQLite serialises writing transactions itself."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOAD_LOCK_KEY])


class Command(loaddata.Command):
    help = (
        "Load JSON fixtures, validating every object (fields and domain rules). "
        "All files of one command load together or not at all; objects already in "
        "the registry must match the fixture exactly. Fixtures bring registry data "
        "only: sites, monuments, aliases, outlets, sources, claims and photos."
    )
    scope = FIXTURE
    max_depth = MAX_DEPTH

    def check_target(self, connection) -> None:
        """Refuse to load into this database (restore_backup wants an empty registry)."""

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--accept-as",
            metavar="USERNAME",
            help="Record this reviewer for the claims the fixtures mark accepted or rejected "
            "(without it, fixtures bring claims as drafted only).",
        )

    def handle(self, *fixture_labels, **options):
        self.accept_as = self.reviewer(options.get("accept_as"), options.get("database"))
        return super().handle(*fixture_labels, **options)

    @staticmethod
    def reviewer(username: str | None, using: str | None):
        if not username:
            return None
        User = get_user_model()
        user = User._default_manager.db_manager(using).filter(username=username).first()
        if user is None:
            raise CommandError(NO_SUCH_USER.format(username=username))
        if not (user.is_active and user.has_perm(f"heritage.{REVIEW_PERMISSION}")):
            raise CommandError(MAY_NOT_REVIEW.format(username=username))
        return user

    def find_fixture_files_in_dir(self, fixture_dir, fixture_name, targets):
        """The fixture's files in *fixture_dir*: each possible name looked up on its own.
        Django lists the whole folder for every label, which made a load of a thousand
        files in one folder read that folder a thousand times."""
        found = []
        for target in sorted(targets):
            candidate = os.path.join(fixture_dir, target)
            if os.path.exists(candidate):
                found.append((candidate, fixture_dir, fixture_name))
        return found

    def loaddata(self, fixture_labels):
        connection = connections[self.using]
        self.serialization_formats = serializers.get_public_serializer_formats()
        files = []
        for label in fixture_labels:
            for fixture_file, _dir, _name in self.find_fixtures(label):
                _, ser_fmt, cmp_fmt = self.parse_name(fixture_file.rsplit("/", 1)[-1])
                if ser_fmt != "json":
                    raise CommandError(
                        f"{fixture_file}: only JSON fixtures are accepted (got {ser_fmt})."
                    )
                files.append((fixture_file, cmp_fmt))
        if self.format and self.format != "json":
            raise CommandError("Only --format=json is accepted.")

        records = []
        for fixture_file, cmp_fmt in files:
            open_method, mode = self.compression_formats[cmp_fmt]
            stream = open_method(fixture_file, mode)
            try:
                records.extend(read_json_fixture(fixture_file, stream, max_depth=self.max_depth))
            except FixtureError as exc:
                raise CommandError(str(exc)) from None
            finally:
                if stream is not sys.stdin:
                    stream.close()

        self.check_target(connection)
        lock_loading(connection)
        with connection.constraint_checks_disabled():
            try:
                result = load_records(
                    records,
                    using=self.using,
                    excluded_models=self.excluded_models,
                    excluded_apps=self.excluded_apps,
                    scope=self.scope,
                    accept_as=getattr(self, "accept_as", None),
                )
            except FixtureError as exc:
                raise CommandError(str(exc)) from None
        # The bulk path resolved every reference it wrote against the database; only the
        # tables written the general way are checked (a check reads the whole table).
        if result.unchecked_models:
            try:
                connection.check_constraints(
                    table_names=[model._meta.db_table for model in result.unchecked_models]
                )
            except Exception as exc:
                raise CommandError(f"Problem installing fixtures: {exc}") from None
        if result.unchecked_models and self.scope.history:
            # Only a backup gives primary keys (its history rows'); a fixture never does,
            # so its loads leave the sequences alone and cannot rewind a concurrent load's.
            self.reset_sequences(connection, result.unchecked_models)
        services.update_search_text(monument_ids=result.named_monument_ids)
        job = services.refresh_or_queue(
            monument_ids=result.monument_ids,
            reason=f"loaddata of {len(files)} fixture(s)",
        )
        if result.created:
            services.bump_revision()

        self.loaded_object_count = result.created
        self.fixture_object_count = len(records)
        self.fixture_count = len(files)
        if self.verbosity >= 1:
            reviewed = (
                f", {result.reviewed_since} reviewed since (curators' decisions kept)"
                if result.reviewed_since
                else ""
            )
            self.stdout.write(
                f"Installed {result.created} object(s), {result.unchanged} already present "
                f"and identical{reviewed}, from {len(files)} fixture(s)."
            )
            if job is not None:
                self.stdout.write(
                    f"The consensus of {job.total} monument(s) is queued for recomputation "
                    f"(job {job.pk}); manage.py db_worker runs it."
                )
