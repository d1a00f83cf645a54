"""The stored consensus follows every change it depends on, whichever way it arrives."""

import datetime
import importlib
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import call_command

from heritage import services
from heritage.models import (
    MEMBERS_ONLY_FOR_GROUP,
    PUBLISHED_BEFORE_OBSERVATION,
    DamageReport,
    Monument,
    MonumentConsensus,
    Outlet,
    Rank,
    ReviewStatus,
    Source,
    StatusOverride,
)

from .conftest import SEED_REVIEWER

ARCH = "arch-of-triumph"


def state_of(slug: str) -> str:
    return MonumentConsensus.objects.get(monument__slug=slug).state


def origins_of(slug: str) -> int:
    return MonumentConsensus.objects.get(monument__slug=slug).independent_origins


@pytest.fixture
def curator(db):
    return get_user_model().objects.create_user("reviewer", password="x", is_staff=True)


@pytest.fixture
def restoration_claims(seeded):
    """Drafted claims from two independent 2019 sources that the arch was restored."""
    reports = []
    for n, outlet in enumerate(["afp", "reuters"]):
        source = Source.objects.create(
            key=f"restoration-{n}",
            title=f"Arch restored ({n})",
            published_on=datetime.date(2019, 6, 1),
            outlet=Outlet.objects.get(slug=outlet),
        )
        reports.append(
            DamageReport.objects.create(
                source=source,
                key="arch",
                monument=Monument.objects.get(slug=ARCH),
                state="restored",
                excerpt="The arch was restored and reopened.",
                evidence="eyewitness",
                observed_from=datetime.date(2019, 5, 30),
            )
        )
    return reports


def test_drafted_claims_do_not_move_the_consensus(restoration_claims):
    assert state_of(ARCH) == "destroyed"


def test_accepting_claims_through_the_service_updates_the_consensus(restoration_claims, curator):
    services.review_reports(
        reports=restoration_claims, decision=ReviewStatus.ACCEPTED, reviewer=curator
    )
    assert state_of(ARCH) == "restored"


def test_a_plain_orm_save_updates_the_consensus(restoration_claims):
    for report in restoration_claims:
        report.review_status = ReviewStatus.ACCEPTED
        report.reviewed_at = datetime.datetime(2019, 7, 1, tzinfo=datetime.UTC)
        report.save()
    assert state_of(ARCH) == "restored"
    restoration_claims[0].delete()
    restoration_claims[1].delete()
    assert state_of(ARCH) == "destroyed"


def test_moving_a_claim_to_another_monument_refreshes_both(seeded):
    report = DamageReport.objects.get(
        source__key="asharq-al-awsat-2016-03-28-syrian-forces-retake-palmyra", key="tadmur-prison"
    )
    report.monument = Monument.objects.get(slug="tetrapylon")
    report.save()
    assert state_of("tadmur-prison") == "unknown"
    assert state_of("tetrapylon") == "destroyed"


def test_rejecting_the_only_claim_makes_the_state_unknown(seeded, curator):
    report = DamageReport.objects.get(monument__slug="mar-elian-monastery")
    services.review_reports(
        reports=[report], decision=ReviewStatus.REJECTED, reviewer=curator, note="duplicate"
    )
    assert state_of("mar-elian-monastery") == "unknown"


def test_deprecating_a_claim_with_a_reason_discounts_it(seeded, curator):
    report = DamageReport.objects.get(monument__slug="tadmur-prison")
    services.rank_report(
        report=report, rank=Rank.DEPRECATED, reason="prison is not heritage", curator=curator
    )
    stored = MonumentConsensus.objects.get(monument__slug="tadmur-prison")
    assert stored.state == "unknown"
    assert "deprecated by a curator: prison is not heritage" in stored.explanation[0]["reasons"]


def test_an_override_is_stored_and_flagged_and_clearing_it_restores_the_evidence(seeded, curator):
    monument = Monument.objects.get(slug="palmyra-museum")
    services.override_status(
        monument=monument, state="damaged", reason="site visit 2016-04", curator=curator
    )
    stored = MonumentConsensus.objects.get(monument=monument)
    assert (stored.state, stored.evidence_state, stored.overridden) == (
        "damaged",
        "severely_damaged",
        True,
    )
    services.clear_override(monument=monument)
    assert state_of("palmyra-museum") == "severely_damaged"
    assert not StatusOverride.objects.exists()


