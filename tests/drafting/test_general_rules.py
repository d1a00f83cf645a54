"""General rules added for articles from conflicts the rules had not seen: severity and
collapse wording, remains, strikes on a building, shares named after the verb, habitual
histories, monuments described by a head noun, sites without a site-level monument,
parts owned or listed, noun cues, and the outlet's own voice as evidence. Invented
sentences of the shapes seen in published reporting. Pure: no database."""

import datetime
import json

import pytest

from heritage.drafting.article import body_sentences
from heritage.drafting.corpus import CorpusError, read_corpus
from heritage.drafting.evaluation import (
    CLAIM_CLASSES,
    HEADLINE_ONLY,
    HISTORY,
    NEIGHBOUR,
    EvidenceScore,
    labelled_classes,
    score_evidence,
)
from heritage.drafting.places import (
    Gazetteer,
    head_noun,
    places_from_fixture,
    sites_from_fixture,
)
from heritage.models import EvidenceKind
from heritage.text import matched_key

from ..conftest import GAZETTEER
from .conftest import ROOT, draft_sentences, read_json

SUNDAY = datetime.date(2023, 7, 23)


@pytest.fixture(scope="module")
def places() -> Gazetteer:
    """The registry's gazetteer and the corpus's places, with the sites' names."""
    records = [*read_json(GAZETTEER), *read_json(ROOT / "corpus" / "drafting" / "gazetteer.json")]
    return Gazetteer(places_from_fixture(records), sites_from_fixture(records))


def drafted(places, text, published_on=SUNDAY):
    return draft_sentences(places, text, published_on)


def pairs(places, text):
    return {(c.monument, c.state) for c in drafted(places, text)}


# --- severity, collapse and remains ---------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "An overnight strike left the Great Omari Mosque significantly damaged.",
        "A drone hit the market, badly damaging the Great Omari Mosque.",
        "The Great Omari Mosque suffered severe bomb damage.",
        "Officials listed extensive shelling damage to the Great Omari Mosque.",
    ],
)
def test_significant_damage_is_severe(places, text):
    assert pairs(places, text) == {("great-omari-mosque", "severely_damaged")}


@pytest.mark.parametrize(
    "text",
    [
        "The Great Omari Mosque escaped serious bomb damage.",
        "The Great Omari Mosque escaped any serious bomb damage.",
    ],
)
def test_escaping_damage_named_by_its_size_and_cause_is_intact(places, text):
    assert pairs(places, text) == {("great-omari-mosque", "intact")}


@pytest.mark.parametrize(
    "text",
    [
        "Four boys were killed when the Great Omari Mosque partially collapsed on Sunday.",
        "The Great Omari Mosque was partly burned down in the raid.",
        "The Great Omari Mosque was almost destroyed in the raid, residents said.",
        "Today the Great Omari Mosque stands in solemn ruin, residents said.",
    ],
)
def test_a_structure_partly_or_nearly_brought_down_is_severely_damaged(places, text):
    assert pairs(places, text) == {("great-omari-mosque", "severely_damaged")}


def test_a_damage_of_unstated_size_named_by_its_cause_is_damage(places):
    assert pairs(places, "The Great Omari Mosque suffered shelling damage.") == {
        ("great-omari-mosque", "damaged")
    }


def test_standing_but_at_risk_of_collapse_is_severe_damage_not_intact(places):
    text = (
        "The Church of Saint Porphyrius is still standing, but engineers say the building "
        "is at risk of collapse."
    )
    assert pairs(places, text) == {("st-porphyrius-church", "severely_damaged")}


def test_standing_alone_is_still_intact(places):
    assert pairs(places, "The Church of Saint Porphyrius is still standing.") == {
        ("st-porphyrius-church", "intact")
    }


def test_all_that_is_left_of_a_monument_is_its_destruction(places):
    text = "Drone footage shows all that is left of the Arch of Triumph."
    assert pairs(places, text) == {("arch-of-triumph", "destroyed")}


def test_tools_taken_to_a_tomb_is_destruction_under_way(places):
    text = "Fighters were taking pickaxes to the Mausoleum of Sidi Mahmoud on Monday."
    assert pairs(places, text) == {("sidi-mahmoud-mausoleum", "damaged")}


# --- strikes on a building ------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "A rocket hit the Sankore Mosque on Monday.",
        "The Sankore Mosque was struck by a shell on Monday.",
        "Jets dropped a heavy bomb on the Sankore Mosque on Monday.",
    ],
)
def test_a_building_struck_by_a_weapon_is_damaged(places, text):
    (claim,) = drafted(places, text)
    assert (claim.monument, claim.state, claim.cause) == ("sankore-mosque", "damaged", "shelling")


