"""``restore_backup``: load a whole-registry backup made with ``dumpdata`` into an empty
registry.

A backup holds more than a fixture may (``heritage.loading.BACKUP``): the curators'
accounts, their decisions, the stored consensus and the history, which keeps its own
numbering. That is only safe into a database that holds nothing yet, so the command
refuses any other; everything else (validation, all-or-nothing) is ``loaddata``'s.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from heritage.loading import BACKUP, MAX_BACKUP_DEPTH
from heritage.management.commands import loaddata
from heritage.models import Monument, Outlet, Site, Source

NOT_EMPTY = (
    "restore_backup loads into an empty registry only, and this one already holds {what}; "
    "load new articles with loaddata instead"
)


class Command(loaddata.Command):
    help = (
        "Restore a backup made with `dumpdata heritage auth.user --natural-foreign "
        "--natural-primary` (registry, accounts and history) into an empty registry."
    )
    scope = BACKUP
    max_depth = MAX_BACKUP_DEPTH

    def check_target(self, connection) -> None:
        for model in (Site, Monument, Outlet, Source, get_user_model()):
            if model._default_manager.using(self.using).exists():
                raise CommandError(NOT_EMPTY.format(what=model._meta.verbose_name_plural))
