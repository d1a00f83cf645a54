"""Sources: outlet, credits, claims, and a hint when a source looks like a copy."""

from __future__ import annotations

import datetime

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
