"""The public, read-only API: monuments, sources, claims, sites.

Every view answers GET and HEAD only (other methods: 405), refuses parameters it does
not know (400 naming them), and carries HTTP validators: the ETag and Last-Modified
come from the registry's revision, so a conditional request is answered 304 after a
single query, before any data is read.
"""

from __future__ import annotations

import datetime
import hashlib
import math
from collections import ChainMap

from django.conf import settings
from django.db.models import Count, Exists, OuterRef
from django.http import FileResponse, Http404
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
from rest_framework.utils.urls import remove_query_param, replace_query_param
from rest_framework.views import APIView

from heritage import consensus as engine
from heritage import dataset, services
from heritage.api import formats, keyset, linked_data, response_cache
from heritage.api import serializers as s
from heritage.api.errors import ParameterError, ParameterNotFound
from heritage.api.filters import CONSENSUS_PARAMETERS, MonumentFilter, ReportFilter, SourceFilter
from heritage.api.pagination import RegistryPagination, bounded_count
from heritage.api.renderers import (
    CSVRenderer,
    GeoJSONRenderer,
    JSONLDRenderer,
    JSONLinesRenderer,
)
from heritage.models import (
    PUBLICATION_ORDER,
    Alias,
    ConsensusPeriod,
    ConsensusState,
    DamageReport,
    Monument,
    MonumentConsensus,
    PeriodBasis,
    Photo,
    ReviewStatus,
    Site,
    Source,
)
from heritage.prepared import Prepared
from heritage.ranges import range_ends

COMMON_PARAMETERS = {"format"}
MAX_PARAMETER_LENGTH = 200
PARAMETER_REPEATED = "Give this parameter at most once."
PARAMETER_EMPTY = "Give a value, or leave the parameter out."
PARAMETER_TOO_LONG = "At most {limit} characters."
ORDERING_EMPTY_ITEM = "Give field names separated by commas, with none empty."
PAGE_PARAMETERS = {"page", "page_size"}


class NotModified(Exception):
    """The client's copy is current: answer 304."""


class Cached(Exception):
    """The same request was answered at this revision: answer with that response."""

    def __init__(self, response):
        self.response = response


STREAMED_FORMATS = ("csv", "jsonl", "geojson")


