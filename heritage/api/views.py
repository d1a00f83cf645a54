"""The public, read-only API: monuments, sources, claims, sites.

Every view answers GET and HEAD only (other methods: 405), refuses parameters it does
not know (400 naming them), and carries HTTP validators: the ETag and Last-Modified
come from the registry's revision, so a conditional request is answered 304 after a
single query, before any data is read.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import json
from collections.abc import Iterable, Iterator

from django.conf import settings
from django.db.models import Count, Prefetch, Q
from django.http import Http404, StreamingHttpResponse
from django.utils import timezone
from django.utils.http import http_date, parse_http_date_safe, quote_etag
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions, mixins, viewsets
from rest_framework.decorators import action
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from heritage import consensus as engine
from heritage import services
from heritage.api import serializers as s
from heritage.api.errors import ParameterError
from heritage.api.filters import CONSENSUS_PARAMETERS, MonumentFilter, ReportFilter, SourceFilter
from heritage.api.pagination import RegistryPagination
from heritage.api.renderers import CSVRenderer, GeoJSONRenderer
from heritage.models import Alias, DamageReport, Monument, Photo, ReviewStatus, Site, Source

COMMON_PARAMETERS = {"format"}
PAGE_PARAMETERS = {"page", "page_size"}


class NotModified(Exception):
    """The client's copy is current: answer 304."""


class RegistryViewSet(viewsets.GenericViewSet):
    """Shared behaviour: strict parameters, HTTP validators, JSON by default.

    Subclasses define ``list`` and ``retrieve`` themselves; the router routes what exists.
    """

    renderer_classes = [JSONRenderer]
    pagination_class = RegistryPagination
    filter_backends = [DjangoFilterBackend]
    filterset_class = None

    def allowed_parameters(self) -> set[str]:
        allowed = set(COMMON_PARAMETERS)
        if self.action == "list":
            allowed |= PAGE_PARAMETERS
            if self.filterset_class is not None:
                allowed |= set(self.filterset_class.base_filters)
        return allowed

    def initial(self, request, *args, **kwargs):
        unknown = sorted(set(request.query_params) - self.allowed_parameters())
        if unknown:
            raise ParameterError(
                unknown[0],
                f"Unknown parameter. Accepted here: {', '.join(sorted(self.allowed_parameters()))}.",
            )
        super().initial(request, *args, **kwargs)
        if request.method in ("GET", "HEAD"):
            self.check_not_modified(request)

    def perform_content_negotiation(self, request, force=False):
        try:
            return super().perform_content_negotiation(request, force)
        except Http404:
            formats = ", ".join(r.format for r in self.get_renderers())
            raise ParameterError("format", f"Unknown format. Accepted here: {formats}.") from None

    # --- HTTP validators -----------------------------------------------------------

    def check_not_modified(self, request) -> None:
        revision = services.current_revision()
        variant = "|".join(
            [
                request.get_full_path(),
                request.accepted_media_type or "",
                timezone.localdate().isoformat(),  # "as_of" defaults to today
            ]
        )
        digest = hashlib.sha256(variant.encode()).hexdigest()[:16]
        self.etag = quote_etag(f"r{revision.number}-{digest}")
        self.last_modified = revision.changed_at
        if_none_match = request.headers.get("If-None-Match")
        if if_none_match is not None:
            tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
            if self.etag in tags or "*" in tags:
                raise NotModified
            return
        since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
        if since is not None and self.last_modified is not None:
            if int(self.last_modified.timestamp()) <= since:
                raise NotModified

    def validator_headers(self) -> dict[str, str]:
        headers = {
            "ETag": self.etag,
            "Cache-Control": f"public, max-age={settings.API_CACHE_SECONDS}",
            "Vary": "Accept",
        }
        if self.last_modified is not None:
            headers["Last-Modified"] = http_date(self.last_modified.timestamp())
        return headers

    def handle_exception(self, exc):
        if isinstance(exc, NotModified):
            return Response(status=304, headers=self.validator_headers())
        return super().handle_exception(exc)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if response.status_code >= 400 and isinstance(response, Response):
            # Errors are JSON whatever format was asked for.
            response.accepted_renderer = JSONRenderer()
            response.accepted_media_type = JSONRenderer.media_type
        if response.status_code == 200 and hasattr(self, "etag"):
            for name, value in self.validator_headers().items():
                response[name] = value
        return response

    # --- helpers -------------------------------------------------------------------

    def filtered(self):
        """The queryset filtered by the query parameters, and their cleaned values."""
        filterset = self.filterset_class(
            self.request.query_params, queryset=self.get_queryset(), request=self.request
        )
        if not filterset.is_valid():
            raise exceptions.ValidationError(filterset.errors)
        return filterset.qs, filterset.form.cleaned_data

    def detail_url(self, prefix: str) -> str:
        return self.request.build_absolute_uri(f"/api/{prefix}/")