def test_removing_a_copy_link_makes_the_copy_an_independent_origin(seeded):
    copy = Source.objects.get(key="agency-inputs-2016-03-27-syria-forces-retake-palmyra")
    assert origins_of("temple-of-bel") == 3
    copy.copies_passages_from.clear()
    assert origins_of("temple-of-bel") == 4


def test_changing_wire_credits_regroups_origins(seeded):
    asharq = Source.objects.get(key="asharq-al-awsat-2016-03-28-syrian-forces-retake-palmyra")
    asharq.wire_credits.add(Outlet.objects.get(slug="afp"))
    # Now it carries AFP copy of the same days: one origin with the AFP articles.
    assert origins_of("temple-of-bel") == 2


def test_changing_an_outlets_reliability_changes_the_weights(seeded):
    before = MonumentConsensus.objects.get(monument__slug="mar-elian-monastery").confidence
    news24 = Outlet.objects.get(slug="news24")
    afp = Outlet.objects.get(slug="afp")
    services.set_outlet_reliability(outlet=afp, reliability=Decimal("0.10"))
    services.set_outlet_reliability(outlet=news24, reliability=Decimal("0.10"))
    after = MonumentConsensus.objects.get(monument__slug="mar-elian-monastery").confidence
    assert after < before


def test_changing_a_sources_publication_date_refreshes_its_monuments(seeded):
    # The two AFP articles are one origin because they appeared a day apart;
    # moving one a month away splits the AFP origin in two.
    news24 = Source.objects.get(key="news24-2016-03-29-syria-army-keeps-pressure")
    news24.published_on = datetime.date(2016, 5, 1)
    news24.save()
    assert origins_of("arch-of-triumph") == 4


def test_loaddata_refreshes_the_monuments_of_new_claims(seeded, tmp_path):
    fixture = tmp_path / "new.json"
    fixture.write_text(
        json.dumps(
            [
                {
                    "model": "heritage.source",
                    "fields": {
                        "key": "unesco-2016-04-01-tetrapylon",
                        "title": "Tetrapylon damaged",
                        "published_on": "2016-04-01",
                        "kind": "statement",
                    },
                },
                {
                    "model": "heritage.damagereport",
                    "fields": {
                        "source": ["unesco-2016-04-01-tetrapylon"],
                        "key": "tetrapylon",
                        "monument": ["tetrapylon"],
                        "state": "damaged",
                        "excerpt": "The tetrapylon was damaged.",
                        "evidence": "official",
                        "review_status": "accepted",
                    },
                },
            ]
        )
    )
    call_command("loaddata", str(fixture), accept_as=SEED_REVIEWER, verbosity=0)
    assert state_of("tetrapylon") == "damaged"


def test_a_failed_loaddata_leaves_the_consensus_as_it_was(seeded, tmp_path):
    before = list(MonumentConsensus.objects.order_by("pk").values())
    fixture = tmp_path / "bad.json"
    fixture.write_text('[{"model": "heritage.damagereport", "fields": {"state": "x"}}]')
    with pytest.raises(Exception, match="bad.json"):
        call_command("loaddata", str(fixture), verbosity=0)
    assert list(MonumentConsensus.objects.order_by("pk").values()) == before


def afp_destroyed_claim(key: str, monument: Monument, excerpt: str, evidence: str):
    """A drafted claim, in an AFP story of 4 June 2016, that *monument* was destroyed
    (observed on 2 June)."""
    source = Source.objects.create(
        key=f"{key}-gone",
        title=f"{monument.name} blown up",
        published_on=datetime.date(2016, 6, 4),
        outlet=Outlet.objects.get(slug="afp"),
    )
    return DamageReport.objects.create(
        source=source,
        key=key,
        monument=monument,
        state="destroyed",
        excerpt=excerpt,
        evidence=evidence,
        observed_from=datetime.date(2016, 6, 2),
    )