@pytest.mark.parametrize(
    "text",
    [
        "A rocket hit near the Sankore Mosque on Monday.",
        "The Sankore Mosque was not hit.",
    ],
)
def test_a_strike_near_a_building_or_a_denied_hit_is_no_damage(places, text):
    assert ("sankore-mosque", "damaged") not in pairs(places, text)


# --- shares after the verb, and parts ---------------------------------------------------------


def test_a_large_share_named_after_the_verb_is_severe_damage(places):
    text = "Jets struck the Great Omari Mosque on Friday, destroying large parts of it."
    assert pairs(places, text) == {("great-omari-mosque", "severely_damaged")}


def test_a_small_share_named_after_the_verb_is_damage(places):
    text = "Jets struck the Great Omari Mosque on Friday, destroying parts of it."
    assert pairs(places, text) == {("great-omari-mosque", "damaged")}


def test_a_structural_part_destroyed_is_not_also_read_as_a_share(places):
    text = "The central part of the Mariupol Drama Theatre was destroyed by the bomb."
    assert pairs(places, text) == {("mariupol-drama-theatre", "severely_damaged")}


def test_a_part_owned_by_the_monument_is_damage_to_it(places):
    text = (
        "The Church of Saint Porphyrius stands in the old city. "
        "A strike caused heavy damage to the church's roof."
    )
    assert pairs(places, text) == {("st-porphyrius-church", "damaged")}


def test_parts_in_the_list_that_continues_a_clause_are_damage_to_their_monument(places):
    text = (
        "Militants destroyed four mausoleums in the city, along with several tombs and a "
        "door at the Sankore Mosque."
    )
    assert ("sankore-mosque", "damaged") in pairs(places, text)
    assert ("sankore-mosque", "destroyed") not in pairs(places, text)


def test_a_part_as_the_subject_of_a_sentence_naming_nothing_is_the_previous_monument(places):
    text = (
        "Volunteers reached the Church of Saint Porphyrius on Sunday. "
        "After the fire, the roof and the nave were badly damaged."
    )
    (claim,) = drafted(places, text)
    assert (claim.monument, claim.state) == ("st-porphyrius-church", "damaged")
    assert claim.inferred and "named just before" in claim.inference_note


# --- habitual histories --------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "The Great Omari Mosque has been damaged by wars and earthquakes but has been "
        "rebuilt on each occasion.",
        "The Great Omari Mosque was destroyed and rebuilt many times over the centuries.",
    ],
)
def test_a_habitual_history_claims_nothing(places, text):
    assert pairs(places, text) == set()


def test_a_restoration_without_repetition_is_still_a_restoration(places):
    text = "The Great Omari Mosque has been rebuilt."
    assert pairs(places, text) == {("great-omari-mosque", "restored")}


# --- head nouns and counts --------------------------------------------------------------------


def test_a_monument_described_by_its_head_noun_is_the_one_the_article_names(places):
    text = (
        "Shelling badly damaged a historic mosque in Gaza on Sunday. "
        "Residents gathered in the square to look. "
        "The Great Omari Mosque dates from the 7th century."
    )
    (claim,) = drafted(places, text)
    assert (claim.monument, claim.state) == ("great-omari-mosque", "severely_damaged")
    assert claim.inferred and "the article names one mosque" in claim.inference_note
    assert NEIGHBOUR in claim.readings


def test_an_apostrophe_inside_a_word_does_not_make_a_head_noun_of_its_end():
    # "Shafi'i" had given the head "i", whose plural "is" then read every "is" as the
    # mosque.
    assert head_noun("Masjid al-Imam al-Shafi'i") == "shafii"
    assert head_noun("St. Mary's Cathedral") == "cathedral"


def test_a_head_noun_two_named_monuments_share_stays_unread(places):
    text = (
        "Militants damaged a historic mosque in Timbuktu. Residents fled. "
        "The Djinguereber Mosque and the Sankore Mosque are listed by UNESCO."
    )
    assert not {m for m, _ in pairs(places, text)} & {"djingareyber-mosque", "sankore-mosque"}


def test_a_count_of_buildings_is_not_one_monument(places):
    text = (
        "The army has destroyed 40 mosques in the Gaza Strip since October. "
        "The Great Omari Mosque dates from the 7th century."
    )
    assert pairs(places, text) == set()


