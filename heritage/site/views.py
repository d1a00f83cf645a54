"""The public pages. Each reads through :mod:`heritage.site.queries` in a fixed number of
queries, answers 304 from the revision alone, and takes its filters from the URL."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

from django.conf import settings
from django.core.paginator import EmptyPage, Paginator
from django.core.validators import slug_re
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from heritage import services
from heritage.models import Composition, Site
from heritage.site import queries
from heritage.site.caching import revision_cached
from heritage.site.citation import cite
from heritage.site.forms import SORTS, AsOfForm, MonumentFilterForm
from heritage.site.labels import STATE_LABELS
from heritage.site.timeline import chart

REGISTRY_NAME = "Heritage-damage registry"
PAGE_SIZE = 50
UNLOCATED_ON_HOME = 20
CHANGES_ON_HOME = 8


def claim_anchor(ref: str) -> str:
    """The HTML id of a claim on a page: ``claim-<source key>--<claim key>``."""
    return "claim-" + ref.replace("/", "--")


def extent_parts(extent: dict | None) -> list[str]:
    """A group's extent in words: "3 of ~50 destroyed", or "3 destroyed" and "number of
    members unknown" when the group's size is not recorded. Empty for a non-group."""
    if extent is None:
        return []
    members = extent["members"]
    total = None if members is None else f"~{members}" if extent["approximate"] else members
    counts = [
        (extent["destroyed"], _("%(count)s of %(total)s destroyed"), _("%(count)s destroyed")),
        (
            extent["affected"] if extent["affected"] > extent["destroyed"] else 0,
            _("%(count)s of %(total)s damaged or destroyed"),
            _("%(count)s damaged or destroyed"),
        ),
        (extent["restored"], _("%(count)s of %(total)s restored"), _("%(count)s restored")),
    ]
    parts = [
        (of if total is not None else alone) % {"count": count, "total": total}
        for count, of, alone in counts
        if count
    ]
    if total is None:
        parts.append(_("number of members unknown"))
    elif not parts:
        parts.append(_("none of its %(total)s members reported damaged") % {"total": total})
    return parts


def _extent(destroyed, affected, restored, monument) -> dict | None:
    # Only a group of like members is counted; a whole's parts are not (a row stored
    # before the monument became a whole is ignored until its refresh).
    if destroyed is None or monument.composition != Composition.GROUP:
        return None
    return {
        "destroyed": destroyed,
        "affected": affected,
        "restored": restored,
        "members": monument.member_count,
        "approximate": monument.member_count_approximate,
    }


def status_from_stored(stored, monument) -> dict:
    """The status a page shows, from a stored consensus (None: no evidence yet)."""
    if stored is None:
        return {
            "state": "unknown",
            "confidence": 0.0,
            "independent_origins": 0,
            "contested": False,
            "single_origin": False,
            "overridden": False,
            "evidence_state": "unknown",
            "claim_count": 0,
            "changed_at": None,
            "extent": [],
        }
    return {
        "state": stored.state,
        "confidence": stored.confidence,
        "independent_origins": stored.independent_origins,
        "contested": stored.contested,
        "single_origin": stored.single_origin,
        "overridden": stored.overridden,
        "evidence_state": stored.evidence_state,
        "claim_count": stored.claim_count,
        "changed_at": stored.changed_at,
        "extent": extent_parts(
            _extent(
                stored.extent_destroyed,
                stored.extent_affected,
                stored.extent_restored,
                monument,
            )
        ),
    }


def status_from_result(result, monument) -> dict:
    """The status a page shows, from a consensus computed for a past date."""
    extent = result.extent
    computed = SimpleNamespace(
        **{name: getattr(result, name) for name in ENGINE_STATUS_FIELDS},
        claim_count=len(result.verdicts),
        changed_at=None,
        **{f"extent_{name}": getattr(extent, name) if extent else None for name in EXTENT},
    )
    return status_from_stored(computed, monument)