FORMAT_PARAMETER = OpenApiParameter(
    "format",
    OpenApiTypes.STR,
    enum=["json", "csv", "geojson"],
    description="Response format (or send Accept: application/json, text/csv, "
    "application/geo+json). CSV and GeoJSON return every matching monument, unpaginated.",
)


@extend_schema_view(
    list=extend_schema(
        summary="Monuments with their consensus status",
        parameters=[FORMAT_PARAMETER],
        responses={
            (200, "application/json"): s.MonumentSerializer(many=True),
            (200, "text/csv"): OpenApiResponse(
                OpenApiTypes.STR, description="One row per monument (columns in the README)."
            ),
            (200, "application/geo+json"): s.FeatureCollectionSerializer,
        },
    ),
    retrieve=extend_schema(
        summary="A monument with the evidence behind its status",
        parameters=[
            OpenApiParameter(
                "as_of",
                OpenApiTypes.DATE,
                description=MonumentFilter.base_filters["as_of"].extra["help_text"],
            ),
            OpenApiParameter(
                "known_at",
                OpenApiTypes.DATE,
                description=MonumentFilter.base_filters["known_at"].extra["help_text"],
            ),
        ],
        responses=s.MonumentDetailSerializer,
    ),
)
class MonumentViewSet(RegistryViewSet):
    lookup_field = "slug"
    lookup_value_regex = r"[a-z0-9]+(?:-[a-z0-9]+)*"
    filterset_class = MonumentFilter
    serializer_class = s.MonumentSerializer

    def get_queryset(self):
        return Monument.objects.for_api()

    def get_renderers(self):
        if self.action == "list":
            return [JSONRenderer(), CSVRenderer(), GeoJSONRenderer()]
        return super().get_renderers()

    def allowed_parameters(self) -> set[str]:
        allowed = super().allowed_parameters()
        if self.action == "retrieve":
            allowed |= {"as_of", "known_at"}
        return allowed

    def dates(self) -> dict[str, datetime.date | None]:
        values = {}
        for name in ("as_of", "known_at"):
            raw = self.request.query_params.get(name)
            if raw in (None, ""):
                values[name] = None
                continue
            try:
                values[name] = datetime.date.fromisoformat(raw)
            except ValueError:
                raise ParameterError(
                    name, f"Expected a date as YYYY-MM-DD, got {raw!r}."
                ) from None
        return values

    def status_date(self, dates: dict) -> datetime.date:
        return dates["as_of"] or dates["known_at"] or timezone.localdate()

    # --- list --------------------------------------------------------------------------

    def list(self, request, *args, **kwargs):
        queryset, cleaned = self.filtered()
        # A unique last sort key, so that pages never repeat or skip a monument.
        queryset = queryset.order_by(*(queryset.query.order_by or ("site__name", "name")), "pk")
        dates = self.dates()
        fmt = request.accepted_renderer.format
        base_url = self.detail_url("monuments")
        if any(dates.values()):
            items = self.items_at(queryset, cleaned, dates, base_url)
        else:
            as_of = self.status_date(dates)
            rows = queryset.values(*s.MONUMENT_COLUMNS)
            if fmt == "json":
                # Page through ids (a narrow sort and a plain count), then read the
                # page's rows: the database never joins every monument's columns.
                ids = self.paginate_queryset(queryset.values_list("pk", flat=True))
                by_id = {
                    r["id"]: r
                    for r in Monument.objects.filter(pk__in=ids).values(*s.MONUMENT_COLUMNS)
                }
                return self.get_paginated_response(
                    [
                        s.monument_item(
                            by_id[pk], s.consensus_from_row(by_id[pk], as_of), base_url
                        )
                        for pk in ids
                    ]
                )
            items = (
                s.monument_item(r, s.consensus_from_row(r, as_of), base_url)
                for r in rows.iterator(chunk_size=2000)
            )
        if fmt == "csv":
            return stream_csv(items)
        if fmt == "geojson":
            return stream_geojson(items)
        page = self.paginate_queryset(list(items))
        return self.get_paginated_response(page)

    def items_at(self, queryset, cleaned: dict, dates: dict, base_url: str) -> list[dict]:
        """Monument items with the consensus computed for past dates, filtered on it."""
        rows = list(queryset.values(*s.MONUMENT_COLUMNS))
        ids = [r["id"] for r in rows]
        claims = services.claims_by_monument(ids)
        as_of = self.status_date(dates)
        items = []
        for row in rows:
            mine = claims.get(row["id"], [])
            result = engine.compute(mine, as_of=dates["as_of"], known_at=dates["known_at"])
            item = s.monument_item(row, s.consensus_from_result(result, mine, as_of), base_url)
            if self.matches(item["consensus"], cleaned):
                items.append(item)
        ordering = cleaned.get("ordering") or []
        for field in reversed(ordering):
            key = field.lstrip("-")
            if key in ("consensus__confidence", "consensus__state"):
                name = key.split("__")[1]
                items.sort(key=lambda i, n=name: i["consensus"][n], reverse=field.startswith("-"))
        return items

    @staticmethod
    def matches(consensus: dict, cleaned: dict) -> bool:
        state, contested, minimum = (cleaned.get(name) for name in CONSENSUS_PARAMETERS)
        if state and consensus["state"] != state:
            return False
        if contested and consensus["contested"] != (contested == "true"):
            return False
        return minimum is None or consensus["confidence"] >= float(minimum)

    # --- detail ----------------------------------------------------------------------

    def get_object(self):
        slug = self.kwargs["slug"]
        monument = (
            Monument.objects.for_api()
            .select_related("status_override")
            .prefetch_related(
                # Aliases, members and photos in one query each, not one per row.
                Prefetch("aliases", queryset=Alias.objects.order_by("language", "name")),
                Prefetch(
                    "members", queryset=Monument.objects.only("slug", "part_of").order_by("slug")
                ),
                Prefetch(
                    "photos", queryset=Photo.objects.select_related("source").order_by("key")
                ),
            )
            .filter(slug=slug)
            .first()
        )
        if monument is None:
            raise exceptions.NotFound({"slug": [f"No monument with slug {slug!r}."]})
        return monument

    def accepted_reports(self, monument: Monument) -> list[DamageReport]:
        # The claims behind the status, with their sources and outlets, in one query.
        return list(
            DamageReport.objects.accepted()
            .filter(monument=monument)
            .select_related("source__outlet", "monument")
            .order_by("source__published_on", "source__key", "key")
        )

    def retrieve(self, request, *args, **kwargs):
        dates = self.dates()
        monument = self.get_object()
        reports = self.accepted_reports(monument)
        as_of = self.status_date(dates)
        if any(dates.values()):
            claims = services.claims_by_monument([monument.pk]).get(monument.pk, [])
            result = engine.compute(claims, as_of=dates["as_of"], known_at=dates["known_at"])
            summary = s.consensus_from_result(result, claims, as_of)
            verdicts = s.verdicts_of(result)
            evidence_state, override_reason = result.evidence_state, ""
        else:
            stored = getattr(monument, "consensus", None)
            row = stored_row(stored)
            summary = s.consensus_from_row(row, as_of)
            verdicts = stored.explanation if stored else []
            evidence_state = stored.evidence_state if stored else engine.UNKNOWN
            override = getattr(monument, "status_override", None)
            override_reason = override.reason if override and summary["overridden"] else ""
        summary.update(
            evidence_state=evidence_state,
            override_reason=override_reason,
            **s.evidence_sides(reports, verdicts, summary["state"]),
        )
        row = {
            "slug": monument.slug,
            "name": monument.name,
            "kind": monument.kind,
            "site__slug": monument.site.slug,
            "part_of__slug": monument.part_of.slug if monument.part_of else None,
            "latitude": monument.latitude,
            "longitude": monument.longitude,
            "location_precision_m": monument.location_precision_m,
            "updated_at": monument.updated_at,
        }
        item = s.monument_item(row, summary, self.detail_url("monuments"))
        item.update(
            description=monument.description,
            aliases=[{"name": a.name, "language": a.language} for a in monument.aliases.all()],
            members=[m.slug for m in monument.members.all()],
            photos=[photo_item(p, request) for p in monument.photos.all()],
            claims=[s.claim_item(r) for r in reports],
        )
        return Response(item)

    @extend_schema(
        summary="Each change of a monument's consensus over time", responses=s.TimelineSerializer
    )
    @action(detail=True, methods=["get"])
    def timeline(self, request, slug=None):
        monument = self.get_object()
        claims = services.claims_by_monument([monument.pk]).get(monument.pk, [])
        by_ref = {
            services.claim_ref(r.source.key, r.key): r for r in self.accepted_reports(monument)
        }
        changes = [
            {
                "date": change.date.isoformat(),
                "earliest": change.earliest.isoformat() if change.earliest else None,
                "latest": change.latest.isoformat(),
                "state": change.state,
                "confidence": change.confidence,
                "claim": s.claim_item(by_ref[change.claim_id])
                if change.claim_id in by_ref
                else None,
            }
            for change in engine.timeline(claims)
        ]
        current = s.consensus_from_row(
            stored_row(getattr(monument, "consensus", None)), timezone.localdate()
        )
        return Response({"monument": monument.slug, "changes": changes, "current": current})


