"""Sources: outlet, credits, claims, and a hint when a source looks like a copy."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse

from heritage.admin import copy_hints
from heritage.models import Outlet, OutletKind, Source

AFP = "afp-2016-03-28-syria-troops-press-advance"
NEWS24 = "news24-2016-03-29-syria-army-keeps-pressure"
REUTERS = "reuters-2016-03-27-palmyra-recaptured"
AGENCY_INPUTS = "agency-inputs-2016-03-27-syria-forces-retake-palmyra"
ASHARQ = "asharq-al-awsat-2016-03-28-syrian-forces-retake-palmyra"


def hints_of(*keys) -> dict[str, list[str]]:
    sources = list(Source.objects.filter(key__in=keys))
    found = copy_hints(sources)
    return {s.key: found.get(s.pk, []) for s in sources}


def test_sources_sharing_a_wire_credit_within_three_days_look_like_copies(seeded):
    hints = hints_of(AFP, NEWS24)

    assert hints[AFP] == [f"shares the Agence France-Presse credit with {NEWS24} (1 day(s) apart)"]
    assert hints[NEWS24] == [f"shares the Agence France-Presse credit with {AFP} (1 day(s) apart)"]


def test_copy_links_are_hints_both_ways(seeded):
    hints = hints_of(REUTERS, AGENCY_INPUTS)

    assert f"copied by {AGENCY_INPUTS}" in hints[REUTERS]
    assert f"copies passages from {REUTERS}" in hints[AGENCY_INPUTS]


def test_a_source_with_no_shared_credit_or_link_has_no_hint(seeded):
    assert hints_of(ASHARQ) == {ASHARQ: []}


@pytest.mark.parametrize(
    "days,kind,expected",
    [
        pytest.param(3, OutletKind.NEWS_AGENCY, True, id="three-days-apart"),
        pytest.param(4, OutletKind.NEWS_AGENCY, False, id="four-days-apart"),
        pytest.param(1, OutletKind.UNNAMED_AGENCIES, False, id="agency-inputs-proves-nothing"),
    ],
)
def test_the_wire_hint_window_and_unnamed_credits(db, days, kind, expected):
    wire = Outlet.objects.create(slug="wire", name="Wire", kind=kind)
    first, second = (
        Source.objects.create(
            key=f"s{n}", title="t", published_on=datetime.date(2016, 3, 1 + n * days)
        )
        for n in range(2)
    )
    for source in (first, second):
        source.wire_credits.add(wire)

    assert bool(copy_hints([first])[first.pk]) is expected


def test_the_changelist_shows_outlet_credits_claims_and_the_hint(seeded, viewer, client):
    client.force_login(viewer)
    page = client.get(reverse("admin:heritage_source_changelist"))

    by_key = {s.key: s for s in page.context["cl"].result_list}
    assert by_key[AFP].claims == 10
    text = page.content.decode()
    assert "News24" in text and "Agence France-Presse" in text
    assert text.count("looks like a copy") == 4  # AFP, News24, Reuters, agency inputs


def test_the_change_page_shows_the_hint_and_the_claims(seeded, viewer, client):
    client.force_login(viewer)
    news24 = Source.objects.get(key=NEWS24)

    page = client.get(reverse("admin:heritage_source_change", args=[news24.pk]))

    text = page.content.decode()
    assert f"shares the Agence France-Presse credit with {AFP}" in text
    inline = next(i for i in page.context["inline_admin_formsets"])
    assert len(inline.formset.forms) == news24.reports.count() > 0


# --- The date hierarchy: probed, not scanned ------------------------------------------

DATES = ["2012-06-30", "2012-07-02", "2015-05-20", "2015-05-21", "2015-08-30", "2017-03-02"]


@pytest.fixture
def dated_sources(db):
    for n, day in enumerate(DATES):
        Source.objects.create(key=f"dated-{n}", title="t", published_on=day)


def hierarchy(client, **params) -> list[str]:
    """The date hierarchy's choices (links, or the one day chosen), without "back"."""
    page = client.get(reverse("admin:heritage_source_changelist"), params)
    assert page.status_code == 200
    html = page.content.decode()
    start = html.index('<nav class="toplinks">')
    nav = html[start : html.index("</nav>", start)]
    links = re.findall(r'<a href="[^"]*"(?: class="([^"]*)")?>([^<]*)</a>', nav)
    return [title.strip() for css, title in links if css != "date-back"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        # The years with sources, not the years between (2013, 2014, 2016 have none).
        ({}, ["2012", "2015", "2017"]),
        ({"published_on__year": "2015"}, ["May 2015", "August 2015"]),
        ({"published_on__year": "2015", "published_on__month": "5"}, ["May 20", "May 21"]),
        # A search narrows the periods like the rows: 2012's two sources, in two months.
        ({"q": "dated-1"}, ["July 2"]),
        ({"q": "t", "published_on__year": "2012"}, ["June 2012", "July 2012"]),
    ],
)
def test_the_date_hierarchy_lists_the_periods_that_have_sources(
    dated_sources, reviewer, client, params, expected
):
    client.force_login(reviewer)
    assert hierarchy(client, **params) == expected


def test_the_date_hierarchy_probes_each_year_instead_of_scanning_the_sources(
    dated_sources, reviewer, client
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(reviewer)
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("admin:heritage_source_changelist"))
    sql = [q["sql"] for q in queries if "heritage_source" in q["sql"]]
    assert not any("DISTINCT" in s.upper() for s in sql)  # what queryset.dates() runs
    probes = [s for s in sql if s.upper().startswith("SELECT EXISTS")]
    assert len(probes) == 1 and probes[0].upper().count("EXISTS") == 2017 - 2012 + 1
    # The first and last dates are read once, for the level and for the probes, as the
    # first row of each end of the date's order (MIN and MAX asked together read every
    # source on SQLite).
    ends = [s for s in sql if s.upper().startswith("SELECT (SELECT")]
    assert len(ends) == 1 and ends[0].upper().count("LIMIT 1") == 2
    assert not any("MIN(" in s.upper() or "MAX(" in s.upper() for s in sql)


@pytest.mark.parametrize(
    "narrow",
    [
        lambda sources: sources,
        lambda sources: sources.filter(key__in=["dated-1", "dated-2"]),
        lambda sources: sources.filter(key="none-such"),
        lambda sources: sources.filter(pk__in=[]),  # no SQL at all
    ],
    ids=["all", "filtered", "empty", "nothing-can-match"],
)
def test_the_range_of_dates_is_what_min_and_max_give(dated_sources, narrow):
    from django.db.models import Max, Min

    from heritage.ranges import range_ends

    sources = narrow(Source.objects.all())
    expected = sources.aggregate(first=Min("published_on"), last=Max("published_on"))
    assert range_ends(sources, "published_on") == expected


def test_the_date_hierarchy_spans_centuries_in_statements_sqlite_accepts(db, reviewer, client):
    """217 years to probe: PROBES a statement (SQLite returns at most 2,000 columns)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from heritage.templatetags.admin_dates import PROBES

    Source.objects.create(key="early", title="t", published_on=datetime.date(1800, 1, 1))
    Source.objects.create(key="recent", title="t", published_on=datetime.date(2016, 3, 27))
    client.force_login(reviewer)
    with CaptureQueriesContext(connection) as queries:
        assert hierarchy(client) == ["1800", "2016"]
    statements = [q for q in queries if q["sql"].upper().startswith("SELECT EXISTS")]
    assert len(statements) == -(-217 // PROBES)
