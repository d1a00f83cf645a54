"""What ``draft_fixture`` reads: saved web pages (through trafilatura), standard input,
several articles into a folder, and a clear error for any page it cannot use."""

import io
import json
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from heritage.drafting.pages import NO_ARTICLE
from heritage.models import Source

from .conftest import ARTICLES_DIR

PAGE = """<!DOCTYPE html>
<html><head><meta charset="{charset}">
<title>Militants blow up Mosul's al-Nuri mosque | The Tigris Times</title>
<meta property="og:site_name" content="The Tigris Times">
<meta name="author" content="Jane Doe">
<meta property="article:published_time" content="2017-06-22T07:41:00Z">
<link rel="canonical" href="https://tigris.example/2017/06/22/al-nuri">
</head><body>
<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav>
<article><h1>Militants blow up Mosul's al-Nuri mosque</h1>
<p>MOSUL, Iraq (Reuters) - Islamic State militants blew up Mosul's Grand al-Nuri Mosque and
its famous leaning minaret on Wednesday as Iraqi forces closed in on the old city, the Iraqi
military said.</p>
<p>The Mosul Museum, about a kilometre away, was not damaged by the blast, a museum guard
told Reuters by telephone. {extra}</p></article>
<aside>Most read: Ten recipes for summer</aside>
<footer>Share this article. Copyright The Tigris Times.</footer>
</body></html>
"""


def page(charset="utf-8", extra="") -> str:
    return PAGE.format(charset=charset, extra=extra)


def draft_objects(*args):
    out = io.StringIO()
    call_command("draft_fixture", *map(str, args), stdout=out, verbosity=0)
    return json.loads(out.getvalue())


def fields(objects, model):
    return [o["fields"] for o in objects if o["model"] == model]


def test_a_saved_page_gives_the_article_and_the_metadata_of_its_markup(registry, tmp_path):
    path = tmp_path / "al-nuri.html"
    path.write_text(page(), encoding="utf-8")
    objects = draft_objects(path)
    (source,) = fields(objects, "heritage.source")
    assert source["title"] == "Militants blow up Mosul's al-Nuri mosque"
    assert source["outlet"] == ["tigris-times"]
    assert {"slug": "tigris-times", "name": "The Tigris Times", "kind": "newspaper"} in fields(
        objects, "heritage.outlet"
    )
    assert source["byline"] == "Jane Doe"
    assert source["published_on"] == "2017-06-22"
    assert source["url"] == "https://tigris.example/2017/06/22/al-nuri"
    assert source["wire_credits"] == [["reuters"]]
    claims = {(c["monument"][0], c["state"]) for c in fields(objects, "heritage.damagereport")}
    assert {("al-nuri-mosque", "destroyed"), ("mosul-museum", "intact")} <= claims
    for claim in fields(objects, "heritage.damagereport"):
        assert "Home" not in claim["excerpt"] and "recipes" not in claim["excerpt"]
    output = tmp_path / "fixture.json"
    output.write_text(json.dumps(objects), encoding="utf-8")
    call_command("loaddata", str(output), verbosity=0)
    assert Source.objects.get(key=source["key"]).url == source["url"]


def test_a_page_in_another_declared_encoding_is_read(registry, tmp_path):
    path = tmp_path / "latin.html"
    path.write_bytes(page("iso-8859-1", "Le musée est intact.").encode("iso-8859-1"))
    (source,) = fields(draft_objects(path), "heritage.source")
    assert source["published_on"] == "2017-06-22"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"<html><body><nav>Home | World</nav></body></html>", "no article text could be found"),
        (b"", "the file is empty"),
        (b"<html>\x00\x01\x02\x89PNG</html>", "binary file"),
    ],
    ids=["no-article", "empty", "binary"],
)
def test_a_page_without_an_article_is_refused_naming_the_file(db, tmp_path, content, message):
    path = tmp_path / "page.html"
    path.write_bytes(content)
    with pytest.raises(CommandError, match=message) as error:
        call_command("draft_fixture", str(path), verbosity=0)
    assert str(path) in str(error.value)
    assert NO_ARTICLE.startswith("no article text")


def test_a_page_over_ten_megabytes_is_refused_before_it_is_read(db, tmp_path):
    path = tmp_path / "huge.html"
    with path.open("wb") as file:
        file.truncate(10_000_001)  # sparse: nothing is written or read
    with pytest.raises(CommandError, match="10.0 MB is too large .* saved page"):
        call_command("draft_fixture", str(path), verbosity=0)


def test_standard_input_is_an_article(registry, monkeypatch):
    data = (ARTICLES_DIR / "mosul-al-nuri-blown-up-reuters.txt").read_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    (source,) = fields(draft_objects("-"), "heritage.source")
    assert source["key"] == "reuters-2017-06-22-islamic-state-blows-up"


def test_standard_input_is_read_once(db):
    with pytest.raises(CommandError, match="standard input"):
        call_command("draft_fixture", "-", "-", verbosity=0)


def test_several_articles_into_a_folder_give_one_fixture_each(registry, tmp_path):
    folder = tmp_path / "drafts"
    folder.mkdir()
    articles = [
        ARTICLES_DIR / "mosul-al-nuri-blown-up-reuters.txt",
        ARTICLES_DIR / "aleppo-minaret-falls-afp.txt",
    ]
    call_command("draft_fixture", *map(str, articles), "-o", str(folder), verbosity=0)
    written = sorted(folder.glob("*.json"))
    assert [p.stem for p in written] == [
        "afp-2013-04-25-aleppo-ancient-minaret-falls",
        "reuters-2017-06-22-islamic-state-blows-up",
    ]
    for path in written:
        (source,) = fields(json.loads(path.read_text(encoding="utf-8")), "heritage.source")
        assert source["key"] == path.stem
    call_command("loaddata", *map(str, written), verbosity=0)
    assert Source.objects.count() == 2
