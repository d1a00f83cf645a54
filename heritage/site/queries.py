"""What the public pages read, each in a fixed number of queries whatever the size of
the registry (pinned in tests/site/test_query_counts.py)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet

from heritage import services
from heritage.models import (
    Alias,
    ConsensusPeriod,
    DamageReport,
    Monument,
    MonumentKind,
    PeriodBasis,
    Photo,
    Site,
    Source,
)
from heritage.text import normalise

STATES_IN_ORDER = ("intact", "damaged", "severely_damaged", "destroyed", "restored", "unknown")


def names_in(language: str, monument_ids: Iterable[int]) -> dict[int, str]:
    """Each monument's name in *language* where an alias in it exists (one query; none
    for English, the language of the records' names). The first alias recorded wins."""
    if language == "en":
        return {}
    names: dict[int, str] = {}
    for monument_id, name in (
        Alias.objects.filter(monument_id__in=list(monument_ids), language=language)
        .order_by("monument_id", "pk")
        .values_list("monument_id", "name")
    ):
        names.setdefault(monument_id, name)
    return names


def localise_sites(language: str, sites: Iterable[Site | None]) -> None:
    """Set ``display_name`` on each of *sites*: its name in *language* where the site's
    monument as a whole (kind ``site``, the site's slug) has an alias in it, else its
    English name. One query for all of them; none for English."""
    sites = [site for site in sites if site is not None]
    names: dict[int, str] = {}
    if language != "en" and sites:
        for site_id, name in (
            Alias.objects.filter(
                language=language,
                monument__kind=MonumentKind.SITE,
                monument__site_id__in={site.pk for site in sites},
                monument__slug=F("monument__site__slug"),
            )
            .order_by("monument__site_id", "pk")
            .values_list("monument__site_id", "name")
        ):
            names.setdefault(site_id, name)
    for site in sites:
        site.display_name = names.get(site.pk, site.name)


def state_counts() -> dict[str, int]:
    """How many monuments are in each published state (one query); a monument without a
    stored consensus counts as unknown."""
    counts = dict.fromkeys(STATES_IN_ORDER, 0)
    for state, n in Monument.objects.values_list("consensus__state").annotate(n=Count("pk")):
        counts[state or "unknown"] += n
    return counts


def latest_changes(*, site: Site | None = None) -> QuerySet[ConsensusPeriod]:
    """Every change of a monument's evidence-based state, the newest first, dated by
    when the reporting showed it (the first day of a ``published`` period whose state
    differs from the one before), with monument and site. Served by the periods'
    ``period_changes_newest`` index."""
    changes = (
        ConsensusPeriod.objects.filter(basis=PeriodBasis.PUBLISHED, changes_state=True)
        .select_related("monument__site")
        .order_by("-valid_from", "monument__slug")
    )
    return changes.filter(monument__site=site) if site else changes


def map_points(language: str) -> list[dict]:
    """Every located monument as a compact GeoJSON feature (two queries at most)."""
    rows = Monument.objects.filter(latitude__isnull=False, longitude__isnull=False).values_list(
        "pk", "slug", "name", "latitude", "longitude", "consensus__state"
    )
    names: dict[int, str] = {}
    if language != "en":
        for monument_id, name in (
            Alias.objects.filter(language=language, monument__latitude__isnull=False)
            .order_by("monument_id", "pk")
            .values_list("monument_id", "name")
        ):
            names.setdefault(monument_id, name)
    return [
        {
            "type": "Feature",
            "id": slug,
            "geometry": {"type": "Point", "coordinates": [float(lon), float(lat)]},
            "properties": {"name": names.get(pk, name), "state": state or "unknown"},
        }
        for pk, slug, name, lat, lon, state in rows.order_by("pk").iterator(chunk_size=2000)
    ]


def unlocated(limit: int) -> tuple[list[Monument], int]:
    """The first monuments without coordinates, by name, and how many there are."""
    queryset = Monument.objects.filter(latitude__isnull=True).select_related("consensus")
    return list(queryset.order_by("name", "pk")[:limit]), queryset.count()


