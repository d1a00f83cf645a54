"""The public pages on the seed registry: what a visitor reads on each."""

from __future__ import annotations

import datetime
import re

import pytest

from heritage import services
from heritage.models import ConsensusPeriod, DamageReport, Monument, Source

AFP = "afp-2016-03-28-syria-troops-press-advance"


def html(response) -> str:
    assert response.status_code == 200, response.content[:2000]
    return response.content.decode()


# --- Home ------------------------------------------------------------------------------


def test_home_counts_states_and_lists_monuments_without_coordinates(seeded, client):
    page = html(client.get("/"))
    assert 'role="search"' in page and 'name="q"' in page
    destroyed = Monument.objects.filter(consensus__state="destroyed").count()
    assert re.search(rf"Destroyed</span>\s*<strong>{destroyed}</strong>", page)
    for monument in Monument.objects.filter(latitude__isnull=True):
        assert f'href="/monuments/{monument.slug}/"' in page
    assert "Latest status changes" in page


def test_the_map_loads_its_points_from_a_url_not_from_the_page(seeded, client):
    page = html(client.get("/"))
    assert 'data-points="/map/points.geojson"' in page
    assert "38.27" not in page  # no coordinates inlined

    points = client.get("/map/points.geojson")
    assert points["Content-Type"] == "application/geo+json"
    features = {f["id"]: f for f in points.json()["features"]}
    located = set(Monument.objects.filter(latitude__isnull=False).values_list("slug", flat=True))
    assert set(features) == located
    bel = features["temple-of-bel"]
    assert bel["properties"] == {"name": "Temple of Bel", "state": "destroyed"}
    assert bel["geometry"]["coordinates"] == [38.2747, 34.5472]


def test_map_points_carry_names_in_the_readers_language(seeded, client):
    features = {f["id"]: f for f in client.get("/ar/map/points.geojson").json()["features"]}
    assert features["temple-of-bel"]["properties"]["name"] == "معبد بل"


# --- Monument list ---------------------------------------------------------------------


def slugs_listed(page: str) -> list[str]:
    return re.findall(r'<td><a href="/(?:ar/)?monuments/([a-z0-9-]+)/', page)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("site=al-qaryatain", {"al-qaryatain", "mar-elian-monastery"}),
        ("kind=temple", {"temple-of-bel", "temple-of-baalshamin"}),
        ("q=tadmor", {"palmyra", "tadmur-prison"}),
        ("q=معبد+بل", {"temple-of-bel"}),
        ("q=baal+shamin", {"temple-of-baalshamin"}),
        ("state=unknown&site=palmyra", {"great-colonnade", "tetrapylon", "temple-of-baalshamin"}),
    ],
)
def test_the_list_filters_by_url(seeded, client, query, expected):
    page = html(client.get(f"/monuments/?{query}"))
    found = set(slugs_listed(page))
    if query.startswith("state=unknown"):
        expected = set(
            Monument.objects.filter(site__slug="palmyra", consensus__state="unknown").values_list(
                "slug", flat=True
            )
        )
    assert found == expected


def test_the_list_filters_on_coordinates_and_sorts(seeded, client):
    unlocated = set(slugs_listed(html(client.get("/monuments/?located=no"))))
    assert unlocated == set(
        Monument.objects.filter(latitude__isnull=True).values_list("slug", flat=True)
    )
    by_name = slugs_listed(html(client.get("/monuments/?sort=name")))
    assert by_name == list(Monument.objects.order_by("name", "pk").values_list("slug", flat=True))
    reverse = slugs_listed(html(client.get("/monuments/?sort=-name")))
    assert reverse == by_name[::-1]


def test_the_list_shows_the_registry_as_of_a_date(seeded, client):
    now = html(client.get("/monuments/?state=destroyed"))
    assert "temple-of-bel" in slugs_listed(now)
    before = html(client.get("/monuments/?state=destroyed&as_of=2015-01-01"))
    assert slugs_listed(before) == []
    assert "status as of 2015-01-01" in before
    all_then = html(client.get("/monuments/?as_of=2015-01-01&site=palmyra"))
    assert "Unknown" in all_then and "Destroyed</span>" not in all_then
    # links carry the date on to the monument pages
    assert 'href="/monuments/temple-of-bel/?as_of=2015-01-01"' in all_then