def test_a_site_without_a_site_monument_places_an_indefinite_description(places):
    text = "A theatre was shelled in Mariupol on Wednesday, officials said."
    (claim,) = drafted(places, text)
    assert (claim.monument, claim.state) == ("mariupol-drama-theatre", "damaged")
    assert "the only theatre of Mariupol" in claim.inference_note


def test_one_monument_described_by_its_head_noun_in_its_site_is_that_monument(places):
    text = "One theatre was shelled in Mariupol on Wednesday, officials said."
    assert pairs(places, text) == {("mariupol-drama-theatre", "damaged")}


def test_one_day_is_not_one_monument(places):
    text = "Officials in Mariupol hope to restore the theatre one day, they said on Wednesday."
    assert ("mariupol-drama-theatre", "restored") not in pairs(places, text)


def test_an_indefinite_description_without_its_site_is_not_read(places):
    assert pairs(places, "A theatre was shelled on Wednesday, officials said.") == set()


# --- a plural listed in the next sentence --------------------------------------------------


@pytest.mark.parametrize(
    "opening", ["Among these are", "Among them was", "These include:", "These included"]
)
def test_monuments_the_next_sentence_lists_take_the_wording_of_the_plural(places, opening):
    text = (
        "Air strikes destroyed dozens of churches, monasteries and museums, the ministry "
        f"said. {opening} the Ikorta Church and the Bishop's Palace of Nikozi."
    )
    found = drafted(places, text)
    assert {(c.monument, c.state) for c in found} == {
        ("ikorta-church", "destroyed"),
        ("nikozi-bishops-palace", "destroyed"),
    }  # not Nikozi itself, named only as where the house stands
    assert all("listed among them in the next sentence" in c.inference_note for c in found)


@pytest.mark.parametrize(
    "text",
    [
        # a monument named only as where something is
        "Air strikes destroyed dozens of buildings in the town. "
        "Among them were houses near the Great Omari Mosque.",
        # a monument the list leaves out
        "Air strikes destroyed dozens of churches in the region. "
        "These include the Ikorta Church, but not the Great Omari Mosque.",
        # not a list of the plural
        "The militants destroyed many sites. "
        "They included fighters who had prayed at the Great Omari Mosque.",
    ],
)
def test_a_monument_the_next_sentence_does_not_list_takes_nothing_from_the_plural(places, text):
    assert "great-omari-mosque" not in {m for m, _ in pairs(places, text)}


def test_the_listed_monuments_take_the_wording_of_the_last_plural(places):
    text = (
        "Shelling destroyed dozens of homes and damaged several buildings, but many "
        "churches survived. Among them are the Ikorta Church and the Great Omari Mosque."
    )
    assert pairs(places, text) == {("ikorta-church", "intact"), ("great-omari-mosque", "intact")}


def test_a_monument_listed_along_with_a_part_and_then_included_is_not_that_part(places):
    text = (
        "Some 800 homes were destroyed, along with 35 churches, including 18 monuments. "
        "Among them was the Ikorta Church."
    )
    assert pairs(places, text) == {("ikorta-church", "destroyed")}


def test_a_part_possessed_along_with_the_verb_is_still_a_part(places):
    text = "Shelling destroyed several homes, along with the Great Omari Mosque's roof."
    assert pairs(places, text) == {("great-omari-mosque", "severely_damaged")}


def test_what_shares_the_verb_along_with_a_part_is_not_that_part(places):
    text = "Dozens of homes were destroyed, along with the Ikorta Church."
    assert pairs(places, text) == {("ikorta-church", "destroyed")}


def test_a_next_sentence_that_names_without_listing_gives_the_plural_no_members(places):
    text = (
        "Shelling damaged several buildings in the town. "
        "Visitors once came to see the Ikorta Church and the Bishop's House in Nikozi."
    )
    assert pairs(places, text) == set()


# --- noun cues ---------------------------------------------------------------------------------


def test_a_noun_cue_claims_only_what_its_of_names(places):
    text = "The destruction of Hatra came days after an attack on the Mosul Museum."
    assert pairs(places, text) == {("hatra", "destroyed")}


def test_a_noun_cue_claims_the_list_its_of_opens(places):
    text = "Officials mourned the loss of the Great Mosque of al-Nuri and its minaret."
    assert pairs(places, text) == {
        ("al-nuri-mosque", "destroyed"),
        ("al-hadba-minaret", "destroyed"),
    }


