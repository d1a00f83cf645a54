"""Drafting tests: the test articles and their labels, the seed articles when present,
and a registry holding the gazetteer with the extra sites the test articles need."""

import json
from pathlib import Path

import pytest
from django.core.management import call_command

from heritage.drafting.article import body_sentences
from heritage.drafting.claims import Discourse, claims_in_sentence
from heritage.drafting.places import Gazetteer, article_context, places_from_fixture

from ..conftest import GAZETTEER, ROOT

HERE = Path(__file__).resolve().parent
ARTICLES_DIR = HERE / "articles"
LABELS_DIR = HERE / "labels"
SEED_LABELS_DIR = HERE / "seed_labels"
GAZETTEER_EXTRA = HERE / "gazetteer_extra.json"
OUTLETS_EXTRA = HERE / "outlets_extra.json"
SEEDS_DIR = ROOT.parent / "shared" / "seeds"
TEST_ARTICLES = sorted(ARTICLES_DIR.glob("*.txt"))


def read_json(path: Path):
    return json.loads(path.read_text(encoding="utf-8"))


def labels_of(article: Path, folder: Path = LABELS_DIR) -> dict:
    return read_json(folder / f"{article.stem}.json")


@pytest.fixture(scope="session")
def gazetteer() -> Gazetteer:
    """The registry's gazetteer and the extra sites, as plain data (no database)."""
    return Gazetteer(places_from_fixture([*read_json(GAZETTEER), *read_json(GAZETTEER_EXTRA)]))


@pytest.fixture
def registry(db):
    """A registry holding the gazetteer, the extra sites and the extra outlets."""
    call_command("loaddata", str(GAZETTEER), str(GAZETTEER_EXTRA), str(OUTLETS_EXTRA), verbosity=0)


@pytest.fixture
def seeds_dir() -> Path:
    """The seed articles (read-only, outside the repository); skips when absent."""
    if not SEEDS_DIR.is_dir():
        pytest.skip(f"the seed articles are not in {SEEDS_DIR}")
    return SEEDS_DIR


def draft_sentences(places: Gazetteer, text: str, published_on) -> list:
    """The claims of an article's text, sentence by sentence as the drafter reads it."""
    sentences = [s.text for s in body_sentences(text)]
    context = article_context(places, text)
    discourse = Discourse()
    found = []
    for index, sentence in enumerate(sentences):
        following = sentences[index + 1] if index + 1 < len(sentences) else ""
        found += claims_in_sentence(
            sentence,
            gazetteer=places,
            context=context,
            published_on=published_on,
            discourse=discourse,
            following=following,
        )
    return found
