"""Identifiers in other gazetteers: validated, loaded from the gazetteer, edited in the
admin, published in the API and its exports."""

import pytest
from django.core.exceptions import ValidationError

from heritage.models import Monument, Site


def test_the_gazetteer_loads_the_identifiers_found_in_sources(seeded, api):
    bel = api.get("/api/monuments/temple-of-bel/").json()
    assert (bel["wikidata"], bel["pleiades"]) == ("Q797481", "35794949")
    palmyra = api.get("/api/sites/palmyra/").json()
    assert palmyra["pleiades"] == "668331"
    rows = b"".join(api.get("/api/monuments/?q=bel&format=jsonl").streaming_content).decode()
    assert '"wikidata":"Q797481"' in rows
    same_as = api.get("/api/monuments/temple-of-bel/?format=jsonld").json()["sameAs"]
    assert "http://www.wikidata.org/entity/Q797481" in same_as
    assert "https://pleiades.stoa.org/places/35794949" in same_as


@pytest.mark.parametrize(
    ("field", "value"),
    [("wikidata", "797481"), ("wikidata", "Q0"), ("geonames", "12a"), ("pleiades", "P1")],
)
def test_malformed_identifiers_are_refused_with_the_field_named(db, field, value):
    site = Site.objects.create(slug="s", name="S")
    monument = Monument(slug="m", name="M", kind="temple", site=site, **{field: value})
    with pytest.raises(ValidationError) as refused:
        monument.full_clean()
    assert field in refused.value.message_dict


def test_curators_edit_identifiers_in_the_admin(seeded, admin_client):
    bel = Monument.objects.get(slug="temple-of-bel")
    page = admin_client.get(f"/admin/heritage/monument/{bel.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    for field in ("wikidata", "geonames", "pleiades"):
        assert f'name="{field}"' in html
    site = Site.objects.get(slug="palmyra")
    assert (
        'name="pleiades"'
        in admin_client.get(f"/admin/heritage/site/{site.pk}/change/").content.decode()
    )