# --- the outlet's own voice ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "evidence"),
    [
        ("The Sankore Mosque was damaged in the fighting.", "reported"),
        ("Residents said the Sankore Mosque was damaged in the fighting.", "eyewitness"),
        ("The Sankore Mosque was reportedly damaged in the fighting.", "unattributed"),
        ('"The Sankore Mosque was damaged in the fighting," he wrote.', "unattributed"),
        ("It has been reported that the Sankore Mosque was damaged.", "unattributed"),
        ("Footage shows the Sankore Mosque was damaged in the fighting.", "imagery"),
    ],
)
def test_the_outlets_own_voice_is_reported_evidence(places, text, evidence):
    (claim,) = drafted(places, text)
    assert claim.evidence == evidence
    if evidence in ("reported", "unattributed"):
        assert claim.attributed_to == ""


def test_evidence_kinds_are_scored_over_the_drafted_pairs():
    into = EvidenceScore()
    score_evidence(
        [(("a", "destroyed"), "reported"), (("b", "damaged"), "official")],
        [
            (("a", "destroyed"), "reported"),
            (("b", "damaged"), "reported"),
            (("c", "x"), "reported"),
        ],
        into,
    )
    assert (into.right, into.labelled) == (1, 2)
    assert (into.reported_right, into.reported_drafted) == (1, 1)
    assert (into.reported_found, into.reported_labelled) == (1, 3)


def test_a_label_with_an_unknown_evidence_kind_is_refused(tmp_path):
    (tmp_path / "a.txt").write_text("The Sankore Mosque was damaged.", encoding="utf-8")
    label = {"claims": [{"monument": "sankore-mosque", "state": "damaged", "evidence": "rumour"}]}
    (tmp_path / "a.json").write_text(json.dumps(label), encoding="utf-8")
    with pytest.raises(CorpusError, match=r"a\.json: evidence 'rumour' is not one of"):
        read_corpus(tmp_path)


def test_the_corpus_evidence_kinds_are_the_registrys():
    from heritage.drafting.corpus import EVIDENCE_KINDS

    assert set(EVIDENCE_KINDS) == set(EvidenceKind.values)


# --- hard-wrapped text and the classes seen on the second held-out set ----------------------


WRAPPED = """Fighters raze Sufi mosque

TRIPOLI, May 3 - Gunmen bulldozed the Sankore Mosque in
broad daylight on Saturday, officials said, in what appeared to
be the worst attack of its kind.

Witnesses said the old Great Omari Mosque was
damaged as well.
"""


def test_hard_wrapped_lines_are_read_as_one_paragraph(places):
    sentences = [s.text for s in body_sentences(WRAPPED)]
    assert sentences[0].startswith("Gunmen bulldozed the Sankore Mosque in\nbroad daylight")
    assert all(s in WRAPPED for s in sentences)  # excerpts stay verbatim slices
    assert pairs(places, WRAPPED) == {
        ("sankore-mosque", "destroyed"),
        ("great-omari-mosque", "damaged"),
    }


def test_short_lines_without_wrapping_stay_headings():
    text = "Mosque razed in Timbuktu\nThe Sankore Mosque was razed on Saturday.\n"
    assert [s.text for s in body_sentences(text)] == ["The Sankore Mosque was razed on Saturday."]


def test_a_claim_in_a_sentence_about_an_earlier_era_is_read_as_history(places):
    (claim,) = drafted(places, "The Great Omari Mosque suffered heavy damage in the 1990s.")
    assert HISTORY in claim.readings
    (claim,) = drafted(places, "The Great Omari Mosque suffered heavy damage on Sunday.")
    assert HISTORY not in claim.readings


def test_headline_only_and_history_are_failure_classes():
    assert {HEADLINE_ONLY, HISTORY} <= set(CLAIM_CLASSES)
    claim = {"monument": "x", "state": "destroyed", "classes": ["headline-only"]}
    assert labelled_classes(claim, set()) == {HEADLINE_ONLY}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "The group used explosives and bulldozers to destroy the Sankore Mosque.",
            {("sankore-mosque", "destroyed")},
        ),
        ("The group threatened to destroy the Sankore Mosque.", set()),
        ("The group could destroy the Sankore Mosque.", set()),
    ],
)
def test_a_bare_verb_claims_only_after_an_implicative(places, text, expected):
    assert pairs(places, text) == expected


def test_date_recall_counts_only_the_dates_labelled_as_read_from_the_text(tmp_path):
    from heritage.drafting.article import DraftSource
    from heritage.drafting.corpus import evaluate

    for key, basis in (("a", "text"), ("b", "address")):
        (tmp_path / f"{key}.txt").write_text("The Sankore Mosque was damaged.", encoding="utf-8")
        label = {"published_on": "2020-10-08", "published_on_basis": basis, "claims": []}
        (tmp_path / f"{key}.json").write_text(json.dumps(label), encoding="utf-8")

    def draft(text, fallback, known):
        return DraftSource(key="k", title="t", published_on=fallback, date_from_text=True)

    metadata = evaluate(read_corpus(tmp_path), draft, set()).metadata
    assert (metadata.dated_right, metadata.dated) == (2, 2)
    assert (metadata.labelled_dated_right, metadata.date_labelled) == (1, 1)
    assert metadata.date_recall == 1.0


