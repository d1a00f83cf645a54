"""Concurrent writes lose nothing (PostgreSQL, real concurrent transactions in threads):
two loads both apply; a load and a review leave every stored consensus current; a long
load does not hold up an admin save until it ends. SQLite runs one writing
transaction at a time, so these interleavings cannot happen there."""

from __future__ import annotations

import datetime
import json
import threading
import time

import pytest
from django.core.management import call_command
from django.db import connection, connections

from heritage import services
from heritage.models import DamageReport, Monument, MonumentConsensus, Source

from .conftest import load_seed_fixtures

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs concurrent writing transactions"
    ),
]


def run_in_threads(*targets):
    """Run each target in its own thread (own database connection); re-raise failures."""
    errors = []

    def wrap(target):
        try:
            target()
        except BaseException as exc:  # noqa: BLE001 - reported to the test below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=wrap, args=(t,)) for t in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a writer never finished"
    if errors:
        raise errors[0]


def article(path, key: str, monument: str, *, outlet: str) -> str:
    content = [
        {"model": "heritage.outlet", "fields": {"slug": outlet, "name": outlet.upper(),
                                                "kind": "news_agency"}},
        {"model": "heritage.source", "fields": {
            "key": key, "kind": "article", "title": key, "published_on": "2016-04-02",
            "language": "en", "outlet": [outlet], "wire_credits": [[outlet]]}},
        {"model": "heritage.damagereport", "fields": {
            "source": [key], "key": monument, "monument": [monument], "state": "destroyed",
            "excerpt": f"{monument} is gone.", "evidence": "imagery",
            "observed_from": "2016-04-01", "review_status": "drafted"}},
    ]  # fmt: skip
    path.write_text(json.dumps(content), encoding="utf-8")
    return str(path)


def stored_consensus_is_current() -> bool:
    """Recomputing every monument changes nothing."""
    before = {c.monument_id: (c.state, c.claim_count, c.confidence)
              for c in MonumentConsensus.objects.all()}  # fmt: skip
    assert services.refresh_all() == 0, "a stored consensus was stale"
    return before == {c.monument_id: (c.state, c.claim_count, c.confidence)
                      for c in MonumentConsensus.objects.all()}  # fmt: skip


@pytest.fixture
def registry():
    load_seed_fixtures()


def test_two_loads_at_once_both_apply(registry, tmp_path):
    # Both files define the same new outlet: whichever commits second finds it present.
    files = [
        article(tmp_path / f"a{n}.json", f"test-2016-04-02-load-{n}", slug, outlet="wire-x")
        for n, slug in enumerate(["temple-of-bel", "arch-of-triumph", "tetrapylon"])
    ]

    run_in_threads(*[lambda f=f: call_command("loaddata", f, verbosity=0) for f in files])

    assert Source.objects.filter(key__startswith="test-2016-04-02-load-").count() == 3
    new = Source.objects.create(key="after", title="after", published_on="2016-04-03")
    assert new.pk > Source.objects.exclude(pk=new.pk).order_by("-pk").first().pk
    assert stored_consensus_is_current()


def test_a_load_and_a_review_of_the_same_monument_leave_its_consensus_current(
    registry, tmp_path, monkeypatch, django_user_model
):
    """The load computes the Temple of Bel's consensus, then pauses; the review accepts
    a claim on it meanwhile. Unserialised, the load would commit a consensus computed
    without the accepted claim."""
    reviewer = django_user_model.objects.create_user("rita", password="pw-12345")
    bel = Monument.objects.get(slug="temple-of-bel")
    drafted = DamageReport.objects.create(
        source=Source.objects.get(key="afp-2016-03-28-syria-troops-press-advance"),
        key="bel-drafted", monument=bel, state="intact", excerpt="The temple stands.",
        evidence="eyewitness", observed_from=datetime.date(2016, 3, 27),
    )  # fmt: skip
    fixture = article(
        tmp_path / "bel.json", "test-2016-04-02-bel", "temple-of-bel", outlet="wire-y"
    )
    load_computed = threading.Event()
    review_done = threading.Event()
    original = services.claims_by_monument

    def slow_for_the_load(*args, **kwargs):
        claims = original(*args, **kwargs)
        if threading.current_thread().name == "load":
            load_computed.set()
            review_done.wait(timeout=3)  # serialised: the review waits for the load
        return claims

    monkeypatch.setattr(services, "claims_by_monument", slow_for_the_load)

    def load():
        threading.current_thread().name = "load"
        call_command("loaddata", fixture, verbosity=0)

    def review():
        assert load_computed.wait(timeout=60)
        report = DamageReport.objects.get(pk=drafted.pk)
        services.review_reports(reports=[report], decision="accepted", reviewer=reviewer)
        review_done.set()

    run_in_threads(load, review)

    assert DamageReport.objects.get(pk=drafted.pk).review_status == "accepted"
    assert Source.objects.filter(key="test-2016-04-02-bel").exists()
    assert stored_consensus_is_current()


def test_a_long_load_does_not_hold_up_an_admin_save_until_it_ends(registry, tmp_path, monkeypatch):
    fixture = article(
        tmp_path / "slow.json", "test-2016-04-02-slow", "temple-of-bel", outlet="wire-z"
    )
    loaded = threading.Event()
    finished = {}
    original = services.update_search_text

    def slow_after_loading(**kwargs):
        if threading.current_thread().name == "load":
            loaded.set()
            time.sleep(3)  # the rest of a long load, after its objects are written
        return original(**kwargs)

    monkeypatch.setattr(services, "update_search_text", slow_after_loading)

    def load():
        threading.current_thread().name = "load"
        call_command("loaddata", fixture, verbosity=0)
        finished["load"] = time.monotonic()

    def admin_save():
        assert loaded.wait(timeout=60)
        arch = Monument.objects.get(slug="arch-of-triumph")
        arch.description = "Saved while a load runs."
        arch.save()
        finished["save"] = time.monotonic()

    run_in_threads(load, admin_save)

    assert finished["save"] < finished["load"] - 1
