"""The labelled timeline set of bench/timelines/: real reporting, loadable as it is."""

import json
from collections import Counter

from django.core.management import call_command

from heritage.models import DamageReport, Monument

from .conftest import ROOT

TIMELINES = ROOT / "bench" / "timelines"
FILES = [TIMELINES / "gazetteer.json", *sorted((TIMELINES / "articles").glob("*.json"))]


def test_the_timeline_set_loads_with_thirty_monuments_and_150_claims_of_dated_truth(
    django_user_model,
):
    django_user_model.objects.create_superuser("evaluator", "evaluator@localhost", None)
    call_command("loaddata", *map(str, FILES), accept_as="evaluator", verbosity=0)

    truth = json.loads((TIMELINES / "truth.json").read_text(encoding="utf-8"))["monuments"]
    slugs = set(truth)
    claims = DamageReport.objects.accepted().filter(monument__slug__in=slugs)
    assert len(slugs) >= 30
    assert claims.count() >= 150
    assert set(Monument.objects.filter(slug__in=slugs).values_list("slug", flat=True)) == slugs
    per_monument = Counter(claims.values_list("monument__slug", flat=True))
    assert set(per_monument) == slugs  # every labelled monument has evidence
    assert all(changes == sorted(changes) for changes in truth.values())


def test_palmyra_is_kept_out_of_the_timeline_set():
    text = "\n".join(path.read_text(encoding="utf-8") for path in FILES).lower()
    for name in ("palmyra", "tadmur", "tadmor"):
        assert name not in text
