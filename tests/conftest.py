"""Shared fixtures: the real seed data for end-to-end tests."""

from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
GAZETTEER = FIXTURES / "gazetteer.json"
ARTICLES = sorted((FIXTURES / "articles").glob("*.json"))
SEED_FIXTURES = [GAZETTEER, *ARTICLES]


SEED_REVIEWER = "seed-reviewer"


@pytest.fixture(autouse=True)
def empty_response_cache():
    """Each test starts with no cached API response (the key holds the revision's time,
    but two tests may share it to the microsecond under a frozen clock)."""
    caches["responses"].clear()


def load_seed_fixtures() -> None:
    """Load the gazetteer and the seed articles, their claims accepted by SEED_REVIEWER
    (created as a superuser if missing), as ``dev.py start`` does for its curator."""
    User = get_user_model()
    if not User.objects.filter(username=SEED_REVIEWER).exists():
        User.objects.create_superuser(SEED_REVIEWER, f"{SEED_REVIEWER}@localhost", None)
    call_command("loaddata", *map(str, SEED_FIXTURES), accept_as=SEED_REVIEWER, verbosity=0)


@pytest.fixture
def seeded(db):
    """A registry holding the gazetteer and the five seed articles."""
    load_seed_fixtures()