def test_a_members_claim_rolls_up_to_its_group(seeded, curator):
    """Groups and extent: accepting or rejecting a member's claim recomputes its group,
    whose state and extent follow the member's (one of two members destroyed: severely
    damaged); recording the group's number of members recomputes it too."""
    tombs = Monument.objects.get(slug="tower-tombs")
    twin = Monument.objects.create(
        slug="twin-tower", name="Twin tower", kind="tomb", site=tombs.site, part_of=tombs
    )
    report = afp_destroyed_claim(
        "elahbel",
        Monument.objects.get(slug="tower-of-elahbel"),
        "Satellite images show the Tower of Elahbel has been destroyed.",
        "imagery",
    )
    tombs.member_count = 24
    tombs.save()
    assert state_of("tower-tombs") == "damaged"  # a dozen of 24: 50%, but weakly reported
    assert MonumentConsensus.objects.get(monument=tombs).extent_destroyed == 12

    services.review_reports(reports=[report], decision=ReviewStatus.ACCEPTED, reviewer=curator)
    stored = MonumentConsensus.objects.get(monument=tombs)
    # A dozen already counts the member: the larger count, not the sum.
    assert (stored.extent_destroyed, stored.extent_affected) == (12, 12)

    tombs.member_count = 2
    tombs.save()
    assert twin.part_of_id == tombs.pk
    # One of two recorded members destroyed, observed after the group's own claims.
    assert state_of("tower-tombs") == "severely_damaged"
    services.review_reports(
        reports=[report], decision=ReviewStatus.REJECTED, reviewer=curator, note="misread"
    )
    assert state_of("tower-tombs") == "damaged"


def test_a_member_that_leaves_its_group_recomputes_the_group(seeded, curator):
    """Groups and extent: the group's status, extent and stored past follow its members;
    a member moved out of the group, or a group's number of members cleared, recompute
    the former group too."""
    tombs = Monument.objects.get(slug="tower-tombs")
    elahbel = Monument.objects.get(slug="tower-of-elahbel")
    report = afp_destroyed_claim(
        "elahbel",
        elahbel,
        "Satellite images show the Tower of Elahbel has been destroyed.",
        "imagery",
    )
    services.review_reports(reports=[report], decision=ReviewStatus.ACCEPTED, reviewer=curator)
    tombs.member_count = 2
    tombs.save()
    with_member = MonumentConsensus.objects.get(monument=tombs)
    assert with_member.extent_destroyed >= 1

    elahbel.part_of = None
    elahbel.save()
    alone = MonumentConsensus.objects.get(monument=tombs)
    recomputed = services.consensus_at(monument_ids=[tombs.pk])[tombs.pk][0]
    assert (alone.state, alone.extent_destroyed) == (
        recomputed.state,
        recomputed.extent.destroyed if recomputed.extent else None,
    )
    assert alone.history_digest != with_member.history_digest  # its past was rewritten

    tombs.member_count = None
    tombs.save()
    cleared = MonumentConsensus.objects.get(monument=tombs)
    recomputed = services.consensus_at(monument_ids=[tombs.pk])[tombs.pk][0]
    assert cleared.history_digest != alone.history_digest
    assert cleared.state == recomputed.state


def test_a_source_cannot_be_dated_before_what_its_claims_observed(seeded):
    source = Source.objects.create(
        key="late-report", title="Late report", published_on=datetime.date(2016, 6, 10)
    )
    DamageReport.objects.create(
        source=source,
        key="bel",
        monument=Monument.objects.get(slug="temple-of-bel"),
        state="destroyed",
        excerpt="The temple is gone.",
        evidence="imagery",
        observed_from=datetime.date(2016, 6, 1),
        observed_to=datetime.date(2016, 6, 8),
    )
    source.published_on = datetime.date(2016, 6, 5)
    with pytest.raises(ValidationError) as refused:
        source.full_clean()
    assert refused.value.message_dict["published_on"] == [
        PUBLISHED_BEFORE_OBSERVATION.format(claim="bel", observed="2016-06-08")
    ]
    source.published_on = datetime.date(2016, 6, 8)
    source.full_clean()  # on the last day observed: fine


def _mosque_with_minaret(seeded, curator) -> tuple[Monument, Monument]:
    """A whole (the Temple of Bel as a mosque would be) with a part, its minaret, and an
    accepted eyewitness claim that the part was destroyed after the whole's own claims."""
    bel = Monument.objects.get(slug="temple-of-bel")
    cella = Monument.objects.create(
        slug="cella-of-bel", name="Cella of Bel", kind="temple", site=bel.site, part_of=bel
    )
    report = afp_destroyed_claim(
        "cella", cella, "The cella of the temple has been blown up.", "eyewitness"
    )
    services.review_reports(reports=[report], decision=ReviewStatus.ACCEPTED, reviewer=curator)
    return bel, cella