def monument_list() -> QuerySet[Monument]:
    """Monuments for the public list: site and stored consensus joined, and whether
    they have photos (an EXISTS, not a join that would repeat rows)."""
    return Monument.objects.select_related("site", "consensus").annotate(
        has_photos=Exists(Photo.objects.filter(monument=OuterRef("pk")))
    )


def monument_page(slug: str) -> Monument | None:
    """A monument with everything its page shows besides the claims: site, group,
    stored consensus, override, and (one query each) aliases, members and photos."""
    return (
        Monument.objects.select_related("site", "part_of", "consensus", "status_override")
        .prefetch_related(
            Prefetch("aliases", queryset=Alias.objects.order_by("language", "name")),
            Prefetch(
                "members",
                queryset=Monument.objects.select_related("consensus").order_by("name"),
            ),
            Prefetch("photos", queryset=Photo.objects.select_related("source").order_by("key")),
        )
        .filter(slug=slug)
        .first()
    )


def accepted_claims(**filters) -> list[DamageReport]:
    """Accepted claims (drafted and rejected ones are never public) with their source,
    outlet, monument and the source's wire credits (two queries)."""
    return list(
        DamageReport.objects.accepted()
        .filter(**filters)
        .select_related("source__outlet", "monument")
        .prefetch_related("source__wire_credits")
        .order_by("source__published_on", "source__key", "key")
    )


def source_page(key: str) -> Source | None:
    """A source with its outlet and (one query each) credits and copy links both ways."""
    return (
        Source.objects.select_related("outlet")
        .prefetch_related(
            "wire_credits",
            "photo_credits",
            Prefetch("copies_passages_from", queryset=Source.objects.order_by("published_on")),
            Prefetch("copied_by", queryset=Source.objects.order_by("published_on")),
        )
        .filter(key=key)
        .first()
    )


def consensus_on(
    monument_ids: Iterable[int], day: datetime.date
) -> dict[int, services.consensus.Consensus]:
    """Each monument's consensus on a past *day*, from the services (three queries).
    For one monument's page: it runs the engine, with the verdicts a page explains."""
    return {
        mid: result
        for mid, (result, _claims) in services.consensus_at(
            monument_ids=monument_ids, as_of=day
        ).items()
    }


# The status columns of a stored period, annotated as ``period_<name>``.
PERIOD_COLUMNS = (
    "state",
    "confidence",
    "independent_origins",
    "contested",
    "single_origin",
    "claim_count",
    "valid_from",
    "extent_destroyed",
    "extent_affected",
    "extent_restored",
)


def with_status_on(monuments: QuerySet[Monument], day: datetime.date) -> QuerySet[Monument]:
    """*monuments* with the stored status of *day* (as of that day, all evidence held
    now) joined as ``period`` and annotated as ``period_state``, ``period_confidence``…
    (one LEFT JOIN; filter and sort on ``period__…``)."""
    monuments = monuments.with_period(PeriodBasis.OBSERVED, day)
    return monuments.annotate(
        **{f"period_{name}": F(f"period__{name}") for name in PERIOD_COLUMNS}
    )


def past_order(field: str) -> str:
    """A sort on today's consensus as the same sort on a past day's period."""
    return field.replace("consensus__changed_at", "period__valid_from").replace(
        "consensus__", "period__"
    )


def group_aliases(aliases: Iterable[Alias]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = defaultdict(list)
    for alias in aliases:
        grouped[alias.language].append(alias.name)
    return dict(grouped)


def search(queryset: QuerySet[Monument], text: str) -> QuerySet[Monument]:
    """Monuments any of whose names or aliases contains *text*, ignoring case, accents
    and Arabic marks and letter variants (the API's search, on the same column)."""
    words = normalise(text)
    if not words:
        return queryset.none()
    return queryset.filter(
        Q(search_text__contains=words) | Q(search_text__contains=words.replace(" ", ""))
    )
