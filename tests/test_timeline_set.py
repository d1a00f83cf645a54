"""The labelled timeline sets of bench/timelines/ and the held-out sets beside it: real
reporting, loadable as it is."""

import json
from collections import Counter

import pytest
from django.core.management import call_command

from heritage.consensus import STATES
from heritage.models import DamageReport, Monument

from .conftest import ROOT

TIMELINES = ROOT / "bench" / "timelines"
HELD_OUT = ROOT / "bench" / "timelines_heldout"
HELD_OUT_2 = ROOT / "bench" / "timelines_heldout2"
HELD_OUT_3 = ROOT / "bench" / "timelines_heldout3"
HELD_OUT_4 = ROOT / "bench" / "timelines_heldout4"


def files(directory):
    return [directory / "gazetteer.json", *sorted((directory / "articles").glob("*.json"))]


@pytest.mark.parametrize(
    ("directory", "monuments", "accepted"),
    [
        (TIMELINES, 30, 150),
        (HELD_OUT, 15, 90),
        (HELD_OUT_2, 15, 90),
        (HELD_OUT_3, 15, 90),
        (HELD_OUT_4, 19, 160),
    ],
)
def test_a_timeline_set_loads_with_its_monuments_and_claims_of_dated_truth(
    django_user_model, directory, monuments, accepted
):
    django_user_model.objects.create_superuser("evaluator", "evaluator@localhost", None)
    call_command("loaddata", *map(str, files(directory)), accept_as="evaluator", verbosity=0)

    truth = json.loads((directory / "truth.json").read_text(encoding="utf-8"))["monuments"]
    slugs = set(truth)
    claims = DamageReport.objects.accepted().filter(monument__slug__in=slugs)
    assert len(slugs) >= monuments
    assert claims.count() >= accepted
    assert set(Monument.objects.filter(slug__in=slugs).values_list("slug", flat=True)) == slugs
    per_monument = Counter(claims.values_list("monument__slug", flat=True))
    assert set(per_monument) == slugs  # every labelled monument has evidence
    assert all(changes == sorted(changes) for changes in truth.values())


def test_the_sets_share_no_monument():
    def slugs(directory):
        return set(json.loads((directory / "truth.json").read_text(encoding="utf-8"))["monuments"])

    sets = [slugs(d) for d in (TIMELINES, HELD_OUT, HELD_OUT_2, HELD_OUT_3, HELD_OUT_4)]
    assert sum(map(len, sets)) == len(set().union(*sets))
    # nor any with the registry's own gazetteer, whose 2015-2017 reporting stays unseen
    seed = json.loads((ROOT / "fixtures" / "gazetteer.json").read_text(encoding="utf-8"))
    seed_slugs = {r["fields"]["slug"] for r in seed if r["model"] == "heritage.monument"}
    assert not seed_slugs & set().union(*sets)


@pytest.mark.parametrize("directory", [TIMELINES, HELD_OUT, HELD_OUT_2, HELD_OUT_3, HELD_OUT_4])
def test_palmyra_is_kept_out_of_the_timeline_sets(directory):
    text = "\n".join(path.read_text(encoding="utf-8") for path in files(directory)).lower()
    text = text.replace("palmyra hotel", "")  # a hotel in Baalbek, named after the city
    text = text.replace("palmyrah leaf", "")  # the palm whose leaves carried manuscripts
    for name in ("palmyra", "tadmur", "tadmor"):
        assert name not in text


@pytest.mark.parametrize("directory", [HELD_OUT, HELD_OUT_2, HELD_OUT_3, HELD_OUT_4])
def test_a_second_labellers_truth_covers_the_same_monuments_on_the_scale(directory):
    def read(name):
        return json.loads((directory / name).read_text(encoding="utf-8"))["monuments"]

    first, second = read("truth.json"), read("truth_second.json")
    assert set(second) == set(first)
    for changes in second.values():
        assert changes == sorted(changes)
        assert {state for _, state in changes} <= set(STATES)
