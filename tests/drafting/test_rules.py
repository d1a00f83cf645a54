"""The drafting rules on single sentences: states from wording, negation, plans,
dates of events, vague and group references. Pure: no database."""

import datetime

import pytest

from heritage.drafting.claims import MAX_EXCERPT, Discourse, claims_in_sentence, clauses
from heritage.drafting.places import article_context, find_mentions
from heritage.models import MAX_EXCERPT_LENGTH

MONDAY = datetime.date(2016, 3, 28)


def claims(gazetteer, sentence, published_on=MONDAY, about="Palmyra"):
    """Claims of *sentence* in an article about *about* (which sets the main site)."""
    context = article_context(gazetteer, f"{about}\n{sentence}")
    return claims_in_sentence(
        sentence, gazetteer=gazetteer, context=context, published_on=published_on
    )


def pairs(gazetteer, sentence, **kwargs):
    return {(c.monument, c.state) for c in claims(gazetteer, sentence, **kwargs)}


# --- states from wording -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "state"),
    [
        ("IS blew up the Temple of Bel.", "destroyed"),
        ("The extremists razed the Monastery of Mar Elian.", "destroyed"),
        ("The group demolished the Arch of Triumph.", "destroyed"),
        ("A correspondent saw the Temple of Bel in pieces.", "destroyed"),
        ("The Lion of Al-Lat was pulverised.", "destroyed"),
        ("The Roman Theatre was heavily damaged.", "severely_damaged"),
        ("The Tetrapylon was partly destroyed.", "severely_damaged"),
        ("The Palmyra Museum was damaged.", "damaged"),
        ("The walls of the citadel bear the marks of fighting.", "damaged"),
        ("The Great Colonnade is still standing.", "intact"),
        ("The Temple of Baalshamin is in good shape.", "intact"),
        ("The Tetrapylon appears undamaged.", "intact"),
        ("The Lion of Al-Lat has been restored.", "restored"),
        ("The Lion of Al-Lat is back on display after restoration.", "restored"),
    ],
)
def test_wording_gives_the_state(gazetteer, sentence, state):
    assert {c.state for c in claims(gazetteer, sentence)} == {state}


def test_denied_damage_is_a_claim_of_intact(gazetteer):
    assert pairs(gazetteer, "The Palmyra Museum was not damaged by the blast.") == {
        ("palmyra-museum", "intact")
    }


def test_untouched_by_negation_is_intact(gazetteer):
    sentence = "Residents said the Arch of Triumph had not been touched so far."
    assert pairs(gazetteer, sentence) == {("arch-of-triumph", "intact")}


def test_denied_restoration_claims_nothing(gazetteer):
    assert claims(gazetteer, "The Palmyra Museum has not yet been restored.") == []


def test_no_new_damage_claims_nothing(gazetteer):
    assert claims(gazetteer, "He said there was no new damage to the Arch of Triumph.") == []


@pytest.mark.parametrize(
    "sentence",
    [
        "The Temple of Bel could be restored in five years.",
        "The governor said the Monastery of Mar Elian will be rebuilt.",
        "His department would need five years to restore the Temple of Bel.",
        "If donors keep their pledges, the Palmyra Museum will be restored by 2026.",
        "Will anyone rebuild the Arch of Triumph?",
    ],
)
def test_plans_and_conditions_are_not_restorations(gazetteer, sentence):
    assert claims(gazetteer, sentence) == []


def test_a_plan_keeps_the_state_it_is_about(gazetteer):
    sentence = "He would need five years to restore the Temple of Bel and other monuments destroyed by IS."
    assert pairs(gazetteer, sentence) == {("temple-of-bel", "destroyed")}


def test_attributive_adjective_describes_the_noun_after_it(gazetteer):
    sentence = "Television broadcast from inside Palmyra, showing empty streets and badly damaged buildings."
    assert claims(gazetteer, sentence) == []


def test_a_standing_part_says_nothing_about_the_whole(gazetteer):
    sentence = "Images showed that only four of the Tetrapylon's columns still stood."
    assert claims(gazetteer, sentence) == []


