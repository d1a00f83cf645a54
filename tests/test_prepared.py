"""Queries compiled once (heritage.prepared): the same rows as the queryset, one
compilation per connection, and parameters the ORM would rewrite refused."""

import threading

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from heritage.models import DamageReport, Monument, Source
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
def test_another_thread_compiles_on_its_own_connection():
    prepared = Prepared(lambda slug: Monument.objects.filter(slug=slug).values("slug"), slug=str)
    assert prepared.rows(slug="temple-of-bel") == []
    seen = []

    def other():
        try:
            seen.append((prepared.rows(slug="temple-of-bel"), len(prepared._compiled)))
        finally:
            connection.close()

    thread = threading.Thread(target=other)
    thread.start()
    thread.join()
    assert seen == [([], 2)], "each thread's connection has its own compiled query"


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
