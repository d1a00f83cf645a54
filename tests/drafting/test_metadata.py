"""Metadata from a copied page (title, outlet, byline, dateline, date, credits), page
furniture, publication dates and likely copies. Pure: no database."""

import datetime

import pytest

from heritage.drafting.article import body_sentences
from heritage.drafting.copies import KnownSource, find_copies
from heritage.drafting.dates import date_mentions, full_dates, is_date_line
from heritage.drafting.metadata import OutletRef, read_dateline, read_metadata, source_key
from heritage.drafting.reading import LineKind, classify_lines, split_sentences

from .conftest import ARTICLES_DIR

NEWS24 = OutletRef("news24", "News24", "newspaper")
ASHARQ = OutletRef("asharq-al-awsat", "Asharq Al-Awsat (English)", "newspaper")


def metadata(text, outlets=()):
    return read_metadata(classify_lines(text), list(outlets))


def slugs(outlets):
    return [o.slug for o in outlets]


# --- datelines and dates -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("paragraph", "place", "credit"),
    [
        ("BEIRUT, March 27 – Syrian government forces recaptured Palmyra.", "Beirut", ""),
        (
            "MOSUL, Iraq (Reuters) - Islamic State militants blew up the mosque.",
            "Mosul",
            "Reuters",
        ),
        ("ALEPPO, April 25, 2013 (AFP) - The minaret fell.", "Aleppo", "AFP"),
        ("Homs, SANA – Army units entered the town.", "Homs", ""),
        ("Beirut - Regime troops were locked in heavy fighting.", "Beirut", ""),
    ],
)
def test_dateline_is_read_from_the_first_paragraph(paragraph, place, credit):
    dateline = read_dateline(paragraph)
    assert (dateline.place, dateline.credit) == (place, credit)
    assert paragraph[dateline.prefix_length :][0].isupper()


def test_an_ordinary_sentence_is_not_a_dateline():
    assert read_dateline("Syrian forces strengthened their hold on Palmyra on Monday.") is None


@pytest.mark.parametrize(
    ("line", "date"),
    [
        ("Monday 28 Mar 2016", datetime.date(2016, 3, 28)),
        ("2016-03-29 23:34", datetime.date(2016, 3, 29)),
        ("March 27, 2016", datetime.date(2016, 3, 27)),
        ("Feb. 9, 2025 3:42 PM GMT", datetime.date(2025, 2, 9)),
        ("Friday, 4 September 2015", datetime.date(2015, 9, 4)),
        ("Published on 14 March 2024", datetime.date(2024, 3, 14)),
        ("June 22, 2017 / 7:41 AM", datetime.date(2017, 6, 22)),
    ],
)
def test_publication_date_formats(line, date):
    assert is_date_line(line)
    assert full_dates(line)[0].date == date


def test_a_sentence_with_a_date_is_not_a_date_line():
    assert not is_date_line("Russian warplanes struck Palmyra on March 10, 2016 at dawn.")


def test_date_line_gives_the_publication_date():
    text = "Palmyra museum reopens\n\nThursday 25 Apr 2013\n\nThe museum reopened on Wednesday.\n"
    assert metadata(text).published_on == datetime.date(2013, 4, 25)


def test_dateline_without_year_leaves_the_date_empty():
    meta = metadata("Title of the story here\n\nBEIRUT, March 27 – The army retook the city.\n")
    assert meta.published_on is None
    assert meta.dateline_month_day == (3, 27)


def test_relative_dates_resolve_against_publication():
    published = datetime.date(2016, 3, 28)  # a Monday
    found = {
        text: (m.first, m.last)
        for text in [
            "on Sunday",
            "last year",
            "in August",
            "last month",
            "in May 2015",
            "yesterday",
        ]
        for m in date_mentions(f"It happened {text}.", published)
    }
    assert found == {
        "on Sunday": (datetime.date(2016, 3, 27),) * 2,
        "last year": (datetime.date(2015, 1, 1), datetime.date(2015, 12, 31)),
        "in August": (datetime.date(2015, 8, 1), datetime.date(2015, 8, 31)),
        "last month": (datetime.date(2016, 2, 1), datetime.date(2016, 2, 29)),
        "in May 2015": (datetime.date(2015, 5, 1), datetime.date(2015, 5, 31)),
        "yesterday": (datetime.date(2016, 3, 27),) * 2,
    }


def test_future_dates_are_dropped():
    assert (
        date_mentions(
            "The churches will be restored by 2026 or next year.", datetime.date(2025, 2, 9)
        )
        == []
    )


# --- credits, outlet, title, byline ------------------------------------------------------


def test_wire_credit_from_the_dateline():
    meta = metadata(
        "A headline for the story\n\nMOSUL, Iraq (Reuters) - Militants blew up the mosque.\n"
    )
    assert slugs(meta.wire_credits) == ["reuters"]
    assert meta.dateline == "Mosul"


def test_wire_credit_from_a_place_and_agency_line():
    meta = metadata(
        "Syria troops press advance after blow to IS\n\nDamascus / AFP\n\nSyrian forces advanced on Monday.\n"
    )
    assert slugs(meta.wire_credits) == ["afp"]
    assert meta.dateline == "Damascus"


def test_agency_inputs_credit():
    meta = metadata(
        "Backed by Russia, Syria forces retake Palmyra\nTroops recaptured the city today.\nWith Agency Inputs"
    )
    assert slugs(meta.wire_credits) == ["agency-inputs"]