def test_damage_to_a_part_is_damage_to_the_monument(gazetteer):
    sentence = "The museum remains closed; its roof was damaged by shelling during the fighting."
    (claim,) = claims(gazetteer, sentence)
    assert (claim.monument, claim.state, claim.cause) == ("palmyra-museum", "damaged", "shelling")


def test_smashed_contents_severely_damage_a_museum(gazetteer):
    sentence = (
        "Experts were shocked by the destruction inside the town museum, with scores of "
        "priceless relics and statues demolished."
    )
    assert pairs(gazetteer, sentence) == {("palmyra-museum", "severely_damaged")}


def test_most_of_the_site_in_good_shape_means_the_site_is_damaged(gazetteer):
    sentence = "A preliminary assessment showed 80 percent of the ancient site was in good shape."
    (claim,) = claims(gazetteer, sentence)
    assert (claim.monument, claim.state, claim.inferred) == ("palmyra", "damaged", True)
    assert claim.inference_note


def test_misuse_for_executions_is_damage(gazetteer):
    sentence = (
        "The jihadists used Palmyra's ancient amphitheatre as a venue for public executions."
    )
    (claim,) = claims(gazetteer, sentence)
    assert (claim.monument, claim.state, claim.cause) == ("roman-theatre", "damaged", "misuse")


def test_a_site_named_as_the_place_of_the_event_is_not_claimed(gazetteer):
    sentence = "Islamic State militants have blown up three funerary towers in Palmyra."
    assert pairs(gazetteer, sentence) == {("tower-tombs", "destroyed")}


# --- dates -------------------------------------------------------------------------------


def test_past_event_keeps_its_own_date(gazetteer):
    sentence = (
        "The famed Lion of Al-Lat, shattered by IS last year outside the city's museum, "
        "could be put back together, he said."
    )
    (claim,) = claims(gazetteer, sentence)
    assert (claim.monument, claim.state) == ("lion-of-al-lat", "destroyed")
    assert (claim.observed_from, claim.observed_to) == (
        datetime.date(2015, 1, 1),
        datetime.date(2015, 12, 31),
    )


def test_weekday_is_the_last_such_day_before_publication(gazetteer):
    sentence = "A correspondent saw the Temple of Bel in pieces on Sunday."
    (claim,) = claims(gazetteer, sentence)  # published on a Monday
    assert (claim.observed_from, claim.observed_to) == (datetime.date(2016, 3, 27), None)


def test_month_without_year_is_the_last_such_month_before_publication(gazetteer):
    sentence = "The monastery was bulldozed by the militants in August."
    (claim,) = claims(
        gazetteer, sentence, published_on=datetime.date(2016, 4, 5), about="Mar Elian"
    )
    assert (claim.observed_from, claim.observed_to) == (
        datetime.date(2015, 8, 1),
        datetime.date(2015, 8, 31),
    )


def test_an_observation_is_never_after_publication(gazetteer):
    sentence = "Satellite images taken this week show the Temple of Bel was destroyed."
    (claim,) = claims(gazetteer, sentence, published_on=datetime.date(2015, 9, 2))
    assert claim.observed_from == datetime.date(2015, 8, 31)  # the week's Monday
    assert claim.observed_to == datetime.date(2015, 9, 2)  # cut at publication


def test_a_condition_takes_the_date_it_was_reported(gazetteer):
    sentence = (
        "Militants dynamited several monuments last year, but the antiquities chief told "
        "reporters on Saturday that other ancient landmarks were still standing."
    )
    found = {
        (c.state, c.observed_from)
        for c in claims(gazetteer, sentence, published_on=datetime.date(2016, 3, 27))
    }
    assert found == {
        ("damaged", datetime.date(2015, 1, 1)),
        ("damaged", datetime.date(2016, 3, 26)),
    }


# --- references --------------------------------------------------------------------------