def test_each_held_out_set_comes_from_conflicts_of_no_other_set_and_palmyra_stays_out():
    corpus = ROOT / "corpus" / "drafting"
    seen = {a.conflict for a in read_corpus(corpus / "articles")}
    held_out_sets = sorted(corpus.glob("heldout*"))
    assert len(held_out_sets) >= 3
    for folder in held_out_sets:
        conflicts = {a.conflict for a in read_corpus(folder)}
        assert len(read_corpus(folder)) >= 10, folder.name
        assert not seen & conflicts, folder.name
        seen |= conflicts
    records = read_json(corpus / "gazetteer.json")
    assert "palmyra" not in sites_from_fixture(records)
    assert all(p.site != "palmyra" for p in places_from_fixture(records))
    for article in read_corpus(corpus):
        assert not article.conflict.startswith("palmyra"), article.key


# --- letters that lower() does not pair ----------------------------------------------------


def test_a_name_with_a_dotless_i_matched_in_another_spelling_is_read_not_a_crash():
    """ "Diyarbakır" (Turkish dotless ı) as a head word, "Diyarbakir" in the text: a
    case-insensitive pattern pairs them although their lower cases differ."""
    records = [
        {"model": "heritage.site", "fields": {"slug": "sur", "name": "Sur"}},
        {
            "model": "heritage.monument",
            "fields": {
                "slug": "catholic-church-of-diyarbakir",
                "name": "Armenian Catholic Church (Diyarbakır)",
                "kind": "religious",
                "site": ["sur"],
            },
        },
    ]
    places = Gazetteer(places_from_fixture(records), sites_from_fixture(records))
    text = "Clashes in Sur reached the old Diyarbakir on Monday, and the church was damaged."
    assert pairs(places, text) == {("catholic-church-of-diyarbakir", "damaged")}


def test_a_key_matched_case_insensitively_is_found_whatever_its_letters():
    assert matched_key({"diyarbakır": 1}, "Diyarbakir") == 1
    assert matched_key({"august": 8}, "AUGUſT") == 8
    with pytest.raises(KeyError):
        matched_key({"august": 8}, "September")


def test_a_date_read_from_an_article_naming_no_monument_is_still_scored(tmp_path):
    from heritage.drafting.article import NothingToDraft
    from heritage.drafting.corpus import evaluate

    (tmp_path / "a.txt").write_text("Nothing here names a monument.", encoding="utf-8")
    label = {"published_on": "2020-10-08", "published_on_basis": "text", "claims": []}
    (tmp_path / "a.json").write_text(json.dumps(label), encoding="utf-8")

    def draft(text, fallback, known):
        raise NothingToDraft("no monument", datetime.date(2020, 10, 8))

    metadata = evaluate(read_corpus(tmp_path), draft, set()).metadata
    assert (metadata.labelled_dated_right, metadata.date_labelled) == (1, 1)


@pytest.mark.django_db
def test_the_corpus_gazetteer_loads_as_registry_data():
    """Every site, monument and alias of the corpus passes the registry's validation
    (a kind outside the registry's list, for one, is refused)."""
    from django.core.management import call_command

    corpus_gazetteer = ROOT / "corpus" / "drafting" / "gazetteer.json"
    call_command("loaddata", str(GAZETTEER), str(corpus_gazetteer), verbosity=0)


@pytest.mark.parametrize(
    ("text", "observed"),
    [
        ("Shelling damaged the Great Omari Mosque on Frıday.", datetime.date(2023, 7, 21)),
        ("The Great Omari Mosque was damaged ſix days ago.", datetime.date(2023, 7, 17)),
        ("The Great Omari Mosque was damaged two weekſ ago.", datetime.date(2023, 7, 6)),
    ],
)
def test_letters_a_pattern_pairs_with_ascii_ones_are_read_not_a_crash(places, text, observed):
    (claim,) = drafted(places, text)
    assert (claim.monument, claim.state, claim.observed_from) == (
        "great-omari-mosque",
        "damaged",
        observed,
    )


def test_a_head_noun_matched_in_another_spelling_is_read_not_a_crash(places):
    text = (
        "The Apostolos Andreas Monastery was looted in 1974. "
        "Locals call it their Manastiri, and it was damaged."
    )
    assert ("apostolos-andreas-monastery", "damaged") in pairs(places, text)


