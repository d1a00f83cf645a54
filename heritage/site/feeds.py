"""The consensus changes as an Atom feed (Django's syndication framework), for the whole
registry or one site (``?site=palmyra``), in the reader's language."""

from __future__ import annotations

import datetime

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from heritage.models import ConsensusPeriod, Site
from heritage.site import queries
from heritage.site.labels import STATE_LABELS
from heritage.site.views import site_from_query

FEED_SIZE = 50


class ChangesFeed(Feed):
    feed_type = Atom1Feed

    def __call__(self, request, *args, **kwargs):
        response = super().__call__(request, *args, **kwargs)
        # The syndication framework dates the feed by its newest change, which can be
        # older than the registry's last edit (a change reported years ago, entered
        # today): Last-Modified comes from the revision (revision_cached) instead.
        del response.headers["Last-Modified"]
        return response

    def get_object(self, request, *args, **kwargs) -> Site | None:
        site = site_from_query(request)
        queries.localise_sites(get_language(), [site])
        return site

    def title(self, site: Site | None) -> str:
        if site:
            return _("Status changes at %(site)s: heritage-damage registry") % {
                "site": site.display_name
            }
        return _("Status changes: heritage-damage registry")

    def subtitle(self, site: Site | None) -> str:
        return _(
            "Every change of a monument's status as the evidence shows it, newest first, "
            "dated by the publication that showed it."
        )

    def link(self, site: Site | None) -> str:
        url = reverse("site:changes")
        return f"{url}?site={site.slug}" if site else url

    def items(self, site: Site | None) -> list[ConsensusPeriod]:
        items = list(queries.latest_changes(site=site)[:FEED_SIZE])
        # Names in the reader's language in one query; kept on the items, since one Feed
        # instance serves every request.
        names = queries.names_in(get_language(), [c.monument_id for c in items])
        for item in items:
            item.display_name = names.get(item.monument_id, item.monument.name)
        queries.localise_sites(get_language(), [item.monument.site for item in items])
        return items

    def item_title(self, item: ConsensusPeriod) -> str:
        return f"{item.display_name}: {STATE_LABELS[item.state]}"

    def item_description(self, item: ConsensusPeriod) -> str:
        words = _(
            "%(state)s, confidence %(confidence)s%%, %(origins)s independent origin(s), "
            "%(claims)s accepted claim(s); site: %(site)s."
        ) % {
            "state": STATE_LABELS[item.state],
            "confidence": round(item.confidence * 100),
            "origins": item.independent_origins,
            "claims": item.claim_count,
            "site": item.monument.site.display_name,
        }
        if item.contested:
            words += " " + _("Contested: independent sources disagree.")
        return words

    def item_link(self, item: ConsensusPeriod) -> str:
        return item.monument.get_absolute_url()

    def item_guid(self, item: ConsensusPeriod) -> str:
        return f"{item.monument.get_absolute_url()}#change-{item.valid_from:%Y-%m-%d}"

    item_guid_is_permalink = False

    def item_updateddate(self, item: ConsensusPeriod) -> datetime.datetime:
        return self.item_pubdate(item)

    def item_pubdate(self, item: ConsensusPeriod) -> datetime.datetime:
        return datetime.datetime.combine(item.valid_from, datetime.time(), datetime.UTC)