class RegistryViewSet(viewsets.GenericViewSet):
    # Shared behaviour: strict parameters, HTTP validators, JSON by default. Subclasses
    # define ``list`` and ``retrieve`` themselves; the router routes what exists. (A
    # comment, not a docstring: the API docs would show a docstring to researchers.)

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
        check_parameter_values(request.query_params)
        if self.action == "list" and self.paginator is not None:
            self.paginator.check_parameters(request)
        super().initial(request, *args, **kwargs)
        if request.method in ("GET", "HEAD"):
            self.check_not_modified(request)
        if request.method == "GET" and response_cache.enabled():
            self.cache_key = response_cache.key_for(self.etag, self.revision)
            cached = response_cache.lookup(self.cache_key)
            if cached is not None:
                raise Cached(cached)

    def perform_content_negotiation(self, request, force=False):
        try:
            return super().perform_content_negotiation(request, force)
        except Http404:
            formats = ", ".join(r.format for r in self.get_renderers())
            raise ParameterError("format", f"Unknown format. Accepted here: {formats}.") from None

    # --- HTTP validators -----------------------------------------------------------

    def check_not_modified(self, request) -> None:
        revision = self.revision = services.current_revision()
        variant = "|".join(
            [
                # The full address: links in the body are absolute (host and scheme).
                request.build_absolute_uri(),
                request.accepted_media_type or "",
                timezone.localdate().isoformat(),  # "as_of" defaults to today
                # A streamed export is gzip-compressed when the client accepts it.
                str(self.streamed() and formats.accepts_gzip(request)),
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
            "Vary": "Accept, Accept-Encoding",
        }
        if self.last_modified is not None:
            headers["Last-Modified"] = http_date(self.last_modified.timestamp())
        return headers

    def handle_exception(self, exc):
        if isinstance(exc, NotModified):
            return Response(status=304, headers=self.validator_headers())
        if isinstance(exc, Cached):
            self.cache_key = None  # already stored
            return exc.response
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
            if getattr(self, "cache_key", None):
                response_cache.keep(self.cache_key, response)
        return response

    # --- helpers -------------------------------------------------------------------

    def streamed(self) -> bool:
        renderer = getattr(self.request, "accepted_renderer", None)
        return self.action == "list" and getattr(renderer, "format", "") in STREAMED_FORMATS

    def get_renderers(self):
        if self.action == "list":
            return [JSONRenderer(), CSVRenderer(), JSONLinesRenderer(), *self.extra_renderers]
        return super().get_renderers()

    extra_renderers: list = []

    def export(self, name: str, table, rows, item, context: dict, enrich=None):
        """Stream every row in the requested format: CSV and GeoJSON as the flat
        ``table()``, JSON Lines as the JSON ``item``s (``enrich`` adds what they need
        to each chunk of rows)."""
        fmt = self.request.accepted_renderer.format
        if fmt == "csv":
            parts = formats.csv_chunks(table(), rows, context)
        elif fmt == "geojson":
            parts = formats.geojson_chunks(table(), rows, context)
        else:
            parts = formats.jsonl_chunks(item, enrich or (lambda chunk: None), rows, context)
        return formats.streaming_response(self.request, fmt, parts, name)

    def filtered(self):
        """The queryset filtered by the query parameters, and their cleaned values."""
        filterset = self.filterset_class(
            self.request.query_params, queryset=self.get_queryset(), request=self.request
        )
        if not filterset.is_valid():
            raise exceptions.ValidationError(filterset.errors)
        return filterset.qs, filterset.form.cleaned_data

    @staticmethod
    def uniquely_ordered(queryset, unique: str):
        """*queryset* in the requested (or default) order, then by the *unique* field,
        so that pages never repeat or skip a row where the order has ties."""
        return queryset.order_by(*queryset.query.order_by, unique)

    def detail_url(self, prefix: str) -> str:
        return self.request.build_absolute_uri(f"/api/{prefix}/")

    # --- pages by key (heritage.api.keyset) ----------------------------------------

    def keyset_anchor(self, locate, unknown: str) -> tuple[str, tuple] | None:
        """The ``after`` or ``before`` parameter, as (its name, the place in the list's
        order of the row it names); None without either. *locate(value)* reads that
        place (None when no row has that reference); *unknown* is the message for a
        reference no row has, with ``{value}``."""
        params = self.request.query_params
        given = [name for name in KEYSET_PARAMETERS if name in params]
        if not given:
            return None
        if len(given) > 1:
            raise ParameterError("before", KEYSET_BOTH)
        name = given[0]
        if "page" in params:
            raise ParameterError("page", KEYSET_WITH_PAGE)
        values = locate(name, params[name])
        if values is None:
            raise ParameterNotFound(name, unknown.format(value=params[name]))
        return name, values

    def keyset_page(
        self, rows, keys: list[keyset.Key], anchor, count=None
    ) -> tuple[list, int | None, bool, bool]:
        """One page of *rows* (ordered by *keys*): by number without an anchor (counted
        up to the count limit, by *count()* when given), else after or before the
        anchor's place (not counted: a page read by key costs the same however deep it
        is). Returns the page, the count (None when not counted), and whether pages
        follow and precede it."""
        if anchor is None:
            page = self.paginator.paginate_queryset(rows, self.request, view=self, count=count)
            number = self.paginator.page
            return page, number.paginator.count, number.has_next(), number.has_previous()
        name, values = anchor
        size = self.paginator.get_page_size(self.request)
        page, has_next, has_previous = keyset.page(
            rows, keys, values, forward=name == "after", size=size
        )
        return page, None, has_next, has_previous

    def keyset_response(self, results: list, count, has_next: bool, has_previous: bool, ref):
        """The page with its links by key: ``next`` after its last row, ``previous``
        before its first (*ref(item)* is a row's reference)."""
        links = {"next": None, "previous": None}
        if results and has_next:
            links["next"] = keyset_link(self.request, "after", ref(results[-1]))
        if results and has_previous:
            links["previous"] = keyset_link(self.request, "before", ref(results[0]))
        return Response({**self.paginator.counted(count), **links, "results": results})


def check_parameter_values(params) -> None:
    """Each parameter once, with a value of at most MAX_PARAMETER_LENGTH characters.

    A repeated parameter would be silently last-wins, an empty one silently ignored
    (``as_of=`` meaning today), and a huge one costs the database (a LIKE pattern).
    """
    for name, values in sorted(params.lists()):
        if len(values) > 1:
            raise ParameterError(name, PARAMETER_REPEATED)
        if values[0] == "":
            raise ParameterError(name, PARAMETER_EMPTY)
        if name == "ordering" and "" in (item.strip() for item in values[0].split(",")):
            raise ParameterError(name, ORDERING_EMPTY_ITEM)
        if len(values[0]) > MAX_PARAMETER_LENGTH:
            raise ParameterError(name, PARAMETER_TOO_LONG.format(limit=MAX_PARAMETER_LENGTH))


def format_parameter(*extra: str) -> OpenApiParameter:
    names = ["json", "csv", "jsonl", *extra]
    media = ["application/json", "text/csv", "application/jsonl"]
    if "geojson" in extra:
        media.append("application/geo+json")
    return OpenApiParameter(
        "format",
        OpenApiTypes.STR,
        enum=names,
        description="Response format; or send Accept: " + ", ".join(media) + ". JSON is "
        "paginated; CSV (UTF-8 with a byte-order mark), JSON Lines (one object per line) "
        + ("and GeoJSON " if "geojson" in extra else "")
        + "return every matching record, streamed, with the same filters. Send "
        "Accept-Encoding: gzip to receive them compressed.",
    )


def list_responses(serializer, name: str, geojson: bool = False) -> dict:
    responses = {
        (200, "application/json"): serializer(many=True),
        (200, "text/csv"): OpenApiResponse(
            OpenApiTypes.STR,
            description="One row per record: the JSON fields as flat columns (a nested "
            "object's fields in its place, lists joined by '; ').",
        ),
        (200, "application/jsonl"): OpenApiResponse(
            OpenApiTypes.STR, description="One JSON object per line, as in the JSON results."
        ),
    }
    if geojson:
        responses[(200, "application/geo+json")] = s.feature_collection_serializer(
            name, serializer
        )
    return responses


def path_parameter(name: str, description: str) -> OpenApiParameter:
    return OpenApiParameter(name, OpenApiTypes.STR, OpenApiParameter.PATH, description=description)


MONUMENT_SLUG = path_parameter("slug", "The monument's slug (temple-of-bel).")
SOURCE_KEY = path_parameter("key", "The source's key (afp-2016-03-28-syria-troops-press-advance).")
SITE_SLUG = path_parameter("slug", "The site's slug (palmyra).")

DATE_PARAMETERS = [
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
]


@extend_schema_view(
    list=extend_schema(
        summary="Monuments with their consensus status",
        description="Every monument of the registry with the damage status the evidence "
        "supports (its consensus), filtered and sorted by the parameters. CSV and GeoJSON "
        "carry the status as flat columns (state, confidence, contested…), the names in "
        "each alias language (name_ar, name_fr…) and every alias.",
        parameters=[format_parameter("geojson")],
        responses=list_responses(s.MonumentSerializer, "Monument", geojson=True),
    ),
    retrieve=extend_schema(
        summary="A monument with the evidence behind its status",
        description="The monument's record, its aliases, members and photos, every "
        "accepted claim about it, and its status with the claims that support it, dispute "
        "it or were set aside, each with its weight and the reasons for it. With as_of or "
        "known_at, the status on a past date. Also available as JSON-LD (format=jsonld or "
        "Accept: application/ld+json): schema.org terms with the registry's vocabulary.",
        parameters=[
            MONUMENT_SLUG,
            *DATE_PARAMETERS,
            OpenApiParameter(
                "format",
                OpenApiTypes.STR,
                enum=["json", "jsonld"],
                description="json (default) or jsonld (linked data).",
            ),
        ],
        responses={
            (200, "application/json"): s.MonumentDetailSerializer,
            (200, "application/ld+json"): OpenApiResponse(
                OpenApiTypes.OBJECT,
                description="JSON-LD: a schema:LandmarksOrHistoricalBuildings with its "
                "place, coordinates, sameAs links and the registry's status and claims.",
            ),
        },
    ),
)
class MonumentViewSet(RegistryViewSet):
    lookup_field = "slug"
    lookup_value_regex = r"[a-z0-9]+(?:-[a-z0-9]+)*"
    filterset_class = MonumentFilter
    serializer_class = s.MonumentSerializer
    extra_renderers = [GeoJSONRenderer()]

    def get_queryset(self):
        return Monument.objects.for_api()

    def get_renderers(self):
        if self.action == "retrieve":
            return [JSONRenderer(), JSONLDRenderer()]
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

    def past(self, dates: dict) -> tuple[str, datetime.date] | None:
        """The stored periods that answer the requested dates, as (basis, day).

        ``known_at`` alone, or with an ``as_of`` on or after it, reads the published
        periods (a claim is never observed after its publication, so such an ``as_of``
        keeps every claim ``known_at`` keeps); ``as_of`` alone reads the observed ones.
        None for today, and for an ``as_of`` before ``known_at`` (see
        :meth:`list_bitemporal`).
        """
        as_of, known_at = dates["as_of"], dates["known_at"]
        if known_at is not None and (as_of is None or as_of >= known_at):
            return PeriodBasis.PUBLISHED, known_at
        if as_of is not None and known_at is None:
            return PeriodBasis.OBSERVED, as_of
        return None

    def list(self, request, *args, **kwargs):
        dates = self.dates()
        past = self.past(dates)
        queryset, cleaned = self.filtered()
        # A unique last sort key, so that pages never repeat or skip a monument.
        order = [*(queryset.query.order_by or ("site_name", "name")), "pk"]
        status_order = past is None and str(order[0]).lstrip("-").startswith("consensus__")
        if status_order:
            # Every monument has a status row: the order ends on the row's monument in
            # the first term's direction, and the page joins it (inner, below), so
            # that the status table's index (state or confidence, monument) gives the
            # order without a sort.
            order[-1] = ("-" if str(order[0]).startswith("-") else "") + "consensus__monument"
        context = {
            "base_url": self.detail_url("monuments"),
            "as_of": self.status_date(dates).isoformat(),
        }
        if past is None and any(dates.values()):
            return self.list_bitemporal(queryset, order, cleaned, dates, context)
        columns, from_row, relation = s.MONUMENT_COLUMNS, None, "consensus"
        monuments = Monument.objects.all()
        if past is not None:
            # The stored period covering the day stands in for today's status.
            order = [o.replace("consensus__", "period__") for o in order]
            queryset = queryset.with_period(*past)
            monuments = monuments.with_period(*past)
            columns, from_row, relation = PAST_COLUMNS, past_row, "period"
        keys = keyset.parse_order(order, nullable=MONUMENT_NULLABLE)
        unfiltered = queryset
        queryset = keyset.order_by(self.filter_consensus(queryset, cleaned, relation), keys)
        anchor = self.monument_anchor(monuments, keys)
        if status_order:
            # Counted without the join, which changes nothing (every monument has its
            # row) but would make the count read the status table.
            counted = queryset.values_list("pk", flat=True)
            queryset = queryset.filter(consensus__isnull=False)
        if request.accepted_renderer.format == "json":
            count = (lambda: bounded_count(counted)) if status_order else None
            status = status_rows(cleaned, past)
            if status is not None:
                # A page by number is counted on the status table (up to the count
                # limit), once for the page and for the choice below; a page by key is
                # not counted.
                matches = bounded_count(status) if anchor is None else None
                if anchor is None:
                    count = lambda: matches  # noqa: E731
                if past is None and self.walk_in_order(keys, status, matches, anchor is None):
                    queryset = keyset.order_by(
                        unfiltered.filter(Exists(status.filter(monument=OuterRef("pk")))), keys
                    )
            # Page through ids (a narrow sort and a plain count), then read the page's
            # rows: the database never joins every monument's columns.
            ids, count, has_next, has_previous = self.keyset_page(
                queryset.values_list("pk", flat=True), keys, anchor, count=count
            )
            page = rows_in_order(monuments, ids, columns)
            if from_row is not None:
                page = list(map(from_row, page))
            return self.monument_page(page, context, count, has_next, has_previous)
        rows = formats.read(keyset.from_anchor(queryset, keys, anchor).values(*columns))
        if from_row is not None:
            rows = rows.through(lambda chunk: list(map(from_row, chunk)), s.MONUMENT_COLUMNS)
        return self.export("monuments", formats.monument_table, rows, s.monument_item, context)

    def walk_in_order(
        self, keys: list[keyset.Key], status, matches: int | None, by_number: bool
    ) -> bool:
        """Whether a page of a list filtered on today's status (*status*: the matching
        status rows) is cheaper read by walking the monuments in the list's order (its
        index) and keeping those whose status matches, than by taking every match and
        sorting them.

        Walking reads about (rows before the page + page size) × monuments / matches
        rows; sorting reads the matches: walk when (rows before + size) × monuments <
        matches². A common state (a quarter of the registry destroyed) walks about four
        rows per row shown; a rare one (a dozen monuments) would walk the whole
        registry, and is sorted. A page by number (*by_number*) gives its count
        (*matches*, None beyond the count limit); otherwise they are counted only as far
        as the rule needs (at most the square root of that product), so that a page by
        key stays uncounted. Only an order on the monument's own columns has an index
        to walk."""
        if any(k.field.startswith(STATUS_TERMS) for k in keys):
            return False
        size = self.paginator.get_page_size(self.request)
        before = (self.paginator.page_number(self.request) - 1) * size if by_number else 0
        # The span of the ids: at least the number of monuments (more after deletions,
        # which only makes sorting likelier), read from the ends of the primary key.
        ends = range_ends(Monument.objects.all(), "pk")
        if ends["last"] is None:
            return False
        walked = (before + size) * (ends["last"] - ends["first"] + 1)
        if matches is None:
            # Beyond the count limit, more match than the limit: count no further when
            # that already decides.
            known = settings.API_COUNT_LIMIT + 1 if by_number else 0
            if walked < known * known:
                return True
            enough = math.isqrt(walked) + 1  # matches² > walked from this many on
            matches = status.values("pk")[:enough].count()
        return walked < matches * matches

    def monument_page(self, rows: list[dict], context: dict, count, has_next, has_previous):
        """A page of monuments (their rows in the list's order), linked by slug."""
        items = [s.monument_item(r, context) for r in rows]
        return self.keyset_response(
            items, count, has_next, has_previous, ref=lambda item: item["slug"]
        )

    def monument_anchor(self, monuments, keys: list[keyset.Key]) -> tuple[str, tuple] | None:
        """``after`` / ``before`` a monument's slug: its place in the list's order
        (*monuments*: every monument, with the period of the requested day joined)."""
        return self.keyset_anchor(
            lambda name, slug: keyset.place(monuments.filter(slug=slug), keys),
            KEYSET_UNKNOWN_MONUMENT,
        )

    @staticmethod
    def filter_consensus(queryset, cleaned: dict, relation: str):
        """Apply state / contested / min_confidence to the status of the requested day:
        today's stored consensus, or the stored period of a past day (*relation*)."""
        state, contested, minimum = (cleaned.get(name) for name in CONSENSUS_PARAMETERS)
        if state:
            queryset = queryset.in_state(state, relation=relation)
        if contested:
            queryset = queryset.filter(**{f"{relation}__contested": contested == "true"})
        if minimum is not None:
            queryset = queryset.filter(**{f"{relation}__confidence__gte": float(minimum)})
        return queryset

    def list_bitemporal(self, queryset, order: list, cleaned: dict, dates: dict, context: dict):
        """``as_of`` before ``known_at``: what the registry knew on one day about an
        earlier one. Not stored (it would take a period per pair of days), so the
        engine runs for the monuments of the page only, or chunk by chunk for the
        streamed formats; filtering or sorting on that status would need every
        monument, and is refused.
        """
        asked = [name for name in CONSENSUS_PARAMETERS if cleaned.get(name) not in (None, "")]
        if any(str(o).lstrip("-").startswith("consensus__") for o in order):
            asked.append("ordering")
        if asked:
            raise ParameterError(
                asked[0],
                "With as_of before known_at, the status is computed for the listed monuments "
                "only: filter or sort on it with as_of or known_at alone.",
            )
        keys = keyset.parse_order(order, nullable=MONUMENT_NULLABLE)
        queryset = keyset.order_by(queryset, keys)
        anchor = self.monument_anchor(Monument.objects.all(), keys)

        def with_status(rows: list[dict]) -> list[dict]:
            claims, groups = services.engine_inputs([r["id"] for r in rows])
            for row in rows:
                mine = claims.get(row["id"], [])
                result = engine.compute(
                    mine,
                    as_of=dates["as_of"],
                    known_at=dates["known_at"],
                    group=groups.get(row["id"]),
                )
                row.update(s.consensus_row(result, mine))
            return rows

        if self.request.accepted_renderer.format == "json":
            ids, count, has_next, has_previous = self.keyset_page(
                queryset.values_list("pk", flat=True), keys, anchor
            )
            page = with_status(rows_in_order(Monument.objects.all(), ids, s.MONUMENT_COLUMNS))
            return self.monument_page(page, context, count, has_next, has_previous)
        queryset = keyset.from_anchor(queryset, keys, anchor)
        rows = formats.read(queryset.values(*s.MONUMENT_COLUMNS), size=BITEMPORAL_CHUNK)
        rows = rows.through(with_status, s.MONUMENT_COLUMNS)
        return self.export("monuments", formats.monument_table, rows, s.monument_item, context)

    # --- detail ----------------------------------------------------------------------

    def retrieve(self, request, *args, **kwargs):
        dates = self.dates()
        slug = self.kwargs["slug"]
        detail = monument_detail_row(slug, dates, request)
        if detail is None:
            raise exceptions.NotFound({"slug": [f"No monument with slug {slug!r}."]})
        context = {
            "base_url": self.detail_url("monuments"),
            "as_of": self.status_date(dates).isoformat(),
        }
        item = s.monument_detail_item(detail, context)
        if request.accepted_renderer.format == "jsonld":
            site = {name: detail[f"site__{name}"] for name in SITE_LINK_NAMES}
            item = linked_data.monument(item, site, vocabulary=self.vocabulary_url())
        return Response(item)

    def vocabulary_url(self) -> str:
        return self.request.build_absolute_uri("/api/vocabulary/")

    @extend_schema(
        summary="Each change of a monument's consensus over time",
        description="Every date on which the state the evidence supports changed, oldest "
        "first, with the claim whose observation caused the change, and the published "
        "status now.",
        parameters=[MONUMENT_SLUG],
        responses=s.TimelineSerializer,
    )
    @action(detail=True, methods=["get"])
    def timeline(self, request, slug=None):
        row = monument_timeline_row(slug)
        if row is None:
            raise exceptions.NotFound({"slug": [f"No monument with slug {slug!r}."]})
        return Response(s.timeline_item(row, {"as_of": timezone.localdate().isoformat()}))


TIMELINE_ROW = Prepared(
    lambda slug: Monument.objects.filter(slug=slug).values(
        "slug",
        "member_count",
        "member_count_approximate",
        "consensus__timeline",
        *STORED_COLUMNS,
    )[:1],
    slug=str,
)


def monument_timeline_row(slug: str) -> dict | None:
    """The row :func:`serializers.timeline_item` builds a timeline from, or None for an
    unknown slug: the engine's timeline as stored by ``services.refresh_consensus``
    with the present status (one query), and the claims that caused the changes (one)."""
    row = TIMELINE_ROW.first(slug=slug)
    if row is None:
        return None
    stored = row["consensus__timeline"] or []
    refs = {c["claim_id"] for c in stored if c.get("claim_id")}
    by_ref = {}
    if refs:
        # Claims by source key and claim key, through the unique index; whether they
        # are accepted is checked here, not in the query, where SQLite (without
        # statistics) would rather read every accepted claim. A few more pairs than
        # asked may come back (the product of the two lists); they are left out too.
        pairs = [ref.split("/", 1) for ref in refs]
        claims = (
            DamageReport.objects.filter(
                source__key__in={p[0] for p in pairs}, key__in={p[1] for p in pairs}
            )
            .order_by()
            .values("review_status", *s.CLAIM_COLUMNS)
        )
        by_ref = {
            ref: c
            for c in claims
            if c["review_status"] == ReviewStatus.ACCEPTED
            and (ref := services.claim_ref(c["source__key"], c["key"])) in refs
        }
    changes = [{**change, "claim": by_ref.get(change.get("claim_id"))} for change in stored]
    return {"monument": row["slug"], "changes": changes, "current": row}


# Rows read for the as-of-before-known-at list at a time (the engine runs per chunk).
BITEMPORAL_CHUNK = 500

# The columns of today's stored status, as the monument rows carry them.
STORED_COLUMNS = tuple(c for c in s.MONUMENT_COLUMNS if c.startswith("consensus__"))

# A monument's columns with the stored period of a past day in place of today's status.
PAST_COLUMNS = (
    *(c for c in s.MONUMENT_COLUMNS if not c.startswith("consensus__")),
    "period__state",
    "period__confidence",
    "period__independent_origins",
    "period__contested",
    "period__single_origin",
    "period__claim_count",
    "period__latest_observation",
    "period__extent_destroyed",
    "period__extent_affected",
    "period__extent_restored",
)


def past_row(row: dict) -> dict:
    """A row of PAST_COLUMNS as the ``consensus__…`` columns of today's rows: a past
    status is never overridden and has no ``changed_at``."""
    out = {k: v for k, v in row.items() if not k.startswith("period__")}
    for name, value in row.items():
        if name.startswith("period__"):
            out["consensus__" + name.removeprefix("period__")] = value
    out["consensus__overridden"] = False if row["period__state"] is not None else None
    out["consensus__changed_at"] = None
    return out


# The detail's reads, compiled once (see heritage.prepared): the monument with its
# site, stored status and override, then its accepted claims, aliases, members and photos.
DETAIL_ROW = Prepared(
    lambda slug: Monument.objects.filter(slug=slug).values(*s.MONUMENT_DETAIL_COLUMNS)[:1],
    slug=str,
)
DETAIL_CLAIMS = Prepared(
    lambda pk: (
        DamageReport.objects.accepted()
        .filter(monument_id=pk)
        .in_publication_order()
        .values(*s.CLAIM_COLUMNS)
    ),
    pk=int,
)
DETAIL_ALIASES = Prepared(
    lambda pk: (
        Alias.objects.filter(monument_id=pk)
        .order_by("language", "name")
        .values("name", "language")
    ),
    pk=int,
)
DETAIL_MEMBERS = Prepared(
    lambda pk: (
        Monument.objects.filter(part_of_id=pk).order_by("slug").values_list("slug", flat=True)
    ),
    pk=int,
)
DETAIL_PHOTOS = Prepared(
    lambda pk: (
        Photo.objects.filter(monument_id=pk)
        .order_by("key")
        .values("key", "image", "width", "height", "caption", "credit", "taken_on", "source__key")
    ),
    pk=int,
)


def monument_detail_row(slug: str, dates: dict, request) -> ChainMap | None:
    """The row :func:`serializers.monument_detail_item` builds a monument's detail from,
    or None for an unknown slug. Rows, not model instances: the monument with its site,
    stored status and override (one query), then its aliases, members, photos and
    accepted claims (one query each). With ``as_of`` or ``known_at`` in *dates* the
    status is computed for that day."""
    row = DETAIL_ROW.first(slug=slug)
    if row is None:
        return None
    pk = row["id"]
    claims = DETAIL_CLAIMS.rows(pk=pk)
    if any(dates.values()):
        by_monument, groups = services.engine_inputs([pk])
        inputs = by_monument.get(pk, [])
        result = engine.compute(
            inputs, as_of=dates["as_of"], known_at=dates["known_at"], group=groups.get(pk)
        )
        status = s.consensus_row(result, inputs)
        verdicts = s.verdicts_of(result)
        evidence_state, override_reason = result.evidence_state, ""
    else:
        status = {}
        verdicts = row["consensus__explanation"] or []
        evidence_state = row["consensus__evidence_state"] or engine.UNKNOWN
        override_reason = (row["consensus__overridden"] and row["status_override__reason"]) or ""
    state = status.get("consensus__state", row["consensus__state"]) or engine.UNKNOWN
    return ChainMap(
        {
            "aliases": DETAIL_ALIASES.rows(pk=pk),
            "members": DETAIL_MEMBERS.rows(pk=pk),
            "photos": photo_rows(pk, request),
            "claims": claims,
            "evidence_state": evidence_state,
            "override_reason": override_reason,
            **s.evidence_sides(claims, verdicts, state),
        },
        status,
        row,
    )


SITE_LINK_NAMES = ("name", "wikidata", "geonames", "pleiades")


def photo_rows(monument_id: int, request) -> list[dict]:
    """A monument's photos as the rows :class:`PhotoSerializer` reads (the image as an
    absolute address)."""
    storage = Photo._meta.get_field("image").storage
    rows = DETAIL_PHOTOS.rows(pk=monument_id)
    return [
        {
            **r,
            "image": request.build_absolute_uri(storage.url(r["image"])) if r["image"] else None,
            "source": r["source__key"],
        }
        for r in rows
    ]


# --- sources, claims, sites ----------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="Sources with their credits",
        description="The articles, statements and reports the claims come from: outlet, "
        "publication date, the agencies whose copy they carry and the earlier sources "
        "they repeat, with how many accepted claims each makes.",
        parameters=[format_parameter()],
        responses=list_responses(s.SourceSerializer, "Source"),
    ),
    retrieve=extend_schema(
        summary="A source with its accepted claims",
        description="The source's record, the curators' notes, the later sources that "
        "repeat it, and every accepted claim it makes.",
        parameters=[SOURCE_KEY],
        responses=s.SourceDetailSerializer,
    ),
)
class SourceViewSet(RegistryViewSet):
    lookup_field = "key"
    lookup_value_regex = r"[a-z0-9]+(?:-[a-z0-9]+)*"
    filterset_class = SourceFilter
    serializer_class = s.SourceSerializer

    def get_queryset(self):
        return (
            # Claim counts, credits and copy links are read per page or chunk
            # (formats.attach_source_links): counting before paging would count every
            # source's claims.
            Source.objects.order_by("-published_on", "key")
        )

    def list(self, request, *args, **kwargs):
        queryset = self.uniquely_ordered(self.filter_queryset(self.get_queryset()), "key")
        keys = keyset.parse_order(queryset.query.order_by)
        anchor = self.keyset_anchor(
            lambda name, key: keyset.place(Source.objects.filter(key=key), keys),
            KEYSET_UNKNOWN_SOURCE,
        )
        rows = queryset.values(*s.SOURCE_COLUMNS)
        context = {"base_url": self.detail_url("sources")}
        if request.accepted_renderer.format == "json":
            # Page through ids (the order's index alone, where an OFFSET steps over
            # index entries, not over rows joined to their outlet), then read the
            # page's rows; counted on the sources alone.
            ids, count, has_next, has_previous = self.keyset_page(
                queryset.values_list("pk", flat=True), keys, anchor
            )
            page = rows_in_order(Source.objects.all(), ids, s.SOURCE_COLUMNS)
            formats.attach_source_links(page)
            return self.keyset_response(
                [s.source_item(r, context) for r in page],
                count,
                has_next,
                has_previous,
                ref=lambda item: item["key"],
            )
        rows = keyset.from_anchor(rows, keys, anchor)
        return self.export(
            "sources",
            formats.source_table,
            formats.read(rows),
            s.source_item,
            context,
            enrich=formats.attach_source_links,
        )

    def retrieve(self, request, *args, **kwargs):
        key = self.kwargs["key"]
        row = self.get_queryset().filter(key=key).values(*s.SOURCE_COLUMNS, "notes").first()
        if row is None:
            raise exceptions.NotFound({"key": [f"No source with key {key!r}."]})
        formats.attach_source_links([row])
        item = s.source_item(row, {"base_url": self.detail_url("sources")})
        claims = (
            DamageReport.objects.accepted()
            .filter(source_id=row["id"])
            .order_by("key")
            .values(*s.CLAIM_COLUMNS)
        )
        copied_by = Source.objects.filter(copies_passages_from=row["id"]).values_list(
            "key", flat=True
        )
        item.update(
            notes=row["notes"],
            copied_by=sorted(copied_by),
            claims=[s.claim_item(r) for r in claims],
        )
        return Response(item)