def test_vague_reference_claims_each_temple_of_the_site_as_inferred(gazetteer):
    sentence = "The ultra-radicals smashed two large temples dating back more than 1,800 years."
    found = claims(gazetteer, sentence)
    assert {c.monument for c in found} == {"temple-of-bel", "temple-of-baalshamin"}
    assert all(c.inferred and "two large temples" in c.inference_note for c in found)
    assert {c.state for c in found} == {"destroyed"}


def test_group_count_becomes_the_quantity(gazetteer):
    sentence = "It has since blown up its triumphal arch and a dozen tower tombs."
    by_monument = {c.monument: c for c in claims(gazetteer, sentence)}
    assert by_monument["tower-tombs"].quantity == 12
    assert by_monument["tower-tombs"].inferred is False
    assert by_monument["arch-of-triumph"].quantity is None


def test_a_list_after_the_verb_shares_its_state(gazetteer):
    sentence = (
        "Militants have blown up three of the best-preserved funerary towers in Palmyra, "
        "including the Tower of Elahbel, the antiquities chief said on Friday."
    )
    by_monument = {
        c.monument: c for c in claims(gazetteer, sentence, published_on=datetime.date(2015, 9, 4))
    }
    assert set(by_monument) == {"tower-tombs", "tower-of-elahbel"}
    assert by_monument["tower-tombs"].quantity == 3
    assert by_monument["tower-of-elahbel"].evidence == "official"


def test_member_is_recognised_by_its_head_noun(gazetteer):
    sentence = "The 11th-century minaret of Aleppo's Umayyad Mosque was reduced to rubble."
    assert pairs(gazetteer, sentence, about="Aleppo") == {("umayyad-mosque-minaret", "destroyed")}


def test_definite_noun_means_the_only_such_monument_of_the_site(gazetteer):
    sentence = "The ziggurat appears undamaged in the images, the experts said."
    (claim,) = claims(gazetteer, sentence, about="Nimrud")
    assert (claim.monument, claim.state, claim.inferred) == ("nimrud-ziggurat", "intact", True)
    assert claim.evidence == "imagery"


def test_names_match_across_case_accents_and_spacing(gazetteer):
    context = article_context(gazetteer, "Palmyra")
    found = find_mentions("the BAAL SHAMIN temple and the Temple de Bel", gazetteer, context)
    assert [m.slugs for m in found] == [("temple-of-baalshamin",), ("temple-of-bel",)]


def test_an_alias_shared_by_two_sites_is_read_in_the_article_site(gazetteer):
    sentence = "We need to start with the damage in the citadel immediately."
    assert pairs(gazetteer, sentence, about="Palmyra") == {("palmyra-citadel", "damaged")}
    assert pairs(gazetteer, sentence, about="Aleppo") == {("aleppo-citadel", "damaged")}


def test_a_clause_with_its_own_subject_is_not_about_the_monument_before(gazetteer):
    sentence = (
        "The loss of Palmyra comes after militants were driven out of Ramadi, the first "
        "victory for Iraq's army since it collapsed in June 2014."
    )
    assert claims(gazetteer, sentence) == []


def test_a_comma_in_a_date_does_not_cut_the_clause():
    assert [c.text for c in clauses("It fell on March 27, 2016, the army said.")] == [
        "It fell on March 27, 2016",
        "the army said.",
    ]


def test_hardly_touched_is_intact(gazetteer):
    sentence = "The Citadel of Aleppo was hardly touched by the fighting, a guard said."
    (claim,) = claims(gazetteer, sentence, about="Aleppo")
    assert (claim.monument, claim.state, claim.evidence) == (
        "aleppo-citadel",
        "intact",
        "eyewitness",
    )


def test_no_reports_of_damage_is_not_a_claim_of_intact(gazetteer):
    sentence = "There were no immediate reports of damage to the Temple of Bel."
    assert claims(gazetteer, sentence) == []


def test_good_condition_with_an_exception_is_damage(gazetteer):
    sentence = (
        "An archaeologist said the Roman Theatre was in relatively good condition, apart "
        "from its stage, which the militants had blown up."
    )
    assert pairs(gazetteer, sentence) == {("roman-theatre", "damaged")}


