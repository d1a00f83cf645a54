"""Copies recognised through a fingerprint of each drafted article, never its text."""

import datetime
import json

from django.core.management import call_command

from heritage.drafting.copies import KnownSource, find_copies
from heritage.drafting.fingerprint import MIN_SHARED, fingerprint, hashes, shared_text
from heritage.models import Source

from .conftest import ARTICLES_DIR

WIRE = (
    "Islamic State militants blew up the Great Mosque of al-Nuri and its leaning minaret on "
    "Wednesday night as Iraqi forces closed in on the old city, the military said in a "
    "statement. The minaret, known as al-Hadba, had leaned for more than eight centuries and "
    "was the symbol of the city, pictured on banknotes and shop signs."
)
OTHER = (
    "Rebels and government troops fought in the streets of the old quarter of Aleppo on "
    "Sunday, activists said, and the citadel was hit by mortar fire for the third time this "
    "month according to a monitoring group based in Britain."
)


def test_a_fingerprint_is_hexadecimal_hashes_without_the_words():
    stored = fingerprint(WIRE)
    assert stored and all(ch in "0123456789abcdef" for ch in stored)
    assert len(stored) % 8 == 0
    assert "minaret" not in stored and len(stored) < len(WIRE)
    assert fingerprint(WIRE.upper()) == stored  # compared after normalisation


def test_a_text_repeating_a_passage_shares_hashes_with_the_share_of_the_new_text():
    republished = "BAGHDAD (Reuters) - " + WIRE + " " + OTHER
    shared = shared_text(fingerprint(republished), "reuters-1", fingerprint(WIRE))
    assert shared is not None and shared.shared >= MIN_SHARED
    assert 0.3 < shared.share < 0.9  # about half of the new text is the wire passage
    assert shared_text(fingerprint(OTHER), "reuters-1", fingerprint(WIRE)) is None


def test_a_malformed_stored_fingerprint_reads_as_empty():
    assert hashes("not hex at all") == frozenset()
    assert hashes("") == frozenset()


def test_copies_are_found_by_fingerprint_whatever_the_credits_and_only_from_earlier_sources():
    day = datetime.date(2017, 6, 22)

    def known(published_on):
        return KnownSource("wire", published_on, frozenset({"ap"}), False, (), fingerprint(WIRE))

    text = WIRE + " " + OTHER
    args = dict(credits=set(), unnamed_credit=False, fingerprint=fingerprint(text))
    (copy,) = find_copies(text, published_on=day, known=[known(day.replace(month=1))], **args)
    assert copy.key == "wire" and copy.share > 0.3
    assert find_copies(text, published_on=day, known=[known(day.replace(month=7))], **args) == []


def test_a_republished_article_is_flagged_a_month_later_with_the_share(registry, tmp_path):
    original = tmp_path / "original.json"
    call_command(
        "draft_fixture",
        str(ARTICLES_DIR / "mosul-al-nuri-blown-up-reuters.txt"),
        "-o",
        str(original),
        verbosity=0,
    )
    call_command("loaddata", str(original), verbosity=0)
    registered = Source.objects.get()
    assert registered.fingerprint

    text = (ARTICLES_DIR / "mosul-al-nuri-blown-up-reuters.txt").read_text(encoding="utf-8")
    body = text.split("MOSUL, Iraq (Reuters) - ", 1)[1].split("Reporting by")[0]
    copy = tmp_path / "copy.txt"
    copy.write_text(
        "Mosul mosque destroyed | The Tigris Times\n\nJuly 20, 2017\n\n" + body, encoding="utf-8"
    )
    output = tmp_path / "copy.json"
    call_command("draft_fixture", str(copy), "-o", str(output), verbosity=0)
    objects = json.loads(output.read_text(encoding="utf-8"))
    (source,) = [o["fields"] for o in objects if o["model"] == "heritage.source"]
    assert source["copies_passages_from"] == [[registered.key]]
    assert f"Likely a copy of {registered.key}: about" in source["notes"]
    assert source["published_on"] == "2017-07-20"  # far beyond the excerpt rule's 3 days