@extend_schema_view(
    list=extend_schema(
        summary="Accepted claims",
        description="Every accepted damage report (claim): what a source says about a "
        "monument's state, in its own words, with when it was observed, who saw or said "
        "it and the source at a glance. Drafted and rejected claims are not published.",
        parameters=[format_parameter()],
        responses=list_responses(s.ClaimSerializer, "Claim"),
    ),
)
class ReportViewSet(mixins.ListModelMixin, RegistryViewSet):
    filterset_class = ReportFilter
    serializer_class = s.ClaimSerializer

    def get_queryset(self):
        # In publication order, from the claims' copies of their sources' date and key
        # (index claim_publication_order): a page stops at its end instead of sorting
        # every accepted claim with its source.
        return DamageReport.objects.accepted().in_publication_order()

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        order = [str(o) for o in queryset.query.order_by]
        descending = order[0].startswith("-")
        in_publication_order = [o.lstrip("-") for o in order] in (
            ["source_published_on"],
            list(PUBLICATION_ORDER),
        ) and all(o.startswith("-") == descending for o in order)
        if in_publication_order:
            queryset = queryset.in_publication_order(descending)
        else:
            # observed_from: ties by id, in the same direction (claim_observed_order).
            queryset = queryset.order_by(*order, "-pk" if descending else "pk")
        anchor = self.anchor(in_publication_order)
        if request.accepted_renderer.format == "json":
            return self.page(queryset, anchor, descending, in_publication_order)
        queryset = keyset.from_anchor(queryset, publication_keys(descending), anchor)
        return self.export(
            "reports",
            formats.claim_table,
            formats.read(queryset.values(*s.CLAIM_COLUMNS)),
            lambda row, context: s.claim_item(row),
            {},
        )

    def anchor(self, in_publication_order: bool) -> tuple[str, tuple] | None:
        """The ``after`` or ``before`` parameter, as (name, the claim's place in the
        publication order); None without either."""

        def locate(name: str, value: str) -> tuple | None:
            if not in_publication_order:
                raise ParameterError(name, KEYSET_ORDER)
            source_key, slash, key = value.partition("/")
            if not (slash and source_key and key):
                raise ParameterError(name, KEYSET_MALFORMED.format(value=value))
            # Any claim, accepted or not: a claim rejected since a link was given still
            # has its place in the order.
            claim = DamageReport.objects.filter(source__key=source_key, key=key)
            return claim.values_list(*PUBLICATION_ORDER).first()

        return self.keyset_anchor(locate, KEYSET_UNKNOWN)

    def page(self, queryset, anchor, descending: bool, in_publication_order: bool):
        """One page: its ids (by number, or by key after or before a claim), then their
        rows; in publication order the links read by key, so that following ``next``
        costs the same on every page."""
        ids, count, has_next, has_previous = self.keyset_page(
            queryset.values_list("pk", flat=True), publication_keys(descending), anchor
        )
        rows = rows_in_order(DamageReport.objects.all(), ids, ("id", *s.CLAIM_COLUMNS))
        results = [s.claim_item(r) for r in rows]
        if not in_publication_order:
            return self.get_paginated_response(results)
        return self.keyset_response(
            results, count, has_next, has_previous, ref=lambda item: item["claim"]
        )


