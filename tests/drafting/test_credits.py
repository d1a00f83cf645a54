"""The outlet a page credits, read where the registry does not know it yet: credit
lines of the header, the bracketed credit of a dateline or of the opening, a credit in
capitals after a dateline's date; and what is never read as one. Pure."""

import pytest

from heritage.drafting.article import draft_article
from heritage.drafting.corpus import text_names_outlet
from heritage.drafting.evaluation import same_outlet
from heritage.drafting.metadata import OutletRef, read_metadata
from heritage.drafting.places import Gazetteer, Place
from heritage.drafting.reading import classify_lines

H = "Militants blow up the old shrine in the city"
S = "Militants blew up the shrine on Monday and damaged the mosque beside it, officials said."


def metadata(text, outlets=(), site_name=""):
    return read_metadata(classify_lines(text), list(outlets), site_name)


def outlet(text, outlets=()):
    found = metadata(text, outlets).outlet
    return found.name if found else None


@pytest.mark.parametrize(
    ("credit", "name"),
    [
        ("Tigris Daily News, Tuesday 25 May, 1999", "Tigris Daily News"),
        ("August 25, 2006 (Nineveh Morning Herald)", "Nineveh Morning Herald"),
        ("By Jane Example | tigris.example | September 05, 2013 08:57 AM", "tigris.example"),
        ("The Courier12-07-2025", "The Courier"),
        ("21 March, 2012 – By Jane Example – Example Press – The Daily Example", "Example Press"),
        ("Published by: Tigris Network News Monday, October 6, 1997", "Tigris Network News"),
        ("Zagros Communication Service, 09/08/2024", "Zagros Communication Service"),
        ("Erbil, October 22, KURDTAC", "KURDTAC"),
    ],
)
def test_a_credit_line_with_a_date_names_the_outlet(credit, name):
    assert outlet(f"{H}\n\n{credit}\n\n{S}\n") == name


def test_a_credit_line_without_a_date_counts_only_beside_the_date_or_byline():
    assert outlet(f"{H}\n\nBy Jane Example\n\nTigris News Agency\n\n{S}\n") == "Tigris News Agency"
    assert outlet(f"{H}\n\nTigris News Agency\n\n{S}\n") is None


def test_a_registered_publisher_in_a_credit_line_is_the_outlet_an_agency_there_a_credit():
    tigris = OutletRef("tigris-times", "The Tigris Times", "newspaper")
    assert outlet(f"{H}\n\nBy Jane Example, Tigris Times, March 3, 2015\n\n{S}\n", [tigris]) == (
        "The Tigris Times"
    )
    meta = metadata(f"{H}\n\nBy Reuters - Mar 07, 2018\n\nMOSUL, Iraq — {S}\n")
    assert meta.outlet is None


@pytest.mark.parametrize(
    ("opening", "name"),
    [
        ("NINEVEH, August 25 (NINA) – ", "NINA"),
        ("Sinjar (TigrisNews) - ", "TigrisNews"),
        ("MOSUL, April 22. /ZNA/. ", "ZNA"),
        ("Baghdad. 25 December. ALSUMARIA.IQ/ ", "ALSUMARIA.IQ"),
        ("DOHUK, SEPTEMBER 8, KURDPRESS. ", "KURDPRESS"),
        ("(Nineveh News / Mosul, Iraq, 07.02.2024).- ", "Nineveh News"),
        ("MOSUL, (TigrisPoint / Tigris Point News - 10th May, 2023 ) :", "TigrisPoint"),
        ("ERBIL (RFE/RL) -- ", "RFE/RL"),
    ],
)
def test_a_new_agency_credited_by_the_dateline_or_opening_is_its_own_story(opening, name):
    meta = metadata(f"{H}\n\n{opening}{S}\n")
    assert meta.outlet.name == name
    assert meta.outlet.kind == "news_agency"
    assert meta.outlet_read_from == "the credit of the story's dateline"


def test_a_known_agency_in_the_dateline_is_a_wire_credit_only():
    meta = metadata(f"{H}\n\nMOSUL, Iraq (Reuters) - {S}\n")
    assert meta.outlet is None
    assert [o.slug for o in meta.wire_credits] == ["reuters"]


def test_a_saved_page_s_site_name_comes_before_the_credits_the_text_prints():
    text = f"{H}\n\nTigris Daily News, Tuesday 25 May, 1999\n\nNINEVEH, August 25 (NINA) – {S}\n"
    meta = metadata(text, site_name="The Tigris Times")
    assert meta.outlet.slug == "tigris-times"
    assert meta.outlet_read_from == ""
    assert metadata(text).outlet.name == "Tigris Daily News"


def test_the_draft_tells_the_curator_where_a_new_outlet_was_read():
    places = Gazetteer([Place("great-mosque", "Great Mosque", "mosul", "temple", ())])
    text = f"{H}\n\nNINEVEH, August 25, 2016 (NINA) – Militants blew up the Great Mosque.\n"
    draft = draft_article(text, gazetteer=places)
    assert draft.outlet.name == "NINA"
    assert "The outlet, NINA, is read from the credit of the story's dateline" in draft.notes


