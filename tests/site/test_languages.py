"""English at /, Arabic at /ar/: lang, dir, translated words, names from aliases."""

from __future__ import annotations

import ast
import gettext
import re

from django.conf import settings

from heritage.models import Alias, Monument


def test_english_is_the_default_and_arabic_is_right_to_left(seeded, client):
    english = client.get("/", HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert '<html lang="en" dir="ltr">' in english
    arabic = client.get("/ar/").content.decode()
    assert '<html lang="ar" dir="rtl">' in arabic
    assert "سجلّ الأضرار التي لحقت بالتراث" in arabic
    assert 'data-points="/ar/map/points.geojson"' in arabic


def test_the_switcher_opens_the_same_page_with_the_same_filters(seeded, client):
    english = client.get("/monuments/?site=palmyra&state=destroyed").content.decode()
    assert 'href="/ar/monuments/?site=palmyra&amp;state=destroyed" lang="ar"' in english
    arabic = client.get("/ar/monuments/temple-of-bel/?as_of=2016-01-01").content.decode()
    assert 'href="/monuments/temple-of-bel/?as_of=2016-01-01" lang="en"' in arabic


def test_names_and_words_in_arabic(seeded, client):
    page = client.get("/ar/monuments/temple-of-bel/").content.decode()
    assert "<h1>معبد بل</h1>" in page
    assert '<p class="subtitle" lang="en">Temple of Bel</p>' in page
    assert "مدمَّر" in page  # destroyed
    assert "استشهد بهذا السجل" in page  # cite this record
    listing = client.get("/ar/monuments/?site=palmyra").content.decode()
    assert 'href="/ar/monuments/temple-of-bel/">معبد بل</a>' in listing
    # a monument without an Arabic alias keeps its name
    tetrapylon = Monument.objects.get(slug="tetrapylon")
    if not tetrapylon.aliases.filter(language="ar").exists():
        assert f">{tetrapylon.name}</a>" in listing


def test_sites_are_named_in_arabic_from_their_site_monuments_aliases(seeded, client):
    # Palmyra's monument as a whole has the alias تدمر; Al-Qaryatain's has none in Arabic.
    assert Alias.objects.filter(monument__slug="palmyra", language="ar", name="تدمر").exists()
    listing = client.get("/ar/monuments/?site=palmyra").content.decode()
    assert '<option value="palmyra" selected>تدمر</option>' in listing
    assert "<td>تدمر</td>" in listing
    assert "<td>Palmyra</td>" not in listing
    page = client.get("/ar/monuments/temple-of-bel/").content.decode()
    assert ">تدمر</a> ·" in page
    changes = client.get("/ar/changes/?site=palmyra").content.decode()
    assert "<td>تدمر</td>" in changes and "(تدمر)" in changes
    assert "تدمر" in client.get("/ar/changes/feed/?site=palmyra").content.decode()
    english = client.get("/monuments/?site=palmyra").content.decode()
    assert "<td>Palmyra</td>" in english and "تدمر" not in english.split("<main", 1)[1]


def test_the_feed_and_errors_speak_the_readers_language(seeded, client):
    feed = client.get("/ar/changes/feed/").content.decode()
    assert "تغيّرات الحالة" in feed
    assert "http://testserver/ar/monuments/" in feed
    assert "لا يوجد معلم بهذا الاسم" in client.get("/ar/monuments/nothing/").content.decode()


def _po_entries(path) -> dict[str, str]:
    """msgid -> msgstr (first plural form) of a .po file, read without gettext tools."""
    entries, key, current, field = {}, None, {}, None
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if line.startswith(("msgid ", "msgid_plural ", "msgstr ", "msgstr[0] ")):
            field, _, value = line.partition(" ")
            current[field] = ast.literal_eval(value)
        elif line.startswith('"') and field:
            current[field] += ast.literal_eval(line)
        elif not line.strip() and current:
            key = current.get("msgid")
            if key:
                entries[key] = current.get("msgstr", current.get("msgstr[0]", ""))
            current, field = {}, None
        elif line.startswith("msgstr["):
            field = None
    return entries


def test_the_compiled_catalogue_is_complete_and_up_to_date():
    folder = settings.LOCALE_PATHS[0] / "ar" / "LC_MESSAGES"
    po = _po_entries(folder / "django.po")
    with open(folder / "django.mo", "rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)._catalog
    untranslated = [msgid for msgid, msgstr in po.items() if not msgstr]
    assert untranslated == []
    compiled_ids = {k[0] if isinstance(k, tuple) else k for k in catalogue if k}
    assert compiled_ids == set(po), "run: manage.py compilemessages (django.mo is stale)"
    for msgid, msgstr in po.items():
        found = catalogue.get(msgid, catalogue.get((msgid, 0)))
        assert found == msgstr, msgid
        assert set(re.findall(r"%\(\w+\)s", msgid)) == set(re.findall(r"%\(\w+\)s", msgstr))


def test_the_timeline_chart_keeps_plain_numbers_in_arabic(seeded, client):
    page = client.get("/ar/monuments/temple-of-bel/").content.decode()
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert "٫" not in svg  # an Arabic decimal separator would break every coordinate
    assert re.search(r'<circle class="point point-destroyed" cx="[\d.]+" cy="[\d.]+"', svg)