def status_from_period(monument) -> dict:
    """The status a page shows, from the stored period annotated by
    :func:`queries.with_status_on` (a past status is evidence alone: never overridden)."""
    if monument.period_state is None:
        return status_from_stored(None, monument)
    period = SimpleNamespace(
        **{name: getattr(monument, f"period_{name}") for name in queries.PERIOD_COLUMNS},
        overridden=False,
        evidence_state=monument.period_state,
        changed_at=None,
    )
    return status_from_stored(period, monument)


# What a computed consensus and a stored one call alike.
ENGINE_STATUS_FIELDS = (
    "state",
    "confidence",
    "independent_origins",
    "contested",
    "single_origin",
    "overridden",
    "evidence_state",
)
EXTENT = ("destroyed", "affected", "restored")


def stored_consensus(monument):
    try:
        return monument.consensus
    except type(monument).consensus.RelatedObjectDoesNotExist:
        return None


def map_context() -> dict:
    """What a page with a map passes to map.js: the tile server and the state words."""
    return {
        "tile_url": settings.MAP_TILE_URL,
        "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
        "state_labels": {code: str(label) for code, label in STATE_LABELS.items()},
    }


def bad_request(request, template: str, context: dict):
    return render(request, template, context, status=400)


# --- Home --------------------------------------------------------------------------


@require_safe
@revision_cached
def home(request):
    language = get_language()
    counts = queries.state_counts()
    changes = list(queries.latest_changes()[:CHANGES_ON_HOME])
    unlocated, unlocated_count = queries.unlocated(UNLOCATED_ON_HOME)
    names = queries.names_in(
        language, [c.monument_id for c in changes] + [m.pk for m in unlocated]
    )
    queries.localise_sites(language, [c.monument.site for c in changes])
    return render(
        request,
        "site/home.html",
        {
            "counts": counts,
            "total": sum(counts.values()),
            "changes": [(c, names.get(c.monument_id, c.monument.name)) for c in changes],
            "unlocated": [(m, names.get(m.pk, m.name)) for m in unlocated],
            "unlocated_count": unlocated_count,
            **map_context(),
        },
    )


@require_safe
@revision_cached
def map_points(request):
    """Every located monument as compact GeoJSON: name (in the page's language where an
    alias exists) and state. The map fetches it; the home page does not inline it."""
    features = queries.map_points(get_language())
    return JsonResponse(
        {"type": "FeatureCollection", "features": features},
        content_type="application/geo+json",
        json_dumps_params={"ensure_ascii": False, "separators": (",", ":")},
    )


# --- Monument list -----------------------------------------------------------------


@require_safe
@revision_cached
def monument_list(request):
    sites = list(Site.objects.order_by("name"))
    queries.localise_sites(get_language(), sites)
    form = MonumentFilterForm(request.GET or None, sites=sites)
    context = {"form": form, "sites": sites}
    if request.GET and not form.is_valid():
        return bad_request(request, "site/monument_list.html", context)
    values = form.cleaned_data if form.is_bound else {}
    as_of: datetime.date | None = values.get("as_of")
    state, contested = values.get("state"), values.get("contested")
    sort = values.get("sort") or "name"

    monuments = queries.monument_list()
    if values.get("q"):
        monuments = queries.search(monuments, values["q"])
    if values.get("site"):
        monuments = monuments.filter(site__slug=values["site"])
    if values.get("kind"):
        monuments = monuments.filter(kind=values["kind"])
    if values.get("photos"):
        monuments = monuments.filter(has_photos=values["photos"] == "yes")
    if values.get("located"):
        monuments = monuments.filter(latitude__isnull=values["located"] == "no")

    number = values.get("page") or 1
    # Today: the stored consensus. A past date: the stored period covering that day
    # (services.refresh_consensus keeps both), so filtering and sorting on a past
    # status cost what they cost today.
    relation = "consensus"
    order = SORTS[sort][1]
    if as_of:
        monuments = queries.with_status_on(monuments, as_of)
        relation = "period"
        order = tuple(queries.past_order(o) for o in order)
    if state:
        monuments = monuments.in_state(state, relation=relation)
    if contested:
        monuments = monuments.filter(**{f"{relation}__contested": contested == "yes"})
    paginator = Paginator(monuments.order_by(*order), PAGE_SIZE)
    page = _page(paginator, number)
    rows = list(page.object_list)
    names = queries.names_in(get_language(), [m.pk for m in rows])
    site_names = {site.pk: site.display_name for site in sites}
    for monument in rows:
        monument.site.display_name = site_names[monument.site_id]
    context.update(
        show_results=True,
        page=page,
        as_of=as_of,
        rows=[
            {
                "monument": m,
                "name": names.get(m.pk, m.name),
                "status": status_from_period(m)
                if as_of
                else status_from_stored(stored_consensus(m), m),
            }
            for m in rows
        ],
    )
    return render(request, "site/monument_list.html", context)


