"""Publication dates in the forms pages print them, datelines with the agency on a line
of their own, outlets closing a headline and bylines on their own lines. Pure."""

import datetime

import pytest

from heritage.drafting.dates import credit_line_date, full_dates
from heritage.drafting.metadata import outlet_named, read_metadata
from heritage.drafting.reading import classify_lines

STORY = "Militants blew up the shrine on Monday, officials said."


def metadata(text):
    return read_metadata(classify_lines(text), [])


@pytest.mark.parametrize(
    ("line", "date"),
    [
        ("Sept. 9, 2014", datetime.date(2014, 9, 9)),
        ("12 October 2014", datetime.date(2014, 10, 12)),
        ("Published June 4, 2014", datetime.date(2014, 6, 4)),
        ("Sat Mar 7, 2015 19:32:58", datetime.date(2015, 3, 7)),
        ("July 29, 2015 | 8:15 PM GMT", datetime.date(2015, 7, 29)),
        ("September, Friday 20, 2024", datetime.date(2024, 9, 20)),
        ("• 09/22/2024", datetime.date(2024, 9, 22)),
        ("First published:March 17, 2022, 12:49 am", datetime.date(2022, 3, 17)),
    ],
)
def test_a_date_line_in_any_common_form_gives_the_publication_date(line, date):
    assert (
        metadata(f"Militants blow up a shrine in the old city\n\n{line}\n\n{STORY}").published_on
        == date
    )


@pytest.mark.parametrize(
    ("line", "date"),
    [
        ("Jane Example-Writer, Tuesday 24 Sep 2013", datetime.date(2013, 9, 24)),
        ("- Example Press - Sunday, February 6, 2011", datetime.date(2011, 2, 6)),
        ("Example News, Tuesday 25 May, 1999", datetime.date(1999, 5, 25)),
        ("(Example Staff) Wednesday, March 24, 2010", datetime.date(2010, 3, 24)),
        ("By John Smith | October 3, 2016, 10:20 GMT", datetime.date(2016, 10, 3)),
        ("21 March, 2012 – By Jane Example – Example Press", datetime.date(2012, 3, 21)),
        ("Example Press Published: June 15, 2012", datetime.date(2012, 6, 15)),
        ("August 25, 2006 (Example Herald)", datetime.date(2006, 8, 25)),
        ("Sun, Jun 29, 2003 - Page 5", datetime.date(2003, 6, 29)),
        ("Stanytsia (a village of the region), September 10, 2014", datetime.date(2014, 9, 10)),
        ("By 2024.10.31", datetime.date(2024, 10, 31)),
    ],
)
def test_a_credit_line_ending_with_a_date_gives_the_publication_date(line, date):
    text = f"Militants blow up a shrine in the old city\n\n{line}\n\n{STORY}"
    assert metadata(text).published_on == date


def test_a_story_opening_with_its_date_in_parentheses_gives_the_publication_date():
    text = f"Mosque nears completion\n\n(8 Jul 2014) After seven years, the work ends. {STORY}"
    assert metadata(text).published_on == datetime.date(2014, 7, 8)


def test_a_line_with_two_dates_is_not_a_credit_line():
    assert credit_line_date("Example Press, May 5, 2015 - June 6, 2015") is None
    assert credit_line_date("Example Press, June 6, 2015") == datetime.date(2015, 6, 6)


def test_a_date_in_parentheses_on_a_credit_line_is_not_its_date():
    line = "Vukovar (besieged from 25 August 1991), November 18, 2011"
    assert credit_line_date(line) == datetime.date(2011, 11, 18)


@pytest.mark.parametrize(
    "headline",
    [
        "Syrian Troops Retake The Old City On March 27, 2016",
        "Remembering The Destruction Of The Old Bridge, November 9, 1993",
    ],
)
def test_a_title_case_headline_with_a_date_is_not_a_credit_line(headline):
    assert metadata(f"{headline}\n\n{STORY}").published_on is None


@pytest.mark.parametrize(
    "headline",
    [
        "Remembering The Destruction Of The Old Bridge, November 9, 1993",
        "OLD BRIDGE DESTROYED 9 NOVEMBER 1993",
    ],
)
def test_a_date_line_below_a_headline_with_a_date_gives_the_publication_date(headline):
    text = f"{headline}\n\nBy Jane Example\n\nNovember 9, 2013\n\n{STORY}"
    assert metadata(text).published_on == datetime.date(2013, 11, 9)


def test_a_headline_ending_with_a_date_is_not_a_credit_line():
    text = f"Shrine blown up in the old city, 5 October 2015\n\n{STORY}"
    assert metadata(text).published_on is None


@pytest.mark.parametrize("text", ["15-02-2016", "15.02.2016", "02/15/2016", "2016/02/15"])
def test_a_numeric_date_with_dashes_or_dots_is_read_when_unambiguous(text):
    assert [d.date for d in full_dates(text)] == [datetime.date(2016, 2, 15)]


def test_a_numeric_date_that_could_be_either_way_is_not_read():
    assert full_dates("03/04/2016") == []
    assert full_dates("03-04-2016") == []
    assert full_dates("03-04/2016") == []


def test_a_dateline_line_with_a_state_agency_gives_place_date_and_credit():
    meta = metadata(f"Shrine razed in the old city\n\nAleppo — SANA — 3 March 2014\n\n{STORY}")
    assert meta.published_on == datetime.date(2014, 3, 3)
    assert meta.dateline == "Aleppo"
    assert [o.slug for o in meta.wire_credits] == ["sana"]
    assert meta.title == "Shrine razed in the old city"


def test_an_outlet_closing_the_headline_is_the_outlet_even_when_unknown():
    meta = metadata(f"Militants blow up the old shrine - Al Jazeera English\n\n{STORY}")
    assert meta.outlet.slug == "al-jazeera-english" and meta.outlet.kind == "newspaper"
    assert meta.title == "Militants blow up the old shrine"


def test_agency_credits_in_parentheses_are_wire_credits():
    meta = metadata(f"Militants blow up the old shrine\n\nBEIRUT (AP) — {STORY}")
    assert [o.slug for o in meta.wire_credits] == ["ap"]


def test_a_byline_block_gives_the_name_on_the_line_after_by():
    meta = metadata(f"By\n\nAshleigh Stewart\n\nGlobal News\n\nPublished May 4, 2022\n\n{STORY}")
    assert meta.byline == "Ashleigh Stewart"
    assert meta.published_on == datetime.date(2022, 5, 4)


def test_a_site_name_or_domain_is_matched_to_a_known_outlet_or_made_one():
    assert outlet_named("Reuters", []).slug == "reuters"
    assert outlet_named("The Tigris Times", []).slug == "tigris-times"
    assert outlet_named("tigris.example", []).name == "tigris.example"
