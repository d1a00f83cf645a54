"""The registry side of drafting: what the rules need from the database, and the
fixture objects a draft becomes.

Reads only: the gazetteer (Monument + Alias), the outlets, and the sources a draft
may copy. Nothing is written; the fixture is loaded with ``manage.py loaddata``.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.db.models import Prefetch, Q

from heritage.drafting.article import DraftSource, draft_article
from heritage.drafting.copies import MAX_DAYS, KnownSource
from heritage.drafting.corpus import Article, Drafter, fixture_records, read_corpus
from heritage.drafting.learned import LearnedFilter
from heritage.drafting.metadata import UNNAMED_AGENCIES, OutletRef
from heritage.drafting.places import Gazetteer, Place, places_from_fixture, sites_from_fixture
from heritage.models import Alias, DamageReport, Monument, Outlet, ReviewStatus, Site, Source


def load_gazetteer(extra_records: Iterable[dict] = ()) -> Gazetteer:
    """Every monument of the registry with its aliases, and every site's name (three
    queries), plus the places of *extra_records* (fixture objects), for evaluating
    against a wider gazetteer."""
    aliases: dict[int, list[str]] = defaultdict(list)
    for monument_id, name in Alias.objects.values_list("monument_id", "name"):
        aliases[monument_id].append(name)
    places = [
        Place(
            slug=row["slug"],
            name=row["name"],
            kind=row["kind"],
            site=row["site__slug"],
            part_of=row["part_of__slug"],
            aliases=tuple(aliases[row["id"]]),
        )
        for row in Monument.objects.values(
            "id", "slug", "name", "kind", "site__slug", "part_of__slug"
        )
    ]
    extra_records = list(extra_records)
    known = {p.slug for p in places}
    places += [p for p in places_from_fixture(extra_records) if p.slug not in known]
    site_names = {
        **sites_from_fixture(extra_records),
        **dict(Site.objects.values_list("slug", "name")),
    }
    return Gazetteer(places, site_names)


def load_outlets() -> list[OutletRef]:
    return [
        OutletRef(slug, name, kind)
        for slug, name, kind in Outlet.objects.values_list("slug", "name", "kind")
    ]


def known_sources(published_on: datetime.date) -> list[KnownSource]:
    """Sources published up to MAX_DAYS before *published_on*, and any earlier source
    with a fingerprint, with their credits and their claims' excerpts (three queries)."""
    window = (published_on - datetime.timedelta(days=MAX_DAYS), published_on)
    sources = Source.objects.filter(
        Q(published_on__range=window) | Q(published_on__lte=published_on, fingerprint__gt="")
    ).prefetch_related(
        "wire_credits",
        Prefetch("reports", queryset=DamageReport.objects.only("source_id", "excerpt")),
    )
    return [
        KnownSource(
            key=source.key,
            published_on=source.published_on,
            credits=frozenset(
                o.slug for o in source.wire_credits.all() if o.kind != UNNAMED_AGENCIES
            ),
            unnamed_credit=any(o.kind == UNNAMED_AGENCIES for o in source.wire_credits.all()),
            excerpts=tuple(r.excerpt for r in source.reports.all()),
            fingerprint=source.fingerprint,
        )
        for source in sources
    ]


def source_exists(key: str) -> bool:
    return Source.objects.filter(key=key).exists()


def draft(
    text: str,
    *,
    gazetteer: Gazetteer,
    outlets: list[OutletRef],
    published_on: datetime.date | None = None,
    fallback_published_on: datetime.date | None = None,
    key: str | None = None,
    site_name: str = "",
    url: str = "",
    learned: LearnedFilter | None = None,
) -> DraftSource:
    """Draft *text* against the registry, including the check for likely copies (with
    *learned*, the learned filter decides the claims)."""
    return draft_article(
        text,
        gazetteer=gazetteer,
        outlets=outlets,
        published_on=published_on,
        fallback_published_on=fallback_published_on,
        key=key,
        known_sources=known_sources,
        site_name=site_name,
        url=url,
        learned=learned,
    )


def fixture_objects(drafts: list[DraftSource]) -> list[dict]:
    """The drafts as fixture objects: outlets first, then each source and its claims."""
    outlets: dict[str, OutletRef] = {}
    for source in drafts:
        for outlet in source.outlets:
            outlets.setdefault(outlet.slug, outlet)
    objects: list[dict] = [
        {
            "model": "heritage.outlet",
            "fields": {"slug": o.slug, "name": o.name, "kind": o.kind},
        }
        for o in outlets.values()
    ]
    for source in drafts:
        objects.append(
            {
                "model": "heritage.source",
                "fields": {
                    "key": source.key,
                    "kind": "article",
                    "outlet": [source.outlet.slug] if source.outlet else None,
                    "title": source.title[:300],
                    "byline": source.byline[:200],
                    "dateline": source.dateline[:100],
                    "published_on": source.published_on.isoformat(),
                    "url": source.url,
                    "language": source.language,
                    "wire_credits": [[o.slug] for o in source.wire_credits],
                    "photo_credits": [[o.slug] for o in source.photo_credits],
                    "wire_story": "",
                    "copies_passages_from": [[key] for key in source.copies_passages_from],
                    "notes": source.notes[:5000],
                    "fingerprint": source.fingerprint,
                },
            }
        )
        for claim in source.claims:
            objects.append(
                {
                    "model": "heritage.damagereport",
                    "fields": {
                        "source": [source.key],
                        "key": claim.key,
                        "monument": [claim.monument],
                        "state": claim.state,
                        "excerpt": claim.excerpt,
                        "attributed_to": claim.attributed_to[:200],
                        "evidence": claim.evidence,
                        "observed_from": _date(claim.observed_from),
                        "observed_to": _date(claim.observed_to),
                        "cause": claim.cause,
                        "quantity": claim.quantity,
                        "inferred": claim.inferred,
                        "inference_note": claim.inference_note[:500],
                        "review_status": ReviewStatus.DRAFTED.value,
                    },
                }
            )
    return objects


def _date(value: datetime.date | None) -> str | None:
    return value.isoformat() if value else None


@dataclass
class LabelledCorpus:
    """A labelled corpus with what drafting it needs from the registry (its gazetteer,
    with the places of the fixtures given for the run, and its outlets)."""

    articles: list[Article]
    gazetteer: Gazetteer
    outlets: list[OutletRef]

    @property
    def sites(self) -> set[str]:
        return {slug for slug, place in self.gazetteer.places.items() if place.is_site}

    def drafter(
        self, *, candidates: bool = False, learned: LearnedFilter | None = None
    ) -> Drafter:
        """Drafts one article of the corpus (*candidates*: with the pairs the rules
        consider, which the learned filter is trained on and decides among)."""

        def draft(text, fallback, known):
            return draft_article(
                text,
                gazetteer=self.gazetteer,
                outlets=self.outlets,
                fallback_published_on=fallback,
                known_sources=lambda _date: known,
                candidates=candidates or learned is not None,
                learned=learned,
            )

        return draft


def read_labelled_corpus(
    directory: Path, labels: Path | None, gazetteer_files: list[str]
) -> LabelledCorpus:
    """The corpus under *directory* (labels beside the articles or under *labels*);
    raises CorpusError naming a file that cannot be read."""
    articles = read_corpus(directory, labels)
    gazetteer = load_gazetteer(fixture_records(gazetteer_files))
    return LabelledCorpus(articles, gazetteer, load_outlets())
