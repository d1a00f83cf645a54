"""Queries compiled once (heritage.prepared): the same rows as the queryset, one
compilation per connection, and parameters the ORM would rewrite refused."""

import gc
import threading
import weakref

import pytest
from django.db import connection, connections
from django.db.models import Count
from django.test.utils import CaptureQueriesContext

from heritage.models import DamageReport, Monument, Site, Source
from heritage.prepared import _ON_CONNECTION as ON_CONNECTION
from heritage.prepared import Prepared
from tests.conftest import load_seed_fixtures

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(db):
    load_seed_fixtures()


def claims_of(pk):
    return (
        DamageReport.objects.accepted()
        .filter(monument_id=pk)
        .in_publication_order()
        .values("key", "state", "observed_from", "source__published_on", "source__key")
    )


def test_rows_are_the_querysets_rows_with_its_conversions(seeded):
    prepared = Prepared(claims_of, pk=int)
    bel = Monument.objects.get(slug="temple-of-bel")
    rows = prepared.rows(pk=bel.pk)
    assert rows == list(claims_of(bel.pk))
    assert rows, "the seed data has accepted claims on the Temple of Bel"
    # Dates come back as dates on SQLite too, as the ORM converts them.
    assert all(hasattr(r["source__published_on"], "isoformat") for r in rows)


def test_json_and_related_columns_convert_as_the_orm_does(seeded):
    def status(slug):
        return Monument.objects.filter(slug=slug).values(
            "id", "consensus__explanation", "consensus__confidence", "site__name"
        )[:1]

    prepared = Prepared(status, slug=str)
    assert prepared.first(slug="temple-of-bel") == status("temple-of-bel").first()
    assert isinstance(prepared.first(slug="temple-of-bel")["consensus__explanation"], list)
    assert prepared.first(slug="no-such-monument") is None


def test_values_list_gives_tuples_and_flat_gives_values(seeded):
    tuples = Prepared(
        lambda key: Source.objects.filter(key=key).values_list("key", "published_on"), key=str
    )
    flat = Prepared(
        lambda key: Source.objects.filter(key=key).values_list("key", flat=True), key=str
    )
    source = Source.objects.order_by("key").first()
    assert tuples.rows(key=source.key) == [(source.key, source.published_on)]
    assert flat.rows(key=source.key) == [source.key]


def test_compiled_once_per_connection_then_one_query_each_time(seeded):
    built = []

    def build(slug):
        built.append(slug)
        return Monument.objects.filter(slug=slug).values("slug")

    prepared = Prepared(build, slug=str)
    prepared.rows(slug="temple-of-bel")
    with CaptureQueriesContext(connection) as queries:
        assert prepared.rows(slug="arch-of-triumph") == [{"slug": "arch-of-triumph"}]
    assert len(built) == 1, "the queryset is built once, with marker values"
    assert len(queries) == 1


@pytest.mark.django_db(transaction=True)
def test_each_threads_connection_keeps_its_own_compiled_query():
    prepared = Prepared(lambda slug: Monument.objects.filter(slug=slug).values("slug"), slug=str)
    assert prepared.rows(slug="temple-of-bel") == []
    seen, gone = [], []

    def other():
        try:
            mine = connections["default"]
            seen.append(prepared.rows(slug="temple-of-bel"))
            seen.append(mine.__dict__[ON_CONNECTION][prepared] is not compiled_here)
            gone.append(weakref.ref(mine))
        finally:
            connection.close()

    compiled_here = connections["default"].__dict__[ON_CONNECTION][prepared]
    thread = threading.Thread(target=other)
    thread.start()
    thread.join()
    assert seen == [[], True], "the other thread compiled the query on its own connection"
    # Kept on the connection object, the compiled query goes with it: nothing keeps a
    # finished thread's connection alive (its converters refer to it).
    gc.collect()
    assert gone[0]() is None


def test_columns_are_named_in_the_order_they_are_selected(seeded):
    def counted(slug):
        return Site.objects.annotate(n=Count("monuments")).filter(slug=slug).values("n", "slug")

    prepared = Prepared(counted, slug=str)
    assert prepared.rows(slug="palmyra") == list(counted("palmyra"))
    assert prepared.first(slug="palmyra")["slug"] == "palmyra"


def test_a_value_not_of_its_kind_is_refused(db):
    prepared = Prepared(lambda pk: Monument.objects.filter(part_of_id=pk).values("slug"), pk=int)
    for wrong in (None, "1", True):
        with pytest.raises(TypeError, match="'pk'.*int"):
            prepared.rows(pk=wrong)


def test_a_parameter_on_a_field_whose_range_excludes_the_marker_is_refused(db):
    prepared = Prepared(
        lambda count: Monument.objects.filter(member_count=count).values("slug"), count=int
    )
    with pytest.raises(ValueError, match="outside the range"):
        prepared.rows(count=3)


def test_a_parameter_the_orm_rewrites_is_refused(db):
    prepared = Prepared(
        lambda name: Monument.objects.filter(name__icontains=name).values("slug"), name=str
    )
    with pytest.raises(ValueError, match="'name'.*unchanged"):
        prepared.rows(name="bel")


def test_model_instances_are_refused(db):
    prepared = Prepared(lambda slug: Monument.objects.filter(slug=slug), slug=str)
    with pytest.raises(TypeError, match="values"):
        prepared.rows(slug="temple-of-bel")


def test_only_int_and_str_parameters():
    with pytest.raises(TypeError, match="int or a str"):
        Prepared(lambda on: Source.objects.filter(published_on=on).values("key"), on=object)