def _page(paginator: Paginator, number: int):
    try:
        return paginator.page(number)
    except EmptyPage:
        raise Http404(_("There is no page %(number)s.") % {"number": number}) from None


# --- Monument page -----------------------------------------------------------------


@require_safe
@revision_cached
def monument_detail(request, slug: str):
    monument = queries.monument_page(slug)
    if monument is None:
        raise Http404(_("No monument with this name in the registry."))
    form = AsOfForm(request.GET or None)
    if request.GET and not form.is_valid():
        return bad_request(request, "site/bad_request.html", {"form": form})
    as_of = form.cleaned_data.get("as_of") if form.is_bound else None
    today = timezone.localdate()
    language = get_language()

    reports = queries.accepted_claims(monument=monument)
    stored = stored_consensus(monument)
    override = getattr(monument, "status_override", None) if stored else None
    if as_of:
        result = queries.consensus_on([monument.pk], as_of)[monument.pk]
        status = status_from_result(result, monument)
        verdicts = {
            v.claim_id: {
                "role": v.role,
                "reasons": v.reasons,
                "weight": v.weight,
                "origin": v.origin,
            }
            for v in result.verdicts
        }
        override_reason = ""
    else:
        status = status_from_stored(stored, monument)
        verdicts = {e["claim"]: e for e in (stored.explanation if stored else [])}
        override_reason = override.reason if override and status["overridden"] else ""

    evidence = {"counted": [], "set_aside": [], "later": []}
    for report in reports:
        ref = services.claim_ref(report.source.key, report.key)
        verdict = verdicts.get(ref)
        role = verdict["role"] if verdict else ("later" if as_of else "unweighed")
        group = {"superseded": "set_aside", "discounted": "set_aside", "later": "later"}
        evidence[group.get(role, "counted")].append(
            {
                "report": report,
                "anchor": claim_anchor(ref),
                "role": role,
                "reasons": verdict["reasons"] if verdict else (),
                "weight": verdict["weight"] if verdict else None,
                "origin": verdict["origin"] if verdict else "",
                "credits": [o for o in report.source.wire_credits.all()],
            }
        )

    by_ref = {services.claim_ref(r.source.key, r.key): r for r in reports}
    # The timeline as services.refresh_consensus stored it (no engine run here).
    changes = [
        {
            "date": datetime.date.fromisoformat(c["date"]),
            "state": c["state"],
            "confidence": c["confidence"],
            "report": by_ref.get(c["claim_id"]),
            "anchor": claim_anchor(c["claim_id"]) if c["claim_id"] in by_ref else "",
        }
        for c in (stored.timeline if stored else [])
    ]
    timeline = chart(
        [(c["date"], c["state"], c["anchor"]) for c in changes], end=today, marker=as_of
    )

    related = [m for m in [monument.part_of] if m] + list(monument.members.all())
    names = queries.names_in(language, [monument.pk] + [m.pk for m in related])
    queries.localise_sites(language, [monument.site])
    name = names.get(monument.pk, monument.name)
    pinned = as_of or today
    path = reverse("site:monument", kwargs={"slug": monument.slug})
    permalink = request.build_absolute_uri(f"{path}?as_of={pinned.isoformat()}")
    api = reverse("monument-detail", kwargs={"slug": monument.slug})
    as_of_query = f"?as_of={as_of.isoformat()}" if as_of else ""
    return render(
        request,
        "site/monument_detail.html",
        {
            "monument": monument,
            "name": name,
            "group": (monument.part_of, names.get(monument.part_of.pk, monument.part_of.name))
            if monument.part_of
            else None,
            "members": [(m, names.get(m.pk, m.name)) for m in monument.members.all()],
            "aliases": queries.group_aliases(monument.aliases.all()),
            "photos": list(monument.photos.all()),
            "status": status,
            "override_reason": override_reason,
            "as_of": as_of,
            "today": today,
            "form": form if form.is_bound else AsOfForm(),
            "evidence": evidence,
            "claim_total": len(reports),
            "changes": changes,
            "timeline": timeline,
            "citation": cite(
                publisher=REGISTRY_NAME,
                title=name,
                slug=monument.slug,
                permalink=permalink,
                as_of=pinned,
                retrieved=today,
                language=language,
            ),
            "api": {
                "json": request.build_absolute_uri(api + as_of_query),
                "timeline": request.build_absolute_uri(
                    reverse("monument-timeline", kwargs={"slug": monument.slug})
                ),
                "csv": request.build_absolute_uri(
                    f"{reverse('monument-list')}?slug={monument.slug}&format=csv"
                ),
                "geojson": request.build_absolute_uri(
                    f"{reverse('monument-list')}?slug={monument.slug}&format=geojson"
                ),
                "claims": request.build_absolute_uri(
                    f"{reverse('report-list')}?monument={monument.slug}"
                ),
            },
            **map_context(),
        },
    )


