"""The learned filter of drafting: candidates the rules consider, the scorer that reads
the stored coefficients, deterministic training, and leave-one-conflict-out measurement
that never scores a conflict with a model trained on it."""

import datetime
import io
import json
import math
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from heritage.drafting.article import draft_article
from heritage.drafting.candidates import PAIR_FEATURES, PairCandidate, pair_features
from heritage.drafting.corpus import read_corpus
from heritage.drafting.learned import LearnedFilter, ModelError, load_model, save_model
from heritage.drafting.registry import draft, fixture_objects, load_gazetteer
from heritage.drafting.training import Example, examples_of, fit, leave_one_conflict_out
from heritage.models import DamageReport

from .conftest import ARTICLES_DIR, TEST_ARTICLES

PUBLISHED = datetime.date(2016, 5, 1)
MODAL = "The Citadel of Aleppo could be destroyed if the fighting goes on."
PLAIN = "The Citadel of Aleppo was badly damaged in the fighting."


def keep_all() -> LearnedFilter:
    return LearnedFilter(("any_rule",), (0.0,), 10.0)


def keep_none() -> LearnedFilter:
    return LearnedFilter(("any_rule",), (0.0,), -10.0)


def test_the_scorer_reproduces_the_decision_of_the_coefficients():
    model = LearnedFilter(("a", "b", "c"), (2.0, -1.5, 0.25), -0.5, threshold=0.5)
    features = {"a": 1.0, "b": 1.0, "c": 0.5, "not-a-feature": 9.0}
    linear = -0.5 + 2.0 - 1.5 + 0.125
    assert model.score(features) == pytest.approx(1 / (1 + math.exp(-linear)))
    # At threshold 0.5 a pair is kept exactly when the linear score is not negative.
    for values in ({"a": 1.0}, {"b": 1.0}, {"a": 1.0, "b": 1.0}, {}, {"c": 1.0, "a": 0.25}):
        value = -0.5 + sum(
            w * values.get(n, 0.0) for n, w in zip("abc", (2.0, -1.5, 0.25), strict=True)
        )
        assert model.keeps(values) is (value >= 0), values
    assert LearnedFilter(("a",), (1.0,), 0.0, threshold=0.9).keeps({"a": 1.0}) is False


def test_a_model_survives_its_json_file(tmp_path):
    model = LearnedFilter(("any_rule", "any_modal"), (2.5, -1.25), -0.75, 0.4, {"pairs": 3})
    save_model(model, tmp_path / "m.json")
    again = load_model(tmp_path / "m.json")
    assert (again.features, again.weights, again.bias, again.threshold) == (
        model.features,
        model.weights,
        model.bias,
        model.threshold,
    )
    assert again.trained_on == {"pairs": 3}


def test_the_shipped_model_loads_and_weighs_only_known_features():
    model = load_model()
    assert model.features and set(model.features) <= set(PAIR_FEATURES)
    assert 0 < model.threshold < 1
    assert model.trained_on["pairs"] > 0
    assert all(math.isfinite(w) for w in model.weights)


@pytest.mark.parametrize(
    "content", ["not json", "[]", '{"weights": [1, 2]}', '{"weights": {"a": "x"}, "bias": 0}']
)
def test_a_model_file_that_is_not_a_filter_is_an_error_naming_it(tmp_path, content):
    path = tmp_path / "broken.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ModelError, match="broken.json"):
        load_model(path)
    with pytest.raises(ModelError, match="no model file"):
        load_model(tmp_path / "missing.json")


def test_candidates_include_what_the_rules_drop_and_leave_the_rules_unchanged(gazetteer):
    text = f"{MODAL}\n\n{PLAIN}\n"
    plain = draft_article(text, gazetteer=gazetteer, published_on=PUBLISHED)
    traced = draft_article(text, gazetteer=gazetteer, published_on=PUBLISHED, candidates=True)
    assert [(c.monument, c.state, c.excerpt) for c in traced.claims] == [
        (c.monument, c.state, c.excerpt) for c in plain.claims
    ]
    assert not plain.candidates
    modal = [c for c in traced.candidates if c.excerpt == MODAL and c.state == "destroyed"]
    assert modal and modal[0].features["modal"] == 1.0 and modal[0].features["rule"] == 0.0
    kept = [c for c in traced.candidates if c.claim is not None]
    assert {(c.monument, c.state) for c in kept} == {(c.monument, c.state) for c in plain.claims}
    assert all(c.features["rule"] == 1.0 for c in kept)


