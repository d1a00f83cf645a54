"""General rules for the failure classes of drafting on unseen articles: the site as a
whole, a monument named in a neighbouring sentence, fears and hopes, intact and partial
wording, attachment of names to verbs, dates relative to a statement, misspellings.
Invented sentences of the shapes seen in published reporting. Pure: no database."""

import datetime

import pytest

from heritage.drafting.dates import date_mentions
from heritage.drafting.evaluation import MISSPELLING, NEIGHBOUR
from heritage.drafting.places import Gazetteer, places_from_fixture

from ..conftest import GAZETTEER
from .conftest import ROOT, draft_sentences, read_json

FRIDAY = datetime.date(2014, 9, 12)


@pytest.fixture(scope="module")
def places() -> Gazetteer:
    """The registry's gazetteer and the development corpus's places."""
    corpus = ROOT / "corpus" / "drafting" / "gazetteer.json"
    return Gazetteer(places_from_fixture([*read_json(GAZETTEER), *read_json(corpus)]))


def drafted(places, text, published_on=FRIDAY):
    return draft_sentences(places, text, published_on)


def pairs(places, text):
    return {(c.monument, c.state) for c in drafted(places, text)}


# --- 1. the site as a whole ----------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Militants smashed a statue outside the museum in the town of Hatra.",
        "The army said the militants bulldozed the Nimrud site near the northern city of Mosul.",
        "A tribal source from the nearby city of Mosul said the militants pillaged Nimrud.",
        "Hatra remains of outstanding value even though several of its buildings were lost.",
    ],
)
def test_a_site_named_where_something_happened_is_not_claimed(places, text):
    assert not {m for m, _ in pairs(places, text)} & {"hatra", "mosul"}


def test_damage_lighter_than_feared_is_damage_not_destruction(places):
    text = "The damage at Hatra turned out lighter than experts had expected."
    assert pairs(places, text) == {("hatra", "damaged")}


def test_buildings_lost_in_a_site_damage_the_site(places):
    text = "Three ancient buildings collapsed in the Yemeni capital Sanaa after air strikes."
    assert pairs(places, text) == {("old-sanaa", "damaged")}


# --- 2. a monument named in a neighbouring sentence --------------------------------------


def test_a_monument_left_unnamed_is_the_one_the_next_sentence_names(places):
    text = (
        "A historic Orthodox cathedral in Odesa was severely damaged overnight. "
        "The Transfiguration Cathedral is the city's largest church."
    )
    (claim,) = drafted(places, text)
    assert (claim.monument, claim.state) == ("odesa-transfiguration-cathedral", "severely_damaged")
    assert claim.inferred and "named in the next sentence" in claim.inference_note
    assert NEIGHBOUR in claim.readings
    assert claim.excerpt.startswith("A historic Orthodox cathedral")


def test_the_figure_named_in_the_next_sentence_takes_the_claim_not_its_site(places):
    text = (
        "A carved figure from Palmyra that militants had smashed is back on display. "
        "The figure, known as the Lion of Al-Lat, was restored in Damascus."
    )
    assert pairs(places, text) == {("lion-of-al-lat", "restored")}


def test_the_mosque_is_the_one_the_article_names(places):
    text = (
        "The jihadists chose to blow up the mosque rather than see it retaken. "
        "The Great Mosque of al-Nuri had stood in Mosul since the 12th century."
    )
    assert ("al-nuri-mosque", "destroyed") in pairs(places, text)


# --- 3. fears, hopes and hypotheticals ----------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Officials had feared they would find the temples of Palmyra reduced to rubble.",
        '"I thought I\'d find the Roman Theatre of Bosra destroyed," a student said.',
        "Residents hoped the Great Omari Mosque would be spared.",
    ],
)
def test_fears_and_hopes_claim_nothing(places, text):
    assert pairs(places, text) == set()


