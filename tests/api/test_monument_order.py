"""Monuments in the lists' order (site, then name): read from each monument's copy of
its site's name, which one index holds in that order, so that a page stops at its end
instead of sorting every monument with its site."""

import io
import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import F

from heritage.api import keyset
from heritage.loading import DERIVED_FIELD
from heritage.models import Monument, Site
from tests.api.conftest import results


def listed(api, query: str = "") -> list[str]:
    return [m["slug"] for m in results(api.get(f"/api/monuments/?page_size=500{query}"))]


def expected_order() -> list[str]:
    """By the sites' stored names (not the copies), then name and id."""
    rows = Monument.objects.values_list("site__name", "name", "pk", "slug")
    return [slug for *_, slug in sorted(rows)]


def copies_diverging() -> int:
    return Monument.objects.exclude(site_name=F("site__name")).count()


def test_a_fixture_load_sets_each_monuments_copy_of_its_sites_name(seeded, api):
    assert Monument.objects.count() > 5
    assert copies_diverging() == 0
    assert listed(api) == expected_order()


def test_renaming_a_site_moves_its_monuments_in_the_list(large_registry, api):
    before = listed(api)
    assert before[0].startswith("m-") and Site.objects.get(slug="s0").name == "S0"
    site = Site.objects.get(slug="s0")
    site.name = "Z last"
    site.full_clean()
    site.save()
    after = listed(api)
    moved = [m.slug for m in Monument.objects.filter(site=site)]
    assert set(after[-len(moved) :]) == set(moved)
    assert after == expected_order() != before
    assert copies_diverging() == 0


def test_a_monument_moved_to_another_site_takes_its_name(large_registry, api):
    monument = Monument.objects.get(slug="m-1")  # in S1
    monument.site = Site.objects.get(slug="s2")
    monument.save()
    assert Monument.objects.get(slug="m-1").site_name == "S2"
    assert copies_diverging() == 0
    assert listed(api) == expected_order()


def test_a_monument_saved_from_a_stale_site_takes_the_stored_name(large_registry):
    stale = Monument.objects.select_related("site").get(slug="m-0")
    Site.objects.filter(slug="s0").update(name="Renamed elsewhere")  # as another process
    stale.name = "Renamed monument"
    stale.save()
    assert Monument.objects.get(slug="m-0").site_name == "Renamed elsewhere"


def test_bulk_created_monuments_carry_their_sites_name(large_registry):
    site = Site.objects.get(slug="s1")
    Monument.objects.bulk_create(
        [
            Monument(slug="bulk-a", name="Bulk A", kind="temple", site=site),
            Monument(slug="bulk-b", name="Bulk B", kind="temple", site_id=site.pk),
        ]
    )
    assert set(
        Monument.objects.filter(slug__startswith="bulk-").values_list("site_name", flat=True)
    ) == {"S1"}


def test_a_fixture_cannot_give_the_sites_name(seeded, tmp_path):
    fixture = tmp_path / "monument.json"
    fixture.write_text(
        json.dumps(
            [
                {
                    "model": "heritage.monument",
                    "fields": {
                        "slug": "new-monument",
                        "name": "New",
                        "kind": "temple",
                        "site": ["palmyra"],
                        "site_name": "Aaaa",
                    },
                }
            ]
        )
    )
    with pytest.raises(Exception, match="derived by the registry") as caught:
        call_command("loaddata", str(fixture), stdout=io.StringIO(), stderr=io.StringIO())
    assert DERIVED_FIELD.format(field="site_name") in str(caught.value)
    assert not Monument.objects.filter(slug="new-monument").exists()


def test_a_site_renamed_in_the_admin_moves_its_monuments(large_registry, admin_client, api):
    from django.urls import reverse

    site = Site.objects.get(slug="s0")
    url = reverse("admin:heritage_site_change", args=[site.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {n: v for n, v in form.initial.items() if v is not None and not isinstance(v, list)}
    data.update(name="ZZ renamed")
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert copies_diverging() == 0
    assert listed(api)[-20:] == expected_order()[-20:]
    assert set(listed(api)[-20:]) == {m.slug for m in Monument.objects.filter(site=site)}


def list_keys() -> list[keyset.Key]:
    return keyset.parse_order(["site_name", "name", "pk"])


@pytest.mark.parametrize(
    "page",
    [
        lambda: keyset.order_by(Monument.objects.all(), list_keys()),
        lambda: keyset.order_by(Monument.objects.all(), list_keys()).reverse(),
        lambda: keyset.order_by(Monument.objects.all(), list_keys()).filter(
            keyset.beyond(list_keys(), ("S1", "Monument 31", 32))
        ),
    ],
    ids=["first-page", "reversed", "after-a-monument"],
)
def test_a_page_of_monuments_reads_the_list_index_in_order(large_registry, page):
    ids = page().values("pk")[:100]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # Tiny test tables are cheaper to scan; forbid that to see whether the index fits.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_sort = off")
            plan = ids.explain()
        assert "Sort" not in plan
    else:
        plan = ids.explain()
        assert "TEMP B-TREE" not in plan.upper()
    assert "monument_list_order" in plan