def test_an_article_naming_no_monument_is_refused_with_the_date_it_gives(places):
    from heritage.drafting.article import NothingToDraft, draft_article

    text = "Storm in the port\n\nExample Press, Tuesday 25 May, 1999\n\nThe weather was fine."
    with pytest.raises(NothingToDraft) as refused:
        draft_article(text, gazetteer=places, outlets=[])
    assert refused.value.published_on == datetime.date(1999, 5, 25)


# --- names that carry their place -----------------------------------------------------------


def _town_with_a_church(name: str, other_town: str = "Qana") -> Gazetteer:
    """Yarun, whose only monument is the church *name*, and another town."""
    records = [
        {"model": "heritage.site", "fields": {"slug": "yarun", "name": "Yarun"}},
        {"model": "heritage.site", "fields": {"slug": "other", "name": other_town}},
        {
            "model": "heritage.monument",
            "fields": {
                "slug": "st-george-yarun",
                "name": name,
                "kind": "religious",
                "site": ["yarun"],
            },
        },
    ]
    return Gazetteer(places_from_fixture(records), sites_from_fixture(records))


@pytest.mark.parametrize("name", ["Saint George Church (Yarun)", "Saint George Church, Yarun"])
def test_a_name_placed_by_its_town_is_matched_without_the_town(name):
    places = _town_with_a_church(name)
    text = "The Saint George Church in the border village of Yarun was damaged by shelling."
    assert pairs(places, text) == {("st-george-yarun", "damaged")}


@pytest.mark.parametrize("name", ["Saint George Church (Yarun)", "Saint George Church, Yarun"])
def test_the_town_that_places_a_monument_is_not_a_name_of_it(name):
    places = _town_with_a_church(name)
    text = "The outskirts of Yarun and Qana were damaged by shelling, the army said."
    assert pairs(places, text) == set()


def test_a_part_in_brackets_that_is_no_place_is_still_a_name():
    places = _town_with_a_church("Saint George Church (Mar Jiryis)")
    assert pairs(places, "Mar Jiryis in Yarun was damaged by shelling on Monday.") == {
        ("st-george-yarun", "damaged")
    }


# --- what is left of a building -------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "The Great Omari Mosque is a shelled-out ruin after months of fighting.",
        "By the spring the Great Omari Mosque was little more than a ruin, residents said.",
        "The Great Omari Mosque is now a ruin, residents said.",
    ],
)
def test_a_building_that_is_now_a_ruin_is_destroyed(places, text):
    assert pairs(places, text) == {("great-omari-mosque", "destroyed")}


@pytest.mark.parametrize(
    "text",
    [
        "The Great Omari Mosque is now a burnt-out shell, residents said.",
        "The blackened hulk of the Great Omari Mosque loomed over the square.",
    ],
)
def test_the_burned_shell_of_a_building_is_severe_damage(places, text):
    assert pairs(places, text) == {("great-omari-mosque", "severely_damaged")}


def test_damages_in_the_plural_keep_their_size(places):
    text = "The Great Omari Mosque suffered extensive damages during the clashes."
    assert pairs(places, text) == {("great-omari-mosque", "severely_damaged")}


# --- a site, through its parts and as "the city" ------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "A wing of Preah Vihear has collapsed after the shelling, a commander said.",
        "“A wing of our Preah Vihear temple has collapsed,” a commander said on Sunday.",
        "The walls of Preah Vihear were damaged by artillery fire, a commander said.",
    ],
)
def test_a_part_of_a_site_is_damage_to_the_site(places, text):
    assert pairs(places, text) == {("preah-vihear", "damaged")}


@pytest.mark.parametrize(
    "text",
    [
        "A car bomb exploded at the gates of Preah Vihear on Monday, destroying a checkpoint.",
        "Gunmen destroyed a truck at the entrance of Preah Vihear, the army said on Monday.",
        "Soldiers stationed near the border of Preah Vihear province damaged a truck.",
    ],
)
def test_a_site_named_where_something_happened_is_still_not_claimed(places, text):
    assert not {m for m, _ in pairs(places, text)} & {"preah-vihear"}


def test_the_city_after_the_site_is_named_is_the_site(places):
    text = (
        "Grass was growing in the streets of Sukhumi years after the war, and half the "
        "city was still in ruins."
    )
    assert pairs(places, text) == {("sukhumi", "severely_damaged")}