def rows_in_order(queryset, ids: list, columns) -> list[dict]:
    """The ``values(*columns)`` rows of *ids* (a page chosen by its ids), in the ids'
    order; *columns* include ``id``."""
    by_id = {r["id"]: r for r in queryset.filter(pk__in=ids).values(*columns)}
    return [by_id[pk] for pk in ids]


def status_rows(cleaned: dict, past: tuple[str, datetime.date] | None):
    """For a list filtered on the status alone: the matching rows of the status table
    (today's stored consensus, or the periods covering a past day), one per listed
    monument, which count the list without joining each row to its monument. None when
    other filters apply (or ``state=unknown`` on a past day, which also matches the
    monuments no period covers), where the list's own count is the right one."""
    if any(v not in (None, "") for name, v in cleaned.items() if name not in STATUS_ONLY):
        return None
    state, contested, minimum = (cleaned.get(name) for name in CONSENSUS_PARAMETERS)
    if not (state or contested or minimum is not None):
        return None
    if state == ConsensusState.UNKNOWN and past is not None:
        return None
    if past is None:
        rows = MonumentConsensus.objects.all()
    else:
        basis, day = past
        rows = ConsensusPeriod.objects.filter(basis=basis, valid_from__lte=day, valid_to__gte=day)
    if state:
        rows = rows.filter(state=state)
    if contested:
        rows = rows.filter(contested=contested == "true")
    if minimum is not None:
        rows = rows.filter(confidence__gte=float(minimum))
    return rows


