"""General rules added with a third held-out set in view: a broader lexicon of the
state scale, reopening after destruction, the time before the reported events, head
nouns that modify another noun or point to another monument, and a page that is only a
picture caption. Invented sentences. Pure: no database."""

import pytest

from heritage.drafting.article import body_sentences
from heritage.drafting.states import find_cues

from .test_general_rules import pairs, places  # noqa: F401  (fixture)


@pytest.mark.parametrize(
    "text",
    [
        "Shelling wrecked the Great Omari Mosque on Sunday.",
        "The Great Omari Mosque was devastated by an air strike.",
        "The Great Omari Mosque was burned out in the fighting.",
        "The Great Omari Mosque sustained substantial damage in the raid.",
    ],
)
def test_heavy_damage_wording_is_severe(places, text):  # noqa: F811
    assert pairs(places, text) == {("great-omari-mosque", "severely_damaged")}


@pytest.mark.parametrize(
    "text",
    [
        "The Great Omari Mosque gave way after hours of shelling.",
        "The Great Omari Mosque caved in on Sunday.",
        "The Great Omari Mosque crumbled under the bombardment.",
    ],
)
def test_falling_wording_is_destruction(places, text):  # noqa: F811
    assert pairs(places, text) == {("great-omari-mosque", "destroyed")}


@pytest.mark.parametrize(
    "text",
    [
        "The Great Omari Mosque suffered considerable damage from mortar fire.",
        "The Great Omari Mosque is riddled with bullet holes.",
        "The Great Omari Mosque had taken dozens of hits in the past months.",
        "Gunmen set fire to the Great Omari Mosque on Sunday.",
        "Looters stripped the Great Omari Mosque of its carpets.",
    ],
)
def test_limited_damage_wording_is_damage(places, text):  # noqa: F811
    assert pairs(places, text) == {("great-omari-mosque", "damaged")}


@pytest.mark.parametrize(
    "text",
    [
        "The Great Omari Mosque escaped damage in the raid.",
        "The Great Omari Mosque was unaffected by the strikes.",
    ],
)
def test_escaping_damage_is_intact(places, text):  # noqa: F811
    assert pairs(places, text) == {("great-omari-mosque", "intact")}


def test_reopening_after_destruction_is_a_restoration_cue():
    clause = "The Great Omari Mosque was reopened on Friday, ten years after it was levelled."
    assert [c.state for c in find_cues(clause)] == ["restored", "destroyed"]


def test_reopening_alone_is_no_restoration(places):  # noqa: F811
    text = "The Great Omari Mosque was reopened on Friday after the holiday."
    assert pairs(places, text) == set()


def test_past_perfect_before_the_war_is_history_not_the_event(places):  # noqa: F811
    text = "Prior to the recent war, the Great Omari Mosque had been damaged by an earthquake."
    assert pairs(places, text) == set()


def test_a_sentence_about_the_war_itself_still_counts(places):  # noqa: F811
    text = "During the recent war, the Great Omari Mosque was damaged by shelling."
    assert pairs(places, text) == {("great-omari-mosque", "damaged")}


def test_a_head_noun_modifying_another_noun_is_not_the_monument(places):  # noqa: F811
    text = (
        "Gunmen bulldozed the Sha'ab mosque on Saturday. "
        "In another town, they set fire to a mosque library."
    )
    assert pairs(places, text) == {("al-shaab-mosque", "destroyed")}


def test_a_nearby_one_is_another_monument(places):  # noqa: F811
    text = (
        "Gunmen bulldozed the Sha'ab mosque on Saturday. "
        "A library in a nearby mosque was also set on fire."
    )
    assert pairs(places, text) == {("al-shaab-mosque", "destroyed")}


def test_a_page_that_is_only_a_caption_is_read():
    text = (
        "A photo shows the Great Omari Mosque after it was reduced to rubble by shelling "
        "in the city on May 8, 2024. REUTERS/Some Photographer\n"
    )
    assert [s.text for s in body_sentences(text)]


def test_a_caption_beside_a_story_is_still_left_out():
    text = (
        "The Great Omari Mosque was damaged on Sunday, officials said in a statement.\n\n"
        "A photo shows the mosque at dusk in the city on May 8, 2024. REUTERS/Some "
        "Photographer\n"
    )
    sentences = [s.text for s in body_sentences(text)]
    assert all("REUTERS" not in s for s in sentences)