@pytest.mark.parametrize(
    "text",
    [
        # places, regions and organisations
        f"{H}\n\nMosul (Iraq): {S}\n",
        f"{H}\n\nKYIV, March 3 (Ukraine) - {S}\n",
        f"{H}\n\nQaraqosh (Bakhdida), August 7, 2014\n\n{S}\n",
        f"{H}\n\nGAZA, March 3, 2015\n\n{S}\n",
        f"{H}\n\nMarch 3, 2015\n\nMosul\n\n{S}\n",
        f"{H}\n\nPORTLAND, OR – {S}\n",
        f"{H}\n\nAleppo, SYRIA – {S}\n",
        f"{H}\n\nISIL, March 3, 2015\n\n{S}\n",
        f"{H}\n\nMarch 3, 2015 | IDF, Hamas\n\n{S}\n",
        f"{H}\n\nDamascus, DGAM – {S}\n",
        f"{H}\n\nMOSUL, March 3. MOSUL museum staff said the shrine fell.\n",
        f"{H}\n\nMOSCOW, April 22. The Russian Culture Ministry said {S}\n",
        f"{H}\n\nAleppo, March 3, Islamic State militants blew up the shrine.\n",
        # people and staff credits
        f"{H}\n\nBy JOHN EXAMPLE\n\nMarch 3, 2015\n\n{S}\n",
        f"{H}\n\nBy\n\nExample\n\nMarch 3, 2015\n\n{S}\n",
        f"{H}\n\nStaff Reporter, March 3, 2015\n\n{S}\n",
        f"{H}\n\nOur Correspondent, March 3, 2015\n\n{S}\n",
        f"{H}\n\nNews Desk, March 3, 2015\n\n{S}\n",
        f"{H}\n\nBy Jane Example, Times Staff Writer, March 3, 2015\n\n{S}\n",
        f"{H}\n\nJane Example, PhD, March 3, 2015\n\n{S}\n",
        # sections, markers and kickers
        f"{H}\n\nWorld News, March 3, 2015\n\n{S}\n",
        f"{H}\n\nPress Release, March 3, 2015\n\n{S}\n",
        f"{H}\n\nGuest Post | March 3, 2015\n\n{S}\n",
        f"{H}\n\nMIDDLE EAST, March 3, 2015\n\n{S}\n",
        f"{H}\n\nMINISTRY OF CULTURE\n\nMarch 3, 2015\n\n{S}\n",
        f"{H}\n\nSYRIA NEWS, March 3, 2015\n\n{S}\n",
        f"Sun, Jun 29, 2003 - Page 5\n\n{H}\n\n{S}\n",
        f"{H}\n\nPUBLISHED : Monday, 27 August, 2012, 12:00am\n\n{S}\n",
        f"{H}\n\nDate :\n6/13/2007\n\n{S}\n",
        f"{H}\n\n(Correction) - {S}\n",
        f"{H}\n\n(Syria) - {S}\n",
        # headlines, subheadings and captions
        f"Daily Life Under ISIS\n\nMarch 3, 2015\n\n{S}\n",
        f"{H}\n\nWhat The Times Said\n\nMarch 3, 2015\n\n{S}\n",
        f"YPRES.\n\n{S}\n",
        f"{H}\n\nA man walks past the ruins of the shrine in Mosul on March 3, 2015 [AP]\n\n{S}\n",
        f"{H}\n\nThe governor at the shrine, March 3, 2015 (Pic Via Tigris Press)\n\n{S}\n",
    ],
)
def test_places_people_sections_headlines_and_captions_are_not_outlets(text):
    assert outlet(text) is None


def test_a_headline_closed_by_its_site_keeps_that_site_as_the_outlet():
    text = f"Daily Life Returns To Mosul - Tigris Herald\n\n{S}\n"
    assert outlet(text) == "Tigris Herald"


def test_a_run_of_spaces_in_a_header_line_reads_as_one_space():
    # The patterns had cost the square of such a run (over a minute for 20,000 spaces);
    # metadata now reads every line with its runs of spaces squeezed.
    long = metadata(f"{H}\n\nTigris" + " " * 20_000 + f"News, March 3, 2015\n\n{S}\n")
    short = metadata(f"{H}\n\nTigris News, March 3, 2015\n\n{S}\n")
    assert long.outlet == short.outlet and long.outlet.name == "Tigris News"
    assert (long.title, long.published_on) == (short.title, short.published_on)


def test_outlet_names_agree_by_their_words_or_initials_not_by_letters():
    assert same_outlet("RFA Burmese", "Radio Free Asia")
    assert same_outlet("Agence France-Presse", "AFP")
    assert same_outlet("VOA", "Voice of America")
    assert same_outlet("PTI", "Press Trust of India")
    assert same_outlet("Sydney Morning Herald", "The Sydney Morning Herald")
    assert not same_outlet("AA", "Al Arabiya")  # two letters are too few
    assert not same_outlet("AP", "Rappler")  # letters inside a word
    assert not same_outlet("Times", "Los Angeles Times")  # a word of the trade alone
    assert not same_outlet("Associated Press", "China Daily (AP)")  # the label's addition
    assert not same_outlet("NNA", "Middle East Monitor")


def test_a_text_names_an_outlet_by_its_whole_words():
    assert text_names_outlet("As The Irish Times reported, the shrine fell.", "The Irish Times")
    assert text_names_outlet("Irish Times reporters saw it.", "The Irish Times")
    assert not text_names_outlet("The shrine stood apart.", "AP")
    assert not text_names_outlet("Pakistani police said.", "ANI")
    assert text_names_outlet("(AP) -- The shrine fell.", "China Daily (AP)") is False