def test_the_list_paginates(registry_small, client, settings):
    from heritage.site import views

    views_page_size = views.PAGE_SIZE
    views.PAGE_SIZE = 4
    try:
        first = html(client.get("/monuments/?sort=name"))
        second = html(client.get("/monuments/?sort=name&page=2"))
        assert len(slugs_listed(first)) == 4
        assert set(slugs_listed(first)).isdisjoint(slugs_listed(second))
        assert 'href="?sort=name&amp;page=2"' in first
        assert client.get("/monuments/?page=9").status_code == 404
    finally:
        views.PAGE_SIZE = views_page_size


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("as_of=2016-13-45", "Status as of: Enter a valid date."),
        ("as_of=2999-01-01", "Choose a date that is not in the future."),
        ("state=ruined", "Select a valid choice. ruined is not one of the available choices."),
        ("page=0", "Ensure this value is greater than or equal to 1."),
    ],
)
def test_bad_filters_answer_400_naming_the_problem(seeded, client, query, message):
    response = client.get(f"/monuments/?{query}")
    assert response.status_code == 400
    assert message in response.content.decode()


# --- Monument page ---------------------------------------------------------------------


def test_the_monument_page_states_the_status_in_plain_words(seeded, client):
    page = html(client.get("/monuments/temple-of-bel/"))
    consensus = Monument.objects.get(slug="temple-of-bel").consensus
    assert "<h1>Temple of Bel</h1>" in page
    assert "No longer retains its integrity." in page
    assert f"from {consensus.independent_origins} independent origins among" in page
    assert f"{consensus.claim_count} accepted claims" in page
    assert "count once" in page
    assert f"({round(consensus.confidence * 100)}%)" in page


def test_the_monument_page_shows_every_accepted_claim_with_its_role(seeded, client):
    page = html(client.get("/monuments/temple-of-bel/"))
    reports = DamageReport.objects.filter(monument__slug="temple-of-bel", review_status="accepted")
    for report in reports:
        assert f'id="claim-{report.source.key}--{report.key}"' in page
        assert report.excerpt.replace("'", "&#x27;").replace('"', "&quot;") in page
    assert "supports the status" in page
    assert "copy of an origin already counted (counted once)" in page
    assert f'href="/sources/{AFP}/"' in page


def test_drafted_and_rejected_claims_never_appear(seeded, client):
    source = Source.objects.get(key=AFP)
    bel = Monument.objects.get(slug="temple-of-bel")
    DamageReport.objects.create(
        source=source, key="drafted-one", monument=bel, state="intact",
        excerpt="A drafted claim nobody reviewed.", evidence="unattributed",
    )  # fmt: skip
    DamageReport.objects.create(
        source=source, key="rejected-one", monument=bel, state="intact",
        excerpt="A rejected claim.", evidence="unattributed", review_status="rejected",
        review_note="Not in the article.",
    )  # fmt: skip
    for url in ("/monuments/temple-of-bel/", f"/sources/{AFP}/"):
        page = html(client.get(url))
        assert "A drafted claim nobody reviewed." not in page
        assert "A rejected claim." not in page


def test_the_timeline_is_inline_svg_linked_to_the_claims(seeded, client):
    page = html(client.get("/monuments/temple-of-bel/"))
    svg = page[page.index("<svg") : page.index("</svg>")]
    changes = services.consensus_timeline(
        monument_id=Monument.objects.get(slug="temple-of-bel").pk
    )
    assert len(re.findall(r"<circle", svg)) == len(changes)
    cause = changes[-1].claim_id.replace("/", "--")
    assert f'<a href="#claim-{cause}" aria-label=' in svg
    assert f"{changes[-1].date.isoformat()}: Destroyed" in svg
    assert "<script" not in page[page.index("<main") : page.index("</main>")]


def test_an_as_of_date_changes_the_status_and_marks_the_timeline(seeded, client):
    page = html(client.get("/monuments/temple-of-bel/?as_of=2015-01-01"))
    assert "Status on 2015-01-01" in page
    assert 'class="state state-unknown"' in page.split("Status on 2015-01-01")[1][:400]
    assert "Observed after 2015-01-01" in page
    assert 'class="as-of-line"' in page
    later = html(client.get("/monuments/temple-of-bel/?as_of=2016-03-30"))
    assert "Status on 2016-03-30" in later
    assert "No longer retains its integrity." in later


def test_groups_link_both_ways(seeded, client):
    member = html(client.get("/monuments/tower-of-elahbel/"))
    assert 'Part of <a href="/monuments/tower-tombs/">' in member
    group = html(client.get("/monuments/tower-tombs/"))
    assert 'href="/monuments/tower-of-elahbel/"' in group