def test_told_an_agency_and_an_agency_correspondent_are_credits():
    meta = metadata(
        "Syria army keeps pressure on ISIS\n\nThe antiquities chief told AFP the site was in good shape.\n"
    )
    assert slugs(meta.wire_credits) == ["afp"]
    meta = metadata("Headline about the Reuters story\n\nA Reuters correspondent saw the ruins.\n")
    assert slugs(meta.wire_credits) == ["reuters"]


def test_an_agency_mentioned_in_passing_is_not_a_credit():
    meta = metadata(
        "Story about the minaret and more\n\nState news agency SANA blamed terrorists for the blast.\n"
    )
    assert meta.wire_credits == []


def test_byline_with_agency_and_photo_credits():
    text = (
        "The Levant Observer | Middle East\n\nSyria war claims Aleppo's old minaret\n\n"
        "By Observer staff, with AFP\n\n"
        "A view of the courtyard of the mosque, taken in April. / AFP PHOTO / STR\n\n"
        "The minaret was reduced to rubble on Wednesday.\n"
    )
    outlet = OutletRef("levant-observer", "The Levant Observer", "newspaper")
    meta = metadata(text, [outlet])
    assert meta.outlet == outlet
    assert meta.title == "Syria war claims Aleppo's old minaret"
    assert meta.byline == "Observer staff"
    assert slugs(meta.wire_credits) == ["afp"]
    assert slugs(meta.photo_credits) == ["afp"]


def test_outlet_named_in_the_page_header_or_furniture():
    header = "Middle-east Arab News Opinion | Asharq Al-awsat\n\nSyrian Forces Retake Palmyra, Pursue Campaign | ASHARQ AL-AWSAT English Archive\n\nThe army retook the city.\n"
    meta = metadata(header, [ASHARQ, NEWS24])
    assert meta.outlet == ASHARQ
    assert meta.title == "Syrian Forces Retake Palmyra, Pursue Campaign"
    furniture = (
        "Syria army keeps pressure on ISIS\n\nThe army advanced on Tuesday.\n\nInside News24\n"
    )
    assert metadata(furniture, [ASHARQ, NEWS24]).outlet == NEWS24


def test_no_outlet_when_the_page_names_none():
    assert (
        metadata(
            "Satellite images confirm destruction\n\nThe palace was razed.\n", [NEWS24]
        ).outlet
        is None
    )


def test_source_key_from_outlet_date_and_title():
    key = source_key(
        "afp", datetime.date(2016, 3, 28), "Syria troops press advance after blow to IS in Palmyra"
    )
    assert key == "afp-2016-03-28-syria-troops-press-advance"


# --- page furniture ----------------------------------------------------------------------


def test_comments_and_related_stories_are_not_the_story():
    text = (ARTICLES_DIR / "aleppo-minaret-falls-afp.txt").read_text(encoding="utf-8")
    sentences = " ".join(s.text for s in body_sentences(text))
    assert "The mosque's walls bear the marks of fighting" in sentences
    assert "undamaged when I visited" not in sentences  # a reader's comment
    assert "race to evacuate statues" not in sentences  # a related headline
    kinds = {line.text.strip(): line.kind for line in classify_lines(text)}
    assert kinds["Share on Facebook   Share on Twitter   Email   Print"] is LineKind.CLUTTER
    assert kinds["12 comments"] is LineKind.TRAILER


def test_sentences_split_after_abbreviations_and_initials_only_at_real_ends():
    text = "The militants' agency said U.S. aircraft hit it. Gen. Smith and H. Said disagreed. It fell on Feb. 9 at dawn."
    assert [s.text for s in split_sentences(text)] == [
        "The militants' agency said U.S. aircraft hit it.",
        "Gen. Smith and H. Said disagreed.",
        "It fell on Feb. 9 at dawn.",
    ]


# --- copies ------------------------------------------------------------------------------

EXCERPT = "The extremist group demolished the 2 000-year-old temple of Bel and also blew up the Arch of Triumph."
REGISTERED = KnownSource(
    key="afp-2016-03-28-palmyra",
    published_on=datetime.date(2016, 3, 28),
    credits=frozenset({"afp"}),
    unnamed_credit=False,
    excerpts=(EXCERPT,),
)
COPY = "Regime hails the fall.\nThe extremist group demolished the 2 000-year-old temple of Bel and also blew up the arch."


def copies(
    text=COPY, published=datetime.date(2016, 3, 29), credits=frozenset({"afp"}), unnamed=False
):
    return find_copies(
        text,
        published_on=published,
        credits=set(credits),
        unnamed_credit=unnamed,
        known=[REGISTERED],
    )


def test_shared_credit_and_passage_make_a_likely_copy():
    (found,) = copies()
    assert found.key == REGISTERED.key
    assert found.passage.startswith(
        "the extremist group demolished the 2 000 year old temple of bel"
    )


def test_an_unnamed_agency_credit_may_share_any_agency():
    assert [c.key for c in copies(credits=frozenset(), unnamed=True)] == [REGISTERED.key]


@pytest.mark.parametrize(
    "change",
    [
        {"credits": frozenset({"reuters"})},
        {"published": datetime.date(2016, 4, 5)},  # too long after
        {"published": datetime.date(2016, 3, 27)},  # before the registered source
        {"text": "The group demolished the temple of Bel and blew up the arch, the agency said."},
    ],
)
def test_no_copy_without_a_shared_credit_a_close_date_and_a_passage(change):
    assert copies(**change) == []