# Monument list parameters that leave the list a filter on the status alone.
STATUS_ONLY = {*CONSENSUS_PARAMETERS, "as_of", "known_at", "ordering", "after", "before"}
KEYSET_PARAMETERS = ("after", "before")
# Monument list sort terms that may be NULL: no period of a monument may cover the day
# (every monument has a status row for today, see add_unknown_statuses).
MONUMENT_NULLABLE = ("period__",)
# Sort terms on the status: the monument list's indexes cannot be walked in their order.
STATUS_TERMS = ("consensus__", "period__")
KEYSET_BOTH = "Give after or before, not both."
KEYSET_WITH_PAGE = "Give page, or after / before, not both."
KEYSET_ORDER = (
    "after and before follow the publication order: leave ordering out, or give "
    "published_on or -published_on."
)
KEYSET_MALFORMED = "Expected a claim reference <source key>/<claim key>, got {value!r}."
KEYSET_UNKNOWN = "No claim {value!r} (its reference, or its source's key, has changed?)."
KEYSET_UNKNOWN_MONUMENT = "No monument with slug {value!r} (renamed since the link was given?)."
KEYSET_UNKNOWN_SOURCE = "No source with key {value!r} (renamed since the link was given?)."


def publication_keys(descending: bool) -> list[keyset.Key]:
    """PUBLICATION_ORDER as keyset terms, in one direction."""
    return [keyset.Key(name, descending) for name in PUBLICATION_ORDER]


