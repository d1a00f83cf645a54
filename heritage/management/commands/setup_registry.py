"""Prepare a local registry: migrate, load the seed fixtures once, ensure a curator login."""

import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand

from heritage.models import Source

CURATOR_USERNAME = "curator"


class Command(BaseCommand):
    help = (
        "Migrate the database, create (or show) the local curator login, and load "
        "fixtures/gazetteer.json and fixtures/articles/*.json into an empty registry, "
        "accepted as reviewed by that curator."
    )

    def handle(self, *args, **options):
        call_command("migrate", interactive=False, verbosity=0)
        password = self.curator_password()
        fixtures = Path(settings.BASE_DIR) / "fixtures"
        if Source.objects.exists():
            self.stdout.write("The registry already holds sources: seed fixtures not reloaded.")
        else:
            # The seed claims were reviewed; the local curator is recorded as their reviewer.
            labels = [fixtures / "gazetteer.json", *sorted((fixtures / "articles").glob("*.json"))]
            call_command(
                "loaddata",
                *map(str, labels),
                accept_as=CURATOR_USERNAME,
                verbosity=1,
                stdout=self.stdout,
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Curator login: username {CURATOR_USERNAME!r}, password {password!r}"
            )
        )

    def curator_password(self) -> str:
        """The local curator's password, kept in .local/ so every start prints the same one."""
        secret_file = Path(settings.BASE_DIR) / ".local" / "curator-password"
        User = get_user_model()
        user = User.objects.filter(username=CURATOR_USERNAME).first()
        if user and secret_file.exists():
            password = secret_file.read_text().strip()
            if user.check_password(password):
                return password
        password = secrets.token_urlsafe(12)
        secret_file.parent.mkdir(exist_ok=True)
        secret_file.write_text(password + "\n")
        secret_file.chmod(0o600)
        user = user or User(username=CURATOR_USERNAME, email="curator@localhost")
        user.is_staff = True
        user.is_superuser = True
        user.set_password(password)
        user.save()
        return password
