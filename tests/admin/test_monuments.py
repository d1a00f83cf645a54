"""The monuments' changelist and change page: consensus, filters, search, explanation."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.formats import date_format
from PIL import Image

from heritage import consensus, services
from heritage.models import Monument, MonumentConsensus, Photo, Site

CHANGELIST = "admin:heritage_monument_changelist"


def listed(client, **params) -> list[str]:
    page = client.get(reverse(CHANGELIST), params)
    assert page.status_code == 200
    return sorted(m.slug for m in page.context["cl"].result_list)


def test_the_changelist_shows_each_monuments_stored_consensus(seeded, viewer, client):
    client.force_login(viewer)
    page = client.get(reverse(CHANGELIST))

    stored = MonumentConsensus.objects.get(monument__slug="temple-of-bel")
    cells = {
        col: page.context["cl"].model_admin.__getattribute__(col)(stored.monument)
        for col in (
            "consensus_state",
            "consensus_confidence",
            "consensus_contested",
            "consensus_claims",
            "consensus_latest",
        )
    }
    assert cells == {
        "consensus_state": "destroyed",
        "consensus_confidence": f"{stored.confidence:.2f}",
        "consensus_contested": stored.contested,
        "consensus_claims": stored.claim_count,
        "consensus_latest": stored.latest_observation,
    }
    assert stored.claim_count == 7
    text = page.content.decode()
    for header in ("Consensus", "Confidence", "Contested", "Claims", "Latest claim"):
        assert header.upper() in text.upper()


@pytest.mark.parametrize(
    "params,expected",
    [
        pytest.param(
            {"consensus": "unknown"},
            {"great-colonnade", "tetrapylon", "tower-of-elahbel", "al-qaryatain"},
            id="state-unknown",
        ),
        pytest.param(
            {"consensus": "severely_damaged"}, {"palmyra-museum"}, id="state-severely-damaged"
        ),
        pytest.param(
            {"site__id__exact": "al-qaryatain"}, {"al-qaryatain", "mar-elian-monastery"}, id="site"
        ),
        pytest.param({"kind__exact": "arch"}, {"arch-of-triumph"}, id="kind"),
    ],
)
def test_the_changelist_filters(seeded, viewer, client, params, expected):
    client.force_login(viewer)
    if "site__id__exact" in params:  # the filter takes the site's id
        params = {"site__id__exact": Site.objects.get(slug=params["site__id__exact"]).pk}

    assert set(listed(client, **params)) == expected


def test_the_contested_filter_follows_the_stored_flag(seeded, viewer, client):
    MonumentConsensus.objects.filter(monument__slug="roman-theatre").update(contested=True)
    client.force_login(viewer)

    assert listed(client, contested="yes") == ["roman-theatre"]
    assert "roman-theatre" not in listed(client, contested="no")


def test_the_drafted_claims_filter(drafted, viewer, client):
    client.force_login(viewer)

    assert listed(client, drafted="yes") == ["great-colonnade", "lion-of-al-lat", "tetrapylon"]
    assert "lion-of-al-lat" not in listed(client, drafted="no")


@pytest.mark.parametrize(
    "term,slug",
    [
        pytest.param("Tadmor", "palmyra", id="alias"),
        pytest.param("تَدْمُر", "palmyra", id="arabic-with-vowel-marks"),
        pytest.param("معبد بل", "temple-of-bel", id="arabic-alias"),
        pytest.param("BAAL-SHAMIN", "temple-of-baalshamin", id="case-and-hyphen"),
        pytest.param("baal shamin", "temple-of-baalshamin", id="spaced-form-of-one-word"),
        pytest.param("Qal'at Tadmur", "palmyra-citadel", id="apostrophe"),
        pytest.param("tower-of-elahbel", "tower-of-elahbel", id="slug"),
    ],
)
def test_search_finds_monuments_by_any_spelling(seeded, viewer, client, term, slug):
    client.force_login(viewer)

    assert slug in listed(client, q=term)


def test_search_for_an_accented_spelling_finds_the_plain_alias(seeded, viewer, client):
    bel = Monument.objects.get(slug="temple-of-bel")
    bel.aliases.create(name="Temple de Bêl", language="fr")
    client.force_login(viewer)

    assert listed(client, q="temple de bel") == ["temple-of-bel"]
    assert listed(client, q="TEMPLE DE BÉL") == ["temple-of-bel"]


def _jpeg() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (640, 480), "sandybrown").save(out, "JPEG")
    return SimpleUploadedFile("bel.jpg", out.getvalue(), content_type="image/jpeg")


def test_the_change_page_explains_the_consensus_claim_by_claim(seeded, viewer, client):
    bel = Monument.objects.get(slug="temple-of-bel")
    services.store_photo(
        photo=Photo(key="bel-2016", credit="AFP", monument=bel, caption="The gate"), image=_jpeg()
    )
    client.force_login(viewer)

    page = client.get(reverse("admin:heritage_monument_change", args=[bel.pk]))
    text = page.content.decode()

    explanation = bel.consensus.explanation
    assert len(explanation) == 7
    for entry in explanation:
        assert entry["claim"] in text
        assert entry["role"] in text
    assert "same origin as claim" in text  # a copy's reason
    ref = "afp-2016-03-28-syria-troops-press-advance/temple-of-bel-in-pieces"
    report = bel.reports.get(key="temple-of-bel-in-pieces")
    # Each claim by outlet and date, with its excerpt (in full on hover or expand).
    link = reverse("admin:heritage_damagereport_change", args=[report.pk])
    named = report.source.outlet.name if report.source.outlet else report.source.title
    assert f'<a href="{link}" title="{ref}">{named}, 2016-03-28</a>' in text
    assert f'title="{report.excerpt}"' in text
    # When the state began in the world, apart from when the registry recorded it.
    assert "The evidence shows this state" in text and "recorded in the registry on" in text
    # The timeline: each change of the evidence's state, with its date.
    changes = consensus.timeline(services.claims_by_monument([bel.pk])[bel.pk])
    assert changes
    timeline = text[text.index("heritage-timeline") :]
    for change in changes:
        assert date_format(change.date) in timeline
        assert change.state in timeline
    # Photos as thumbnails, and the claims inline.
    photo = Photo.objects.get(key="bel-2016")
    assert photo.thumbnail.url in text
    inline = next(
        i
        for i in page.context["inline_admin_formsets"]
        if i.formset.model.__name__ == "DamageReport"
    )
    assert len(inline.formset.forms) == 7