def test_pair_features_gather_each_pair_once(gazetteer):
    text = f"{MODAL}\n\n{PLAIN}\n\nThe Citadel of Aleppo was also badly damaged by shelling.\n"
    result = draft_article(text, gazetteer=gazetteer, published_on=PUBLISHED, candidates=True)
    pairs = pair_features(result.candidates, {"aleppo"})
    assert len({p.pair for p in pairs}) == len(pairs)
    severe = next(p for p in pairs if p.pair == ("aleppo-citadel", "severely_damaged"))
    assert severe.features["any_rule"] == 1.0
    assert severe.features["rule_sentences"] == pytest.approx(math.log1p(2))
    destroyed = next(p for p in pairs if p.pair == ("aleppo-citadel", "destroyed"))
    # read under a modal in one sentence, as a stronger reading of "badly damaged" in two
    assert destroyed.features["any_rule"] == 0.0
    assert destroyed.features["any_modal"] == 1.0 and destroyed.features["all_modal"] == 0.0
    assert destroyed.features["any_variant"] == 1.0
    assert destroyed.features["readings"] == pytest.approx(math.log1p(3))
    assert set(severe.features) == set(PAIR_FEATURES)


def test_the_learned_filter_decides_the_claims_and_keeps_excerpts_verbatim(gazetteer):
    text = f"{MODAL}\n\n{PLAIN}\n"
    everything = draft_article(
        text, gazetteer=gazetteer, published_on=PUBLISHED, learned=keep_all()
    )
    pairs = {(c.monument, c.state) for c in everything.claims}
    # The pair only the modal sentence reads becomes a claim, drafted from that sentence.
    assert ("aleppo-citadel", "destroyed") in pairs
    assert all(c.excerpt and c.excerpt in text for c in everything.claims)
    assert len({c.key for c in everything.claims}) == len(everything.claims)
    nothing = draft_article(text, gazetteer=gazetteer, published_on=PUBLISHED, learned=keep_none())
    assert nothing.claims == []


def example(conflict: str, value: float, label: bool, article: str = "a") -> Example:
    pair = PairCandidate("m", "destroyed", {"any_rule": value, "any_modal": 1 - value}, [])
    return Example(article, conflict, pair, label)


def test_training_is_deterministic_and_learns_an_informative_feature():
    examples = [example("x", 1.0, True)] * 6 + [example("x", 0.0, False)] * 6
    examples += [example("y", 1.0, False), example("y", 0.0, True)]
    first = fit(examples, features=("any_rule", "any_modal"))
    second = fit(list(examples), features=("any_rule", "any_modal"))
    assert first.weights == second.weights and first.bias == second.bias
    assert first.weights[0] > 0 > first.weights[1]
    assert first.keeps({"any_rule": 1.0}) and not first.keeps({"any_modal": 1.0})
    assert first.trained_on["conflicts"] == ["x", "y"]


def write_article(folder, name, text, claims, conflict):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    labels = {"published_on": "2016-05-01", "conflict": conflict, "claims": claims}
    (folder / f"{name}.json").write_text(json.dumps(labels), encoding="utf-8")


def tiny_corpus(root):
    citadel = [{"monument": "aleppo-citadel", "state": "severely_damaged"}]
    museum = [{"monument": "mosul-museum", "state": "damaged"}]
    write_article(root / "one", "a", f"Aleppo citadel hit\n\n{PLAIN}\n", citadel, "one")
    write_article(
        root / "two", "b", "Mosul Museum looted\n\nThe Mosul Museum was looted.\n", museum, "two"
    )
    write_article(
        root / "three",
        "c",
        "Nimrud\n\nMilitants blew up Nimrud, the army said.\n",
        [{"monument": "nimrud", "state": "destroyed"}],
        "three",
    )


def test_leave_one_conflict_out_never_trains_on_the_conflict_it_scores(gazetteer, tmp_path):
    tiny_corpus(tmp_path)
    articles = read_corpus(tmp_path)
    sites = {slug for slug, place in gazetteer.places.items() if place.is_site}
    used: list[LearnedFilter] = []

    def drafter_for(model):
        def run(text, fallback, known):
            return draft_article(
                text,
                gazetteer=gazetteer,
                fallback_published_on=fallback,
                candidates=True,
                learned=model,
            )

        return run

    def train(examples):
        model = fit(examples)
        model.trained_on["seen"] = sorted({e.conflict for e in examples})
        used.append(model)
        return model

    report = leave_one_conflict_out(articles, drafter_for, sites, train=train)
    assert [fold.conflict for fold in report.folds] == ["one", "three", "two"]
    for fold in report.folds:
        assert fold.conflict not in fold.model.trained_on["seen"]
        assert fold.model.trained_on["seen"] == sorted({"one", "two", "three"} - {fold.conflict})
        assert {r.article.conflict for r in fold.learned.articles} == {fold.conflict}
    assert len(used) == 3
    assert report.total("rules").articles == report.total("learned").articles == 3
    # Every example of the corpus is a candidate of one article of one conflict.
    examples = examples_of(articles, drafter_for(None), sites)
    assert {e.conflict for e in examples} == {"one", "two", "three"}


