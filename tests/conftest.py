"""Shared fixtures: the real seed data for end-to-end tests."""

from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
GAZETTEER = FIXTURES / "gazetteer.json"
ARTICLES = sorted((FIXTURES / "articles").glob("*.json"))
SEED_FIXTURES = [GAZETTEER, *ARTICLES]


@pytest.fixture
def seeded(db):
    """A registry holding the gazetteer and the five seed articles."""
    call_command("loaddata", *map(str, SEED_FIXTURES), verbosity=0)