# --- 4. intact and partial wording ----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The Temple of Bel seems to have come through unscathed.", ("temple-of-bel", "intact")),
        ("The Roman Theatre of Bosra stands tall.", ("bosra-roman-theatre", "intact")),
        (
            "The Roman theatre of Palmyra is in good condition apart from the earlier damage.",
            ("roman-theatre", "damaged"),
        ),
        (
            "About a third of the ramparts of the Citadel of Aleppo were damaged.",
            ("aleppo-citadel", "damaged"),
        ),
        (
            "Militants blew up the front wall of the Palmyra Museum.",
            ("palmyra-museum", "severely_damaged"),
        ),
        (
            "Militants destroyed two tombs at the Djinguereber Mosque on Tuesday.",
            ("djingareyber-mosque", "damaged"),
        ),
        (
            "Troops levelled the Monastery of Mar Elian with bulldozers.",
            ("mar-elian-monastery", "destroyed"),
        ),
        (
            "Footage showed significant damage to pillars inside the Citadel of Bosra.",
            ("bosra-citadel", "damaged"),
        ),
    ],
)
def test_intact_and_partial_wording_maps_to_the_scale(places, text, expected):
    assert pairs(places, text) == {expected}


# --- 5. which noun the verb acts on ------------------------------------------------------


def test_a_landmark_in_a_prepositional_phrase_is_not_what_was_destroyed(places):
    text = "Militants destroyed the gate at the end of the Great Colonnade."
    assert pairs(places, text) == set()


def test_a_coordinated_phrase_gives_one_claim_per_monument(places):
    text = "There was damage to the Djinguereber Mosque and the Sankore Mosque."
    assert pairs(places, text) == {
        ("djingareyber-mosque", "damaged"),
        ("sankore-mosque", "damaged"),
    }


def test_the_minaret_of_an_unnamed_mosque_is_the_minaret(places):
    text = (
        "The minaret of a landmark mosque in Aleppo was destroyed yesterday. "
        "The Umayyad Mosque stands in the walled Old City."
    )
    assert pairs(places, text) == {("umayyad-mosque-minaret", "destroyed")}


def test_a_verb_after_its_subject_acts_on_what_follows(places):
    text = "Militants have destroyed ancient remains of the city of Hatra."
    assert pairs(places, text) == {("hatra", "destroyed")}


# --- 6. dates relative to the statement -----------------------------------------------------


def test_an_event_a_week_before_a_statement_is_dated_from_the_statement():
    sentence = "Officials said on Tuesday that the gate had been blown up a week before."
    said, event = date_mentions(sentence, FRIDAY)
    assert said.first == datetime.date(2014, 9, 9)
    assert event.first <= datetime.date(2014, 9, 2) <= event.last
    assert event.last < datetime.date(2014, 9, 9)


def test_a_weekday_reported_in_a_statement_is_before_the_statement():
    sentence = "The ministry said on Tuesday the shrine had been razed on Sunday."
    said, event = date_mentions(sentence, FRIDAY)
    assert (said.first, event.first) == (datetime.date(2014, 9, 9), datetime.date(2014, 9, 7))


def test_days_earlier_counts_from_the_statement():
    sentence = "A guard said on Tuesday the shrine had been blown up ten days earlier."
    _, event = date_mentions(sentence, FRIDAY)
    assert event.first == datetime.date(2014, 8, 30)


# --- 7. misspellings -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "monument"),
    [
        ("Bulldozers flattened the ancient city of Nimurd on Thursday.", "nimrud"),
        ("ISIS destroyed the Nabi Tunus shrine.", "nabi-yunus-shrine"),
        ("The Temple of Bell was blown up.", "temple-of-bel"),
    ],
)
def test_a_name_with_one_typing_slip_is_read_as_the_name(places, text, monument):
    (claim,) = drafted(places, text)
    assert claim.monument == monument
    assert claim.inferred and "misspelling" in claim.inference_note
    assert MISSPELLING in claim.readings


@pytest.mark.parametrize(
    "text",
    [
        "Rebels damaged the Nimrod Hotel.",  # part of a longer name
        "Rebels damaged the Hatta bridge.",  # too short to tell a slip from another name
        "rebels damaged the nimurd bridge.",  # not written as a name
    ],
)
def test_a_misspelling_is_not_invented(places, text):
    assert pairs(places, text) == set()