def keyset_link(request, name: str, ref: str) -> str:
    url = request.build_absolute_uri()
    for other in ("page", *KEYSET_PARAMETERS):
        url = remove_query_param(url, other)
    return replace_query_param(url, name, ref)


def sites_with_counts():
    return Site.objects.annotate(monument_count=Count("monuments")).order_by("name")


SITE_ROW = Prepared(
    lambda slug: sites_with_counts().filter(slug=slug).values(*s.SITE_COLUMNS)[:1], slug=str
)


@extend_schema_view(
    list=extend_schema(
        summary="Sites",
        description="The places that contain monuments (an archaeological site, a "
        "town), with their centre and how many monuments each holds.",
        parameters=[format_parameter("geojson")],
        responses=list_responses(s.SiteSerializer, "Site", geojson=True),
    ),
    retrieve=extend_schema(
        summary="A site",
        description="One site's record.",
        parameters=[SITE_SLUG],
        responses=s.SiteSerializer,
    ),
)
class SiteViewSet(RegistryViewSet):
    lookup_field = "slug"
    serializer_class = s.SiteSerializer
    filter_backends = []
    extra_renderers = [GeoJSONRenderer()]

    def get_queryset(self):
        return sites_with_counts()

    def list(self, request, *args, **kwargs):
        rows = self.get_queryset().values(*s.SITE_COLUMNS)
        context = {"base_url": self.detail_url("sites")}
        if request.accepted_renderer.format == "json":
            page = self.paginate_queryset(rows)
            return self.get_paginated_response([s.site_item(r, context) for r in page])
        return self.export("sites", formats.site_table, formats.read(rows), s.site_item, context)

    def retrieve(self, request, *args, **kwargs):
        row = SITE_ROW.first(slug=self.kwargs["slug"])
        if row is None:
            raise exceptions.NotFound({"slug": [f"No site with slug {self.kwargs['slug']!r}."]})
        return Response(s.site_item(row, {"base_url": self.detail_url("sites")}))