def test_a_whole_with_parts_is_not_counted_like_a_group(seeded, curator):
    """Wholes and parts: a part's destruction makes the whole severely damaged at most,
    unless the whole itself is stated destroyed, and a whole has no extent. Turning it
    into a group of like members recomputes it by share."""
    bel, cella = _mosque_with_minaret(seeded, curator)
    assert bel.composition == "whole"
    stored = MonumentConsensus.objects.get(monument=bel)
    # The seeds say the temple itself was destroyed in 2015: the part cannot lower it.
    assert stored.state == "destroyed"
    assert (stored.extent_destroyed, stored.extent_affected, stored.extent_restored) == (
        None,
        None,
        None,
    )

    tetrapylon = Monument.objects.get(slug="tetrapylon")  # no claims of its own
    cella.part_of = tetrapylon
    cella.save()
    stored = MonumentConsensus.objects.get(monument=tetrapylon)
    assert (stored.state, stored.extent_destroyed) == ("severely_damaged", None)

    tetrapylon.composition = "group"
    tetrapylon.save()
    stored = MonumentConsensus.objects.get(monument=tetrapylon)
    # One member of a group of unknown size: damaged, counted.
    assert (stored.state, stored.extent_destroyed) == ("damaged", 1)


def test_only_a_group_of_like_members_has_a_number_of_members(seeded):
    bel = Monument.objects.get(slug="temple-of-bel")
    bel.member_count = 3
    with pytest.raises(ValidationError) as raised:
        bel.full_clean()
    assert raised.value.message_dict["member_count"] == [MEMBERS_ONLY_FOR_GROUP]
    bel.composition = "group"
    bel.full_clean()


def test_an_extent_computed_for_the_first_time_does_not_move_changed_at(seeded, curator):
    """A refresh that fills extent columns stored empty (a row from before extents were
    computed) writes them but keeps changed_at, so updated_since does not list every
    group once; an extent withdrawn (a group turned whole) is a change."""
    tombs = Monument.objects.get(slug="tower-tombs")
    long_ago = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
    MonumentConsensus.objects.filter(monument=tombs).update(
        extent_destroyed=None,
        extent_affected=None,
        extent_restored=None,
        history_digest="",
        changed_at=long_ago,
    )

    assert services.refresh_consensus(monument_ids={tombs.pk}) == 1
    stored = MonumentConsensus.objects.get(monument=tombs)
    assert (stored.extent_destroyed, stored.changed_at) == (12, long_ago)

    # A group whose one member has no evidence: its extent alone goes when it turns whole.
    arch = Monument.objects.get(slug=ARCH)
    Monument.objects.create(
        slug="arch-gate", name="Gate", kind="arch", site=arch.site, part_of=arch
    )
    arch.composition = "group"
    arch.save()
    before = MonumentConsensus.objects.get(monument=arch)
    MonumentConsensus.objects.filter(monument=arch).update(changed_at=long_ago)
    arch.composition = "whole"
    arch.save()
    after = MonumentConsensus.objects.get(monument=arch)
    assert (before.extent_destroyed, after.extent_destroyed) == (0, None)
    assert after.state == before.state and after.changed_at > long_ago


def test_upgrading_keeps_the_monuments_recorded_as_groups_groups(seeded):
    """The migration that adds composition: tomb groups and monuments with a number of
    members stay groups; any other monument is a whole; no record's updated_at moves."""
    from django.apps import apps

    folder = Path(services.__file__).parent / "migrations"
    (path,) = folder.glob("*_monument_composition.py")
    migration = importlib.import_module(f"heritage.migrations.{path.stem}")
    counted = Monument.objects.get(slug="tetrapylon")
    counted.composition, counted.member_count = "group", 4
    counted.save()
    Monument.objects.update(composition="whole")
    before = dict(Monument.objects.values_list("slug", "updated_at"))

    migration.mark_groups(apps, None)

    groups = set(Monument.objects.filter(composition="group").values_list("slug", flat=True))
    assert groups == {"tower-tombs", "tetrapylon"}
    assert dict(Monument.objects.values_list("slug", "updated_at")) == before