def test_evaluate_prints_leave_one_conflict_out_beside_the_rules(registry, tmp_path):
    tiny_corpus(tmp_path / "set")
    out = io.StringIO()
    call_command("evaluate_drafting", str(tmp_path), "--leave-one-conflict-out", stdout=out)
    report = out.getvalue()
    assert "per failure class" in report  # the rules' report is still there
    for conflict in ("one", "two", "three"):
        assert re.search(
            rf"  {conflict}: 1 articles, rules precision [\d.]+ recall [\d.]+ .*; "
            rf"learned precision [\d.]+ recall [\d.]+",
            report,
        ), conflict
    assert re.search(
        r"    set: 3 articles, rules precision .*; learned precision .*; candidates hold "
        r"\d+ of 3 labelled pairs",
        report,
    )
    assert re.search(
        r"candidates: \d+ \(monument, state\) pairs hold \d+ of the 3 labelled", report
    )
    assert re.search(
        r"leave-one-conflict-out micro-average over 3 articles: rules precision [\d.]+ "
        r"recall [\d.]+ .*; learned precision",
        report,
    )


def test_train_command_writes_a_model_the_drafter_loads(registry, tmp_path):
    tiny_corpus(tmp_path / "corpus")
    target = tmp_path / "model.json"
    out = io.StringIO()
    call_command("train_drafting", str(tmp_path / "corpus"), "-o", str(target), stdout=out)
    assert "3 articles, 3 conflicts" in out.getvalue()
    first = target.read_bytes()
    call_command("train_drafting", str(tmp_path / "corpus"), "-o", str(target), stdout=out)
    assert target.read_bytes() == first  # the same corpus gives the same file
    assert set(load_model(target).features) == set(PAIR_FEATURES)
    with pytest.raises(CommandError, match="no such folder"):
        call_command("train_drafting", str(tmp_path / "nowhere"), "-o", str(target))


def test_learned_drafts_are_verbatim_and_load(registry, tmp_path):
    gazetteer = load_gazetteer()
    model = load_model()
    drafts = []
    for path in TEST_ARTICLES:
        text = path.read_text(encoding="utf-8")
        labels = json.loads((ARTICLES_DIR.parent / "labels" / f"{path.stem}.json").read_text())
        result = draft(
            text,
            gazetteer=gazetteer,
            outlets=[],
            fallback_published_on=datetime.date.fromisoformat(labels["published_on"]),
            key=f"learned-{path.stem}"[:120],
            learned=model,
        )
        assert all(c.excerpt and c.excerpt in text for c in result.claims), path.name
        drafts.append(result)
    objects = fixture_objects(drafts)
    claims = sum(1 for o in objects if o["model"] == "heritage.damagereport")
    assert claims
    fixture = tmp_path / "learned-drafts.json"
    fixture.write_text(json.dumps(objects), encoding="utf-8")
    call_command("loaddata", str(fixture), verbosity=0)
    assert DamageReport.objects.filter(source__key__startswith="learned-").count() == claims


def test_draft_fixture_uses_the_learned_filter_only_when_asked(registry, tmp_path):
    article = tmp_path / "a.txt"
    article.write_text(f"Aleppo citadel\n\n1 May 2016\n\n{MODAL}\n\n{PLAIN}\n", encoding="utf-8")
    plain, learned = io.StringIO(), io.StringIO()
    call_command("draft_fixture", str(article), stdout=plain, stderr=io.StringIO())
    call_command("draft_fixture", str(article), "--learned", stdout=learned, stderr=io.StringIO())

    def pairs(out):
        return {
            (o["fields"]["monument"][0], o["fields"]["state"])
            for o in json.loads(out.getvalue())
            if o["model"] == "heritage.damagereport"
        }

    assert pairs(plain) == {("aleppo-citadel", "severely_damaged")}
    assert ("aleppo-citadel", "destroyed") not in pairs(learned)
