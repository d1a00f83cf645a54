"""Monuments in the lists' order (site, then name): read from each monument's copy of
its site's name, which one index holds in that order, so that a page stops at its end
instead of sorting every monument with its site."""

import io
import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from heritage.api import keyset
from heritage.loading import DERIVED_FIELD
from heritage.models import Monument, MonumentConsensus, Site
from tests.api.conftest import results
from tests.api.test_keyset_pages import walk


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


def test_monuments_bulk_created_through_a_queryset_carry_their_sites_name(large_registry):
    site = Site.objects.get(slug="s2")
    Monument.objects.using("default").bulk_create(
        [Monument(slug="bulk-c", name="Bulk C", kind="temple", site=site)]
    )
    assert Monument.objects.get(slug="bulk-c").site_name == "S2"


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


def ordered(*terms: str, **after):
    """Every monument in the order *terms* (then id), after the place *after* gives."""
    keys = keyset.parse_order([*terms, "pk"])

    def page():
        rows = keyset.order_by(Monument.objects.all(), keys)
        if after:
            rows = rows.filter(keyset.beyond(keys, tuple(after.values())))
        return rows

    return page


@pytest.mark.parametrize(
    ("page", "index"),
    [
        (ordered("site_name", "name"), "monument_list_order"),
        (lambda: ordered("site_name", "name")().reverse(), "monument_list_order"),
        (
            ordered("site_name", "name", site="S1", name="Monument 31", pk=32),
            "monument_list_order",
        ),
        (ordered("name"), "monument_by_name"),
        (ordered("-name"), "monument_by_name"),
        (ordered("-updated_at"), "monument_by_update"),
        (ordered("updated_at"), "monument_by_update"),
        (lambda: ordered("site_name", "name")().filter(kind="temple"), "monument_kind_order"),
    ],
    ids=["list", "reversed", "after-a-monument", "name", "-name", "-updated", "updated", "kind"],
)
def test_a_page_of_monuments_reads_an_index_in_order(large_registry, page, index):
    """No sort of every monument: the index gives the order (a descending order with
    ascending ties sorts only the ties, on both databases)."""
    ids = page().values("pk")[:100]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # Tiny test tables are cheaper to scan; forbid that to see whether the index fits.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_sort = off")
            plan = ids.explain()
        assert not any(
            line.strip().startswith("->  Sort") or line.startswith("Sort")
            for line in plan.splitlines()
        ), plan
    else:
        plan = ids.explain()
        assert "TEMP B-TREE FOR ORDER BY" not in plan.upper(), plan
    assert index in plan, plan