def test_each_monument_goes_with_the_nearest_of_two_cues(gazetteer):
    sentence = (
        "The team found the Temple of Baalshamin reduced to rubble and the town museum looted."
    )
    by_monument = {c.monument: c for c in claims(gazetteer, sentence)}
    assert {m: c.state for m, c in by_monument.items()} == {
        "temple-of-baalshamin": "destroyed",
        "palmyra-museum": "damaged",
    }
    assert by_monument["temple-of-baalshamin"].cause == ""
    assert by_monument["palmyra-museum"].cause == "looting"


def test_a_sentence_claims_only_its_most_severe_damage_of_a_monument(gazetteer):
    sentence = (
        "Archaeologists are cataloguing the damage at the Palmyra Museum, which the "
        "militants ransacked, smashing statues with sledgehammers."
    )
    assert pairs(gazetteer, sentence) == {("palmyra-museum", "severely_damaged")}


def test_the_destruction_of_a_monument_is_a_claim(gazetteer):
    sentence = "He referred to the group's destruction of Nimrud earlier this year."
    assert pairs(gazetteer, sentence, about="Nimrud") == {("nimrud", "destroyed")}


def test_a_condition_makes_only_its_own_clauses_hypothetical(gazetteer):
    sentence = (
        '"If they enter the Temple of Bel, they will destroy it," he said, referring to the '
        "destruction of Nimrud."
    )
    assert pairs(gazetteer, sentence) == {("nimrud", "destroyed")}


def test_a_group_member_named_at_the_start_of_the_next_sentence(gazetteer):
    context = article_context(gazetteer, "Aleppo")
    discourse = Discourse()
    first = "The Great Mosque of Aleppo remains closed to worshippers."
    second = "Its minaret, which had stood since 1090, lies in a heap of stones in the courtyard."
    for sentence in (first, second):
        found = claims_in_sentence(
            sentence,
            gazetteer=gazetteer,
            context=context,
            published_on=MONDAY,
            discourse=discourse,
        )
    assert {(c.monument, c.state) for c in found} == {("umayyad-mosque-minaret", "destroyed")}


def test_a_definite_noun_after_a_possessive(gazetteer):
    sentence = "Troops found that the ancient city's ziggurat had been flattened."
    assert pairs(gazetteer, sentence, about="Nimrud") == {("nimrud-ziggurat", "destroyed")}


def test_he_said_is_the_speaker_of_the_sentence_before(gazetteer):
    context = article_context(gazetteer, "Palmyra")
    discourse = Discourse()
    claims_in_sentence(
        "Syria's antiquities chief Maamoun Abdulkarim said the army had retaken the city.",
        gazetteer=gazetteer,
        context=context,
        published_on=MONDAY,
        discourse=discourse,
    )
    (claim,) = claims_in_sentence(
        "He said the Arch of Triumph was blown up in October.",
        gazetteer=gazetteer,
        context=context,
        published_on=MONDAY,
        discourse=discourse,
    )
    assert (claim.attributed_to, claim.evidence) == (
        "Syria's antiquities chief Maamoun Abdulkarim",
        "official",
    )
    assert (claim.observed_from, claim.observed_to) == (
        datetime.date(2015, 10, 1),
        datetime.date(2015, 10, 31),
    )


def test_a_very_long_sentence_gives_its_clause_as_the_excerpt(gazetteer):
    padding = ", ".join(f"then the convoy passed village number {n}" for n in range(40))
    sentence = f"Militants blew up the Temple of Bel, {padding}."
    (claim,) = claims(gazetteer, sentence)
    assert claim.excerpt == "Militants blew up the Temple of Bel"
    assert claim.excerpt in sentence and len(sentence) > MAX_EXCERPT_LENGTH


def test_the_excerpt_limit_is_the_models():
    assert MAX_EXCERPT == MAX_EXCERPT_LENGTH