@pytest.mark.parametrize(
    "text",
    [
        "The city was still in ruins years after the war, residents of Sukhumi said.",
        "Fighting reached Sukhumi in the summer, and the city's old market was in ruins.",
        "Militants from Sukhumi attacked Gagra, and the town was heavily damaged.",
        "Fighters withdrew from Sukhumi to a nearby town, and the town was destroyed.",
        "Soldiers from Sukhumi said the town they were sent to, Gagra, was destroyed.",
    ],
)
def test_the_city_is_not_the_site_before_it_is_named_nor_another_nor_a_possessor(places, text):
    assert not {m for m, _ in pairs(places, text)} & {"sukhumi"}


# --- a repair under way, a part of a part ------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "The Great Omari Mosque is being restored by a committee of engineers, officials said.",
        "The Great Omari Mosque was being carefully rebuilt when the war resumed last year.",
    ],
)
def test_a_repair_under_way_is_not_yet_a_restoration(places, text):
    assert ("great-omari-mosque", "restored") not in pairs(places, text)


def test_a_finished_repair_is_still_a_restoration(places):
    text = "The Great Omari Mosque has been restored by a committee of engineers, officials said."
    assert pairs(places, text) == {("great-omari-mosque", "restored")}


def test_part_of_a_unit_of_a_monument_is_a_share_of_it(places):
    text = (
        "Part of the administrative unit of the Great Omari Mosque was destroyed by the "
        "strike, they said."
    )
    assert pairs(places, text) == {("great-omari-mosque", "damaged")}


def test_part_of_something_else_about_a_monument_is_no_share_of_it(places):
    text = "Part of the history of the Great Omari Mosque was destroyed when the archive burned."
    assert ("great-omari-mosque", "damaged") not in pairs(places, text)


# --- lists ----------------------------------------------------------------------------------


def test_monuments_listed_an_item_a_line_after_a_colon_take_the_state_before_it(places):
    from heritage.drafting.article import draft_article

    text = (
        "Bombs damaged history\n\n"
        "The state news agency has been listing the damage done to the city's monuments "
        "by the bombing campaign of the last two months.\n\n"
        "It said the damaged buildings included:\n\n"
        "The 16th-century Rakovica Monastery, the burial site of several patriarchs.\n\n"
        "The Serbian Government building, built in 1928.\n\n"
        "A new bridge over the river, opened last year.\n\n"
        "The Foreign Ministry building, built in 1929.\n"
    )
    draft = draft_article(text, gazetteer=places, published_on=datetime.date(1999, 5, 25))
    found = {(c.monument, c.state) for c in draft.claims}
    assert found == {
        ("rakovica-monastery", "damaged"),
        ("serbian-government-building", "damaged"),
    }  # the list ends with the first item that names no monument


def test_a_size_that_varies_between_monuments_is_plain_damage_to_each(places):
    text = (
        "The agency said landmarks had not been spared, with the Rakovica Monastery, the "
        "Serbian Government building, and the Foreign Ministry building suffering varying "
        "degrees of structural damage."
    )
    assert pairs(places, text) == {
        ("rakovica-monastery", "damaged"),
        ("serbian-government-building", "damaged"),
        ("foreign-ministry-building-belgrade", "damaged"),
    }


# --- which of a site's monuments a plural means -------------------------------------------


def test_an_indefinite_plural_is_not_every_monument_of_that_kind(places):
    text = (
        "The Grand Mosque of Marawi reopened on Saturday, and officials vowed to help "
        "several mosques damaged or destroyed during the siege."
    )
    found = pairs(places, text)
    assert not {m for m, _ in found} & {"masjid-disomangcop", "white-mosque-marawi"}


@pytest.mark.parametrize(
    "text",
    [
        "The task force managed to rebuild five mosques, namely the Grand Mosque of Marawi, "
        "Masjid Disomangcop and the White Mosque.",
        "The task force managed to rebuild, so far, five mosques - namely the Grand Mosque of "
        "Marawi, Masjid Disomangcop and the White Mosque.",
    ],
)
def test_a_plural_followed_by_names_is_those_named(places, text):
    assert pairs(places, text) == {
        ("marawi-grand-mosque", "restored"),
        ("masjid-disomangcop", "restored"),
        ("white-mosque-marawi", "restored"),
    }


def test_a_rebuilding_done_is_a_restoration_and_a_plan_is_not(places):
    assert pairs(places, "Engineers used cranes to rebuild the White Mosque last year.") == {
        ("white-mosque-marawi", "restored")
    }
    assert pairs(places, "The government plans to rebuild the White Mosque next year.") == set()


