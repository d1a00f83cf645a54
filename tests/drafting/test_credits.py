"""The outlet a page credits, read where the registry does not know it yet: credit
lines of the header, the credit of a dateline, a credit opening the story. Pure."""

import pytest

from heritage.drafting.evaluation import same_outlet
from heritage.drafting.metadata import OutletRef, read_metadata
from heritage.drafting.reading import classify_lines

HEADLINE = "Militants blow up the old shrine in the city"
STORY = "Militants blew up the shrine on Monday and damaged the mosque beside it, officials said."


def outlet(text, outlets=()):
    found = read_metadata(classify_lines(text), list(outlets)).outlet
    return found.name if found else None


@pytest.mark.parametrize(
    ("credit", "name"),
    [
        ("Tigris Daily News, Tuesday 25 May, 1999", "Tigris Daily News"),
        ("August 25, 2006 (Morning Herald of Nineveh)", "Morning Herald of Nineveh"),
        ("By Jane Example | tigris.example | September 05, 2013 08:57 AM", "tigris.example"),
        ("The Courier12-07-2025", "The Courier"),
        ("21 March, 2012 – By Jane Example – Example Press – The Daily Example", "Example Press"),
        ("Zagrosia StaffDec 17, 2021, 02:26 PM | Updated 02:24 PM IST", "Zagrosia"),
        ("(TigrisCompromise Staff) Wednesday, March 24, 2010", "TigrisCompromise"),
        ("Erbil, October 22, KURDTAC", "KURDTAC"),
        ("Published by: Tigris Network News Monday - October - 6, 1997", "Tigris Network News"),
    ],
)
def test_a_credit_line_of_the_header_names_the_outlet(credit, name):
    assert outlet(f"{HEADLINE}\n\n{credit}\n\n{STORY}\n") == name


def test_a_place_written_before_an_acronym_is_not_part_of_the_outlet():
    assert outlet(f"{HEADLINE}\n\nErbil, Iraq KTN —\n\n{STORY}\n") == "KTN"


def test_a_credit_line_just_after_the_opening_names_the_outlet():
    text = f"{HEADLINE}\n\nBy Jane Example\n\nPublished April 27, 2005\n\n{STORY}\n\nJane Example, KTN\n"
    assert outlet(text) == "KTN"


def test_a_name_alone_on_its_line_is_the_outlet_only_beside_a_date_or_byline():
    assert outlet(f"{HEADLINE}\n\n15-02-2016\n\nZagrosia\n\n{STORY}\n") == "Zagrosia"
    assert outlet(f"{HEADLINE}\n\nZagrosia\n\n{STORY}\n") is None


@pytest.mark.parametrize(
    ("opening", "name"),
    [
        ("NINEVEH, August 25 (NINA) – ", "NINA"),
        ("MOSUL, April 22. /ZNA/. ", "ZNA"),
        ("Baghdad. 25 December. ALSUMARIA.IQ/ ", "ALSUMARIA.IQ"),
        ("DOHUK, SEPTEMBER 8, KURDPRESS. ", "KURDPRESS"),
        ("Erbil, MINA – ", "MINA"),
        ("DOHUK, April 7 (Kurdpress) - ", "Kurdpress"),
        ("Sinjar (TigrisNews) - ", "TigrisNews"),
        ("(Zagrosia) - ", "Zagrosia"),
        ("(Nineveh News / Mosul, Iraq, 07.02.2024).- ", "Nineveh News"),
        ("MOSUL, (TigrisPoint / Tigris Point News - 10th May, 2023 ) :", "TigrisPoint"),
    ],
)
def test_the_credit_of_a_dateline_or_of_the_opening_is_the_agency_s_own_story(opening, name):
    meta = read_metadata(classify_lines(f"{HEADLINE}\n\n{opening}{STORY}\n"), [])
    assert meta.outlet.name == name
    assert meta.outlet.kind == "news_agency"


def test_a_known_agency_credited_in_the_dateline_is_outlet_and_wire_credit():
    meta = read_metadata(classify_lines(f"{HEADLINE}\n\nMOSUL, Iraq (Reuters) - {STORY}\n"), [])
    assert meta.outlet.slug == "reuters"
    assert [o.slug for o in meta.wire_credits] == ["reuters"]


def test_a_registered_outlet_named_in_the_header_comes_before_a_dateline_credit():
    tigris = OutletRef("tigris-times", "The Tigris Times", "newspaper")
    text = f"{HEADLINE} | The Tigris Times\n\nMOSUL, Iraq (Reuters) - {STORY}\n"
    assert outlet(text, [tigris]) == "The Tigris Times"


@pytest.mark.parametrize(
    "text",
    [
        f"{HEADLINE}\n\nMosul (Iraq): {STORY}\n",  # a place in brackets
        f"{HEADLINE}\n\nQaraqosh (Bakhdida), August 7, 2014\n\n{STORY}\n",  # a place, its other name
        f"{HEADLINE}\n\nBANGUI\n\nBy Jane Example\n\n{STORY}\n",  # a dateline's place in capitals
        f"{HEADLINE}\n\nBy Jane Example\n\nAugust 7, 2014\n\n{STORY}\n",  # a byline
        f"Sun, Jun 29, 2003 - Page 5\n\n{HEADLINE}\n\n{STORY}\n",  # a weekday
        f"{HEADLINE}\n\nPUBLISHED : Monday, 27 August, 2012, 12:00am\n\n{STORY}\n",
        f"{HEADLINE}\n\nDate :\n6/13/2007\n\n{STORY}\n",  # a label of the date line
        f"{HEADLINE}\n\nThe governor at the shrine (Pic Via PIB)\n\n{STORY}\n",  # a photo's credit
        f"YPRES.\n\n{STORY}\n",  # a headline in capitals
    ],
)
def test_places_bylines_markers_and_photo_credits_are_not_outlets(text):
    assert outlet(text) is None


def test_outlet_names_agree_by_containment_or_initials():
    assert same_outlet("RFA Burmese", "Radio Free Asia")
    assert same_outlet("Agence France-Presse", "AFP")
    assert same_outlet("ZENIT News", "ZENIT")
    assert not same_outlet("NNA", "Middle East Monitor")
    assert not same_outlet("BBC", "Balkan Insight")


def test_a_saved_page_s_site_name_comes_before_the_credits_the_text_prints():
    text = f"{HEADLINE}\n\nBy Reuters - Mar 07, 2018\n\nMOSUL, Iraq (Reuters) - {STORY}\n"
    meta = read_metadata(classify_lines(text), [], site_name="The Tigris Times")
    assert meta.outlet.slug == "tigris-times"
    assert [o.slug for o in meta.wire_credits] == ["reuters"]