def test_a_groups_page_states_its_extent_in_words(seeded, client):
    group = html(client.get("/monuments/tower-tombs/"))
    assert "Extent of the group:</strong> 12 destroyed; number of members unknown." in group
    assert "Extent of the group" not in html(client.get("/monuments/temple-of-bel/"))

    tombs = Monument.objects.get(slug="tower-tombs")
    tombs.member_count, tombs.member_count_approximate = 50, True
    tombs.save()
    assert "12 of ~50 destroyed." in html(client.get("/monuments/tower-tombs/"))
    past = html(client.get("/monuments/tower-tombs/?as_of=2016-03-27"))
    assert "12 of ~50 destroyed." in past
    arabic = html(client.get("/ar/monuments/tower-tombs/"))
    assert "12 من ~50 مدمَّرة" in arabic


def test_a_wholes_page_lists_its_parts_without_an_extent(seeded, client):
    """Wholes and parts: a monument whose members are its parts shows them as parts and
    has no "extent of the group" line, whatever its stored row held before."""
    tetrapylon = Monument.objects.get(slug="tetrapylon")
    elahbel = Monument.objects.get(slug="tower-of-elahbel")
    elahbel.part_of = tetrapylon
    elahbel.save()
    page = html(client.get("/monuments/tetrapylon/"))
    assert "Parts of this monument" in page and "Members of this group" not in page
    assert "Extent of the group" not in page
    assert "أجزاء هذا المعلم" in html(client.get("/ar/monuments/tetrapylon/"))

    tetrapylon.composition = "group"
    tetrapylon.save()
    page = html(client.get("/monuments/tetrapylon/"))
    assert "Members of this group" in page
    assert "Extent of the group:</strong> number of members unknown." in page


def test_aliases_location_api_links_and_citation(seeded, client):
    page = html(client.get("/monuments/temple-of-bel/"))
    today = datetime.date.today().isoformat()
    assert '<dd lang="ar">معبد بل</dd>' in page
    assert 'data-lat="34.54720"' in page
    assert "http://testserver/api/monuments/temple-of-bel/" in page
    assert "http://testserver/api/monuments/?slug=temple-of-bel&amp;format=csv" in page
    assert "http://testserver/api/monuments/?slug=temple-of-bel&amp;format=geojson" in page
    permalink = f"http://testserver/monuments/temple-of-bel/?as_of={today}"
    assert f'<a href="{permalink}">' in page
    assert f"@misc{{heritage-registry:temple-of-bel:{today}," in page
    assert f"url = {{{permalink}}}" in page
    assert "&quot;type&quot;: &quot;dataset&quot;" in page  # CSL-JSON
    pinned = html(client.get("/monuments/temple-of-bel/?as_of=2016-01-01"))
    assert "http://testserver/monuments/temple-of-bel/?as_of=2016-01-01" in pinned
    assert "http://testserver/api/monuments/temple-of-bel/?as_of=2016-01-01" in pinned


def test_an_override_is_shown_with_the_curators_reason(seeded, client, django_user_model):
    curator = django_user_model.objects.create(username="rita")
    services.override_status(
        monument=Monument.objects.get(slug="roman-theatre"),
        state="severely_damaged",
        reason="Seen by the mission in April.",
        curator=curator,
    )
    page = html(client.get("/monuments/roman-theatre/"))
    assert "Set by a curator." in page
    assert "Seen by the mission in April." in page
    assert "The evidence alone says: Damaged." in page


def test_unknown_monument_and_bad_date_answer_404_and_400(seeded, client):
    assert client.get("/monuments/temple-of-nothing/").status_code == 404
    response = client.get("/monuments/temple-of-bel/?as_of=yesterday")
    assert response.status_code == 400
    assert "Enter a valid date." in response.content.decode()


# --- Source page -----------------------------------------------------------------------


def test_the_source_page_shows_its_metadata_and_claims(seeded, client):
    source = Source.objects.get(key=AFP)
    page = html(client.get(f"/sources/{AFP}/"))
    assert source.title in page
    assert "Agence France-Presse" in page
    for report in source.reports.filter(review_status="accepted"):
        assert f'href="/monuments/{report.monument.slug}/#claim-{AFP}--{report.key}"' in page
    copier = Source.objects.filter(copies_passages_from__isnull=False).first()
    copied = copier.copies_passages_from.first()
    assert f'href="/sources/{copied.key}/"' in html(client.get(f"/sources/{copier.key}/"))
    assert f'href="/sources/{copier.key}/"' in html(client.get(f"/sources/{copied.key}/"))
    assert client.get("/sources/no-such-source/").status_code == 404


# --- Changes and the feed ----------------------------------------------------------------


