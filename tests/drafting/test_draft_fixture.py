"""``manage.py draft_fixture`` end to end: every test article drafts a fixture that
``loaddata`` accepts as it is, with drafted claims quoting the article verbatim."""

import datetime
import json
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from heritage.models import DamageReport, ReviewStatus, Source

from ..conftest import GAZETTEER
from .conftest import ARTICLES_DIR, SEED_LABELS_DIR, TEST_ARTICLES, labels_of


def draft(tmp_path, article, *options):
    """Run draft_fixture on *article*; return the fixture's path and its objects."""
    output = tmp_path / f"{article.stem}.json"
    call_command("draft_fixture", str(article), "-o", str(output), *options, verbosity=0)
    return output, json.loads(output.read_text(encoding="utf-8"))


def of_model(objects, model):
    return [o["fields"] for o in objects if o["model"] == model]


def collapse(text):
    return re.sub(r"\s+", " ", text)


@pytest.mark.parametrize("article", TEST_ARTICLES, ids=lambda p: p.stem)
def test_draft_of_each_test_article_loads_as_drafted_claims_quoting_the_article(
    registry, tmp_path, article
):
    path, objects = draft(tmp_path, article)
    call_command("loaddata", str(path), verbosity=0)

    (source,) = of_model(objects, "heritage.source")
    stored = Source.objects.get(key=source["key"])
    assert stored.published_on.isoformat() == labels_of(article)["published_on"]
    claims = DamageReport.objects.filter(source=stored)
    assert claims.count() == len(of_model(objects, "heritage.damagereport")) > 0
    assert set(claims.values_list("review_status", flat=True)) == {ReviewStatus.DRAFTED}
    text = article.read_text(encoding="utf-8")
    for claim in claims:
        assert claim.excerpt in text
        assert claim.observed_until is None or claim.observed_until <= stored.published_on
        assert not claim.inferred or claim.inference_note


def test_draft_gives_the_metadata_the_text_supports(registry, tmp_path):
    _, objects = draft(tmp_path, ARTICLES_DIR / "mosul-al-nuri-blown-up-reuters.txt")
    (source,) = of_model(objects, "heritage.source")
    assert source["key"] == "reuters-2017-06-22-islamic-state-blows-up"
    assert source["title"] == "Islamic State blows up Mosul's historic al-Nuri mosque"
    assert source["outlet"] == ["reuters"]
    assert source["byline"] == "Karim Haddad and Lena Morel"
    assert source["dateline"] == "Mosul"
    assert source["published_on"] == "2017-06-22"
    assert source["wire_credits"] == [["reuters"]]
    assert source["url"] == "" and source["wire_story"] == ""
    outlets = of_model(objects, "heritage.outlet")
    assert outlets == [{"slug": "reuters", "name": "Reuters", "kind": "news_agency"}]
    by_key = {c["key"]: c for c in of_model(objects, "heritage.damagereport")}
    assert by_key["al-nuri-mosque-destroyed"]["observed_from"] == "2017-06-21"  # "on Wednesday"
    assert by_key["al-nuri-mosque-destroyed"]["cause"] == "explosives"
    assert by_key["mosul-museum-intact"]["evidence"] == "eyewitness"  # "a museum guard told"


def test_claim_keys_are_unique_within_the_source(registry, tmp_path):
    _, objects = draft(tmp_path, ARTICLES_DIR / "qaryatain-monastery-sana.txt")
    keys = [c["key"] for c in of_model(objects, "heritage.damagereport")]
    assert keys == [
        "mar-elian-monastery-destroyed",
        "mar-elian-monastery-destroyed-2",
        "al-qaryatain-severely-damaged",
    ]


def test_draft_prints_the_fixture_to_stdout(registry, capsys):
    call_command("draft_fixture", str(ARTICLES_DIR / "nimrud-palace-bulldozed.txt"), verbosity=0)
    objects = json.loads(capsys.readouterr().out)
    assert {o["model"] for o in objects} == {"heritage.source", "heritage.damagereport"}


def test_several_articles_make_one_fixture(registry, tmp_path):
    output = tmp_path / "two.json"
    call_command(
        "draft_fixture",
        str(ARTICLES_DIR / "mosul-al-nuri-blown-up-reuters.txt"),
        str(ARTICLES_DIR / "palmyra-tetrapylon-theatre-2017.txt"),
        "-o",
        str(output),
        verbosity=0,
    )
    call_command("loaddata", str(output), verbosity=0)
    assert Source.objects.count() == 2
    # Both credit Reuters: the outlet is defined once.
    objects = json.loads(output.read_text(encoding="utf-8"))
    assert [o["fields"]["slug"] for o in objects if o["model"] == "heritage.outlet"] == ["reuters"]


# --- copies ------------------------------------------------------------------------------