class VocabularyView(APIView):
    renderer_classes = [JSONLDRenderer]

    @extend_schema(
        summary="The registry's linked-data vocabulary",
        description="Every term the JSON-LD documents use beyond schema.org (the "
        "consensus status, damage claims, the state scale, kinds of evidence), with a "
        "label and a definition, as RDFS in JSON-LD.",
        responses={(200, "application/ld+json"): OpenApiTypes.OBJECT},
    )
    def get(self, request):
        vocabulary = request.build_absolute_uri("/api/vocabulary/")
        return Response(linked_data.vocabulary_document(vocabulary))


class DatasetEntrySerializer(s.serializers.Serializer):
    version = s.serializers.CharField(
        help_text="Date of the registry's last change and its revision (2016-03-29-r42)."
    )
    date = s.serializers.DateField(help_text="Date of the registry's last change.")
    revision = s.serializers.IntegerField(help_text="The registry's revision number.")
    url = s.serializers.URLField(help_text="Download address of the zip file.")
    size = s.serializers.IntegerField(help_text="Size of the zip file in bytes.")
    sha256 = s.serializers.CharField(help_text="SHA-256 checksum of the zip file.")


class DatasetView(APIView):
    renderer_classes = [JSONRenderer]

    def refuse_parameters(self, request) -> None:
        unknown = sorted(set(request.query_params) - {"format"})
        if unknown:
            raise ParameterError(unknown[0], "Unknown parameter. Accepted here: format.")

    def download(self, snapshot: dataset.Snapshot) -> FileResponse:
        response = FileResponse(
            snapshot.path.open("rb"),
            as_attachment=True,
            filename=snapshot.path.name,
            content_type="application/zip",
        )
        response["ETag"] = quote_etag(snapshot.version)
        response["Cache-Control"] = f"public, max-age={settings.API_CACHE_SECONDS}"
        return response