def stored_row(stored) -> dict:
    """A stored consensus as the ``consensus__…`` columns the list rows carry."""
    names = (
        "state",
        "confidence",
        "independent_origins",
        "contested",
        "single_origin",
        "overridden",
        "claim_count",
        "latest_observation",
        "changed_at",
    )
    return {f"consensus__{n}": getattr(stored, n) if stored else None for n in names}


def photo_item(photo: Photo, request) -> dict:
    return {
        "key": photo.key,
        "image": request.build_absolute_uri(photo.image.url) if photo.image else None,
        "width": photo.width,
        "height": photo.height,
        "caption": photo.caption,
        "credit": photo.credit,
        "taken_on": photo.taken_on.isoformat() if photo.taken_on else None,
        "source": photo.source.key if photo.source else None,
    }


# --- streaming formats ---------------------------------------------------------------


class _Echo:
    def write(self, value: str) -> str:
        return value


FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> object:
    """Booleans as true/false; text that a spreadsheet would run as a formula, quoted."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return "" if value is None else value


def stream_csv(items: Iterable[dict]) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def rows() -> Iterator[str]:
        yield "\ufeff"  # a BOM, so spreadsheets read UTF-8 (Arabic names) correctly
        yield writer.writerow(s.CSV_FIELDS)
        for item in items:
            yield writer.writerow([_cell(v) for v in s.monument_csv_row(item)])

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="monuments.csv"'
    return response


def stream_geojson(items: Iterable[dict]) -> StreamingHttpResponse:
    def chunks() -> Iterator[str]:
        yield '{"type": "FeatureCollection", "features": ['
        for n, item in enumerate(items):
            yield ("," if n else "") + json.dumps(s.monument_feature(item), ensure_ascii=False)
        yield "]}"

    return StreamingHttpResponse(chunks(), content_type="application/geo+json")


# --- sources, claims, sites ----------------------------------------------------------


def source_item(source: Source, base_url: str) -> dict:
    return {
        "key": source.key,
        "url": f"{base_url}{source.key}/",
        "kind": source.kind,
        "title": source.title,
        "outlet": source.outlet.slug if source.outlet else None,
        "byline": source.byline,
        "dateline": source.dateline,
        "published_on": source.published_on.isoformat(),
        "source_url": source.url,
        "language": source.language,
        "wire_credits": sorted(o.slug for o in source.wire_credits.all()),
        "photo_credits": sorted(o.slug for o in source.photo_credits.all()),
        "wire_story": source.wire_story,
        "copies_passages_from": sorted(o.key for o in source.copies_passages_from.all()),
        "claim_count": source.claim_count,
    }


@extend_schema_view(
    list=extend_schema(
        summary="Sources with their credits", responses=s.SourceSerializer(many=True)
    ),
    retrieve=extend_schema(
        summary="A source with its accepted claims", responses=s.SourceDetailSerializer
    ),
)
class SourceViewSet(RegistryViewSet):
    lookup_field = "key"
    lookup_value_regex = r"[a-z0-9]+(?:-[a-z0-9]+)*"
    filterset_class = SourceFilter
    serializer_class = s.SourceSerializer

    def get_queryset(self):
        return (
            Source.objects.select_related("outlet")
            .annotate(
                claim_count=Count(
                    "reports", filter=Q(reports__review_status=ReviewStatus.ACCEPTED)
                )
            )
            # Credits and copy links in one query each, not one per source.
            .prefetch_related("wire_credits", "photo_credits", "copies_passages_from")
            .order_by("-published_on", "key")
        )

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        base_url = self.detail_url("sources")
        return self.get_paginated_response([source_item(x, base_url) for x in page])

    def retrieve(self, request, *args, **kwargs):
        key = self.kwargs["key"]
        source = self.get_queryset().prefetch_related("copied_by").filter(key=key).first()
        if source is None:
            raise exceptions.NotFound({"key": [f"No source with key {key!r}."]})
        item = source_item(source, self.detail_url("sources"))
        reports = (
            DamageReport.objects.accepted()
            .filter(source=source)
            .select_related("source__outlet", "monument")
            .order_by("key")
        )
        item.update(
            notes=source.notes,
            copied_by=sorted(o.key for o in source.copied_by.all()),
            claims=[s.claim_item(r) for r in reports],
        )
        return Response(item)


@extend_schema_view(
    list=extend_schema(summary="Accepted claims", responses=s.ClaimSerializer(many=True)),
)
class ReportViewSet(mixins.ListModelMixin, RegistryViewSet):
    filterset_class = ReportFilter
    serializer_class = s.ClaimSerializer

    def get_queryset(self):
        # Source, outlet and monument joined: one query per page.
        return (
            DamageReport.objects.accepted()
            .select_related("source__outlet", "monument")
            .order_by("source__published_on", "source__key", "key")
        )

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response([s.claim_item(r) for r in page])


def site_item(site: Site) -> dict:
    return {
        "slug": site.slug,
        "name": site.name,
        "country": site.country,
        "description": site.description,
        "latitude": float(site.latitude) if site.latitude is not None else None,
        "longitude": float(site.longitude) if site.longitude is not None else None,
        "location_precision_m": site.location_precision_m,
        "monument_count": site.monument_count,
    }


@extend_schema_view(
    list=extend_schema(summary="Sites", responses=s.SiteSerializer(many=True)),
    retrieve=extend_schema(summary="A site", responses=s.SiteSerializer),
)
class SiteViewSet(RegistryViewSet):
    lookup_field = "slug"
    serializer_class = s.SiteSerializer
    filter_backends = []

    def get_queryset(self):
        return Site.objects.annotate(monument_count=Count("monuments")).order_by("name")

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response([site_item(x) for x in page])

    def retrieve(self, request, *args, **kwargs):
        site = self.get_queryset().filter(slug=self.kwargs["slug"]).first()
        if site is None:
            raise exceptions.NotFound({"slug": [f"No site with slug {self.kwargs['slug']!r}."]})
        return Response(site_item(site))