def test_a_monument_damaged_beyond_repair_is_not_restored(places):
    text = "The White Mosque was damaged beyond repair during the siege, officials said."
    assert ("white-mosque-marawi", "restored") not in pairs(places, text)


def test_every_monument_of_a_list_after_the_verb_is_claimed(places):
    text = "The militants destroyed Masjid Disomangcop, the White Mosque, and Marinaut Mosque."
    assert pairs(places, text) == {
        ("masjid-disomangcop", "destroyed"),
        ("white-mosque-marawi", "destroyed"),
        ("marinaut-mosque", "destroyed"),
    }


# --- found by the review of this round's rules ------------------------------------------------


def test_a_restoration_done_before_a_reopening_is_a_restoration(places):
    text = "The Great Omari Mosque reopened in 2019 after being fully restored, officials said."
    assert pairs(places, text) == {("great-omari-mosque", "restored")}


@pytest.mark.parametrize(
    "text",
    [
        "Hatra is an ancient ruin 110 kilometres south-west of Mosul, archaeologists say.",
        "The Great Omari Mosque was a ruin when volunteers restored it in the 1990s.",
    ],
)
def test_an_ancient_or_former_ruin_is_not_a_destruction(places, text):
    assert not {s for _, s in pairs(places, text)} & {"destroyed"}


def test_the_burned_shell_of_something_else_is_not_the_monument(places):
    text = "The burnt-out shell of a bus stood in front of the Great Omari Mosque on Monday."
    assert pairs(places, text) == set()


def test_a_monument_left_standing_beside_a_destruction_is_not_destroyed(places):
    text = (
        "The Great Omari Mosque was destroyed by explosives, with the Church of Saint "
        "Porphyrius, a few hundred metres away, left standing."
    )
    found = pairs(places, text)
    assert ("great-omari-mosque", "destroyed") in found
    assert ("st-porphyrius-church", "destroyed") not in found


def test_a_name_placed_by_its_town_is_not_read_in_another_town():
    places = _town_with_a_church("Saint George Church, Yarun", other_town="Kherson")
    text = "The Saint George Church in Kherson was damaged by shelling on Monday."
    assert pairs(places, text) == set()


def test_a_colon_list_ends_at_a_sentence_that_says_a_state_and_reads_abbreviations(places):
    from heritage.drafting.article import draft_article

    text = (
        "Bombs damaged history\n\n"
        "The state news agency has been listing the damage done to the city's monuments "
        "by the bombing campaign of the last two months.\n\n"
        "It said the damaged buildings included:\n\n"
        "The 16th-century Rakovica Monastery, the burial site of several patriarchs.\n\n"
        "The Russian Church was not hit, a priest said on Monday.\n\n"
        "The Serbian Government building, built in 1928.\n"
    )
    draft = draft_article(text, gazetteer=places, published_on=datetime.date(1999, 5, 25))
    found = {(c.monument, c.state) for c in draft.claims}
    assert found == {("rakovica-monastery", "damaged"), ("russian-church-belgrade", "intact")}


def test_a_colon_list_takes_the_state_of_its_own_clause(places):
    from heritage.drafting.article import draft_article

    text = (
        "Bombs damaged history\n\n"
        "The state news agency has been listing the damage done to the city's monuments "
        "by the bombing campaign of the last two months.\n\n"
        "The buildings destroyed overnight were two barracks, and those spared were:\n\n"
        "The 16th-century Rakovica Monastery, the burial site of several patriarchs.\n\n"
        "The Serbian Government building, built in 1928.\n"
    )
    draft = draft_article(text, gazetteer=places, published_on=datetime.date(1999, 5, 25))
    assert not {(c.monument, c.state) for c in draft.claims} & {
        ("rakovica-monastery", "destroyed"),
        ("serbian-government-building", "destroyed"),
    }


def test_a_list_of_the_following_monuments_in_bulleted_lines_takes_the_sentence_state(places):
    from heritage.drafting.article import draft_article

    text = (
        "Several buildings damaged by the bombing\n\n"
        "Agency desk, 25/05/1999\n\n"
        "As of Tuesday, the following buildings and churches in the city were damaged as a "
        "result of the bombing campaign of the last two months:\n\n"
        "·    The Rakovica Monastery, south of the centre;\n\n"
        "·    The Serbian Government building, built in 1928;\n\n"
        "At the moment the ministry has not said when repairs will begin.\n"
    )
    draft = draft_article(text, gazetteer=places, published_on=datetime.date(1999, 5, 25))
    assert {(c.monument, c.state) for c in draft.claims} == {
        ("rakovica-monastery", "damaged"),
        ("serbian-government-building", "damaged"),
    }