class DatasetListView(DatasetView):
    @extend_schema(
        summary="Dated snapshots of the whole registry",
        description="Every published snapshot of the dataset, newest first: a zip with a "
        "CSV file per table (monuments, sources, reports, sites), GeoJSON of the places, "
        "a Frictionless datapackage.json describing every column, the data's LICENSE "
        "and a CITATION.cff. Cite the version you used.",
        responses=DatasetEntrySerializer(many=True),
    )
    def get(self, request):
        self.refuse_parameters(request)
        base = request.build_absolute_uri("/api/datasets/")
        return Response(
            [
                {
                    "version": snap.version,
                    "date": snap.date.isoformat(),
                    "revision": snap.revision,
                    "url": f"{base}{snap.version}/",
                    "size": snap.size,
                    "sha256": snap.sha256(),
                }
                for snap in dataset.snapshots()
            ]
        )


class DatasetDownloadView(DatasetView):
    @extend_schema(
        summary="Download a snapshot of the whole registry",
        description="The zip of the given version, or of the newest one for latest. "
        "See the list of snapshots for what it contains.",
        parameters=[
            path_parameter("version", "A version from the list (2016-03-29-r42), or latest.")
        ],
        responses={(200, "application/zip"): OpenApiTypes.BINARY},
    )
    def get(self, request, version: str):
        self.refuse_parameters(request)
        found = dataset.snapshots()
        if version != "latest":
            found = [snap for snap in found if snap.version == version]
        if not found:
            what = (
                "No snapshot has been published yet."
                if version == "latest"
                else (f"No snapshot with version {version!r}.")
            )
            raise exceptions.NotFound({"version": [what]})
        return self.download(found[0])