def test_a_source_repeating_registered_wire_copy_is_marked_as_a_likely_copy(registry, tmp_path):
    afp_path, afp = draft(tmp_path, ARTICLES_DIR / "aleppo-minaret-falls-afp.txt")
    call_command("loaddata", str(afp_path), verbosity=0)
    (afp_source,) = of_model(afp, "heritage.source")

    path, objects = draft(tmp_path, ARTICLES_DIR / "aleppo-minaret-falls-levant-observer.txt")
    (source,) = of_model(objects, "heritage.source")
    assert source["outlet"] == ["levant-observer"]
    assert source["wire_credits"] == [["afp"]]
    assert source["copies_passages_from"] == [[afp_source["key"]]]
    assert f"Likely a copy of {afp_source['key']}" in source["notes"]
    call_command("loaddata", str(path), verbosity=0)
    assert list(Source.objects.get(key=source["key"]).copies_passages_from.all()) == [
        Source.objects.get(key=afp_source["key"])
    ]


def test_without_a_fingerprint_a_source_is_not_a_copy_of_one_published_long_before(
    registry, tmp_path
):
    afp_path, _ = draft(tmp_path, ARTICLES_DIR / "aleppo-minaret-falls-afp.txt")
    call_command("loaddata", str(afp_path), verbosity=0)
    Source.objects.update(fingerprint="")  # registered before fingerprints were kept
    _, objects = draft(
        tmp_path,
        ARTICLES_DIR / "aleppo-minaret-falls-levant-observer.txt",
        "--published-on",
        "2013-05-20",
    )
    (source,) = of_model(objects, "heritage.source")
    assert source["copies_passages_from"] == []


# --- keys and dates ----------------------------------------------------------------------


def test_a_key_already_in_the_registry_is_refused(registry, tmp_path):
    article = ARTICLES_DIR / "nimrud-palace-bulldozed.txt"
    path, _ = draft(tmp_path, article)
    call_command("loaddata", str(path), verbosity=0)
    with pytest.raises(CommandError, match="already in the registry.*--key"):
        draft(tmp_path, article)
    _, objects = draft(tmp_path, article, "--key", "nimrud-palace-second-copy")
    assert of_model(objects, "heritage.source")[0]["key"] == "nimrud-palace-second-copy"


def test_a_seed_article_drafts_the_key_of_its_curated_fixture(seeded, tmp_path, seeds_dir):
    with pytest.raises(
        CommandError, match="'afp-2016-03-28-syria-troops-press-advance' is already"
    ):
        draft(tmp_path, seeds_dir / "003_706d5200f4211ccd.txt", "--published-on", "2016-03-28")


def test_text_without_a_full_date_needs_published_on(registry, tmp_path):
    article = tmp_path / "undated.txt"
    article.write_text(
        "Palmyra temple destroyed, activists say\n\n"
        "BEIRUT, March 27 – Militants blew up the Temple of Bel, activists said.\n",
        encoding="utf-8",
    )
    with pytest.raises(
        CommandError,
        match=r"no full publication date \(the dateline has March 27, without a year\).*--published-on",
    ):
        draft(tmp_path, article)
    _, objects = draft(tmp_path, article, "--published-on", "2016-03-27")
    assert of_model(objects, "heritage.source")[0]["published_on"] == "2016-03-27"


@pytest.mark.parametrize("key", ["Palmyra Draft", "afp--2016", "x" * 121])
def test_a_key_that_is_not_a_slug_is_refused(registry, tmp_path, key):
    with pytest.raises(CommandError, match="--key must be lower-case letters"):
        draft(tmp_path, ARTICLES_DIR / "nimrud-palace-bulldozed.txt", "--key", key)


def test_key_is_for_one_article(registry, tmp_path):
    with pytest.raises(CommandError, match="--key names one source"):
        call_command(
            "draft_fixture", *map(str, TEST_ARTICLES[:2]), "--key", "one-key", verbosity=0
        )


@pytest.mark.parametrize("value", ["27/03/2016", "2016-02-30", "yesterday"])
def test_a_malformed_published_on_is_refused(registry, tmp_path, value):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        draft(tmp_path, ARTICLES_DIR / "nimrud-palace-bulldozed.txt", "--published-on", value)


def test_a_publication_date_in_the_future_is_refused(registry, tmp_path):
    tomorrow = (datetime.date.today() + datetime.timedelta(days=1)).isoformat()
    with pytest.raises(CommandError, match="in the future"):
        draft(tmp_path, ARTICLES_DIR / "nimrud-palace-bulldozed.txt", "--published-on", tomorrow)


def test_draft_of_each_seed_article_loads_as_drafted_claims_quoting_the_article(
    db, tmp_path, seeds_dir
):
    call_command("loaddata", str(GAZETTEER), verbosity=0)
    for article in sorted(seeds_dir.glob("*.txt")):
        published_on = labels_of(article, SEED_LABELS_DIR)["published_on"]
        path, objects = draft(tmp_path, article, "--published-on", published_on)
        call_command("loaddata", str(path), verbosity=0)
        text = article.read_text(encoding="utf-8")
        claims = of_model(objects, "heritage.damagereport")
        assert claims
        assert all(c["excerpt"] in text and c["review_status"] == "drafted" for c in claims)