# --- Source page -------------------------------------------------------------------


@require_safe
@revision_cached
def source_detail(request, key: str):
    source = queries.source_page(key)
    if source is None:
        raise Http404(_("No source with this key in the registry."))
    reports = queries.accepted_claims(source=source)
    names = queries.names_in(get_language(), {r.monument_id for r in reports})
    return render(
        request,
        "site/source_detail.html",
        {
            "source": source,
            "claims": [
                {
                    "report": r,
                    "name": names.get(r.monument_id, r.monument.name),
                    "anchor": claim_anchor(services.claim_ref(source.key, r.key)),
                }
                for r in sorted(reports, key=lambda r: (r.monument.name, r.key))
            ],
        },
    )


# --- Changes -----------------------------------------------------------------------


def site_from_query(request) -> Site | None:
    slug = request.GET.get("site") or ""
    if not slug:
        return None
    # Not a slug (a NUL byte, which PostgreSQL refuses in a query): no such site.
    site = Site.objects.filter(slug=slug).first() if slug_re.fullmatch(slug) else None
    if site is None:
        raise Http404(_("No site with this name in the registry."))
    return site


@require_safe
@revision_cached
def changes(request):
    site = site_from_query(request)
    page_number = request.GET.get("page") or "1"
    # ASCII digits only: "²".isdigit() is true, but int("²") fails.
    if not (page_number.isascii() and page_number.isdigit()) or int(page_number) < 1:
        raise Http404(_("There is no page %(number)s.") % {"number": page_number})
    paginator = Paginator(queries.latest_changes(site=site), PAGE_SIZE)
    page = _page(paginator, int(page_number))
    items = list(page.object_list)
    names = queries.names_in(get_language(), [c.monument_id for c in items])
    sites = list(Site.objects.order_by("name"))
    queries.localise_sites(get_language(), sites)
    site_names = {s.pk: s.display_name for s in sites}
    for change in items:
        change.monument.site.display_name = site_names[change.monument.site_id]
    if site is not None:
        site.display_name = site_names[site.pk]
    return render(
        request,
        "site/changes.html",
        {
            "site": site,
            "sites": sites,
            "page": page,
            "items": [(c, names.get(c.monument_id, c.monument.name)) for c in items],
        },
    )