@pytest.mark.parametrize(
    "query",
    [
        "state=destroyed",
        "state=damaged&contested=false",
        "contested=true",
        "min_confidence=0.5",
        "state=destroyed&as_of=2019-12-04",
        "state=destroyed&known_at=2020-01-03",
        "state=unknown",  # with a monument never refreshed (its row from creation)
        "state=unknown&as_of=2019-12-04",  # also monuments no period covers: the list's
        "state=destroyed&site=s1",  # a filter on the monument: the list's own count
    ],
)
def test_a_list_filtered_on_the_status_counts_what_it_lists(large_registry, api, query):
    Monument.objects.create(
        slug="zz-new", name="New", kind="temple", site=Site.objects.get(slug="s0")
    )
    everything = results(api.get(f"/api/monuments/?page_size=500&{query}"))
    if "unknown" in query:
        assert "zz-new" in [m["slug"] for m in everything]
    with CaptureQueriesContext(connection) as queries:
        body = api.get(f"/api/monuments/?page_size=2&{query}").json()
    assert body["count"] == len(everything)
    count = next(q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"])
    status_only = "site=" not in query and "unknown&as_of" not in query
    # Counted on the status table alone, without reading each status's monument.
    assert ('"heritage_monument"' not in count) == status_only, count


def ids_query(api, url: str) -> str:
    with CaptureQueriesContext(connection) as queries:
        assert api.get(url).status_code == 200
    return next(
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith('SELECT "heritage_monument"."id" AS "pk"')
        or q["sql"].startswith('SELECT "heritage_monument"."id" FROM')
    )


def test_a_common_state_walks_the_list_index_and_a_rare_one_is_sorted(large_registry, api):
    """A page of a common state reads monuments in list order and keeps the matching
    ones (EXISTS on the status); a rare state takes its few matches and sorts them. Both
    list the same monuments in the same order."""
    rare = ["m-5", "m-17", "m-42"]
    MonumentConsensus.objects.filter(monument__slug__in=rare).update(state="intact")
    common = MonumentConsensus.objects.exclude(state="intact").values_list("state", flat=True)[0]
    expected = {
        state: [
            slug
            for *_, slug in sorted(
                Monument.objects.filter(consensus__state=state).values_list(
                    "site_name", "name", "pk", "slug"
                )
            )
        ]
        for state in ("intact", common)
    }
    assert len(expected[common]) > 40 and sorted(expected["intact"]) == sorted(rare)

    assert "EXISTS" in ids_query(api, f"/api/monuments/?state={common}&page_size=5")
    assert "EXISTS" not in ids_query(api, "/api/monuments/?state=intact&page_size=5")
    # A past day's periods are not walked (see MonumentViewSet.walk_in_order).
    assert "EXISTS" not in ids_query(api, f"/api/monuments/?state={common}&as_of=2020-06-01")
    # On the last page walking would read about every monument, more than the matches.
    last = -(-len(expected[common]) // 5)
    url = f"/api/monuments/?state={common}&page_size=5&page={last}"
    assert "EXISTS" not in ids_query(api, url)
    for state, slugs in expected.items():
        pages, _ = walk(api, f"/api/monuments/?state={state}&page_size=5")
        assert [slug for page in pages for slug in page] == slugs
        numbered = [
            m["slug"]
            for n in range(1, -(-len(slugs) // 5) + 1)
            for m in results(api.get(f"/api/monuments/?state={state}&page_size=5&page={n}"))
        ]
        assert numbered == slugs


@pytest.mark.parametrize("ordering", ["confidence", "-confidence", "state", "-state"])
def test_an_order_on_todays_status_walks_the_status_index(large_registry, api, ordering):
    """Every monument has a status row from its creation, so a list in status order
    joins it (inner) and ends on its monument in the same direction: the index
    (state or confidence, monument) gives the order, nothing is sorted, and a monument
    never refreshed sorts as what it is (unknown, confidence 0)."""
    new = Monument.objects.create(
        slug="zz-new", name="New", kind="temple", site=Site.objects.get(slug="s0")
    )
    field = ordering.lstrip("-")
    descending = ordering.startswith("-")
    rows = MonumentConsensus.objects.values_list(field, "monument_id", "monument__slug")
    expected = [slug for *_, slug in sorted(rows, reverse=descending)]
    assert new.slug in expected and len(expected) == 61
    listed = [
        m["slug"] for m in results(api.get(f"/api/monuments/?page_size=500&ordering={ordering}"))
    ]
    assert listed == expected
    with CaptureQueriesContext(connection) as queries:
        api.get(f"/api/monuments/?page_size=5&page=2&ordering={ordering}")
    count = next(q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"])
    assert "heritage_monumentconsensus" not in count  # the join changes no count
    sql = ids_query(api, f"/api/monuments/?page_size=5&ordering={ordering}")
    assert "LEFT OUTER JOIN" not in sql and '"heritage_monumentconsensus"."monument_id"' in sql
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN QUERY PLAN " + sql.replace("%s", "?"), ())
            plan = " ".join(str(row[-1]) for row in cursor.fetchall())
        assert "TEMP B-TREE" not in plan and f"consensus_{field}_order" in plan, plan