def report_restoration() -> None:
    """A later source: the Arch of Triumph restored (observed May 2019, published June)."""
    later = Source.objects.create(
        key="later-report", title="Later", published_on=datetime.date(2019, 6, 1)
    )
    DamageReport.objects.create(
        source=later,
        key="arch",
        monument=Monument.objects.get(slug="arch-of-triumph"),
        state="restored",
        excerpt="The arch stands again.",
        evidence="imagery",
        observed_from=datetime.date(2019, 5, 1),
        review_status="accepted",
    )


def test_changes_list_every_change_newest_first_and_by_site(seeded, client):
    report_restoration()
    page = html(client.get("/changes/"))
    rows = re.findall(r'<td><a href="/monuments/([a-z0-9-]+)/">', page)
    # Each change is listed, dated by the publication that showed it: the arch twice
    # (destroyed, then restored), the newest first, with the source that caused it.
    assert rows[0] == "arch-of-triumph" and rows.count("arch-of-triumph") == 2
    assert '<time datetime="2019-06-01">' in page
    assert 'href="/sources/later-report/"' in page
    changes = ConsensusPeriod.objects.filter(basis="published", changes_state=True)
    assert len(rows) == changes.count()
    palmyra = html(client.get("/changes/?site=palmyra"))
    assert "mar-elian-monastery" not in palmyra and "temple-of-bel" in palmyra
    assert 'href="/changes/feed/?site=palmyra"' in palmyra
    assert client.get("/changes/?site=atlantis").status_code == 404


@pytest.mark.parametrize("page", ["0", "x", "%C2%B2", "%E2%91%A0", "99"])
def test_a_changes_page_that_does_not_exist_answers_404(seeded, client, page):
    assert client.get(f"/changes/?page={page}").status_code == 404


def test_a_curators_decision_is_not_a_change_of_the_evidence(seeded, client):
    before = html(client.get("/changes/"))
    services.override_status(
        monument=Monument.objects.get(slug="mar-elian-monastery"),
        state="severely_damaged",
        reason="Partly standing on recent imagery.",
        curator=None,
    )
    after = html(client.get("/changes/"))
    rows = re.findall(r'<td><a href="/monuments/([a-z0-9-]+)/">', after)
    assert rows == re.findall(r'<td><a href="/monuments/([a-z0-9-]+)/">', before)


def test_the_atom_feed_follows_the_changes(seeded, client):
    response = client.get("/changes/feed/?site=al-qaryatain")
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = response.content.decode()
    changes = ConsensusPeriod.objects.filter(
        basis="published", changes_state=True, monument__site__slug="al-qaryatain"
    )
    assert changes.exists()
    assert feed.count("<entry>") == changes.count()
    assert "http://testserver/monuments/mar-elian-monastery/" in feed
    assert "Monastery of Mar Elian: Destroyed" in feed
    report_restoration()
    feed = client.get("/changes/feed/").content.decode()
    first = feed.index("<entry>")
    assert "Arch of Triumph: Restored" in feed[first : feed.index("</entry>", first)]
    assert "<updated>2019-06-01T00:00:00+00:00</updated>" in feed


# --- Safety ------------------------------------------------------------------------------


def test_what_users_typed_is_escaped_and_links_are_http_only(seeded, client):
    source = Source.objects.get(key=AFP)
    source.title = "<script>alert('title')</script>"
    source.url = "javascript:alert(1)"
    source.save()
    report = source.reports.filter(review_status="accepted").first()
    report.excerpt = '<img src=x onerror="alert(1)">'
    report.save()
    for url in (f"/sources/{AFP}/", f"/monuments/{report.monument.slug}/"):
        page = html(client.get(url))
        assert "<script>alert(" not in page
        assert "<img src=x" not in page
        assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in page
        assert 'href="javascript:' not in page
    assert "no web address on record" in html(client.get(f"/sources/{AFP}/"))


def test_photos_show_with_caption_credit_and_alt_text(seeded, client):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from heritage.models import Photo

    buffer = io.BytesIO()
    Image.new("RGB", (60, 40), "peru").save(buffer, "JPEG")
    photo = Photo(
        key="bel-cella-2016",
        caption="The cella gate <still> standing",
        credit="Joseph Eid / AFP",
        taken_on=datetime.date(2016, 3, 31),
        monument=Monument.objects.get(slug="temple-of-bel"),
    )
    services.store_photo(
        photo=photo,
        image=SimpleUploadedFile("bel.jpg", buffer.getvalue(), content_type="image/jpeg"),
    )
    page = html(client.get("/monuments/temple-of-bel/"))
    assert 'alt="The cella gate &lt;still&gt; standing"' in page
    assert "Credit: Joseph Eid / AFP" in page
    assert photo.thumbnail.url in page
    has_photos = html(client.get("/monuments/?photos=yes"))
    assert slugs_listed(has_photos) == ["temple-of-bel"]
